// SPDX-License-Identifier: GPL-2.0
/*
 * Demo 1: syscall counts per process name.
 *
 * Raw tracepoint sys_enter (args[0] = struct pt_regs *, args[1] = syscall
 * number). Two HASH maps: "counts" keyed by comm (every syscall), and
 * "by_nr" keyed by comm and syscall number.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "count.bpf.h"
#include "syscount.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SYSCOUNT_MAX_COMMS);
	__type(key, struct syscount_comm);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SYSCOUNT_MAX_KEYS);
	__type(key, struct syscount_key);
	__type(value, __u64);
} by_nr SEC(".maps");

SEC("raw_tp/sys_enter")
int count_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	struct syscount_key key = {};

	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.nr = ctx->args[1];
	count_one(&counts, &key.comm);
	count_one(&by_nr, &key);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
