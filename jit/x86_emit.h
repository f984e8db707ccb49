/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 machine-code emitter, in layers: raw bytes with a sticky error
 * (call sites never check each emit), then REX/ModRM encoding, then whole
 * instructions. Writes go to ctx->buf when it is set; with buf == NULL the
 * same calls only measure, which is what the sizing passes use.
 */
#ifndef _KBPF_X86_EMIT_H
#define _KBPF_X86_EMIT_H

#include "kbpf_env.h"

/* x86-64 register numbers. */
enum {
	X86_RAX = 0, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
};

struct kbpf_emit {
	u8 *buf;		/* NULL: measure only */
	u32 cap;		/* bytes available at buf */
	u32 len;		/* bytes emitted so far */
	int err;		/* sticky: first error wins */
};

void kbpf_emit_bytes(struct kbpf_emit *e, const u8 *b, u32 n);
void kbpf_emit_u8(struct kbpf_emit *e, u8 b);
void kbpf_emit_u16(struct kbpf_emit *e, u16 v);
void kbpf_emit_u32(struct kbpf_emit *e, u32 v);
void kbpf_emit_u64(struct kbpf_emit *e, u64 v);

/* REX prefix for reg (ModRM.reg) and rm (ModRM.rm / base); omitted when 0x40 unless force. */
void kbpf_emit_rex(struct kbpf_emit *e, bool w, u8 reg, u8 rm, bool force);
/* ModRM register-direct. */
void kbpf_emit_modrm_reg(struct kbpf_emit *e, u8 reg, u8 rm);
/* ModRM + displacement for [base + disp] (base is never rsp/r12 here). */
void kbpf_emit_modrm_mem(struct kbpf_emit *e, u8 reg, u8 base, s32 disp);

/* Whole instructions. is64 selects REX.W; 32-bit forms zero-extend. */
void kbpf_x86_alu_rr(struct kbpf_emit *e, u8 opc, bool is64, u8 dst, u8 src);
void kbpf_x86_alu_ri(struct kbpf_emit *e, u8 ext, bool is64, u8 dst, s32 imm);
void kbpf_x86_mov_rr(struct kbpf_emit *e, bool is64, u8 dst, u8 src);
void kbpf_x86_mov_ri(struct kbpf_emit *e, bool is64, u8 dst, s32 imm);
void kbpf_x86_mov_r_u64(struct kbpf_emit *e, u8 dst, u64 imm);
void kbpf_x86_load(struct kbpf_emit *e, u32 size, u8 dst, u8 base, s32 off);
void kbpf_x86_store_r(struct kbpf_emit *e, u32 size, u8 base, s32 off, u8 src);
void kbpf_x86_store_i(struct kbpf_emit *e, u32 size, u8 base, s32 off, s32 imm);
void kbpf_x86_push(struct kbpf_emit *e, u8 reg);
void kbpf_x86_pop(struct kbpf_emit *e, u8 reg);
/*
 * lfence: no later instruction starts before every earlier one has
 * completed locally (a branch resolved, a store's address known).
 */
void kbpf_x86_lfence(struct kbpf_emit *e);

/* Its encoding, for the JIT's size estimates and for tests that look for it. */
#define KBPF_X86_LFENCE_LEN	3

/* ALU opcodes for kbpf_x86_alu_rr (op r/m, reg) and /ext for kbpf_x86_alu_ri. */
#define X86_OP_ADD	0x01
#define X86_OP_OR	0x09
#define X86_OP_AND	0x21
#define X86_OP_SUB	0x29
#define X86_OP_XOR	0x31
#define X86_OP_CMP	0x39
#define X86_OP_TEST	0x85
#define X86_EXT_ADD	0
#define X86_EXT_OR	1
#define X86_EXT_AND	4
#define X86_EXT_SUB	5
#define X86_EXT_XOR	6
#define X86_EXT_CMP	7

#endif /* _KBPF_X86_EMIT_H */
