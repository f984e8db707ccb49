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

#define KBPF_IOC_MAGIC	0xBF
#define KBPF_IOC_CALL	_IOW(KBPF_IOC_MAGIC, 1, struct kbpf_call)

#endif /* _UAPI_KBPF_H */
