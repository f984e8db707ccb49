// SPDX-License-Identifier: GPL-2.0
/*
 * Demo 4: a netfilter firewall. Drops IPv4 UDP to one port (blocked_port,
 * set by the loader before load) and counts the dropped packets per source
 * address; accepts everything else.
 *
 * BPF_PROG_TYPE_NETFILTER with kbpf's flat context (struct kbpf_nf_ctx in
 * uapi/kbpf.h): data/data_end bound the packet from the network header on,
 * and every access is checked against data_end first. Section "netfilter" is
 * unknown to libbpf 1.1; the loader registers it.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/netfilter.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "uapi/kbpf.h"
#include "count.bpf.h"
#include "nf_firewall.h"

const volatile __u16 blocked_port = NF_FIREWALL_DEFAULT_PORT;

/* Dropped packets per IPv4 source address (network byte order). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NF_FIREWALL_MAX_SOURCES);
	__type(key, __u32);
	__type(value, __u64);
} dropped SEC(".maps");

SEC("netfilter")
int udp_firewall(struct kbpf_nf_ctx *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data;
	struct udphdr *udp;
	__u32 saddr;

	if ((void *)(ip + 1) > data_end)
		return NF_ACCEPT;
	/* Options would move the UDP header: only the plain 20-byte header. */
	if (ip->version != 4 || ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return NF_ACCEPT;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return NF_ACCEPT;
	if (udp->dest != bpf_htons(blocked_port))
		return NF_ACCEPT;
	saddr = ip->saddr;
	count_one(&dropped, &saddr);
	return NF_DROP;
}

char LICENSE[] SEC("license") = "GPL";
