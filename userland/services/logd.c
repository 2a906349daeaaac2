/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * logd.c - /sbin/logd: the system log moved to user space
 * (docs/design/services.md; interface logd.rpc, tool logctl).
 *
 * Two inputs: applications call it over IPC (logd_log: level, source,
 * text), and the kernel's records come from /dev/kmsg, each with the
 * kernel's sequence number. Every record accepted gets a sequence number
 * of logd's own, goes into an in-memory ring (the last LOGD_RING records,
 * what logctl queries) and is appended to /var/log/messages as one line
 * written with one write():
 *
 *     SEQ SECONDS.MICROS LEVEL SOURCE: TEXT        (application record)
 *     SEQ SECONDS.MICROS LEVEL kernel[KSEQ]: TEXT  (kernel record)
 *
 * Nothing is lost or doubled across a restart (init respawns logd): at
 * start logd reads the tail of /var/log/messages (after messages.0, the
 * file it becomes at LOGD_ROTATE_BYTES) back, which restores the
 * ring, its own sequence and the kernel cursor (the kernel sequence after
 * the last kernel line written); it then reads /dev/kmsg from the oldest
 * record the kernel still holds and skips those below the cursor. The
 * kernel ring keeps what was logged while logd was down; only what
 * overflowed that ring is lost, and logd then says how many.
 *
 * Filters: per source (and "*", the default), records above a level are
 * dropped on arrival. They live in memory only.
 *
 * Two threads and no timer, so an idle logd never runs: the main thread
 * serves RPC calls (blocked in receive with no timeout); the kernel thread
 * sleeps in poll() on /dev/kmsg, which the kernel wakes when a record is
 * logged (drivers/char/kmsg.c), and takes the new records. L.lock (a
 * mutex) covers all of L but ep and kmsg_fd (set before the thread
 * starts): both threads drain /dev/kmsg under it (a call first takes what
 * the kernel said before it, to keep the file in time order), so each
 * kernel record is taken once, by whichever thread gets there first.
 *
 * A restarted nameserver starts with an empty table and says so in the
 * kernel log ("nameserver: serving", nameserver.c); the kernel thread,
 * seeing that record, publishes "logd" again (from its own thread: the RPC
 * stubs use a per-thread IPC buffer, rpc.c).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "logd_rpc.h"
#include "nameserver_rpc.h"
#include "svcbox.h"

#define LOGD_RING 256
#define LOGD_SRC_MAX 32
#define LOGD_TEXT_MAX 200
#define LOGD_FILTERS 32
#define LOGD_LINE_MAX 320
#define LOGD_NS_TIMEOUT 5000000000ull /* publish: wait this long for a nameserver to answer */
#define NS_STARTED_TEXT "nameserver: serving" /* the record a (re)started nameserver logs */
#define LOGD_RELOAD_BYTES 65536		      /* tail of each file read back at start */
#define LOGD_ROTATE_BYTES (256 * 1024)	      /* messages becomes messages.0 at this size */
#define MESSAGES_PATH "/var/log/messages"
#define MESSAGES_OLD_PATH "/var/log/messages.0"
#define KMSG_PATH "/dev/kmsg"

struct logd_rec {
	uint64_t seq;
	uint64_t ts_us;
	uint64_t kseq; /* kernel records: the kernel's sequence number */
	uint8_t level;
	bool kernel;
	char src[LOGD_SRC_MAX];
	char text[LOGD_TEXT_MAX];
};

struct logd_filter {
	char src[LOGD_SRC_MAX]; /* "" = free slot */
	uint8_t level;
};

/* All of logd's state. lock covers everything else; ep and kmsg_fd are set before threads start. */
static struct {
	pthread_mutex_t lock;
	struct logd_rec ring[LOGD_RING]; /* seq s is at ring[s % LOGD_RING] */
	uint64_t next_seq;		 /* ring holds [max(1, next_seq - LOGD_RING), next_seq) */
	uint64_t kcursor;		 /* next kernel sequence to take */
	struct logd_filter filters[LOGD_FILTERS];
	int out_fd;	   /* /var/log/messages */
	uint64_t out_size; /* its size */
	int kmsg_fd;
	int ep;
	bool publish_due; /* publish at the kernel thread's next turn (a nameserver started) */
} L = {.lock = PTHREAD_MUTEX_INITIALIZER};

