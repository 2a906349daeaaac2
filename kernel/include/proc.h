/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * proc.h - processes: an address space, its threads, credentials and
 * (later) a handle table. Kernel threads have no process.
 */
#ifndef MATRIOSKA_PROC_H
#define MATRIOSKA_PROC_H

#include "list.h"
#include "sync.h"
#include "types.h"

struct vm_space;
struct thread;

struct process {
	u64 pid;
	char name[24];
	struct vm_space *vm;
	struct list_head threads; /* struct thread.proc_link; under lock */
	u32 nr_threads;
	struct thread *main_thread; /* the first thread, joined by proc_wait() */
	u32 uid, gid;
	vaddr_t entry, stack_top; /* where its first thread starts */
	int exit_code;
	bool exited;
	struct completion done; /* completed when the last thread has exited */
	struct spinlock lock;
};

/*
 * Start a user process from a flat program image: map image (len bytes) at
 * load_addr (executable, writable copy), a stack below the top of user space,
 * and run one user thread at entry. Returns the process or NULL.
 */
struct process *proc_spawn_flat(const char *name, const void *image, size_t len, vaddr_t load_addr,
				vaddr_t entry);
/* Wait for p to end; returns its exit code (or 128 + signal-like code if killed); frees p. */
int proc_wait(struct process *p);
/* End the calling thread's whole process with code. */
__noreturn void proc_exit(int code);
/* Process groups and sessions (job control, the controlling tty). */
int proc_current_pgid(void);
int proc_current_sid(void);
/* Is there a process in group pgid whose session is sid? */
bool proc_pgrp_in_session(int pgid, int sid);
/* The calling thread's process, NULL for kernel threads. */
struct process *current_proc(void);

#endif
