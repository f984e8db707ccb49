/* SPDX-License-Identifier: GPL-2.0 */
/* Demo 3, vfs_read calls per PID: types shared by BPF and loader. */
#ifndef KBPF_DEMO_VFSREAD_H
#define KBPF_DEMO_VFSREAD_H

#define VFSREAD_COMM_LEN	16	/* TASK_COMM_LEN */
#define VFSREAD_MAX_PIDS	4096

/* Value of map "reads", keyed by the u32 PID (thread group id). */
struct vfsread_val {
	__u64 count;		/* first: count_one()/counter_of() layout */
	char comm[VFSREAD_COMM_LEN];	/* name at the first counted call */
};

#endif /* KBPF_DEMO_VFSREAD_H */