static const char *const level_names[8] = {"emerg",   "alert",	"crit", "err",
					   "warning", "notice", "info", "debug"};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int level_from_name(const char *s)
{
	for (int i = 0; i < 8; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return -1;
}

/* Copy a source name: no spaces, ':' or control characters (they would break the line format). */
static void copy_source(char *dst, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i < LOGD_SRC_MAX - 1; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = (c <= ' ' || c == ':' || c == '[' || c >= 0x7f) ? '_' : (char)c;
	}
	dst[i] = '\0';
}

static void copy_text(char *dst, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i < LOGD_TEXT_MAX - 1; i++)
		dst[i] = (src[i] == '\n' || src[i] == '\r') ? ' ' : src[i];
	dst[i] = '\0';
}

static struct logd_filter *filter_find(const char *src)
{
	for (int i = 0; i < LOGD_FILTERS; i++)
		if (L.filters[i].src[0] && strcmp(L.filters[i].src, src) == 0)
			return &L.filters[i];
	return NULL;
}

/* Does a record of src at level pass the filters? */
static bool filter_pass(const char *src, unsigned int level)
{
	struct logd_filter *f = filter_find(src);

	if (!f)
		f = filter_find("*");
	return !f || level <= f->level;
}

/* r as one line of the file, '\n' included (cut to fit line[]): its length. */
static int format_rec(const struct logd_rec *r, char line[LOGD_LINE_MAX])
{
	char src[LOGD_SRC_MAX + 24];
	int n;

	if (r->kernel)
		snprintf(src, sizeof(src), "kernel[%llu]", (unsigned long long)r->kseq);
	else
		snprintf(src, sizeof(src), "%s", r->src);
	n = snprintf(line, LOGD_LINE_MAX, "%llu %llu.%06llu %s %s: %s\n",
		     (unsigned long long)r->seq, (unsigned long long)(r->ts_us / 1000000u),
		     (unsigned long long)(r->ts_us % 1000000u), level_names[r->level & 7], src,
		     r->text);
	if (n >= LOGD_LINE_MAX) {
		n = LOGD_LINE_MAX - 1;
		line[n - 1] = '\n';
	}
	return n;
}

static uint64_t oldest_seq(void)
{
	return L.next_seq > LOGD_RING + 1 ? L.next_seq - LOGD_RING : 1;
}

static void rotate(void);

/* Put r (seq assigned here) into the ring and, if write_out, the file. */
static uint64_t store(struct logd_rec *r, bool write_out)
{
	char line[LOGD_LINE_MAX];
	int n;

	r->seq = L.next_seq++;
	L.ring[r->seq % LOGD_RING] = *r;
	if (r->kernel)
		L.kcursor = r->kseq + 1;
	if (write_out && L.out_fd >= 0) {
		n = format_rec(r, line);
		if (write(L.out_fd, line, (size_t)n) != n)
			fprintf(stderr, "logd: writing %s failed\n", MESSAGES_PATH);
		L.out_size += (uint64_t)n;
		if (L.out_size >= LOGD_ROTATE_BYTES)
			rotate();
	}
	return r->seq;
}

