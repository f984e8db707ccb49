// SPDX-License-Identifier: GPL-2.0
/*
 * The five benchmark programs (see programs.h) and their C twins.
 *
 * Every program must pass both kbpf's verifier (scalars are exact constants
 * or unknown, every path walked, no state pruning) and Linux 6.1's. Hence:
 * loops count with a constant register (unrolled at verification), and no
 * loop body holds a data-dependent branch that joins back (paths would
 * double per iteration); the only such branch, the NULL check after a map
 * lookup, leaves the loop.
 */
#include <stddef.h>
#include <string.h>
#include <linux/filter.h>
#include "kbpf_insn.h"
#include "kb_asm.h"
#include "programs.h"


/* ---- the packet --------------------------------------------------------- */

void kb_make_packet(uint8_t *p)
{
	static const uint8_t hdr[] = {
		/* Ethernet: dst, src, IPv4 */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x08, 0x00,
		/* IPv4: ihl 5, tot_len 1500, id, DF, ttl 64, TCP, csum,
		 * 192.168.1.10 -> 10.0.0.1 */
		0x45, 0x00, 0x05, 0xdc, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
		192, 168, 1, 10, 10, 0, 0, 1,
		/* TCP: 43210 -> 8080, seq, ack, doff 5, PSH|ACK, window, csum, urg */
		0xa8, 0xca, 0x1f, 0x90, 0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0d,
		0x50, 0x18, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	};
	int i;

	for (i = 0; i < KB_PKT_LEN; i++)
		p[i] = (uint8_t)(i * 7 + 3);
	memcpy(p, hdr, sizeof(hdr));
}

/* ---- 1. ALU-heavy hash loop --------------------------------------------- */

static int build_hash(struct bpf_insn *insns, int map_fd)
{
	struct kb_asm a;

	(void)map_fd;
	kb_asm_init(&a, insns);
	E(&a, KI_LDX_MEM(BPF_W, R0, R1, SKB_LEN_OFF));
	E(&a, KI_MOV64_IMM(R2, 0));
	L(&a, 0);
	E(&a, KI_ALU64_REG(BPF_XOR, R0, R2));
	E(&a, KI_ALU64_IMM(BPF_MUL, R0, 0x5bd1e995));
	E(&a, KI_MOV64_REG(R3, R0));
	E(&a, KI_ALU64_IMM(BPF_RSH, R3, 29));
	E(&a, KI_ALU64_REG(BPF_XOR, R0, R3));
	E(&a, KI_MOV64_REG(R3, R0));
	E(&a, KI_ALU64_IMM(BPF_LSH, R3, 17));
	E(&a, KI_ALU64_REG(BPF_ADD, R0, R3));
	E(&a, KI_MOV32_REG(R4, R0));
	E(&a, KI_ALU32_IMM(BPF_MUL, R4, 0x27d4eb2d));
	E(&a, KI_ALU64_REG(BPF_XOR, R0, R4));
	E(&a, KI_ALU64_IMM(BPF_ADD, R2, 1));
	J(&a, KI_JMP_IMM(BPF_JLT, R2, KB_HASH_ROUNDS, 0), 0, false);
	E(&a, KI_MOV64_REG(R1, R0));
	E(&a, KI_ALU64_IMM(BPF_RSH, R1, 32));
	E(&a, KI_ALU64_REG(BPF_XOR, R0, R1));
	E(&a, KI_EXIT());
	return kb_asm_end(&a);
}

static uint32_t c_hash(const struct kb_input *in)
{
	uint64_t x = in->len, i;

	for (i = 0; i < KB_HASH_ROUNDS; i++) {
		x ^= i;
		x *= 0x5bd1e995;
		x ^= x >> 29;
		x += x << 17;
		x ^= (uint32_t)((uint32_t)x * 0x27d4eb2du);
	}
	x ^= x >> 32;
	return (uint32_t)x;
}

/* ---- 2. byte checksum with LD_IND --------------------------------------- */

static int build_csum(struct bpf_insn *insns, int map_fd)
{
	struct kb_asm a;

	(void)map_fd;
	kb_asm_init(&a, insns);
	E(&a, KI_MOV64_REG(R6, R1));
	E(&a, KI_MOV64_IMM(R7, 0));
	E(&a, KI_MOV64_IMM(R8, 0));
	E(&a, KI_MOV64_IMM(R9, 0));
	L(&a, 0);
	E(&a, KI_LD_IND(BPF_B, R8, 0));
	E(&a, KI_ALU64_REG(BPF_ADD, R7, R0));
	E(&a, KI_ALU64_REG(BPF_ADD, R9, R7));
	E(&a, KI_ALU64_IMM(BPF_ADD, R8, 1));
	J(&a, KI_JMP_IMM(BPF_JLT, R8, KB_CSUM_BYTES, 0), 0, false);
	E(&a, KI_MOV64_REG(R0, R9));
	E(&a, KI_ALU64_IMM(BPF_LSH, R0, 16));
	E(&a, KI_ALU64_REG(BPF_XOR, R0, R7));
	E(&a, KI_EXIT());
	return kb_asm_end(&a);
}

