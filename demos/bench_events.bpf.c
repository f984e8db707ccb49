// SPDX-License-Identifier: GPL-2.0
/*
 * Per-event overhead benchmark (make bench): the same minimal program (one
 * PERCPU_ARRAY increment) on a kprobe, a raw tracepoint, a tracepoint and a
 * netfilter hook. The loader loads the ones its backend can attach.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/netfilter.h>
#include <bpf/bpf_helpers.h>
#include "uapi/kbpf.h"
#include "bench_events.h"

/* Events seen (per CPU; the loader sums): proves the program ran. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

static __always_inline void hit(void)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&hits, &key);

	if (val)
		*val += 1;
}

SEC("kprobe.multi/" BENCH_KPROBE_FUNC)
int kprobe_multi(void *ctx)
{
	hit();
	return 0;
}

SEC("kprobe/" BENCH_KPROBE_FUNC)
int kprobe_perf(void *ctx)
{
	hit();
	return 0;
}

SEC("raw_tp/sys_enter")
int raw_tp(void *ctx)
{
	hit();
	return 0;
}

SEC("tp/syscalls/sys_enter_getppid")
int tracepoint(void *ctx)
{
	hit();
	return 0;
}

SEC("netfilter")
int nf_accept(struct kbpf_nf_ctx *ctx)
{
	hit();
	return NF_ACCEPT;
}

char LICENSE[] SEC("license") = "GPL";
