// SPDX-License-Identifier: GPL-2.0
/*
 * Pass 1: the syntax of every instruction. Bad opcodes, reserved fields,
 * bad register numbers and broken ld_imm64 pairs are rejected here with
 * -EINVAL, before any reasoning about values. Map fds named by ld_imm64 are
 * resolved here too.
 */
#include "verifier.h"

#define KBPF_REJECT(env, fmt, ...)				\
	({ kbpf_vlog(env, fmt "\n", ##__VA_ARGS__); -EINVAL; })

static int kbpf_decode_regs(struct kbpf_venv *env, u32 i, const struct bpf_insn *insn)
{
	if (insn->dst_reg >= MAX_BPF_REG)
		return KBPF_REJECT(env, "%u: R%d is invalid", i, insn->dst_reg);
	if (insn->src_reg >= MAX_BPF_REG)
		return KBPF_REJECT(env, "%u: R%d is invalid", i, insn->src_reg);
	return 0;
}

static int kbpf_decode_alu(struct kbpf_venv *env, u32 i, const struct bpf_insn *insn)
{
	u8 op = BPF_OP(insn->code);
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;

	switch (op) {
	case BPF_END:
		if (insn->src_reg || insn->off || is64 ||
		    (insn->imm != 16 && insn->imm != 32 && insn->imm != 64))
			return KBPF_REJECT(env, "%u: BPF_END uses reserved fields", i);
		return 0;
	case BPF_NEG:
		if (BPF_SRC(insn->code) != BPF_K || insn->src_reg || insn->off || insn->imm)
			return KBPF_REJECT(env, "%u: BPF_NEG uses reserved fields", i);
		return 0;
	case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV: case BPF_MOD:
	case BPF_OR: case BPF_AND: case BPF_XOR: case BPF_LSH: case BPF_RSH:
	case BPF_ARSH: case BPF_MOV:
		break;
	default:
		return KBPF_REJECT(env, "%u: invalid BPF_ALU opcode %x", i, op);
	}
	if (BPF_SRC(insn->code) == BPF_X) {
		if (insn->imm || insn->off)
			return KBPF_REJECT(env, "%u: BPF_ALU uses reserved fields", i);
		return 0;
	}
	if (insn->src_reg || insn->off)
		return KBPF_REJECT(env, "%u: BPF_ALU uses reserved fields", i);
	if ((op == BPF_DIV || op == BPF_MOD) && insn->imm == 0)
		return KBPF_REJECT(env, "%u: div by zero", i);
	if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
	    (u32)insn->imm >= (is64 ? 64u : 32u))
		return KBPF_REJECT(env, "%u: invalid shift %d", i, insn->imm);
	return 0;
}

static int kbpf_decode_jmp(struct kbpf_venv *env, u32 i, const struct bpf_insn *insn)
{
	u8 op = BPF_OP(insn->code);
	bool is32 = BPF_CLASS(insn->code) == BPF_JMP32;

	switch (op) {
	case BPF_JA:
		if (is32 || BPF_SRC(insn->code) != BPF_K || insn->imm ||
		    insn->src_reg || insn->dst_reg)
			return KBPF_REJECT(env, "%u: BPF_JA uses reserved fields", i);
		return 0;
	case BPF_EXIT:
		if (is32 || BPF_SRC(insn->code) != BPF_K || insn->imm || insn->off ||
		    insn->src_reg || insn->dst_reg)
			return KBPF_REJECT(env, "%u: BPF_EXIT uses reserved fields", i);
		return 0;
	case BPF_CALL:
		if (is32 || BPF_SRC(insn->code) != BPF_K || insn->off || insn->dst_reg)
			return KBPF_REJECT(env, "%u: BPF_CALL uses reserved fields", i);
		if (insn->src_reg == BPF_PSEUDO_CALL)
			return 0;	/* target checked by subprog.c */
		/* refused where the walk reaches one: dead code may hold them (6.1) */
		if (insn->src_reg == BPF_PSEUDO_KFUNC_CALL)
			return 0;
		if (insn->src_reg)
			return KBPF_REJECT(env, "%u: BPF_CALL uses reserved fields", i);
		return 0;
	case BPF_JEQ: case BPF_JGT: case BPF_JGE: case BPF_JSET: case BPF_JNE:
	case BPF_JSGT: case BPF_JSGE: case BPF_JLT: case BPF_JLE: case BPF_JSLT:
	case BPF_JSLE:
		break;
	default:
		return KBPF_REJECT(env, "%u: invalid BPF_JMP/JMP32 opcode %x", i, op);
	}
	if (BPF_SRC(insn->code) == BPF_X ? insn->imm != 0 : insn->src_reg != 0)
		return KBPF_REJECT(env, "%u: BPF_JMP/JMP32 uses reserved fields", i);
	return 0;
}

static int kbpf_decode_ld_imm64(struct kbpf_venv *env, u32 i, struct bpf_insn *insn)
{
	const struct kbpf_map_desc *map;
	int err;

	if (i + 1 >= env->insn_cnt || insn[1].code || insn[1].dst_reg ||
	    insn[1].src_reg || insn[1].off || insn->off)
		return KBPF_REJECT(env, "%u: invalid bpf_ld_imm64 insn", i);
	switch (insn->src_reg) {
	case 0:
		return 0;
	case BPF_PSEUDO_MAP_FD:
		if (insn[1].imm)
			return KBPF_REJECT(env, "%u: invalid bpf_ld_imm64 insn", i);
		if (!env->attr->map_from_fd)
			return KBPF_REJECT(env, "%u: no maps in this environment", i);
		err = env->attr->map_from_fd(env->attr->priv, insn->imm, &map);
		if (err) {
			kbpf_vlog(env, "%u: fd %d is not pointing to valid bpf_map\n",
				  i, insn->imm);
			return err;
		}
		env->aux[i].map = map;
		return 0;
	case BPF_PSEUDO_MAP_VALUE:
		if (!env->attr->map_from_fd)
			return KBPF_REJECT(env, "%u: no maps in this environment", i);
		err = env->attr->map_from_fd(env->attr->priv, insn->imm, &map);
		if (err) {
			kbpf_vlog(env, "%u: fd %d is not pointing to valid bpf_map\n",
				  i, insn->imm);
			return err;
		}
		if (!env->attr->map_value_addr)
			return KBPF_REJECT(env, "%u: direct value access not supported", i);
		err = env->attr->map_value_addr(env->attr->priv, map, (u32)insn[1].imm,
						&env->aux[i].value_addr);
		if (err) {
			kbpf_vlog(env, "%u: direct value access on map type %u, value_size=%u off=%u: %d\n",
				  i, map->map_type, map->value_size, (u32)insn[1].imm, err);
			return err;
		}
		env->aux[i].map = map;
		return 0;
	default:
		return KBPF_REJECT(env, "%u: unsupported ld_imm64 source %d", i, insn->src_reg);
	}
}

static int kbpf_decode_one(struct kbpf_venv *env, u32 i, struct bpf_insn *insn)
{
	u8 code = insn->code;
	int err;

	err = kbpf_decode_regs(env, i, insn);
	if (err)
		return err;
	switch (BPF_CLASS(code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return kbpf_decode_alu(env, i, insn);
	case BPF_JMP:
	case BPF_JMP32:
		return kbpf_decode_jmp(env, i, insn);
	case BPF_LD:
		if (code == (BPF_LD | BPF_IMM | BPF_DW))
			return kbpf_decode_ld_imm64(env, i, insn);
		if (BPF_MODE(code) == BPF_ABS || BPF_MODE(code) == BPF_IND) {
			if (insn->dst_reg || insn->off || BPF_SIZE(code) == BPF_DW ||
			    (BPF_MODE(code) == BPF_ABS && insn->src_reg))
				return KBPF_REJECT(env, "%u: BPF_LD_[ABS|IND] uses reserved fields", i);
			return 0;
		}
		break;
	case BPF_LDX:
		if (BPF_MODE(code) != BPF_MEM || insn->imm)
			return KBPF_REJECT(env, "%u: BPF_LDX uses reserved fields", i);
		return 0;
	case BPF_ST:
		if (BPF_MODE(code) != BPF_MEM || insn->src_reg)
			return KBPF_REJECT(env, "%u: BPF_ST uses reserved fields", i);
		return 0;
	case BPF_STX:
		if (BPF_MODE(code) == BPF_MEM) {
			if (insn->imm)
				return KBPF_REJECT(env, "%u: BPF_STX uses reserved fields", i);
			return 0;
		}
		if (BPF_MODE(code) != BPF_ATOMIC)
			break;
		if (BPF_SIZE(code) != BPF_W && BPF_SIZE(code) != BPF_DW)
			return KBPF_REJECT(env, "%u: invalid atomic operand size", i);
		switch (insn->imm) {
		case BPF_ADD: case BPF_ADD | BPF_FETCH:
		case BPF_AND: case BPF_AND | BPF_FETCH:
		case BPF_OR: case BPF_OR | BPF_FETCH:
		case BPF_XOR: case BPF_XOR | BPF_FETCH:
		case BPF_XCHG: case BPF_CMPXCHG:
			return 0;
		}
		return KBPF_REJECT(env, "%u: BPF_ATOMIC uses invalid atomic opcode %02x",
				   i, insn->imm);
	}
	return KBPF_REJECT(env, "%u: unknown opcode %02x", i, code);
}

int kbpf_decode(struct kbpf_venv *env)
{
	u32 i;
	int err;

	for (i = 0; i < env->insn_cnt; i++) {
		struct bpf_insn *insn = &env->insns[i];

		err = kbpf_decode_one(env, i, insn);
		if (err)
			return err;
		if (insn->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			env->aux[i + 1].ld_imm64_tail = true;
			i++;
		}
	}
	return 0;
}