static uint32_t c_csum(const struct kb_input *in)
{
	uint64_t s1 = 0, s2 = 0;
	uint32_t i;

	for (i = 0; i < KB_CSUM_BYTES; i++) {
		if (i + 1 > in->net_len)	/* LD_IND's bounds check */
			return 0;
		s1 += in->net[i];
		s2 += s1;
	}
	return (uint32_t)((s2 << 16) ^ s1);
}

/* ---- 3. branchy Ethernet/IPv4/IPv6/TCP/UDP parser ----------------------- */

enum {
	P_IPV6 = 1, P_TCP, P_UDP, P_DNS,
	P_RET = 10,		/* P_RET + n: "r0 = n; exit" */
};
static const int parser_rets[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
				   20, 21, 22, 23, 24, 25, 26, 27, 28,
				   30, 31, 32, 33, 40, 41, 42, 43 };
#define RET(n)	(P_RET + (n))

static int build_parser(struct bpf_insn *insns, int map_fd)
{
	struct kb_asm a;
	unsigned int i;

	(void)map_fd;
	kb_asm_init(&a, insns);
	E(&a, KI_MOV64_REG(R6, R1));
	/* Ethernet */
	E(&a, KI_LD_ABS(BPF_H, SKF_LL_OFF + 12));
	J(&a, KI_JMP_IMM(BPF_JEQ, R0, 0x86dd, 0), P_IPV6, false);
	J(&a, KI_JMP_IMM(BPF_JEQ, R0, 0x0806, 0), RET(1), false);
	J(&a, KI_JMP_IMM(BPF_JNE, R0, 0x0800, 0), RET(0), false);
	/* IPv4: version, ihl */
	E(&a, KI_LD_ABS(BPF_B, 0));
	E(&a, KI_MOV64_REG(R7, R0));
	E(&a, KI_ALU64_IMM(BPF_RSH, R7, 4));
	J(&a, KI_JMP_IMM(BPF_JNE, R7, 4, 0), RET(2), false);
	E(&a, KI_ALU64_IMM(BPF_AND, R0, 0xf));
	J(&a, KI_JMP_IMM(BPF_JLT, R0, 5, 0), RET(3), false);
	E(&a, KI_ALU64_IMM(BPF_LSH, R0, 2));
	E(&a, KI_MOV64_REG(R8, R0));			/* r8 = header length */
	/* tot_len within the skb and past the header */
	E(&a, KI_LD_ABS(BPF_H, 2));
	E(&a, KI_LDX_MEM(BPF_W, R1, R6, SKB_LEN_OFF));
	J(&a, KI_JMP_REG(BPF_JGT, R0, R1, 0), RET(4), false);
	J(&a, KI_JMP_REG(BPF_JLT, R0, R8, 0), RET(4), false);
	E(&a, KI_MOV64_REG(R9, R0));			/* r9 = tot_len */
	/* fragments, ttl */
	E(&a, KI_LD_ABS(BPF_H, 6));
	E(&a, KI_ALU64_IMM(BPF_AND, R0, 0x3fff));
	J(&a, KI_JMP_IMM(BPF_JNE, R0, 0, 0), RET(5), false);
	E(&a, KI_LD_ABS(BPF_B, 8));
	J(&a, KI_JMP_IMM(BPF_JLE, R0, 1, 0), RET(6), false);
	/* source: loopback, "this network", multicast/reserved */
	E(&a, KI_LD_ABS(BPF_W, 12));
	E(&a, KI_MOV64_REG(R7, R0));
	E(&a, KI_ALU64_IMM(BPF_RSH, R7, 24));
	J(&a, KI_JMP_IMM(BPF_JEQ, R7, 127, 0), RET(7), false);
	J(&a, KI_JMP_IMM(BPF_JEQ, R7, 0, 0), RET(7), false);
	J(&a, KI_JMP_IMM(BPF_JGE, R7, 224, 0), RET(7), false);
	/* destination: broadcast */
	E(&a, KI_LD_ABS(BPF_W, 16));
	J(&a, KI_JMP32_IMM(BPF_JEQ, R0, -1, 0), RET(8), false);
	/* protocol */
	E(&a, KI_LD_ABS(BPF_B, 9));
	J(&a, KI_JMP_IMM(BPF_JEQ, R0, 6, 0), P_TCP, false);
	J(&a, KI_JMP_IMM(BPF_JEQ, R0, 17, 0), P_UDP, false);
	J(&a, KI_JMP_IMM(BPF_JEQ, R0, 1, 0), RET(9), false);
	J(&a, KI_JA(0), RET(10), false);

	L(&a, P_TCP);
	E(&a, KI_MOV64_REG(R0, R9));
	E(&a, KI_ALU64_REG(BPF_SUB, R0, R8));
	J(&a, KI_JMP_IMM(BPF_JLT, R0, 20, 0), RET(11), false);
	E(&a, KI_LD_IND(BPF_H, R8, 2));
	E(&a, KI_MOV64_REG(R7, R0));			/* r7 = dport */
	E(&a, KI_LD_IND(BPF_H, R8, 0));
	E(&a, KI_MOV64_REG(R9, R0));			/* r9 = sport */
	J(&a, KI_JMP_IMM(BPF_JEQ, R7, 22, 0), RET(20), false);
	J(&a, KI_JMP_IMM(BPF_JEQ, R7, 80, 0), RET(21), false);
	J(&a, KI_JMP_IMM(BPF_JEQ, R7, 443, 0), RET(22), false);
	J(&a, KI_JMP_IMM(BPF_JLT, R7, 1024, 0), RET(23), false);
	J(&a, KI_JMP_IMM(BPF_JLT, R9, 1024, 0), RET(23), false);
	E(&a, KI_LD_IND(BPF_B, R8, 12));
	E(&a, KI_ALU64_IMM(BPF_RSH, R0, 4));
	J(&a, KI_JMP_IMM(BPF_JLT, R0, 5, 0), RET(24), false);
	E(&a, KI_LD_IND(BPF_B, R8, 13));		/* flags */
	J(&a, KI_JMP_IMM(BPF_JSET, R0, 0x04, 0), RET(25), false);	/* RST */
	J(&a, KI_JMP_IMM(BPF_JSET, R0, 0x03, 0), RET(26), false);	/* SYN|FIN */
	E(&a, KI_MOV64_REG(R1, R0));
	E(&a, KI_ALU64_IMM(BPF_AND, R1, 0x10));
	J(&a, KI_JMP_IMM(BPF_JEQ, R1, 0, 0), RET(27), false);	/* no ACK */
	J(&a, KI_JMP_IMM(BPF_JSET, R0, 0x20, 0), RET(28), false);	/* URG */
	/* an established flow: (dport << 16 | sport) ^ flags */
	E(&a, KI_ALU64_IMM(BPF_LSH, R7, 16));
	E(&a, KI_ALU64_REG(BPF_OR, R7, R9));
	E(&a, KI_ALU64_REG(BPF_XOR, R0, R7));
	E(&a, KI_EXIT());

	L(&a, P_UDP);
	E(&a, KI_LD_IND(BPF_H, R8, 2));
	J(&a, KI_JMP_IMM(BPF_JEQ, R0, 53, 0), P_DNS, false);
	J(&a, KI_JMP_IMM(BPF_JEQ, R0, 123, 0), RET(31), false);
	J(&a, KI_JA(0), RET(30), false);
	L(&a, P_DNS);
	E(&a, KI_LD_IND(BPF_H, R8, 8 + 2));
	J(&a, KI_JMP_IMM(BPF_JSET, R0, 0x8000, 0), RET(33), false);
	J(&a, KI_JA(0), RET(32), false);

	L(&a, P_IPV6);
	E(&a, KI_LD_ABS(BPF_B, 6));
	J(&a, KI_JMP_IMM(BPF_JEQ, R0, 6, 0), RET(40), false);
	J(&a, KI_JMP_IMM(BPF_JEQ, R0, 17, 0), RET(41), false);
	J(&a, KI_JMP_IMM(BPF_JEQ, R0, 58, 0), RET(42), false);
	J(&a, KI_JA(0), RET(43), false);

	for (i = 0; i < sizeof(parser_rets) / sizeof(parser_rets[0]); i++) {
		L(&a, RET(parser_rets[i]));
		E_ret(&a, parser_rets[i]);
	}
	return kb_asm_end(&a);
}

