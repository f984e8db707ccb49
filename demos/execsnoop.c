// SPDX-License-Identifier: GPL-2.0
/*
 * Demo 2 loader: execsnoop (raw tracepoint sched_process_exec, events
 * through a BPF ring buffer, printed live).
 *
 *	execsnoop [-l label] [-v]
 *
 * Attaches execsnoop.bpf.c, then forks and execs a few commands itself,
 * printing every event as ring_buffer__poll() delivers it. Assertions: each
 * command's child produced exactly one event, with the child's PID, this
 * loader's PID as PPID, the command's base name as comm and the exec'd path
 * as file name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "demo.h"
#include "execsnoop.h"

DEMO_EMBED_OBJ(execsnoop_obj, DEMO_OBJ_PATH);

#define EXECSNOOP_WAIT_MS	3000	/* longest wait for one child's event */
#define EXECSNOOP_POLL_MS	100

static const char *const commands[][3] = {
	{ "/bin/true", NULL },
	{ "/bin/echo", "kbpf", NULL },
	{ "/bin/uname", "-r", NULL },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

struct snoop {
	pid_t child[NCOMMANDS];
	unsigned int seen[NCOMMANDS];	/* events with that child's PID */
	bool fields_ok[NCOMMANDS];	/* ppid, comm and file name right */
	unsigned int total;
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct execsnoop_event *ev = data;
	struct snoop *s = ctx;
	unsigned int i;

	if (size < sizeof(*ev))
		return 0;
	s->total++;
	printf("%-7u %-7u %-16.16s %.*s\n", ev->pid, ev->ppid, ev->comm,
	       EXECSNOOP_PATH_LEN, ev->filename);
	for (i = 0; i < NCOMMANDS; i++) {
		if (s->child[i] <= 0 || ev->pid != (__u32)s->child[i])
			continue;
		s->seen[i]++;
		s->fields_ok[i] = ev->ppid == (__u32)getpid() &&
				  !strncmp(ev->comm, base_name(commands[i][0]), sizeof(ev->comm)) &&
				  !strncmp(ev->filename, commands[i][0], sizeof(ev->filename));
	}
	return 0;
}

/* fork + exec commands[i] (output to /dev/null); the child's PID or -1. */
static pid_t spawn(unsigned int i)
{
	pid_t pid = fork();
	int null;

	if (pid)
		return pid;
	null = open("/dev/null", O_WRONLY);
	if (null >= 0)
		dup2(null, STDOUT_FILENO);
	execv(commands[i][0], (char *const *)commands[i]);
	_exit(127);
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct snoop s = { .total = 0 };
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *link = NULL;
	struct bpf_map *events;
	unsigned int i, waited, matched = 0, right = 0;
	struct demo d;
	int status;

	demo_init(&d, "demo_execsnoop", argc, argv);
	obj = demo_open(&d, execsnoop_obj, execsnoop_obj_end - execsnoop_obj);
	if (!obj || demo_load(&d, obj))
		goto out;
	events = demo_map(&d, obj, "events");
	prog = bpf_object__find_program_by_name(obj, "execsnoop");
	if (!events || !prog)
		goto out;
	rb = ring_buffer__new(bpf_map__fd(events), on_event, &s, NULL);
	demo_check(&d, rb != NULL, "ringbuf", "ring_buffer__new: %s", strerror(errno));
	if (!rb)
		goto out;
	link = bpf_program__attach(prog);
	demo_check(&d, link != NULL, "attach", "raw_tp/sched_process_exec: %s", strerror(errno));
	if (!link)
		goto out;

	printf("%-7s %-7s %-16s %s\n", "PID", "PPID", "COMM", "FILENAME");
	for (i = 0; i < NCOMMANDS; i++) {
		s.child[i] = spawn(i);
		if (s.child[i] < 0 || waitpid(s.child[i], &status, 0) != s.child[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			demo_check(&d, false, "spawn", "%s did not run", commands[i][0]);
			continue;
		}
		for (waited = 0; !s.seen[i] && waited < EXECSNOOP_WAIT_MS;
		     waited += EXECSNOOP_POLL_MS)
			ring_buffer__poll(rb, EXECSNOOP_POLL_MS);
	}
	ring_buffer__consume(rb);	/* anything late, e.g. a duplicate */

	for (i = 0; i < NCOMMANDS; i++) {
		matched += s.seen[i] == 1;
		right += s.seen[i] == 1 && s.fields_ok[i];
		char what[32];

		snprintf(what, sizeof(what), "%s_once", base_name(commands[i][0]));
		demo_check(&d, s.seen[i] == 1, what, "%u events for PID %d (%s), expected 1",
			   s.seen[i], (int)s.child[i], commands[i][0]);
		snprintf(what, sizeof(what), "%s_fields", base_name(commands[i][0]));
		demo_check(&d, s.seen[i] != 1 || s.fields_ok[i], what,
			   "%s: PPID, comm or file name wrong (expected PPID %d)",
			   commands[i][0], (int)getpid());
	}
	demo_result("execs_seen_once", matched);
	demo_result("execs_fields_right", right);
out:
	bpf_link__destroy(link);
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return demo_exit(&d);
}
