// SPDX-License-Identifier: GPL-2.0
/*
 * Verifier table tests: each program has the errno the verifier must give
 * (0 = accepted) and, where it matters, a fragment the log must contain.
 * Accepted programs with an expected result are also run.
 */
#include "jitrun.h"
#include "kbpf_insn.h"

#define R0 BPF_REG_0
#define R1 BPF_REG_1
#define R2 BPF_REG_2
#define R3 BPF_REG_3
#define R4 BPF_REG_4
#define R5 BPF_REG_5
#define R6 BPF_REG_6
#define R7 BPF_REG_7
#define R8 BPF_REG_8
#define R10 BPF_REG_10
#define MAXI 96
#define HASH_FD 3	/* fake fd: hash map, key 4, value 8 */
#define ARRAY_FD 4	/* fake fd: array map, 4 entries of 8 bytes */
#define GLOBAL_FD 8	/* fake fd: array map, 1 entry of 16 bytes (global data) */
#define RB_FD 10	/* fake fd: ringbuf map, 4096 bytes (helpers faked below) */
#define MIM_FD 11	/* fake fd: ARRAY_OF_MAPS of 4, inner maps ARRAY key 4 value 8 x 4, empty */
#define LD_VALUE_FD(r, fd, off) \
	KI_RAW(BPF_LD | BPF_DW | BPF_IMM, r, BPF_PSEUDO_MAP_VALUE, 0, fd), KI_RAW(0, 0, 0, 0, off)

struct vcase {
	const char *name;
	struct bpf_insn insns[MAXI];
	int err;		/* 0 or a negative errno */
	const char *log;	/* substring the log must contain */
	bool run;		/* accepted: run it and compare r0 */
	u64 r0;
	bool no_perfmon;	/* the loader lacks CAP_PERFMON (default: has it) */
	bool no_prune;		/* verified with attr.no_prune */
};

#define C(n, e, l, ...) { .name = n, .err = (e), .log = (l), .insns = { __VA_ARGS__ } }
/* As C, for a loader with CAP_BPF but not CAP_PERFMON. */
#define CN(n, e, l, ...) { .name = n, .err = (e), .log = (l), .no_perfmon = true, \
			   .insns = { __VA_ARGS__ } }
/* As C, verified with attr.no_prune (test only: no state is ever pruned). */
#define CP(n, e, l, ...) { .name = n, .err = (e), .log = (l), .no_prune = true, \
			   .insns = { __VA_ARGS__ } }
#define RUN(n, want, ...) { .name = n, .run = true, .r0 = (want), .insns = { __VA_ARGS__ } }
#define RAW KI_RAW
/*
 * r2 = skb->len; if (r2 & 1) r3 = 1; else r3 = 2; -- r2 and r3 are dead
 * afterwards, so the two arms' states match at the join. (Testing the same
 * r2 again would be settled by its tnum, with no second path to prune; a
 * new bit of one r2 would leave the arms' r2 different.)
 */
#define DIAMOND KI_LDX_MEM(BPF_W, R2, R1, 0), KI_JMP_IMM(BPF_JSET, R2, 1, 2), \
	KI_MOV64_IMM(R3, 2), KI_JA(1), KI_MOV64_IMM(R3, 1)
#define DIAMONDS_16 DIAMOND, DIAMOND, DIAMOND, DIAMOND, DIAMOND, DIAMOND, DIAMOND, DIAMOND, \
	DIAMOND, DIAMOND, DIAMOND, DIAMOND, DIAMOND, DIAMOND, DIAMOND, DIAMOND
#define PCALL(off) KI_RAW(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, off)

/* r2 = fp - 4 holding key 0, r1 = map fd: the usual lookup preamble. */
#define LOOKUP(fd) \
	KI_ST_MEM(BPF_W, R10, -4, 0), KI_MOV64_REG(R2, R10), KI_ALU64_IMM(BPF_ADD, R2, -4), \
	KI_LD_MAP_FD(R1, fd), KI_CALL(BPF_FUNC_map_lookup_elem)

/* r0 = bpf_ringbuf_reserve(RB_FD, sz, 0) */
#define RESERVE(sz) \
	KI_LD_MAP_FD(R1, RB_FD), KI_MOV64_IMM(R2, sz), KI_MOV64_IMM(R3, 0), \
	KI_CALL(BPF_FUNC_ringbuf_reserve)
/* RESERVE(sz), a copy in R7, and return 0 if it is NULL */
#define RESERVE_CHECKED(sz) \
	RESERVE(sz), KI_MOV64_REG(R7, R0), KI_JMP_IMM(BPF_JNE, R0, 0, 2), KI_MOV64_IMM(R0, 0), \
	KI_EXIT()
/* bpf_ringbuf_submit(r, 0) / bpf_ringbuf_discard(r, 0) */
/*
 * r = fp - sub + (skb->len & mask): a stack pointer with a variable offset
 * (the run context's len, 0x1234, gives fp - sub + (0x1234 & mask)).
 */
#define FP_VAR(r, mask, sub) \
	KI_LDX_MEM(BPF_W, r, R1, 0), KI_ALU64_IMM(BPF_AND, r, mask), \
	KI_ALU64_IMM(BPF_SUB, r, sub), KI_ALU64_REG(BPF_ADD, r, R10)
#define SUBMIT(r) KI_MOV64_REG(R1, r), KI_MOV64_IMM(R2, 0), KI_CALL(BPF_FUNC_ringbuf_submit)
#define DISCARD(r) KI_MOV64_REG(R1, r), KI_MOV64_IMM(R2, 0), KI_CALL(BPF_FUNC_ringbuf_discard)

/*
 * The CVE regression programs' common start: r0 = a checked ARRAY_FD value
 * (8 bytes), r1 = its u64 (unknown to the verifier).
 */
#define CVE_VALUE_R1 LOOKUP(ARRAY_FD), KI_JMP_IMM(BPF_JNE, R0, 0, 1), KI_EXIT(), \
	KI_LDX_MEM(BPF_DW, R1, R0, 0)
/*
 * CVE-2020-8835 (JMP32 narrowing): r1 in [1, 2^32 + 1], then w1 == 1. So r1
 * is 1 or 2^32 + 1, r1 >> 32 is 0 or 1; the kernel's bug took the 32-bit
 * result for the 64-bit one (r1 == 1, r1 >> 32 == 0). (r1 >> 32) << sh is
 * the offset of a byte load from the 8-byte value: sh = 12 is out of bounds,
 * sh = 2 the accepted sibling.
 */