/* Packet loads as LD_ABS/LD_IND do them: a miss makes the program return 0. */
#define LD(p, off, sz) ({						\
	uint32_t _o = (off), _v = 0, _k;				\
	if ((uint64_t)_o + (sz) > (in)->net_len)			\
		return 0;						\
	for (_k = 0; _k < (sz); _k++)					\
		_v = (_v << 8) | (p)[_o + _k];				\
	_v; })

static uint32_t c_parser(const struct kb_input *in)
{
	const uint8_t *n = in->net;
	uint32_t et, v, ihl, tot, saddr_hi, dport, sport, flags;

	et = ((uint32_t)in->mac[12] << 8) | in->mac[13];	/* SKF_LL_OFF + 12 */
	if (et == 0x86dd) {
		v = LD(n, 6, 1);
		return v == 6 ? 40 : v == 17 ? 41 : v == 58 ? 42 : 43;
	}
	if (et == 0x0806)
		return 1;
	if (et != 0x0800)
		return 0;
	v = LD(n, 0, 1);
	if (v >> 4 != 4)
		return 2;
	if ((v & 0xf) < 5)
		return 3;
	ihl = (v & 0xf) << 2;
	tot = LD(n, 2, 2);
	if (tot > in->len || tot < ihl)
		return 4;
	if (LD(n, 6, 2) & 0x3fff)
		return 5;
	if (LD(n, 8, 1) <= 1)
		return 6;
	saddr_hi = LD(n, 12, 4) >> 24;
	if (saddr_hi == 127 || saddr_hi == 0 || saddr_hi >= 224)
		return 7;
	if (LD(n, 16, 4) == 0xffffffffu)
		return 8;
	switch (LD(n, 9, 1)) {
	case 6:
		break;
	case 17:
		v = LD(n, ihl + 2, 2);
		if (v == 53)
			return (LD(n, ihl + 10, 2) & 0x8000) ? 33 : 32;
		return v == 123 ? 31 : 30;
	case 1:
		return 9;
	default:
		return 10;
	}
	if (tot - ihl < 20)
		return 11;
	dport = LD(n, ihl + 2, 2);
	sport = LD(n, ihl, 2);
	if (dport == 22)
		return 20;
	if (dport == 80)
		return 21;
	if (dport == 443)
		return 22;
	if (dport < 1024 || sport < 1024)
		return 23;
	if (LD(n, ihl + 12, 1) >> 4 < 5)
		return 24;
	flags = LD(n, ihl + 13, 1);
	if (flags & 0x04)
		return 25;
	if (flags & 0x03)
		return 26;
	if (!(flags & 0x10))
		return 27;
	if (flags & 0x20)
		return 28;
	return flags ^ (dport << 16 | sport);
}

