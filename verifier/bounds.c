// SPDX-License-Identifier: GPL-2.0
/*
 * The scalar domain: each scalar is a tnum plus unsigned and signed bounds,
 * 64- and 32-bit, kept mutually consistent by kbpf_reg_sync() after every
 * operation. Transfer functions for ALU operations, and the facts a
 * conditional jump teaches each of its arms.
 *
 * Soundness rule for every function here: the abstract result must contain
 * every concrete result (jit/ops.h defines the concrete semantics).
 */
#include "verifier.h"
#include "../jit/ops.h"

#define S64_MIN_	((s64)(1ull << 63))
#define S64_MAX_	((s64)~(1ull << 63))
#define S32_MIN_	((s32)(1u << 31))
#define S32_MAX_	((s32)~(1u << 31))

static void kbpf_bounds_unbounded(struct kbpf_reg *r)
{
	r->smin = S64_MIN_;
	r->smax = S64_MAX_;
	r->umin = 0;
	r->umax = ~0ull;
	r->s32_min = S32_MIN_;
	r->s32_max = S32_MAX_;
	r->u32_min = 0;
	r->u32_max = ~0u;
}

void kbpf_mark_unknown(struct kbpf_reg *reg)
{
	memset(reg, 0, sizeof(*reg));
	reg->type = KBPF_SCALAR;
	reg->var_off = kbpf_tnum_unknown;
	kbpf_bounds_unbounded(reg);
}

void kbpf_mark_known(struct kbpf_reg *reg, u64 val)
{
	memset(reg, 0, sizeof(*reg));
	reg->type = KBPF_SCALAR;
	reg->var_off = kbpf_tnum_const(val);
	reg->smin = reg->smax = (s64)val;
	reg->umin = reg->umax = val;
	reg->s32_min = reg->s32_max = (s32)val;
	reg->u32_min = reg->u32_max = (u32)val;
}

/* A pointer's variable part: exactly zero. */
void kbpf_ptr_var_zero(struct kbpf_reg *reg)
{
	reg->var_off = kbpf_tnum_const(0);
	reg->smin = reg->smax = 0;
	reg->umin = reg->umax = 0;
	reg->s32_min = reg->s32_max = 0;
	reg->u32_min = reg->u32_max = 0;
}

bool kbpf_reg_is_const(const struct kbpf_reg *reg)
{
	return reg->type == KBPF_SCALAR && kbpf_tnum_is_const(reg->var_off);
}

/* ---- Keeping the views consistent ------------------------------------ */

static void kbpf_sync32(struct kbpf_reg *r)
{
	struct kbpf_tnum t = kbpf_tnum_subreg(r->var_off);

	/* from the tnum */
	r->s32_min = max(r->s32_min, (s32)(t.value | (t.mask & (1u << 31))));
	r->s32_max = min(r->s32_max, (s32)(t.value | (t.mask & ~(1u << 31))));
	r->u32_min = max(r->u32_min, (u32)t.value);
	r->u32_max = min(r->u32_max, (u32)(t.value | t.mask));
	/* signed from unsigned and back, when the sign is settled */
	if (r->s32_min >= 0 || r->s32_max < 0) {
		r->u32_min = max(r->u32_min, (u32)r->s32_min);
		r->u32_max = min(r->u32_max, (u32)r->s32_max);
		r->s32_min = (s32)r->u32_min;
		r->s32_max = (s32)r->u32_max;
	} else if ((s32)r->u32_max >= 0) {
		r->s32_min = (s32)r->u32_min;
		r->u32_max = min(r->u32_max, (u32)r->s32_max);
		r->s32_max = (s32)r->u32_max;
	} else if ((s32)r->u32_min < 0) {
		r->u32_min = max(r->u32_min, (u32)r->s32_min);
		r->s32_min = (s32)r->u32_min;
		r->s32_max = (s32)r->u32_max;
	}
}