#define CVE_2020_8835(sh) CVE_VALUE_R1, KI_JMP_IMM(BPF_JLT, R1, 1, 8), \
	KI_LD_IMM64(R2, 0x100000001ULL), KI_JMP_REG(BPF_JGT, R1, R2, 5), \
	KI_JMP32_IMM(BPF_JNE, R1, 1, 4), KI_ALU64_IMM(BPF_RSH, R1, 32), \
	KI_ALU64_IMM(BPF_LSH, R1, sh), KI_ALU64_REG(BPF_ADD, R0, R1), \
	KI_LDX_MEM(BPF_B, R0, R0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()
/*
 * CVE-2021-3490 (ALU32 bounds of AND/OR/XOR): r1's upper half unknown, its
 * lower half a known constant after the op (w1 == 1), the case the kernel's
 * 32-bit bounds skipped ("the 64-bit op will do it", which it did not when
 * only the lower halves were known), leaving w1's stale bounds [0, 0].
 * w1 << sh is a byte offset into the 8-byte value: sh = 12 is out of
 * bounds whatever r1 holds, sh = 2 (offset 4) the accepted sibling. first:
 * the instruction making r1's lower half known (r1 = x << 32 before it).
 */
#define CVE_2021_3490(first, op, r2val, sh) CVE_VALUE_R1, KI_ALU64_IMM(BPF_LSH, R1, 32), first, \
	KI_LD_IMM64(R2, r2val), KI_ALU64_REG(op, R1, R2), KI_MOV32_REG(R3, R1), \
	KI_ALU64_IMM(BPF_LSH, R3, sh), KI_ALU64_REG(BPF_ADD, R0, R3), \
	KI_LDX_MEM(BPF_B, R0, R0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()
/*
 * CVE-2021-31440 (64-bit bounds into 32-bit ones): r1 in [1, 2^32 + 1] has
 * umin 1, but w1 may be 0 (r1 == 2^32); the kernel took each 64-bit bound
 * that fit in 32 bits as a 32-bit one (u32_min = 1). After w1 <= 1, 1 - w1
 * is 0 or 1 (the bug: 0), shifted by sh into a byte offset of the 8-byte
 * value: sh = 12 is out of bounds, sh = 2 the accepted sibling.
 */
#define CVE_2021_31440(sh) CVE_VALUE_R1, KI_JMP_IMM(BPF_JLT, R1, 1, 10), \
	KI_LD_IMM64(R2, 0x100000001ULL), KI_JMP_REG(BPF_JGT, R1, R2, 7), \
	KI_JMP32_IMM(BPF_JGT, R1, 1, 6), KI_MOV32_REG(R3, R1), KI_MOV64_IMM(R4, 1), \
	KI_ALU64_REG(BPF_SUB, R4, R3), KI_ALU64_IMM(BPF_LSH, R4, sh), \
	KI_ALU64_REG(BPF_ADD, R0, R4), KI_LDX_MEM(BPF_B, R0, R0, 0), KI_MOV64_IMM(R0, 0), \
	KI_EXIT()
/*
 * CVE-2023-2163 (precision tracking and pruning): the fall-through path
 * (walked first) reaches the join at insn J with r7 = 0, the other with
 * r7 = off; r7 goes through a stack spill and a register-register compare
 * (routes precision marks must follow) into a byte load from the 8-byte
 * value. A verifier that does not see r7 as mattering at J prunes the
 * second path as "contained" in the first: off = 4096 must be walked and
 * rejected, off = 4 is the accepted sibling.
 */
#define CVE_2023_2163(off) LOOKUP(ARRAY_FD), KI_JMP_IMM(BPF_JNE, R0, 0, 1), KI_EXIT(), \
	KI_MOV64_REG(R6, R0), KI_LDX_MEM(BPF_W, R8, R6, 0), KI_JMP_IMM(BPF_JSET, R8, 1, 2), \
	KI_MOV64_IMM(R7, 0), KI_JA(1), KI_MOV64_IMM(R7, off), \
	/* J: */ KI_STX_MEM(BPF_DW, R10, R7, -8), KI_LDX_MEM(BPF_DW, R8, R10, -8), \
	KI_MOV64_IMM(R2, 8192), KI_JMP_REG(BPF_JGT, R8, R2, 2), KI_ALU64_REG(BPF_ADD, R6, R8), \
	KI_LDX_MEM(BPF_B, R0, R6, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()

static const struct vcase cases[] = {
	/* syntax: -EINVAL */
	C("unknown_opcode", -EINVAL, "unknown opcode", RAW(BPF_LD | BPF_MEM | BPF_W, 0, 0, 0, 0),
	  KI_EXIT()),
	C("invalid_alu_op", -EINVAL, "invalid BPF_ALU opcode", RAW(0xff, 0, 0, 0, 0), KI_EXIT()),
	C("ld_abs_needs_r6", -EACCES, "R6 !read_ok", RAW(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 0),
	  KI_EXIT()),
	C("ld_abs_r6_not_ctx", -EINVAL, "R6 != pointer to skb", KI_MOV64_IMM(R6, 0),
	  RAW(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 0), KI_EXIT()),
	C("ld_abs_dw", -EINVAL, "reserved", KI_MOV64_REG(R6, R1),
	  RAW(BPF_LD | BPF_ABS | BPF_DW, 0, 0, 0, 0), KI_EXIT()),
	C("ld_abs_src_reg", -EINVAL, "reserved", KI_MOV64_REG(R6, R1),
	  RAW(BPF_LD | BPF_ABS | BPF_W, 0, 1, 0, 0), KI_EXIT()),
	C("ld_abs_clobbers_r1", -EACCES, "R1 !read_ok", KI_MOV64_REG(R6, R1),
	  RAW(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 0), KI_MOV64_REG(R0, R1), KI_EXIT()),
	C("ld_abs_with_calls", -EINVAL, "bpf-to-bpf", KI_MOV64_REG(R6, R1), PCALL(2),
	  RAW(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 0), KI_EXIT(), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("ctx_sk_pointer", -EACCES, "invalid bpf_context access",
	  KI_LDX_MEM(BPF_DW, R0, R1, offsetof(struct __sk_buff, sk)), KI_EXIT()),
	C("ctx_tstamp", -EACCES, "invalid bpf_context access",
	  KI_LDX_MEM(BPF_DW, R0, R1, offsetof(struct __sk_buff, tstamp)), KI_EXIT()),
	C("alu_reserved_off", -EINVAL, "reserved", RAW(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 1, 0),
	  KI_EXIT()),
	C("alu_x_reserved_imm", -EINVAL, "reserved", RAW(BPF_ALU64 | BPF_ADD | BPF_X, 0, 0, 0, 1),
	  KI_EXIT()),
	C("alu_k_reserved_src", -EINVAL, "reserved", RAW(BPF_ALU64 | BPF_MOV | BPF_K, 0, 1, 0, 1),
	  KI_EXIT()),
	C("bad_dst_reg", -EINVAL, "R11 is invalid", RAW(BPF_ALU64 | BPF_MOV | BPF_K, 11, 0, 0, 1),
	  KI_EXIT()),
	C("bad_src_reg", -EINVAL, "R12 is invalid", RAW(BPF_ALU64 | BPF_MOV | BPF_X, 0, 12, 0, 0),
	  KI_EXIT()),
	C("div_by_const_zero", -EINVAL, "div by zero", KI_MOV64_IMM(R0, 1),
	  KI_ALU64_IMM(BPF_DIV, R0, 0), KI_EXIT()),
	C("shift_too_far", -EINVAL, "invalid shift", KI_MOV64_IMM(R0, 1),
	  KI_ALU32_IMM(BPF_LSH, R0, 32), KI_EXIT()),
	C("end_in_alu64", -EINVAL, "BPF_END", KI_MOV64_IMM(R0, 1),
	  RAW(BPF_ALU64 | BPF_END, 0, 0, 0, 16), KI_EXIT()),
	C("end_bad_width", -EINVAL, "BPF_END", KI_MOV64_IMM(R0, 1),
	  RAW(BPF_ALU | BPF_END, 0, 0, 0, 8), KI_EXIT()),
	C("ldx_reserved_imm", -EINVAL, "BPF_LDX", RAW(BPF_LDX | BPF_MEM | BPF_W, 0, 10, -4, 1),
	  KI_EXIT()),
	C("stx_bad_mode", -EINVAL, "unknown opcode", RAW(BPF_STX | BPF_ABS | BPF_W, 10, 0, -4, 0),
	  KI_EXIT()),
	C("atomic_bad_op", -EINVAL, "atomic", KI_MOV64_IMM(R0, 0),
	  KI_ATOMIC(BPF_DW, BPF_SUB, R10, R0, -8), KI_EXIT()),
	C("atomic_byte_size", -EINVAL, "atomic", KI_MOV64_IMM(R0, 0),
	  KI_ATOMIC(BPF_B, BPF_ADD, R10, R0, -8), KI_EXIT()),
	C("ld_imm64_last_insn", -EINVAL, "last insn", KI_MOV64_IMM(R0, 0),
	  RAW(BPF_LD | BPF_DW | BPF_IMM, 0, 0, 0, 0)),
	C("ld_imm64_bad_second_half", -EINVAL, "ld_imm64", RAW(BPF_LD | BPF_DW | BPF_IMM, 0, 0, 0, 0),
	  RAW(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0), KI_EXIT()),
	C("map_fd_not_a_map", -EBADF, "not pointing to valid bpf_map", KI_LD_MAP_FD(R1, 9),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("ja_reserved", -EINVAL, "BPF_JA", RAW(BPF_JMP | BPF_JA, 0, 0, 0, 1), KI_MOV64_IMM(R0, 0),
	  KI_EXIT()),
	C("jmp32_ja_invalid", -EINVAL, "BPF_JA", RAW(BPF_JMP32 | BPF_JA, 0, 0, 0, 0),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("exit_reserved", -EINVAL, "BPF_EXIT", KI_MOV64_IMM(R0, 0),
	  RAW(BPF_JMP | BPF_EXIT, 1, 0, 0, 0)),
	C("jmp_k_reserved_src", -EINVAL, "reserved", KI_MOV64_IMM(R0, 0),
	  RAW(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0, 0), KI_EXIT()),
	/* bpf-to-bpf calls */
	C("call_out_of_range", -EINVAL, "invalid destination", KI_MOV64_IMM(R0, 0),
	  PCALL(5), KI_EXIT()),
	C("call_into_ld_imm64", -EINVAL, "invalid destination", PCALL(2), KI_EXIT(),
	  KI_LD_IMM64(R0, 1), KI_EXIT()),
	C("jump_across_functions", -EINVAL, "jump out of range", KI_MOV64_IMM(R0, 0),
	  PCALL(2), KI_JA(1), KI_EXIT(), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	C("function_falls_into_next", -EINVAL, "last insn", KI_MOV64_IMM(R0, 0), PCALL(1),
	  KI_EXIT(), KI_MOV64_IMM(R0, 1), PCALL(1), KI_MOV64_IMM(R0, 2), KI_EXIT()),
	C("recursion", -E2BIG, "too deep", KI_MOV64_IMM(R0, 0), PCALL(1), KI_EXIT(),
	  PCALL(-1), KI_EXIT()),
	C("callee_returns_own_stack", -EINVAL, "cannot return stack pointer", PCALL(2),
	  KI_MOV64_IMM(R0, 0), KI_EXIT(), KI_MOV64_REG(R0, R10), KI_EXIT()),
	/*
	 * narrow spills (6.1): a 4-byte store of a scalar that fits, at the
	 * start of a slot, fills back exactly with a 4-byte load; here it is
	 * the offset of a 4-byte read in the 8-byte value
	 */
#define NARROW_FILL(st_off, val, ld_size, ld_off) \
	val, KI_STX_MEM(BPF_W, R10, R6, st_off), LOOKUP(ARRAY_FD), \
	KI_JMP_IMM(BPF_JNE, R0, 0, 2), KI_MOV64_IMM(R0, 0), KI_EXIT(), \
	KI_LDX_MEM(ld_size, R6, R10, ld_off), KI_ALU64_REG(BPF_ADD, R0, R6), \
	KI_LDX_MEM(BPF_W, R1, R0, 0), KI_MOV64_REG(R0, R6), KI_EXIT()
	RUN("narrow_spill_fill_same_size", 4, NARROW_FILL(-16, KI_MOV32_IMM(R6, 4), BPF_W, -16)),
	C("narrow_spill_fill_narrower", -EACCES, "max value is outside",
	  NARROW_FILL(-16, KI_MOV32_IMM(R6, 4), BPF_H, -16)),
	CN("narrow_spill_fill_other_half", -EACCES, "invalid read from stack",
	  NARROW_FILL(-16, KI_MOV32_IMM(R6, 4), BPF_W, -12)),
	CN("narrow_spill_fill_wider", -EACCES, "invalid read from stack",
	  NARROW_FILL(-16, KI_MOV32_IMM(R6, 4), BPF_DW, -16)),
	/* the upper bits are lost in the store: the fill is not the register */
	C("narrow_spill_value_too_wide", -EACCES, "R0 unbounded memory access",
	  NARROW_FILL(-16, KI_LD_IMM64(R6, 0x100000004ull), BPF_W, -16)),
	/* not at the start of a slot: not kept */
	C("narrow_spill_misaligned", -EACCES, "R0 unbounded memory access",
	  NARROW_FILL(-12, KI_MOV32_IMM(R6, 4), BPF_W, -12)),
#undef NARROW_FILL
	/*
	 * << 32 moves the s32 range up whole: a low half known only to be
	 * s32 <= 7 sign-extends (<<32 s>>32) to at most 7 (6.1's idiom)
	 */
#define SEXT_OFF(max) \
	LOOKUP(ARRAY_FD), KI_JMP_IMM(BPF_JNE, R0, 0, 2), KI_MOV64_IMM(R0, 0), KI_EXIT(), \
	KI_LDX_MEM(BPF_W, R6, R0, 0), KI_JMP32_IMM(BPF_JSGT, R6, max, 5), \
	KI_ALU64_IMM(BPF_LSH, R6, 32), KI_ALU64_IMM(BPF_ARSH, R6, 32), \
	KI_JMP_IMM(BPF_JSLT, R6, 0, 2), KI_ALU64_REG(BPF_ADD, R0, R6), \
	KI_LDX_MEM(BPF_B, R1, R0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()
	RUN("lsh32_keeps_s32_range", 0, SEXT_OFF(7)),
	C("lsh32_keeps_s32_range_too_far", -EACCES, "max value is outside", SEXT_OFF(8)),
#undef SEXT_OFF
	/*
	 * strtoul("600", 4, 0, res): 3 bytes consumed, res = 600 (the 8-byte
	 * result slot may start uninitialised: the helper writes it)
	 */
#define STRTOUL(res_off) \
	KI_ST_MEM(BPF_W, R10, -8, 0x00303036), KI_MOV64_REG(R1, R10), KI_ALU64_IMM(BPF_ADD, R1, -8), \
	KI_MOV64_IMM(R2, 4), KI_MOV64_IMM(R3, 0), KI_MOV64_REG(R4, R10), \
	KI_ALU64_IMM(BPF_ADD, R4, res_off), KI_CALL(BPF_FUNC_strtoul)
	RUN("strtoul_result", 3600, STRTOUL(-16), KI_MOV64_REG(R6, R0),
	  KI_ALU64_IMM(BPF_MUL, R6, 1000), KI_LDX_MEM(BPF_DW, R0, R10, -16),
	  KI_ALU64_REG(BPF_ADD, R0, R6), KI_EXIT()),
	C("strtoul_result_misaligned", -EACCES, "misaligned access off -20 size 8", STRTOUL(-20),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("strtoul_result_past_fp", -EACCES, "invalid indirect access to stack", STRTOUL(-0),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("strtoul_result_not_a_pointer", -EACCES, "R4 type=scalar",
	  KI_ST_MEM(BPF_W, R10, -8, 0x00303036), KI_MOV64_REG(R1, R10), KI_ALU64_IMM(BPF_ADD, R1, -8),
	  KI_MOV64_IMM(R2, 4), KI_MOV64_IMM(R3, 0), KI_MOV64_IMM(R4, 0),
	  KI_CALL(BPF_FUNC_strtoul), KI_MOV64_IMM(R0, 0), KI_EXIT()),
#undef STRTOUL
	/* a function may return nothing (6.1): only its caller's use of R0 is refused */
	RUN("callee_void_return", 7, KI_MOV64_REG(R1, R10), KI_ALU64_IMM(BPF_ADD, R1, -8),
	  PCALL(2), KI_LDX_MEM(BPF_DW, R0, R10, -8), KI_EXIT(),
	  KI_ST_MEM(BPF_DW, R1, 0, 7), KI_EXIT()),
	C("callee_void_return_r0_read", -EACCES, "R0 !read_ok", KI_MOV64_REG(R1, R10),
	  KI_ALU64_IMM(BPF_ADD, R1, -8), PCALL(1), KI_EXIT(), KI_ST_MEM(BPF_DW, R1, 0, 7),
	  KI_EXIT()),
	C("callee_void_return_r0_use", -EACCES, "R0 !read_ok", PCALL(3),
	  KI_ALU64_IMM(BPF_ADD, R0, 1), KI_MOV64_IMM(R0, 0), KI_EXIT(), KI_EXIT()),
	C("caller_args_scratched", -EACCES, "R2 !read_ok", KI_MOV64_IMM(R2, 1), PCALL(2),
	  KI_MOV64_REG(R0, R2), KI_EXIT(), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("callee_sees_no_r6", -EACCES, "R6 !read_ok", KI_MOV64_IMM(R6, 1), PCALL(1),
	  KI_EXIT(), KI_MOV64_REG(R0, R6), KI_EXIT()),
	C("combined_stack_too_large", -EACCES, "combined stack size",
	  KI_ST_MEM(BPF_DW, R10, -320, 0), PCALL(2), KI_MOV64_IMM(R0, 0), KI_EXIT(),
	  KI_ST_MEM(BPF_DW, R10, -256, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("callee_stack_into_caller_frame", -EACCES, "stack frame of the caller",
	  KI_ST_MEM(BPF_DW, R10, -8, 0), KI_MOV64_REG(R1, R10), KI_ALU64_IMM(BPF_ADD, R1, -8),
	  PCALL(2), KI_MOV64_IMM(R0, 0), KI_EXIT(),
	  KI_MOV64_REG(R2, R10), KI_STX_MEM(BPF_DW, R1, R2, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("unknown_helper", -EINVAL, "invalid func", KI_CALL(10000), KI_EXIT()),
	/* no kfuncs (no BTF): refused when reached, dead code may hold one (6.1) */
	C("kfunc_call_reached", -EINVAL, "kernel function calls are not supported",
	  RAW(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	RUN("kfunc_call_dead", 1, KI_MOV64_IMM(R0, 1), KI_JMP_IMM(BPF_JGT, R0, 0, 1),
	  RAW(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, 0), KI_EXIT()),
	C("kfunc_call_reserved_off", -EINVAL, "reserved fields",
	  RAW(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 1, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	/* control flow: -EINVAL */
	C("jump_out_of_range", -EINVAL, "jump out of range", KI_MOV64_IMM(R0, 0),
	  KI_JMP_IMM(BPF_JEQ, R0, 0, 5), KI_EXIT()),
	C("jump_backwards_out", -EINVAL, "jump out of range", KI_MOV64_IMM(R0, 0),
	  KI_JA(-3), KI_EXIT()),
	C("fall_off_end", -EINVAL, "last insn", KI_MOV64_IMM(R0, 0)),
	C("fall_off_after_branch", -EINVAL, "jump out of range", KI_MOV64_IMM(R0, 0),
	  KI_JMP_IMM(BPF_JEQ, R0, 0, 1), KI_EXIT(), KI_JA(0)),
	C("unreachable_insn", -EINVAL, "unreachable insn 2", KI_MOV64_IMM(R0, 0), KI_EXIT(),
	  KI_MOV64_IMM(R0, 1), KI_EXIT()),
	C("jump_into_ld_imm64", -EINVAL, "middle of ldimm64", KI_MOV64_IMM(R0, 0),
	  KI_JMP_IMM(BPF_JEQ, R0, 0, 1), KI_LD_IMM64(R0, 1), KI_EXIT()),
	/* safety: -EACCES */
	C("uninit_r0_at_exit", -EACCES, "R0 !read_ok", KI_EXIT()),
	C("uninit_r2_read", -EACCES, "R2 !read_ok", KI_MOV64_REG(R0, R2), KI_EXIT()),
	C("write_to_fp", -EACCES, "frame pointer is read only", KI_MOV64_IMM(R10, 0),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("ldx_into_fp", -EACCES, "frame pointer is read only", KI_ST_MEM(BPF_DW, R10, -8, 0),
	  KI_LDX_MEM(BPF_DW, R10, R10, -8), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	CN("uninit_stack_read", -EACCES, "invalid read from stack", KI_LDX_MEM(BPF_DW, R0, R10, -8),
	  KI_EXIT()),
	C("stack_out_of_bounds_low", -EACCES, "invalid stack", KI_ST_MEM(BPF_DW, R10, -520, 0),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("stack_above_fp", -EACCES, "invalid stack", KI_ST_MEM(BPF_DW, R10, 0, 0),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("stack_misaligned", -EACCES, "misaligned", KI_ST_MEM(BPF_DW, R10, -12, 0),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("deref_scalar", -EACCES, "invalid mem access 'scalar'", KI_MOV64_IMM(R1, 0),
	  KI_LDX_MEM(BPF_DW, R0, R1, 0), KI_EXIT()),
	C("ctx_bad_field", -EACCES, "invalid bpf_context access",
	  KI_LDX_MEM(BPF_W, R0, R1, offsetof(struct __sk_buff, tc_classid)),
	  KI_EXIT()),
	C("ctx_write_len", -EACCES, "BPF_ST stores into R1 ctx", KI_ST_MEM(BPF_W, R1, 0, 0),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("ctx_stx_len", -EACCES, "invalid bpf_context access", KI_MOV64_IMM(R2, 0),
	  KI_STX_MEM(BPF_W, R1, R2, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("ctx_modified_ptr", -EACCES, "modified ctx", KI_ALU64_IMM(BPF_ADD, R1, 4),
	  KI_LDX_MEM(BPF_W, R0, R1, 0), KI_EXIT()),
	C("ctx_dw_read_of_u32", -EACCES, "invalid bpf_context access",
	  KI_LDX_MEM(BPF_DW, R0, R1, 0), KI_EXIT()),
	C("ctx_past_end", -EACCES, "invalid bpf_context access", KI_LDX_MEM(BPF_W, R0, R1, 4096),
	  KI_EXIT()),
	C("map_value_unchecked_null", -EACCES, "invalid mem access 'map_value_or_null'",
	  LOOKUP(HASH_FD), KI_LDX_MEM(BPF_DW, R0, R0, 0), KI_EXIT()),
	C("map_value_oob", -EACCES, "invalid access to map value", LOOKUP(HASH_FD),
	  KI_JMP_IMM(BPF_JEQ, R0, 0, 1), KI_LDX_MEM(BPF_DW, R0, R0, 8), KI_EXIT()),
	C("map_value_negative_off", -EACCES, "invalid access to map value", LOOKUP(HASH_FD),
	  KI_JMP_IMM(BPF_JEQ, R0, 0, 1), KI_LDX_MEM(BPF_B, R0, R0, -1), KI_EXIT()),
	C("map_value_variable_off", -EACCES, "min value is negative", LOOKUP(HASH_FD),
	  KI_JMP_IMM(BPF_JEQ, R0, 0, 3), KI_LDX_MEM(BPF_DW, R1, R0, 0),
	  KI_ALU64_REG(BPF_ADD, R0, R1), KI_LDX_MEM(BPF_B, R0, R0, 0), KI_EXIT()),
	C("or_null_arith", -EACCES, "pointer arithmetic on map_value_or_null", LOOKUP(HASH_FD),
	  KI_ALU64_IMM(BPF_ADD, R0, 1), KI_EXIT()),
	CN("helper_key_uninit", -EACCES, "invalid read from stack", KI_MOV64_REG(R2, R10),
	  KI_ALU64_IMM(BPF_ADD, R2, -4), KI_LD_MAP_FD(R1, HASH_FD),
	  KI_CALL(BPF_FUNC_map_lookup_elem), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("helper_key_not_pointer", -EACCES, "expected=fp", KI_MOV64_IMM(R2, 0),
	  KI_LD_MAP_FD(R1, HASH_FD), KI_CALL(BPF_FUNC_map_lookup_elem), KI_MOV64_IMM(R0, 0),
	  KI_EXIT()),
	C("helper_map_not_map", -EACCES, "expected=map_ptr", KI_ST_MEM(BPF_W, R10, -4, 0),
	  KI_MOV64_REG(R2, R10), KI_ALU64_IMM(BPF_ADD, R2, -4), KI_MOV64_IMM(R1, 0),
	  KI_CALL(BPF_FUNC_map_lookup_elem), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("helper_value_past_fp", -EACCES, "invalid indirect access",
	  KI_ST_MEM(BPF_W, R10, -8, 0), KI_ST_MEM(BPF_W, R10, -4, 0), KI_MOV64_REG(R2, R10),
	  KI_ALU64_IMM(BPF_ADD, R2, -4), KI_MOV64_REG(R3, R10), KI_ALU64_IMM(BPF_ADD, R3, -4),
	  KI_LD_MAP_FD(R1, HASH_FD), KI_MOV64_IMM(R4, 0), KI_CALL(BPF_FUNC_map_update_elem),
	  KI_EXIT()),
	C("call_clobbers_r1", -EACCES, "R1 !read_ok", LOOKUP(HASH_FD), KI_MOV64_REG(R0, R1),
	  KI_EXIT()),
	C("partial_fill_of_spilled_ptr", -EACCES, "invalid size of register fill",
	  KI_STX_MEM(BPF_DW, R10, R1, -8), KI_LDX_MEM(BPF_W, R0, R10, -8), KI_EXIT()),
	C("ptr_spill_wrong_size", -EACCES, "invalid size of register spill",
	  KI_STX_MEM(BPF_W, R10, R1, -8), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("ptr_alu32", -EACCES, "32-bit pointer arithmetic", KI_ALU32_IMM(BPF_ADD, R1, 1),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("ptr_mul", -EACCES, "prohibited", KI_ALU64_IMM(BPF_MUL, R1, 2), KI_MOV64_IMM(R0, 0),
	  KI_EXIT()),
	C("atomic_on_ctx", -EACCES, "BPF_ATOMIC stores into R1 ctx", KI_MOV64_IMM(R2, 1),
	  KI_ATOMIC(BPF_W, BPF_ADD, R1, R2, 48), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("atomic_fetch_into_fp", -EACCES, "frame pointer is read only",
	  KI_ST_MEM(BPF_DW, R10, -8, 3), KI_ATOMIC(BPF_DW, BPF_ADD | BPF_FETCH, R10, R10, -8),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("atomic_xchg_into_fp", -EACCES, "frame pointer is read only",
	  KI_ST_MEM(BPF_DW, R10, -8, 3), KI_ATOMIC(BPF_DW, BPF_XCHG, R10, R10, -8),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("st_into_ctx", -EACCES, "BPF_ST stores into R1 ctx", KI_ST_MEM(BPF_W, R1, 48, 1),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("infinite_loop_detected", -EINVAL, "infinite loop detected", KI_MOV64_IMM(R0, 0),
	  KI_JMP_IMM(BPF_JEQ, R0, 0, -2), KI_EXIT()),
	CN("helper_value_uninit", -EACCES, "invalid read from stack",
	  KI_ST_MEM(BPF_W, R10, -4, 0), KI_MOV64_REG(R2, R10), KI_ALU64_IMM(BPF_ADD, R2, -4),
	  KI_MOV64_REG(R3, R10), KI_ALU64_IMM(BPF_ADD, R3, -16), KI_LD_MAP_FD(R1, HASH_FD),
	  KI_MOV64_IMM(R4, 0), KI_CALL(BPF_FUNC_map_update_elem), KI_EXIT()),
	C("unbounded_loop_budget", -E2BIG, NULL, KI_LDX_MEM(BPF_W, R0, R1, 0),
	  KI_ALU64_IMM(BPF_ADD, R0, 1), KI_JMP_IMM(BPF_JNE, R0, 0, -2), KI_EXIT()),
	/* accepted, and run */
	C("log_lists_insns", -EACCES, "0: (bf) r0 = r2\nR2 !read_ok", KI_MOV64_REG(R0, R2),
	  KI_EXIT()),
	RUN("ld_abs_b", 0x45, KI_MOV64_REG(R6, R1), RAW(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 0),
	  KI_EXIT()),
	RUN("ld_abs_h_network_order", 0x4500, KI_MOV64_REG(R6, R1),
	  RAW(BPF_LD | BPF_ABS | BPF_H, 0, 0, 0, 0), KI_EXIT()),
	RUN("ld_abs_w", 0x01020304, KI_MOV64_REG(R6, R1), RAW(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 16),
	  KI_EXIT()),
	RUN("ld_abs_oob_returns_0", 0, KI_MOV64_REG(R6, R1), KI_MOV64_IMM(R7, 5),
	  RAW(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 18), KI_MOV64_IMM(R0, 7), KI_EXIT()),
	RUN("ld_ind", 0x0304, KI_MOV64_REG(R6, R1), KI_MOV64_IMM(R7, 10),
	  RAW(BPF_LD | BPF_IND | BPF_H, 0, R7, 0, 8), KI_EXIT()),
	RUN("ld_ind_negative_fails", 0, KI_MOV64_REG(R6, R1), KI_MOV64_IMM(R7, -1),
	  RAW(BPF_LD | BPF_IND | BPF_B, 0, R7, 0, 0), KI_EXIT()),
	RUN("ld_abs_skf_net_off", 0x45, KI_MOV64_REG(R6, R1),
	  RAW(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, -0x100000), KI_EXIT()),
	RUN("ld_abs_skf_ll_off_ethertype", 0x0800, KI_MOV64_REG(R6, R1),
	  RAW(BPF_LD | BPF_ABS | BPF_H, 0, 0, 0, -0x200000 + 12), KI_EXIT()),
	RUN("ctx_ifindex_read", 1, KI_LDX_MEM(BPF_W, R0, R1, offsetof(struct __sk_buff, ifindex)),
	  KI_EXIT()),
	RUN("map_value_pseudo_rw", 5, LD_VALUE_FD(R1, GLOBAL_FD, 8), KI_ST_MEM(BPF_DW, R1, 0, 5),
	  LD_VALUE_FD(R2, GLOBAL_FD, 0), KI_LDX_MEM(BPF_DW, R0, R2, 8), KI_EXIT()),
	C("map_value_pseudo_off_too_big", -EINVAL, "direct value access",
	  LD_VALUE_FD(R1, GLOBAL_FD, 16), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("map_value_pseudo_on_hash", -EINVAL, "direct value access",
	  LD_VALUE_FD(R1, HASH_FD, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("map_value_pseudo_multi_entry", -524, "direct value access",
	  LD_VALUE_FD(R1, ARRAY_FD, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("map_value_pseudo_oob", -EACCES, "invalid access to map value",
	  LD_VALUE_FD(R1, GLOBAL_FD, 12), KI_LDX_MEM(BPF_DW, R0, R1, 0), KI_EXIT()),
	/* bounds: variable offsets into map values */
	RUN("bounded_index_unsigned", 0, LOOKUP(ARRAY_FD), KI_JMP_IMM(BPF_JNE, R0, 0, 1), KI_EXIT(),
	  KI_LDX_MEM(BPF_DW, R1, R0, 0), KI_JMP_IMM(BPF_JGT, R1, 7, 2),
	  KI_ALU64_REG(BPF_ADD, R0, R1), KI_LDX_MEM(BPF_B, R0, R0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("bounded_index_off_by_one", -EACCES, "max value is outside", LOOKUP(ARRAY_FD),
	  KI_JMP_IMM(BPF_JNE, R0, 0, 1), KI_EXIT(),
	  KI_LDX_MEM(BPF_DW, R1, R0, 0), KI_JMP_IMM(BPF_JGT, R1, 8, 2),
	  KI_ALU64_REG(BPF_ADD, R0, R1), KI_LDX_MEM(BPF_B, R0, R0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	RUN("bounded_index_and_mask", 0, LOOKUP(ARRAY_FD), KI_JMP_IMM(BPF_JNE, R0, 0, 1), KI_EXIT(),
	  KI_LDX_MEM(BPF_DW, R1, R0, 0), KI_ALU64_IMM(BPF_AND, R1, 7),
	  KI_ALU64_REG(BPF_ADD, R0, R1), KI_LDX_MEM(BPF_B, R0, R0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("bounded_index_mask_too_wide", -EACCES, "max value is outside", LOOKUP(ARRAY_FD),
	  KI_JMP_IMM(BPF_JNE, R0, 0, 1), KI_EXIT(),
	  KI_LDX_MEM(BPF_DW, R1, R0, 0), KI_ALU64_IMM(BPF_AND, R1, 7),
	  KI_ALU64_REG(BPF_ADD, R0, R1), KI_LDX_MEM(BPF_H, R0, R0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	RUN("bounded_index_signed_pair", 0, LOOKUP(ARRAY_FD), KI_JMP_IMM(BPF_JNE, R0, 0, 1), KI_EXIT(),
	  KI_LDX_MEM(BPF_DW, R1, R0, 0), KI_JMP_IMM(BPF_JSGT, R1, 6, 3), KI_JMP_IMM(BPF_JSLT, R1, 0, 2),
	  KI_ALU64_REG(BPF_ADD, R0, R1), KI_LDX_MEM(BPF_H, R0, R0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("signed_upper_only", -EACCES, "min value is negative", LOOKUP(ARRAY_FD),
	  KI_JMP_IMM(BPF_JNE, R0, 0, 1), KI_EXIT(),
	  KI_LDX_MEM(BPF_DW, R1, R0, 0), KI_JMP_IMM(BPF_JSGT, R1, 6, 2),
	  KI_ALU64_REG(BPF_ADD, R0, R1), KI_LDX_MEM(BPF_H, R0, R0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	RUN("bounded_index_jmp32_u32_load", 0, LOOKUP(ARRAY_FD), KI_JMP_IMM(BPF_JNE, R0, 0, 1),
	  KI_EXIT(), KI_LDX_MEM(BPF_W, R1, R0, 0), KI_JMP32_IMM(BPF_JGE, R1, 4, 2),
	  KI_ALU64_REG(BPF_ADD, R0, R1), KI_LDX_MEM(BPF_B, R0, R0, 4), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("jmp32_bound_not_64bit", -EACCES, "min value is negative", LOOKUP(ARRAY_FD),
	  KI_JMP_IMM(BPF_JNE, R0, 0, 1), KI_EXIT(),
	  KI_LDX_MEM(BPF_DW, R1, R0, 0), KI_JMP32_IMM(BPF_JGE, R1, 4, 2),
	  KI_ALU64_REG(BPF_ADD, R0, R1), KI_LDX_MEM(BPF_B, R0, R0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	RUN("scalar_compare_scalar", 0, LOOKUP(ARRAY_FD), KI_JMP_IMM(BPF_JNE, R0, 0, 1), KI_EXIT(),
	  KI_LDX_MEM(BPF_DW, R1, R0, 0), KI_MOV64_IMM(R2, 6), KI_JMP_REG(BPF_JGE, R1, R2, 2),
	  KI_ALU64_REG(BPF_ADD, R0, R1), KI_LDX_MEM(BPF_H, R0, R0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	RUN("dead_branch_by_range", 3, KI_LDX_MEM(BPF_B, R1, R1, 0), KI_MOV64_IMM(R0, 3),
	  KI_JMP_IMM(BPF_JLE, R1, 255, 1), KI_MOV64_REG(R0, R5), KI_EXIT()),
	RUN("shift_bounds", 0, LOOKUP(ARRAY_FD), KI_JMP_IMM(BPF_JNE, R0, 0, 1), KI_EXIT(),
	  KI_LDX_MEM(BPF_DW, R1, R0, 0), KI_ALU64_IMM(BPF_RSH, R1, 61),
	  KI_ALU64_REG(BPF_ADD, R0, R1), KI_LDX_MEM(BPF_B, R0, R0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	/* pruning: 16 independent diamonds would be 2^16 paths without it */
	RUN("pruning_diamonds", 0, KI_MOV64_IMM(R0, 0), DIAMONDS_16, KI_MOV64_IMM(R0, 0),
	  KI_EXIT()),
	/*
	 * no_prune: the same 16 diamonds are 2^16 paths, past the budget;
	 * loops are still found (live ancestors are kept); the CVE-2023-2163
	 * program is rejected without pruning too
	 */
	CP("no_prune_diamonds_budget", -E2BIG, NULL, KI_MOV64_IMM(R0, 0), DIAMONDS_16,
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	CP("no_prune_infinite_loop", -EINVAL, "infinite loop detected", KI_MOV64_IMM(R0, 0),
	  KI_JMP_IMM(BPF_JEQ, R0, 0, -2), KI_EXIT()),
	/* dead code is never checked: it must become harmless (goto pc-1) */
	RUN("dead_code_bad_helper_id", 0, KI_MOV64_IMM(R0, 0), KI_JMP_IMM(BPF_JEQ, R0, 0, 1),
	  KI_CALL(99999), KI_EXIT()),
	RUN("ret_1", 1, KI_MOV64_IMM(R0, 1), KI_EXIT()),
	RUN("known_branch_prunes_bad_arm", 7, KI_MOV64_IMM(R1, 3),
	  KI_JMP_IMM(BPF_JEQ, R1, 3, 1), KI_MOV64_REG(R0, R2), KI_MOV64_IMM(R0, 7), KI_EXIT()),
	RUN("spill_and_fill_pointer", 20, KI_ST_MEM(BPF_DW, R10, -16, 20),
	  KI_MOV64_REG(R6, R10), KI_ALU64_IMM(BPF_ADD, R6, -16), KI_STX_MEM(BPF_DW, R10, R6, -8),
	  KI_LDX_MEM(BPF_DW, R2, R10, -8), KI_LDX_MEM(BPF_DW, R0, R2, 0), KI_EXIT()),
	RUN("stack_ptr_difference", 16, KI_MOV64_REG(R0, R10), KI_MOV64_REG(R2, R10),
	  KI_ALU64_IMM(BPF_ADD, R2, -16), KI_ALU64_REG(BPF_SUB, R0, R2), KI_EXIT()),
	RUN("scalar_plus_ptr", 5, KI_ST_MEM(BPF_DW, R10, -8, 5), KI_MOV64_IMM(R2, -8),
	  KI_ALU64_REG(BPF_ADD, R2, R10), KI_LDX_MEM(BPF_DW, R0, R2, 0), KI_EXIT()),
	RUN("hash_lookup_miss_null_checked", 99, LOOKUP(HASH_FD), KI_MOV64_REG(R1, R0),
	  KI_MOV64_IMM(R0, 99), KI_JMP_IMM(BPF_JEQ, R1, 0, 1), KI_LDX_MEM(BPF_DW, R0, R1, 0),
	  KI_EXIT()),
	RUN("array_update_then_lookup", 42,
	  KI_ST_MEM(BPF_W, R10, -4, 2), KI_ST_MEM(BPF_DW, R10, -16, 42), KI_MOV64_REG(R2, R10),
	  KI_ALU64_IMM(BPF_ADD, R2, -4), KI_MOV64_REG(R3, R10), KI_ALU64_IMM(BPF_ADD, R3, -16),
	  KI_LD_MAP_FD(R1, ARRAY_FD), KI_MOV64_IMM(R4, 0), KI_CALL(BPF_FUNC_map_update_elem),
	  KI_MOV64_REG(R2, R10), KI_ALU64_IMM(BPF_ADD, R2, -4), KI_LD_MAP_FD(R1, ARRAY_FD),
	  KI_CALL(BPF_FUNC_map_lookup_elem), KI_JMP_IMM(BPF_JNE, R0, 0, 1), KI_EXIT(),
	  KI_LDX_MEM(BPF_DW, R0, R0, 0), KI_EXIT()),
	RUN("null_check_refines_copies", 0, LOOKUP(ARRAY_FD), KI_MOV64_REG(R6, R0),
	  KI_JMP_IMM(BPF_JNE, R0, 0, 2), KI_MOV64_IMM(R0, 1), KI_EXIT(),
	  KI_MOV64_IMM(R1, 1), KI_ATOMIC(BPF_DW, BPF_ADD, R6, R1, 0), KI_MOV64_IMM(R0, 0),
	  KI_EXIT()),
	RUN("ctx_cb_write_read", 77, KI_MOV64_IMM(R2, 77), KI_STX_MEM(BPF_W, R1, R2, 48 + 8),
	  KI_LDX_MEM(BPF_W, R0, R1, 48 + 8), KI_EXIT()),
	RUN("ctx_narrow_read_len", 0x34, KI_LDX_MEM(BPF_B, R0, R1, 0), KI_EXIT()),
	RUN("call_doubles_arg", 10, KI_MOV64_IMM(R1, 5), PCALL(1), KI_EXIT(),
	  KI_MOV64_REG(R0, R1), KI_ALU64_IMM(BPF_MUL, R0, 2), KI_EXIT()),
	RUN("call_preserves_r6_to_r9", 8, KI_MOV64_IMM(R6, 7), KI_MOV64_IMM(R1, 1), PCALL(2),
	  KI_ALU64_REG(BPF_ADD, R0, R6), KI_EXIT(),
	  KI_MOV64_IMM(R6, 100), KI_MOV64_REG(R0, R1), KI_EXIT()),
	RUN("call_reads_caller_stack", 33, KI_ST_MEM(BPF_DW, R10, -8, 33),
	  KI_MOV64_REG(R1, R10), KI_ALU64_IMM(BPF_ADD, R1, -8), PCALL(1), KI_EXIT(),
	  KI_ST_MEM(BPF_DW, R10, -8, 1), KI_LDX_MEM(BPF_DW, R0, R1, 0), KI_EXIT()),
	RUN("call_writes_caller_stack", 44, KI_ST_MEM(BPF_DW, R10, -16, 0),
	  KI_MOV64_REG(R1, R10), KI_ALU64_IMM(BPF_ADD, R1, -16), PCALL(2),
	  KI_LDX_MEM(BPF_DW, R0, R10, -16), KI_EXIT(),
	  KI_ST_MEM(BPF_DW, R10, -8, 1), KI_ST_MEM(BPF_DW, R1, 0, 44), KI_MOV64_IMM(R0, 0),
	  KI_EXIT()),
	RUN("call_nested_three", 7, KI_MOV64_IMM(R1, 1), PCALL(1), KI_EXIT(),
	  KI_ALU64_IMM(BPF_ADD, R1, 2), PCALL(1), KI_EXIT(),
	  KI_ST_MEM(BPF_DW, R10, -24, 4), KI_LDX_MEM(BPF_DW, R0, R10, -24),
	  KI_ALU64_REG(BPF_ADD, R0, R1), KI_EXIT()),
	RUN("call_twice_same_callee", 6, KI_MOV64_IMM(R1, 2), PCALL(5), KI_MOV64_REG(R6, R0),
	  KI_MOV64_IMM(R1, 1), PCALL(2), KI_ALU64_REG(BPF_ADD, R0, R6), KI_EXIT(),
	  KI_MOV64_REG(R0, R1), KI_ALU64_IMM(BPF_MUL, R0, 2), KI_EXIT()),
	RUN("call_helper_in_callee", 99, PCALL(2), KI_MOV64_IMM(R0, 99), KI_EXIT(),
	  LOOKUP(HASH_FD), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	RUN("bounded_loop_constant", 3, KI_MOV64_IMM(R0, 0), KI_ALU64_IMM(BPF_ADD, R0, 1),
	  KI_JMP_IMM(BPF_JLT, R0, 3, -2), KI_EXIT()),
	/* ring buffers: reference tracking */
	RUN("ringbuf_reserve_write_submit", 7, KI_MOV64_REG(R6, R1), RESERVE_CHECKED(16),
	  KI_ST_MEM(BPF_DW, R0, 8, 7), KI_LDX_MEM(BPF_DW, R6, R0, 8), SUBMIT(R7),
	  KI_MOV64_REG(R0, R6), KI_EXIT()),
	RUN("ringbuf_null_check_refines_copy", 0, RESERVE_CHECKED(8), DISCARD(R7),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	RUN("ringbuf_release_on_both_arms", 0, KI_LDX_MEM(BPF_W, R6, R1, 0), RESERVE_CHECKED(8),
	  KI_JMP_IMM(BPF_JSET, R6, 1, 4), SUBMIT(R7), KI_JA(3), DISCARD(R7),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	RUN("ringbuf_helper_writes_sample", 0x45, KI_MOV64_REG(R6, R1), RESERVE_CHECKED(16),
	  KI_MOV64_REG(R1, R6), KI_MOV64_IMM(R2, 0), KI_MOV64_REG(R3, R7), KI_MOV64_IMM(R4, 16),
	  KI_CALL(BPF_FUNC_skb_load_bytes), KI_LDX_MEM(BPF_B, R6, R7, 0), SUBMIT(R7),
	  KI_MOV64_REG(R0, R6), KI_EXIT()),
	RUN("ringbuf_output_from_stack", 0, KI_ST_MEM(BPF_DW, R10, -8, 1), KI_LD_MAP_FD(R1, RB_FD),
	  KI_MOV64_REG(R2, R10), KI_ALU64_IMM(BPF_ADD, R2, -8), KI_MOV64_IMM(R3, 8),
	  KI_MOV64_IMM(R4, 0), KI_CALL(BPF_FUNC_ringbuf_output), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	RUN("ringbuf_query", 4096, KI_LD_MAP_FD(R1, RB_FD), KI_MOV64_IMM(R2, BPF_RB_RING_SIZE),
	  KI_CALL(BPF_FUNC_ringbuf_query), KI_EXIT()),
	C("ringbuf_leak", -EINVAL, "Unreleased reference id=", RESERVE_CHECKED(8),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("ringbuf_leak_unchecked", -EINVAL, "Unreleased reference", RESERVE(8),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	/* the submitting arm is walked first: the leaking one must not be pruned at the join */
	C("ringbuf_leak_on_one_arm_not_pruned", -EINVAL, "Unreleased reference",
	  KI_LDX_MEM(BPF_W, R6, R1, 0), RESERVE_CHECKED(8), KI_JMP_IMM(BPF_JSET, R6, 1, 3),
	  SUBMIT(R7), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	CN("ringbuf_double_submit", -EACCES, "R7 !read_ok", RESERVE_CHECKED(8), SUBMIT(R7),
	  SUBMIT(R7), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	CN("ringbuf_submit_then_discard_copy", -EACCES, "R1 !read_ok", RESERVE_CHECKED(8),
	  KI_STX_MEM(BPF_DW, R10, R7, -8), SUBMIT(R7), KI_LDX_MEM(BPF_DW, R1, R10, -8),
	  KI_MOV64_IMM(R2, 0), KI_CALL(BPF_FUNC_ringbuf_discard), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	CN("ringbuf_use_after_submit", -EACCES, "R7 !read_ok", RESERVE_CHECKED(8), SUBMIT(R7),
	  KI_LDX_MEM(BPF_DW, R0, R7, 0), KI_EXIT()),
	C("ringbuf_deref_before_null_check", -EACCES, "invalid mem access 'alloc_mem_or_null'",
	  RESERVE(8), KI_ST_MEM(BPF_DW, R0, 0, 1), KI_EXIT()),
	C("ringbuf_submit_maybe_null", -EACCES, "expected=alloc_mem", RESERVE(8), SUBMIT(R0),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("ringbuf_submit_moved_ptr", -EACCES, "dereference of modified alloc_mem ptr R1 off=8", RESERVE_CHECKED(16),
	  KI_ALU64_IMM(BPF_ADD, R7, 8), SUBMIT(R7), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("ringbuf_arith_before_null_check", -EACCES, "null-check it first", RESERVE(16),
	  KI_ALU64_IMM(BPF_ADD, R0, 8), KI_EXIT()),
	C("ringbuf_write_past_sample", -EACCES, "invalid access to memory, mem_size=16",
	  RESERVE_CHECKED(16), KI_ST_MEM(BPF_DW, R0, 16, 1), SUBMIT(R7), KI_MOV64_IMM(R0, 0),
	  KI_EXIT()),
	C("ringbuf_size_not_constant", -EACCES, "not a known constant",
	  KI_LDX_MEM(BPF_W, R2, R1, 0), KI_LD_MAP_FD(R1, RB_FD), KI_MOV64_IMM(R3, 0),
	  KI_CALL(BPF_FUNC_ringbuf_reserve), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("ringbuf_reserve_on_hash", -EINVAL, "cannot pass map_type", KI_LD_MAP_FD(R1, HASH_FD),
	  KI_MOV64_IMM(R2, 8), KI_MOV64_IMM(R3, 0), KI_CALL(BPF_FUNC_ringbuf_reserve),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("ringbuf_map_lookup", -EACCES, NULL, LOOKUP(RB_FD),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("ringbuf_submit_stack_ptr", -EACCES, "expected=alloc_mem", KI_MOV64_REG(R1, R10),
	  KI_ALU64_IMM(BPF_ADD, R1, -8), KI_MOV64_IMM(R2, 0), KI_CALL(BPF_FUNC_ringbuf_submit),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("ringbuf_ld_abs_with_reference", -EINVAL, "cannot be mixed with socket references",
	  KI_MOV64_REG(R6, R1), RESERVE_CHECKED(8), RAW(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 0),
	  SUBMIT(R7), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	/* a bounded loop reserving and submitting one sample per iteration */
	C("ringbuf_loop_reserve_submit", 0, NULL, KI_LDX_MEM(BPF_W, R6, R1, 0),
	  KI_MOV64_IMM(R7, 0), RESERVE(16), KI_JMP_IMM(BPF_JNE, R0, 0, 3), KI_MOV64_IMM(R0, 100),
	  KI_ALU64_REG(BPF_SUB, R0, R7), KI_EXIT(), KI_STX_MEM(BPF_DW, R0, R6, 0),
	  KI_STX_MEM(BPF_DW, R0, R7, 8), SUBMIT(R0), KI_ALU64_IMM(BPF_ADD, R7, 1),
	  KI_JMP_IMM(BPF_JLT, R7, 100, -16), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	RUN("ringbuf_atomic_add_in_sample", 5, RESERVE_CHECKED(8), KI_ST_MEM(BPF_DW, R7, 0, 2),
	  KI_MOV64_IMM(R1, 3), KI_ATOMIC(BPF_DW, BPF_ADD, R7, R1, 0), KI_LDX_MEM(BPF_DW, R6, R7, 0),
	  DISCARD(R7), KI_MOV64_REG(R0, R6), KI_EXIT()),
	C("ringbuf_atomic_variable_misaligned", -EACCES, "misaligned atomic access",
	  KI_LDX_MEM(BPF_W, R6, R1, 0), RESERVE_CHECKED(16), KI_ALU64_IMM(BPF_AND, R6, 4),
	  KI_ALU64_REG(BPF_ADD, R7, R6), KI_MOV64_IMM(R1, 1),
	  KI_ATOMIC(BPF_DW, BPF_ADD, R7, R1, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	RUN("ringbuf_atomic_variable_aligned", 0, KI_LDX_MEM(BPF_W, R6, R1, 0),
	  RESERVE_CHECKED(16), KI_ALU64_IMM(BPF_AND, R6, 8), KI_MOV64_REG(R8, R7),
	  KI_ALU64_REG(BPF_ADD, R8, R6), KI_MOV64_IMM(R1, 1),
	  KI_ATOMIC(BPF_DW, BPF_ADD, R8, R1, 0), DISCARD(R7), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	RUN("ringbuf_misaligned_load", 0, RESERVE_CHECKED(16), KI_ST_MEM(BPF_DW, R7, 0, 0),
	  KI_ST_MEM(BPF_DW, R7, 8, 0), KI_LDX_MEM(BPF_DW, R6, R7, 5), DISCARD(R7),
	  KI_MOV64_REG(R0, R6), KI_EXIT()),
	C("ringbuf_sample_as_map_value", -EACCES, "R3 type=alloc_mem expected=fp",
	  RESERVE_CHECKED(8), KI_ST_MEM(BPF_W, R10, -4, 0), KI_LD_MAP_FD(R1, ARRAY_FD),
	  KI_MOV64_REG(R2, R10), KI_ALU64_IMM(BPF_ADD, R2, -4), KI_MOV64_REG(R3, R7),
	  KI_MOV64_IMM(R4, 0), KI_CALL(BPF_FUNC_map_update_elem), DISCARD(R7),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	/* a callee's reference, released by its caller */
	RUN("ringbuf_reserve_in_callee", 0, PCALL(6), KI_JMP_IMM(BPF_JEQ, R0, 0, 3), SUBMIT(R0),
	  KI_MOV64_IMM(R0, 0), KI_EXIT(), RESERVE(8), KI_EXIT()),
	/* map-in-map: the outer value is the inner map, checked against the template */
	RUN("map_in_map_inner_lookup", 0, LOOKUP(MIM_FD), KI_JMP_IMM(BPF_JEQ, R0, 0, 7),
	  KI_MOV64_REG(R1, R0), KI_MOV64_REG(R2, R10), KI_ALU64_IMM(BPF_ADD, R2, -4),
	  KI_CALL(BPF_FUNC_map_lookup_elem), KI_JMP_IMM(BPF_JEQ, R0, 0, 2),
	  KI_LDX_MEM(BPF_DW, R0, R0, 0), KI_EXIT(), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("map_in_map_inner_value_size", -EACCES, "invalid access to map value",
	  LOOKUP(MIM_FD), KI_JMP_IMM(BPF_JEQ, R0, 0, 7),
	  KI_MOV64_REG(R1, R0), KI_MOV64_REG(R2, R10), KI_ALU64_IMM(BPF_ADD, R2, -4),
	  KI_CALL(BPF_FUNC_map_lookup_elem), KI_JMP_IMM(BPF_JEQ, R0, 0, 2),
	  KI_LDX_MEM(BPF_DW, R0, R0, 8), KI_EXIT(), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("map_in_map_no_outer_value_access", -EACCES, "map_ptr",
	  LOOKUP(MIM_FD), KI_JMP_IMM(BPF_JEQ, R0, 0, 1), KI_LDX_MEM(BPF_W, R0, R0, 0),
	  KI_EXIT()),
	C("map_in_map_update_refused", -EINVAL, "cannot pass map_type 12",
	  KI_ST_MEM(BPF_W, R10, -4, 0), KI_ST_MEM(BPF_W, R10, -8, 0), KI_LD_MAP_FD(R1, MIM_FD),
	  KI_MOV64_REG(R2, R10), KI_ALU64_IMM(BPF_ADD, R2, -4), KI_MOV64_REG(R3, R10),
	  KI_ALU64_IMM(BPF_ADD, R3, -8), KI_MOV64_IMM(R4, 0), KI_CALL(BPF_FUNC_map_update_elem),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("map_in_map_unchecked_inner", -EACCES, "R1 type=map_value_or_null expected=map_ptr",
	  LOOKUP(MIM_FD), KI_MOV64_REG(R1, R0), KI_MOV64_REG(R2, R10),
	  KI_ALU64_IMM(BPF_ADD, R2, -4), KI_CALL(BPF_FUNC_map_lookup_elem),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	/* variable-offset stack accesses (6.1, CAP_PERFMON): fp-16 or fp-8 here */
	RUN("varoff_stack_write_then_read", 7, FP_VAR(R2, 8, 16), KI_ST_MEM(BPF_DW, R2, 0, 7),
	  KI_LDX_MEM(BPF_DW, R0, R2, 0), KI_EXIT()),
	C("varoff_stack_read_uninit", 0, NULL, FP_VAR(R2, 4, 8), KI_LDX_MEM(BPF_W, R0, R2, 0),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("varoff_stack_write_past_frame", -EACCES,
	  "invalid variable-offset write to stack R2 var_off=(0x0; 0xfffffffffffffff8) size=8",
	  FP_VAR(R2, 8, 8), KI_ST_MEM(BPF_DW, R2, 0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("varoff_stack_read_below_frame", -EACCES, "invalid variable-offset read from stack R2",
	  FP_VAR(R2, 8, 520), KI_LDX_MEM(BPF_DW, R0, R2, 0), KI_EXIT()),
	C("varoff_stack_unbounded", -EACCES, "invalid unbounded variable-offset write to stack R2",
	  KI_LDX_MEM(BPF_W, R2, R1, 0), KI_ALU64_IMM(BPF_SUB, R2, 16),
	  KI_ALU64_REG(BPF_ADD, R2, R10), KI_ST_MEM(BPF_B, R2, 0, 0), KI_MOV64_IMM(R0, 0),
	  KI_EXIT()),
	C("varoff_stack_misaligned", -EACCES, "misaligned stack access", FP_VAR(R2, 4, 16),
	  KI_ST_MEM(BPF_DW, R2, 0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	/* the write may have hit the spilled ctx pointer: it fills as a number */
	C("varoff_stack_write_clobbers_spill", -EACCES, "R2 invalid mem access 'scalar'",
	  KI_STX_MEM(BPF_DW, R10, R1, -8), FP_VAR(R2, 8, 16), KI_ST_MEM(BPF_DW, R2, 0, 0),
	  KI_LDX_MEM(BPF_DW, R2, R10, -8), KI_LDX_MEM(BPF_W, R0, R2, 0), KI_EXIT()),
	CN("varoff_stack_unpriv", -EACCES, "R2 variable stack access prohibited for !root",
	   KI_ST_MEM(BPF_DW, R10, -16, 0), KI_ST_MEM(BPF_DW, R10, -8, 0), FP_VAR(R2, 8, 16),
	   KI_LDX_MEM(BPF_DW, R0, R2, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	/* a key at fp-8 or fp-4, both initialised; then one that may reach fp+0 */
	C("varoff_stack_helper_key", 0, NULL, KI_ST_MEM(BPF_DW, R10, -8, 0), FP_VAR(R2, 4, 8),
	  KI_LD_MAP_FD(R1, HASH_FD), KI_CALL(BPF_FUNC_map_lookup_elem), KI_MOV64_IMM(R0, 0),
	  KI_EXIT()),
	C("varoff_stack_helper_key_past_frame", -EACCES,
	  "invalid variable-offset indirect access to stack R2", KI_ST_MEM(BPF_DW, R10, -8, 0),
	  FP_VAR(R2, 8, 8), KI_LD_MAP_FD(R1, HASH_FD), KI_CALL(BPF_FUNC_map_lookup_elem),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	/* a helper writing somewhere in fp-8..fp-1 destroys the spill there */
	C("varoff_stack_helper_write_clobbers_spill", -EACCES, "R0 invalid mem access 'scalar'",
	  KI_MOV64_REG(R6, R1), KI_STX_MEM(BPF_DW, R10, R1, -8), FP_VAR(R3, 4, 8),
	  KI_MOV64_REG(R1, R6), KI_MOV64_IMM(R2, 0), KI_MOV64_IMM(R4, 4),
	  KI_CALL(BPF_FUNC_skb_load_bytes), KI_LDX_MEM(BPF_DW, R0, R10, -8),
	  KI_LDX_MEM(BPF_W, R0, R0, 0), KI_EXIT()),
	/*
	 * pruning: fp-16 + (len & 8) is verified first; fp-16 + (len & 24)
	 * reaching the same store is not contained in it (it may hit fp+0)
	 */
	C("varoff_stack_prune_wider_range", -EACCES, "invalid variable-offset write to stack R5",
	  KI_LDX_MEM(BPF_W, R2, R1, 0), KI_MOV64_REG(R3, R2), KI_MOV64_REG(R4, R2),
	  KI_ALU64_IMM(BPF_AND, R4, 8), KI_ALU64_IMM(BPF_AND, R2, 24), KI_MOV64_REG(R5, R10),
	  KI_ALU64_IMM(BPF_ADD, R5, -16), KI_JMP_IMM(BPF_JSET, R3, 1, 2),
	  KI_ALU64_REG(BPF_ADD, R5, R4), KI_JA(1), KI_ALU64_REG(BPF_ADD, R5, R2),
	  KI_ST_MEM(BPF_DW, R5, 0, 0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	/* the distance of a variable stack pointer from fp is no constant */
	C("varoff_stack_ptr_diff_unknown", -EACCES, "invalid unbounded variable-offset",
	  FP_VAR(R2, 8, 16), KI_MOV64_REG(R3, R2), KI_ALU64_REG(BPF_SUB, R3, R10),
	  KI_MOV64_REG(R4, R10), KI_ALU64_REG(BPF_ADD, R4, R3), KI_ST_MEM(BPF_B, R4, 0, 0),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	/*
	 * CVE regressions: our own programs for verifier bugs Linux had, each
	 * turning the wrong bound into an out-of-bounds access, so a rejection
	 * is the safety check firing; accepted siblings have the same shape
	 * with a bound that is really safe.
	 */
	C("cve_2020_8835_jmp32_narrowing", -EACCES, "max value is outside", CVE_2020_8835(12)),
	C("cve_2020_8835_jmp32_narrowing_ok", 0, NULL, CVE_2020_8835(2)),
	C("cve_2021_3490_alu32_and", -EACCES, "off=4096 size=1",
	  CVE_2021_3490(KI_ALU64_IMM(BPF_ADD, R1, 3), BPF_AND, 0xffffffff00000001ULL, 12)),
	C("cve_2021_3490_alu32_and_ok", 0, NULL,
	  CVE_2021_3490(KI_ALU64_IMM(BPF_ADD, R1, 3), BPF_AND, 0xffffffff00000001ULL, 2)),
	C("cve_2021_3490_alu32_or", -EACCES, "off=4096 size=1",
	  CVE_2021_3490(KI_MOV64_IMM(R4, 0), BPF_OR, 1, 12)),
	C("cve_2021_3490_alu32_or_ok", 0, NULL, CVE_2021_3490(KI_MOV64_IMM(R4, 0), BPF_OR, 1, 2)),
	C("cve_2021_3490_alu32_xor", -EACCES, "off=4096 size=1",
	  CVE_2021_3490(KI_MOV64_IMM(R4, 0), BPF_XOR, 1, 12)),
	C("cve_2021_3490_alu32_xor_ok", 0, NULL,
	  CVE_2021_3490(KI_MOV64_IMM(R4, 0), BPF_XOR, 1, 2)),
	C("cve_2021_31440_64_into_32_bounds", -EACCES, "max value is outside",
	  CVE_2021_31440(12)),
	C("cve_2021_31440_64_into_32_bounds_ok", 0, NULL, CVE_2021_31440(2)),
	/*
	 * CVE-2022-23222: arithmetic on a pointer that may be NULL, then the
	 * NULL check on the result: NULL + 4096 passes it, and the store
	 * through "the sample" writes to address 0. The sibling checks first.
	 */
	C("cve_2022_23222_ringbuf_or_null_arith", -EACCES,
	  "pointer arithmetic on alloc_mem_or_null prohibited", RESERVE(8),
	  KI_ALU64_IMM(BPF_ADD, R0, 4096), KI_JMP_IMM(BPF_JEQ, R0, 0, 5),
	  KI_ALU64_IMM(BPF_SUB, R0, 4096), KI_ST_MEM(BPF_DW, R0, 0, 0), SUBMIT(R0),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("cve_2022_23222_ringbuf_or_null_arith_ok", 0, NULL, RESERVE(8),
	  KI_JMP_IMM(BPF_JEQ, R0, 0, 6), KI_MOV64_REG(R6, R0), KI_ALU64_IMM(BPF_ADD, R6, 4),
	  KI_ST_MEM(BPF_W, R6, 0, 0), SUBMIT(R0), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("cve_2022_23222_map_or_null_arith", -EACCES,
	  "pointer arithmetic on map_value_or_null prohibited", LOOKUP(HASH_FD),
	  KI_ALU64_IMM(BPF_ADD, R0, 4096), KI_JMP_IMM(BPF_JEQ, R0, 0, 2),
	  KI_ALU64_IMM(BPF_SUB, R0, 4096), KI_ST_MEM(BPF_DW, R0, 0, 0), KI_MOV64_IMM(R0, 0),
	  KI_EXIT()),
	C("cve_2022_23222_map_or_null_arith_ok", 0, NULL, LOOKUP(HASH_FD),
	  KI_JMP_IMM(BPF_JEQ, R0, 0, 2), KI_ALU64_IMM(BPF_ADD, R0, 4), KI_ST_MEM(BPF_W, R0, 0, 0),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	C("cve_2023_2163_precision_pruning", -EACCES, "off=4096 size=1",
	  CVE_2023_2163(4096)),
	C("cve_2023_2163_precision_pruning_ok", 0, NULL, CVE_2023_2163(4)),
	CP("cve_2023_2163_precision_no_prune", -EACCES, "off=4096 size=1", CVE_2023_2163(4096)),
	/*
	 * CVE-2017-16995: a 32-bit mov's immediate zero-extends (r2 is
	 * 0xffffffff), so the 64-bit compare with -1 is always taken; the
	 * kernel sign-extended it (r2 == -1), took the jump as never taken and
	 * never checked its target: here a byte load (r2 >> 20 = 4095) past
	 * the value (-1 >> 20 would be 2^44 - 1). The sibling shifts r2 to 7
	 * instead and returns it (interpreter and JIT: the jump is taken).
	 */
	C("cve_2017_16995_mov32_sign_extension", -EACCES, "off=4095 size=1",
	  LOOKUP(ARRAY_FD), KI_JMP_IMM(BPF_JNE, R0, 0, 1), KI_EXIT(), KI_MOV32_IMM(R2, -1),
	  KI_JMP_IMM(BPF_JNE, R2, -1, 2), KI_MOV64_IMM(R0, 0), KI_EXIT(),
	  KI_ALU64_IMM(BPF_RSH, R2, 20), KI_ALU64_REG(BPF_ADD, R0, R2), KI_LDX_MEM(BPF_B, R0, R0, 0), KI_EXIT()),
	RUN("cve_2017_16995_mov32_sign_extension_ok", 7,
	  LOOKUP(ARRAY_FD), KI_JMP_IMM(BPF_JNE, R0, 0, 1), KI_EXIT(), KI_MOV32_IMM(R2, -1),
	  KI_JMP_IMM(BPF_JNE, R2, -1, 2), KI_MOV64_IMM(R0, 0), KI_EXIT(),
	  KI_ALU64_IMM(BPF_RSH, R2, 29), KI_ALU64_REG(BPF_ADD, R0, R2),
	  KI_LDX_MEM(BPF_B, R0, R0, 0), KI_MOV64_REG(R0, R2), KI_EXIT()),
};

static u32 prog_len(const struct bpf_insn *insns)
{
	u32 n = MAXI;

	while (n && !insns[n - 1].code && !insns[n - 1].imm &&
	       !(n >= 2 && insns[n - 2].code == (BPF_LD | BPF_DW | BPF_IMM)))
		n--;
	return n;
}

/* The packet the run cases see: an Ethernet header, then 20 bytes of "IPv4". */
static const u8 kt_frame[14 + 20] = {
	0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 0x08, 0x00,
	0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 1, 2, 3, 4,
};

static void kt_fill_ctx(struct kbpf_skb_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->skb.len = 0x1234;
	c->skb.ifindex = 1;
	c->mac = kt_frame;
	c->mac_len = 14;
	c->net = kt_frame + 14;
	c->net_len = 20;
}

static int run_case(const void *arg)
{
	const struct vcase *c = arg;
	struct bpf_insn prog[MAXI];
	struct kbpf_subprog subs[KBPF_MAX_SUBPROGS];
	u32 sub_cnt = 0;
	struct kbpf_skb_ctx skb;
	char log[8192];
	u32 n = prog_len(c->insns);
	int err;

	memcpy(prog, c->insns, sizeof(prog));
	/* Cases that only check errno run without a log: a 1M-insn walk would fill it. */
	kt_perfmon = !c->no_perfmon;
	kt_no_prune = c->no_prune;
	err = kt_verify_subprogs(prog, n, c->log ? log : NULL, sizeof(log), subs, &sub_cnt);
	kt_perfmon = true;
	kt_no_prune = false;
	if (!c->log)
		strcpy(log, "(no log)");
	KT_EXPECT(err == c->err, "verify = %d, want %d; log: %s", err, c->err, log);
	KT_EXPECT(!c->log || strstr(log, c->log), "log lacks '%s': %s", c->log,
		  strlen(log) > 600 ? log + strlen(log) - 600 : log);
	if (c->run) {
		struct kt_jit j;
		u64 r0;

		kt_fill_ctx(&skb);
		r0 = kbpf_interp_run(prog, kt_helpers, &skb);
		KT_EXPECT(r0 == c->r0, "interp r0 = %llu, want %llu", (unsigned long long)r0,
			  (unsigned long long)c->r0);
		err = kt_jit_load_subprogs(&j, prog, n, subs, sub_cnt, false, 0);
		KT_EXPECT(!err, "jit failed (%d)", err);
		kt_fill_ctx(&skb);
		r0 = j.fn(&skb);
		kt_jit_unload(&j);
		KT_EXPECT(r0 == c->r0, "jit r0 = %llu, want %llu", (unsigned long long)r0,
			  (unsigned long long)c->r0);
	}
	return 0;
}

/* A verified program has its map fd replaced by the descriptor pointer. */
static int test_map_fd_rewritten(void)
{
	struct bpf_insn prog[] = { KI_LD_MAP_FD(R1, HASH_FD), KI_MOV64_IMM(R0, 0), KI_EXIT() };
	u64 p;

	KT_EXPECT(!kt_verify(prog, ARRAY_SIZE(prog), NULL, 0), "rejected");
	p = (u32)prog[0].imm | ((u64)(u32)prog[1].imm << 32);
	KT_EXPECT(p == (u64)(uintptr_t)&kt_fds[HASH_FD]->desc, "imm is %#llx",
		  (unsigned long long)p);
	return 0;
}

/*
 * The inner lookup's map is only known at run time: the call must not be
 * noted for a direct call or inline lookup (the template is no map); the
 * outer one is.
 */
static int test_map_in_map_call_maps(void)
{
	struct bpf_insn prog[] = {
		LOOKUP(MIM_FD), KI_JMP_IMM(BPF_JEQ, R0, 0, 4), KI_MOV64_REG(R1, R0),
		KI_MOV64_REG(R2, R10), KI_ALU64_IMM(BPF_ADD, R2, -4),
		KI_CALL(BPF_FUNC_map_lookup_elem), KI_MOV64_IMM(R0, 0), KI_EXIT(),
	};

	KT_EXPECT(!kt_verify(prog, ARRAY_SIZE(prog), NULL, 0), "rejected");
	KT_EXPECT(kt_call_maps[5] == &kt_fds[MIM_FD]->desc, "outer call map %p",
		  (const void *)kt_call_maps[5]);
	KT_EXPECT(!kt_call_maps[10], "inner call noted with map %p", (const void *)kt_call_maps[10]);
	return 0;
}

/* A log too small for the messages is truncated, NUL-terminated, -ENOSPC. */
static int test_log_truncated(void)
{
	struct bpf_insn prog[] = { KI_MOV64_REG(R0, R2), KI_EXIT() };
	struct kbpf_verify_attr attr = {
		.insns = prog, .insn_cnt = 2, .prog_type = BPF_PROG_TYPE_SOCKET_FILTER,
		.bpf_capable = true, .log_level = 1,
	};
	char log[16];
	int err;

	memset(log, 'x', sizeof(log));
	attr.log_buf = log;
	attr.log_size = sizeof(log);
	err = kbpf_verify(&attr);
	KT_EXPECT(err == -ENOSPC, "err %d, want -ENOSPC", err);
	KT_EXPECT(attr.log_truncated, "not marked truncated");
	KT_EXPECT(memchr(log, '\0', sizeof(log)) == &log[sizeof(log) - 1], "not terminated");
	return 0;
}

/* With CAP_PERFMON, uninitialised stack may be read (as 6.1 allows root). */
static int test_perfmon_uninit_stack(void)
{
	struct bpf_insn prog[] = { KI_LDX_MEM(BPF_DW, R0, R10, -8), KI_EXIT() };
	struct kbpf_verify_attr attr = {
		.insns = prog, .insn_cnt = 2, .prog_type = BPF_PROG_TYPE_SOCKET_FILTER,
		.bpf_capable = true, .perfmon_capable = true,
	};

	KT_EXPECT(kbpf_verify(&attr) == 0, "rejected");
	KT_EXPECT(attr.stack_depth == 8, "stack depth %u", attr.stack_depth);
	return 0;
}

/* A gpl_only helper from a non-GPL program is refused (none yet: check table). */
static int test_proto_table(void)
{
	const struct kbpf_helper_proto *p = kbpf_helper_proto(BPF_FUNC_map_lookup_elem, 0);

	KT_EXPECT(p && !strcmp(p->name, "map_lookup_elem"), "lookup proto missing");
	KT_EXPECT(p->ret == KBPF_RET_PTR_TO_MAP_VALUE_OR_NULL, "lookup ret type");
	KT_EXPECT(!kbpf_helper_proto(KBPF_FUNC_MAX, 0), "out of range id accepted");
	KT_EXPECT(!kbpf_helper_proto(0, 0), "id 0 (unspec) accepted");
	return 0;
}

/* The dead call is replaced before any backend sees it. */
static int test_dead_code_sanitised(void)
{
	struct bpf_insn prog[] = { KI_MOV64_IMM(R0, 0), KI_JMP_IMM(BPF_JEQ, R0, 0, 1),
				   KI_CALL(99999), KI_EXIT() };

	KT_EXPECT(!kt_verify(prog, ARRAY_SIZE(prog), NULL, 0), "rejected");
	KT_EXPECT(prog[2].code == (BPF_JMP | BPF_JA) && prog[2].off == -1,
		  "dead call left as %#x", prog[2].code);
	return 0;
}

static int run_ringbuf_case(const void *arg)
{
	int err = run_case(arg);

	KT_EXPECT(err || !kt_rb_outstanding, "%d samples never submitted", kt_rb_outstanding);
	KT_EXPECT(err || !kt_rb_misuse, "%d commits of no live sample", kt_rb_misuse);
	kt_rb_reset();
	return err;
}

static const struct kbpf_map_desc mim_meta = {
	.map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 4,
	.is_meta = true,
};

static void all(void)
{
	struct kt_map *rb = calloc(1, sizeof(*rb));
	char name[128];
	size_t i;

	rb->desc.map_type = BPF_MAP_TYPE_RINGBUF;
	rb->desc.max_entries = 4096;
	kt_fds[RB_FD] = rb;

	kt_fds[HASH_FD] = kt_map_new(BPF_MAP_TYPE_HASH, 4, 8, 4);
	kt_fds[ARRAY_FD] = kt_map_new(BPF_MAP_TYPE_ARRAY, 4, 8, 4);
	kt_fds[GLOBAL_FD] = kt_map_new(BPF_MAP_TYPE_ARRAY, 4, 16, 1);
	kt_fds[MIM_FD] = kt_map_new(BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 4);
	kt_fds[MIM_FD]->desc.inner_meta = &mim_meta;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(name, sizeof(name), "verifier/%s", cases[i].name);
		kt_run_arg(name, strncmp(cases[i].name, "ringbuf", 7) ? run_case :
			   run_ringbuf_case, &cases[i]);
	}
	kt_run("verifier/map_fd_rewritten", test_map_fd_rewritten);
	kt_run("verifier/map_in_map_call_maps", test_map_in_map_call_maps);
	kt_run("verifier/dead_code_sanitised", test_dead_code_sanitised);
	kt_run("verifier/log_truncated_enospc", test_log_truncated);
	kt_run("verifier/perfmon_uninit_stack", test_perfmon_uninit_stack);
	kt_run("verifier/proto_table", test_proto_table);
	kt_map_free(kt_fds[HASH_FD]);
	kt_map_free(kt_fds[ARRAY_FD]);
	kt_map_free(kt_fds[GLOBAL_FD]);
	kt_map_free(kt_fds[MIM_FD]);
	kt_map_free(kt_fds[RB_FD]);
}

int main(int argc, char **argv)
{
	return kt_main(argc, argv, all);
}
