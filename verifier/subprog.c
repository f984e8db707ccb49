// SPDX-License-Identifier: GPL-2.0
/*
 * Functions: a program is its main function plus every target of a
 * bpf-to-bpf call. Each function is a contiguous range of instructions that
 * jumps never leave and that ends in exit or ja. Stack use is tracked per
 * function, and the deepest chain of calls must fit the 512-byte stack.
 */
#include "verifier.h"

static bool kbpf_is_pseudo_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL;
}

/* A kfunc call or a callback's address (ld_imm64 of BPF_PSEUDO_FUNC). */
static bool kbpf_is_other_func_ref(const struct bpf_insn *insn)
{
	return (insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_KFUNC_CALL) ||
	       (insn->code == (BPF_LD | BPF_IMM | BPF_DW) && insn->src_reg == BPF_PSEUDO_FUNC);
}

static int kbpf_add_subprog(struct kbpf_venv *env, u32 start)
{
	u32 i;

	for (i = 0; i < env->subprog_cnt; i++)
		if (env->subprog[i].start == start)
			return 0;
	if (env->subprog_cnt >= KBPF_MAX_SUBPROGS) {
		kbpf_vlog(env, "too many subprograms\n");
		return -E2BIG;
	}
	/* insertion keeps them sorted by start */
	for (i = env->subprog_cnt; i > 0 && env->subprog[i - 1].start > start; i--)
		env->subprog[i] = env->subprog[i - 1];
	env->subprog[i].start = start;
	env->subprog[i].stack_depth = 0;
	env->subprog_cnt++;
	return 0;
}

int kbpf_find_subprogs(struct kbpf_venv *env)
{
	u32 i, k;
	int err;

	env->subprog_cnt = 0;
	err = kbpf_add_subprog(env, 0);
	for (i = 0; !err && i < env->insn_cnt; i++) {
		const struct bpf_insn *insn = &env->insns[i];
		s64 target;

		if (!kbpf_is_pseudo_call(insn) && !kbpf_is_other_func_ref(insn))
			continue;
		if (!env->attr->bpf_capable) {
			/* as Linux 6.1's check_subprogs(), before any other check */
			kbpf_vlog(env, "loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN\n");
			return -EPERM;
		}
		if (!kbpf_is_pseudo_call(insn))
			continue;
		target = (s64)i + insn->imm + 1;
		if (target < 0 || target >= env->insn_cnt || env->aux[target].ld_imm64_tail) {
			kbpf_vlog(env, "call to invalid destination\n");
			return -EINVAL;
		}
		err = kbpf_add_subprog(env, (u32)target);
	}
	if (err)
		return err;
	env->subprog[env->subprog_cnt].start = env->insn_cnt;	/* sentinel */

	/* Each function: jumps stay inside, the last insn is exit or ja. */
	for (k = 0; k < env->subprog_cnt; k++) {
		u32 start = env->subprog[k].start, end = env->subprog[k + 1].start;
		const struct bpf_insn *last = &env->insns[end - 1];

		for (i = start; i < end; i++) {
			const struct bpf_insn *insn = &env->insns[i];
			u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
			s64 to;

			env->aux[i].subprog = (u16)k;
			if (class != BPF_JMP && class != BPF_JMP32)
				continue;
			if (op == BPF_CALL || op == BPF_EXIT)
				continue;
			to = (s64)i + insn->off + 1;
			if (to < start || to >= end) {
				kbpf_vlog(env, "jump out of range from insn %u to %lld\n", i,
					  (long long)to);
				return -EINVAL;
			}
		}
		if (BPF_CLASS(last->code) != BPF_JMP ||
		    (BPF_OP(last->code) != BPF_EXIT && BPF_OP(last->code) != BPF_JA)) {
			kbpf_vlog(env, "last insn is not an exit or jmp\n");
			return -EINVAL;
		}
	}
	return 0;
}

void kbpf_note_stack_depth(struct kbpf_venv *env, u32 frameno, s32 off)
{
	struct kbpf_subprog *sp = &env->subprog[env->cur->frame[frameno]->subprog];

	if ((u32)-off > sp->stack_depth)
		sp->stack_depth = (u32)-off;
}

static u32 kbpf_frame_bytes(const struct kbpf_subprog *sp)
{
	return (sp->stack_depth + 15) & ~15u;
}

/*
 * Deepest stack, and longest chain of frames, below function k, over the
 * static call graph (like Linux, every call counts, reached or not). A
 * cycle is recursion, which could never fit: rejected like a too-deep stack.
 */
struct kbpf_chain {
	u8 state;		/* 0 unvisited, 1 on the path, 2 done */
	u8 frames;
	u32 bytes;
};

static int kbpf_chain_depth(struct kbpf_venv *env, struct kbpf_chain *memo, u32 k,
			    u32 level)
{
	const struct kbpf_subprog *sp = &env->subprog[k];
	u32 i, bytes = 0, frames = 0;
	int err;

	if (memo[k].state == 2)
		return 0;
	if (level > KBPF_MAX_CALL_FRAMES) {
		/* bounds our own recursion too */
		kbpf_vlog(env, "the call stack of %u frames is too deep\n", level);
		return -E2BIG;
	}
	if (memo[k].state == 1) {
		kbpf_vlog(env, "recursive call: the call stack is too deep\n");
		return -E2BIG;
	}
	memo[k].state = 1;
	for (i = sp->start; i < env->subprog[k + 1].start; i++) {
		const struct bpf_insn *insn = &env->insns[i];
		u32 sub;

		if (!kbpf_is_pseudo_call(insn))
			continue;
		sub = env->aux[i + insn->imm + 1].subprog;
		err = kbpf_chain_depth(env, memo, sub, level + 1);
		if (err)
			return err;
		bytes = max(bytes, memo[sub].bytes);
		frames = max(frames, (u32)memo[sub].frames);
	}
	memo[k].bytes = kbpf_frame_bytes(sp) + bytes;
	memo[k].frames = (u8)min(frames + 1, 255u);
	memo[k].state = 2;
	return 0;
}

int kbpf_check_stack_chains(struct kbpf_venv *env)
{
	struct kbpf_chain *memo;
	int err;

	memo = kbpf_zalloc(sizeof(*memo) * env->subprog_cnt);
	if (!memo)
		return -ENOMEM;
	err = kbpf_chain_depth(env, memo, 0, 1);
	if (!err && memo[0].frames > KBPF_MAX_CALL_FRAMES) {
		kbpf_vlog(env, "the call stack of %u frames is too deep\n", memo[0].frames);
		err = -E2BIG;
	}
	if (!err && memo[0].bytes > KBPF_STACK_SIZE) {
		kbpf_vlog(env, "combined stack size of calls is %u. Too large\n", memo[0].bytes);
		err = -EACCES;
	}
	kbpf_free(memo);
	return err;
}
