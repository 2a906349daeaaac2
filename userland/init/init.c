/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * init.c - Matrioska's /sbin/init, the first user process (PID 1), a static
 * musl program.
 *
 * It mounts devtmpfs on /dev and proc on /proc (reporting, not dying on,
 * failures), points fds 0-2 at /dev/console when the kernel left them
 * closed, sets a small environment and reads /etc/inittab (busybox format,
 * parsed by inittab.c; a built-in default when the file is missing). It
 * then runs the sysinit entries and waits for each, the same for wait
 * entries, starts the once entries, and keeps the respawn and askfirst
 * entries running: each in its own session with its tty as controlling
 * terminal and its process group in the foreground, restarted when it
 * exits (rate-limited by respawn.c). It reaps every child, orphans
 * included. A shutdown signal, as busybox's halt, poweroff and reboot send
 * them (SIGUSR1, SIGUSR2, SIGTERM), runs the shutdown entries, kills
 * everything, syncs and halts, powers off or restarts through reboot().
 *
 * Waiting is race-free: SIGCHLD and the shutdown signals stay blocked and the
 * main loop sleeps in sigtimedwait(). If the kernel lacks rt_sigtimedwait,
 * init falls back to handlers and a blocking waitpid() (a signal that lands
 * between the check and the wait is then only seen at the next event).
 *
 * init never exits: every failure is reported on the console and the loop
 * goes on. Every message is one line starting with "init: ".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "bootcap.h"
#include "inittab.h"
#include "respawn.h"

#define INITTAB_PATH "/etc/inittab"
#define RCS_PATH "/etc/init.d/rcS"
#define CONSOLE_PATH "/dev/console"
#define INITTAB_FILE_MAX 16384
#define SPAWN_RETRY_MS 1000LL /* after a failed fork */

/* Run-time state of one inittab entry (same index as tab.entries). */
struct slot {
	pid_t pid;		    /* running child, 0 if none */
	bool pending;		    /* respawn/askfirst: should be running */
	bool started_once;	    /* a later start is a restart (rate limit) */
	unsigned long starts;	    /* times it was forked */
	long long not_before;	    /* earliest (re)start time, ms */
	struct respawn_limit limit; /* restart history */
};

static struct inittab tab;
static struct slot slots[INITTAB_MAX_ENTRIES];
static bool shutting_down;

/* Signals init waits for; blocked while sigtimedwait() works. */
static sigset_t wait_sigs;
static bool use_sigtimedwait = true;
static volatile sig_atomic_t shutdown_signal; /* set by the fallback handler */

/* Signals init ignores itself; children get them back at SIG_DFL. */
static const int ignored_sigs[] = {SIGINT, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE};
static const int handled_sigs[] = {SIGCHLD, SIGTERM, SIGUSR1, SIGUSR2};

