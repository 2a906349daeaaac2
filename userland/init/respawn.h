/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * respawn.h - the respawn rate limit of init, a pure function of the times
 * an entry was (re)started so it can be tested on the host.
 *
 * Rule: a respawn or askfirst entry that would be restarted more than
 * RESPAWN_BURST times within RESPAWN_WINDOW_MS waits RESPAWN_PAUSE_MS first.
 * A program that dies at once therefore restarts five times quickly, then
 * about every five seconds, instead of flooding the console.
 */
#ifndef MATRIOSKA_INIT_RESPAWN_H
#define MATRIOSKA_INIT_RESPAWN_H

#define RESPAWN_BURST 5
#define RESPAWN_WINDOW_MS 10000LL
#define RESPAWN_PAUSE_MS 5000LL

struct respawn_limit {
	long long restarts[RESPAWN_BURST]; /* ring of the last restart times (ms) */
	unsigned int n;			   /* restarts recorded, at most RESPAWN_BURST */
	unsigned int next;		   /* ring slot the next restart goes to */
};

/*
 * How long (ms) to wait before restarting at time now_ms: 0, or
 * RESPAWN_PAUSE_MS when the last RESPAWN_BURST restarts all fall within
 * RESPAWN_WINDOW_MS before now_ms. Does not change *r.
 */
long long respawn_delay_ms(const struct respawn_limit *r, long long now_ms);

/* Record a restart at now_ms (the first start of an entry is not a restart). */
void respawn_note_restart(struct respawn_limit *r, long long now_ms);

#endif
