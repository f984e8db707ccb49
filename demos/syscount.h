/* SPDX-License-Identifier: GPL-2.0 */
/* Demo 1, syscall counts per process name: types shared by BPF and loader. */
#ifndef KBPF_DEMO_SYSCOUNT_H
#define KBPF_DEMO_SYSCOUNT_H

#define SYSCOUNT_COMM_LEN	16	/* TASK_COMM_LEN */
#define SYSCOUNT_MAX_COMMS	1024
#define SYSCOUNT_MAX_KEYS	8192

/* Key of map "counts": the process name (bpf_get_current_comm). */
struct syscount_comm {
	char comm[SYSCOUNT_COMM_LEN];
};

/* Key of map "by_nr": process name and syscall number. */
struct syscount_key {
	char comm[SYSCOUNT_COMM_LEN];
	__u32 nr;
	__u32 pad;	/* always 0: hash keys compare every byte */
};

#endif /* KBPF_DEMO_SYSCOUNT_H */
