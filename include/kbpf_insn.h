/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instruction builders for tests, examples and loaders written in C.
 * Needs only <linux/bpf.h>. Names follow the kbpf_ prefix rule: KI_*.
 */
#ifndef _KBPF_INSN_H
#define _KBPF_INSN_H

#include <linux/bpf.h>

#define KI_RAW(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

#define KI_ALU64_REG(op, d, s)	KI_RAW(BPF_ALU64 | BPF_OP(op) | BPF_X, d, s, 0, 0)
#define KI_ALU64_IMM(op, d, i)	KI_RAW(BPF_ALU64 | BPF_OP(op) | BPF_K, d, 0, 0, i)
#define KI_ALU32_REG(op, d, s)	KI_RAW(BPF_ALU | BPF_OP(op) | BPF_X, d, s, 0, 0)
#define KI_ALU32_IMM(op, d, i)	KI_RAW(BPF_ALU | BPF_OP(op) | BPF_K, d, 0, 0, i)
#define KI_MOV64_REG(d, s)	KI_ALU64_REG(BPF_MOV, d, s)
#define KI_MOV64_IMM(d, i)	KI_ALU64_IMM(BPF_MOV, d, i)
#define KI_MOV32_REG(d, s)	KI_ALU32_REG(BPF_MOV, d, s)
#define KI_MOV32_IMM(d, i)	KI_ALU32_IMM(BPF_MOV, d, i)
#define KI_NEG64(d)		KI_RAW(BPF_ALU64 | BPF_NEG | BPF_K, d, 0, 0, 0)
#define KI_NEG32(d)		KI_RAW(BPF_ALU | BPF_NEG | BPF_K, d, 0, 0, 0)
#define KI_ENDIAN(src, d, bits)	KI_RAW(BPF_ALU | BPF_END | (src), d, 0, 0, bits)

#define KI_LD_IMM64_RAW(d, s, v)				\
	KI_RAW(BPF_LD | BPF_DW | BPF_IMM, d, s, 0, (__s32)(__u32)(__u64)(v)), \
	KI_RAW(0, 0, 0, 0, (__s32)(__u32)((__u64)(v) >> 32))
#define KI_LD_IMM64(d, v)	KI_LD_IMM64_RAW(d, 0, v)
#define KI_LD_MAP_FD(d, fd)	KI_LD_IMM64_RAW(d, BPF_PSEUDO_MAP_FD, fd)
/* classic packet loads: r0 = ntoh(packet[imm]) / ntoh(packet[src + imm]) */
#define KI_LD_ABS(sz, imm)	KI_RAW(BPF_LD | BPF_SIZE(sz) | BPF_ABS, 0, 0, 0, imm)
#define KI_LD_IND(sz, src, imm)	KI_RAW(BPF_LD | BPF_SIZE(sz) | BPF_IND, 0, src, 0, imm)

#define KI_LDX_MEM(sz, d, s, o)	KI_RAW(BPF_LDX | BPF_SIZE(sz) | BPF_MEM, d, s, o, 0)
#define KI_STX_MEM(sz, d, s, o)	KI_RAW(BPF_STX | BPF_SIZE(sz) | BPF_MEM, d, s, o, 0)
#define KI_ST_MEM(sz, d, o, i)	KI_RAW(BPF_ST | BPF_SIZE(sz) | BPF_MEM, d, 0, o, i)
#define KI_ATOMIC(sz, op, d, s, o) KI_RAW(BPF_STX | BPF_SIZE(sz) | BPF_ATOMIC, d, s, o, op)

#define KI_JMP_REG(op, d, s, o)	KI_RAW(BPF_JMP | BPF_OP(op) | BPF_X, d, s, o, 0)
#define KI_JMP_IMM(op, d, i, o)	KI_RAW(BPF_JMP | BPF_OP(op) | BPF_K, d, 0, o, i)
#define KI_JMP32_REG(op, d, s, o) KI_RAW(BPF_JMP32 | BPF_OP(op) | BPF_X, d, s, o, 0)
#define KI_JMP32_IMM(op, d, i, o) KI_RAW(BPF_JMP32 | BPF_OP(op) | BPF_K, d, 0, o, i)
#define KI_JA(o)		KI_RAW(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define KI_CALL(fn)		KI_RAW(BPF_JMP | BPF_CALL, 0, 0, 0, fn)
#define KI_EXIT()		KI_RAW(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#endif /* _KBPF_INSN_H */
