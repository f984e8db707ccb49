// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf_verify(): runs the passes in order and, on success, applies the
 * fixups the backends need.
 *
 *   1. decode.c  syntax of each instruction, map fds
 *   2. cfg.c     control flow
 *   3. check.c   abstract interpretation of every path
 *   4. here      ld_imm64 map fds become kbpf_map_desc pointers
 */
#include "verifier.h"

static void kbpf_fixup_maps(struct kbpf_venv *env)
{
	u32 i;

	for (i = 0; i < env->insn_cnt; i++) {
		u64 addr = (u64)(uintptr_t)env->aux[i].map;

		if (!env->aux[i].map)
			continue;
		env->insns[i].imm = (u32)addr;
		env->insns[i + 1].imm = (u32)(addr >> 32);
	}
}

int kbpf_verify(struct kbpf_verify_attr *attr)
{
	struct kbpf_venv *env;
	int err;

	attr->log_used = 0;
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
	env->pending = kbpf_zalloc(sizeof(*env->pending) * KBPF_VERIFY_MAX_PENDING);
	if (!env->pending)
		goto out_aux;

	err = kbpf_decode(env);
	if (!err)
		err = kbpf_check_cfg(env);
	if (!err)
		err = kbpf_do_check(env);
	if (!err) {
		kbpf_fixup_maps(env);
		kbpf_vlog(env, "processed %u insns, stack depth %u\n",
			  env->insn_processed, env->stack_depth);
	}

	attr->insn_processed = env->insn_processed;
	attr->stack_depth = env->stack_depth;
	attr->log_truncated = env->log_truncated;
	attr->log_used = env->log_buf ? env->log_len + 1 : 0;
	/* As Linux 6.1: a truncated log turns any result into -ENOSPC. */
	if (env->log_truncated)
		err = -ENOSPC;

	kbpf_free(env->pending);
out_aux:
	kbpf_free(env->aux);
out_env:
	kbpf_free(env);
	return err;
}
