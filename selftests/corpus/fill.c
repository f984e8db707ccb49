// SPDX-License-Identifier: GPL-2.0
/*
 * Program generators for the corpus cases that name a .fill_helper instead
 * of listing their instructions (large or repetitive programs). Each writes
 * self->fill_insns (MAX_TEST_INSNS slots), sets self->prog_len and, where the
 * case expects it, self->retval. Written from what each case's comment and
 * expectation say the program must look like.
 */
#include <unistd.h>
#include "corpus.h"

/* A deterministic generator for "semi-random" constants. */
static uint64_t corpus_rand_state = 0x2545f4914f6cdd1dull;

static uint64_t corpus_rand(void)
{
	uint64_t x = corpus_rand_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	corpus_rand_state = x;
	/* mix in small and sign-extended values, as "semi-random" suggests */
	switch (x & 3) {
	case 0: return x >> 40;
	case 1: return (uint64_t)(int64_t)(int32_t)(x >> 32);
	default: return x;
	}
}

/*
 * 5 rounds of {ld_abs byte 0; skb_vlan_push} x 51 and {ld_abs; vlan_pop} x 51,
 * every failure jumping to an error label at the end; padding in between so
 * the program is close to the 16-bit jump range once LD_ABS is expanded.
 */
void bpf_fill_ld_abs_vlan_push_pop(struct bpf_test *self)
{
	const int pushes = 51;
	int len = (1 << 15) - pushes * 2 * 5 * 6;
	struct bpf_insn *p = self->fill_insns;
	int i = 0, round, j;

	p[i++] = BPF_MOV64_REG(BPF_REG_6, BPF_REG_1);
	for (round = 0; round < 5; round++) {
		for (j = 0; j < pushes; j++) {
			p[i++] = BPF_LD_ABS(BPF_B, 0);
			p[i] = BPF_JMP32_IMM(BPF_JNE, BPF_REG_0, 0x34, len - i - 3);
			i++;
			p[i++] = BPF_MOV64_REG(BPF_REG_1, BPF_REG_6);
			p[i++] = BPF_MOV64_IMM(BPF_REG_2, 1);
			p[i++] = BPF_MOV64_IMM(BPF_REG_3, 2);
			p[i++] = BPF_EMIT_CALL(BPF_FUNC_skb_vlan_push);
			p[i] = BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, len - i - 3);
			i++;
		}
		for (j = 0; j < pushes; j++) {
			p[i++] = BPF_LD_ABS(BPF_B, 0);
			p[i] = BPF_JMP32_IMM(BPF_JNE, BPF_REG_0, 0x34, len - i - 3);
			i++;
			p[i++] = BPF_MOV64_REG(BPF_REG_1, BPF_REG_6);
			p[i++] = BPF_EMIT_CALL(BPF_FUNC_skb_vlan_pop);
			p[i] = BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, len - i - 3);
			i++;
		}
	}
	while (i < len - 3)
		p[i++] = BPF_MOV64_IMM(BPF_REG_0, 0xbef);
	p[len - 3] = BPF_JMP_A(1);
	p[len - 2] = BPF_MOV32_IMM(BPF_REG_0, 0);	/* error label */
	p[len - 1] = BPF_EXIT_INSN();
	self->prog_len = len;
}

/* One conditional jump over ~4.7k LD_ABS instructions (16-bit range after expansion). */
void bpf_fill_jump_around_ld_abs(struct bpf_test *self)
{
	struct bpf_insn *p = self->fill_insns;
	int len = (1 << 15) / 7, i = 0;

	p[i++] = BPF_MOV64_REG(BPF_REG_6, BPF_REG_1);
	p[i++] = BPF_LD_ABS(BPF_B, 0);
	p[i] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 10, len - i - 2);
	i++;
	while (i < len - 1)
		p[i++] = BPF_LD_ABS(BPF_B, 1);
	p[i++] = BPF_EXIT_INSN();
	self->prog_len = i;
}

/* r0 = xor of self->retval / 3 random 64-bit immediates, folded to 32 bits. */
void bpf_fill_rand_ld_dw(struct bpf_test *self)
{
	struct bpf_insn *p = self->fill_insns;
	uint64_t acc = 0;
	int i = 0;

	p[i++] = BPF_MOV32_IMM(BPF_REG_0, 0);
	while (i < (int)self->retval) {
		uint64_t v = corpus_rand();
		struct bpf_insn ld[2] = { BPF_LD_IMM64(BPF_REG_1, v) };

		acc ^= v;
		p[i++] = ld[0];
		p[i++] = ld[1];
		p[i++] = BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_1);
	}
	p[i++] = BPF_MOV64_REG(BPF_REG_1, BPF_REG_0);
	p[i++] = BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 32);
	p[i++] = BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_1);
	p[i++] = BPF_EXIT_INSN();
	self->prog_len = i;
	self->retval = (uint32_t)(acc ^ (acc >> 32));
}

