// SPDX-License-Identifier: GPL-2.0
/*
 * The map benchmarks (see map_programs.h). As in programs.c, loops count
 * with a constant register and the only data-dependent branch in a loop
 * body (a failed map operation) leaves the loop, so both verifiers walk one
 * path per iteration.
 *
 * Stack layout of the programs: the key at fp-8 (u32 keys at fp-4), the
 * value at fp-16.
 */
#include <string.h>
#include "kbpf_insn.h"
#include "kb_asm.h"
#include "programs.h"
#include "map_programs.h"

enum { L_LOOP, L_FAIL };

/* ---- HASH / ARRAY lookups: program 4, on either map -------------------- */

void kb_fill_lookup(uint32_t i, void *key, void *value)
{
	uint64_t v = kb_map_value(i);

	memcpy(key, &i, sizeof(i));
	memcpy(value, &v, sizeof(v));
}

uint32_t kb_lookup_expect(void)
{
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < KB_MAP_LOOKUPS; i++)
		sum += kb_map_value((i * 37) & (KB_MAP_KEYS - 1));
	return (uint32_t)(sum ^ (sum >> 32));
}

/* ---- HASH update of existing keys, and delete + re-insert ------------- */

/* r7 = (i * 37) % KB_MAP_KEYS, stored as the u32 key at fp-4 */
static void emit_key(struct kb_asm *a)
{
	E(a, KI_MOV64_REG(R7, R6));
	E(a, KI_ALU64_IMM(BPF_MUL, R7, 37));
	E(a, KI_ALU64_IMM(BPF_AND, R7, KB_MAP_KEYS - 1));
	E(a, KI_STX_MEM(BPF_W, R10, R7, -4));
}

/* r0 = update(map, fp-4, fp-16, flags); on error return it */
static void emit_update(struct kb_asm *a, int map_fd, int flags)
{
	E_ld_map(a, R1, map_fd);
	E(a, KI_MOV64_REG(R2, R10));
	E(a, KI_ALU64_IMM(BPF_ADD, R2, -4));
	E(a, KI_MOV64_REG(R3, R10));
	E(a, KI_ALU64_IMM(BPF_ADD, R3, -16));
	E(a, KI_MOV64_IMM(R4, flags));
	E(a, KI_CALL(BPF_FUNC_map_update_elem));
	J(a, KI_JMP_IMM(BPF_JNE, R0, 0, 0), L_FAIL, false);
}

/* i (r6) = 0; the loop's top */
static void emit_loop_start(struct kb_asm *a, struct bpf_insn *insns)
{
	kb_asm_init(a, insns);
	E(a, KI_MOV64_IMM(R6, 0));
	L(a, L_LOOP);
}

/* i++ < KB_MAP_OPS; return 0; L_FAIL: return r0 (the helper's error) */
static int emit_loop_end(struct kb_asm *a)
{
	E(a, KI_ALU64_IMM(BPF_ADD, R6, 1));
	J(a, KI_JMP_IMM(BPF_JLT, R6, KB_MAP_OPS, 0), L_LOOP, false);
	E_ret(a, 0);
	L(a, L_FAIL);
	E(a, KI_EXIT());
	return kb_asm_end(a);
}

/* The value of key i is i's value: replaced by the run's last write. */
static int build_hash_update(struct bpf_insn *insns, int map_fd)
{
	struct kb_asm a;

	emit_loop_start(&a, insns);
	emit_key(&a);
	E(&a, KI_STX_MEM(BPF_DW, R10, R6, -16));
	emit_update(&a, map_fd, BPF_ANY);
	return emit_loop_end(&a);
}

/* key k -> k + 1: what delete + re-insert leaves behind as well. */
static void fill_plus_one(uint32_t i, void *key, void *value)
{
	uint64_t v = (uint64_t)i + 1;

	memcpy(key, &i, sizeof(i));
	memcpy(value, &v, sizeof(v));
}

static int build_hash_delete(struct bpf_insn *insns, int map_fd)
{
	struct kb_asm a;

	emit_loop_start(&a, insns);
	emit_key(&a);
	E_ld_map(&a, R1, map_fd);
	E(&a, KI_MOV64_REG(R2, R10));
	E(&a, KI_ALU64_IMM(BPF_ADD, R2, -4));
	E(&a, KI_CALL(BPF_FUNC_map_delete_elem));
	J(&a, KI_JMP_IMM(BPF_JNE, R0, 0, 0), L_FAIL, false);
	E(&a, KI_ALU64_IMM(BPF_ADD, R7, 1));
	E(&a, KI_STX_MEM(BPF_DW, R10, R7, -16));
	emit_update(&a, map_fd, BPF_NOEXIST);
	return emit_loop_end(&a);
}

