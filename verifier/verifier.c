// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf_verify(): runs the passes in order and, on success, applies the
 * fixups the backends need.
 *
 *   1. decode.c   syntax of each instruction, map fds
 *   2. subprog.c  function boundaries
 *   3. cfg.c      control flow
 *   4. check.c    abstract interpretation of every path
 *   5. subprog.c  combined stack of every call chain
 *   6. here       ld_imm64 map fds become kbpf_map_desc pointers; calls
 *                 learn their caller's frame size; helper calls become
 *                 their program type's variant (kbpf_helper_variant())
 */
#include "verifier.h"

static void kbpf_fixups(struct kbpf_venv *env)
{
	u32 i;

	for (i = 0; i < env->insn_cnt; i++) {
		struct bpf_insn *insn = &env->insns[i];
		u64 addr = (u64)(uintptr_t)env->aux[i].map;

		/*
		 * Code no verified path runs was never checked (a call there
		 * may name any helper id): like Linux, make it "goto pc-1",
		 * which the backends can always translate and never reach.
		 */
		if (!env->aux[i].walked &&
		    !(env->aux[i].ld_imm64_tail && env->aux[i - 1].walked)) {
			*insn = (struct bpf_insn){ .code = BPF_JMP | BPF_JA, .off = -1 };
			env->aux[i].map = NULL;
			continue;
		}

		if (env->aux[i].ctx_rewrite) {
			/* a u32 packet pointer field: load the real pointer */
			insn->code = BPF_LDX | BPF_DW | BPF_MEM;
			insn->off = (s16)(env->aux[i].ctx_rewrite - 1);
			continue;
		}
		if (insn->code == (BPF_JMP | BPF_CALL) && !insn->src_reg &&
		    insn->imm == BPF_FUNC_tail_call) {
			insn->code = KBPF_INSN_TAIL_CALL;
			insn->imm = 0;
			continue;
		}
		if (insn->code == (BPF_JMP | BPF_CALL) && !insn->src_reg) {
			insn->imm = (s32)kbpf_helper_variant((u32)insn->imm, env->attr->prog_type);
			continue;
		}
		if (insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL) {
			u32 depth = env->subprog[env->aux[i].subprog].stack_depth;

			insn->off = (s16)((depth + 15) & ~15u);
			continue;
		}
		if (!env->aux[i].map)
			continue;
		if (insn->src_reg == BPF_PSEUDO_MAP_VALUE)
			addr = env->aux[i].value_addr;
		insn->imm = (u32)addr;
		env->insns[i + 1].imm = (u32)(addr >> 32);
	}
}

static u32 kbpf_max_states_per_insn(const struct kbpf_venv *env)
{
	u32 i, m = 0;

	for (i = 0; env->explored_cnt && i < env->insn_cnt; i++)
		m = max(m, env->explored_cnt[i]);
	return m;
}

int kbpf_verify(struct kbpf_verify_attr *attr)
{
	u64 start = kbpf_ktime_ns();
	struct kbpf_venv *env;
	int err;

	attr->log_used = 0;
	attr->subprog_cnt = 0;
	attr->log_truncated = false;
	attr->insn_processed = 0;
	attr->stack_depth = 0;
	if (!attr->insns || !attr->insn_cnt)
		return -EINVAL;
	if (attr->insn_cnt > KBPF_MAX_INSNS)
		return -E2BIG;

	env = kbpf_zalloc(sizeof(*env));
	if (!env)
		return -ENOMEM;
	env->attr = attr;
	env->insns = attr->insns;
	env->insn_cnt = attr->insn_cnt;
	if (attr->log_level && attr->log_buf && attr->log_size) {
		env->log_buf = attr->log_buf;
		env->log_size = attr->log_size;
		env->log_buf[0] = '\0';
	}
	err = -ENOMEM;
	env->aux = kbpf_zalloc(sizeof(*env->aux) * (size_t)env->insn_cnt);
	if (!env->aux)
		goto out_env;
	env->pending_cap = KBPF_VERIFY_PENDING_INIT;
	env->pending = kbpf_zalloc(sizeof(*env->pending) * env->pending_cap);
	if (!env->pending)
		goto out_aux;

	err = kbpf_decode(env);
	if (!err)
		err = kbpf_find_subprogs(env);
	if (!err)
		err = kbpf_check_cfg(env);
	if (!err)
		err = kbpf_compute_liveness(env);
	if (!err)
		err = kbpf_prune_init(env);
	if (!err)
		err = kbpf_do_check(env);
	if (!err)
		err = kbpf_check_stack_chains(env);
	/* The kernel's summary lines, which loaders and veristat parse. */
	if (attr->log_level & KBPF_LOG_STATS) {
		u32 k;

		kbpf_vlog(env, "verification time %llu usec\n",
			  (unsigned long long)(kbpf_ktime_ns() - start) / 1000);
		kbpf_vlog(env, "stack depth ");
		for (k = 0; k < env->subprog_cnt; k++)
			kbpf_vlog(env, "%s%u", k ? "+" : "", env->subprog[k].stack_depth);
		kbpf_vlog(env, "\n");
	}
	kbpf_vlog(env, "processed %u insns (limit %u) max_states_per_insn %u total_states %u peak_states %u mark_read 0\n",
		  env->insn_processed, KBPF_VERIFY_BUDGET, kbpf_max_states_per_insn(env),
		  env->states_total, env->states_peak);
	if (!err) {
		kbpf_fixups(env);
		if (attr->subprogs)
			memcpy(attr->subprogs, env->subprog,
			       sizeof(*env->subprog) * env->subprog_cnt);
		if (attr->call_maps) {
			u32 i;

			for (i = 0; i < env->insn_cnt; i++)
				attr->call_maps[i] = env->aux[i].call_map_mixed ? NULL :
						     env->aux[i].call_map;
		}
		attr->subprog_cnt = env->subprog_cnt;
	}

	attr->insn_processed = env->insn_processed;
	attr->stack_depth = env->subprog[0].stack_depth;
	attr->log_truncated = kbpf_vlog_full(env);
	attr->log_used = env->log_buf ? env->log_len + 1 : 0;
	/* As Linux 6.1: a full log turns any result into -ENOSPC. */
	if (attr->log_truncated)
		err = -ENOSPC;

	kbpf_prune_free(env);
	kbpf_free(env->pending);
out_aux:
	kbpf_free(env->aux);
out_env:
	kbpf_free(env);
	return err;
}
