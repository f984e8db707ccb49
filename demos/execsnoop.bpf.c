// SPDX-License-Identifier: GPL-2.0
/*
 * Demo 2: execsnoop. On every successful exec (raw tracepoint
 * sched_process_exec: args[0] = struct task_struct *, args[1] = old pid,
 * args[2] = struct linux_binprm *), send PID, PPID, comm and the file name
 * to userspace through a ring buffer.
 *
 * No vmlinux.h: the two kernel structs are declared here with only the
 * fields read, and preserve_access_index makes every access a CO-RE
 * relocation that libbpf resolves in userspace against the running kernel's
 * BTF (/sys/kernel/btf/vmlinux), on both backends.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "execsnoop.h"

struct task_struct {
	struct task_struct *real_parent;
	int tgid;
} __attribute__((preserve_access_index));

struct linux_binprm {
	const char *filename;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, EXECSNOOP_RINGBUF_SIZE);
} events SEC(".maps");

SEC("raw_tp/sched_process_exec")
int execsnoop(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx->args[0];
	struct linux_binprm *bprm = (struct linux_binprm *)ctx->args[2];
	struct execsnoop_event *ev;
	const char *filename;

	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev)
		return 0;
	ev->pid = BPF_CORE_READ(task, tgid);
	ev->ppid = BPF_CORE_READ(task, real_parent, tgid);
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	filename = BPF_CORE_READ(bprm, filename);
	if (bpf_probe_read_kernel_str(ev->filename, sizeof(ev->filename), filename) < 0)
		ev->filename[0] = 0;
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
