// SPDX-License-Identifier: GPL-2.0
/*
 * Tristate number arithmetic (see tnum.h). The add/sub formulas carry the
 * uncertainty through every position a carry could reach; multiplication
 * is a sum of shifted partial products.
 */
#include "tnum.h"

struct kbpf_tnum kbpf_tnum_range(u64 min, u64 max)
{
	u64 chi = min ^ max, delta;
	u8 bits;

	if (min > max)
		return kbpf_tnum_unknown;
	if (!chi)
		return kbpf_tnum_const(min);
	/* Every bit from the highest differing one down is unknown. */
	bits = (u8)(64 - __builtin_clzll(chi));
	if (bits > 63)
		return kbpf_tnum_unknown;
	delta = (1ull << bits) - 1;
	return KBPF_TNUM(min & ~delta, delta);
}

struct kbpf_tnum kbpf_tnum_add(struct kbpf_tnum a, struct kbpf_tnum b)
{
	u64 sm = a.mask + b.mask;
	u64 sv = a.value + b.value;
	u64 sigma = sm + sv;
	u64 chi = sigma ^ sv;
	u64 mu = chi | a.mask | b.mask;

	return KBPF_TNUM(sv & ~mu, mu);
}

struct kbpf_tnum kbpf_tnum_sub(struct kbpf_tnum a, struct kbpf_tnum b)
{
	u64 dv = a.value - b.value;
	u64 alpha = dv + a.mask;
	u64 beta = dv - b.mask;
	u64 chi = alpha ^ beta;
	u64 mu = chi | a.mask | b.mask;

	return KBPF_TNUM(dv & ~mu, mu);
}

struct kbpf_tnum kbpf_tnum_and(struct kbpf_tnum a, struct kbpf_tnum b)
{
	u64 alpha = a.value | a.mask;	/* bits that may be 1 */
	u64 beta = b.value | b.mask;
	u64 v = a.value & b.value;	/* bits that are surely 1 */

	return KBPF_TNUM(v, alpha & beta & ~v);
}

struct kbpf_tnum kbpf_tnum_or(struct kbpf_tnum a, struct kbpf_tnum b)
{
	u64 v = a.value | b.value;
	u64 mu = a.mask | b.mask;

	return KBPF_TNUM(v, mu & ~v);
}

struct kbpf_tnum kbpf_tnum_xor(struct kbpf_tnum a, struct kbpf_tnum b)
{
	u64 v = a.value ^ b.value;
	u64 mu = a.mask | b.mask;

	return KBPF_TNUM(v & ~mu, mu);
}

/*
 * Long multiplication over tristate bits: for each bit of a, add b shifted
 * (when the bit is 1) or its uncertainty (when unknown) into accumulators
 * of known and unknown parts.
 */
struct kbpf_tnum kbpf_tnum_mul(struct kbpf_tnum a, struct kbpf_tnum b)
{
	struct kbpf_tnum acc_v = kbpf_tnum_const(a.value * b.value);
	struct kbpf_tnum acc_m = kbpf_tnum_const(0);

	while (a.value || a.mask) {
		if (a.value & 1)
			acc_m = kbpf_tnum_add(acc_m, KBPF_TNUM(0, b.mask));
		else if (a.mask & 1)
			acc_m = kbpf_tnum_add(acc_m, KBPF_TNUM(0, b.value | b.mask));
		a = kbpf_tnum_rshift(a, 1);
		b = kbpf_tnum_lshift(b, 1);
	}
	return kbpf_tnum_add(acc_v, acc_m);
}

struct kbpf_tnum kbpf_tnum_lshift(struct kbpf_tnum a, u8 shift)
{
	return KBPF_TNUM(a.value << shift, a.mask << shift);
}

struct kbpf_tnum kbpf_tnum_rshift(struct kbpf_tnum a, u8 shift)
{
	return KBPF_TNUM(a.value >> shift, a.mask >> shift);
}

struct kbpf_tnum kbpf_tnum_arshift(struct kbpf_tnum a, u8 shift, u8 insn_bitness)
{
	if (insn_bitness == 32)
		return KBPF_TNUM((u32)((s32)a.value >> shift), (u32)((s32)a.mask >> shift));
	return KBPF_TNUM((u64)((s64)a.value >> shift), (u64)((s64)a.mask >> shift));
}

struct kbpf_tnum kbpf_tnum_intersect(struct kbpf_tnum a, struct kbpf_tnum b)
{
	u64 v = a.value | b.value;
	u64 mu = a.mask & b.mask;

	return KBPF_TNUM(v & ~mu, mu);
}

struct kbpf_tnum kbpf_tnum_cast(struct kbpf_tnum a, u8 size)
{
	u64 keep = size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;

	return KBPF_TNUM(a.value & keep, a.mask & keep);
}

struct kbpf_tnum kbpf_tnum_with_subreg(struct kbpf_tnum a, struct kbpf_tnum b)
{
	struct kbpf_tnum hi = KBPF_TNUM(a.value & ~0xffffffffull, a.mask & ~0xffffffffull);

	return kbpf_tnum_or(hi, kbpf_tnum_subreg(b));
}

bool kbpf_tnum_is_aligned(struct kbpf_tnum a, u64 size)
{
	if (!size)
		return true;
	return !((a.value | a.mask) & (size - 1));
}