static void kbpf_sync64(struct kbpf_reg *r)
{
	struct kbpf_tnum t = r->var_off;

	r->smin = max(r->smin, (s64)(t.value | (t.mask & (1ull << 63))));
	r->smax = min(r->smax, (s64)(t.value | (t.mask & ~(1ull << 63))));
	r->umin = max(r->umin, t.value);
	r->umax = min(r->umax, t.value | t.mask);
	if (r->smin >= 0 || r->smax < 0) {
		r->umin = max(r->umin, (u64)r->smin);
		r->umax = min(r->umax, (u64)r->smax);
		r->smin = (s64)r->umin;
		r->smax = (s64)r->umax;
	} else if ((s64)r->umax >= 0) {
		r->smin = (s64)r->umin;
		r->umax = min(r->umax, (u64)r->smax);
		r->smax = (s64)r->umax;
	} else if ((s64)r->umin < 0) {
		r->umin = max(r->umin, (u64)r->smin);
		r->smin = (s64)r->umin;
		r->smax = (s64)r->umax;
	}
}

/*
 * After any change: the 64-bit range bounds the low 32 bits when its upper
 * 32 bits are fixed; the 32-bit range bounds the whole value when the upper
 * 32 bits are known zero; and the tnum learns from the ranges.
 */
void kbpf_reg_sync(struct kbpf_reg *r)
{
	int i;

	for (i = 0; i < 2; i++) {
		if ((r->umin >> 32) == (r->umax >> 32)) {
			r->u32_min = max(r->u32_min, (u32)r->umin);
			r->u32_max = min(r->u32_max, (u32)r->umax);
		}
		if (r->smin >= S32_MIN_ && r->smax <= S32_MAX_) {
			/* the value is an s32: so is its low half */
			r->s32_min = max(r->s32_min, (s32)r->smin);
			r->s32_max = min(r->s32_max, (s32)r->smax);
		}
		kbpf_sync32(r);
		if (!((r->var_off.value | r->var_off.mask) >> 32)) {
			/* upper half known zero: the 32-bit view is the value */
			r->umin = max(r->umin, (u64)r->u32_min);
			r->umax = min(r->umax, (u64)r->u32_max);
		}
		kbpf_sync64(r);
		r->var_off = kbpf_tnum_intersect(r->var_off, kbpf_tnum_range(r->umin, r->umax));
		r->var_off = kbpf_tnum_with_subreg(r->var_off,
			kbpf_tnum_intersect(kbpf_tnum_subreg(r->var_off),
					    kbpf_tnum_range(r->u32_min, r->u32_max)));
	}
}

/* An empty range: the path is infeasible (only after a refinement). */
bool kbpf_reg_is_empty(const struct kbpf_reg *r)
{
	return r->umin > r->umax || r->smin > r->smax ||
	       r->u32_min > r->u32_max || r->s32_min > r->s32_max ||
	       (r->var_off.value & r->var_off.mask);
}

/* ---- ALU ---------------------------------------------------------------- */

/* Bounds of dst + src (64-bit), with wrap-around made explicit. */
static void kbpf_bounds_add64(struct kbpf_reg *d, const struct kbpf_reg *s)
{
	s64 smin, smax;
	u64 umin, umax;

	if (__builtin_add_overflow(d->smin, s->smin, &smin) ||
	    __builtin_add_overflow(d->smax, s->smax, &smax)) {
		d->smin = S64_MIN_;
		d->smax = S64_MAX_;
	} else {
		d->smin = smin;
		d->smax = smax;
	}
	if (__builtin_add_overflow(d->umin, s->umin, &umin) ||
	    __builtin_add_overflow(d->umax, s->umax, &umax)) {
		d->umin = 0;
		d->umax = ~0ull;
	} else {
		d->umin = umin;
		d->umax = umax;
	}
}

static void kbpf_bounds_sub64(struct kbpf_reg *d, const struct kbpf_reg *s)
{
	s64 smin, smax;

	if (__builtin_sub_overflow(d->smin, s->smax, &smin) ||
	    __builtin_sub_overflow(d->smax, s->smin, &smax)) {
		d->smin = S64_MIN_;
		d->smax = S64_MAX_;
	} else {
		d->smin = smin;
		d->smax = smax;
	}
	if (d->umin < s->umax) {
		d->umin = 0;
		d->umax = ~0ull;
	} else {
		d->umin -= s->umax;
		d->umax -= s->umin;
	}
}

