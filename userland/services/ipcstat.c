/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ipcstat.c - /bin/ipcstat: the native IPC objects of the system and who
 * holds them, like ipcs(1) for Matrioska's endpoints, notifications,
 * queues and memory objects (docs/design/services.md).
 *
 *   ipcstat [-t TYPE] [-p PID]
 *
 * It reads /proc/ipc (one line per handle, fs/procfs_ipc.c) and prints one
 * line per object, in the order first seen: its type, id, details and
 * every holder as PID/COMM#HANDLE:RIGHTS. -t keeps one type (endpoint,
 * notification, queue, memory, process, thread), -p the objects a process holds.
 */
#include "svcbox.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IPC_PATH "/proc/ipc"
#define MAX_OBJS 1024
#define HOLDERS_MAX 4096

struct obj {
	char type[16];
	char id[20];
	char details[80];
	char *holders; /* "pid/comm#h:rights ..." */
	size_t len;
	bool has_pid;
};

static struct obj objs[MAX_OBJS];
static int nobjs;

static struct obj *obj_get(const char *id)
{
	for (int i = 0; i < nobjs; i++)
		if (strcmp(objs[i].id, id) == 0)
			return &objs[i];
	if (nobjs == MAX_OBJS)
		return NULL;
	objs[nobjs].holders = calloc(1, HOLDERS_MAX);
	if (!objs[nobjs].holders)
		return NULL;
	return &objs[nobjs++];
}

static void holder_add(struct obj *o, const char *text)
{
	int n = snprintf(o->holders + o->len, HOLDERS_MAX - o->len, "%s%s", o->len ? " " : "",
			 text);

	if (n > 0 && (size_t)n < HOLDERS_MAX - o->len)
		o->len += (size_t)n;
}

int ipcstat_main(int argc, char **argv)
{
	const char *want_type = NULL;
	int want_pid = 0, opt;
	char line[512];
	FILE *f;

	while ((opt = getopt(argc, argv, "t:p:")) != -1) {
		if (opt == 't')
			want_type = optarg;
		else if (opt == 'p')
			want_pid = atoi(optarg);
		else {
			fprintf(stderr, "usage: ipcstat [-t TYPE] [-p PID]\n");
			return 1;
		}
	}
	f = fopen(IPC_PATH, "r");
	if (!f) {
		perror("ipcstat: " IPC_PATH);
		return 1;
	}
	if (!fgets(line, sizeof(line), f)) { /* the header */
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		char comm[32], type[16], id[20], rights[80], holder[160];
		unsigned long badge, handle;
		int pid, off = 0;
		struct obj *o;

		if (sscanf(line, "%d %31s %lu %15s %19s %79s %lu %n", &pid, comm, &handle, type, id,
			   rights, &badge, &off) < 7 ||
		    off == 0)
			continue;
		if (want_type && strcmp(type, want_type) != 0)
			continue;
		o = obj_get(id);
		if (!o)
			break;
		if (!o->type[0]) {
			snprintf(o->type, sizeof(o->type), "%s", type);
			snprintf(o->id, sizeof(o->id), "%s", id);
			snprintf(o->details, sizeof(o->details), "%.*s",
				 (int)strcspn(line + off, "\n"), line + off);
		}
		if (pid == want_pid)
			o->has_pid = true;
		if (badge)
			snprintf(holder, sizeof(holder), "%d/%s#%lu:%s(badge %lu)", pid, comm,
				 handle, rights, badge);
		else
			snprintf(holder, sizeof(holder), "%d/%s#%lu:%s", pid, comm, handle, rights);
		holder_add(o, holder);
	}
	fclose(f);
	printf("%-12s %-16s %-32s %s\n", "TYPE", "OBJECT", "DETAILS", "HOLDERS");
	for (int i = 0; i < nobjs; i++) {
		if (want_pid && !objs[i].has_pid)
			continue;
		printf("%-12s %-16s %-32s %s\n", objs[i].type, objs[i].id, objs[i].details,
		       objs[i].holders);
	}
	return 0;
}
