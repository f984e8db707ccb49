// SPDX-License-Identifier: GPL-2.0
/*
 * State pruning. At prune points (jump targets and the instruction after
 * a conditional jump) the walk keeps a copy of its state. A later state
 * that is contained in a kept one whose every path was already verified
 * needs no further walking: each of its executions is one the kept state
 * covered. A state exactly equal to an ancestor still being walked is a
 * loop that makes no progress: rejected as an infinite loop.
 *
 * "Contained" compares only registers live at the instruction (liveness.c)
 * and the whole stack of every frame.
 */
#include "verifier.h"

int kbpf_prune_init(struct kbpf_venv *env)
{
	env->explored = kbpf_zalloc(sizeof(*env->explored) * (size_t)env->insn_cnt);
	env->explored_cnt = kbpf_zalloc(sizeof(*env->explored_cnt) * (size_t)env->insn_cnt);
	if (!env->explored || !env->explored_cnt)
		return -ENOMEM;
	return 0;
}

void kbpf_prune_free(struct kbpf_venv *env)
{
	u32 i;

	if (env->explored) {
		for (i = 0; i < env->insn_cnt; i++) {
			struct kbpf_checkpoint *cp = env->explored[i], *next;

			for (; cp; cp = next) {
				next = cp->next;
				kbpf_state_free(cp->st);
				kbpf_free(cp);
			}
		}
	}
	kbpf_free(env->explored);
	kbpf_free(env->explored_cnt);
	env->explored = NULL;
	env->explored_cnt = NULL;
}

void kbpf_path_done(struct kbpf_checkpoint *cp)
{
	while (cp && --cp->branches == 0)
		cp = cp->parent;
}

/*
 * ids (of maybe-NULL pointers, copied scalars, packet pointers and held
 * references) must correspond one to one. Sized for one frame plus the
 * references (it lives on the kernel stack); when full, states compare
 * unequal, which only prunes less.
 */
#define KBPF_IDMAP_SIZE	(2 * MAX_BPF_REG + 2 * KBPF_STACK_SLOTS + KBPF_MAX_REFS)

struct kbpf_idmap {
	u32 old_id[KBPF_IDMAP_SIZE];
	u32 cur_id[KBPF_IDMAP_SIZE];
	u32 n;
};

static bool kbpf_check_ids(struct kbpf_idmap *m, u32 old_id, u32 cur_id)
{
	u32 i;

	for (i = 0; i < m->n; i++) {
		if (m->old_id[i] == old_id)
			return m->cur_id[i] == cur_id;
		if (m->cur_id[i] == cur_id)
			return false;
	}
	if (m->n >= ARRAY_SIZE(m->old_id))
		return false;
	m->old_id[m->n] = old_id;
	m->cur_id[m->n++] = cur_id;
	return true;
}

static bool kbpf_range_within(const struct kbpf_reg *old, const struct kbpf_reg *cur)
{
	return old->umin <= cur->umin && cur->umax <= old->umax &&
	       old->smin <= cur->smin && cur->smax <= old->smax &&
	       old->u32_min <= cur->u32_min && cur->u32_max <= old->u32_max &&
	       old->s32_min <= cur->s32_min && cur->s32_max <= old->s32_max &&
	       kbpf_tnum_in(old->var_off, cur->var_off);
}