/* ---- 4. 1000 HASH map lookups ------------------------------------------- */

/* Also the map table's hash_lookup and array_lookup (map_programs.c). */

int kb_build_lookup(struct bpf_insn *insns, int map_fd)
{
	struct kb_asm a;

	kb_asm_init(&a, insns);
	E(&a, KI_MOV64_IMM(R6, 0));
	E(&a, KI_MOV64_IMM(R7, 0));
	L(&a, 0);
	E(&a, KI_MOV64_REG(R1, R6));
	E(&a, KI_ALU64_IMM(BPF_MUL, R1, 37));
	E(&a, KI_ALU64_IMM(BPF_AND, R1, KB_MAP_KEYS - 1));
	E(&a, KI_STX_MEM(BPF_W, R10, R1, -4));
	E(&a, KI_MOV64_REG(R2, R10));
	E(&a, KI_ALU64_IMM(BPF_ADD, R2, -4));
	E_ld_map(&a, R1, map_fd);
	E(&a, KI_CALL(BPF_FUNC_map_lookup_elem));
	J(&a, KI_JMP_IMM(BPF_JEQ, R0, 0, 0), 1, false);
	E(&a, KI_LDX_MEM(BPF_DW, R1, R0, 0));
	E(&a, KI_ALU64_REG(BPF_ADD, R7, R1));
	E(&a, KI_ALU64_IMM(BPF_ADD, R6, 1));
	J(&a, KI_JMP_IMM(BPF_JLT, R6, KB_MAP_LOOKUPS, 0), 0, false);
	E(&a, KI_MOV64_REG(R0, R7));
	E(&a, KI_MOV64_REG(R1, R7));
	E(&a, KI_ALU64_IMM(BPF_RSH, R1, 32));
	E(&a, KI_ALU64_REG(BPF_XOR, R0, R1));
	E(&a, KI_EXIT());
	L(&a, 1);
	E_ret(&a, 1);			/* a key was missing */
	return kb_asm_end(&a);
}