/* Open /var/log/messages for appending; end a line a crash may have cut. */
static void open_out(void)
{
	off_t size;
	char last = '\n';

	L.out_fd = open(MESSAGES_PATH, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	L.out_size = 0;
	if (L.out_fd < 0) {
		fprintf(stderr, "logd: cannot open %s: %s\n", MESSAGES_PATH, strerror(errno));
		return;
	}
	size = lseek(L.out_fd, 0, SEEK_END);
	if (size > 0 && pread(L.out_fd, &last, 1, size - 1) == 1 && last != '\n' &&
	    write(L.out_fd, "\n", 1) == 1)
		size++;
	L.out_size = size > 0 ? (uint64_t)size : 0;
}

/*
 * messages -> messages.0 (replacing the older one), a new messages. A crash
 * in between leaves everything in messages.0, which reload() reads first.
 */
static void rotate(void)
{
	close(L.out_fd);
	if (rename(MESSAGES_PATH, MESSAGES_OLD_PATH) < 0)
		fprintf(stderr, "logd: cannot rotate %s: %s\n", MESSAGES_PATH, strerror(errno));
	open_out();
}

static void log_self(unsigned int level, const char *text)
{
	struct logd_rec r = {.ts_us = now_us(), .level = (uint8_t)level};

	snprintf(r.src, sizeof(r.src), "logd");
	copy_text(r.text, text);
	store(&r, true);
}

/* ---- restart: read the tail of /var/log/messages back ---- */

/* Parse one line written by store(); false if it is not one. */
static bool parse_line(char *line, struct logd_rec *r)
{
	unsigned long long seq, sec, usec, kseq;
	char level[16], src[LOGD_SRC_MAX + 24];
	int off = 0, lv;

	if (sscanf(line, "%llu %llu.%llu %15s %55[^: ]: %n", &seq, &sec, &usec, level, src, &off) <
		    5 ||
	    off == 0)
		return false;
	lv = level_from_name(level);
	if (lv < 0 || seq == 0)
		return false;
	memset(r, 0, sizeof(*r));
	r->seq = seq;
	r->ts_us = sec * 1000000u + usec;
	r->level = (uint8_t)lv;
	if (sscanf(src, "kernel[%llu]", &kseq) == 1) {
		r->kernel = true;
		r->kseq = kseq;
		snprintf(r->src, sizeof(r->src), "kernel");
	} else {
		copy_source(r->src, src);
	}
	copy_text(r->text, line + off);
	return true;
}

/* Read the tail of one log file back: ring, next sequence, kernel cursor. */
static void reload_file(const char *path)
{
	static char buf[LOGD_RELOAD_BYTES + 1];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	off_t size, start;
	ssize_t n;
	char *p, *nl;

	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	start = size > LOGD_RELOAD_BYTES ? size - LOGD_RELOAD_BYTES : 0;
	n = size > 0 ? pread(fd, buf, (size_t)(size - start), start) : 0;
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	p = buf;
	if (start > 0) { /* the first line is probably cut */
		p = strchr(buf, '\n');
		p = p ? p + 1 : buf + n;
	}
	for (; *p; p = nl + 1) {
		struct logd_rec r;

		nl = strchr(p, '\n');
		if (!nl)
			break; /* a line cut by a crash mid-write is not a record */
		*nl = '\0';
		if (!parse_line(p, &r))
			continue;
		L.ring[r.seq % LOGD_RING] = r;
		if (r.seq >= L.next_seq)
			L.next_seq = r.seq + 1;
		if (r.kernel && r.kseq + 1 > L.kcursor)
			L.kcursor = r.kseq + 1;
	}
}

/* The older file first: after a rotation the newer one may hold no kernel record yet. */
static void reload(void)
{
	L.next_seq = 1;
	reload_file(MESSAGES_OLD_PATH);
	reload_file(MESSAGES_PATH);
}

/* ---- kernel records ---- */

static void take_kmsg_line(char *line)
{
	unsigned int prio;
	unsigned long long kseq, ts;
	int off = 0;
	struct logd_rec r;
	char *nl;

	if (sscanf(line, "%u,%llu,%llu,%*[^;];%n", &prio, &kseq, &ts, &off) < 3 || off == 0)
		return;
	if (kseq < L.kcursor)
		return; /* written before a restart */
	if (kseq > L.kcursor && L.kcursor > 0) {
		char note[96];

		snprintf(note, sizeof(note),
			 "%llu kernel records lost (the kernel ring overflowed)",
			 kseq - (unsigned long long)L.kcursor);
		log_self(3, note);
	}
	L.kcursor = kseq + 1;
	if (strncmp(line + off, NS_STARTED_TEXT, strlen(NS_STARTED_TEXT)) == 0)
		L.publish_due = true; /* whatever the filters say */
	if (!filter_pass("kernel", prio & 7))
		return;
	nl = strchr(line + off, '\n'); /* continuation lines (" KEY=value") are dropped */
	if (nl)
		*nl = '\0';
	memset(&r, 0, sizeof(r));
	r.kernel = true;
	r.kseq = kseq;
	r.ts_us = ts;
	r.level = (uint8_t)(prio & 7);
	snprintf(r.src, sizeof(r.src), "kernel");
	copy_text(r.text, line + off);
	store(&r, true);
}

/* Take every kernel record there is now (kmsg_fd is non-blocking). L.lock held. */
static void poll_kernel(void)
{
	char line[1200];

	if (L.kmsg_fd < 0)
		return;
	for (;;) {
		ssize_t n = read(L.kmsg_fd, line, sizeof(line) - 1);

		if (n < 0 && errno == EPIPE)
			continue; /* overtaken: the gap is reported by take_kmsg_line */
		if (n <= 0)
			return;
		line[n] = '\0';
		take_kmsg_line(line);
	}
}

/* ---- the nameserver ---- */

static void publish(void)
{
	int ns = rpc_ns_handle();

	if (ns < 0 || L.ep <= 0)
		return;
	ns_publish(ns, LOGD_NS_TIMEOUT, "logd", L.ep);
}

/*
 * The kernel thread: take every record there is, publish if asked to (at
 * start, or a nameserver started), then sleep until /dev/kmsg has a record
 * (poll with no timeout: the kernel wakes it). A poll woken for records
 * the main thread has already taken finds nothing and sleeps again.
 */
static void *kernel_thread(void *arg)
{
	struct pollfd p = {.fd = L.kmsg_fd, .events = POLLIN};

	(void)arg;
	for (;;) {
		bool due;

		pthread_mutex_lock(&L.lock);
		poll_kernel();
		due = L.publish_due;
		L.publish_due = false;
		pthread_mutex_unlock(&L.lock);
		if (due)
			publish();
		if (poll(&p, 1, -1) < 0 && errno != EINTR) {
			fprintf(stderr, "logd: poll %s: %s\n", KMSG_PATH, strerror(errno));
			return NULL;
		}
	}
}

/* Every call runs with L.lock held (the kernel thread stores records too). */
static void dispatch_locked(const void *ops, void *ctx, struct m_msg *msg, struct m_ipc_buffer *b)
{
	pthread_mutex_lock(&L.lock);
	logd_dispatch((const struct logd_ops *)ops, ctx, msg, b);
	pthread_mutex_unlock(&L.lock);
}

/* ---- the RPC handlers ---- */

static bool rec_match(const struct logd_rec *r, uint64_t level, const char *src)
{
	return r->seq && r->level <= level && (!src[0] || strcmp(r->src, src) == 0);
}

static long do_log(void *ctx, uint64_t badge, uint64_t level, const char *source, const char *text,
		   uint64_t *seq)
{
	struct logd_rec r;

	(void)ctx;
	(void)badge;
	if (level > 7 || !source[0])
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	copy_source(r.src, source);
	if (strcmp(r.src, "kernel") == 0)
		return -EPERM; /* only the kernel's own records carry that name */
	*seq = 0;
	if (!filter_pass(r.src, (unsigned int)level))
		return 0;
	r.level = (uint8_t)level;
	r.ts_us = now_us();
	copy_text(r.text, text);
	poll_kernel(); /* keep the file in time order with what the kernel said first */
	*seq = store(&r, true);
	return 0;
}

static long do_read(void *ctx, uint64_t badge, uint64_t from, uint64_t level, const char *source,
		    uint64_t *next, char *lines, size_t size)
{
	char line[LOGD_LINE_MAX];
	size_t used = 0;
	long count = 0;
	uint64_t s;

	(void)ctx;
	(void)badge;
	poll_kernel();
	s = from < oldest_seq() ? oldest_seq() : from;
	lines[0] = '\0';
	for (; s < L.next_seq; s++) {
		const struct logd_rec *r = &L.ring[s % LOGD_RING];
		int n;

		if (r->seq != s || !rec_match(r, level, source))
			continue;
		n = format_rec(r, line);
		if (used + (size_t)n + 1 > size)
			break;
		memcpy(lines + used, line, (size_t)n);
		used += (size_t)n;
		lines[used] = '\0';
		count++;
	}
	*next = s;
	return count;
}

static long do_tail(void *ctx, uint64_t badge, uint64_t count, uint64_t level, const char *source,
		    uint64_t *from)
{
	uint64_t s;

	(void)ctx;
	(void)badge;
	poll_kernel();
	s = L.next_seq;
	while (count > 0 && s > oldest_seq()) {
		s--;
		if (rec_match(&L.ring[s % LOGD_RING], level, source) &&
		    L.ring[s % LOGD_RING].seq == s)
			count--;
	}
	*from = s;
	return 0;
}

static long do_filter(void *ctx, uint64_t badge, uint64_t level, const char *source)
{
	char src[LOGD_SRC_MAX];
	struct logd_filter *f;

	(void)ctx;
	(void)badge;
	if (level > 8 || !source[0])
		return -EINVAL;
	copy_source(src, source); /* keeps "*", the default's name */
	f = filter_find(src);
	if (level == 8) { /* no filter */
		if (f)
			f->src[0] = '\0';
		return 0;
	}
	for (int i = 0; i < LOGD_FILTERS && !f; i++)
		if (!L.filters[i].src[0])
			f = &L.filters[i];
	if (!f)
		return -ENOSPC;
	snprintf(f->src, sizeof(f->src), "%s", src);
	f->level = (uint8_t)level;
	return 0;
}

static long do_filters(void *ctx, uint64_t badge, char *lines, size_t size)
{
	size_t used = 0;

	(void)ctx;
	(void)badge;
	lines[0] = '\0';
	for (int i = 0; i < LOGD_FILTERS; i++) {
		const struct logd_filter *f = &L.filters[i];
		int n;

		if (!f->src[0])
			continue;
		n = snprintf(lines + used, size - used, "%s %s\n", f->src, level_names[f->level]);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	return 0;
}

static const struct logd_ops logd_server = {
	.log = do_log,
	.read = do_read,
	.tail = do_tail,
	.filter = do_filter,
	.filters = do_filters,
};

int logd_main(int argc, char **argv)
{
	pthread_t kt;
	long r;

	(void)argc;
	(void)argv;
	mkdir("/var", 0755);
	mkdir("/var/log", 0755);
	reload();
	open_out();
	L.kmsg_fd = open(KMSG_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (L.kmsg_fd < 0)
		fprintf(stderr, "logd: cannot open %s: %s\n", KMSG_PATH, strerror(errno));
	L.ep = m_ep_create();
	if (L.ep < 0) {
		fprintf(stderr, "logd: no endpoint: %s\n", strerror(-L.ep));
		return 1;
	}
	log_self(6, "logd started");
	/* The kernel thread publishes (it may wait for a nameserver) while calls are served. */
	L.publish_due = true;
	if (L.kmsg_fd < 0 || pthread_create(&kt, NULL, kernel_thread, NULL) != 0) {
		if (L.kmsg_fd >= 0)
			fprintf(stderr,
				"logd: no kernel thread: kernel records only come with calls\n");
		publish();
	}
	r = rpc_serve(L.ep, dispatch_locked, &logd_server, NULL, 0, NULL);
	fprintf(stderr, "logd: serving failed: %s\n", strerror((int)-r));
	return 1;
}