/* What each shutdown signal asks for (busybox's halt, poweroff and reboot send them). */
static const struct shutdown_kind {
	int sig;
	const char *sig_name;
	int how;	      /* the reboot() command */
	const char *how_name; /* for messages */
	const char *doing;
} shutdown_kinds[] = {
	{SIGUSR1, "SIGUSR1", RB_HALT_SYSTEM, "RB_HALT_SYSTEM", "halting"},
	{SIGUSR2, "SIGUSR2", RB_POWER_OFF, "RB_POWER_OFF", "powering off"},
	{SIGTERM, "SIGTERM", RB_AUTOBOOT, "RB_AUTOBOOT", "rebooting"},
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct shutdown_kind *shutdown_kind(int sig)
{
	for (size_t i = 0; i < ARRAY_SIZE(shutdown_kinds); i++)
		if (shutdown_kinds[i].sig == sig)
			return &shutdown_kinds[i];
	return NULL;
}

__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n = snprintf(buf, sizeof(buf), "init: ");

	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	/* One write per message so lines from init and its children do not mix. */
	if (write(STDERR_FILENO, buf, (size_t)n) < 0) {
		/* Nowhere else to report it. */
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/* ---- early setup: directories, file systems, console, environment ---- */

/* mkdir that accepts an existing directory; returns 0 or an errno value. */
static int make_dir(const char *path, mode_t mode)
{
	if (mkdir(path, mode) < 0)
		return errno == EEXIST ? 0 : errno;
	/* mkdir applies the umask; /tmp needs its sticky, world-writable mode. */
	if (chmod(path, mode) < 0)
		return errno;
	return 0;
}

/* Mount a pseudo file system; returns 0 or an errno value (EBUSY: already there). */
static int mount_fs(const char *source, const char *dir, const char *type)
{
	if (mount(source, dir, type, 0, NULL) < 0 && errno != EBUSY)
		return errno;
	return 0;
}

static bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0 || errno != EBADF;
}

/* Open /dev/console on each of fds 0-2 that is closed; returns 0 or an errno value. */
static int open_console_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int c;

		if (fd_is_open(fd))
			continue;
		c = open(CONSOLE_PATH, O_RDWR | O_NOCTTY);
		if (c < 0)
			return errno;
		if (c != fd) {
			if (dup2(c, fd) < 0) {
				int err = errno;

				close(c);
				return err;
			}
			close(c);
		}
	}
	return 0;
}

