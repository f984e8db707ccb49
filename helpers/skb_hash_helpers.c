// SPDX-License-Identifier: GPL-2.0
/*
 * The flow hash of a packet context: bpf_get_hash_recalc (TC programs).
 *
 * 6.1 returns skb_get_hash(skb): the skb's hash, computed by the flow
 * dissector on first use (skb->hash stays 0 until then). kbpf's contexts
 * carry no sk_buff, so the same dissection runs on the context's packet
 * bytes (__skb_flow_dissect() on data, as 6.1 does for a linear skb) and
 * the same keyed hash (flow_hash_from_keys(), never 0) goes into the
 * context's hash field, where later calls and __sk_buff->hash loads find
 * it. A BPF flow dissector program is looked up in init_net only (6.1:
 * init_net's, then the skb's device's namespace).
 */
#include <linux/if_ether.h>
#include <linux/string.h>
#include <net/flow_dissector.h>
#include <net/net_namespace.h>

#include "kbpf_internal.h"
#include "kbpf_helpers.h"

u64 kbpf_helper_get_hash_recalc(u64 ctx, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_skb_ctx *c = (struct kbpf_skb_ctx *)(unsigned long)ctx;
	struct flow_keys keys;

	if (c->skb.hash)
		return c->skb.hash;
	memset(&keys, 0, sizeof(keys));
	/* TC contexts: data is the Ethernet header, the network header follows */
	__skb_flow_dissect(&init_net, NULL, &flow_keys_dissector, &keys,
			   (const void *)(unsigned long)c->data,
			   (__force __be16)c->skb.protocol, ETH_HLEN,
			   (int)(c->data_end - c->data), FLOW_DISSECTOR_F_STOP_AT_FLOW_LABEL);
	c->skb.hash = flow_hash_from_keys(&keys);
	return c->skb.hash;
}
