// SPDX-License-Identifier: GPL-2.0
/*
 * RAW_TRACEPOINT programs (BPF_RAW_TRACEPOINT_OPEN): a probe registered
 * with tracepoint_probe_register() on a tracepoint of the kernel image
 * (for_each_kernel_tracepoint(); module tracepoints are not searched).
 *
 * The program's context is u64 args[KBPF_RAW_TP_MAX_ARGS]. A tracepoint
 * calls its probes as probe(data, arg0, ..., argN-1); N comes from the
 * kernel's own table of raw tracepoints (struct bpf_raw_event_map, section
 * __bpf_raw_tp, found through kallsyms), exactly what Linux's bpf(2) uses
 * to find the tracepoint, and the probe registered takes exactly N u64s
 * (kbpf_raw_tp_probes[N]; every argument is passed in a register or a
 * stack slot of 8 bytes on x86-64); args[N..11] are zero. (Until
 * 2026-12-08 one 12-argument probe served every tracepoint: it read past
 * the caller's arguments, and the debug kernel's build of it wrote its
 * stack-argument slots, corrupting sys_enter's caller: RIP 0.) A name not
 * in that table is -ENOENT, as in Linux; without the table (a warning is
 * logged once) nothing can be attached (-EOPNOTSUPP).
 *
 * Arguments narrower than 64 bits (int, pid_t, bool) are passed as the
 * caller left the register: the upper bits are not guaranteed to be zero
 * (Linux casts each argument to u64 in typed per-event stubs; gcc in
 * practice zero-extends 32-bit values).
 */
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>

#include "kbpf_internal.h"

/* As Linux's bpf_raw_tracepoint_open(): names up to 127 bytes. */
#define KBPF_RAW_TP_NAME_MAX	128

struct kbpf_raw_tp_link {
	struct kbpf_link link;
	struct tracepoint *tp;
	u32 num_args;
	void *probe;			/* kbpf_raw_tp_probes[num_args] */
};

static void kbpf_raw_tp_run(void *data, const u64 *args)
{
	struct kbpf_raw_tp_link *rl = data;

	kbpf_link_run_trace(&rl->link, args, 0, 0, NULL);
}

/*
 * One probe per argument count: a tracepoint calls its probe with exactly
 * the event's arguments, and a probe declaring more would read (and, as
 * the callee may use its incoming stack-argument slots, write) the
 * caller's frame past them. Arguments past n are zero.
 */
