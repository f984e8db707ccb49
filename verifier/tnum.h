/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tristate numbers: a 64-bit value where each bit is known 0, known 1, or
 * unknown. value holds the known-1 bits, mask the unknown ones; a bit is
 * never both. Every operation over-approximates: the result contains every
 * value the operation can produce from members of its inputs.
 */
#ifndef _KBPF_TNUM_H
#define _KBPF_TNUM_H

#include "kbpf_env.h"

struct kbpf_tnum {
	u64 value;
	u64 mask;
};

#define KBPF_TNUM(v, m)		((struct kbpf_tnum){ .value = (v), .mask = (m) })
#define kbpf_tnum_unknown	KBPF_TNUM(0, ~0ull)

static inline struct kbpf_tnum kbpf_tnum_const(u64 v)
{
	return KBPF_TNUM(v, 0);
}

static inline bool kbpf_tnum_is_const(struct kbpf_tnum a)
{
	return !a.mask;
}

static inline bool kbpf_tnum_is_unknown(struct kbpf_tnum a)
{
	return !~a.mask;
}

/* Is every member of b also a member of a? */
static inline bool kbpf_tnum_in(struct kbpf_tnum a, struct kbpf_tnum b)
{
	if (b.mask & ~a.mask)
		return false;
	b.value &= ~a.mask;
	return a.value == b.value;
}

/* The tnum of every value in [min, max]. */
struct kbpf_tnum kbpf_tnum_range(u64 min, u64 max);
struct kbpf_tnum kbpf_tnum_add(struct kbpf_tnum a, struct kbpf_tnum b);
struct kbpf_tnum kbpf_tnum_sub(struct kbpf_tnum a, struct kbpf_tnum b);
struct kbpf_tnum kbpf_tnum_and(struct kbpf_tnum a, struct kbpf_tnum b);
struct kbpf_tnum kbpf_tnum_or(struct kbpf_tnum a, struct kbpf_tnum b);
struct kbpf_tnum kbpf_tnum_xor(struct kbpf_tnum a, struct kbpf_tnum b);
struct kbpf_tnum kbpf_tnum_mul(struct kbpf_tnum a, struct kbpf_tnum b);
struct kbpf_tnum kbpf_tnum_lshift(struct kbpf_tnum a, u8 shift);
struct kbpf_tnum kbpf_tnum_rshift(struct kbpf_tnum a, u8 shift);
/* Arithmetic shift right of the low insn_bitness (32 or 64) bits. */
struct kbpf_tnum kbpf_tnum_arshift(struct kbpf_tnum a, u8 shift, u8 insn_bitness);
/* Members of both (a and b must overlap). */
struct kbpf_tnum kbpf_tnum_intersect(struct kbpf_tnum a, struct kbpf_tnum b);
/* Keep the low size bytes (zero-extend). */
struct kbpf_tnum kbpf_tnum_cast(struct kbpf_tnum a, u8 size);
static inline struct kbpf_tnum kbpf_tnum_subreg(struct kbpf_tnum a)
{
	return kbpf_tnum_cast(a, 4);
}
/* Replace the low 32 bits of a with those of b. */
struct kbpf_tnum kbpf_tnum_with_subreg(struct kbpf_tnum a, struct kbpf_tnum b);
/* Is a a multiple of size (size a power of two)? */
bool kbpf_tnum_is_aligned(struct kbpf_tnum a, u64 size);

#endif /* _KBPF_TNUM_H */
