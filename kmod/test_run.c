// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TEST_RUN. For socket filters this follows Linux's
 * bpf_prog_test_run_skb(): the packet (data_in) gets its Ethernet header
 * pulled as eth_type_trans() on the loopback device (or ctx->ifindex)
 * would, the program runs `repeat` times on a struct __sk_buff kbpf fills
 * itself, and the packet comes back with a zeroed Ethernet header, as the
 * kernel pushes one back without restoring it.
 */
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/sched/signal.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <net/dsa.h>
#include <net/net_namespace.h>
#include <net/sch_generic.h>

#include "kbpf_internal.h"

/* Room Linux keeps around test packets; it bounds data_size_in. */
#define KBPF_TEST_HEADROOM	(NET_SKB_PAD + NET_IP_ALIGN)
#define KBPF_TEST_TAILROOM	SKB_DATA_ALIGN(sizeof(struct skb_shared_info))

int kbpf_cmd_prog_test_run(const union bpf_attr *attr,
			   union bpf_attr __user *uattr)
{
	struct kbpf_prog *prog;
	int err;

	if (KBPF_CHECK_ATTR(attr, test.batch_size))
		return -EINVAL;
	if ((attr->test.ctx_size_in && !attr->test.ctx_in) ||
	    (!attr->test.ctx_size_in && attr->test.ctx_in))
		return -EINVAL;
	if ((attr->test.ctx_size_out && !attr->test.ctx_out) ||
	    (!attr->test.ctx_size_out && attr->test.ctx_out))
		return -EINVAL;

	prog = kbpf_prog_get(attr->test.prog_fd);
	if (IS_ERR(prog))
		return PTR_ERR(prog);

	switch (prog->type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		err = kbpf_test_run_skb(prog, attr, uattr);
		break;
	case BPF_PROG_TYPE_XDP:
		err = kbpf_test_run_xdp(prog, attr, uattr);
		break;
	default:
		err = -ENOTSUPP;
		break;
	}

	kbpf_prog_put(prog);
	return err;
}

/* The packet, copied in with Linux's size rules; size bytes at data. */
static void *kbpf_test_data_init(const union bpf_attr *attr, u32 size)
{
	void *data;

	if (size < ETH_HLEN ||
	    size > PAGE_SIZE - KBPF_TEST_HEADROOM - KBPF_TEST_TAILROOM)
		return ERR_PTR(-EINVAL);
	data = kzalloc(SKB_DATA_ALIGN(size), GFP_USER);
	if (!data)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(data, u64_to_user_ptr(attr->test.data_in), size)) {
		kfree(data);
		return ERR_PTR(-EFAULT);
	}
	return data;
}

/* ctx_in, zero-extended to max_size; NULL if neither ctx_in nor ctx_out. */
static void *kbpf_test_ctx_init(const union bpf_attr *attr, u32 max_size)
{
	void __user *ctx_in = u64_to_user_ptr(attr->test.ctx_in);
	u32 size = attr->test.ctx_size_in;
	void *ctx;
	int err;

	if (!ctx_in && !attr->test.ctx_out)
		return NULL;
	ctx = kzalloc(max_size, GFP_USER);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	if (ctx_in) {
		err = kbpf_check_uarg_tail_zero(ctx_in, max_size, size);
		if (!err && copy_from_user(ctx, ctx_in, min(size, max_size)))
			err = -EFAULT;
		if (err) {
			kfree(ctx);
			return ERR_PTR(err);
		}
	}
	return ctx;
}

static bool kbpf_range_is_zero(const void *buf, size_t from, size_t to)
{
	return !memchr_inv((const u8 *)buf + from, 0, to - from);
}

#define SKB_OFF(f)	offsetof(struct __sk_buff, f)
#define SKB_END(f)	offsetofend(struct __sk_buff, f)

/*
 * The __sk_buff fields a caller may set, as in Linux: mark, priority,
 * ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs, gso_size,
 * hwtstamp. Anything else non-zero is -EINVAL.
 */
static int kbpf_check_ctx_in(const struct __sk_buff *in, u32 len)
{
	if (!kbpf_range_is_zero(in, 0, SKB_OFF(mark)) ||
	    !kbpf_range_is_zero(in, SKB_END(mark), SKB_OFF(priority)) ||
	    !kbpf_range_is_zero(in, SKB_END(ifindex), SKB_OFF(cb)) ||
	    !kbpf_range_is_zero(in, SKB_END(cb), SKB_OFF(tstamp)) ||
	    !kbpf_range_is_zero(in, SKB_END(gso_segs), SKB_OFF(gso_size)) ||
	    !kbpf_range_is_zero(in, SKB_END(gso_size), SKB_OFF(hwtstamp)) ||
	    !kbpf_range_is_zero(in, SKB_END(hwtstamp), sizeof(*in)))
		return -EINVAL;
	if (in->wire_len && (in->wire_len < len ||
			     in->wire_len > GSO_LEGACY_MAX_SIZE))
		return -EINVAL;
	if (in->gso_segs > GSO_MAX_SEGS)
		return -EINVAL;
	return 0;
}

