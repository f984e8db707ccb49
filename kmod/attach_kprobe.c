// SPDX-License-Identifier: GPL-2.0
/*
 * KPROBE programs on kprobes and kretprobes: BPF_TRACE_KPROBE_MULTI links
 * (one register_kprobe()/register_kretprobe() per symbol or address, each
 * with its cookie) and kbpf event links for one "function[+offset]". The
 * program's context is the struct pt_regs the probe hands us.
 */
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kbpf.h"
#include "kbpf_internal.h"

/* Probes one link may hold (later Linux: MAX_KPROBE_MULTI_CNT, -E2BIG). */
#define KBPF_KPROBE_MULTI_MAX	(1U << 20)

static_assert(sizeof(struct pt_regs) == KBPF_PT_REGS_SIZE);

struct kbpf_kprobe_link;

struct kbpf_kprobe {
	struct kretprobe rp;		/* rp.kp is the probe itself */
	struct kbpf_kprobe_link *kl;
	u64 cookie;
	u64 func_ip;			/* entry address; 0 with an offset */
	char *sym;			/* NULL when given by address */
};

struct kbpf_kprobe_link {
	struct kbpf_link link;
	u32 cnt;
	u32 registered;
	u32 flags;			/* BPF_F_KPROBE_MULTI_RETURN */
	struct kbpf_kprobe *probes;	/* cnt */
	void **ptrs;			/* &probes[i].rp or &probes[i].rp.kp */
};

static int kbpf_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct kbpf_kprobe *p = container_of(kp, struct kbpf_kprobe, rp.kp);

	kbpf_link_run_trace(&p->kl->link, regs, p->cookie, p->func_ip, regs);
	return 0;
}

static int kbpf_kretprobe_handler(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kbpf_kprobe *p = container_of(get_kretprobe(ri), struct kbpf_kprobe, rp);

	kbpf_link_run_trace(&p->kl->link, regs, p->cookie, p->func_ip, regs);
	return 0;
}

static void kbpf_kprobe_unregister(struct kbpf_kprobe_link *kl)
{
	if (!kl->registered)
		return;
	if (kl->flags & BPF_F_KPROBE_MULTI_RETURN)
		unregister_kretprobes((struct kretprobe **)kl->ptrs, kl->registered);
	else
		unregister_kprobes((struct kprobe **)kl->ptrs, kl->registered);
	/* unregister_k*probes wait for running handlers; be explicit anyway */
	synchronize_rcu();
	kl->registered = 0;
}

static void kbpf_kprobe_release(struct kbpf_link *link)
{
	kbpf_kprobe_unregister(container_of(link, struct kbpf_kprobe_link, link));
}

static void kbpf_kprobe_free(struct kbpf_kprobe_link *kl)
{
	u32 i;

	if (kl->probes)
		for (i = 0; i < kl->cnt; i++)
			kfree(kl->probes[i].sym);
	kvfree(kl->probes);
	kvfree(kl->ptrs);
	kfree(kl);
}

static void kbpf_kprobe_dealloc(struct kbpf_link *link)
{
	kbpf_kprobe_free(container_of(link, struct kbpf_kprobe_link, link));
}

static void kbpf_kprobe_show_fdinfo(const struct kbpf_link *link, struct seq_file *m)
{
	const struct kbpf_kprobe_link *kl = container_of(link, struct kbpf_kprobe_link, link);

	seq_printf(m, "kprobe_cnt:\t%u\nretprobe:\t%u\nmissed:\t%llu\n", kl->cnt,
		   !!(kl->flags & BPF_F_KPROBE_MULTI_RETURN),
		   (u64)atomic64_read(&link->misses));
	if (kl->cnt == 1 && kl->probes[0].sym)
		seq_printf(m, "func:\t%s+%u\n", kl->probes[0].sym, kl->probes[0].rp.kp.offset);
}

