// SPDX-License-Identifier: GPL-2.0
/*
 * Stack accesses through a pointer with a variable offset, as Linux 6.1
 * allows them to loaders with CAP_PERFMON (check_stack_write_var_off(),
 * check_stack_read_var_off(), check_stack_range_initialized()). Every byte
 * the access may touch, [smin + off, smax + off + size), must lie inside
 * the frame. The slot actually touched is not known, so a write makes
 * every byte in range some scalar (spills in range are lost), and a read
 * needs every byte in range readable and gives an unknown scalar.
 *
 * Loaders without CAP_PERFMON cannot build such pointers (the pointer
 * arithmetic is refused); the checks for them here are a second line.
 */
#include "verifier.h"

/* The tnum as Linux's tnum_strn() prints it. */
#define KBPF_TNUM_FMT		"(0x%llx; 0x%llx)"
#define KBPF_TNUM_ARG(t)	(unsigned long long)(t).value, (unsigned long long)(t).mask

/*
 * Every byte [reg + off, + size) may touch is in the stack: [*lo, *hi)
 * relative to the frame pointer. off includes reg->off; what is Linux's
 * " read from", " write to" or " indirect access to".
 */
static int kbpf_stack_var_bounds(struct kbpf_venv *env, u32 regno, const struct kbpf_reg *reg,
				 s32 off, u32 size, const char *what, s64 *lo, s64 *hi)
{
	if (reg->smax >= KBPF_MAX_PTR_OFF || reg->smin <= -KBPF_MAX_PTR_OFF) {
		kbpf_vlog(env, "invalid unbounded variable-offset%s stack R%u\n", what, regno);
		return -EACCES;
	}
	*lo = reg->smin + off;
	*hi = reg->smax + off + size;
	if (*lo < -KBPF_STACK_SIZE || *hi > 0) {
		kbpf_vlog(env, "invalid variable-offset%s stack R%u var_off=" KBPF_TNUM_FMT " size=%u\n",
			  what, regno, KBPF_TNUM_ARG(reg->var_off), size);
		return -EACCES;
	}
	kbpf_note_stack_depth(env, reg->frameno, (s32)*lo);
	return 0;
}

/* The spill of the slot holding byte b is lost: its bytes hold some scalar. */
void kbpf_stack_drop_spill(struct kbpf_frame *f, u32 b)
{
	u32 slot = b / 8, i;

	if (f->stack_type[b] != KBPF_STACK_SPILL)
		return;
	for (i = slot * 8; i < slot * 8 + 8; i++)
		if (f->stack_type[i] == KBPF_STACK_SPILL)	/* not the uninit ones */
			f->stack_type[i] = KBPF_STACK_MISC;
	memset(&f->spill[slot], 0, sizeof(f->spill[slot]));
}

/*
 * A store of size bytes at reg + off: every byte in range may be written,
 * so every byte becomes misc (6.1 counts the uninitialised ones written
 * too, for privileged loaders) and every spill in range is destroyed.
 */
int kbpf_stack_var_write(struct kbpf_venv *env, u32 regno, const struct kbpf_reg *reg,
			 s32 off, u32 size)
{
	struct kbpf_frame *f = env->cur->frame[reg->frameno];
	s64 lo, hi, i;
	int err;

	err = kbpf_stack_var_bounds(env, regno, reg, off, size, " write to", &lo, &hi);
	if (err)
		return err;
	for (i = lo; i < hi; i++) {
		u32 b = (u32)(KBPF_STACK_SIZE + i);

		if (!env->attr->perfmon_capable && f->stack_type[b] != KBPF_STACK_MISC) {
			/* the write may miss the slot: a pointer or uninit bytes could leak */
			kbpf_vlog(env, f->stack_type[b] == KBPF_STACK_SPILL ?
				  "spilled ptr in range of var-offset stack write; insn %u, ptr off: %lld\n" :
				  "uninit stack in range of var-offset write prohibited for !root; insn %u, off: %lld\n",
				  env->cur->insn_idx, (long long)i);
			return -EINVAL;
		}
		kbpf_stack_drop_spill(f, b);
		f->stack_type[b] = KBPF_STACK_MISC;
	}
	return 0;
}

/*
 * Bytes [lo, hi) of frame f may be read as numbers: written, or (with
 * CAP_PERFMON) uninitialised or part of a spilled pointer.
 */
static int kbpf_stack_var_readable(struct kbpf_venv *env, u32 regno, const struct kbpf_reg *reg,
				   s64 lo, s64 hi, u32 size, const char *what)
{
	const struct kbpf_frame *f = env->cur->frame[reg->frameno];
	bool perfmon = env->attr->perfmon_capable;
	s64 i;

	for (i = lo; i < hi; i++) {
		u32 b = (u32)(KBPF_STACK_SIZE + i);
		u8 t = f->stack_type[b];

		if (t == KBPF_STACK_MISC || perfmon ||
		    (t == KBPF_STACK_SPILL && f->spill[b / 8].type == KBPF_SCALAR))
			continue;
		kbpf_vlog(env, "invalid%s read from stack R%u var_off " KBPF_TNUM_FMT "+%lld size %u\n",
			  what, regno, KBPF_TNUM_ARG(reg->var_off), (long long)(i - lo), size);
		return -EACCES;
	}
	return 0;
}

/* A load of size bytes at reg + off: an unknown scalar (no fill is exact). */
int kbpf_stack_var_read(struct kbpf_venv *env, u32 regno, const struct kbpf_reg *reg,
			s32 off, u32 size, struct kbpf_reg *loaded)
{
	s64 lo, hi;
	int err;

	err = kbpf_stack_var_bounds(env, regno, reg, off, size, " read from", &lo, &hi);
	if (!err)
		err = kbpf_stack_var_readable(env, regno, reg, lo, hi, size, "");
	if (!err && loaded)
		kbpf_mark_unknown(loaded);
	return err;
}

/*
 * A helper's memory argument of size bytes at reg: it reads (write false)
 * or writes somewhere in range. A write makes every byte in range misc, as
 * 6.1's clobber (which it does for reads too; kbpf knows which it is).
 */
int kbpf_stack_var_helper(struct kbpf_venv *env, u32 regno, const struct kbpf_reg *reg,
			  u32 size, bool write)
{
	struct kbpf_frame *f = env->cur->frame[reg->frameno];
	s64 lo, hi, i;
	int err;

	if (!env->attr->perfmon_capable) {
		kbpf_vlog(env, "R%u indirect variable offset stack access prohibited for !root, var_off=" KBPF_TNUM_FMT "\n",
			  regno, KBPF_TNUM_ARG(reg->var_off));
		return -EACCES;
	}
	err = kbpf_stack_var_bounds(env, regno, reg, reg->off, size, " indirect access to",
				    &lo, &hi);
	if (err)
		return err;
	if (!write)
		return kbpf_stack_var_readable(env, regno, reg, lo, hi, size, " indirect");
	for (i = lo; i < hi; i++) {
		u32 b = (u32)(KBPF_STACK_SIZE + i);

		kbpf_stack_drop_spill(f, b);
		f->stack_type[b] = KBPF_STACK_MISC;
	}
	return 0;
}
