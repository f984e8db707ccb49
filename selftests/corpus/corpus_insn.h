/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instruction macros with the names the kernel's verifier case files use,
 * written from the eBPF ISA (include/uapi/linux/bpf.h encoding): each
 * expands to one (or, for 64-bit immediates, two) struct bpf_insn
 * initializers.
 */
#ifndef _KBPF_CORPUS_INSN_H
#define _KBPF_CORPUS_INSN_H

#include <linux/bpf.h>

#define BPF_RAW_INSN(CODE, DST, SRC, OFF, IMM) \
	((struct bpf_insn){ .code = (CODE), .dst_reg = (DST), .src_reg = (SRC), \
			    .off = (OFF), .imm = (IMM) })

/* ALU: op dst, src / op dst, imm */
#define BPF_ALU64_REG(OP, DST, SRC)	BPF_RAW_INSN(BPF_ALU64 | BPF_OP(OP) | BPF_X, DST, SRC, 0, 0)
#define BPF_ALU32_REG(OP, DST, SRC)	BPF_RAW_INSN(BPF_ALU | BPF_OP(OP) | BPF_X, DST, SRC, 0, 0)
#define BPF_ALU64_IMM(OP, DST, IMM)	BPF_RAW_INSN(BPF_ALU64 | BPF_OP(OP) | BPF_K, DST, 0, 0, IMM)
#define BPF_ALU32_IMM(OP, DST, IMM)	BPF_RAW_INSN(BPF_ALU | BPF_OP(OP) | BPF_K, DST, 0, 0, IMM)
#define BPF_MOV64_REG(DST, SRC)		BPF_ALU64_REG(BPF_MOV, DST, SRC)
#define BPF_MOV32_REG(DST, SRC)		BPF_ALU32_REG(BPF_MOV, DST, SRC)
#define BPF_MOV64_IMM(DST, IMM)		BPF_ALU64_IMM(BPF_MOV, DST, IMM)
#define BPF_MOV32_IMM(DST, IMM)		BPF_ALU32_IMM(BPF_MOV, DST, IMM)
/* byte swap: TYPE is BPF_TO_LE / BPF_TO_BE, LEN 16, 32 or 64 */
#define BPF_ENDIAN(TYPE, DST, LEN)	BPF_RAW_INSN(BPF_ALU | BPF_END | BPF_SRC(TYPE), DST, 0, 0, LEN)

/* 64-bit immediate loads: two slots, the second carrying the high half. */
#define BPF_LD_IMM64_RAW_FULL(DST, SRC, OFF1, OFF2, IMM1, IMM2) \
	BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, DST, SRC, OFF1, IMM1), \
	BPF_RAW_INSN(0, 0, 0, OFF2, IMM2)
#define BPF_LD_IMM64_RAW(DST, SRC, IMM) \
	BPF_LD_IMM64_RAW_FULL(DST, SRC, 0, 0, (__u32)(IMM), ((__u64)(IMM)) >> 32)
#define BPF_LD_IMM64(DST, IMM)		BPF_LD_IMM64_RAW(DST, 0, IMM)
#define BPF_LD_MAP_FD(DST, FD)		BPF_LD_IMM64_RAW_FULL(DST, BPF_PSEUDO_MAP_FD, 0, 0, FD, 0)
#define BPF_LD_MAP_VALUE(DST, FD, OFF)	BPF_LD_IMM64_RAW_FULL(DST, BPF_PSEUDO_MAP_VALUE, 0, 0, FD, OFF)

/* Legacy packet loads (r6 = skb implied, r0 = result). */
#define BPF_LD_ABS(SIZE, IMM)		BPF_RAW_INSN(BPF_LD | BPF_SIZE(SIZE) | BPF_ABS, 0, 0, 0, IMM)
#define BPF_LD_IND(SIZE, SRC, IMM)	BPF_RAW_INSN(BPF_LD | BPF_SIZE(SIZE) | BPF_IND, 0, SRC, 0, IMM)

