// SPDX-License-Identifier: GPL-2.0
/*
 * Demo 1 loader: syscall counts per process name (raw tracepoint sys_enter).
 *
 *	syscount [-l label] [-n N] [-v]
 *
 * Attaches syscount.bpf.c, runs a child that renames itself (prctl
 * PR_SET_NAME, a name unique to this run), makes exactly N getpid syscalls
 * and exits, runs `ls /` through the shell, detaches, and prints the busiest
 * process names. Assertions, derived from what the child does after its
 * rename: N getpid calls, one exit_group, nothing else, so the "counts" entry
 * of its name is exactly N + 1; and "ls" made at least one syscall.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "demo.h"
#include "syscount.h"

DEMO_EMBED_OBJ(syscount_obj, DEMO_OBJ_PATH);

#define SYSCOUNT_DEFAULT_N	1000
#define SYSCOUNT_TOP		10

/* Child: rename, N getpid, exit. Returns its wait status, -1 on error. */
static int run_workload(const char *comm, unsigned int n)
{
	unsigned int i;
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (prctl(PR_SET_NAME, comm, 0, 0, 0))
			_exit(2);
		for (i = 0; i < n; i++)
			syscall(SYS_getpid);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static __u64 lookup_count(int fd, const void *key)
{
	__u64 val;

	return bpf_map_lookup_elem(fd, key, &val) ? 0 : val;
}

struct comm_count {
	struct syscount_comm comm;
	__u64 count;
};

static int by_count_desc(const void *a, const void *b)
{
	const struct comm_count *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

/* Print the SYSCOUNT_TOP busiest names; returns the number of entries. */
static int print_top(int fd)
{
	static struct comm_count all[SYSCOUNT_MAX_COMMS];
	struct syscount_comm key, next;
	void *prev = NULL;
	int n = 0, i;

	while (n < SYSCOUNT_MAX_COMMS && !bpf_map_get_next_key(fd, prev, &next)) {
		all[n].comm = next;
		all[n].count = lookup_count(fd, &next);
		n++;
		key = next;
		prev = &key;
	}
	qsort(all, n, sizeof(all[0]), by_count_desc);
	printf("%-16s %10s\n", "COMM", "SYSCALLS");
	for (i = 0; i < n && i < SYSCOUNT_TOP; i++)
		printf("%-16.16s %10llu\n", all[i].comm.comm, (unsigned long long)all[i].count);
	return n;
}

int main(int argc, char **argv)
{
	struct syscount_key key = {};
	struct syscount_comm ls = { "ls" };
	unsigned int n = SYSCOUNT_DEFAULT_N;
	struct bpf_program *prog;
	struct bpf_map *counts, *by_nr;
	struct bpf_object *obj;
	struct bpf_link *link;
	__u64 total, getpid_cnt, exit_cnt;
	struct demo d;
	int status, i, entries;

	demo_init(&d, "demo_syscount", argc, argv);
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			n = strtoul(argv[++i], NULL, 0);

	obj = demo_open(&d, syscount_obj, syscount_obj_end - syscount_obj);
	if (!obj || demo_load(&d, obj))
		goto out;
	counts = demo_map(&d, obj, "counts");
	by_nr = demo_map(&d, obj, "by_nr");
	prog = bpf_object__find_program_by_name(obj, "count_sys_enter");
	if (!counts || !by_nr || !prog)
		goto out;
	link = bpf_program__attach(prog);
	demo_check(&d, link != NULL, "attach", "raw_tp/sys_enter: %s", strerror(errno));
	if (!link)
		goto out;

	snprintf(key.comm, sizeof(key.comm), "sysc-%d", (int)getpid());
	status = run_workload(key.comm, n);
	if (system("ls / > /dev/null") != 0)
		fprintf(stderr, "syscount: ls / failed\n");
	bpf_link__destroy(link);	/* the counts stop here */
	demo_check(&d, status == 0, "workload", "child wait status %d", status);

	printf("syscall counts while attached (top %d):\n", SYSCOUNT_TOP);
	entries = print_top(bpf_map__fd(counts));

	total = lookup_count(bpf_map__fd(counts), key.comm);
	key.nr = SYS_getpid;
	getpid_cnt = lookup_count(bpf_map__fd(by_nr), &key);
	key.nr = SYS_exit_group;
	exit_cnt = lookup_count(bpf_map__fd(by_nr), &key);
	printf("%s: %llu syscalls, %llu getpid, %llu exit_group (expected %u, %u, 1)\n",
	       key.comm, (unsigned long long)total, (unsigned long long)getpid_cnt,
	       (unsigned long long)exit_cnt, n + 1, n);

	demo_check(&d, total == n + 1ULL, "comm_total",
		   "counts[%s] = %llu, expected %u", key.comm,
		   (unsigned long long)total, n + 1);
	demo_check(&d, getpid_cnt == n, "comm_getpid",
		   "by_nr[%s, getpid] = %llu, expected %u", key.comm,
		   (unsigned long long)getpid_cnt, n);
	demo_check(&d, exit_cnt == 1, "comm_exit_group",
		   "by_nr[%s, exit_group] = %llu, expected 1", key.comm,
		   (unsigned long long)exit_cnt);
	demo_check(&d, lookup_count(bpf_map__fd(counts), &ls) >= 1, "ls_seen",
		   "no syscall counted for comm \"ls\" (%d names)", entries);
	demo_result("comm_total", total);
	demo_result("comm_getpid", getpid_cnt);
	demo_result("comm_exit_group", exit_cnt);
	demo_result("ls_seen", lookup_count(bpf_map__fd(counts), &ls) >= 1);
out:
	bpf_object__close(obj);
	return demo_exit(&d);
}
