// SPDX-License-Identifier: GPL-2.0
/*
 * Per-program-type context rules. kbpf hands programs a real context struct
 * (for socket filters, a struct __sk_buff that kbpf fills itself), so most
 * accesses need no rewriting: the verifier only has to allow the fields kbpf
 * fills, with sizes that stay inside one field. The exception is the u32
 * packet pointer fields of xdp_md and __sk_buff, whose loads are rewritten
 * into 8-byte loads of the real pointers that follow the uapi struct.
 */
#include "verifier.h"
#include "kbpf.h"

struct kbpf_ctx_field {
	u32 off;
	u32 size;	/* bytes the field spans */
	bool writable;
};

#define SKB_FIELD(f, w) \
	{ offsetof(struct __sk_buff, f), sizeof(((struct __sk_buff *)0)->f), w }

/*
 * struct __sk_buff fields a socket filter may touch: those Linux 6.1 allows
 * it (sk_filter_is_valid_access), less the socket pointer sk, which has no
 * kbpf type yet. Only cb[] is writable.
 */
static const struct kbpf_ctx_field kbpf_skb_fields[] = {
	SKB_FIELD(len, false),
	SKB_FIELD(pkt_type, false),
	SKB_FIELD(mark, false),
	SKB_FIELD(queue_mapping, false),
	SKB_FIELD(protocol, false),
	SKB_FIELD(vlan_present, false),
	SKB_FIELD(vlan_tci, false),
	SKB_FIELD(vlan_proto, false),
	SKB_FIELD(priority, false),
	SKB_FIELD(ingress_ifindex, false),
	SKB_FIELD(ifindex, false),
	SKB_FIELD(tc_index, false),
	SKB_FIELD(cb, true),		/* cb[0..4], 20 bytes */
	SKB_FIELD(hash, false),
	SKB_FIELD(napi_id, false),
	SKB_FIELD(gso_segs, false),
	SKB_FIELD(gso_size, false),
};

static int kbpf_check_fields(struct kbpf_venv *env, const struct kbpf_ctx_field *f,
			     u32 n, s32 off, u32 size, bool write)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (off < (s32)f[i].off || off + size > f[i].off + f[i].size)
			continue;
		if (write && !f[i].writable)
			break;
		/* aligned, inside one field (cb[] is one 20-byte field) */
		if (off % size)
			break;
		/* writes of a u32/u64 field are whole-field, as Linux */
		if (write && f[i].size <= 8 && size != f[i].size)
			break;
		return 0;
	}
	kbpf_vlog(env, "invalid bpf_context access off=%d size=%u\n", off, size);
	return -EACCES;
}

/*
 * Tracing contexts are read-only byte ranges: [lo, hi) readable with
 * aligned loads (kprobe: struct pt_regs; tracepoint: the record after its
 * 8-byte common header, within PERF_MAX_TRACE_SIZE; raw tracepoint: the
 * u64 argument array). The module provides buffers of these sizes.
 */
static int kbpf_check_range(struct kbpf_venv *env, s32 lo, s32 hi, s32 off, u32 size,
			    bool write)
{
	if (write || off < lo || off + (s64)size > hi || off % size) {
		kbpf_vlog(env, "invalid bpf_context access off=%d size=%u\n", off, size);
		return -EACCES;
	}
	return 0;
}

/*
 * NETFILTER (uapi struct kbpf_nf_ctx): data and data_end load as packet
 * pointers (8-byte loads only), the rest are read-only numbers.
 */
#define NF_FIELD(f) \
	{ offsetof(struct kbpf_nf_ctx, f), sizeof(((struct kbpf_nf_ctx *)0)->f), false }

static const struct kbpf_ctx_field kbpf_nf_fields[] = {
	NF_FIELD(len),
	NF_FIELD(pf),
	NF_FIELD(hook),
	NF_FIELD(ifindex_in),
	NF_FIELD(ifindex_out),
	NF_FIELD(mark),
};

static int kbpf_check_nf_ctx(struct kbpf_venv *env, s32 off, u32 size, bool write,
			     u8 *loaded_type)
{
	if (off == offsetof(struct kbpf_nf_ctx, data) ||
	    off == offsetof(struct kbpf_nf_ctx, data_end)) {
		if (write || size != 8) {
			kbpf_vlog(env, "invalid bpf_context access off=%d size=%u\n", off, size);
			return -EACCES;
		}
		*loaded_type = off == offsetof(struct kbpf_nf_ctx, data) ? KBPF_PTR_TO_PACKET :
			       KBPF_PTR_TO_PACKET_END;
		return 0;
	}
	return kbpf_check_fields(env, kbpf_nf_fields, ARRAY_SIZE(kbpf_nf_fields), off, size,
				 write);
}

