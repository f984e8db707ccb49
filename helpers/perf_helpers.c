// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_perf_event_output(ctx, map, flags, data, size): a PERF_SAMPLE_RAW
 * sample into the perf event at index flags & BPF_F_INDEX_MASK of a
 * PERF_EVENT_ARRAY (BPF_F_CURRENT_CPU: this CPU's), written by the
 * kernel's perf code into that event's mmapped ring buffer.
 *
 * Three variants, as Linux 6.1's per-type prototypes; the verifier's
 * fixup gives each call the one its program type needs (kbpf_core.h):
 *   tracing (kprobe, tracepoint, raw_tp): flags beyond the index are
 *     -EINVAL; the run's pt_regs (kprobes) or this helper's caller's;
 *   skb (socket filter, tc): flags bits 32..51 (BPF_F_CTXLEN_MASK) ask
 *     for that many packet bytes after the data (more than skb->len:
 *     -EFAULT);
 *   xdp: the same from the XDP buffer.
 * Errors as Linux: -E2BIG past the array, -ENOENT for an empty slot,
 * -EINVAL for an event that is not a BPF output event, -EOPNOTSUPP when
 * the event is not active on this CPU, -EBUSY past three nested levels
 * (task, irq, NMI), and whatever perf_event_output() says (-ENOSPC: the
 * ring buffer is full; the sample is lost and counted by perf).
 *
 * perf_event_output() is not exported: found through kallsyms at first
 * use (missing: -EOPNOTSUPP).
 */
#include <linux/perf_event.h>
#include <linux/percpu.h>

#include "kbpf_internal.h"
#include "kbpf_helpers.h"

#define KBPF_PERF_NEST_MAX	3	/* task, irq, NMI */

struct kbpf_perf_scratch {
	struct perf_sample_data sd[KBPF_PERF_NEST_MAX];
	struct pt_regs regs[KBPF_PERF_NEST_MAX];
};

static DEFINE_PER_CPU(struct kbpf_perf_scratch, kbpf_perf_scratch);
static DEFINE_PER_CPU(int, kbpf_perf_nest);

typedef int (*kbpf_perf_output_fn)(struct perf_event *event, struct perf_sample_data *data,
				   struct pt_regs *regs);

static kbpf_perf_output_fn kbpf_perf_output_get(void)
{
	static kbpf_perf_output_fn out;
	kbpf_perf_output_fn fn = READ_ONCE(out);

	if (!fn) {
		fn = (kbpf_perf_output_fn)kbpf_ksym_addr("perf_event_output");
		WRITE_ONCE(out, fn);
	}
	return fn;
}

/* One sample of raw into map[index]; regs NULL: this helper's caller's. */
static long kbpf_perf_output(struct kbpf_map *map, u64 flags, struct perf_raw_record *raw,
			     struct pt_regs *regs)
{
	kbpf_perf_output_fn output = kbpf_perf_output_get();
	struct perf_sample_data *sd;
	struct perf_event *event;
	u64 index = flags & BPF_F_INDEX_MASK;
	int nest, cpu;
	long err;

	if (!output)
		return -EOPNOTSUPP;
	preempt_disable();
	nest = this_cpu_inc_return(kbpf_perf_nest);
	if (nest > KBPF_PERF_NEST_MAX) {
		err = -EBUSY;
		goto out;
	}
	cpu = smp_processor_id();
	if (index == BPF_F_CURRENT_CPU)
		index = cpu;
	event = kbpf_perf_event_array_event(map, index);
	if (IS_ERR(event)) {
		err = PTR_ERR(event);
		goto out;
	}
	if (event->attr.type != PERF_TYPE_SOFTWARE ||
	    event->attr.config != PERF_COUNT_SW_BPF_OUTPUT) {
		err = -EINVAL;
		goto out;
	}
	if (event->oncpu != cpu) {
		err = -EOPNOTSUPP;
		goto out;
	}
	if (!regs) {
		regs = this_cpu_ptr(&kbpf_perf_scratch.regs[nest - 1]);
		perf_fetch_caller_regs(regs);
	}
	sd = this_cpu_ptr(&kbpf_perf_scratch.sd[nest - 1]);
	perf_sample_data_init(sd, 0, 0);
	sd->raw = raw;
	sd->sample_flags |= PERF_SAMPLE_RAW;
	err = output(event, sd, regs);
out:
	this_cpu_dec(kbpf_perf_nest);
	preempt_enable();
	return err;
}

static struct kbpf_map *kbpf_perf_map(u64 r2)
{
	return kbpf_map_from_desc((const struct kbpf_map_desc *)(unsigned long)r2);
}

/* The tracing variant: long bpf_perf_event_output(ctx, map, flags, data, size) */
u64 kbpf_helper_perf_event_output(u64 ctx, u64 map, u64 flags, u64 data, u64 size)
{
	struct kbpf_run_ctx *rc = kbpf_run_ctx_current();
	struct perf_raw_record raw = {
		.frag = { .data = (void *)(unsigned long)data, .size = (u32)size },
	};

	if (flags & ~BPF_F_INDEX_MASK)
		return (u64)-EINVAL;
	return (u64)kbpf_perf_output(kbpf_perf_map(map), flags, &raw, rc ? rc->regs : NULL);
}

/* Data, then ctx_size bytes of the packet through copy (perf's frag chain). */
static long kbpf_perf_output_ctx(u64 map, u64 flags, u64 data, u64 size, const void *ctx,
				 u64 ctx_size, perf_copy_f copy)
{
	struct perf_raw_frag frag = { .copy = copy, .data = (void *)ctx, .size = (u32)ctx_size };
	struct perf_raw_record raw = {
		.frag = {
			.next = ctx_size ? &frag : NULL,
			.data = (void *)(unsigned long)data,
			.size = (u32)size,
		},
	};

	return kbpf_perf_output(kbpf_perf_map(map), flags, &raw, NULL);
}

/* perf_copy_f: 0 on success, else the bytes left uncopied. */
static unsigned long kbpf_perf_copy_skb(void *dst, const void *ctx, unsigned long off,
					unsigned long len)
{
	return kbpf_skb_load_bytes(ctx, (u32)off, dst, (u32)len) ? len : 0;
}

static unsigned long kbpf_perf_copy_xdp(void *dst, const void *ctx, unsigned long off,
					unsigned long len)
{
	const struct kbpf_xdp_ctx *x = ctx;

	memcpy(dst, (const u8 *)(unsigned long)x->data + off, len);
	return 0;
}

/* The socket filter / tc variant (Linux's bpf_skb_event_output). */
u64 kbpf_helper_skb_event_output(u64 ctx, u64 map, u64 flags, u64 data, u64 size)
{
	const struct kbpf_skb_ctx *c = (const void *)(unsigned long)ctx;
	u64 len = (flags & BPF_F_CTXLEN_MASK) >> 32;

	if (flags & ~(BPF_F_CTXLEN_MASK | BPF_F_INDEX_MASK))
		return (u64)-EINVAL;
	if (len > c->skb.len)
		return (u64)-EFAULT;
	return (u64)kbpf_perf_output_ctx(map, flags, data, size, c, len, kbpf_perf_copy_skb);
}

/* The XDP variant (Linux's bpf_xdp_event_output). */
u64 kbpf_helper_xdp_event_output(u64 ctx, u64 map, u64 flags, u64 data, u64 size)
{
	const struct kbpf_xdp_ctx *x = (const void *)(unsigned long)ctx;
	u64 len = (flags & BPF_F_CTXLEN_MASK) >> 32;

	if (flags & ~(BPF_F_CTXLEN_MASK | BPF_F_INDEX_MASK))
		return (u64)-EINVAL;
	if (len > x->data_end - x->data)
		return (u64)-EFAULT;
	return (u64)kbpf_perf_output_ctx(map, flags, data, size, x, len, kbpf_perf_copy_xdp);
}
