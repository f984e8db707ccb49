// SPDX-License-Identifier: GPL-2.0
/*
 * Verifier states: register values, and the pending branch states that the
 * walk still has to explore (a bounded LIFO).
 */
#include "verifier.h"

void kbpf_mark_unknown(struct kbpf_reg *reg)
{
	memset(reg, 0, sizeof(*reg));
	reg->type = KBPF_SCALAR;
}

void kbpf_mark_known(struct kbpf_reg *reg, u64 val)
{
	memset(reg, 0, sizeof(*reg));
	reg->type = KBPF_SCALAR;
	reg->known = true;
	reg->val = val;
}

struct kbpf_state *kbpf_state_dup(const struct kbpf_state *s)
{
	struct kbpf_state *n = kbpf_zalloc(sizeof(*n));

	if (n)
		memcpy(n, s, sizeof(*n));
	return n;
}

int kbpf_push_state(struct kbpf_venv *env, struct kbpf_state *s)
{
	if (env->pending_cnt >= KBPF_VERIFY_MAX_PENDING) {
		kbpf_vlog(env, "The sequence of %u jumps is too complex.\n",
			  env->pending_cnt);
		return -E2BIG;
	}
	env->pending[env->pending_cnt++] = s;
	return 0;
}

struct kbpf_state *kbpf_pop_state(struct kbpf_venv *env)
{
	if (!env->pending_cnt)
		return NULL;
	return env->pending[--env->pending_cnt];
}

void kbpf_free_pending(struct kbpf_venv *env)
{
	while (env->pending_cnt)
		kbpf_free(env->pending[--env->pending_cnt]);
}