/*
 * Direct packet access through u32 context fields (XDP's xdp_md, TC's
 * __sk_buff): Linux rewrites these loads into loads of the real pointers;
 * so does kbpf, into the u64 fields that follow the uapi struct in
 * kbpf_xdp_ctx / kbpf_skb_ctx. 4-byte loads only.
 */
struct kbpf_ptr_field {
	u32 off;	/* in the uapi struct */
	u8 type;	/* what the load yields */
	u32 real_off;	/* the u64 the load is rewritten to */
};

static const struct kbpf_ptr_field kbpf_xdp_ptrs[] = {
	{ offsetof(struct xdp_md, data), KBPF_PTR_TO_PACKET, offsetof(struct kbpf_xdp_ctx, data) },
	{ offsetof(struct xdp_md, data_end), KBPF_PTR_TO_PACKET_END,
	  offsetof(struct kbpf_xdp_ctx, data_end) },
	{ offsetof(struct xdp_md, data_meta), KBPF_PTR_TO_PACKET_META,
	  offsetof(struct kbpf_xdp_ctx, data_meta) },
};

static const struct kbpf_ptr_field kbpf_tc_ptrs[] = {
	{ offsetof(struct __sk_buff, data), KBPF_PTR_TO_PACKET, offsetof(struct kbpf_skb_ctx, data) },
	{ offsetof(struct __sk_buff, data_end), KBPF_PTR_TO_PACKET_END,
	  offsetof(struct kbpf_skb_ctx, data_end) },
	{ offsetof(struct __sk_buff, data_meta), KBPF_PTR_TO_PACKET_META,
	  offsetof(struct kbpf_skb_ctx, data_meta) },
};

static int kbpf_check_ptr_fields(struct kbpf_venv *env, const struct kbpf_ptr_field *p, u32 n,
				 s32 off, u32 size, bool write, u8 *loaded_type, s32 *rewrite_off,
				 bool *matched)
{
	u32 i;

	*matched = false;
	for (i = 0; i < n; i++) {
		if (off < (s32)p[i].off || off >= (s32)p[i].off + 4)
			continue;
		*matched = true;
		if (write || size != 4 || off != (s32)p[i].off) {
			kbpf_vlog(env, "invalid bpf_context access off=%d size=%u\n", off, size);
			return -EACCES;
		}
		*loaded_type = p[i].type;
		*rewrite_off = (s32)p[i].real_off;
		return 0;
	}
	return 0;
}

/* xdp_md numbers: 4-byte reads only (Linux's __is_valid_xdp_access). */
#define XDP_FIELD(f) { offsetof(struct xdp_md, f), 4, false }
static const struct kbpf_ctx_field kbpf_xdp_fields[] = {
	XDP_FIELD(ingress_ifindex),
	XDP_FIELD(rx_queue_index),
	XDP_FIELD(egress_ifindex),
};

/*
 * __sk_buff for TC (tc_cls_act_is_valid_access): the socket filter's
 * fields plus tc_classid and tstamp, and writes to mark, tc_index,
 * priority, tc_classid, cb[], tstamp and queue_mapping.
 */
static const struct kbpf_ctx_field kbpf_tc_fields[] = {
	SKB_FIELD(len, false),
	SKB_FIELD(pkt_type, false),
	SKB_FIELD(mark, true),
	SKB_FIELD(queue_mapping, true),
	SKB_FIELD(protocol, false),
	SKB_FIELD(vlan_present, false),
	SKB_FIELD(vlan_tci, false),
	SKB_FIELD(vlan_proto, false),
	SKB_FIELD(priority, true),
	SKB_FIELD(ingress_ifindex, false),
	SKB_FIELD(ifindex, false),
	SKB_FIELD(tc_index, true),
	SKB_FIELD(cb, true),
	SKB_FIELD(hash, false),
	SKB_FIELD(tc_classid, true),
	SKB_FIELD(napi_id, false),
	SKB_FIELD(tstamp, true),
	SKB_FIELD(wire_len, false),
	SKB_FIELD(gso_segs, false),
	SKB_FIELD(gso_size, false),
	SKB_FIELD(hwtstamp, false),
};

bool kbpf_pkt_writable(u32 prog_type)
{
	switch (prog_type) {
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		return true;
	}
	return false;	/* netfilter programs only read packets */
}

bool kbpf_return_range(u32 prog_type, s64 *lo, s64 *hi)
{
	switch (prog_type) {
	case KBPF_PROG_TYPE_NETFILTER:
		*lo = 0;	/* NF_DROP */
		*hi = 1;	/* NF_ACCEPT */
		return true;
	}
	return false;
}

