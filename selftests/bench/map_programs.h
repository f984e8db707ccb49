/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The map benchmarks (bench_vm's map table): each is one map, filled from
 * userspace, and one SOCKET_FILTER program that does KB_MAP_OPS operations
 * on it per run, so that TEST_RUN's per-run cost does not count. The same
 * program bytes run on kbpf and on the guest kernel; both must return the
 * retval derived here in C, and end with matching map contents.
 */
#ifndef _KBPF_BENCH_MAP_PROGRAMS_H
#define _KBPF_BENCH_MAP_PROGRAMS_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/bpf.h>

#define KB_MAP_OPS		1000	/* map operations per program run */
#define KB_MAP_KEY_MAX		8	/* largest key_size / value_size below */
#define KB_MAP_VALUE_MAX	8

/* LRU_HASH: KB_LRU_KEYS distinct keys through a map of KB_LRU_MAX. */
#define KB_LRU_MAX		256
#define KB_LRU_KEYS		KB_MAP_OPS

struct kb_map_spec {
	uint32_t type, key_size, value_size, max_entries, flags;
};

struct kb_map_bench {
	const char *name;
	const char *desc;
	struct kb_map_spec map;
	/* Entries inserted from userspace before the first run. */
	uint32_t nfill;
	void (*fill)(uint32_t i, void *key, void *value);
	/* Build the program around map_fd; NULL: not in this tree (todo). */
	int (*build)(struct bpf_insn *insns, int map_fd);
	/* What every run must return. */
	uint32_t (*expect)(void);
	/*
	 * NULL: both sides must end with the same keys and values. Else (LRU,
	 * whose eviction order kbpf does not copy): each side's entries must
	 * number 1..max_entries and each must satisfy value_ok.
	 */
	bool (*value_ok)(const void *key, const void *value);
	const char *todo;	/* why build is NULL */
};

#define KB_NMAP_BENCHES 6
extern const struct kb_map_bench kb_map_benches[KB_NMAP_BENCHES];

/* Program 4's map (programs.h): key i -> kb_map_value(i). */
void kb_fill_lookup(uint32_t i, void *key, void *value);
/* What program 4 returns on a map filled by kb_fill_lookup. */
uint32_t kb_lookup_expect(void);

#endif