static uint32_t c_lookup(const struct kb_input *in)
{
	uint64_t sum = 0;
	uint32_t i, key;

	for (i = 0; i < KB_MAP_LOOKUPS; i++) {
		const uint64_t *v;

		key = (i * 37) & (KB_MAP_KEYS - 1);
		v = in->lookup(in->map, &key);
		if (!v)
			return 1;
		sum += *v;
	}
	return (uint32_t)(sum ^ (sum >> 32));
}

/* ---- 5. bpf-to-bpf call chain ------------------------------------------- */

static int build_calls(struct bpf_insn *insns, int map_fd)
{
	struct kb_asm a;
	int k;

	(void)map_fd;
	kb_asm_init(&a, insns);
	E(&a, KI_LDX_MEM(BPF_W, R6, R1, SKB_LEN_OFF));
	E(&a, KI_MOV64_IMM(R7, 0));
	E(&a, KI_MOV64_IMM(R8, 0));
	L(&a, 0);
	E(&a, KI_MOV64_REG(R1, R6));
	E(&a, KI_ALU64_REG(BPF_ADD, R1, R7));
	J(&a, KI_RAW(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0), 1, true);
	E(&a, KI_ALU64_REG(BPF_ADD, R8, R0));
	E(&a, KI_ALU64_IMM(BPF_ADD, R7, 1));
	J(&a, KI_JMP_IMM(BPF_JLT, R7, KB_CALL_LOOPS, 0), 0, false);
	E(&a, KI_MOV64_REG(R0, R8));
	E(&a, KI_EXIT());
	/* f_k(x): f_{k+1}(x * (2k+1) + k) ^ k*0x101; the last mixes x itself */
	for (k = 1; k <= KB_CALL_DEPTH; k++) {
		L(&a, k);
		E(&a, KI_ALU64_IMM(BPF_MUL, R1, 2 * k + 1));
		E(&a, KI_ALU64_IMM(BPF_ADD, R1, k));
		if (k < KB_CALL_DEPTH) {
			J(&a, KI_RAW(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0), k + 1, true);
			E(&a, KI_ALU64_IMM(BPF_XOR, R0, k * 0x101));
		} else {
			E(&a, KI_MOV64_REG(R0, R1));
			E(&a, KI_MOV64_REG(R2, R1));
			E(&a, KI_ALU64_IMM(BPF_RSH, R2, 7));
			E(&a, KI_ALU64_REG(BPF_XOR, R0, R2));
		}
		E(&a, KI_EXIT());
	}
	return kb_asm_end(&a);
}

/* Real calls, as in the program (gcc would otherwise fold the chain). */
#define KB_NOINLINE __attribute__((noinline))
static KB_NOINLINE uint64_t f6(uint64_t x) { x = x * 13 + 6; return x ^ (x >> 7); }
static KB_NOINLINE uint64_t f5(uint64_t x) { return f6(x * 11 + 5) ^ (5 * 0x101); }
static KB_NOINLINE uint64_t f4(uint64_t x) { return f5(x * 9 + 4) ^ (4 * 0x101); }
static KB_NOINLINE uint64_t f3(uint64_t x) { return f4(x * 7 + 3) ^ (3 * 0x101); }
static KB_NOINLINE uint64_t f2(uint64_t x) { return f3(x * 5 + 2) ^ (2 * 0x101); }
static KB_NOINLINE uint64_t f1(uint64_t x) { return f2(x * 3 + 1) ^ (1 * 0x101); }

static uint32_t c_calls(const struct kb_input *in)
{
	uint64_t acc = 0, i;

	for (i = 0; i < KB_CALL_LOOPS; i++)
		acc += f1((uint64_t)in->len + i);
	return (uint32_t)acc;
}

const struct kb_prog kb_progs[KB_NPROGS] = {
	{ "alu_hash", "1000 rounds of a mul/xor/shift hash",
	  false, false, build_hash, c_hash },
	{ "csum_ld_ind", "Fletcher-style sum of 1500 bytes via LD_IND",
	  false, false, build_csum, c_csum },
	{ "parser", "Eth/IPv4/TCP parser, LD_ABS/LD_IND, ~30 branches",
	  false, false, build_parser, c_parser },
	{ "hash_lookup", "1000 HASH map lookups, key on the stack",
	  true, false, kb_build_lookup, c_lookup },
	{ "call_chain", "200 x a chain of 6 nested bpf-to-bpf calls",
	  false, true, build_calls, c_calls },
};
