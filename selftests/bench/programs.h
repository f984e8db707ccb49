/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark programs, shared by the native runner (bench_native.c) and
 * the in-VM runner (bench_vm.c): raw struct bpf_insn arrays built at run time
 * (a tiny label assembler resolves the jumps), plus the same logic written in
 * plain C as the baseline and the reference result. Needs only libc and
 * <linux/bpf.h>.
 */
#ifndef _KBPF_BENCH_PROGRAMS_H
#define _KBPF_BENCH_PROGRAMS_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/bpf.h>

#define KB_MAX_INSNS	512

/* The packet every program runs on: Ethernet + IPv4 + TCP + payload. */
#define KB_PKT_LEN	1514		/* data_in of BPF_PROG_TEST_RUN */
#define KB_ETH_HLEN	14
#define KB_NET_LEN	(KB_PKT_LEN - KB_ETH_HLEN)	/* skb->len: 1500 */

/* Program 2 sums this many bytes from the network header on. */
#define KB_CSUM_BYTES	1500
/* Program 1's rounds, program 4's lookups, program 5's calls of the chain. */
#define KB_HASH_ROUNDS	1000
#define KB_MAP_LOOKUPS	1000
#define KB_CALL_LOOPS	200
#define KB_CALL_DEPTH	6	/* callees below main: 7 frames of the 8 allowed */

/* Program 4's HASH map: u32 key -> u64 value, keys 0..KB_MAP_KEYS-1. */
#define KB_MAP_KEYS	256
#define KB_MAP_MAX	1024
static inline uint64_t kb_map_value(uint32_t key)
{
	return (uint64_t)key * key * 2654435761u + 1;
}

/* What a C baseline sees: the packet and skb->len, like the BPF ctx. */
struct kb_input {
	const uint8_t *mac;		/* the Ethernet header */
	const uint8_t *net;		/* the IPv4 header */
	uint32_t net_len;
	uint32_t len;			/* __sk_buff.len */
	/* program 4: the map lookup, as the BPF helper does it */
	void *(*lookup)(void *map, const void *key);
	void *map;
};

struct kb_prog {
	const char *name;
	const char *desc;
	bool uses_map;			/* needs the HASH map (fd patched in) */
	bool has_calls;			/* bpf-to-bpf calls */
	/* Build the program; map_fd goes into its ld_imm64. Returns insn count. */
	int (*build)(struct bpf_insn *insns, int map_fd);
	/* The same logic in C; returns what the program returns (as u32). */
	uint32_t (*c_ref)(const struct kb_input *in);
};

#define KB_NPROGS 5
extern const struct kb_prog kb_progs[KB_NPROGS];

/*
 * Program 4: KB_MAP_LOOKUPS lookups of keys (i * 37) % KB_MAP_KEYS in the map
 * (HASH or ARRAY), summing the u64 values; 1 if a key is missing.
 */
int kb_build_lookup(struct bpf_insn *insns, int map_fd);

/* Fill buf (KB_PKT_LEN bytes) with the benchmark packet. */
void kb_make_packet(uint8_t *buf);

#endif
