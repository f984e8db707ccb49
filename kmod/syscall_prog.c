// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_LOAD: copy the program in, check the attr as Linux 6.1 does,
 * run the verifier (which resolves map fds through kbpf_prog_use_map()),
 * copy the verifier log out, then publish the program as a "bpf-prog" fd.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/license.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "kbpf_internal.h"
#include "../helpers/kbpf_helpers.h"

/* prog_flags Linux 6.1 accepts at all (most only matter to its verifier). */
#define KBPF_PROG_LOAD_FLAGS	(BPF_F_STRICT_ALIGNMENT |		\
				 BPF_F_ANY_ALIGNMENT |			\
				 BPF_F_TEST_STATE_FREQ |		\
				 BPF_F_SLEEPABLE |			\
				 BPF_F_TEST_RND_HI32 |			\
				 BPF_F_XDP_HAS_FRAGS)

/*
 * The verifier's callback for an ld_imm64 with a map fd: take a reference
 * the program keeps (once per distinct map) and hand back its descriptor.
 */
static int kbpf_prog_use_map(void *priv, s32 ufd, const struct kbpf_map_desc **desc)
{
	struct kbpf_prog *prog = priv;
	struct kbpf_map *map;
	struct fd f;
	u32 i;
	int err = 0;

	f = fdget(ufd);
	if (!f.file)
		return -EBADF;
	map = kbpf_map_from_file(f.file);
	if (IS_ERR(map)) {
		err = PTR_ERR(map);
		goto out;
	}

	for (i = 0; i < prog->used_map_cnt; i++)
		if (prog->used_maps[i] == map)
			goto found;

	if (prog->used_map_cnt >= KBPF_MAX_USED_MAPS) {
		err = -E2BIG;
		goto out;
	}
	kbpf_map_inc(map);
	prog->used_maps[prog->used_map_cnt++] = map;
found:
	*desc = &map->desc;
out:
	fdput(f);
	return err;
}

/* log_level/log_buf/log_size: all unset, or all sane (Linux 6.1 rules). */
static bool kbpf_log_attr_valid(const union bpf_attr *attr)
{
	if (!attr->log_level && !attr->log_buf && !attr->log_size)
		return true;
	return attr->log_size >= KBPF_LOG_MIN_SIZE &&
	       attr->log_size <= KBPF_LOG_MAX_SIZE &&
	       attr->log_level && attr->log_buf &&
	       !(attr->log_level & ~KBPF_LOG_LEVEL_MASK);
}

/* BTF func_info/line_info need a BTF object, which kbpf does not have. */
static int kbpf_prog_check_btf(const union bpf_attr *attr)
{
	struct fd f;
	int err;

	if (!attr->func_info_cnt && !attr->line_info_cnt)
		return 0;
	f = fdget(attr->prog_btf_fd);
	err = f.file ? -EINVAL : -EBADF;
	fdput(f);
	return err;
}

/*
 * ld_imm64 BPF_PSEUDO_MAP_VALUE: the address of byte off of the map's one
 * value, with Linux 6.1's errors (only a one-element ARRAY has it).
 */
static int kbpf_prog_map_value_addr(void *priv, const struct kbpf_map_desc *desc, u32 off,
				    u64 *addr)
{
	struct kbpf_map *map = kbpf_map_from_desc(desc);
	void *base;
	u32 stride;

	if (desc->map_type != BPF_MAP_TYPE_ARRAY || !map->ops->flat)
		return -EINVAL;
	if (desc->max_entries != 1)
		return -ENOTSUPP;
	if (off >= desc->value_size)
		return -EINVAL;
	if (!map->ops->flat(map, &base, &stride))
		return -EINVAL;
	*addr = (u64)(unsigned long)base + off;
	return 0;
}

/* Helpers that need setup before their first call (trace_printk's buffers). */
static void kbpf_prog_prepare_helpers(const struct kbpf_prog *prog)
{
	u32 i;

	for (i = 0; i < prog->len; i++) {
		if (prog->insns[i].code == (BPF_JMP | BPF_CALL) && !prog->insns[i].src_reg &&
		    prog->insns[i].imm == BPF_FUNC_trace_printk) {
			kbpf_trace_printk_prepare();
			return;
		}
	}
}

