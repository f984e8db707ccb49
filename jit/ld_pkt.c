// SPDX-License-Identifier: GPL-2.0
/*
 * Packet loads for the classic LD_ABS / LD_IND instructions, shared by the
 * interpreter and the JIT (which calls it like a helper).
 */
#include "kbpf_core.h"

/* From <linux/filter.h> (uapi): ancillary offset bases. */
#ifndef SKF_NET_OFF
#define SKF_NET_OFF	(-0x100000)
#define SKF_LL_OFF	(-0x200000)
#endif

u64 kbpf_ld_pkt(const void *ctx, s32 off, u32 size)
{
	const struct kbpf_skb_ctx *c = ctx;
	const u8 *p;
	u64 rel, avail;

	if (off >= 0) {
		/* relative to skb->data: the network header, or L2 for TC */
		p = c->data ? (const u8 *)(uintptr_t)c->data : c->net;
		rel = (u64)off;
		avail = c->data ? c->data_end - c->data : c->net_len;
	} else if (off >= SKF_NET_OFF) {
		p = c->net;
		rel = (u64)((s64)off - SKF_NET_OFF);
		avail = c->net_len;
	} else if (off >= SKF_LL_OFF) {
		p = c->mac;
		rel = (u64)((s64)off - SKF_LL_OFF);
		avail = (u64)c->mac_len + c->net_len;
	} else {
		return KBPF_LD_PKT_FAIL;
	}
	if (!p || rel + size > avail)
		return KBPF_LD_PKT_FAIL;
	p += rel;
	switch (size) {
	case 1:
		return p[0];
	case 2:
		return ((u64)p[0] << 8) | p[1];
	default:
		return ((u64)p[0] << 24) | ((u64)p[1] << 16) | ((u64)p[2] << 8) | p[3];
	}
}

s64 kbpf_skb_load_bytes(const void *ctx, u32 off, void *to, u32 len)
{
	const struct kbpf_skb_ctx *c = ctx;
	const u8 *base = c->data ? (const u8 *)(uintptr_t)c->data : c->net;
	u64 avail = c->data ? c->data_end - c->data : c->net_len;

	if (!base || off > 0x7fffffff || (u64)off + len > avail) {
		memset(to, 0, len);
		return -EFAULT;
	}
	memcpy(to, base + off, len);
	return 0;
}