int kbpf_check_ctx_access(struct kbpf_venv *env, u32 prog_type, s32 off, u32 size,
			  bool write, u8 *loaded_type, s32 *rewrite_off)
{
	bool matched;
	int err;

	*loaded_type = KBPF_SCALAR;
	*rewrite_off = -1;
	switch (prog_type) {
	case BPF_PROG_TYPE_XDP:
		err = kbpf_check_ptr_fields(env, kbpf_xdp_ptrs, ARRAY_SIZE(kbpf_xdp_ptrs), off, size,
					    write, loaded_type, rewrite_off, &matched);
		if (matched)
			return err;
		return kbpf_check_fields(env, kbpf_xdp_fields, ARRAY_SIZE(kbpf_xdp_fields),
					 off, size, write);
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		err = kbpf_check_ptr_fields(env, kbpf_tc_ptrs, ARRAY_SIZE(kbpf_tc_ptrs), off, size,
					    write, loaded_type, rewrite_off, &matched);
		if (matched)
			return err;
		return kbpf_check_fields(env, kbpf_tc_fields, ARRAY_SIZE(kbpf_tc_fields),
					 off, size, write);
	case KBPF_PROG_TYPE_NETFILTER:
		return kbpf_check_nf_ctx(env, off, size, write, loaded_type);
	case BPF_PROG_TYPE_SOCKET_FILTER:
		return kbpf_check_fields(env, kbpf_skb_fields, ARRAY_SIZE(kbpf_skb_fields),
					 off, size, write);
	case BPF_PROG_TYPE_KPROBE:
		return kbpf_check_range(env, 0, KBPF_PT_REGS_SIZE, off, size, write);
	case BPF_PROG_TYPE_TRACEPOINT:
		return kbpf_check_range(env, 8, KBPF_TRACEPOINT_CTX_SIZE, off, size, write);
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
		return kbpf_check_range(env, 0, 8 * KBPF_RAW_TP_MAX_ARGS, off, size, write);
	default:
		kbpf_vlog(env, "program type %u has no context rules\n", prog_type);
		return -EINVAL;
	}
}

#ifndef offsetofend
#define offsetofend(T, m)	(offsetof(T, m) + sizeof(((T *)0)->m))
#endif

/*
 * A load of [off, off + size) of a struct bpf_sock, as 6.1's
 * bpf_sock_is_valid_access(): the u32 fields whole or their low 1 or 2
 * bytes, the addresses in any aligned part, dst_port (a __be16 then
 * padding) as 4 or up to 2 bytes, anything else whole. common: a
 * sock_common, which has no type, protocol, mark or priority (6.1's
 * bpf_sock_common_is_valid_access()).
 */
static bool kbpf_sock_field_ok(s64 off, u32 size, bool common)
{
	const u32 w = sizeof(u32);

	if (off < 0 || off >= (s64)sizeof(struct bpf_sock) || off % size)
		return false;
	if (common && off >= (s64)offsetof(struct bpf_sock, type) &&
	    off < (s64)offsetofend(struct bpf_sock, priority))
		return false;
	switch (off) {
	case offsetof(struct bpf_sock, state):
	case offsetof(struct bpf_sock, family):
	case offsetof(struct bpf_sock, type):
	case offsetof(struct bpf_sock, protocol):
	case offsetof(struct bpf_sock, src_port):
	case offsetof(struct bpf_sock, rx_queue_mapping):
		return size <= w;
	}
	if ((off >= (s64)offsetof(struct bpf_sock, src_ip4) &&
	     off < (s64)offsetofend(struct bpf_sock, src_ip6)) ||
	    (off >= (s64)offsetof(struct bpf_sock, dst_ip4) &&
	     off < (s64)offsetofend(struct bpf_sock, dst_ip6)))
		return size <= w;
	if (off >= (s64)offsetof(struct bpf_sock, dst_port) &&
	    off < (s64)offsetofend(struct bpf_sock, dst_port))
		return size == w || size <= sizeof(((struct bpf_sock *)0)->dst_port);
	if (off >= (s64)offsetofend(struct bpf_sock, dst_port) &&
	    off < (s64)offsetof(struct bpf_sock, dst_ip4))
		return false;
	return size == w;
}

int kbpf_check_sock_access(struct kbpf_venv *env, u32 regno, const struct kbpf_reg *reg,
			   s32 off, u32 size, bool write)
{
	const char *name = kbpf_reg_type_name(reg->type);
	s64 o = (s64)reg->off + off;

	/* the helpers' snapshot is the program's to read, not to change (as 6.1) */
	if (write) {
		kbpf_vlog(env, "R%u cannot write into %s\n", regno, name);
		return -EACCES;
	}
	if (!kbpf_sock_field_ok(o, size, reg->type == KBPF_PTR_TO_SOCK_COMMON)) {
		kbpf_vlog(env, "invalid %s access off=%lld size=%u\n", name, (long long)o, size);
		return -EACCES;
	}
	return 0;
}
