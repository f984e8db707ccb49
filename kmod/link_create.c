// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_LINK_CREATE and BPF_RAW_TRACEPOINT_OPEN: check the attr as Linux 6.1
 * does, then hand the program to its attach point.
 *
 * kbpf-specific: attach_type BPF_PERF_EVENT with target_fd == -1
 * (KBPF_TARGET_EVENT) attaches a TRACEPOINT program to a tracepoint, or a
 * KPROBE program to one kprobe, named in struct kbpf_link_create_event
 * (uapi/kbpf.h), since the module cannot attach to a perf event fd.
 */
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kbpf.h"
#include "kbpf_internal.h"

static_assert(offsetof(union bpf_attr, link_create.perf_event) ==
	      offsetof(union bpf_attr, link_create.kprobe_multi));
static_assert(sizeof(struct kbpf_link_create_event) <=
	      sizeof(((union bpf_attr *)0)->link_create.kprobe_multi));
static_assert(sizeof(struct kbpf_link_create_netfilter) <=
	      sizeof(((union bpf_attr *)0)->link_create.kprobe_multi));

/* As Linux 6.1's bpf_prog_attach_check_attach_type() + link_create()'s switch. */
static int kbpf_link_check_attach_type(const struct kbpf_prog *prog, u32 attach_type)
{
	switch (prog->type) {
	case BPF_PROG_TYPE_KPROBE:
		if (prog->expected_attach_type == BPF_TRACE_KPROBE_MULTI &&
		    attach_type != BPF_TRACE_KPROBE_MULTI)
			return -EINVAL;
		if (attach_type != BPF_PERF_EVENT &&
		    attach_type != BPF_TRACE_KPROBE_MULTI)
			return -EINVAL;
		return 0;
	case BPF_PROG_TYPE_TRACEPOINT:
		return attach_type == BPF_PERF_EVENT ? 0 : -EINVAL;
	case KBPF_PROG_TYPE_NETFILTER:
		return attach_type == KBPF_ATTACH_NETFILTER ? 0 : -EINVAL;
	default:
		/* RAW_TRACEPOINT and SOCKET_FILTER have no LINK_CREATE in 6.1. */
		return -EINVAL;
	}
}

/* The kbpf event convention (KBPF_TARGET_EVENT): tracepoint or kprobe by name. */
static int kbpf_event_attach(const union bpf_attr *attr, struct kbpf_prog *prog)
{
	const struct kbpf_link_create_event *ev =
		(const void *)&attr->link_create.perf_event;
	char *name = NULL;
	int err;

	if (attr->link_create.target_fd != KBPF_TARGET_EVENT) {
		struct fd f = fdget(attr->link_create.target_fd);

		/* A real perf event fd: only the kernel's own BPF can use it. */
		err = f.file ? -EOPNOTSUPP : -EBADF;
		fdput(f);
		return err;
	}
	if (ev->flags & ~KBPF_EVENT_F_ALL)
		return -EINVAL;
	if (ev->name) {
		name = strndup_user(u64_to_user_ptr(ev->name), KBPF_EVENT_NAME_MAX);
		if (IS_ERR(name))
			return PTR_ERR(name) == -EINVAL ? -E2BIG : PTR_ERR(name);
	}

	err = -EINVAL;
	if (prog->type == BPF_PROG_TYPE_TRACEPOINT) {
		if (!(ev->flags & KBPF_EVENT_F_RETPROBE) && (name || ev->id))
			err = kbpf_perf_tp_attach(name, ev->id, ev->bpf_cookie, prog);
	} else if (name && !ev->id) {
		err = kbpf_kprobe_event_attach(name, ev->bpf_cookie, ev->flags, prog);
	}
	kfree(name);
	return err;
}

int kbpf_cmd_link_create(const union bpf_attr *attr)
{
	struct kbpf_prog *prog;
	int err;

	if (KBPF_CHECK_ATTR(attr, link_create.kprobe_multi.cookies))
		return -EINVAL;

	prog = kbpf_prog_get(attr->link_create.prog_fd);
	if (IS_ERR(prog))
		return PTR_ERR(prog);

	err = kbpf_link_check_attach_type(prog, attr->link_create.attach_type);
	if (err)
		goto out;

	/*
	 * As Linux 6.1, loading a tracing program needed CAP_PERFMON and its
	 * kprobe_multi link needs nothing more. A BPF_PERF_EVENT link is
	 * different: Linux's caller brings a perf event fd, which
	 * perf_event_open() let it open; kbpf opens the event itself, so it
	 * asks for CAP_PERFMON in its place.
	 */
	err = -EPERM;
	if (attr->link_create.attach_type == BPF_PERF_EVENT && !perfmon_capable())
		goto out;
	if (prog->type == KBPF_PROG_TYPE_NETFILTER && !capable(CAP_NET_ADMIN))
		goto out;

	switch (attr->link_create.attach_type) {
	case BPF_TRACE_KPROBE_MULTI:
		err = kbpf_kprobe_multi_attach(attr, prog);
		break;
	case BPF_PERF_EVENT:
		err = kbpf_event_attach(attr, prog);
		break;
	case KBPF_ATTACH_NETFILTER:
		err = kbpf_nf_attach(attr, prog);
		break;
	default:
		err = -EINVAL;
		break;
	}
out:
	/* On success the link owns the program reference. */
	if (err < 0)
		kbpf_prog_put(prog);
	return err;
}

int kbpf_cmd_raw_tracepoint_open(const union bpf_attr *attr)
{
	struct kbpf_prog *prog;
	int err;

	if (KBPF_CHECK_ATTR(attr, raw_tracepoint.prog_fd))
		return -EINVAL;

	prog = kbpf_prog_get(attr->raw_tracepoint.prog_fd);
	if (IS_ERR(prog))
		return PTR_ERR(prog);

	err = -EINVAL;
	if (prog->type != BPF_PROG_TYPE_RAW_TRACEPOINT)
		goto out;
	/* no capability check: loading the program needed CAP_PERFMON (as 6.1) */
	err = kbpf_raw_tp_attach(u64_to_user_ptr(attr->raw_tracepoint.name), prog);
out:
	if (err < 0)
		kbpf_prog_put(prog);
	return err;
}