static void kbpf_bounds_add32(struct kbpf_reg *d, const struct kbpf_reg *s)
{
	s32 smin, smax;
	u32 umin, umax;

	if (__builtin_add_overflow(d->s32_min, s->s32_min, &smin) ||
	    __builtin_add_overflow(d->s32_max, s->s32_max, &smax)) {
		d->s32_min = S32_MIN_;
		d->s32_max = S32_MAX_;
	} else {
		d->s32_min = smin;
		d->s32_max = smax;
	}
	if (__builtin_add_overflow(d->u32_min, s->u32_min, &umin) ||
	    __builtin_add_overflow(d->u32_max, s->u32_max, &umax)) {
		d->u32_min = 0;
		d->u32_max = ~0u;
	} else {
		d->u32_min = umin;
		d->u32_max = umax;
	}
}

static void kbpf_bounds_sub32(struct kbpf_reg *d, const struct kbpf_reg *s)
{
	s32 smin, smax;

	if (__builtin_sub_overflow(d->s32_min, s->s32_max, &smin) ||
	    __builtin_sub_overflow(d->s32_max, s->s32_min, &smax)) {
		d->s32_min = S32_MIN_;
		d->s32_max = S32_MAX_;
	} else {
		d->s32_min = smin;
		d->s32_max = smax;
	}
	if (d->u32_min < s->u32_max) {
		d->u32_min = 0;
		d->u32_max = ~0u;
	} else {
		d->u32_min -= s->u32_max;
		d->u32_max -= s->u32_min;
	}
}

/* Reset the bounds the tnum alone will then rebuild. */
static void kbpf_bounds_from_tnum(struct kbpf_reg *r)
{
	kbpf_bounds_unbounded(r);
}

/* The low 32 bits became the value: zero-extend into the 64-bit view. */
static void kbpf_zext32(struct kbpf_reg *r)
{
	r->var_off = kbpf_tnum_subreg(r->var_off);
	r->umin = r->u32_min;
	r->umax = r->u32_max;
	/* zero-extended: non-negative as s64 */
	r->smin = r->u32_min;
	r->smax = r->u32_max;
}

/*
 * dst = dst <op> src on scalars (BPF_ALU/BPF_ALU64, not MOV). Constant
 * operands are folded with the concrete semantics.
 */