/*
 * 8192 times: r0 = prandom(); if r0 == K skip the spill of ctx to a stack
 * slot; then filler up to ~1M instructions. scale 2 does it 7 bpf-to-bpf
 * calls deep. retval 42.
 */
#define JMP_SEQ 8192
static void fill_scale(struct bpf_test *self, int nest)
{
	struct bpf_insn *p = self->fill_insns;
	int slots = 64 - 4 * nest, i = 0, k;

	for (k = 0; k < nest; k++) {
		p[i++] = BPF_CALL_REL(1);
		p[i++] = BPF_EXIT_INSN();
	}
	p[i++] = BPF_MOV64_REG(BPF_REG_6, BPF_REG_1);
	for (k = 1; k <= JMP_SEQ; k++) {
		p[i++] = BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32);
		p[i++] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, (int32_t)corpus_rand(), 2);
		p[i++] = BPF_MOV64_REG(BPF_REG_1, BPF_REG_10);
		p[i++] = BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_6, -8 * (k % slots + 1));
	}
	while (i < MAX_TEST_INSNS - JMP_SEQ * 4)
		p[i++] = BPF_MOV64_IMM(BPF_REG_0, 42);
	p[i++] = BPF_EXIT_INSN();
	self->prog_len = i;
	self->retval = 42;
}

void bpf_fill_scale(struct bpf_test *self)
{
	switch (self->retval) {
	case 1: fill_scale(self, 0); break;
	case 2: fill_scale(self, 7); break;
	default: self->prog_len = 0; break;
	}
}

/* 128 conditional jumps forward into a ladder of 128 backward-going gotos. */
static int torturous_1(struct bpf_insn *p)
{
	const int len = 259, half = 128;
	int i;

	p[0] = BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32);
	for (i = 1; i <= half; i++) {
		p[i] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, i, half);
		p[i + half] = BPF_JMP_A(half - i);
	}
	p[len - 2] = BPF_MOV64_IMM(BPF_REG_0, 1);
	p[len - 1] = BPF_EXIT_INSN();
	return len;
}

/* 2048 conditional jumps to one goto, then blocks of 16 chained gotos. */
static int torturous_2(struct bpf_insn *p)
{
	const int len = 4100, off = 2048;
	int i, j;

	p[0] = BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32);
	for (i = 1; i <= off; i++)
		p[i] = BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, i, off);
	p[i++] = BPF_JMP_A(off);
	for (; i <= off * 2 + 1; i += 16)
		for (j = 0; j < 16; j++)
			p[i + j] = BPF_JMP_A(16 - j - 1);
	p[len - 2] = BPF_MOV64_IMM(BPF_REG_0, 2);
	p[len - 1] = BPF_EXIT_INSN();
	return len;
}

void bpf_fill_torturous_jumps(struct bpf_test *self)
{
	struct bpf_insn *p = self->fill_insns;
	int i = 0;

	switch (self->retval) {
	case 1:
		self->prog_len = torturous_1(p);
		break;
	case 2:
		self->prog_len = torturous_2(p);
		break;
	case 3:
		p[i++] = BPF_CALL_REL(4);			/* -> first subprog (idx 5) */
		p[i++] = BPF_CALL_REL(262);			/* -> second (idx 5 + 259) */
		p[i++] = BPF_ST_MEM(BPF_B, BPF_REG_10, -32, 0);
		p[i++] = BPF_MOV64_IMM(BPF_REG_0, 3);
		p[i++] = BPF_EXIT_INSN();
		i += torturous_1(p + i);
		i += torturous_2(p + i);
		self->prog_len = i;
		break;
	default:
		self->prog_len = 0;
		break;
	}
}

/* bpf_loop() with a callback, padded to just under a page of instructions. */
void bpf_fill_big_prog_with_loop_1(struct bpf_test *self)
{
	struct bpf_insn *p = self->fill_insns;
	int len = getpagesize() - 25, ld, cb, i = 0;

	p[i++] = BPF_MOV64_IMM(BPF_REG_1, 1);
	ld = i;
	p[i++] = BPF_RAW_INSN(BPF_LD | BPF_IMM | BPF_DW, BPF_REG_2, BPF_PSEUDO_FUNC, 0, 0);
	p[i++] = BPF_RAW_INSN(0, 0, 0, 0, 0);
	p[i++] = BPF_MOV64_IMM(BPF_REG_3, 0);
	p[i++] = BPF_MOV64_IMM(BPF_REG_4, 0);
	p[i++] = BPF_EMIT_CALL(BPF_FUNC_loop);
	while (i < len - 3)
		p[i++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	p[i++] = BPF_EXIT_INSN();
	cb = i;
	p[i++] = BPF_MOV64_IMM(BPF_REG_0, 0);
	p[i++] = BPF_EXIT_INSN();
	p[ld].imm = cb - ld - 1;
	self->func_info[1].insn_off = cb;
	self->prog_len = i;
}