static void early_setup(void)
{
	bool console_ok = fd_is_open(STDERR_FILENO);
	int dev_dir, dev_mount, console, err;

	if (console_ok)
		say("Matrioska init starting");
	umask(022);
	/* /dev first: the console lives there. Report once someone can read it. */
	dev_dir = make_dir("/dev", 0755);
	dev_mount = mount_fs("dev", "/dev", "devtmpfs");
	console = open_console_fds();
	if (!console_ok)
		say("Matrioska init starting");
	if (getpid() != 1)
		say("warning: running as pid %d, not 1", (int)getpid());
	if (dev_dir)
		say("cannot create /dev: %s", strerror(dev_dir));
	if (dev_mount)
		say("cannot mount devtmpfs on /dev: %s (continuing without it)",
		    strerror(dev_mount));
	if (console)
		say("cannot open %s for fds 0-2: %s", CONSOLE_PATH, strerror(console));

	err = make_dir("/proc", 0555);
	if (err)
		say("cannot create /proc: %s", strerror(err));
	err = mount_fs("proc", "/proc", "proc");
	if (err)
		say("cannot mount proc on /proc: %s (continuing without it)", strerror(err));
	err = make_dir("/tmp", 01777);
	if (err)
		say("cannot create /tmp: %s", strerror(err));

	setenv("PATH", "/sbin:/usr/sbin:/bin:/usr/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("TERM", "vt100", 1);
	setenv("SHELL", "/bin/sh", 1);
}

/* ---- /etc/inittab ---- */

static void report_line(void *ctx, unsigned int lineno, const char *msg)
{
	(void)ctx;
	say("%s line %u: %s; line ignored", INITTAB_PATH, lineno, msg);
}

/* Read the whole file into buf (size bytes); returns its length or -errno. */
static long read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;

	if (fd < 0)
		return -errno;
	while (len < size) {
		ssize_t n = read(fd, buf + len, size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			close(fd);
			return -err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return (long)len;
}

static void load_inittab(void)
{
	static char text[INITTAB_FILE_MAX + 1];
	long len = read_file(INITTAB_PATH, text, sizeof(text));
	bool have_rcs;

	if (len < 0) {
		say("cannot read %s: %s; using the built-in default", INITTAB_PATH,
		    strerror((int)-len));
		goto use_default;
	}
	if (len > INITTAB_FILE_MAX) {
		say("%s is larger than %d bytes; using the built-in default", INITTAB_PATH,
		    INITTAB_FILE_MAX);
		goto use_default;
	}
	inittab_parse(text, (size_t)len, &tab, report_line, NULL);
	for (unsigned int i = 0; i < tab.n; i++) {
		enum inittab_action a = tab.entries[i].action;

		if (a == INITTAB_CTRLALTDEL || a == INITTAB_RESTART)
			say("%s line %u: action '%s' is not supported; entry ignored", INITTAB_PATH,
			    tab.entries[i].lineno, inittab_action_name(a));
	}
	if (tab.n > 0)
		return;
	say("%s has no usable entry; using the built-in default", INITTAB_PATH);
use_default:
	have_rcs = access(RCS_PATH, X_OK) == 0;
	inittab_default(&tab, have_rcs);
}

/* ---- starting children ---- */

static bool is_respawning(const struct inittab_entry *e)
{
	return e->action == INITTAB_RESPAWN || e->action == INITTAB_ASKFIRST;
}

/*
 * In the child: put the entry's tty on fds 0-2 (if it names one) and take it
 * over. Failing to take it over is only reported on the entry's first start.
 */
static void child_setup_tty(const struct inittab_entry *e, bool first)
{
	char tty[sizeof("/dev/") + INITTAB_ID_MAX];
	const char *name = CONSOLE_PATH;

	if (e->id[0]) {
		int fd;

		snprintf(tty, sizeof(tty), "/dev/%s", e->id);
		name = tty;
		fd = open(tty, O_RDWR | O_NOCTTY);
		if (fd < 0) {
			say("cannot open %s for %s: %s", tty, e->process, strerror(errno));
			_exit(126);
		}
		for (int i = 0; i <= 2; i++)
			dup2(fd, i);
		if (fd > 2)
			close(fd);
	}
	/* Services run on /dev/null (id "null"): no terminal to control. */
	if (!is_respawning(e) || !isatty(STDIN_FILENO))
		return;
	/* A session of its own, with the tty as controlling terminal, so ^C reaches it. */
	if (ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0) {
		if (first)
			say("%s: cannot make %s the controlling terminal: %s (no job control)",
			    e->process, name, strerror(errno));
	} else if (tcsetpgrp(STDIN_FILENO, getpgrp()) < 0 && first) {
		say("%s: cannot put it in the foreground of %s: %s", e->process, name,
		    strerror(errno));
	}
}

static void child_wait_for_enter(void)
{
	static const char prompt[] = "\nPlease press Enter to activate this console. ";
	char c;

	if (write(STDOUT_FILENO, prompt, sizeof(prompt) - 1) < 0)
		return;
	for (;;) {
		ssize_t n = read(STDIN_FILENO, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c == '\n' || c == '\r')
			return;
	}
}

__attribute__((noreturn)) static void child_run(const struct inittab_entry *e,
						struct inittab_argv *a, bool first)
{
	extern char **environ;
	sigset_t none;

	for (size_t i = 0; i < ARRAY_SIZE(ignored_sigs); i++)
		signal(ignored_sigs[i], SIG_DFL);
	for (size_t i = 0; i < ARRAY_SIZE(handled_sigs); i++)
		signal(handled_sigs[i], SIG_DFL);
	if (setsid() < 0)
		say("%s: setsid failed: %s", e->process, strerror(errno));
	/* SIGTTOU is still blocked or ignored here, so tcsetpgrp cannot stop us. */
	child_setup_tty(e, first);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (e->action == INITTAB_ASKFIRST)
		child_wait_for_enter();
	execve(a->path, a->argv, environ);
	say("cannot run %s: %s", a->path, strerror(errno));
	_exit(127);
}

/*
 * Start entry i; returns the child's pid, or -1 (reported). An entry whose
 * command cannot be turned into arguments is never retried.
 */
static pid_t spawn(unsigned int i)
{
	const struct inittab_entry *e = &tab.entries[i];
	struct inittab_argv a;
	char err[INITTAB_ERR_MAX];
	pid_t pid;
	int cap;

	if (inittab_build_argv(e, &a, err, sizeof(err)) < 0) {
		say("%s line %u: %s: %s; entry disabled", INITTAB_PATH, e->lineno, e->process, err);
		slots[i].pending = false;
		return -1;
	}
	cap = bootcap_before_fork(a.path);
	pid = fork();
	if (pid == 0)
		bootcap_in_child(cap);
	bootcap_after_fork(pid == 0 ? 0 : cap);
	if (pid < 0) {
		say("cannot fork to start %s: %s", e->process, strerror(errno));
		return -1;
	}
	if (pid == 0)
		child_run(e, &a, slots[i].starts == 0);
	slots[i].pid = pid;
	slots[i].starts++;
	say("started %s (pid %d)", e->process, (int)pid);
	return pid;
}

/* ---- children that end ---- */

static void describe_status(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "was killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, size, "ended with wait status %#x", (unsigned int)status);
}

/* Account for a child that ended: log it and schedule its restart if it respawns. */
static void child_ended(pid_t pid, int status)
{
	char how[96];

	for (unsigned int i = 0; i < tab.n; i++) {
		const struct inittab_entry *e = &tab.entries[i];
		struct slot *s = &slots[i];
		bool again;
		long long now, delay;

		if (s->pid != pid)
			continue;
		s->pid = 0;
		again = is_respawning(e) && s->pending && !shutting_down;
		describe_status(status, how, sizeof(how));
		say("%s (pid %d) %s%s", e->process, (int)pid, how, again ? ", respawning" : "");
		if (!again)
			return;
		now = now_ms();
		delay = respawn_delay_ms(&s->limit, now);
		if (delay)
			say("%s is respawning too fast (%d restarts within %lld s); waiting %lld s",
			    e->process, RESPAWN_BURST, RESPAWN_WINDOW_MS / 1000, delay / 1000);
		s->not_before = now + delay;
		return;
	}
	/* An orphan inherited by init: nothing more to do than reaping it. */
}

/* Reap every child that has ended, without blocking; false once none is left. */
static bool reap_all(void)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid > 0) {
			child_ended(pid, status);
			continue;
		}
		if (pid < 0 && errno == EINTR)
			continue;
		return !(pid < 0 && errno == ECHILD);
	}
}