void kbpf_scalar_alu(struct kbpf_reg *dst, const struct kbpf_reg *src, u8 op, bool is64)
{
	struct kbpf_tnum a = dst->var_off, b = src->var_off;
	u8 width = is64 ? 64 : 32;

	if (kbpf_tnum_is_const(a) && kbpf_tnum_is_const(b)) {
		kbpf_mark_known(dst, kbpf_alu(op, is64, a.value, b.value));
		return;
	}
	if (!is64) {
		a = kbpf_tnum_subreg(a);
		b = kbpf_tnum_subreg(b);
	}
	switch (op) {
	case BPF_ADD:
		dst->var_off = kbpf_tnum_add(a, b);
		if (is64)
			kbpf_bounds_add64(dst, src);
		else
			kbpf_bounds_add32(dst, src);
		break;
	case BPF_SUB:
		dst->var_off = kbpf_tnum_sub(a, b);
		if (is64)
			kbpf_bounds_sub64(dst, src);
		else
			kbpf_bounds_sub32(dst, src);
		break;
	case BPF_MUL:
		dst->var_off = kbpf_tnum_mul(a, b);
		if (is64 && dst->smin >= 0 && src->smin >= 0 && dst->umax <= 0xffffffffull &&
		    src->umax <= 0xffffffffull) {
			u64 lo = dst->umin * src->umin, hi = dst->umax * src->umax;

			kbpf_bounds_unbounded(dst);
			dst->umin = lo;
			dst->umax = hi;
		} else if (!is64 && dst->s32_min >= 0 && src->s32_min >= 0 &&
			   dst->u32_max <= 0xffff && src->u32_max <= 0xffff) {
			u32 lo = dst->u32_min * src->u32_min, hi = dst->u32_max * src->u32_max;

			kbpf_bounds_unbounded(dst);
			dst->u32_min = lo;
			dst->u32_max = hi;
		} else {
			kbpf_bounds_from_tnum(dst);
		}
		break;
	case BPF_AND: {
		u64 umax = min(dst->umax, src->umax);
		u32 u32max = min(dst->u32_max, src->u32_max);

		dst->var_off = kbpf_tnum_and(a, b);
		kbpf_bounds_unbounded(dst);
		if (is64)
			dst->umax = umax;
		else
			dst->u32_max = u32max;
		break;
	}
	case BPF_OR: {
		u64 umin = max(dst->umin, src->umin);
		u32 u32min = max(dst->u32_min, src->u32_min);

		dst->var_off = kbpf_tnum_or(a, b);
		kbpf_bounds_unbounded(dst);
		if (is64)
			dst->umin = umin;
		else
			dst->u32_min = u32min;
		break;
	}
	case BPF_XOR:
		dst->var_off = kbpf_tnum_xor(a, b);
		kbpf_bounds_from_tnum(dst);
		break;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		/* A register count is masked to the width, like the hardware. */
		if (!kbpf_tnum_is_const(b)) {
			kbpf_mark_unknown(dst);
			if (!is64)
				goto zext;
			return;
		}
		{
			u8 sh = (u8)(b.value & (width - 1));
			struct kbpf_reg old = *dst;

			if (op == BPF_LSH)
				dst->var_off = kbpf_tnum_lshift(a, sh);
			else if (op == BPF_RSH)
				dst->var_off = kbpf_tnum_rshift(a, sh);
			else
				dst->var_off = kbpf_tnum_arshift(a, sh, width);
			if (!is64)
				dst->var_off = kbpf_tnum_subreg(dst->var_off);
			kbpf_bounds_from_tnum(dst);
			/* shifted ranges, where no bit falls off the top */
			if (is64) {
				if (op == BPF_LSH && !(old.umax >> (63 - sh) >> 1)) {
					dst->umin = old.umin << sh;
					dst->umax = old.umax << sh;
				} else if (op == BPF_RSH) {
					dst->umin = old.umin >> sh;
					dst->umax = old.umax >> sh;
				} else if (op == BPF_ARSH) {
					dst->smin = old.smin >> sh;
					dst->smax = old.smax >> sh;
				}
				/*
				 * << 32 moves the low half up whole: its s32 and
				 * u32 ranges, times 2^32, are the value's (the
				 * sign-extension idiom <<32 s>>32; 6.1 keeps the
				 * signed bounds when s32 ones are >= 0)
				 */
				if (op == BPF_LSH && sh == 32) {
					dst->smin = max(dst->smin, (s64)((u64)(s64)old.s32_min << 32));
					dst->smax = min(dst->smax, (s64)((u64)(s64)old.s32_max << 32));
					dst->umin = max(dst->umin, (u64)old.u32_min << 32);
					dst->umax = min(dst->umax, (u64)old.u32_max << 32);
				}
			} else {
				if (op == BPF_LSH && !((u64)old.u32_max >> (31 - sh) >> 1)) {
					dst->u32_min = old.u32_min << sh;
					dst->u32_max = old.u32_max << sh;
				} else if (op == BPF_RSH) {
					dst->u32_min = old.u32_min >> sh;
					dst->u32_max = old.u32_max >> sh;
				} else if (op == BPF_ARSH) {
					dst->s32_min = old.s32_min >> sh;
					dst->s32_max = old.s32_max >> sh;
				}
			}
		}
		break;
	default:
		/* DIV, MOD: nothing cheap and sound beyond "some value" */
		dst->var_off = kbpf_tnum_unknown;
		kbpf_bounds_from_tnum(dst);
		if (!is64)
			goto zext;
		kbpf_reg_sync(dst);
		return;
	}
	if (is64) {
		/* the 32-bit view is recomputed from the 64-bit facts */
		dst->s32_min = S32_MIN_;
		dst->s32_max = S32_MAX_;
		dst->u32_min = 0;
		dst->u32_max = ~0u;
		kbpf_reg_sync(dst);
		return;
	}
zext:
	dst->var_off = kbpf_tnum_subreg(dst->var_off);
	dst->smin = S64_MIN_;
	dst->smax = S64_MAX_;
	dst->umin = 0;
	dst->umax = ~0ull;
	kbpf_sync32(dst);
	kbpf_zext32(dst);
	kbpf_reg_sync(dst);
}