static int kbpf_kprobe_fill_info(const struct kbpf_link *link, struct bpf_link_info *info)
{
	const struct kbpf_kprobe_link *kl = container_of(link, struct kbpf_kprobe_link, link);
	struct kbpf_link_info_kprobe_multi *km = KBPF_LINK_INFO_U(info);
	struct kbpf_link_info_event *ev = KBPF_LINK_INFO_U(info);
	u64 __user *uaddrs = u64_to_user_ptr(km->addrs);
	bool show = capable(CAP_SYSLOG);
	u32 ucount = km->count, i;

	if (link->type == BPF_LINK_TYPE_PERF_EVENT) {
		memset(ev, 0, sizeof(*ev));
		ev->flags = kl->flags ? KBPF_EVENT_F_RETPROBE : 0;
		ev->bpf_cookie = kl->probes[0].cookie;
		return 0;
	}
	km->count = kl->cnt;
	km->flags = kl->flags;
	if (!uaddrs)
		return 0;
	for (i = 0; i < min(ucount, kl->cnt); i++)
		if (put_user(show ? kl->probes[i].func_ip : 0, &uaddrs[i]))
			return -EFAULT;
	return ucount < kl->cnt ? -ENOSPC : 0;
}

static const struct kbpf_link_ops kbpf_kprobe_link_ops = {
	.release	= kbpf_kprobe_release,
	.dealloc	= kbpf_kprobe_dealloc,
	.show_fdinfo	= kbpf_kprobe_show_fdinfo,
	.fill_info	= kbpf_kprobe_fill_info,
};

static struct kbpf_kprobe_link *kbpf_kprobe_link_alloc(u32 cnt, u32 flags)
{
	struct kbpf_kprobe_link *kl;

	kl = kzalloc(sizeof(*kl), GFP_KERNEL_ACCOUNT);
	if (!kl)
		return NULL;
	kl->cnt = cnt;
	kl->flags = flags;
	kl->probes = kvcalloc(cnt, sizeof(*kl->probes), GFP_KERNEL_ACCOUNT);
	kl->ptrs = kvcalloc(cnt, sizeof(*kl->ptrs), GFP_KERNEL_ACCOUNT);
	if (!kl->probes || !kl->ptrs) {
		kbpf_kprobe_free(kl);
		return NULL;
	}
	return kl;
}

/* Register every probe; on failure unregister those done. */
static int kbpf_kprobe_register(struct kbpf_kprobe_link *kl)
{
	bool ret = kl->flags & BPF_F_KPROBE_MULTI_RETURN;
	u32 i;
	int err;

	for (i = 0; i < kl->cnt; i++) {
		struct kbpf_kprobe *p = &kl->probes[i];

		p->kl = kl;
		p->rp.kp.symbol_name = p->sym;
		if (ret) {
			p->rp.handler = kbpf_kretprobe_handler;
			err = register_kretprobe(&p->rp);
			kl->ptrs[i] = &p->rp;
		} else {
			p->rp.kp.pre_handler = kbpf_kprobe_pre;
			err = register_kprobe(&p->rp.kp);
			kl->ptrs[i] = &p->rp.kp;
		}
		if (err) {
			kbpf_kprobe_unregister(kl);
			return err;
		}
		kl->registered++;
		/* Without IBT (Debian 6.1) a probe at offset 0 sits on the entry. */
		p->func_ip = p->rp.kp.offset ? 0 : (u64)(unsigned long)p->rp.kp.addr;
	}
	return 0;
}

/*
 * The probes are registered before the link is published: the program can
 * run before the fd exists, which nobody can observe but the program.
 */
static int kbpf_kprobe_link_finish(struct kbpf_kprobe_link *kl, u32 link_type,
				   u32 attach_type, struct kbpf_prog *prog)
{
	int err;

	kbpf_link_init(&kl->link, link_type, attach_type, &kbpf_kprobe_link_ops, prog);
	err = kbpf_kprobe_register(kl);
	if (err) {
		kbpf_link_abort(&kl->link);
		return err;
	}
	return kbpf_link_publish(&kl->link);
}

static int kbpf_kprobe_copy_syms(struct kbpf_kprobe_link *kl, const u64 __user *usyms)
{
	u32 i;

	for (i = 0; i < kl->cnt; i++) {
		u64 uptr;
		char *sym;

		if (get_user(uptr, &usyms[i]))
			return -EFAULT;
		sym = strndup_user(u64_to_user_ptr(uptr), KSYM_NAME_LEN);
		if (IS_ERR(sym))
			return PTR_ERR(sym) == -EINVAL ? -E2BIG : PTR_ERR(sym);
		kl->probes[i].sym = sym;
	}
	return 0;
}

