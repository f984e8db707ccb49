// SPDX-License-Identifier: GPL-2.0
/*
 * Socket lookups for the packet program types: bpf_sk_lookup_tcp/udp,
 * bpf_skc_lookup_tcp and bpf_sk_release, with 6.1's lookup rules
 * (net/core/filter.c: sk_lookup, __bpf_skc_lookup, __bpf_sk_lookup).
 *
 * Linux hands programs the struct sock itself and rewrites their loads of
 * struct bpf_sock fields into loads of struct sock; kbpf rewrites no loads
 * (contexts are real structs, see the README). So a lookup returns a
 * struct bpf_sock that kbpf fills from the socket when it finds it, next
 * to the socket reference it holds: field values are those of the lookup
 * time. sk_release drops the reference and frees the snapshot; the
 * verifier makes every path release what it looked up.
 *
 * Where 6.1 differs: kbpf's contexts carry no device, so the lookup runs
 * in the current task's network namespace (6.1: the skb's device's) with
 * no ifindex (sockets bound to a device are not found).
 */
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/nsproxy.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/inet_hashtables.h>
#include <net/inet6_hashtables.h>
#include <net/udp.h>

#include "kbpf_internal.h"
#include "kbpf_helpers.h"

/* What a program's socket pointer points at: the fields first. */
struct kbpf_sk_ref {
	struct bpf_sock view;
	struct sock *sk;
};

static struct sock *kbpf_sk_lookup4(struct net *net, const struct bpf_sock_tuple *t,
				    u8 proto, bool *refcounted)
{
	if (proto == IPPROTO_TCP)
		return __inet_lookup(net, net->ipv4.tcp_death_row.hashinfo, NULL, 0,
				     t->ipv4.saddr, t->ipv4.sport, t->ipv4.daddr,
				     t->ipv4.dport, 0, 0, refcounted);
	*refcounted = false;
	return __udp4_lib_lookup(net, t->ipv4.saddr, t->ipv4.sport, t->ipv4.daddr,
				 t->ipv4.dport, 0, 0, &udp_table, NULL);
}

static struct sock *kbpf_sk_lookup6(struct net *net, const struct bpf_sock_tuple *t,
				    u8 proto, bool *refcounted)
{
#if IS_ENABLED(CONFIG_IPV6)
	const struct in6_addr *src6 = (const struct in6_addr *)&t->ipv6.saddr;
	const struct in6_addr *dst6 = (const struct in6_addr *)&t->ipv6.daddr;

	/* UDP over IPv6 goes through the ipv6 module's stub in 6.1: not here */
	if (proto == IPPROTO_TCP)
		return __inet6_lookup(net, net->ipv4.tcp_death_row.hashinfo, NULL, 0,
				      src6, t->ipv6.sport, dst6, ntohs(t->ipv6.dport),
				      0, 0, refcounted);
#endif
	*refcounted = false;
	return NULL;
}

/* 6.1's sk_lookup(): the socket, holding a reference unless it is RCU-freed. */
static struct sock *kbpf_sk_find(const struct bpf_sock_tuple *t, u32 len, u8 proto,
				 u64 netns_id, u64 flags)
{
	struct net *caller, *net;
	struct sock *sk = NULL;
	bool refcounted = false;
	bool v6;

	if (len == sizeof(t->ipv4))
		v6 = false;
	else if (len == sizeof(t->ipv6))
		v6 = true;
	else
		return NULL;
	if (flags || !((s32)netns_id < 0 || netns_id <= S32_MAX))
		return NULL;
	if (!in_task() || !current->nsproxy)
		return NULL;
	caller = current->nsproxy->net_ns;
	net = (s32)netns_id < 0 ? caller : get_net_ns_by_id(caller, (int)netns_id);
	if (!net)
		return NULL;
	sk = v6 ? kbpf_sk_lookup6(net, t, proto, &refcounted) :
		  kbpf_sk_lookup4(net, t, proto, &refcounted);
	if (net != caller)
		put_net(net);
	/* as 6.1: an unreferenced socket must be one RCU keeps alive */
	if (sk && !refcounted && !sock_flag(sk, SOCK_RCU_FREE))
		sk = NULL;
	return sk;
}

