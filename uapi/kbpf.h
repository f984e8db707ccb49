/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kbpf device ABI: bpf(2), carried over one ioctl on /dev/kbpf.
 *
 *	struct kbpf_call call = { .cmd = BPF_MAP_CREATE, .size = sizeof(attr),
 *				  .attr = (__u64)(unsigned long)&attr };
 *	ioctl(fd, KBPF_IOC_CALL, &call);
 *
 * behaves exactly like syscall(__NR_bpf, cmd, &attr, size): same command
 * numbers, same union bpf_attr (from <linux/bpf.h>), same errno values, and
 * results written back into the caller's attr. The ioctl returns what bpf(2)
 * returns (a new fd, 0, or -1 with errno).
 */
#ifndef _UAPI_KBPF_H
#define _UAPI_KBPF_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define KBPF_DEVICE_NAME	"kbpf"
#define KBPF_DEVICE_PATH	"/dev/kbpf"

struct kbpf_call {
	__u32		cmd;	/* enum bpf_cmd */
	__u32		size;	/* size of the attr the caller passes */
	__aligned_u64	attr;	/* user pointer to union bpf_attr */
};

/*
 * The context of a BPF_PROG_TYPE_NETFILTER program (type 32, attach type
 * BPF_NETFILTER = 45, as upstream). Upstream hands programs a BTF-typed
 * struct bpf_nf_ctx (nf_hook_state and sk_buff pointers), which needs BTF
 * and kfuncs to use; kbpf instead gives a flat, XDP-like view: data and
 * data_end are packet pointers (the verifier requires a bounds check of
 * data + n against data_end before any access), the rest are plain
 * read-only numbers. Programs return NF_DROP (0) or NF_ACCEPT (1); the
 * verifier rejects any other value.
 */
struct kbpf_nf_ctx {
	__u64 data;		/* network header (IPv4/IPv6), start of packet data */
	__u64 data_end;		/* one past the last byte of linear data */
	__u32 len;		/* skb->len */
	__u32 pf;		/* NFPROTO_IPV4 or NFPROTO_IPV6 */
	__u32 hook;		/* NF_INET_PRE_ROUTING ... NF_INET_POST_ROUTING */
	__u32 ifindex_in;	/* input device, 0 if none */
	__u32 ifindex_out;	/* output device, 0 if none */
	__u32 mark;		/* skb->mark */
};

/*
 * ---- Links (BPF_LINK_CREATE) ----------------------------------------------
 *
 * Netfilter (prog type 32, attach type BPF_NETFILTER = 45, upstream's
 * layout): link_create's union holds, at the offset of
 * link_create.kprobe_multi,
 */
struct kbpf_link_create_netfilter {
	__u32 pf;		/* NFPROTO_IPV4 or NFPROTO_IPV6 */
	__u32 hooknum;		/* NF_INET_PRE_ROUTING ... NF_INET_POST_ROUTING */
	__s32 priority;		/* not INT_MIN / INT_MAX (-ERANGE) */
	__u32 flags;		/* 0 (-EOPNOTSUPP otherwise) */
};
/* Copy it in with memcpy(&attr.link_create.kprobe_multi, &nf, sizeof(nf)). */

/*
 * kbpf events. Linux attaches TRACEPOINT programs (and KPROBE programs
 * outside kprobe_multi) to a perf event fd; the module cannot use one. So
 * BPF_LINK_CREATE with attach_type BPF_PERF_EVENT and
 * link_create.target_fd == KBPF_TARGET_EVENT (-1) names the event instead,
 * in this struct, which extends link_create.perf_event (bpf_cookie at the
 * same offset):
 *
 *  - TRACEPOINT program: name "category:event" (as under
 *    /sys/kernel/tracing/events/), or id = the event's perf id (the
 *    tracefs "id" file) with name 0; both given must agree. The program
 *    sees the record exactly as the event's "format" file lays it out,
 *    common header first, zero after the record, in a
 *    KBPF_TRACEPOINT_CTX_SIZE (2048) buffer.
 *  - KPROBE program: name "function" or "function+offset" (offset in
 *    decimal or 0x hex), id 0; KBPF_EVENT_F_RETPROBE for a kretprobe
 *    (offset must be 0). Context: struct pt_regs.
 *
 * bpf_cookie is what bpf_get_attach_cookie() returns. Errors: a target_fd
 * other than -1 that is an open fd gives -EOPNOTSUPP (-EBADF if not open);
 * an unknown tracepoint -EINVAL (name) or -ENOENT (id), an unknown
 * function -ENOENT; a name longer than KBPF_EVENT_NAME_MAX -E2BIG.
 * Link types: BPF_LINK_TYPE_PERF_EVENT (tracepoint), BPF_LINK_TYPE_KPROBE_MULTI
 * (kprobe; bpf_link_info as struct kbpf_link_info_kprobe_multi, count 1).
 */
#define KBPF_TARGET_EVENT	0xffffffffu
#define KBPF_EVENT_NAME_MAX	256
#define KBPF_EVENT_F_RETPROBE	(1U << 0)
#define KBPF_EVENT_F_ALL	KBPF_EVENT_F_RETPROBE

struct kbpf_link_create_event {
	__aligned_u64 bpf_cookie;	/* = link_create.perf_event.bpf_cookie */
	__aligned_u64 name;		/* user pointer to a NUL-terminated name */
	__u32 id;			/* tracepoint perf id, or 0 */
	__u32 flags;			/* KBPF_EVENT_F_* */
};
/* Copy it in with memcpy(&attr.link_create.perf_event, &ev, sizeof(ev)). */

/*
 * bpf_link_info for link types newer than 6.1's header, at the offset of
 * bpf_link_info.raw_tracepoint (upstream's layouts):
 *  - netfilter: pf, hooknum, priority, flags.
 *  - kprobe_multi: addrs (in: user buffer of count u64, or 0), count (in:
 *    its capacity; out: number of probes; -ENOSPC if too small, after
 *    filling it), flags (BPF_F_KPROBE_MULTI_RETURN). Addresses are the
 *    probed functions' entries (0 for a probe with an offset), shown only
 *    to CAP_SYSLOG (zeros otherwise).
 *  - perf_event (kbpf tracepoint links): the tracepoint's perf id and the
 *    cookie.
 */
struct kbpf_link_info_netfilter {
	__u32 pf;
	__u32 hooknum;
	__s32 priority;
	__u32 flags;
};

struct kbpf_link_info_kprobe_multi {
	__aligned_u64 addrs;
	__u32 count;
	__u32 flags;
};

struct kbpf_link_info_event {
	__u32 tp_id;
	__u32 flags;
	__aligned_u64 bpf_cookie;
};
/* Copy them out with memcpy(&nf, &info.raw_tracepoint, sizeof(nf)). */

#define KBPF_IOC_MAGIC	0xBF
#define KBPF_IOC_CALL	_IOW(KBPF_IOC_MAGIC, 1, struct kbpf_call)

#endif /* _UAPI_KBPF_H */