/* Memory: dst = *(SIZE *)(src + off); *(SIZE *)(dst + off) = src / imm */
#define BPF_LDX_MEM(SIZE, DST, SRC, OFF) BPF_RAW_INSN(BPF_LDX | BPF_SIZE(SIZE) | BPF_MEM, DST, SRC, OFF, 0)
#define BPF_STX_MEM(SIZE, DST, SRC, OFF) BPF_RAW_INSN(BPF_STX | BPF_SIZE(SIZE) | BPF_MEM, DST, SRC, OFF, 0)
#define BPF_ST_MEM(SIZE, DST, OFF, IMM)	BPF_RAW_INSN(BPF_ST | BPF_SIZE(SIZE) | BPF_MEM, DST, 0, OFF, IMM)
/* Atomics: OP in imm (BPF_ADD, BPF_AND | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG, ...) */
#define BPF_ATOMIC_OP(SIZE, OP, DST, SRC, OFF) \
	BPF_RAW_INSN(BPF_STX | BPF_SIZE(SIZE) | BPF_ATOMIC, DST, SRC, OFF, OP)
#define BPF_STX_XADD(SIZE, DST, SRC, OFF) BPF_ATOMIC_OP(SIZE, BPF_ADD, DST, SRC, OFF)

/* Jumps: if (dst op src/imm) goto pc + off */
#define BPF_JMP_REG(OP, DST, SRC, OFF)	BPF_RAW_INSN(BPF_JMP | BPF_OP(OP) | BPF_X, DST, SRC, OFF, 0)
#define BPF_JMP_IMM(OP, DST, IMM, OFF)	BPF_RAW_INSN(BPF_JMP | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)
#define BPF_JMP32_REG(OP, DST, SRC, OFF) BPF_RAW_INSN(BPF_JMP32 | BPF_OP(OP) | BPF_X, DST, SRC, OFF, 0)
#define BPF_JMP32_IMM(OP, DST, IMM, OFF) BPF_RAW_INSN(BPF_JMP32 | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)
#define BPF_JMP_A(OFF)			BPF_RAW_INSN(BPF_JMP | BPF_JA, 0, 0, OFF, 0)

/* Calls: helper by id, or a bpf-to-bpf call to pc + imm + 1. */
#define BPF_EMIT_CALL(FUNC)		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, FUNC)
#define BPF_CALL_REL(IMM)		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, IMM)
#define BPF_EXIT_INSN()			BPF_RAW_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/*
 * Sequences the kernel's runner defines for its cases (test_verifier.c),
 * rewritten from their documented behaviour.
 */
/* 13 insns: a zeroed struct bpf_sock_tuple at fp-48, then
 * r0 = func(ctx, &tuple, sizeof(tuple), 0, 0). */
#define BPF_SK_LOOKUP(func)						\
	BPF_MOV64_IMM(BPF_REG_2, 0),					\
	BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_2, -8),			\
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -16),		\
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -24),		\
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -32),		\
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -40),		\
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -48),		\
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -48),				\
	BPF_MOV64_IMM(BPF_REG_3, sizeof(struct bpf_sock_tuple)),	\
	BPF_MOV64_IMM(BPF_REG_4, 0),					\
	BPF_MOV64_IMM(BPF_REG_5, 0),					\
	BPF_EMIT_CALL(BPF_FUNC_ ## func)

/* 7 insns: r0 = 0; r2 = skb->data, r3 = skb->data_end; return unless
 * r2 + 8 <= r3 (8 bytes of direct packet access through r2). */
#define BPF_DIRECT_PKT_R2						\
	BPF_MOV64_IMM(BPF_REG_0, 0),					\
	BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, offsetof(struct __sk_buff, data)), \
	BPF_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_1, offsetof(struct __sk_buff, data_end)), \
	BPF_MOV64_REG(BPF_REG_4, BPF_REG_2),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 8),				\
	BPF_JMP_REG(BPF_JLE, BPF_REG_4, BPF_REG_3, 1),			\
	BPF_EXIT_INSN()

/* 4 insns: r7 = a random u32 below 2^31, zero-extended. */
#define BPF_RAND_UEXT_R7						\
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),			\
	BPF_MOV64_REG(BPF_REG_7, BPF_REG_0),				\
	BPF_ALU64_IMM(BPF_LSH, BPF_REG_7, 33),				\
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_7, 33)

/* 5 insns: r7 = a random negative s32, sign-extended to 64 bits. */
#define BPF_RAND_SEXT_R7						\
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),			\
	BPF_MOV64_REG(BPF_REG_7, BPF_REG_0),				\
	BPF_ALU64_IMM(BPF_OR, BPF_REG_7, 0x80000000),			\
	BPF_ALU64_IMM(BPF_LSH, BPF_REG_7, 32),				\
	BPF_ALU64_IMM(BPF_ARSH, BPF_REG_7, 32)

#endif
