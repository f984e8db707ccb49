/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The semantics of BPF ALU and conditional-jump operations, in one place.
 * The interpreter executes with these, and the verifier folds constants
 * with the very same code, so the two can never disagree on a value.
 */
#ifndef _KBPF_OPS_H
#define _KBPF_OPS_H

#include "kbpf_env.h"

/* dst = dst <op> src for BPF_ALU / BPF_ALU64 (not BPF_END, not BPF_NEG's src). */
static inline u64 kbpf_alu(u8 op, bool is64, u64 dst, u64 src)
{
	if (!is64) {
		u32 d = (u32)dst, s = (u32)src;

		switch (op) {
		case BPF_ADD:	return (u32)(d + s);
		case BPF_SUB:	return (u32)(d - s);
		case BPF_MUL:	return (u32)(d * s);
		case BPF_DIV:	return s ? d / s : 0;
		case BPF_MOD:	return s ? d % s : d;
		case BPF_OR:	return d | s;
		case BPF_AND:	return d & s;
		case BPF_XOR:	return d ^ s;
		case BPF_LSH:	return (u32)(d << (s & 31));
		case BPF_RSH:	return d >> (s & 31);
		case BPF_ARSH:	return (u32)((s32)d >> (s & 31));
		case BPF_NEG:	return (u32)-d;
		case BPF_MOV:	return s;
		}
		return 0;
	}
	switch (op) {
	case BPF_ADD:	return dst + src;
	case BPF_SUB:	return dst - src;
	case BPF_MUL:	return dst * src;
	case BPF_DIV:	return src ? dst / src : 0;
	case BPF_MOD:	return src ? dst % src : dst;
	case BPF_OR:	return dst | src;
	case BPF_AND:	return dst & src;
	case BPF_XOR:	return dst ^ src;
	case BPF_LSH:	return dst << (src & 63);
	case BPF_RSH:	return dst >> (src & 63);
	case BPF_ARSH:	return (u64)((s64)dst >> (src & 63));
	case BPF_NEG:	return -dst;
	case BPF_MOV:	return src;
	}
	return 0;
}

/* BPF_END: byte order conversion of the low imm bits (x86-64 is little-endian). */
static inline u64 kbpf_endian(bool to_be, s32 bits, u64 v)
{
	switch (bits) {
	case 16:
		return to_be ? __builtin_bswap16((u16)v) : (u16)v;
	case 32:
		return to_be ? __builtin_bswap32((u32)v) : (u32)v;
	default:
		return to_be ? __builtin_bswap64(v) : v;
	}
}

/* Is the conditional jump <op> taken? JMP32 compares the low 32 bits. */
static inline bool kbpf_jmp_taken(u8 op, bool is32, u64 dst, u64 src)
{
	s64 sd, ss;

	if (is32) {
		dst = (u32)dst;
		src = (u32)src;
		sd = (s32)dst;
		ss = (s32)src;
	} else {
		sd = (s64)dst;
		ss = (s64)src;
	}
	switch (op) {
	case BPF_JEQ:	return dst == src;
	case BPF_JNE:	return dst != src;
	case BPF_JGT:	return dst > src;
	case BPF_JGE:	return dst >= src;
	case BPF_JLT:	return dst < src;
	case BPF_JLE:	return dst <= src;
	case BPF_JSET:	return dst & src;
	case BPF_JSGT:	return sd > ss;
	case BPF_JSGE:	return sd >= ss;
	case BPF_JSLT:	return sd < ss;
	case BPF_JSLE:	return sd <= ss;
	}
	return false;
}

/* Size in bytes of a BPF_SIZE() field. */
static inline u32 kbpf_size_bytes(u8 code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B:	return 1;
	case BPF_H:	return 2;
	case BPF_W:	return 4;
	default:	return 8;
	}
}

#endif /* _KBPF_OPS_H */