/* skb->pkt_type and skb->protocol, as eth_type_trans() on dev sets them. */
static void kbpf_eth_type_trans(struct __sk_buff *skb, const u8 *frame,
				u32 size, const struct net_device *dev)
{
	const struct ethhdr *eth = (const struct ethhdr *)frame;

	skb->pkt_type = PACKET_HOST;
	if (!ether_addr_equal(eth->h_dest, dev->dev_addr)) {
		if (is_multicast_ether_addr(eth->h_dest)) {
			if (ether_addr_equal(eth->h_dest, dev->broadcast))
				skb->pkt_type = PACKET_BROADCAST;
			else
				skb->pkt_type = PACKET_MULTICAST;
		} else {
			skb->pkt_type = PACKET_OTHERHOST;
		}
	}

	/* skb->protocol is __be16; the ctx field holds it as stored. */
	if (netdev_uses_dsa(dev))
		skb->protocol = (__force u16)htons(ETH_P_XDSA);
	else if (eth_proto_is_802_3(eth->h_proto))
		skb->protocol = (__force u16)eth->h_proto;
	else if (size >= ETH_HLEN + 2 &&
		 *(const u16 *)(frame + ETH_HLEN) == 0xFFFF)
		skb->protocol = (__force u16)htons(ETH_P_802_3);
	else
		skb->protocol = (__force u16)htons(ETH_P_802_2);
}

/*
 * Run the program repeat times (0 means once) under RCU with migration
 * disabled, stepping out to reschedule when asked and stopping on a
 * signal. *duration is the mean time per run in ns, as Linux reports it.
 */
static int kbpf_test_run_repeat(struct kbpf_prog *prog, const void *ctx,
				u32 repeat, u32 *retval, u32 *duration)
{
	u64 start, spent = 0;
	u32 i = 0;
	int err = 0;

	if (!repeat)
		repeat = 1;

	rcu_read_lock();
	migrate_disable();
	start = ktime_get_ns();
	for (;;) {
		*retval = kbpf_prog_run(prog, ctx);
		i++;
		if (i >= repeat) {
			spent += ktime_get_ns() - start;
			do_div(spent, i);
			*duration = spent > U32_MAX ? U32_MAX : (u32)spent;
			break;
		}
		if (signal_pending(current)) {
			err = -EINTR;
			break;
		}
		if (need_resched()) {
			spent += ktime_get_ns() - start;
			migrate_enable();
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
			migrate_disable();
			start = ktime_get_ns();
		}
	}
	migrate_enable();
	rcu_read_unlock();
	return err;
}

/* Write data_out, data_size_out, retval and duration back (bpf_test_finish). */
static int kbpf_test_finish(const union bpf_attr *attr,
			    union bpf_attr __user *uattr, const void *data,
			    u32 size, u32 retval, u32 duration)
{
	void __user *data_out = u64_to_user_ptr(attr->test.data_out);
	u32 copy_size = size;
	int err = 0;

	/* A size hint clamps the copy; without one the whole packet goes. */
	if (attr->test.data_size_out && copy_size > attr->test.data_size_out) {
		copy_size = attr->test.data_size_out;
		err = -ENOSPC;
	}
	if (data_out && copy_to_user(data_out, data, copy_size))
		return -EFAULT;
	if (put_user(size, &uattr->test.data_size_out) ||
	    put_user(retval, &uattr->test.retval) ||
	    put_user(duration, &uattr->test.duration))
		return -EFAULT;
	return err;
}

/* Write ctx_out and ctx_size_out back (bpf_ctx_finish). */
static int kbpf_test_ctx_finish(const union bpf_attr *attr,
				union bpf_attr __user *uattr, const void *ctx,
				u32 size)
{
	void __user *ctx_out = u64_to_user_ptr(attr->test.ctx_out);
	u32 copy_size = size;
	int err = 0;

	if (!ctx || !ctx_out)
		return 0;
	if (copy_size > attr->test.ctx_size_out) {
		copy_size = attr->test.ctx_size_out;
		err = -ENOSPC;
	}
	if (copy_to_user(ctx_out, ctx, copy_size) ||
	    put_user(size, &uattr->test.ctx_size_out))
		return -EFAULT;
	return err;
}

int kbpf_test_run_skb(struct kbpf_prog *prog, const union bpf_attr *attr,
		      union bpf_attr __user *uattr)
{
	struct net *net = current->nsproxy->net_ns;
	u32 size = attr->test.data_size_in;
	struct net_device *dev = NULL;
	struct __sk_buff *ctx;
	struct kbpf_skb_ctx *run;
	u32 retval = 0, duration = 0;
	bool is_l2 = prog->type != BPF_PROG_TYPE_SOCKET_FILTER;
	u8 *data;
	int err;

	if (attr->test.flags || attr->test.cpu || attr->test.batch_size)
		return -EINVAL;

	data = kbpf_test_data_init(attr, size);
	if (IS_ERR(data))
		return PTR_ERR(data);

	ctx = kbpf_test_ctx_init(attr, sizeof(struct __sk_buff));
	if (IS_ERR(ctx)) {
		err = PTR_ERR(ctx);
		goto out_data;
	}

