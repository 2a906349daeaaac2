/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * matrioska.c - libmatrioska's out-of-line system-call wrappers
 * (matrioska.h): one generic six-argument native call and the thin
 * functions over it.
 */
#include "matrioska.h"

long m_syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	long ret = nr;

	__asm__ volatile("syscall"
			 : "+a"(ret)
			 : "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

int m_handle_dup(int h, uint32_t rights, uint64_t badge, uint32_t flags)
{
	return (int)m_syscall6(MSYS_HANDLE_DUP, h, rights, (long)badge, flags, 0, 0);
}

int m_handle_close(int h)
{
	return (int)m_syscall6(MSYS_HANDLE_CLOSE, h, 0, 0, 0, 0, 0);
}

int m_handle_revoke(int h)
{
	return (int)m_syscall6(MSYS_HANDLE_REVOKE, h, 0, 0, 0, 0, 0);
}

int m_handle_info(int h, struct m_handle_info *info)
{
	return (int)m_syscall6(MSYS_HANDLE_INFO, h, (long)info, 0, 0, 0, 0);
}

int m_handle_give(int proc, int h, uint32_t rights)
{
	return (int)m_syscall6(MSYS_HANDLE_GIVE, proc, h, rights, 0, 0, 0);
}

int m_proc_open(int pid)
{
	return (int)m_syscall6(MSYS_PROC_OPEN, pid, 0, 0, 0, 0, 0);
}

int m_thread_open(int proc, int tid)
{
	return (int)m_syscall6(MSYS_THREAD_OPEN, proc, tid, 0, 0, 0, 0);
}

int m_thread_info(int h, struct m_thread_info *info)
{
	return (int)m_syscall6(MSYS_THREAD_INFO, h, (long)info, 0, 0, 0, 0);
}

int m_thread_set_nice(int h, int nice)
{
	return (int)m_syscall6(MSYS_THREAD_SET_NICE, h, nice, 0, 0, 0, 0);
}

int m_thread_signal(int h, int sig)
{
	return (int)m_syscall6(MSYS_THREAD_SIGNAL, h, sig, 0, 0, 0, 0);
}

int m_thread_set_affinity(int h, uint64_t cpus)
{
	return (int)m_syscall6(MSYS_THREAD_SET_AFFINITY, h, (long)cpus, 0, 0, 0, 0);
}

int m_ep_create(void)
{
	return (int)m_syscall6(MSYS_EP_CREATE, 0, 0, 0, 0, 0, 0);
}

int m_ipc_set_buffer(struct m_ipc_buffer *buf)
{
	return (int)m_syscall6(MSYS_IPC_SET_BUFFER, (long)buf, 0, 0, 0, 0, 0);
}

int m_mq_create(uint32_t max_msgs, uint32_t max_size)
{
	return (int)m_syscall6(MSYS_MQ_CREATE, max_msgs, max_size, 0, 0, 0, 0);
}

long m_mq_send(int h, const void *buf, size_t len, uint32_t flags, uint64_t timeout)
{
	return m_syscall6(MSYS_MQ_SEND, h, (long)buf, (long)len, flags, (long)timeout, 0);
}

long m_mq_recv(int h, void *buf, size_t size, uint32_t flags, uint64_t timeout)
{
	return m_syscall6(MSYS_MQ_RECV, h, (long)buf, (long)size, flags, (long)timeout, 0);
}

int m_ntfn_create(void)
{
	return (int)m_syscall6(MSYS_NTFN_CREATE, 0, 0, 0, 0, 0, 0);
}

long m_ntfn_signal(int h, uint64_t bits)
{
	return m_syscall6(MSYS_NTFN_SIGNAL, h, (long)bits, 0, 0, 0, 0);
}

long m_ntfn_wait(int h, uint64_t timeout)
{
	return m_syscall6(MSYS_NTFN_WAIT, h, (long)timeout, 0, 0, 0, 0);
}

long m_ntfn_poll(int h)
{
	return m_syscall6(MSYS_NTFN_POLL, h, 0, 0, 0, 0, 0);
}

int m_mem_create(uint64_t size)
{
	return (int)m_syscall6(MSYS_MEM_CREATE, (long)size, 0, 0, 0, 0, 0);
}

long m_mem_map(int h, void *addr, size_t len, uint32_t prot, uint64_t offset)
{
	return m_syscall6(MSYS_MEM_MAP, h, (long)addr, (long)len, prot, (long)offset, 0);
}

long m_debug_write(const char *buf, size_t len)
{
	return m_syscall6(MSYS_DEBUG_WRITE, (long)buf, (long)len, 0, 0, 0, 0);
}

long m_gettid(void)
{
	return m_syscall6(MSYS_GETTID, 0, 0, 0, 0, 0, 0);
}

long m_clock_ns(void)
{
	return m_syscall6(MSYS_CLOCK_NS, 0, 0, 0, 0, 0, 0);
}
