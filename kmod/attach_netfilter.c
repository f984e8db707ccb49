// SPDX-License-Identifier: GPL-2.0
/*
 * NETFILTER programs (type 32, attach type 45, link type 10, as upstream):
 * one nf_register_net_hook() per link, in the creator's network namespace
 * (which the link keeps alive). The hook builds a struct kbpf_nf_ctx and
 * maps the program's verdict, 1 to NF_ACCEPT and anything else to NF_DROP.
 *
 * Packet data: data is the network header, data_end the end of the
 * skb's linear data (skb_tail_pointer). Before the run the hook asks for
 * the first KBPF_NF_PULL bytes from the network header to be linear
 * (pskb_may_pull, which may fail quietly for short packets); paged data
 * beyond stays out of reach, so programs bounds-check against data_end.
 *
 * Divergence from upstream: BPF_LINK_UPDATE works on netfilter links
 * (upstream returns -EOPNOTSUPP): the hook reads the link's program once
 * per packet under RCU, so the swap is atomic per packet.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/nsproxy.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "kbpf.h"
#include "kbpf_internal.h"

/* Bytes from the network header the hook makes linear if it can. */
#define KBPF_NF_PULL	128

struct kbpf_nf_link {
	struct kbpf_link link;
	struct nf_hook_ops ops;
	struct net *net;
	u32 flags;
};

static unsigned int kbpf_nf_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct kbpf_nf_link *nl = priv;
	struct kbpf_nf_ctx ctx = {};
	struct kbpf_prog *prog;
	unsigned char *nh, *end;
	u32 ret;

	if (skb_network_offset(skb) >= 0 && !skb_shared(skb))
		pskb_may_pull(skb, skb_network_offset(skb) +
			      min_t(u32, KBPF_NF_PULL, skb->len - skb_network_offset(skb)));
	nh = skb_network_header(skb);
	end = skb_tail_pointer(skb);
	ctx.data = (u64)(unsigned long)nh;
	ctx.data_end = (u64)(unsigned long)(end > nh ? end : nh);
	ctx.len = skb->len;
	ctx.pf = state->pf;
	ctx.hook = state->hook;
	ctx.ifindex_in = state->in ? state->in->ifindex : 0;
	ctx.ifindex_out = state->out ? state->out->ifindex : 0;
	ctx.mark = skb->mark;

	rcu_read_lock();
	migrate_disable();
	prog = rcu_dereference(nl->link.prog);
	ret = kbpf_prog_run(prog, &ctx);
	migrate_enable();
	rcu_read_unlock();
	return ret == NF_ACCEPT ? NF_ACCEPT : NF_DROP;
}

static void kbpf_nf_release(struct kbpf_link *link)
{
	struct kbpf_nf_link *nl = container_of(link, struct kbpf_nf_link, link);

	nf_unregister_net_hook(nl->net, &nl->ops);
	/* Hooks run under RCU: none may still use the link afterwards. */
	synchronize_net();
}

static void kbpf_nf_dealloc(struct kbpf_link *link)
{
	struct kbpf_nf_link *nl = container_of(link, struct kbpf_nf_link, link);

	put_net(nl->net);
	kfree(nl);
}

static void kbpf_nf_show_fdinfo(const struct kbpf_link *link, struct seq_file *m)
{
	const struct kbpf_nf_link *nl = container_of(link, struct kbpf_nf_link, link);

	/* As upstream's bpf_nf_link_show_info(). */
	seq_printf(m, "pf:\t%u\thooknum:\t%u\tprio:\t%d\n", nl->ops.pf,
		   nl->ops.hooknum, nl->ops.priority);
}

static int kbpf_nf_fill_info(const struct kbpf_link *link, struct bpf_link_info *info)
{
	const struct kbpf_nf_link *nl = container_of(link, struct kbpf_nf_link, link);
	struct kbpf_link_info_netfilter *nf = KBPF_LINK_INFO_U(info);

	memset(nf, 0, sizeof(*nf));
	nf->pf = nl->ops.pf;
	nf->hooknum = nl->ops.hooknum;
	nf->priority = nl->ops.priority;
	nf->flags = nl->flags;
	return 0;
}

static const struct kbpf_link_ops kbpf_nf_link_ops = {
	.release	= kbpf_nf_release,
	.dealloc	= kbpf_nf_dealloc,
	.detachable	= true,
	.updatable	= true,
	.show_fdinfo	= kbpf_nf_show_fdinfo,
	.fill_info	= kbpf_nf_fill_info,
};

/* As upstream's bpf_nf_check_pf_and_hooks() (6.4, no defrag flag). */
static int kbpf_nf_check(const struct kbpf_link_create_netfilter *nfa)
{
	switch (nfa->pf) {
	case NFPROTO_IPV4:
	case NFPROTO_IPV6:
		if (nfa->hooknum >= NF_INET_NUMHOOKS)
			return -EPROTO;
		break;
	default:
		return -EAFNOSUPPORT;
	}
	if (nfa->flags)
		return -EOPNOTSUPP;
	if (nfa->priority == NF_IP_PRI_FIRST || nfa->priority == NF_IP_PRI_LAST)
		return -ERANGE;
	return 0;
}

int kbpf_nf_attach(const union bpf_attr *attr, struct kbpf_prog *prog)
{
	const struct kbpf_link_create_netfilter *nfa =
		(const void *)&attr->link_create.kprobe_multi;
	struct kbpf_nf_link *nl;
	int err;

	if (attr->link_create.flags)
		return -EINVAL;
	err = kbpf_nf_check(nfa);
	if (err)
		return err;

	nl = kzalloc(sizeof(*nl), GFP_KERNEL_ACCOUNT);
	if (!nl)
		return -ENOMEM;
	nl->net = get_net(current->nsproxy->net_ns);
	nl->flags = nfa->flags;
	nl->ops.hook = kbpf_nf_hook;
	nl->ops.pf = nfa->pf;
	nl->ops.hooknum = nfa->hooknum;
	nl->ops.priority = nfa->priority;
	nl->ops.priv = nl;
	kbpf_link_init(&nl->link, KBPF_LINK_TYPE_NETFILTER, KBPF_ATTACH_NETFILTER,
		       &kbpf_nf_link_ops, prog);
	err = nf_register_net_hook(nl->net, &nl->ops);
	if (err) {
		kbpf_link_abort(&nl->link);
		return err;
	}
	return kbpf_link_publish(&nl->link);
}
