/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny label assembler for the benchmark programs (programs.c,
 * map_programs.c): instructions are emitted in order, jumps and bpf-to-bpf
 * calls name a label, and kb_asm_end() resolves them. Errors (too many
 * instructions, an unbound label) surface only at the end, as -1.
 */
#ifndef _KBPF_BENCH_KB_ASM_H
#define _KBPF_BENCH_KB_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>
#include "programs.h"

#define KB_MAX_LABELS	64
#define KB_MAX_FIXUPS	128

struct kb_asm {
	struct bpf_insn *insns;
	int n;
	int label[KB_MAX_LABELS];
	struct { int at, label; bool call; } fix[KB_MAX_FIXUPS];
	int nfix;
};

void kb_asm_init(struct kb_asm *a, struct bpf_insn *insns);
void kb_asm_emit(struct kb_asm *a, struct bpf_insn insn);
/* A jump (or a bpf-to-bpf call, call=true) to label l, resolved at the end. */
void kb_asm_jump(struct kb_asm *a, struct bpf_insn insn, int l, bool call);
void kb_asm_label(struct kb_asm *a, int l);
void kb_asm_ld_map(struct kb_asm *a, int reg, int fd);
/* r0 = v; exit */
void kb_asm_ret(struct kb_asm *a, int v);
/* Returns the instruction count, or -1 on overflow or an unbound label. */
int kb_asm_end(struct kb_asm *a);

/* Short names for the program files. */
static inline void E(struct kb_asm *a, struct bpf_insn insn) { kb_asm_emit(a, insn); }
static inline void J(struct kb_asm *a, struct bpf_insn insn, int l, bool call)
{
	kb_asm_jump(a, insn, l, call);
}
static inline void L(struct kb_asm *a, int l) { kb_asm_label(a, l); }
static inline void E_ld_map(struct kb_asm *a, int reg, int fd) { kb_asm_ld_map(a, reg, fd); }
static inline void E_ret(struct kb_asm *a, int v) { kb_asm_ret(a, v); }

#define R0 BPF_REG_0
#define R1 BPF_REG_1
#define R2 BPF_REG_2
#define R3 BPF_REG_3
#define R4 BPF_REG_4
#define R5 BPF_REG_5
#define R6 BPF_REG_6
#define R7 BPF_REG_7
#define R8 BPF_REG_8
#define R9 BPF_REG_9
#define R10 BPF_REG_10
#define SKB_LEN_OFF	((int)offsetof(struct __sk_buff, len))

#endif
