/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * epoll.h - epoll instances (fs/epoll.c): a set of watched files with a
 * ready list, filled by observer entries (wait_entry.notify) that epoll
 * leaves on the files' wait queues through their poll method (poll.h says
 * what a file type implements to be watchable). The Linux calls
 * epoll_create1/ctl/wait/pwait are in kernel/linux/events.c.
 *
 * Semantics are Linux's: level-triggered items are reported while their
 * file is ready; EPOLLET items once per wake-up of their file; EPOLLONESHOT
 * items once, then never again until EPOLL_CTL_MOD re-arms them. EPOLLERR
 * and EPOLLHUP are always reported. An item is (file, fd); the item goes
 * away when the last reference to its file does (so close(fd) removes it
 * unless the file is still open through a dup), or by EPOLL_CTL_DEL.
 * Watching an epoll instance from another one is not supported (EINVAL).
 */
#ifndef MATRIOSKA_EPOLL_H
#define MATRIOSKA_EPOLL_H

#include "types.h"

struct file;

#define EPOLLIN 0x001
#define EPOLLPRI 0x002
#define EPOLLOUT 0x004
#define EPOLLERR 0x008
#define EPOLLHUP 0x010
#define EPOLLRDNORM 0x040
#define EPOLLRDBAND 0x080
#define EPOLLWRNORM 0x100
#define EPOLLWRBAND 0x200
#define EPOLLMSG 0x400
#define EPOLLRDHUP 0x2000
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

/* Linux's struct epoll_event on x86_64: packed, 12 bytes. */
struct epoll_event_k {
	u32 events;
	u64 data;
} __attribute__((packed));

/* A new epoll instance (O_RDWR, flags' O_NONBLOCK kept); 0 or -ENOMEM. */
int epoll_create_file(u32 flags, struct file **out) __must_check;
bool file_is_epoll(const struct file *f);

/*
 * EPOLL_CTL_ADD/MOD/DEL of (target, fd) on epoll ep. ev is ignored for DEL.
 * -EINVAL: bad op or flags, target is ep or another epoll; -EPERM: target
 * has no poll method (regular files); -EEXIST (ADD), -ENOENT (MOD, DEL);
 * -ENOMEM. Thread context; may sleep.
 */
int epoll_ctl_file(struct file *ep, int op, int fd, struct file *target,
		   const struct epoll_event_k *ev) __must_check;

/*
 * Wait until items of ep are ready, deadline_ns (monotonic; 0: do not wait,
 * UINT64_MAX: forever) passes, or a signal is pending, and copy up to max
 * events to the user array uevents. Returns the count (0 on timeout),
 * -EINTR, or -EFAULT if not even the first event could be written.
 */
long epoll_wait_file(struct file *ep, void *uevents, u32 max, u64 deadline_ns);

#endif
