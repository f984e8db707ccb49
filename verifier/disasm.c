// SPDX-License-Identifier: GPL-2.0
/*
 * Instructions as text, in the notation of the Linux verifier log
 * ("3: (bf) r2 = r10", "5: (85) call bpf_map_lookup_elem#1"), so logs
 * read the same as the kernel's and tools that parse them keep working.
 */
#include "verifier.h"

static const char * const kbpf_alu_sym[16] = {
	[BPF_ADD >> 4] = "+=", [BPF_SUB >> 4] = "-=", [BPF_MUL >> 4] = "*=",
	[BPF_DIV >> 4] = "/=", [BPF_OR >> 4] = "|=", [BPF_AND >> 4] = "&=",
	[BPF_LSH >> 4] = "<<=", [BPF_RSH >> 4] = ">>=", [BPF_MOD >> 4] = "%=",
	[BPF_XOR >> 4] = "^=", [BPF_MOV >> 4] = "=", [BPF_ARSH >> 4] = "s>>=",
};

static const char * const kbpf_jmp_sym[16] = {
	[BPF_JEQ >> 4] = "==", [BPF_JGT >> 4] = ">", [BPF_JGE >> 4] = ">=",
	[BPF_JSET >> 4] = "&", [BPF_JNE >> 4] = "!=", [BPF_JSGT >> 4] = "s>",
	[BPF_JSGE >> 4] = "s>=", [BPF_JLT >> 4] = "<", [BPF_JLE >> 4] = "<=",
	[BPF_JSLT >> 4] = "s<", [BPF_JSLE >> 4] = "s<=",
};

static const char * const kbpf_size_name[4] = {
	[BPF_W >> 3] = "u32", [BPF_H >> 3] = "u16", [BPF_B >> 3] = "u8", [BPF_DW >> 3] = "u64",
};

static const char *kbpf_atomic_name(s32 op)
{
	switch (op & ~BPF_FETCH) {
	case BPF_ADD:	return "add";
	case BPF_AND:	return "and";
	case BPF_OR:	return "or";
	default:	return "xor";
	}
}

