/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * respawn.c - the respawn rate limit (see respawn.h): remembers the last
 * RESPAWN_BURST restart times of an entry and says when one more restart
 * would exceed the burst allowed within the window.
 */
#include "respawn.h"

long long respawn_delay_ms(const struct respawn_limit *r, long long now_ms)
{
	long long oldest;

	if (r->n < RESPAWN_BURST)
		return 0;
	/* The ring is full, so the slot written next holds the oldest restart. */
	oldest = r->restarts[r->next];
	return now_ms - oldest < RESPAWN_WINDOW_MS ? RESPAWN_PAUSE_MS : 0;
}

void respawn_note_restart(struct respawn_limit *r, long long now_ms)
{
	r->restarts[r->next] = now_ms;
	r->next = (r->next + 1) % RESPAWN_BURST;
	if (r->n < RESPAWN_BURST)
		r->n++;
}
