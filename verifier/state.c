// SPDX-License-Identifier: GPL-2.0
/*
 * Verifier states: a stack of function frames (registers and stack each),
 * and the pending branch states the walk still has to explore (a bounded
 * LIFO). Frames are allocated one by one, so a state costs only the frames
 * it has.
 */
#include "verifier.h"

struct kbpf_state *kbpf_state_new(void)
{
	struct kbpf_state *s = kbpf_zalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->frame[0] = kbpf_zalloc(sizeof(*s->frame[0]));
	if (!s->frame[0]) {
		kbpf_free(s);
		return NULL;
	}
	return s;
}

void kbpf_state_free(struct kbpf_state *s)
{
	u32 i;

	if (!s)
		return;
	for (i = 0; i < KBPF_MAX_CALL_FRAMES; i++)
		kbpf_free(s->frame[i]);
	kbpf_free(s);
}

struct kbpf_state *kbpf_state_dup(const struct kbpf_state *s)
{
	struct kbpf_state *n = kbpf_zalloc(sizeof(*n));
	u32 i;

	if (!n)
		return NULL;
	n->insn_idx = s->insn_idx;
	n->curframe = s->curframe;
	n->cp = s->cp;
	n->ref_cnt = s->ref_cnt;
	memcpy(n->refs, s->refs, s->ref_cnt * sizeof(s->refs[0]));
	for (i = 0; i <= s->curframe; i++) {
		n->frame[i] = kbpf_zalloc(sizeof(*n->frame[i]));
		if (!n->frame[i]) {
			kbpf_state_free(n);
			return NULL;
		}
		memcpy(n->frame[i], s->frame[i], sizeof(*n->frame[i]));
	}
	return n;
}

/* A new, empty frame on top; the caller fills it. */
int kbpf_push_frame(struct kbpf_state *s)
{
	struct kbpf_frame *f;

	if (s->curframe + 1 >= KBPF_MAX_CALL_FRAMES)
		return -E2BIG;
	f = kbpf_zalloc(sizeof(*f));
	if (!f)
		return -ENOMEM;
	s->frame[++s->curframe] = f;
	return 0;
}

void kbpf_pop_frame(struct kbpf_state *s)
{
	kbpf_free(s->frame[s->curframe]);
	s->frame[s->curframe--] = NULL;
}

/* What a state's frames cost (the limits on saved states count this). */
u64 kbpf_state_bytes(const struct kbpf_state *s)
{
	return sizeof(*s) + (u64)(s->curframe + 1) * sizeof(struct kbpf_frame);
}

int kbpf_push_state(struct kbpf_venv *env, struct kbpf_state *s)
{
	u64 bytes = kbpf_state_bytes(s);

	if (env->pending_cnt >= KBPF_VERIFY_MAX_PENDING) {
		kbpf_vlog(env, "The sequence of %u jumps is too complex.\n",
			  env->pending_cnt);
		return -E2BIG;
	}
	if (env->pending_bytes + bytes > KBPF_VERIFY_MAX_PENDING_BYTES) {
		kbpf_vlog(env, "The sequence of %u jumps is too complex: its states take over %u MiB.\n",
			  env->pending_cnt, KBPF_VERIFY_MAX_PENDING_BYTES >> 20);
		return -E2BIG;
	}
	if (env->pending_cnt == env->pending_cap) {
		u32 cap = min(env->pending_cap * 2, (u32)KBPF_VERIFY_MAX_PENDING);
		struct kbpf_state **p = kbpf_zalloc(sizeof(*p) * cap);

		if (!p)
			return -ENOMEM;
		memcpy(p, env->pending, sizeof(*p) * env->pending_cnt);
		kbpf_free(env->pending);
		env->pending = p;
		env->pending_cap = cap;
	}
	env->pending_bytes += bytes;
	env->pending[env->pending_cnt++] = s;
	return 0;
}

struct kbpf_state *kbpf_pop_state(struct kbpf_venv *env)
{
	struct kbpf_state *s;

	if (!env->pending_cnt)
		return NULL;
	s = env->pending[--env->pending_cnt];
	env->pending_bytes -= kbpf_state_bytes(s);
	return s;
}

void kbpf_free_pending(struct kbpf_venv *env)
{
	struct kbpf_state *s;

	while ((s = kbpf_pop_state(env)))
		kbpf_state_free(s);
}
