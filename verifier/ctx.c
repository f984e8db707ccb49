// SPDX-License-Identifier: GPL-2.0
/*
 * Per-program-type context rules. kbpf hands programs a real context struct
 * (for socket filters, a struct __sk_buff that kbpf fills itself), so no
 * access needs rewriting: the verifier only has to allow the fields kbpf
 * fills, with sizes that stay inside one field.
 */
#include "verifier.h"

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
		/* Inside cb[] any aligned access works; elsewhere stay in one u32. */
		if (off % size)
			break;
		if (f[i].size <= 4 || f[i].writable)
			return 0;
		break;
	}
	kbpf_vlog(env, "invalid bpf_context access off=%d size=%u\n", off, size);
	return -EACCES;
}

int kbpf_check_ctx_access(struct kbpf_venv *env, u32 prog_type, s32 off, u32 size,
			  bool write)
{
	switch (prog_type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
		return kbpf_check_fields(env, kbpf_skb_fields, ARRAY_SIZE(kbpf_skb_fields),
					 off, size, write);
	default:
		kbpf_vlog(env, "program type %u has no context rules\n", prog_type);
		return -EINVAL;
	}
}