	run = kzalloc(sizeof(*run), GFP_USER);
	if (!run) {
		err = -ENOMEM;
		goto out_ctx;
	}

	if (ctx && ctx->ifindex > 1) {
		dev = dev_get_by_index(net, ctx->ifindex);
		if (!dev) {
			err = -ENODEV;
			goto out_run;
		}
	}

	kbpf_eth_type_trans(&run->skb, data, size, dev ?: net->loopback_dev);
	run->skb.len = size - ETH_HLEN;
	if (is_l2) {
		/* TC sees the frame from its Ethernet header (Linux: is_l2) */
		run->skb.len = size;
		run->data = (u64)(unsigned long)data;
		run->data_end = run->data + size;
		run->data_meta = run->data;
	}
	run->skb.ifindex = (dev ?: net->loopback_dev)->ifindex;
	run->skb.wire_len = run->skb.len;
	run->mac = data;
	run->mac_len = ETH_HLEN;
	run->net = data + ETH_HLEN;
	run->net_len = size - ETH_HLEN;

	/* Linux 6.1 stable: an IP ethertype needs a whole IP header. */
	if ((run->skb.protocol == (__force u16)htons(ETH_P_IP) &&
	     run->net_len < sizeof(struct iphdr)) ||
	    (run->skb.protocol == (__force u16)htons(ETH_P_IPV6) &&
	     run->net_len < sizeof(struct ipv6hdr))) {
		err = -EINVAL;
		goto out_dev;
	}

	if (ctx) {
		err = kbpf_check_ctx_in(ctx, run->skb.len);
		if (err)
			goto out_dev;
		run->skb.mark = ctx->mark;
		run->skb.priority = ctx->priority;
		run->skb.ingress_ifindex = ctx->ingress_ifindex;
		run->skb.tstamp = ctx->tstamp;
		memcpy(run->skb.cb, ctx->cb, sizeof(run->skb.cb));
		if (ctx->wire_len)
			run->skb.wire_len = ctx->wire_len;
		run->skb.gso_segs = ctx->gso_segs;
		run->skb.gso_size = ctx->gso_size;
		run->skb.hwtstamp = ctx->hwtstamp;
	}

	err = kbpf_test_run_repeat(prog, &run->skb, attr->test.repeat,
				   &retval, &duration);
	if (err)
		goto out_dev;

	/* For socket filters the Ethernet header goes back on, zeroed. */
	if (!is_l2)
		memset(data, 0, ETH_HLEN);

	if (ctx) {
		ctx->mark = run->skb.mark;
		ctx->priority = run->skb.priority;
		ctx->ingress_ifindex = run->skb.ingress_ifindex;
		ctx->ifindex = run->skb.ifindex;
		ctx->tstamp = run->skb.tstamp;
		memcpy(ctx->cb, run->skb.cb, sizeof(ctx->cb));
		ctx->wire_len = run->skb.wire_len;
		ctx->gso_segs = run->skb.gso_segs;
		ctx->hwtstamp = run->skb.hwtstamp;
	}

	err = kbpf_test_finish(attr, uattr, data, size, retval, duration);
	if (!err)
		err = kbpf_test_ctx_finish(attr, uattr, ctx,
					   sizeof(struct __sk_buff));

out_dev:
	dev_put(dev);
out_run:
	kfree(run);
out_ctx:
	kfree(ctx);
out_data:
	kfree(data);
	return err;
}

/*
 * XDP: the program sees struct xdp_md (kbpf_xdp_ctx, with the real
 * pointers after it) over a copy of data_in, received on the caller's
 * loopback device. data_out is the packet as the program left it. No
 * ctx_in (-EINVAL) and no XDP_PASS/TX redirection: the return value is
 * reported, as Linux's test run does.
 */
int kbpf_test_run_xdp(struct kbpf_prog *prog, const union bpf_attr *attr,
		      union bpf_attr __user *uattr)
{
	struct net *net = current->nsproxy->net_ns;
	u32 size = attr->test.data_size_in;
	u32 retval = 0, duration = 0;
	struct kbpf_xdp_ctx *run;
	u8 *data;
	int err;

	if (attr->test.flags || attr->test.cpu || attr->test.batch_size)
		return -EINVAL;
	if (attr->test.ctx_in || attr->test.ctx_out)
		return -EINVAL;
	data = kbpf_test_data_init(attr, size);
	if (IS_ERR(data))
		return PTR_ERR(data);
	run = kzalloc(sizeof(*run), GFP_USER);
	if (!run) {
		err = -ENOMEM;
		goto out_data;
	}
	run->data = (u64)(unsigned long)data;
	run->data_end = run->data + size;
	run->data_meta = run->data;
	run->md.ingress_ifindex = net->loopback_dev->ifindex;

	err = kbpf_test_run_repeat(prog, &run->md, attr->test.repeat, &retval, &duration);
	if (!err)
		err = kbpf_test_finish(attr, uattr, data, size, retval, duration);
	kfree(run);
out_data:
	kfree(data);
	return err;
}