/* dst = -dst, byte swaps, and 32-bit moves: what is known of the result. */
void kbpf_scalar_unary(struct kbpf_reg *dst, u8 op, bool is64, bool to_be, s32 bits)
{
	if (kbpf_tnum_is_const(dst->var_off)) {
		u64 v = dst->var_off.value;

		kbpf_mark_known(dst, op == BPF_NEG ? kbpf_alu(op, is64, v, 0) :
				kbpf_endian(to_be, bits, v));
		return;
	}
	if (op == BPF_END && !to_be && bits < 64) {
		/* to-le on x86: truncation */
		dst->var_off = kbpf_tnum_cast(dst->var_off, (u8)(bits / 8));
		kbpf_bounds_unbounded(dst);
		kbpf_reg_sync(dst);
		return;
	}
	if (op == BPF_END && !to_be)
		return;
	kbpf_mark_unknown(dst);
	if (op == BPF_END && bits < 64) {
		dst->var_off = kbpf_tnum_cast(dst->var_off, (u8)(bits / 8));
		kbpf_reg_sync(dst);
	} else if (op == BPF_NEG && !is64) {
		dst->var_off = kbpf_tnum_subreg(dst->var_off);
		kbpf_reg_sync(dst);
	}
}

/* dst = (u32)src */
void kbpf_scalar_mov32(struct kbpf_reg *dst, const struct kbpf_reg *src)
{
	*dst = *src;
	dst->id = 0;
	dst->var_off = kbpf_tnum_subreg(src->var_off);
	dst->smin = S64_MIN_;
	dst->smax = S64_MAX_;
	dst->umin = 0;
	dst->umax = ~0ull;
	kbpf_sync32(dst);
	kbpf_zext32(dst);
	kbpf_reg_sync(dst);
}

/* ---- Conditional jumps ---------------------------------------------------- */

/*
 * Does "dst <op> src" hold for every member (1), for none (0), or is it
 * open (-1)? Scalars only.
 */
int kbpf_branch_taken(const struct kbpf_reg *d, const struct kbpf_reg *s, u8 op, bool is32)
{
	u64 dumin = is32 ? d->u32_min : d->umin, dumax = is32 ? d->u32_max : d->umax;
	u64 sumin = is32 ? s->u32_min : s->umin, sumax = is32 ? s->u32_max : s->umax;
	s64 dsmin = is32 ? d->s32_min : d->smin, dsmax = is32 ? d->s32_max : d->smax;
	s64 ssmin = is32 ? s->s32_min : s->smin, ssmax = is32 ? s->s32_max : s->smax;
	struct kbpf_tnum dt = is32 ? kbpf_tnum_subreg(d->var_off) : d->var_off;
	struct kbpf_tnum st = is32 ? kbpf_tnum_subreg(s->var_off) : s->var_off;

	if (kbpf_tnum_is_const(dt) && kbpf_tnum_is_const(st))
		return kbpf_jmp_taken(op, is32, dt.value, st.value);
	switch (op) {
	case BPF_JEQ:
	case BPF_JNE: {
		/* some bit known to differ, or disjoint ranges: never equal */
		bool ne = ((dt.value ^ st.value) & ~dt.mask & ~st.mask) ||
			  dumin > sumax || dumax < sumin || dsmin > ssmax || dsmax < ssmin;

		if (!ne)
			return -1;
		return op == BPF_JNE;
	}
	case BPF_JSET:
		if (dt.value & st.value)
			return 1;
		if (!((dt.value | dt.mask) & (st.value | st.mask)))
			return 0;
		return -1;
	case BPF_JGT:
		return dumin > sumax ? 1 : dumax <= sumin ? 0 : -1;
	case BPF_JGE:
		return dumin >= sumax ? 1 : dumax < sumin ? 0 : -1;
	case BPF_JLT:
		return dumax < sumin ? 1 : dumin >= sumax ? 0 : -1;
	case BPF_JLE:
		return dumax <= sumin ? 1 : dumin > sumax ? 0 : -1;
	case BPF_JSGT:
		return dsmin > ssmax ? 1 : dsmax <= ssmin ? 0 : -1;
	case BPF_JSGE:
		return dsmin >= ssmax ? 1 : dsmax < ssmin ? 0 : -1;
	case BPF_JSLT:
		return dsmax < ssmin ? 1 : dsmin >= ssmax ? 0 : -1;
	case BPF_JSLE:
		return dsmax <= ssmin ? 1 : dsmin > ssmax ? 0 : -1;
	}
	return -1;
}