void kbpf_disasm(struct kbpf_venv *env, u32 idx)
{
	const struct bpf_insn *insn = &env->insns[idx];
	u8 code = insn->code, class = BPF_CLASS(code), op = BPF_OP(code);
	const char *sz = kbpf_size_name[BPF_SIZE(code) >> 3];
	char r = class == BPF_ALU || class == BPF_JMP32 ? 'w' : 'r';

	kbpf_vlog(env, "%u: (%02x) ", idx, code);
	switch (class) {
	case BPF_ALU:
	case BPF_ALU64:
		if (op == BPF_END)
			kbpf_vlog(env, "r%u = %s%d r%u\n", insn->dst_reg,
				  BPF_SRC(code) == BPF_TO_BE ? "be" : "le", insn->imm, insn->dst_reg);
		else if (op == BPF_NEG)
			kbpf_vlog(env, "%c%u = -%c%u\n", r, insn->dst_reg, r, insn->dst_reg);
		else if (BPF_SRC(code) == BPF_X)
			kbpf_vlog(env, "%c%u %s %c%u\n", r, insn->dst_reg,
				  kbpf_alu_sym[op >> 4] ?: "?", r, insn->src_reg);
		else
			kbpf_vlog(env, "%c%u %s %d\n", r, insn->dst_reg,
				  kbpf_alu_sym[op >> 4] ?: "?", insn->imm);
		return;
	case BPF_LDX:
		kbpf_vlog(env, "r%u = *(%s *)(r%u %+d)\n", insn->dst_reg, sz, insn->src_reg,
			  insn->off);
		return;
	case BPF_ST:
		kbpf_vlog(env, "*(%s *)(r%u %+d) = %d\n", sz, insn->dst_reg, insn->off, insn->imm);
		return;
	case BPF_STX:
		if (BPF_MODE(code) != BPF_ATOMIC) {
			kbpf_vlog(env, "*(%s *)(r%u %+d) = r%u\n", sz, insn->dst_reg, insn->off,
				  insn->src_reg);
		} else if (insn->imm == BPF_CMPXCHG) {
			kbpf_vlog(env, "r0 = atomic%s_cmpxchg((%s *)(r%u %+d), r0, r%u)\n",
				  BPF_SIZE(code) == BPF_DW ? "64" : "", sz, insn->dst_reg,
				  insn->off, insn->src_reg);
		} else if (insn->imm == BPF_XCHG) {
			kbpf_vlog(env, "r%u = atomic%s_xchg((%s *)(r%u %+d), r%u)\n", insn->src_reg,
				  BPF_SIZE(code) == BPF_DW ? "64" : "", sz, insn->dst_reg,
				  insn->off, insn->src_reg);
		} else if (insn->imm & BPF_FETCH) {
			kbpf_vlog(env, "r%u = atomic%s_fetch_%s((%s *)(r%u %+d), r%u)\n",
				  insn->src_reg, BPF_SIZE(code) == BPF_DW ? "64" : "",
				  kbpf_atomic_name(insn->imm), sz, insn->dst_reg, insn->off,
				  insn->src_reg);
		} else {
			kbpf_vlog(env, "lock *(%s *)(r%u %+d) %s= r%u\n", sz, insn->dst_reg,
				  insn->off, kbpf_alu_sym[insn->imm >> 4] ? : "?", insn->src_reg);
		}
		return;
	case BPF_LD:
		if (code == (BPF_LD | BPF_IMM | BPF_DW) && idx + 1 < env->insn_cnt) {
			u64 v = (u32)insn[0].imm | ((u64)(u32)insn[1].imm << 32);

			if (insn->src_reg == BPF_PSEUDO_MAP_FD)
				kbpf_vlog(env, "r%u = map[fd:%d]\n", insn->dst_reg, insn->imm);
			else if (insn->src_reg == BPF_PSEUDO_MAP_VALUE)
				kbpf_vlog(env, "r%u = map[fd:%d][0]+%u\n", insn->dst_reg, insn->imm,
					  (u32)insn[1].imm);
			else
				kbpf_vlog(env, "r%u = 0x%llx\n", insn->dst_reg, (unsigned long long)v);
			return;
		}
		if (BPF_MODE(code) == BPF_ABS)
			kbpf_vlog(env, "r0 = *(%s *)skb[%d]\n", sz, insn->imm);
		else if (BPF_MODE(code) == BPF_IND)
			kbpf_vlog(env, "r0 = *(%s *)skb[r%u + %d]\n", sz, insn->src_reg, insn->imm);
		else
			kbpf_vlog(env, "BUG_ld_%02x\n", code);
		return;
	case BPF_JMP:
	case BPF_JMP32:
		if (op == BPF_EXIT) {
			kbpf_vlog(env, "exit\n");
		} else if (op == BPF_JA) {
			kbpf_vlog(env, "goto pc%+d\n", insn->off);
		} else if (op == BPF_CALL) {
			const struct kbpf_helper_proto *fn;

			if (insn->src_reg == BPF_PSEUDO_CALL) {
				kbpf_vlog(env, "call pc%+d\n", insn->imm);
				return;
			}
			fn = kbpf_helper_proto(insn->imm, env->attr->prog_type);
			kbpf_vlog(env, "call %s%s#%d\n", fn ? "bpf_" : "", fn ? fn->name : "unknown",
				  insn->imm);
		} else if (BPF_SRC(code) == BPF_X) {
			kbpf_vlog(env, "if %c%u %s %c%u goto pc%+d\n", r, insn->dst_reg,
				  kbpf_jmp_sym[op >> 4] ?: "?", r, insn->src_reg, insn->off);
		} else {
			kbpf_vlog(env, "if %c%u %s 0x%x goto pc%+d\n", r, insn->dst_reg,
				  kbpf_jmp_sym[op >> 4] ?: "?", insn->imm, insn->off);
		}
		return;
	}
	kbpf_vlog(env, "BUG_%02x\n", code);
}