/* Is every value cur may hold one old may hold (exact: the very same)? */
static bool kbpf_regsafe(const struct kbpf_reg *old, const struct kbpf_reg *cur,
			 struct kbpf_idmap *idmap, bool exact)
{
	if (exact)
		return old->type == cur->type &&
		       (old->type == KBPF_NOT_INIT ||
			(old->off == cur->off && old->map == cur->map &&
			 old->frameno == cur->frameno && old->range == cur->range &&
			 old->mem_size == cur->mem_size &&
			 kbpf_check_ids(idmap, old->ref_obj_id, cur->ref_obj_id) &&
			 !memcmp(&old->var_off, &cur->var_off, sizeof(old->var_off)) &&
			 old->umin == cur->umin && old->umax == cur->umax &&
			 old->smin == cur->smin && old->smax == cur->smax &&
			 old->u32_min == cur->u32_min && old->u32_max == cur->u32_max &&
			 old->s32_min == cur->s32_min && old->s32_max == cur->s32_max &&
			 kbpf_check_ids(idmap, old->id, cur->id)));
	if (old->type == KBPF_NOT_INIT)
		return true;
	if (old->type != cur->type)
		return false;
	/*
	 * Both hold the same reference or neither does: releasing through
	 * cur must release what old's walk released (refsafe() matched the
	 * tables).
	 */
	if (!!old->ref_obj_id != !!cur->ref_obj_id ||
	    (old->ref_obj_id && !kbpf_check_ids(idmap, old->ref_obj_id, cur->ref_obj_id)))
		return false;
	switch (old->type) {
	case KBPF_SCALAR:
		/* copies in old must be copies in cur: branches refine them together */
		return kbpf_range_within(old, cur) &&
		       (!old->id || kbpf_check_ids(idmap, old->id, cur->id));
	case KBPF_PTR_TO_CTX:
		return old->off == cur->off;
	case KBPF_PTR_TO_STACK:
		return old->off == cur->off && old->frameno == cur->frameno &&
		       kbpf_range_within(old, cur);
	case KBPF_CONST_PTR_TO_MAP:
		return old->map == cur->map;
	case KBPF_PTR_TO_MAP_VALUE:
		return old->map == cur->map && old->off == cur->off &&
		       kbpf_range_within(old, cur);
	case KBPF_PTR_TO_MAP_VALUE_OR_NULL:
		return old->map == cur->map && old->off == cur->off &&
		       kbpf_range_within(old, cur) && kbpf_check_ids(idmap, old->id, cur->id);
	case KBPF_PTR_TO_PACKET:
	case KBPF_PTR_TO_PACKET_META:
		/* cur must have proved at least as much of the packet */
		return old->off == cur->off && old->range <= cur->range &&
		       kbpf_range_within(old, cur) && kbpf_check_ids(idmap, old->id, cur->id);
	case KBPF_PTR_TO_PACKET_END:
		return true;
	case KBPF_PTR_TO_ALLOC_MEM:
		return old->mem_size == cur->mem_size && old->off == cur->off &&
		       kbpf_range_within(old, cur);
	case KBPF_PTR_TO_ALLOC_MEM_OR_NULL:
		return old->mem_size == cur->mem_size && old->off == cur->off &&
		       kbpf_range_within(old, cur) && kbpf_check_ids(idmap, old->id, cur->id);
	case KBPF_PTR_TO_SOCKET:
	case KBPF_PTR_TO_SOCK_COMMON:
		return old->off == cur->off;
	case KBPF_PTR_TO_SOCKET_OR_NULL:
	case KBPF_PTR_TO_SOCK_COMMON_OR_NULL:
		return old->off == cur->off && kbpf_check_ids(idmap, old->id, cur->id);
	}
	return false;
}

/* The same references held, in the same order, with corresponding ids. */
static bool kbpf_refsafe(const struct kbpf_state *old, const struct kbpf_state *cur,
			 struct kbpf_idmap *idmap)
{
	u32 i;

	if (old->ref_cnt != cur->ref_cnt)
		return false;
	for (i = 0; i < old->ref_cnt; i++)
		if (!kbpf_check_ids(idmap, old->refs[i].id, cur->refs[i].id))
			return false;
	return true;
}

static bool kbpf_stacksafe(const struct kbpf_frame *old, const struct kbpf_frame *cur,
			   struct kbpf_idmap *idmap, bool exact)
{
	u32 slot, i;

	for (slot = 0; slot < KBPF_STACK_SLOTS; slot++) {
		const u8 *ot = &old->stack_type[slot * 8], *ct = &cur->stack_type[slot * 8];

		if (exact) {
			if (memcmp(ot, ct, 8))
				return false;
			if (ot[0] == KBPF_STACK_SPILL &&
			    !kbpf_regsafe(&old->spill[slot], &cur->spill[slot], idmap, true))
				return false;
			continue;
		}
		if (ot[0] == KBPF_STACK_SPILL) {
			/* the same spill size: a fill of it gives the register back */
			u32 n = kbpf_spill_size(ot);

			if (kbpf_spill_size(ct) != n ||
			    !kbpf_regsafe(&old->spill[slot], &cur->spill[slot], idmap, false))
				return false;
			if (n == 8)
				continue;
		}
		/* the bytes of no spill (a narrow spill's others) */
		for (i = kbpf_spill_size(ot); i < 8; i++) {
			if (ot[i] == KBPF_STACK_INVALID)
				continue;
			/* old: some scalar bytes. cur: scalar bytes too, spilled or not. */
			if (ct[i] == KBPF_STACK_MISC)
				continue;
			if (ct[i] == KBPF_STACK_SPILL && cur->spill[slot].type == KBPF_SCALAR)
				continue;
			return false;
		}
	}
	return true;
}