/* The same condition with the operands swapped: a < b iff b > a. */
static u8 kbpf_flip_op(u8 op)
{
	switch (op) {
	case BPF_JGT:	return BPF_JLT;
	case BPF_JGE:	return BPF_JLE;
	case BPF_JLT:	return BPF_JGT;
	case BPF_JLE:	return BPF_JGE;
	case BPF_JSGT:	return BPF_JSLT;
	case BPF_JSGE:	return BPF_JSLE;
	case BPF_JSLT:	return BPF_JSGT;
	case BPF_JSLE:	return BPF_JSGE;
	default:	return op;	/* JEQ, JNE, JSET are symmetric */
	}
}

/* The condition that holds on the other arm. */
static u8 kbpf_negate_op(u8 op)
{
	switch (op) {
	case BPF_JEQ:	return BPF_JNE;
	case BPF_JNE:	return BPF_JEQ;
	case BPF_JGT:	return BPF_JLE;
	case BPF_JGE:	return BPF_JLT;
	case BPF_JLT:	return BPF_JGE;
	case BPF_JLE:	return BPF_JGT;
	case BPF_JSGT:	return BPF_JSLE;
	case BPF_JSGE:	return BPF_JSLT;
	case BPF_JSLT:	return BPF_JSGE;
	case BPF_JSLE:	return BPF_JSGT;
	default:	return 0;	/* "not JSET": only bits learnt */
	}
}

/*
 * Narrow d knowing "d <op> s" holds (s is not changed here; call again
 * with the operands flipped to narrow s).
 */
static void kbpf_refine_one(struct kbpf_reg *d, const struct kbpf_reg *s, u8 op, bool is32)
{
	if (is32) {
		u32 sumin = s->u32_min, sumax = s->u32_max;
		s32 ssmin = s->s32_min, ssmax = s->s32_max;

		switch (op) {
		case BPF_JEQ:
			d->u32_min = max(d->u32_min, sumin);
			d->u32_max = min(d->u32_max, sumax);
			d->s32_min = max(d->s32_min, ssmin);
			d->s32_max = min(d->s32_max, ssmax);
			d->var_off = kbpf_tnum_with_subreg(d->var_off,
				kbpf_tnum_intersect(kbpf_tnum_subreg(d->var_off),
						    kbpf_tnum_subreg(s->var_off)));
			break;
		case BPF_JGT:
			if (sumin == ~0u)
				d->u32_min = 1, d->u32_max = 0;	/* empty */
			else
				d->u32_min = max(d->u32_min, sumin + 1);
			break;
		case BPF_JGE: d->u32_min = max(d->u32_min, sumin); break;
		case BPF_JLT:
			if (!sumax)
				d->u32_min = 1, d->u32_max = 0;
			else
				d->u32_max = min(d->u32_max, sumax - 1);
			break;
		case BPF_JLE: d->u32_max = min(d->u32_max, sumax); break;
		case BPF_JSGT:
			if (ssmin == S32_MAX_)
				d->s32_min = 1, d->s32_max = 0;
			else
				d->s32_min = max(d->s32_min, ssmin + 1);
			break;
		case BPF_JSGE: d->s32_min = max(d->s32_min, ssmin); break;
		case BPF_JSLT:
			if (ssmax == S32_MIN_)
				d->s32_min = 1, d->s32_max = 0;
			else
				d->s32_max = min(d->s32_max, ssmax - 1);
			break;
		case BPF_JSLE: d->s32_max = min(d->s32_max, ssmax); break;
		}
		return;
	}
	switch (op) {
	case BPF_JEQ:
		d->umin = max(d->umin, s->umin);
		d->umax = min(d->umax, s->umax);
		d->smin = max(d->smin, s->smin);
		d->smax = min(d->smax, s->smax);
		d->var_off = kbpf_tnum_intersect(d->var_off, s->var_off);
		break;
	case BPF_JGT:
		if (s->umin == ~0ull)
			d->umin = 1, d->umax = 0;
		else
			d->umin = max(d->umin, s->umin + 1);
		break;
	case BPF_JGE: d->umin = max(d->umin, s->umin); break;
	case BPF_JLT:
		if (!s->umax)
			d->umin = 1, d->umax = 0;
		else
			d->umax = min(d->umax, s->umax - 1);
		break;
	case BPF_JLE: d->umax = min(d->umax, s->umax); break;
	case BPF_JSGT:
		if (s->smin == S64_MAX_)
			d->smin = 1, d->smax = 0;
		else
			d->smin = max(d->smin, s->smin + 1);
		break;
	case BPF_JSGE: d->smin = max(d->smin, s->smin); break;
	case BPF_JSLT:
		if (s->smax == S64_MIN_)
			d->smin = 1, d->smax = 0;
		else
			d->smax = min(d->smax, s->smax - 1);
		break;
	case BPF_JSLE: d->smax = min(d->smax, s->smax); break;
	}
}

