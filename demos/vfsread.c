// SPDX-License-Identifier: GPL-2.0
/*
 * Demo 3 loader: vfs_read calls per PID (kprobe).
 *
 *	vfsread [-l label] [-n K] [-p] [-v]
 *
 * Attaches vfsread.bpf.c as a kprobe.multi link (default; what kbpf does
 * through the shim) or, with -p, as libbpf's perf_event_open kprobe (what
 * the guest kernel supports), runs a child that renames itself and makes
 * exactly K read(2) calls on /dev/zero, runs `wc -c /proc/version`,
 * detaches and prints the busiest PIDs. Assertions: read(2) enters vfs_read
 * once, and the child does nothing else that reads after its rename, so its
 * entry is exactly K, under its new name; some PID named "wc" read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "demo.h"
#include "vfsread.h"

DEMO_EMBED_OBJ(vfsread_obj, DEMO_OBJ_PATH);

#define VFSREAD_DEFAULT_K	500
#define VFSREAD_TOP		10
#define VFSREAD_BUF		64

/* Child: rename, K reads of /dev/zero, exit. Its PID, or -1. */
static pid_t run_workload(unsigned int k, int *status)
{
	char comm[VFSREAD_COMM_LEN], buf[VFSREAD_BUF];
	unsigned int i;
	pid_t pid;
	int fd;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		snprintf(comm, sizeof(comm), "vfsr-%d", (int)getpid());
		if (prctl(PR_SET_NAME, comm, 0, 0, 0))
			_exit(2);
		fd = open("/dev/zero", O_RDONLY);
		if (fd < 0)
			_exit(3);
		for (i = 0; i < k; i++)
			if (read(fd, buf, sizeof(buf)) != sizeof(buf))
				_exit(4);
		_exit(0);
	}
	if (waitpid(pid, status, 0) != pid)
		return -1;
	return pid;
}

struct pid_count {
	__u32 pid;
	struct vfsread_val val;
};

static int by_count_desc(const void *a, const void *b)
{
	const struct pid_count *x = a, *y = b;

	return x->val.count < y->val.count ? 1 : x->val.count > y->val.count ? -1 : 0;
}

/* Print the VFSREAD_TOP busiest PIDs; returns the reads of comm "wc". */
static __u64 print_top(int fd)
{
	static struct pid_count all[VFSREAD_MAX_PIDS];
	__u32 key, next, *prev = NULL;
	__u64 wc_reads = 0;
	int n = 0, i;

	while (n < VFSREAD_MAX_PIDS && !bpf_map_get_next_key(fd, prev, &next)) {
		all[n].pid = next;
		if (!bpf_map_lookup_elem(fd, &next, &all[n].val))
			n++;
		key = next;
		prev = &key;
	}
	qsort(all, n, sizeof(all[0]), by_count_desc);
	printf("%7s %-16s %8s\n", "PID", "COMM", "READS");
	for (i = 0; i < n && i < VFSREAD_TOP; i++)
		printf("%7u %-16.16s %8llu\n", all[i].pid, all[i].val.comm,
		       (unsigned long long)all[i].val.count);
	for (i = 0; i < n; i++)
		if (!strncmp(all[i].val.comm, "wc", sizeof(all[i].val.comm)))
			wc_reads += all[i].val.count;
	return wc_reads;
}

int main(int argc, char **argv)
{
	unsigned int k = VFSREAD_DEFAULT_K;
	struct bpf_program *multi, *perf, *prog;
	struct vfsread_val val = {};
	char comm[VFSREAD_COMM_LEN];
	struct bpf_object *obj;
	struct bpf_link *link;
	struct bpf_map *reads;
	bool use_perf = false;
	int status = -1, i;
	struct demo d;
	__u64 wc_reads;
	pid_t pid;

	demo_init(&d, "demo_vfsread", argc, argv);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			k = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-p"))
			use_perf = true;
	}

	obj = demo_open(&d, vfsread_obj, vfsread_obj_end - vfsread_obj);
	if (!obj)
		goto out;
	multi = bpf_object__find_program_by_name(obj, "vfs_read_multi");
	perf = bpf_object__find_program_by_name(obj, "vfs_read_perf");
	if (!multi || !perf) {
		demo_check(&d, false, "open", "programs missing from the object");
		goto out;
	}
	prog = use_perf ? perf : multi;
	bpf_program__set_autoload(use_perf ? multi : perf, false);
	if (demo_load(&d, obj))
		goto out;
	reads = demo_map(&d, obj, "reads");
	if (!reads)
		goto out;
	link = bpf_program__attach(prog);
	demo_check(&d, link != NULL, "attach", "%s: %s",
		   bpf_program__section_name(prog), strerror(errno));
	if (!link)
		goto out;

	pid = run_workload(k, &status);
	if (system("wc -c /proc/version > /dev/null") != 0)
		fprintf(stderr, "vfsread: wc -c /proc/version failed\n");
	bpf_link__destroy(link);	/* the counts stop here */
	demo_check(&d, pid > 0 && status == 0, "workload", "child wait status %d", status);
	if (pid <= 0)
		goto out;

	printf("vfs_read calls per PID while attached (%s, top %d):\n",
	       bpf_program__section_name(prog), VFSREAD_TOP);
	wc_reads = print_top(bpf_map__fd(reads));
	demo_check(&d, wc_reads >= 1, "wc_seen", "no vfs_read counted for comm \"wc\"");

	snprintf(comm, sizeof(comm), "vfsr-%d", (int)pid);
	if (bpf_map_lookup_elem(bpf_map__fd(reads), &pid, &val))
		memset(&val, 0, sizeof(val));
	printf("child %d: %llu vfs_read calls as \"%.16s\" (expected %u as \"%s\")\n",
	       (int)pid, (unsigned long long)val.count, val.comm, k, comm);
	demo_check(&d, val.count == k, "child_reads", "reads[%d] = %llu, expected %u",
		   (int)pid, (unsigned long long)val.count, k);
	demo_check(&d, !strncmp(val.comm, comm, sizeof(comm)), "child_comm",
		   "comm \"%.16s\", expected \"%s\"", val.comm, comm);
	demo_result("child_reads", val.count);
	demo_result("wc_seen", wc_reads >= 1);
out:
	bpf_object__close(obj);
	return demo_exit(&d);
}
