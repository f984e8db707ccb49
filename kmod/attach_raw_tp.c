// SPDX-License-Identifier: GPL-2.0
/*
 * RAW_TRACEPOINT programs (BPF_RAW_TRACEPOINT_OPEN): a probe registered
 * with tracepoint_probe_register() on a tracepoint of the kernel image
 * (for_each_kernel_tracepoint(); module tracepoints are not searched).
 *
 * The program's context is u64 args[KBPF_RAW_TP_MAX_ARGS]. A tracepoint
 * calls its probes as probe(data, arg0, ..., argN-1) and a module cannot
 * know N or the argument types generically, so one probe takes 12 u64s:
 * on x86-64 the first five come in registers, the rest from the caller's
 * stack; those past N are whatever is there. N comes from the kernel's own
 * table of raw tracepoints (struct bpf_raw_event_map, section
 * __bpf_raw_tp, found through kallsyms), exactly what Linux's bpf(2) uses
 * to find the tracepoint; args[N..11] are zeroed. A name not in that table
 * is -ENOENT, as in Linux. If the table cannot be found, every tracepoint
 * of for_each_kernel_tracepoint() is accepted and all 12 are passed
 * unfiltered (a warning is logged once).
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
};

static void kbpf_raw_tp_probe(void *data, u64 a0, u64 a1, u64 a2, u64 a3,
			      u64 a4, u64 a5, u64 a6, u64 a7, u64 a8, u64 a9,
			      u64 a10, u64 a11)
{
	struct kbpf_raw_tp_link *rl = data;
	u32 n = rl->num_args;
	/*
	 * Arguments past n are zero. No memset(): it is a rep stosb, which
	 * TCG runs byte by byte (it was ~150 ns of a ~400 ns run).
	 */
	u64 args[KBPF_RAW_TP_MAX_ARGS] = {
		n > 0 ? a0 : 0, n > 1 ? a1 : 0, n > 2 ? a2 : 0, n > 3 ? a3 : 0,
		n > 4 ? a4 : 0, n > 5 ? a5 : 0, n > 6 ? a6 : 0, n > 7 ? a7 : 0,
		n > 8 ? a8 : 0, n > 9 ? a9 : 0, n > 10 ? a10 : 0, n > 11 ? a11 : 0,
	};

	kbpf_link_run_trace(&rl->link, args, 0, 0, NULL);
}

static void kbpf_raw_tp_release(struct kbpf_link *link)
{
	struct kbpf_raw_tp_link *rl = container_of(link, struct kbpf_raw_tp_link, link);

	WARN_ON_ONCE(tracepoint_probe_unregister(rl->tp, kbpf_raw_tp_probe, rl));
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
		pr_warn_once("raw tracepoint table not found: raw tracepoint programs get 12 unfiltered arguments\n");
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
	for_each_kernel_tracepoint(kbpf_tp_match, &s);
	if (!s.tp)
		return -ENOENT;
	*tpp = s.tp;
	*num_args = KBPF_RAW_TP_MAX_ARGS;
	return 0;
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
	err = tracepoint_probe_register(tp, kbpf_raw_tp_probe, rl);
	if (err) {
		kbpf_link_abort(&rl->link);
		return err;
	}
	return kbpf_link_publish(&rl->link);
}
