/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pthreads.c - the pthread acceptance program: in each run, 4
 * threads each add 1 to a shared counter ITERS times under a
 * pthread_mutex and, when done, bump a "finished" count and signal a
 * condition variable; the main thread waits on the condition variable until
 * all 4 are finished, joins them and checks the total. RUNS runs in a row;
 * prints "pthreads: 100 runs, total ok" when every total was right (exit
 * 0), or the first wrong total (exit 1). Exercises clone(CLONE_THREAD),
 * futex wait/wake (mutex, condvar, join) and CLONE_CHILD_CLEARTID.
 * argv[1], if given, replaces RUNS.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 4
#define ITERS 2000
#define RUNS 100

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static long counter;
static int finished;

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	finished++;
	pthread_cond_signal(&done_cv);
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : RUNS;

	for (int run = 0; run < runs; run++) {
		pthread_t th[NTHREADS];

		counter = 0;
		finished = 0;
		for (int i = 0; i < NTHREADS; i++)
			if (pthread_create(&th[i], NULL, worker, NULL) != 0) {
				printf("pthreads: run %d: pthread_create failed\n", run);
				return 1;
			}
		pthread_mutex_lock(&lock);
		while (finished < NTHREADS)
			pthread_cond_wait(&done_cv, &lock);
		pthread_mutex_unlock(&lock);
		for (int i = 0; i < NTHREADS; i++)
			pthread_join(th[i], NULL);
		if (counter != (long)NTHREADS * ITERS) {
			printf("pthreads: run %d: total %ld, expected %ld\n", run, counter,
			       (long)NTHREADS * ITERS);
			return 1;
		}
	}
	printf("pthreads: %d runs, total ok\n", runs);
	return 0;
}