#define KBPF_RTP_P0
#define KBPF_RTP_P1	KBPF_RTP_P0, u64 a0
#define KBPF_RTP_P2	KBPF_RTP_P1, u64 a1
#define KBPF_RTP_P3	KBPF_RTP_P2, u64 a2
#define KBPF_RTP_P4	KBPF_RTP_P3, u64 a3
#define KBPF_RTP_P5	KBPF_RTP_P4, u64 a4
#define KBPF_RTP_P6	KBPF_RTP_P5, u64 a5
#define KBPF_RTP_P7	KBPF_RTP_P6, u64 a6
#define KBPF_RTP_P8	KBPF_RTP_P7, u64 a7
#define KBPF_RTP_P9	KBPF_RTP_P8, u64 a8
#define KBPF_RTP_P10	KBPF_RTP_P9, u64 a9
#define KBPF_RTP_P11	KBPF_RTP_P10, u64 a10
#define KBPF_RTP_P12	KBPF_RTP_P11, u64 a11
#define KBPF_RTP_A0	0
#define KBPF_RTP_A1	a0
#define KBPF_RTP_A2	KBPF_RTP_A1, a1
#define KBPF_RTP_A3	KBPF_RTP_A2, a2
#define KBPF_RTP_A4	KBPF_RTP_A3, a3
#define KBPF_RTP_A5	KBPF_RTP_A4, a4
#define KBPF_RTP_A6	KBPF_RTP_A5, a5
#define KBPF_RTP_A7	KBPF_RTP_A6, a6
#define KBPF_RTP_A8	KBPF_RTP_A7, a7
#define KBPF_RTP_A9	KBPF_RTP_A8, a8
#define KBPF_RTP_A10	KBPF_RTP_A9, a9
#define KBPF_RTP_A11	KBPF_RTP_A10, a10
#define KBPF_RTP_A12	KBPF_RTP_A11, a11
#define KBPF_RAW_TP_PROBE(n)							\
static void kbpf_raw_tp_probe##n(void *data KBPF_RTP_P##n)			\
{										\
	u64 args[KBPF_RAW_TP_MAX_ARGS] = { KBPF_RTP_A##n };			\
										\
	kbpf_raw_tp_run(data, args);						\
}
KBPF_RAW_TP_PROBE(0)
KBPF_RAW_TP_PROBE(1)
KBPF_RAW_TP_PROBE(2)
KBPF_RAW_TP_PROBE(3)
KBPF_RAW_TP_PROBE(4)
KBPF_RAW_TP_PROBE(5)
KBPF_RAW_TP_PROBE(6)
KBPF_RAW_TP_PROBE(7)
KBPF_RAW_TP_PROBE(8)
KBPF_RAW_TP_PROBE(9)
KBPF_RAW_TP_PROBE(10)
KBPF_RAW_TP_PROBE(11)
KBPF_RAW_TP_PROBE(12)

static void *const kbpf_raw_tp_probes[KBPF_RAW_TP_MAX_ARGS + 1] = {
	kbpf_raw_tp_probe0, kbpf_raw_tp_probe1, kbpf_raw_tp_probe2, kbpf_raw_tp_probe3,
	kbpf_raw_tp_probe4, kbpf_raw_tp_probe5, kbpf_raw_tp_probe6, kbpf_raw_tp_probe7,
	kbpf_raw_tp_probe8, kbpf_raw_tp_probe9, kbpf_raw_tp_probe10, kbpf_raw_tp_probe11,
	kbpf_raw_tp_probe12,
};

static void kbpf_raw_tp_release(struct kbpf_link *link)
{
	struct kbpf_raw_tp_link *rl = container_of(link, struct kbpf_raw_tp_link, link);

	WARN_ON_ONCE(tracepoint_probe_unregister(rl->tp, rl->probe, rl));
	/* No probe call may still be running when the link goes. */
	tracepoint_synchronize_unregister();
}

static void kbpf_raw_tp_dealloc(struct kbpf_link *link)
{
	kfree(container_of(link, struct kbpf_raw_tp_link, link));
}

static void kbpf_raw_tp_show_fdinfo(const struct kbpf_link *link, struct seq_file *m)
{
	const struct kbpf_raw_tp_link *rl = container_of(link, struct kbpf_raw_tp_link, link);

	seq_printf(m, "tp_name:\t%s\n", rl->tp->name);
}

/* As Linux: copy the name (truncated, NUL-terminated); -ENOSPC if short. */
static int kbpf_raw_tp_fill_info(const struct kbpf_link *link, struct bpf_link_info *info)
{
	const struct kbpf_raw_tp_link *rl = container_of(link, struct kbpf_raw_tp_link, link);
	char __user *ubuf = u64_to_user_ptr(info->raw_tracepoint.tp_name);
	u32 ulen = info->raw_tracepoint.tp_name_len;
	size_t len = strlen(rl->tp->name) + 1;

	info->raw_tracepoint.tp_name_len = len;
	if (!ubuf && !ulen)
		return 0;
	if (!ubuf || !ulen)
		return -EINVAL;
	if (ulen >= len)
		return copy_to_user(ubuf, rl->tp->name, len) ? -EFAULT : 0;
	if (copy_to_user(ubuf, rl->tp->name, ulen - 1) || put_user(0, ubuf + ulen - 1))
		return -EFAULT;
	return -ENOSPC;
}

static const struct kbpf_link_ops kbpf_raw_tp_link_ops = {
	.release	= kbpf_raw_tp_release,
	.dealloc	= kbpf_raw_tp_dealloc,
	.show_fdinfo	= kbpf_raw_tp_show_fdinfo,
	.fill_info	= kbpf_raw_tp_fill_info,
};

/* Mirrors the kernel's struct bpf_raw_event_map (linux/tracepoint-defs.h). */
static const struct bpf_raw_event_map *kbpf_raw_tp_table, *kbpf_raw_tp_table_end;
static bool kbpf_raw_tp_table_looked_up;

static void kbpf_raw_tp_table_lookup(void)
{
	if (smp_load_acquire(&kbpf_raw_tp_table_looked_up))
		return;
	kbpf_raw_tp_table = (void *)kbpf_ksym_addr("__start__bpf_raw_tp");
	kbpf_raw_tp_table_end = (void *)kbpf_ksym_addr("__stop__bpf_raw_tp");
	if (!kbpf_raw_tp_table || kbpf_raw_tp_table_end <= kbpf_raw_tp_table) {
		kbpf_raw_tp_table = NULL;
		pr_warn_once("raw tracepoint table not found: raw tracepoints cannot be attached\n");
	}
	smp_store_release(&kbpf_raw_tp_table_looked_up, true);
}

struct kbpf_tp_search {
	const char *name;
	struct tracepoint *tp;
};

static void kbpf_tp_match(struct tracepoint *tp, void *priv)
{
	struct kbpf_tp_search *s = priv;

	if (!s->tp && !strcmp(tp->name, s->name))
		s->tp = tp;
}

/* The tracepoint called name and its argument count, or -ENOENT. */
static int kbpf_raw_tp_find(const char *name, struct tracepoint **tpp, u32 *num_args)
{
	struct kbpf_tp_search s = { .name = name };
	const struct bpf_raw_event_map *btp;

	kbpf_raw_tp_table_lookup();
	if (kbpf_raw_tp_table) {
		for (btp = kbpf_raw_tp_table; btp < kbpf_raw_tp_table_end; btp++) {
			if (!strcmp(btp->tp->name, name)) {
				*tpp = btp->tp;
				*num_args = min_t(u32, btp->num_args, KBPF_RAW_TP_MAX_ARGS);
				return 0;
			}
		}
		return -ENOENT;
	}
	/* without the table the argument count is unknown: no safe probe */
	for_each_kernel_tracepoint(kbpf_tp_match, &s);
	return s.tp ? -EOPNOTSUPP : -ENOENT;
}

int kbpf_raw_tp_attach(const char __user *uname, struct kbpf_prog *prog)
{
	struct kbpf_raw_tp_link *rl;
	char name[KBPF_RAW_TP_NAME_MAX];
	struct tracepoint *tp;
	u32 num_args;
	int err;

	if (strncpy_from_user(name, uname, sizeof(name) - 1) < 0)
		return -EFAULT;
	name[sizeof(name) - 1] = '\0';
	err = kbpf_raw_tp_find(name, &tp, &num_args);
	if (err)
		return err;

	rl = kzalloc(sizeof(*rl), GFP_KERNEL_ACCOUNT);
	if (!rl)
		return -ENOMEM;
	rl->tp = tp;
	rl->num_args = num_args;
	kbpf_link_init(&rl->link, BPF_LINK_TYPE_RAW_TRACEPOINT, 0,
		       &kbpf_raw_tp_link_ops, prog);
	rl->probe = kbpf_raw_tp_probes[rl->num_args];
	err = tracepoint_probe_register(tp, rl->probe, rl);
	if (err) {
		kbpf_link_abort(&rl->link);
		return err;
	}
	return kbpf_link_publish(&rl->link);
}