static uint32_t expect_zero(void)
{
	return 0;
}

/* ---- LRU_HASH: KB_LRU_KEYS distinct keys, KB_LRU_MAX entries ---------- */

static int build_lru_update(struct bpf_insn *insns, int map_fd)
{
	struct kb_asm a;

	emit_loop_start(&a, insns);
	E(&a, KI_STX_MEM(BPF_W, R10, R6, -4));		/* key i */
	E(&a, KI_MOV64_REG(R7, R6));
	E(&a, KI_ALU64_IMM(BPF_ADD, R7, 1));
	E(&a, KI_STX_MEM(BPF_DW, R10, R7, -16));	/* value i + 1 */
	emit_update(&a, map_fd, BPF_ANY);
	return emit_loop_end(&a);
}

static bool lru_value_ok(const void *key, const void *value)
{
	uint32_t k;
	uint64_t v;

	memcpy(&k, key, sizeof(k));
	memcpy(&v, value, sizeof(v));
	return k < KB_LRU_KEYS && v == (uint64_t)k + 1;
}

/* ---- LPM_TRIE: IPv4 prefixes of lengths 0 to 32 ------------------------ */

/*
 * Addresses: 10.x.y.z with x in 0..15, y in {0..3, 128..131}, and the top
 * bit flipped for half of them (138.x.y.z, matched only by /0):
 * (i * 0x9e3779b1) & LPM_MASK | LPM_BASE, in address (big-endian) order.
 */
#define LPM_MUL		0x9e3779b1u
#define LPM_MASK	0x800f83ffu
#define LPM_BASE	0x0a000000u
#define LPM_KEY_SIZE	8		/* u32 prefixlen, 4 address bytes */

static const struct { uint32_t addr; uint32_t plen; } lpm_table[] = {
	{ 0x00000000, 0 },	/* 0.0.0.0/0 */
	{ 0x0a000000, 8 },	/* 10.0.0.0/8 */
	{ 0x0a000000, 14 },	/* 10.0.0.0/14 */
	{ 0x0a010000, 16 },	/* 10.1.0.0/16 */
	{ 0x0a018000, 17 },	/* 10.1.128.0/17 */
	{ 0x0a010200, 24 },	/* 10.1.2.0/24 */
	{ 0x0a010280, 25 },	/* 10.1.2.128/25 */
	{ 0x0a010203, 32 },	/* 10.1.2.3/32 */
};
#define LPM_NPREFIX	(sizeof(lpm_table) / sizeof(lpm_table[0]))

/* Entry i: the prefix, value i + 1. */
static void fill_lpm(uint32_t i, void *key, void *value)
{
	uint32_t be = __builtin_bswap32(lpm_table[i].addr);
	uint64_t v = (uint64_t)i + 1;

	memcpy(key, &lpm_table[i].plen, 4);
	memcpy((uint8_t *)key + 4, &be, 4);
	memcpy(value, &v, sizeof(v));
}

/* The program builds the address in its bytes' little-endian view. */
static uint32_t lpm_addr(uint32_t i)
{
	uint32_t le = ((i * LPM_MUL) & __builtin_bswap32(LPM_MASK)) |
		      __builtin_bswap32(LPM_BASE);

	return __builtin_bswap32(le);
}

/* The value of addr's longest matching prefix (0 if none). */
static uint64_t lpm_match(uint32_t addr)
{
	uint32_t best = 0, j;
	uint64_t v = 0;

	for (j = 0; j < LPM_NPREFIX; j++) {
		uint32_t plen = lpm_table[j].plen;
		uint32_t mask = plen ? ~0u << (32 - plen) : 0;

		if ((addr & mask) == lpm_table[j].addr && (!v || plen > best)) {
			best = plen;
			v = j + 1;
		}
	}
	return v;
}

static uint32_t lpm_expect(void)
{
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < KB_MAP_OPS; i++)
		sum += lpm_match(lpm_addr(i));
	return (uint32_t)(sum ^ (sum >> 32));
}