static int kbpf_kprobe_copy_addrs(struct kbpf_kprobe_link *kl, const u64 __user *uaddrs)
{
	u32 i;

	for (i = 0; i < kl->cnt; i++) {
		u64 addr;

		if (get_user(addr, &uaddrs[i]))
			return -EFAULT;
		kl->probes[i].rp.kp.addr = (kprobe_opcode_t *)(unsigned long)addr;
	}
	return 0;
}

/* As Linux 6.1's bpf_kprobe_multi_link_attach(), on kprobes. */
int kbpf_kprobe_multi_attach(const union bpf_attr *attr, struct kbpf_prog *prog)
{
	const u64 __user *usyms = u64_to_user_ptr(attr->link_create.kprobe_multi.syms);
	const u64 __user *uaddrs = u64_to_user_ptr(attr->link_create.kprobe_multi.addrs);
	const u64 __user *ucookies = u64_to_user_ptr(attr->link_create.kprobe_multi.cookies);
	u32 flags = attr->link_create.kprobe_multi.flags;
	u32 cnt = attr->link_create.kprobe_multi.cnt;
	struct kbpf_kprobe_link *kl;
	u32 i;
	int err;

	if (prog->expected_attach_type != BPF_TRACE_KPROBE_MULTI)
		return -EINVAL;
	if (flags & ~BPF_F_KPROBE_MULTI_RETURN)
		return -EINVAL;
	if (!!usyms == !!uaddrs)
		return -EINVAL;
	if (!cnt)
		return -EINVAL;
	if (cnt > KBPF_KPROBE_MULTI_MAX)
		return -E2BIG;

	kl = kbpf_kprobe_link_alloc(cnt, flags);
	if (!kl)
		return -ENOMEM;
	for (i = 0; ucookies && i < cnt; i++) {
		if (get_user(kl->probes[i].cookie, &ucookies[i])) {
			err = -EFAULT;
			goto err_free;
		}
	}
	err = usyms ? kbpf_kprobe_copy_syms(kl, usyms) : kbpf_kprobe_copy_addrs(kl, uaddrs);
	if (err)
		goto err_free;
	return kbpf_kprobe_link_finish(kl, BPF_LINK_TYPE_KPROBE_MULTI,
				       BPF_TRACE_KPROBE_MULTI, prog);

err_free:
	kbpf_kprobe_free(kl);
	return err;
}

/* kbpf event link: "function" or "function+offset", see uapi/kbpf.h. */
int kbpf_kprobe_event_attach(const char *name, u64 cookie, u32 flags,
			     struct kbpf_prog *prog)
{
	struct kbpf_kprobe_link *kl;
	char *plus;
	u32 off = 0;

	if (prog->expected_attach_type == BPF_TRACE_KPROBE_MULTI)
		return -EINVAL;
	kl = kbpf_kprobe_link_alloc(1, flags & KBPF_EVENT_F_RETPROBE ?
				    BPF_F_KPROBE_MULTI_RETURN : 0);
	if (!kl)
		return -ENOMEM;
	kl->probes[0].cookie = cookie;
	kl->probes[0].sym = kstrdup(name, GFP_KERNEL_ACCOUNT);
	if (!kl->probes[0].sym) {
		kbpf_kprobe_free(kl);
		return -ENOMEM;
	}
	plus = strchr(kl->probes[0].sym, '+');
	if (plus) {
		*plus = '\0';
		if (kstrtou32(plus + 1, 0, &off))
			goto err_inval;
	}
	if (!kl->probes[0].sym[0] || (off && kl->flags))
		goto err_inval;
	kl->probes[0].rp.kp.offset = off;
	return kbpf_kprobe_link_finish(kl, BPF_LINK_TYPE_PERF_EVENT, BPF_PERF_EVENT, prog);

err_inval:
	kbpf_kprobe_free(kl);
	return -EINVAL;
}