/* Block until child pid ends, reaping any other child on the way. */
static void wait_for(pid_t pid)
{
	for (;;) {
		int status;
		pid_t r = waitpid(-1, &status, 0);

		if (r > 0) {
			child_ended(r, status);
			if (r == pid)
				return;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != ECHILD)
			say("waitpid failed: %s", strerror(errno));
		return;
	}
}

/* Run every entry with this action in order, waiting for each to end. */
static void run_and_wait(enum inittab_action action)
{
	for (unsigned int i = 0; i < tab.n; i++) {
		pid_t pid;

		if (tab.entries[i].action != action)
			continue;
		pid = spawn(i);
		if (pid > 0)
			wait_for(pid);
	}
}

/*
 * Start every respawn/askfirst entry that is due. Returns the time in ms
 * until the next one is due, or -1 if none is waiting.
 */
static long long start_due(void)
{
	long long next = -1;

	for (unsigned int i = 0; i < tab.n; i++) {
		struct slot *s = &slots[i];
		long long now;

		if (!s->pending || s->pid)
			continue;
		now = now_ms();
		if (now >= s->not_before) {
			if (s->started_once)
				respawn_note_restart(&s->limit, now);
			s->started_once = true;
			if (spawn(i) > 0 || !s->pending)
				continue;
			s->not_before = now + SPAWN_RETRY_MS;
		}
		if (next < 0 || s->not_before - now < next)
			next = s->not_before - now;
	}
	return next;
}

/* ---- signals and the main loop ---- */

static void on_signal(int sig)
{
	if (shutdown_kind(sig))
		shutdown_signal = sig;
}

