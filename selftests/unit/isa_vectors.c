// SPDX-License-Identifier: GPL-2.0
/*
 * ISA vectors: small programs and the r0 each must return, worked out by
 * hand from the BPF semantics (never computed with the code under test).
 * Every backend runs all of them: the interpreter, the JIT, and in the VM
 * both kbpf and the guest kernel.
 */
#include "vectors.h"
#include "kbpf_insn.h"

#define R0 BPF_REG_0
#define R1 BPF_REG_1
#define R2 BPF_REG_2
#define R3 BPF_REG_3
#define R10 BPF_REG_10


#define V(n, e, ...) { .name = n, .expect = (e), .insns = { __VA_ARGS__ } }
#define LD64(r, v) KI_LD_IMM64(r, v)

const struct kt_vec kt_vecs[] = {
	V("mov64_imm_sign_extends", 0xffffffffffffffffull, KI_MOV64_IMM(R0, -1), KI_EXIT()),
	V("mov32_imm_zero_extends", 0xffffffffull, KI_MOV32_IMM(R0, -1), KI_EXIT()),
	V("ld_imm64", 0x123456789abcdef0ull, LD64(R0, 0x123456789abcdef0ull), KI_EXIT()),
	V("add64_wraps", 0, LD64(R0, 0xffffffffffffffffull), KI_ALU64_IMM(BPF_ADD, R0, 1), KI_EXIT()),
	V("add32_truncates", 0, KI_MOV32_IMM(R0, -1), KI_ALU32_IMM(BPF_ADD, R0, 1), KI_EXIT()),
	V("add32_clears_upper", 1, LD64(R0, 0xffffffff00000000ull), KI_ALU32_IMM(BPF_ADD, R0, 1), KI_EXIT()),
	V("sub64", (u64)-5, KI_MOV64_IMM(R0, 5), KI_ALU64_IMM(BPF_SUB, R0, 10), KI_EXIT()),
	V("sub32", 0xfffffffbull, KI_MOV64_IMM(R0, 5), KI_ALU32_IMM(BPF_SUB, R0, 10), KI_EXIT()),
	V("mul64", 0xfffffffffffffffeull, KI_MOV64_IMM(R0, -1), KI_ALU64_IMM(BPF_MUL, R0, 2), KI_EXIT()),
	V("mul32", 0xfffffffeull, KI_MOV64_IMM(R0, -1), KI_ALU32_IMM(BPF_MUL, R0, 2), KI_EXIT()),
	V("div64_unsigned", 0x7fffffffffffffffull, KI_MOV64_IMM(R0, -1), KI_ALU64_IMM(BPF_DIV, R0, 2), KI_EXIT()),
	V("div64_intmin_by_minus1", 0, LD64(R0, 0x8000000000000000ull), KI_MOV64_IMM(R1, -1),
	  KI_ALU64_REG(BPF_DIV, R0, R1), KI_EXIT()),
	V("div64_by_zero_reg", 0, KI_MOV64_IMM(R0, 7), KI_MOV64_IMM(R1, 0),
	  KI_ALU64_REG(BPF_DIV, R0, R1), KI_EXIT()),
	V("div32_by_zero_reg", 0, KI_MOV64_IMM(R0, 7), KI_MOV64_IMM(R1, 0),
	  KI_ALU32_REG(BPF_DIV, R0, R1), KI_EXIT()),
	V("div32_uses_low_bits", 2, LD64(R0, 0x100000004ull), KI_MOV64_IMM(R1, 2),
	  KI_ALU32_REG(BPF_DIV, R0, R1), KI_EXIT()),
	V("mod64", 1, KI_MOV64_IMM(R0, 7), KI_ALU64_IMM(BPF_MOD, R0, 3), KI_EXIT()),
	V("mod64_by_zero_keeps_dst", 0xffffffff00000007ull, LD64(R0, 0xffffffff00000007ull),
	  KI_MOV64_IMM(R1, 0), KI_ALU64_REG(BPF_MOD, R0, R1), KI_EXIT()),
	V("mod32_by_zero_zero_extends", 7, LD64(R0, 0xffffffff00000007ull),
	  KI_MOV64_IMM(R1, 0), KI_ALU32_REG(BPF_MOD, R0, R1), KI_EXIT()),
	V("mod64_intmin_by_minus1", 0x8000000000000000ull, LD64(R0, 0x8000000000000000ull),
	  KI_MOV64_IMM(R1, -1), KI_ALU64_REG(BPF_MOD, R0, R1), KI_EXIT()),
	V("or_and_xor", 0x6, KI_MOV64_IMM(R0, 0xc), KI_ALU64_IMM(BPF_OR, R0, 0x3),
	  KI_ALU64_IMM(BPF_AND, R0, 0xa), KI_ALU64_IMM(BPF_XOR, R0, 0xc), KI_EXIT()),
	V("lsh64_by_63", 0x8000000000000000ull, KI_MOV64_IMM(R0, 1), KI_ALU64_IMM(BPF_LSH, R0, 63), KI_EXIT()),
	V("lsh64_by_0", 5, KI_MOV64_IMM(R0, 5), KI_ALU64_IMM(BPF_LSH, R0, 0), KI_EXIT()),
	V("lsh64_reg_masks_64", 5, KI_MOV64_IMM(R0, 5), KI_MOV64_IMM(R1, 64),
	  KI_ALU64_REG(BPF_LSH, R0, R1), KI_EXIT()),
	V("lsh32_by_31", 0x80000000ull, KI_MOV64_IMM(R0, 1), KI_ALU32_IMM(BPF_LSH, R0, 31), KI_EXIT()),
	V("rsh64_logical", 1, KI_MOV64_IMM(R0, -1), KI_ALU64_IMM(BPF_RSH, R0, 63), KI_EXIT()),
	V("arsh64_by_63", 0xffffffffffffffffull, LD64(R0, 0x8000000000000000ull),
	  KI_ALU64_IMM(BPF_ARSH, R0, 63), KI_EXIT()),
	V("arsh32", 0xffffffffull, KI_MOV32_IMM(R0, 0x80000000), KI_ALU32_IMM(BPF_ARSH, R0, 31), KI_EXIT()),
	V("neg64", (u64)-5, KI_MOV64_IMM(R0, 5), KI_NEG64(R0), KI_EXIT()),
	V("neg32", 0xfffffffbull, KI_MOV64_IMM(R0, 5), KI_NEG32(R0), KI_EXIT()),
	V("be16", 0x3412, LD64(R0, 0xffff1234ull), KI_ENDIAN(BPF_TO_BE, R0, 16), KI_EXIT()),
	V("be32", 0x78563412, LD64(R0, 0xff12345678ull), KI_ENDIAN(BPF_TO_BE, R0, 32), KI_EXIT()),
	V("be64", 0x0807060504030201ull, LD64(R0, 0x0102030405060708ull),
	  KI_ENDIAN(BPF_TO_BE, R0, 64), KI_EXIT()),
	V("le16_truncates", 0x1234, LD64(R0, 0xffff1234ull), KI_ENDIAN(BPF_TO_LE, R0, 16), KI_EXIT()),
	V("le32_truncates", 0x12345678, LD64(R0, 0xff12345678ull), KI_ENDIAN(BPF_TO_LE, R0, 32), KI_EXIT()),
	V("jgt_unsigned", 1, KI_MOV64_IMM(R1, -1), KI_MOV64_IMM(R0, 0),
	  KI_JMP_IMM(BPF_JGT, R1, 1, 1), KI_EXIT(), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	V("jsgt_signed", 0, KI_MOV64_IMM(R1, -1), KI_MOV64_IMM(R0, 0),
	  KI_JMP_IMM(BPF_JSGT, R1, 1, 1), KI_EXIT(), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	V("jmp32_ignores_upper", 1, LD64(R1, 0x100000005ull), KI_MOV64_IMM(R0, 0),
	  KI_JMP32_IMM(BPF_JEQ, R1, 5, 1), KI_EXIT(), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	V("jmp32_signed", 1, LD64(R1, 0xffffffffull), KI_MOV64_IMM(R0, 0),
	  KI_JMP32_IMM(BPF_JSLT, R1, 0, 1), KI_EXIT(), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	V("jset", 1, KI_MOV64_IMM(R1, 6), KI_MOV64_IMM(R0, 0),
	  KI_JMP_IMM(BPF_JSET, R1, 2, 1), KI_EXIT(), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	V("jle_reg", 1, KI_MOV64_IMM(R1, 3), KI_MOV64_IMM(R2, 3), KI_MOV64_IMM(R0, 0),
	  KI_JMP_REG(BPF_JLE, R1, R2, 1), KI_EXIT(), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	V("loop_sums_1_to_10", 55, KI_MOV64_IMM(R0, 0), KI_MOV64_IMM(R1, 1),
	  KI_ALU64_REG(BPF_ADD, R0, R1), KI_ALU64_IMM(BPF_ADD, R1, 1),
	  KI_JMP_IMM(BPF_JLE, R1, 10, -3), KI_EXIT()),
	V("stack_store_load", 0xdeadbeefcafef00dull, LD64(R1, 0xdeadbeefcafef00dull),
	  KI_STX_MEM(BPF_DW, R10, R1, -8), KI_LDX_MEM(BPF_DW, R0, R10, -8), KI_EXIT()),
	V("stack_narrow_load", 0xcafef00dull, LD64(R1, 0xdeadbeefcafef00dull),
	  KI_STX_MEM(BPF_DW, R10, R1, -8), KI_LDX_MEM(BPF_W, R0, R10, -8), KI_EXIT()),
	V("st_imm_sign_extends", 0xffffffffffffffffull, KI_ST_MEM(BPF_DW, R10, -8, -1),
	  KI_LDX_MEM(BPF_DW, R0, R10, -8), KI_EXIT()),
	V("atomic_add64", 12, KI_ST_MEM(BPF_DW, R10, -8, 5), KI_MOV64_IMM(R1, 7),
	  KI_ATOMIC(BPF_DW, BPF_ADD, R10, R1, -8), KI_LDX_MEM(BPF_DW, R0, R10, -8), KI_EXIT()),
	V("atomic_fetch_add32_returns_old", 5, KI_ST_MEM(BPF_W, R10, -8, 5), KI_MOV64_IMM(R1, 7),
	  KI_ATOMIC(BPF_W, BPF_ADD | BPF_FETCH, R10, R1, -8), KI_MOV64_REG(R0, R1), KI_EXIT()),
	V("atomic_fetch_or64", 0x13, KI_ST_MEM(BPF_DW, R10, -8, 0x10), KI_MOV64_IMM(R1, 3),
	  KI_ATOMIC(BPF_DW, BPF_OR | BPF_FETCH, R10, R1, -8), KI_LDX_MEM(BPF_DW, R0, R10, -8),
	  KI_EXIT()),
	V("atomic_and_xor", 0x6, KI_ST_MEM(BPF_DW, R10, -8, 0xe), KI_MOV64_IMM(R1, 0xc),
	  KI_ATOMIC(BPF_DW, BPF_AND, R10, R1, -8), KI_MOV64_IMM(R1, 0xa),
	  KI_ATOMIC(BPF_DW, BPF_XOR, R10, R1, -8), KI_LDX_MEM(BPF_DW, R0, R10, -8), KI_EXIT()),
	V("atomic_xchg", 0x55, KI_ST_MEM(BPF_DW, R10, -8, 0x55), KI_MOV64_IMM(R1, 9),
	  KI_ATOMIC(BPF_DW, BPF_XCHG, R10, R1, -8), KI_MOV64_REG(R0, R1), KI_EXIT()),
	V("atomic_cmpxchg_hit", 9, KI_ST_MEM(BPF_DW, R10, -8, 4), KI_MOV64_IMM(R0, 4),
	  KI_MOV64_IMM(R1, 9), KI_ATOMIC(BPF_DW, BPF_CMPXCHG, R10, R1, -8),
	  KI_LDX_MEM(BPF_DW, R0, R10, -8), KI_EXIT()),
	V("atomic_cmpxchg_miss_returns_old", 4, KI_ST_MEM(BPF_DW, R10, -8, 4), KI_MOV64_IMM(R0, 3),
	  KI_MOV64_IMM(R1, 9), KI_ATOMIC(BPF_DW, BPF_CMPXCHG, R10, R1, -8), KI_EXIT()),
};

const size_t kt_vecs_cnt = ARRAY_SIZE(kt_vecs);

u32 kt_vec_len(const struct kt_vec *v)
{
	u32 n = 0;

	while (n < KT_VEC_MAXI && (v->insns[n].code ||
				   (n && v->insns[n - 1].code == (BPF_LD | BPF_DW | BPF_IMM))))
		n++;
	return n;
}