/*
 * The address is built in the little-endian view of its bytes, so one
 * 32-bit store at fp-4 puts it in network order after the prefixlen.
 */
static int build_lpm_lookup(struct bpf_insn *insns, int map_fd)
{
	struct kb_asm a;

	kb_asm_init(&a, insns);
	E(&a, KI_MOV64_IMM(R6, 0));
	E(&a, KI_MOV64_IMM(R7, 0));
	E(&a, KI_ST_MEM(BPF_W, R10, -8, 32));		/* prefixlen 32 */
	L(&a, L_LOOP);
	E(&a, KI_MOV64_REG(R1, R6));
	E(&a, KI_ALU32_IMM(BPF_MUL, R1, (int32_t)LPM_MUL));
	E(&a, KI_ALU32_IMM(BPF_AND, R1, (int32_t)__builtin_bswap32(LPM_MASK)));
	E(&a, KI_ALU32_IMM(BPF_OR, R1, (int32_t)__builtin_bswap32(LPM_BASE)));
	E(&a, KI_STX_MEM(BPF_W, R10, R1, -4));
	E_ld_map(&a, R1, map_fd);
	E(&a, KI_MOV64_REG(R2, R10));
	E(&a, KI_ALU64_IMM(BPF_ADD, R2, -8));
	E(&a, KI_CALL(BPF_FUNC_map_lookup_elem));
	J(&a, KI_JMP_IMM(BPF_JEQ, R0, 0, 0), L_FAIL, false);
	E(&a, KI_LDX_MEM(BPF_DW, R1, R0, 0));
	E(&a, KI_ALU64_REG(BPF_ADD, R7, R1));
	E(&a, KI_ALU64_IMM(BPF_ADD, R6, 1));
	J(&a, KI_JMP_IMM(BPF_JLT, R6, KB_MAP_OPS, 0), L_LOOP, false);
	E(&a, KI_MOV64_REG(R0, R7));
	E(&a, KI_MOV64_REG(R1, R7));
	E(&a, KI_ALU64_IMM(BPF_RSH, R1, 32));
	E(&a, KI_ALU64_REG(BPF_XOR, R0, R1));
	E(&a, KI_EXIT());
	L(&a, L_FAIL);
	E_ret(&a, 1);			/* no prefix matched */
	return kb_asm_end(&a);
}

/* ---- the table ---------------------------------------------------------- */

const struct kb_map_bench kb_map_benches[KB_NMAP_BENCHES] = {
	{ "hash_lookup", "HASH lookup, hit (program 4)",
	  { BPF_MAP_TYPE_HASH, 4, 8, KB_MAP_MAX, 0 }, KB_MAP_KEYS, kb_fill_lookup,
	  kb_build_lookup, kb_lookup_expect, NULL, NULL },
	{ "hash_update", "HASH update of an existing key, BPF_ANY",
	  { BPF_MAP_TYPE_HASH, 4, 8, KB_MAP_MAX, 0 }, KB_MAP_KEYS, kb_fill_lookup,
	  build_hash_update, expect_zero, NULL, NULL },
	{ "hash_del_ins", "HASH delete, then re-insert (BPF_NOEXIST)",
	  { BPF_MAP_TYPE_HASH, 4, 8, KB_MAP_MAX, 0 }, KB_MAP_KEYS, fill_plus_one,
	  build_hash_delete, expect_zero, NULL, NULL },
	{ "array_lookup", "ARRAY lookup (program 4 on an ARRAY)",
	  { BPF_MAP_TYPE_ARRAY, 4, 8, KB_MAP_KEYS, 0 }, KB_MAP_KEYS, kb_fill_lookup,
	  kb_build_lookup, kb_lookup_expect, NULL, NULL },
	{ "lru_update", "LRU_HASH update, 1000 keys through 256 entries",
	  { BPF_MAP_TYPE_LRU_HASH, 4, 8, KB_LRU_MAX, 0 }, 0, NULL,
	  build_lru_update, expect_zero, lru_value_ok, NULL },
	{ "lpm_lookup", "LPM_TRIE lookup, 8 prefixes /0../32",
	  { BPF_MAP_TYPE_LPM_TRIE, LPM_KEY_SIZE, 8, 64, BPF_F_NO_PREALLOC },
	  LPM_NPREFIX, fill_lpm, build_lpm_lookup, lpm_expect, NULL, NULL },
	/* ringbuf reserve+submit has a table of its own (bench_ringbuf()) */
};
