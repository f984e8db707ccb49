// SPDX-License-Identifier: GPL-2.0
/*
 * Register liveness: for each instruction, the registers R0-R9 that some
 * path from it may read before writing them. A classic backward dataflow
 * over each function's control flow (calls are opaque: a helper or callee
 * reads R1-R5 and clobbers R0-R5). Pruning ignores dead registers, since no
 * path from a state can depend on their values.
 */
#include "verifier.h"

#define R(n)		((u16)(1u << (n)))
#define ARGS		(R(1) | R(2) | R(3) | R(4) | R(5))
#define CLOBBERED	(R(0) | ARGS)

/* Registers insn i reads (*use) and writes (*def). */
static void kbpf_use_def(const struct kbpf_venv *env, u32 i, u16 *use, u16 *def)
{
	const struct bpf_insn *insn = &env->insns[i];
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
	u16 d = insn->dst_reg < 10 ? R(insn->dst_reg) : 0;
	u16 s = insn->src_reg < 10 ? R(insn->src_reg) : 0;
	bool x = BPF_SRC(insn->code) == BPF_X;

	*use = 0;
	*def = 0;
	switch (class) {
	case BPF_ALU:
	case BPF_ALU64:
		*use = (op == BPF_MOV ? 0 : d) | (x && op != BPF_END && op != BPF_NEG ? s : 0);
		*def = d;
		return;
	case BPF_LDX:
		*use = s;
		*def = d;
		return;
	case BPF_ST:
		*use = d;
		return;
	case BPF_STX:
		*use = d | s;
		if (BPF_MODE(insn->code) == BPF_ATOMIC) {
			if (insn->imm == BPF_CMPXCHG) {
				*use |= R(0);
				*def = R(0);
			} else if (insn->imm & BPF_FETCH) {
				*def = s;
			}
		}
		return;
	case BPF_LD:
		if (BPF_MODE(insn->code) == BPF_IMM) {
			*def = d;
			return;
		}
		*use = R(6) | (BPF_MODE(insn->code) == BPF_IND ? s : 0);
		*def = CLOBBERED;
		return;
	case BPF_JMP:
	case BPF_JMP32:
		switch (op) {
		case BPF_JA:
			return;
		case BPF_EXIT:
			*use = R(0);
			return;
		case BPF_CALL:
			/* conservative: every argument register may be read */
			*use = ARGS;
			*def = CLOBBERED;
			return;
		default:
			*use = d | (x ? s : 0);
			return;
		}
	}
}

int kbpf_compute_liveness(struct kbpf_venv *env)
{
	u32 i, n = env->insn_cnt;
	bool changed;
	u32 rounds = 0;

	for (i = 0; i < n; i++)
		env->aux[i].live_in = 0;
	/* Backward passes until nothing changes (loops need several). */
	do {
		changed = false;
		for (i = n; i-- > 0;) {
			const struct bpf_insn *insn = &env->insns[i];
			u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
			u16 out = 0, use, def, in;

			if (env->aux[i].ld_imm64_tail)
				continue;
			if (class == BPF_JMP || class == BPF_JMP32) {
				if (op != BPF_EXIT && op != BPF_JA && i + 1 < n)
					out |= env->aux[i + 1].live_in;
				if (op != BPF_EXIT && op != BPF_CALL && (s64)i + 1 + insn->off < n &&
				    (s64)i + 1 + insn->off >= 0)
					out |= env->aux[i + 1 + insn->off].live_in;
			} else {
				u32 next = i + (insn->code == (BPF_LD | BPF_IMM | BPF_DW) ? 2 : 1);

				if (next < n)
					out = env->aux[next].live_in;
			}
			kbpf_use_def(env, i, &use, &def);
			in = use | (out & ~def);
			if (in != env->aux[i].live_in) {
				env->aux[i].live_in = in;
				changed = true;
			}
		}
		if (++rounds % 16 == 0)
			kbpf_cond_resched();
	} while (changed);
	return 0;
}
