/* SPDX-License-Identifier: GPL-2.0 */
/* Demo 2, execsnoop: the event sent through the ring buffer. */
#ifndef KBPF_DEMO_EXECSNOOP_H
#define KBPF_DEMO_EXECSNOOP_H

#define EXECSNOOP_COMM_LEN	16	/* TASK_COMM_LEN */
#define EXECSNOOP_PATH_LEN	128
#define EXECSNOOP_RINGBUF_SIZE	(64 * 1024)

struct execsnoop_event {
	__u32 pid;		/* thread group id of the task after exec */
	__u32 ppid;		/* its real parent's thread group id */
	char comm[EXECSNOOP_COMM_LEN];		/* name after exec */
	char filename[EXECSNOOP_PATH_LEN];	/* the path given to execve */
};

#endif /* KBPF_DEMO_EXECSNOOP_H */
