// SPDX-License-Identifier: GPL-2.0
/*
 * Pass 2: the control-flow graph. Every jump lands inside the program and
 * on an instruction boundary, the program cannot fall off its end, and
 * every instruction is reachable when both arms of every branch are taken.
 * Loops are allowed: the abstract interpretation bounds them by its budget.
 * Loaders without CAP_BPF get no loops at all, as in Linux 6.1: a
 * depth-first walk refuses any back-edge.
 */
#include "verifier.h"

/* Successors of insn i: returns how many (0..2), written into succ[]. */
static int kbpf_successors(const struct kbpf_venv *env, u32 i, s64 succ[2])
{
	const struct bpf_insn *insn = &env->insns[i];
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	if (insn->code == (BPF_LD | BPF_IMM | BPF_DW)) {
		succ[0] = (s64)i + 2;
		return 1;
	}
	if (class != BPF_JMP && class != BPF_JMP32) {
		succ[0] = (s64)i + 1;
		return 1;
	}
	switch (op) {
	case BPF_EXIT:
		return 0;
	case BPF_CALL:
		succ[0] = (s64)i + 1;
		if (insn->src_reg != BPF_PSEUDO_CALL)
			return 1;
		succ[1] = (s64)i + 1 + insn->imm;	/* the callee's entry */
		return 2;
	case BPF_JA:
		succ[0] = (s64)i + 1 + insn->off;
		return 1;
	default:
		succ[0] = (s64)i + 1;
		succ[1] = (s64)i + 1 + insn->off;
		return 2;
	}
}

enum { KBPF_DFS_NEW, KBPF_DFS_ACTIVE, KBPF_DFS_DONE };

/*
 * Depth-first walk from insn 0 (bpf-to-bpf calls followed into the callee):
 * an edge to an instruction still on the walk's stack closes a loop.
 * Runs after the range checks below, so every successor is in range.
 */
static int kbpf_check_no_back_edges(struct kbpf_venv *env)
{
	u32 *stack, sp = 0;
	u8 *color, *edge;
	int err = 0;

	stack = kbpf_zalloc(sizeof(*stack) * env->insn_cnt);
	color = kbpf_zalloc(env->insn_cnt);
	edge = kbpf_zalloc(env->insn_cnt);
	if (!stack || !color || !edge) {
		err = -ENOMEM;
		goto out;
	}
	stack[sp++] = 0;
	color[0] = KBPF_DFS_ACTIVE;
	while (sp) {
		u32 t = stack[sp - 1];
		s64 succ[2];
		int n = kbpf_successors(env, t, succ);
		u32 w;

		if (edge[t] >= n) {
			color[t] = KBPF_DFS_DONE;
			sp--;
			continue;
		}
		w = (u32)succ[edge[t]++];
		if (color[w] == KBPF_DFS_ACTIVE) {
			kbpf_vlog(env, "back-edge from insn %u to %u\n", t, w);
			err = -EINVAL;
			goto out;
		}
		if (color[w] == KBPF_DFS_NEW) {
			color[w] = KBPF_DFS_ACTIVE;
			stack[sp++] = w;
		}
	}
out:
	kbpf_free(edge);
	kbpf_free(color);
	kbpf_free(stack);
	return err;
}

int kbpf_check_cfg(struct kbpf_venv *env)
{
	const struct bpf_insn *last = &env->insns[env->insn_cnt - 1];
	u32 *stack, sp = 0, i;
	int err = 0, n, k;
	s64 succ[2];

	if (BPF_CLASS(last->code) != BPF_JMP ||
	    (BPF_OP(last->code) != BPF_EXIT && BPF_OP(last->code) != BPF_JA)) {
		kbpf_vlog(env, "last insn is not an exit or jmp\n");
		return -EINVAL;
	}

	stack = kbpf_zalloc(sizeof(*stack) * env->insn_cnt);
	if (!stack)
		return -ENOMEM;
	for (i = 0; i < env->insn_cnt; i++)
		env->aux[i].seen = false;
	env->aux[0].seen = true;
	stack[sp++] = 0;
	while (sp) {
		u32 t = stack[--sp];

		n = kbpf_successors(env, t, succ);
		for (k = 0; k < n; k++) {
			s64 w = succ[k];

			if (w < 0 || w >= env->insn_cnt) {
				kbpf_vlog(env, "jump out of range from insn %u to %lld\n",
					  t, (long long)w);
				err = -EINVAL;
				goto out;
			}
			if (env->aux[w].ld_imm64_tail) {
				kbpf_vlog(env, "jump into the middle of ldimm64 insn %lld\n",
					  (long long)w - 1);
				err = -EINVAL;
				goto out;
			}
			/* where paths meet: keep states there for pruning */
			if (n == 2 || w != (s64)t + 1 + (env->insns[t].code == (BPF_LD | BPF_IMM | BPF_DW)))
				env->aux[w].prune_point = true;
			if (!env->aux[w].seen) {
				env->aux[w].seen = true;
				stack[sp++] = (u32)w;
			}
		}
	}
	for (i = 0; i < env->insn_cnt; i++) {
		if (!env->aux[i].seen && !env->aux[i].ld_imm64_tail) {
			kbpf_vlog(env, "unreachable insn %u\n", i);
			err = -EINVAL;
			goto out;
		}
	}
	if (!env->attr->bpf_capable)
		err = kbpf_check_no_back_edges(env);
out:
	kbpf_free(stack);
	return err;
}
