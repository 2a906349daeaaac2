/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * signal.h - POSIX signals (kernel/core/signal.c): Linux's numbers, pending
 * sets per thread and per process, default actions (terminate, core,
 * stop/continue, ignore). A thread blocked in an interruptible wait
 * (wait_until_intr) is woken when a signal becomes pending for it.
 */
#ifndef MATRIOSKA_SIGNAL_H
#define MATRIOSKA_SIGNAL_H

#include "types.h"

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define NSIG 64

#define SIGMASK(sig) (1ull << ((sig)-1))

struct thread;

/* Send sig to process pid (kill(2) rules are the caller's). 0 or -ESRCH/-EINVAL. */
int signal_send_pid(int pid, int sig);
/* Send sig to every process in group pgid. 0 if any got it, else -ESRCH. */
int signal_send_pgrp(int pgid, int sig);
/* Send sig to the process of thread t (faults: SIGSEGV, SIGILL, ...). */
void signal_send_thread(struct thread *t, int sig);
/* Does the calling thread have a pending signal that should interrupt a sleep? */
bool signal_pending(void);

struct trap_frame;
/* Return-to-user hook (arch code, when current_thread()->sig_pending != 0): act on signals. */
void signal_deliver(struct trap_frame *f);
/* rt_sigreturn: restore the frame saved by the last handler invocation (kills on a bad frame). */
int signal_sigreturn(struct trap_frame *f);

#endif
