// SPDX-License-Identifier: GPL-2.0
/*
 * Reference tracking. A helper marked acquire (bpf_ringbuf_reserve) gives
 * the program a reference: a fresh id in the state's table, which every
 * copy of the returned pointer carries as ref_obj_id. A helper's release
 * argument (bpf_ringbuf_submit/discard) gives it back: the id leaves the
 * table and every register and spilled copy holding it stops being a
 * pointer, so any later use or second release is rejected. The NULL arm of
 * a null check drops the reference too (nothing was acquired there). At
 * the program's exit, at a tail call and at LD_ABS/LD_IND (which may end
 * the program) the table must be empty. Pruning compares tables (prune.c).
 *
 * The table is per state, not per frame: a reference acquired in a
 * bpf-to-bpf callee may be released by its caller, as in Linux.
 */
#include "verifier.h"

int kbpf_acquire_ref(struct kbpf_venv *env, u32 insn_idx)
{
	struct kbpf_state *st = env->cur;

	if (st->ref_cnt >= KBPF_MAX_REFS) {
		kbpf_vlog(env, "more than %u references held at once\n", KBPF_MAX_REFS);
		return -E2BIG;
	}
	st->refs[st->ref_cnt].id = ++env->id_gen;
	st->refs[st->ref_cnt].insn_idx = insn_idx;
	st->ref_cnt++;
	return (int)env->id_gen;
}

bool kbpf_ref_held(const struct kbpf_state *st, u32 id)
{
	u32 i;

	for (i = 0; id && i < st->ref_cnt; i++)
		if (st->refs[i].id == id)
			return true;
	return false;
}

bool kbpf_drop_ref(struct kbpf_state *st, u32 id)
{
	u32 i;

	for (i = 0; id && i < st->ref_cnt; i++) {
		if (st->refs[i].id != id)
			continue;
		/* keep the acquisition order: pruning compares tables in order */
		memmove(&st->refs[i], &st->refs[i + 1],
			(st->ref_cnt - i - 1) * sizeof(st->refs[0]));
		st->ref_cnt--;
		return true;
	}
	return false;
}

int kbpf_release_ref(struct kbpf_venv *env, u32 id)
{
	struct kbpf_state *st = env->cur;
	u32 f, i;

	if (!kbpf_drop_ref(st, id))
		return -EINVAL;
	for (f = 0; f <= st->curframe; f++) {
		struct kbpf_frame *fr = st->frame[f];

		for (i = 0; i < MAX_BPF_REG + KBPF_STACK_SLOTS; i++) {
			struct kbpf_reg *r = i < MAX_BPF_REG ? &fr->regs[i] :
					     &fr->spill[i - MAX_BPF_REG];

			if (r->ref_obj_id != id)
				continue;
			/* as Linux: a number for loaders that may see addresses, else unreadable */
			if (env->attr->perfmon_capable)
				kbpf_mark_unknown(r);
			else
				memset(r, 0, sizeof(*r));
		}
	}
	return 0;
}

int kbpf_check_ref_leak(struct kbpf_venv *env)
{
	const struct kbpf_state *st = env->cur;
	u32 i;

	for (i = 0; i < st->ref_cnt; i++)
		kbpf_vlog(env, "Unreleased reference id=%u alloc_insn=%u\n", st->refs[i].id,
			  st->refs[i].insn_idx);
	return st->ref_cnt ? -EINVAL : 0;
}