/* Run the verifier with a kernel log buffer; copy the log out after. */
static int kbpf_prog_verify(struct kbpf_prog *prog, const union bpf_attr *attr,
			    struct kbpf_subprog *subs, u32 *sub_cnt,
			    const struct kbpf_map_desc **call_maps)
{
	char __user *ulog = u64_to_user_ptr(attr->log_buf);
	struct kbpf_verify_attr va = {
		.insns		= prog->insns,
		.insn_cnt	= prog->len,
		.prog_type	= prog->type,
		.bpf_capable	= bpf_capable(),
		.perfmon_capable = perfmon_capable(),
		.gpl_compatible	= prog->gpl_compatible,
		.map_from_fd	= kbpf_prog_use_map,
		.map_value_addr	= kbpf_prog_map_value_addr,
		.priv		= prog,
		.subprogs	= subs,
		.call_maps	= call_maps,
	};
	char *klog = NULL;
	int err;

	if (attr->log_level) {
		va.log_size = min_t(u32, attr->log_size, KBPF_LOG_KBUF_MAX);
		klog = kvzalloc(va.log_size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!klog)
			return -ENOMEM;
		va.log_level = attr->log_level;
		va.log_buf = klog;
	}

	/*
	 * As Linux 6.1: a full log makes the load fail with -ENOSPC whatever
	 * the verdict, and a log that cannot be copied out with -EFAULT.
	 */
	err = kbpf_verify(&va);
	if (va.log_level && va.log_truncated)
		err = -ENOSPC;

	if (klog) {
		u32 n = min(va.log_used, va.log_size);

		if (n && copy_to_user(ulog, klog, n))
			err = -EFAULT;
		kvfree(klog);
	}
	if (err)
		return err;

	prog->stack_depth = va.stack_depth;
	prog->verified_insns = va.insn_processed;
	*sub_cnt = va.subprog_cnt;
	return 0;
}

/*
 * The capability a program type needs at load, as Linux 6.1 (netfilter as
 * upstream): CAP_BPF for all but socket filters, then tracing types
 * CAP_PERFMON (or CAP_SYS_ADMIN), network types CAP_NET_ADMIN (or
 * CAP_SYS_ADMIN).
 */
static int kbpf_prog_load_check_type(const union bpf_attr *attr)
{
	/* Without CAP_BPF, only socket filters (and cgroup skb, unsupported). */
	if (attr->prog_type != BPF_PROG_TYPE_SOCKET_FILTER &&
	    attr->prog_type != BPF_PROG_TYPE_CGROUP_SKB && !bpf_capable())
		return -EPERM;

	switch (attr->prog_type) {
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
		return perfmon_capable() ? 0 : -EPERM;
	case KBPF_PROG_TYPE_NETFILTER:
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		return capable(CAP_NET_ADMIN) || capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
	default:
		return 0;
	}
}