static void setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: in the fallback mode a signal must end a blocking waitpid(). */
	sa.sa_handler = on_signal;
	sigemptyset(&wait_sigs);
	for (size_t i = 0; i < ARRAY_SIZE(handled_sigs); i++) {
		sigaddset(&wait_sigs, handled_sigs[i]);
		/* A handler, not SIG_DFL: a kernel may drop default-action signals to PID 1. */
		if (sigaction(handled_sigs[i], &sa, NULL) < 0)
			say("cannot handle signal %d: %s", handled_sigs[i], strerror(errno));
	}
	sa.sa_handler = SIG_IGN;
	for (size_t i = 0; i < ARRAY_SIZE(ignored_sigs); i++)
		sigaction(ignored_sigs[i], &sa, NULL);
	if (sigprocmask(SIG_BLOCK, &wait_sigs, NULL) < 0) {
		say("cannot block signals: %s; waiting with waitpid instead", strerror(errno));
		use_sigtimedwait = false;
	}
}

/*
 * Sleep until a child may have ended, a shutdown signal came or timeout_ms
 * (-1: no timeout) passed. Returns the signal of a shutdown request
 * (SIGUSR1, SIGUSR2 or SIGTERM), 0 otherwise; the caller reaps.
 */
static int wait_event(long long timeout_ms)
{
	int sig;

	if (use_sigtimedwait) {
		struct timespec ts, *tp = NULL;

		if (timeout_ms >= 0) {
			ts.tv_sec = timeout_ms / 1000;
			ts.tv_nsec = (timeout_ms % 1000) * 1000000;
			tp = &ts;
		}
		sig = sigtimedwait(&wait_sigs, NULL, tp);
		if (shutdown_kind(sig))
			return sig;
		if (sig >= 0 || errno == EAGAIN || errno == EINTR)
			return 0;
		say("sigtimedwait failed: %s; waiting with waitpid instead", strerror(errno));
		use_sigtimedwait = false;
		sigprocmask(SIG_UNBLOCK, &wait_sigs, NULL);
		/* Signals that were pending run their handler now. */
	}
	if (!shutdown_signal) {
		if (timeout_ms >= 0) {
			sleep_ms(timeout_ms);
		} else {
			int status;
			pid_t pid = waitpid(-1, &status, 0);

			if (pid > 0)
				child_ended(pid, status);
			else if (errno == ECHILD)
				pause();
		}
	}
	sig = shutdown_signal;
	shutdown_signal = 0;
	return sig;
}

__attribute__((noreturn)) static void shutdown_system(int sig)
{
	const struct shutdown_kind *k = shutdown_kind(sig);

	say("%s received: shutting down", k->sig_name);
	shutting_down = true;
	run_and_wait(INITTAB_SHUTDOWN);

	say("sending SIGTERM to every process");
	kill(-1, SIGTERM);
	/* Give them up to a second to go. */
	for (int i = 0; i < 10 && reap_all(); i++)
		sleep_ms(100);
	say("sending SIGKILL to every process");
	kill(-1, SIGKILL);
	sleep_ms(100);
	reap_all();
	sync();
	say("%s", k->doing);
	reboot(k->how);
	say("reboot(%s) failed: %s; idling here", k->how_name, strerror(errno));
	for (;;) {
		reap_all();
		sleep_ms(1000);
	}
}

int main(void)
{
	early_setup();
	bootcap_setup();
	load_inittab();
	setup_signals();

	run_and_wait(INITTAB_SYSINIT);
	run_and_wait(INITTAB_WAIT);
	for (unsigned int i = 0; i < tab.n; i++) {
		if (tab.entries[i].action == INITTAB_ONCE)
			spawn(i);
		if (is_respawning(&tab.entries[i]))
			slots[i].pending = true;
	}

	for (;;) {
		int sig = wait_event(start_due());

		reap_all();
		if (sig)
			shutdown_system(sig);
	}
}
