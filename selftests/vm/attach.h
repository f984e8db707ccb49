/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attach helpers shared by the attach tests (test_attach.c, which defines
 * them) and the SMP stress test (test_stress.c).
 */
#ifndef KBPF_TEST_ATTACH_H
#define KBPF_TEST_ATTACH_H

#include <sys/socket.h>
#include "kbpf_test.h"

#define KPROBE		BPF_PROG_TYPE_KPROBE
#define TRACEPOINT	BPF_PROG_TYPE_TRACEPOINT
#define RAW_TP		BPF_PROG_TYPE_RAW_TRACEPOINT
#define NETFILTER	32
#define ATTACH_NF	45
#define LINK_NF		10

#define NFPROTO_IPV4	2
#define NFPROTO_IPV6	10
#define HOOK_LOCAL_IN	1
#define HOOK_LOCAL_OUT	3

#define ATOMIC_ADD64(d, s, o) INSN(BPF_STX | BPF_DW | BPF_ATOMIC, d, s, o, BPF_ADD)

/* PROG_LOAD (GPL); on failure loads again with a log and prints its tail. */
int load_ex(const struct backend *b, __u32 type, const struct bpf_insn *insns,
	    __u32 cnt, __u32 expected);
/* p[n..]: r0 = lookup(map, &(u32){key}), the key at fp-4. Returns the new n. */
int emit_lookup_key(struct bpf_insn *p, int n, int map, int key);
/* BPF_LINK_UPDATE: new prog, and old with BPF_F_REPLACE. */
int link_update(const struct backend *b, int link, int prog, int old, __u32 flags);

/* Enter a new network namespace whose lo is up (fatal on error). */
void netns_lo_up(void);

/* A bound receiver and a sender for UDP to the loopback address. */
struct udp_pair {
	int rx, tx, family;
	struct sockaddr_storage to;
	socklen_t to_len;
};
void udp_pair_open(struct udp_pair *u, int family, int port);

/* A kbpf netfilter link of prog on (pf, hook) at priority prio. */
int nf_link(int prog, __u32 pf, __u32 hook, __s32 prio);

#endif