/* JSET with a constant: the false arm learns that those bits are clear. */
static void kbpf_refine_jset(struct kbpf_reg *d, const struct kbpf_reg *s, bool taken, bool is32)
{
	u64 bits;

	if (!kbpf_tnum_is_const(s->var_off))
		return;
	bits = s->var_off.value;
	if (is32)
		bits &= 0xffffffffull;
	if (!taken) {
		d->var_off = kbpf_tnum_and(d->var_off, kbpf_tnum_const(~bits));
	} else if (bits && !(bits & (bits - 1))) {
		/* a single bit: it is set */
		d->var_off = kbpf_tnum_or(d->var_off, kbpf_tnum_const(bits));
	}
}

/*
 * Both arms of "dst <op> src" on scalars: t_dst/t_src are the taken arm's
 * copies, f_dst/f_src the fall-through arm's. Returns for each arm whether
 * it is still feasible.
 */
void kbpf_branch_refine(struct kbpf_reg *t_dst, struct kbpf_reg *t_src, struct kbpf_reg *f_dst,
			struct kbpf_reg *f_src, u8 op, bool is32, bool *t_ok, bool *f_ok)
{
	struct kbpf_reg td = *t_dst, ts = *t_src, fd = *f_dst, fs = *f_src;
	u8 neg = kbpf_negate_op(op);

	if (op == BPF_JSET) {
		kbpf_refine_jset(t_dst, &ts, true, is32);
		kbpf_refine_jset(f_dst, &fs, false, is32);
	} else {
		kbpf_refine_one(t_dst, &ts, op, is32);
		kbpf_refine_one(t_src, &td, kbpf_flip_op(op), is32);
		if (neg) {
			kbpf_refine_one(f_dst, &fs, neg, is32);
			kbpf_refine_one(f_src, &fd, kbpf_flip_op(neg), is32);
		}
	}
	*t_ok = !kbpf_reg_is_empty(t_dst) && !kbpf_reg_is_empty(t_src);
	*f_ok = !kbpf_reg_is_empty(f_dst) && !kbpf_reg_is_empty(f_src);
	if (*t_ok) {
		kbpf_reg_sync(t_dst);
		kbpf_reg_sync(t_src);
		*t_ok = !kbpf_reg_is_empty(t_dst) && !kbpf_reg_is_empty(t_src);
	}
	if (*f_ok) {
		kbpf_reg_sync(f_dst);
		kbpf_reg_sync(f_src);
		*f_ok = !kbpf_reg_is_empty(f_dst) && !kbpf_reg_is_empty(f_src);
	}
}
