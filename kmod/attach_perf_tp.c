// SPDX-License-Identifier: GPL-2.0
/*
 * TRACEPOINT programs, through kernel perf counters: one
 * PERF_TYPE_TRACEPOINT counter per online CPU (sample_period 1) whose
 * overflow handler gets the raw record (perf_tp_event() always attaches
 * it), copies it into a per-CPU KBPF_TRACEPOINT_CTX_SIZE buffer, zeroes
 * what follows, and runs the program on it. The record is what the
 * event's tracefs "format" file describes, its 8-byte common header first.
 *
 * Notes:
 *  - the tracepoint is found by "category:event" with trace_get_event_file()
 *    (its perf id is event_call->event.type), or by that id directly;
 *  - CPUs brought online after the attach are not covered (no hotplug);
 *  - records longer than 2048 bytes are cut at 2048;
 *  - sample_type is 0, so no CAP_SYS_ADMIN is needed for raw samples
 *    (the link needs CAP_PERFMON, checked in link_create.c).
 */
#include <linux/perf_event.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/trace_events.h>

#include "kbpf.h"
#include "kbpf_internal.h"

struct kbpf_tp_buf {
	u8 data[KBPF_TRACEPOINT_CTX_SIZE] __aligned(8);
	u32 used;		/* bytes that may be non-zero */
};

static struct kbpf_tp_buf __percpu *kbpf_tp_bufs;

struct kbpf_perf_link {
	struct kbpf_link link;
	u64 cookie;
	u32 tp_id;
	struct perf_event **events;	/* nr_cpu_ids, NULL where none */
};

static void kbpf_perf_tp_overflow(struct perf_event *event,
				  struct perf_sample_data *data,
				  struct pt_regs *regs)
{
	struct kbpf_perf_link *pl = event->overflow_handler_context;
	struct kbpf_tp_buf *buf;
	u32 size;

	if (!data->raw || !data->raw->frag.data)
		return;
	/* Preemption is off: the buffer is ours unless a program runs here. */
	if (unlikely(!kbpf_trace_begin())) {
		atomic64_inc(&pl->link.misses);
		goto out;
	}
	buf = this_cpu_ptr(kbpf_tp_bufs);
	size = min_t(u32, data->raw->frag.size, KBPF_TRACEPOINT_CTX_SIZE);
	memcpy(buf->data, data->raw->frag.data, size);
	if (buf->used > size)
		memset(buf->data + size, 0, buf->used - size);
	buf->used = size;
	kbpf_link_run_guarded(&pl->link, buf->data, pl->cookie, 0, regs);
out:
	kbpf_trace_end();
}

static void kbpf_perf_release_events(struct kbpf_perf_link *pl)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		if (pl->events[cpu]) {
			perf_event_release_kernel(pl->events[cpu]);
			pl->events[cpu] = NULL;
		}
	}
	/* Handlers run with preemption disabled: wait for those in flight. */
	synchronize_rcu();
}

static void kbpf_perf_release(struct kbpf_link *link)
{
	kbpf_perf_release_events(container_of(link, struct kbpf_perf_link, link));
}

static void kbpf_perf_dealloc(struct kbpf_link *link)
{
	struct kbpf_perf_link *pl = container_of(link, struct kbpf_perf_link, link);

	kfree(pl->events);
	kfree(pl);
}

static void kbpf_perf_show_fdinfo(const struct kbpf_link *link, struct seq_file *m)
{
	const struct kbpf_perf_link *pl = container_of(link, struct kbpf_perf_link, link);

	seq_printf(m, "tp_id:\t%u\nbpf_cookie:\t%llu\nmissed:\t%llu\n", pl->tp_id,
		   pl->cookie, (u64)atomic64_read(&link->misses));
}

static int kbpf_perf_fill_info(const struct kbpf_link *link, struct bpf_link_info *info)
{
	const struct kbpf_perf_link *pl = container_of(link, struct kbpf_perf_link, link);
	struct kbpf_link_info_event *ev = KBPF_LINK_INFO_U(info);

	memset(ev, 0, sizeof(*ev));
	ev->tp_id = pl->tp_id;
	ev->bpf_cookie = pl->cookie;
	return 0;
}

static const struct kbpf_link_ops kbpf_perf_link_ops = {
	.release	= kbpf_perf_release,
	.dealloc	= kbpf_perf_dealloc,
	.show_fdinfo	= kbpf_perf_show_fdinfo,
	.fill_info	= kbpf_perf_fill_info,
};

/* "category:event" -> perf id. -EINVAL if there is no such event. */
static int kbpf_perf_tp_id(const char *name, u32 *id)
{
	struct trace_event_file *file;
	char sys[64];
	const char *colon = strchr(name, ':');

	if (!colon || colon == name || !colon[1] || colon - name >= sizeof(sys))
		return -EINVAL;
	memcpy(sys, name, colon - name);
	sys[colon - name] = '\0';
	file = trace_get_event_file(NULL, sys, colon + 1);
	if (IS_ERR(file))
		return -EINVAL;
	*id = file->event_call->event.type;
	trace_put_event_file(file);
	return 0;
}

static int kbpf_perf_open_events(struct kbpf_perf_link *pl)
{
	struct perf_event_attr attr = {
		.type		= PERF_TYPE_TRACEPOINT,
		.size		= sizeof(attr),
		.config		= pl->tp_id,
		.sample_period	= 1,
	};
	unsigned int cpu;
	int err = 0;

	/*
	 * No cpus_read_lock(): enabling the tracepoint takes it inside. A CPU
	 * that goes away is handled by perf; one that comes is not covered.
	 */
	for_each_online_cpu(cpu) {
		struct perf_event *ev;

		ev = perf_event_create_kernel_counter(&attr, cpu, NULL,
						      kbpf_perf_tp_overflow, pl);
		if (IS_ERR(ev)) {
			err = PTR_ERR(ev);
			break;
		}
		pl->events[cpu] = ev;
	}
	return err;
}

int kbpf_perf_tp_attach(const char *name, u32 id, u64 cookie, struct kbpf_prog *prog)
{
	struct kbpf_perf_link *pl;
	u32 name_id;
	int err;

	if (name) {
		err = kbpf_perf_tp_id(name, &name_id);
		if (err)
			return err;
		if (id && id != name_id)
			return -EINVAL;
		id = name_id;
	}

	pl = kzalloc(sizeof(*pl), GFP_KERNEL_ACCOUNT);
	if (!pl)
		return -ENOMEM;
	pl->events = kcalloc(nr_cpu_ids, sizeof(*pl->events), GFP_KERNEL_ACCOUNT);
	if (!pl->events) {
		kfree(pl);
		return -ENOMEM;
	}
	pl->tp_id = id;
	pl->cookie = cookie;
	kbpf_link_init(&pl->link, BPF_LINK_TYPE_PERF_EVENT, BPF_PERF_EVENT,
		       &kbpf_perf_link_ops, prog);
	err = kbpf_perf_open_events(pl);
	if (err) {
		kbpf_perf_release_events(pl);
		kbpf_link_abort(&pl->link);
		/* perf: an unknown tracepoint id is -EINVAL; say -ENOENT. */
		return err == -EINVAL && !name ? -ENOENT : err;
	}
	return kbpf_link_publish(&pl->link);
}

int kbpf_perf_tp_init(void)
{
	kbpf_tp_bufs = alloc_percpu(struct kbpf_tp_buf);
	return kbpf_tp_bufs ? 0 : -ENOMEM;
}

void kbpf_perf_tp_exit(void)
{
	free_percpu(kbpf_tp_bufs);
}