/* 6.1's __bpf_sk_lookup(): a request socket stands for its listener. */
static struct sock *kbpf_sk_full(struct sock *sk)
{
	struct sock *full;

	if (!sk)
		return NULL;
	full = sk_to_full_sk(sk);
	if (!sk_fullsock(full))
		full = NULL;
	if (full != sk) {
		sock_gen_put(sk);
		/* the listener is not referenced: it must be RCU-freed */
		if (full && !sock_flag(full, SOCK_RCU_FREE))
			return NULL;
	}
	return full;
}

/* The program's view, as 6.1's bpf_sock_convert_ctx_access() reads it. */
static void kbpf_sk_fill(struct bpf_sock *v, struct sock *sk)
{
	v->bound_dev_if = sk->sk_bound_dev_if;
	v->family = sk->sk_family;
	v->src_ip4 = sk->sk_rcv_saddr;
	v->dst_ip4 = sk->sk_daddr;
#if IS_ENABLED(CONFIG_IPV6)
	memcpy(v->src_ip6, &sk->sk_v6_rcv_saddr, sizeof(v->src_ip6));
	memcpy(v->dst_ip6, &sk->sk_v6_daddr, sizeof(v->dst_ip6));
#endif
	v->src_port = sk->sk_num;
	v->dst_port = sk->sk_dport;
	v->state = sk->sk_state;
	v->rx_queue_mapping = -1;
	/* only a full socket has these (the verifier keeps sock_common readers off them) */
	if (sk_fullsock(sk)) {
		v->type = sk->sk_type;
		v->protocol = sk->sk_protocol;
		v->mark = sk->sk_mark;
		v->priority = sk->sk_priority;
		v->rx_queue_mapping = sk_rx_queue_get(sk);
	}
}

/* bpf_sk_release(): 6.1 puts only what holds a reference. */
static void kbpf_sk_put(struct sock *sk)
{
	if (sk_is_refcounted(sk))
		sock_gen_put(sk);
}

static u64 kbpf_sk_ref_new(struct sock *sk)
{
	struct kbpf_sk_ref *ref;

	if (!sk)
		return 0;
	ref = kzalloc(sizeof(*ref), GFP_ATOMIC | __GFP_NOWARN);
	if (!ref) {
		kbpf_sk_put(sk);
		return 0;	/* to the program: nothing found */
	}
	kbpf_sk_fill(&ref->view, sk);
	ref->sk = sk;
	return (u64)(unsigned long)ref;
}

/* struct bpf_sock *bpf_sk_lookup_tcp(ctx, tuple, tuple_size, netns, flags) */
u64 kbpf_helper_sk_lookup_tcp(u64 ctx, u64 tuple, u64 len, u64 netns, u64 flags)
{
	const struct bpf_sock_tuple *t = (const void *)(unsigned long)tuple;

	return kbpf_sk_ref_new(kbpf_sk_full(kbpf_sk_find(t, (u32)len, IPPROTO_TCP, netns,
							 flags)));
}

u64 kbpf_helper_sk_lookup_udp(u64 ctx, u64 tuple, u64 len, u64 netns, u64 flags)
{
	const struct bpf_sock_tuple *t = (const void *)(unsigned long)tuple;

	return kbpf_sk_ref_new(kbpf_sk_full(kbpf_sk_find(t, (u32)len, IPPROTO_UDP, netns,
							 flags)));
}

/* The same, any kind of TCP socket (request and timewait ones too). */
u64 kbpf_helper_skc_lookup_tcp(u64 ctx, u64 tuple, u64 len, u64 netns, u64 flags)
{
	const struct bpf_sock_tuple *t = (const void *)(unsigned long)tuple;

	return kbpf_sk_ref_new(kbpf_sk_find(t, (u32)len, IPPROTO_TCP, netns, flags));
}

/* long bpf_sk_release(void *sock): sock is a lookup's, never NULL (verifier). */
u64 kbpf_helper_sk_release(u64 sock, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_sk_ref *ref = (struct kbpf_sk_ref *)(unsigned long)sock;

	kbpf_sk_put(ref->sk);
	kfree(ref);
	return 0;
}