static bool kbpf_states_equal(const struct kbpf_venv *env, const struct kbpf_state *old,
			      const struct kbpf_state *cur, u32 idx, bool exact)
{
	struct kbpf_idmap idmap;
	u32 f, r;

	if (old->curframe != cur->curframe)
		return false;
	idmap.n = 0;
	if (!kbpf_refsafe(old, cur, &idmap))
		return false;
	for (f = 0; f <= old->curframe; f++) {
		const struct kbpf_frame *of = old->frame[f], *cf = cur->frame[f];

		if (of->callsite != cf->callsite || of->subprog != cf->subprog)
			return false;
		for (r = 0; r < MAX_BPF_REG; r++) {
			/* in the running frame, a dead register cannot matter */
			if (f == old->curframe && r < 10 && !(env->aux[idx].live_in & (1u << r)))
				continue;
			if (!kbpf_regsafe(&of->regs[r], &cf->regs[r], &idmap, exact))
				return false;
		}
		if (!kbpf_stacksafe(of, cf, &idmap, exact))
			return false;
	}
	return true;
}

int kbpf_is_state_visited(struct kbpf_venv *env, u32 idx)
{
	struct kbpf_state *cur = env->cur;
	struct kbpf_checkpoint *cp, **link;

	for (link = &env->explored[idx]; (cp = *link);) {
		if (cp->branches) {
			/* an ancestor still being walked: a loop */
			if (kbpf_states_equal(env, cp->st, cur, idx, true)) {
				kbpf_vlog(env, "infinite loop detected at insn %u\n", idx);
				return -EINVAL;
			}
			link = &cp->next;
			continue;
		}
		/*
		 * no_prune: a finished state is never used to prune; it is
		 * dropped at once (nothing live points to it, see below).
		 */
		if (!env->attr->no_prune && kbpf_states_equal(env, cp->st, cur, idx, false)) {
			cp->hit++;
			env->states_pruned++;
			return 1;
		}
		/*
		 * A finished state that keeps failing to match only costs time
		 * (loops leave one per iteration): drop it, as Linux does. No
		 * live path has it as an ancestor, so nothing points to it.
		 */
		if (env->attr->no_prune || ++cp->miss > cp->hit * 3 + 3) {
			*link = cp->next;
			env->explored_cnt[idx]--;
			env->states_kept--;
			env->kept_bytes -= kbpf_state_bytes(cp->st);
			kbpf_state_free(cp->st);
			kbpf_free(cp);
			continue;
		}
		link = &cp->next;
	}
	if (env->states_kept >= KBPF_VERIFY_MAX_STATES ||
	    env->explored_cnt[idx] >= KBPF_VERIFY_MAX_STATES_PER_INSN ||
	    env->kept_bytes + kbpf_state_bytes(cur) > KBPF_VERIFY_MAX_KEPT_BYTES)
		return 0;
	cp = kbpf_zalloc(sizeof(*cp));
	if (!cp)
		return -ENOMEM;
	cp->st = kbpf_state_dup(cur);
	if (!cp->st) {
		kbpf_free(cp);
		return -ENOMEM;
	}
	cp->branches = 1;
	cp->parent = cur->cp;
	cp->next = env->explored[idx];
	env->explored[idx] = cp;
	env->explored_cnt[idx]++;
	env->states_kept++;
	env->kept_bytes += kbpf_state_bytes(cp->st);
	env->states_total++;
	env->states_peak = max(env->states_peak, env->states_kept);
	cur->cp = cp;
	return 0;
}