int kbpf_cmd_prog_load(union bpf_attr *attr)
{
	u32 max_insns = bpf_capable() ? KBPF_MAX_INSNS : KBPF_MAX_INSNS_UNPRIV;
	char license[KBPF_LICENSE_LEN];
	const struct kbpf_map_desc **call_maps;
	struct kbpf_subprog *subs;
	struct kbpf_prog *prog;
	u32 sub_cnt = 0, i;
	bool is_gpl;
	int err;

	if (KBPF_CHECK_ATTR(attr, core_relo_rec_size))
		return -EINVAL;
	if (attr->prog_flags & ~KBPF_PROG_LOAD_FLAGS)
		return -EINVAL;

	if (strncpy_from_user(license, u64_to_user_ptr(attr->license),
			      sizeof(license) - 1) < 0)
		return -EFAULT;
	license[sizeof(license) - 1] = '\0';
	is_gpl = license_is_gpl_compatible(license);

	if (attr->insn_cnt == 0 || attr->insn_cnt > max_insns)
		return -E2BIG;
	err = kbpf_prog_load_check_type(attr);
	if (err)
		return err;

	/*
	 * attach_prog_fd / attach_btf_obj_fd / attach_btf_id only mean
	 * something to tracing, LSM, struct_ops and extension programs,
	 * which kbpf does not load: Linux rejects them for the rest.
	 */
	if (attr->attach_prog_fd || attr->attach_btf_id)
		return -EINVAL;

	prog = kbpf_prog_alloc(attr->insn_cnt);
	if (!prog)
		return -ENOMEM;
	prog->type = attr->prog_type;
	prog->expected_attach_type = attr->expected_attach_type;
	prog->gpl_compatible = is_gpl;
	prog->uid = current_uid();

	err = -EFAULT;
	if (copy_from_user(prog->insns, u64_to_user_ptr(attr->insns),
			   array_size(prog->len, sizeof(struct bpf_insn))))
		goto err_free;

	/* Device offload: nothing offloads kbpf programs. */
	err = -EINVAL;
	if (attr->prog_ifindex)
		goto err_free;
	/* Program types kbpf knows so far. */
	switch (prog->type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case KBPF_PROG_TYPE_NETFILTER:
	case BPF_PROG_TYPE_XDP:			/* test-run only: no attach yet */
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		break;
	default:
		goto err_free;
	}
	/* As 6.1's bpf_prog_load_check_attach() (netfilter: upstream 6.4). */
	if (prog->type == KBPF_PROG_TYPE_NETFILTER &&
	    prog->expected_attach_type != KBPF_ATTACH_NETFILTER)
		goto err_free;

	prog->load_time = ktime_get_boottime_ns();
	err = kbpf_obj_name_cpy(prog->name, attr->prog_name,
				sizeof(attr->prog_name));
	if (err < 0)
		goto err_free;

	/* What Linux checks in bpf_check() before verifying. */
	err = -EINVAL;
	if (!kbpf_log_attr_valid(attr))
		goto err_free;
	/* Only tracing, LSM, iter and struct_ops programs may sleep. */
	if (attr->prog_flags & BPF_F_SLEEPABLE)
		goto err_free;

	/* The tag is over the instructions as loaded, before rewriting. */
	err = kbpf_prog_calc_tag(prog->insns, prog->len, prog->tag);
	if (err)
		goto err_free;
	err = kbpf_prog_check_btf(attr);
	if (err)
		goto err_free;

	err = -ENOMEM;
	subs = kvcalloc(KBPF_MAX_SUBPROGS, sizeof(*subs), GFP_KERNEL);
	call_maps = kvcalloc(prog->len, sizeof(*call_maps), GFP_KERNEL);
	if (subs && call_maps)
		err = kbpf_prog_verify(prog, attr, subs, &sub_cnt, call_maps);
	if (!err) {
		kbpf_prog_prepare_helpers(prog);
		/* -ENOTSUPP: it needs fences, and only the JIT has them */
		err = kbpf_prog_jit(prog, subs, sub_cnt, call_maps);
	}
	kvfree(call_maps);
	kvfree(subs);
	if (err)
		goto err_free;
	prog->tail.insns = prog->insns;
	/* As Linux's bpf_check_tail_call(): one backend and type per PROG_ARRAY. */
	err = -EINVAL;
	for (i = 0; i < prog->used_map_cnt; i++)
		if (prog->used_maps[i]->desc.map_type == BPF_MAP_TYPE_PROG_ARRAY &&
		    !kbpf_prog_array_compatible(prog->used_maps[i], prog))
			goto err_free;

	err = kbpf_prog_alloc_id(prog);
	if (err)
		goto err_free;

	/* Published: only kbpf_prog_put() may free it from here. */
	err = kbpf_prog_new_fd(prog);
	if (err < 0)
		kbpf_prog_put(prog);
	return err;

err_free:
	kbpf_prog_free(prog);
	return err;
}
