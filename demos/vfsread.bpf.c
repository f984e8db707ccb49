// SPDX-License-Identifier: GPL-2.0
/*
 * Demo 3: count vfs_read calls per PID with a kprobe.
 *
 * The same function under two sections: "kprobe.multi" (a
 * BPF_TRACE_KPROBE_MULTI link, what kbpf attaches through the shim) and
 * "kprobe" (libbpf's perf_event_open kprobe, what the guest kernel uses: its
 * 6.1 has no CONFIG_FPROBE, so no kprobe_multi). The loader loads one.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "count.bpf.h"
#include "vfsread.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VFSREAD_MAX_PIDS);
	__type(key, __u32);
	__type(value, struct vfsread_val);
} reads SEC(".maps");

static __always_inline int count_read(void)
{
	struct vfsread_val init = {};
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u64 *count;

	bpf_get_current_comm(init.comm, sizeof(init.comm));
	count = counter_of(&reads, &pid, &init);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

SEC("kprobe.multi/vfs_read")
int vfs_read_multi(void *ctx)
{
	return count_read();
}

SEC("kprobe/vfs_read")
int vfs_read_perf(void *ctx)
{
	return count_read();
}

char LICENSE[] SEC("license") = "GPL";
