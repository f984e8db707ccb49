// SPDX-License-Identifier: GPL-2.0
/*
 * Memory accesses through pointer registers: the stack of any live frame
 * (with spills and initialisation tracking), map values and the context.
 * Every access is proved to stay inside its object, for every value of a
 * variable offset (the stack's are in stack_var.c).
 */
#include "verifier.h"

static bool kbpf_is_pointer(const struct kbpf_reg *reg)
{
	return reg->type != KBPF_SCALAR && reg->type != KBPF_NOT_INIT;
}

/* Stack bytes [off, off + size) of frame frameno: all initialised? */
int kbpf_check_stack_read_range(struct kbpf_venv *env, u32 frameno, s32 off, u32 size,
				const char *what)
{
	struct kbpf_frame *f = env->cur->frame[frameno];
	u32 i;

	if (off < -KBPF_STACK_SIZE || off + (s64)size > 0 || !size) {
		kbpf_vlog(env, "invalid %s stack off=%d size=%u\n", what, off, size);
		return -EACCES;
	}
	if (!env->attr->perfmon_capable) {
		for (i = 0; i < size; i++) {
			if (f->stack_type[KBPF_STACK_SIZE + off + i] == KBPF_STACK_INVALID) {
				kbpf_vlog(env, "invalid read from stack off %d+%u size %u\n",
					  off, i, size);
				return -EACCES;
			}
		}
	}
	kbpf_note_stack_depth(env, frameno, off);
	return 0;
}

/*
 * A store of size < 8 bytes of a scalar at the start of a stack slot, with
 * every value of the scalar below 2^(8 * size): a load of the same size
 * zero-extends exactly that value back, so the spill can keep its state.
 * (6.1 also keeps scalars that do not fit, and loses their upper bits.)
 */
static bool kbpf_narrow_spill_exact(const struct kbpf_reg *value, u32 base, u32 size)
{
	return value && value->type == KBPF_SCALAR && size < 8 && !(base % 8) &&
	       value->umax < (1ull << (8 * size));
}

/* Bytes of the slot at t (its 8 types) that hold a spilled register: 0 or its size. */
u32 kbpf_spill_size(const u8 *t)
{
	u32 n = 0;

	while (n < 8 && t[n] == KBPF_STACK_SPILL)
		n++;
	return n;
}

static int kbpf_stack_write(struct kbpf_venv *env, u32 frameno, s32 off, u32 size,
			    const struct kbpf_reg *value)
{
	struct kbpf_frame *f = env->cur->frame[frameno];
	u32 base = KBPF_STACK_SIZE + off, i, slot;

	if (value && kbpf_is_pointer(value) && size != 8) {
		kbpf_vlog(env, "invalid size of register spill\n");
		return -EACCES;
	}
	if (value && value->type == KBPF_PTR_TO_STACK && value->frameno > frameno) {
		/* It would dangle once the callee returns. */
		kbpf_vlog(env, "cannot spill pointers to stack into stack frame of the caller\n");
		return -EACCES;
	}
	/* Overwriting part of a spill destroys it: its other bytes become misc. */
	for (slot = base / 8; slot <= (base + size - 1) / 8; slot++) {
		if (f->stack_type[slot * 8] != KBPF_STACK_SPILL)
			continue;
		if (kbpf_is_pointer(&f->spill[slot]) && size != 8 &&
		    !env->attr->perfmon_capable) {
			kbpf_vlog(env, "attempt to corrupt spilled pointer on stack\n");
			return -EACCES;
		}
		kbpf_stack_drop_spill(f, slot * 8);
	}
	if ((size == 8 && value) || kbpf_narrow_spill_exact(value, base, size)) {
		/*
		 * A full, aligned 8-byte store keeps the register's exact state;
		 * so does a narrower one at the start of a slot of a scalar
		 * that fits in it (6.1's partial spills): its first size bytes
		 * are the spill, a fill of the same size gives it back.
		 */
		slot = base / 8;
		f->spill[slot] = *value;
		for (i = 0; i < size; i++)
			f->stack_type[base + i] = KBPF_STACK_SPILL;
	} else {
		for (i = 0; i < size; i++)
			f->stack_type[base + i] = KBPF_STACK_MISC;
	}
	kbpf_note_stack_depth(env, frameno, off);
	return 0;
}

static int kbpf_stack_read(struct kbpf_venv *env, u32 frameno, s32 off, u32 size,
			   struct kbpf_reg *loaded)
{
	struct kbpf_frame *f = env->cur->frame[frameno];
	u32 base = KBPF_STACK_SIZE + off;

	if (f->stack_type[base] == KBPF_STACK_SPILL) {
		const struct kbpf_reg *spilled = &f->spill[base / 8];

		/* the whole spill, from its start (a spill starts a slot) */
		if (!(base % 8) && size == kbpf_spill_size(&f->stack_type[base])) {
			if (loaded)
				*loaded = *spilled;
			kbpf_note_stack_depth(env, frameno, off);
			return 0;
		}
		if (kbpf_is_pointer(spilled)) {
			kbpf_vlog(env, "invalid size of register fill\n");
			return -EACCES;
		}
	}
	if (loaded)
		kbpf_mark_unknown(loaded);
	return kbpf_check_stack_read_range(env, frameno, off, size, "read from");
}

/*
 * [reg + off, + size) inside an object of vs bytes, over every value of
 * the register's variable part (Linux's check_mem_region_access()); what
 * names the object in the log ("map value, value_size" or "memory,
 * mem_size").
 */
static int kbpf_check_region(struct kbpf_venv *env, u32 regno, const struct kbpf_reg *reg,
			     s32 off, u32 size, u32 vs, const char *what)
{
	s64 lo = (s64)reg->off + off;

	/* As Linux's check_map_access(), in its order and words. */
	if (reg->smin < 0 && (reg->smin == (s64)(1ull << 63) || lo + reg->smin < 0)) {
		kbpf_vlog(env, "R%u min value is negative, either use unsigned index or do a if (index >=0) check.\n",
			  regno);
		return -EACCES;
	}
	if (lo + reg->smin < 0 || lo + reg->smin + size > vs) {
		kbpf_vlog(env, "invalid access to %s=%u off=%lld size=%u\n",
			  what, vs, (long long)(lo + reg->smin), size);
		kbpf_vlog(env, "R%u min value is outside of the allowed memory range\n", regno);
		return -EACCES;
	}
	if (reg->umax >= (1 << 29)) {
		kbpf_vlog(env, "R%u unbounded memory access, make sure to bounds check any such access\n",
			  regno);
		return -EACCES;
	}
	if (lo + (s64)reg->umax + size > vs) {
		kbpf_vlog(env, "R%u max value is outside of the allowed memory range\n", regno);
		return -EACCES;
	}
	return 0;
}

int kbpf_check_map_value_range(struct kbpf_venv *env, u32 regno, const struct kbpf_reg *reg,
			       s32 off, u32 size)
{
	return kbpf_check_region(env, regno, reg, off, size, reg->map->value_size,
				 "map value, value_size");
}

/* [reg + off, + size) inside memory a helper allocated (a ringbuf sample). */
int kbpf_check_alloc_mem_range(struct kbpf_venv *env, u32 regno, const struct kbpf_reg *reg,
			       s32 off, u32 size)
{
	return kbpf_check_region(env, regno, reg, off, size, reg->mem_size,
				 "memory, mem_size");
}

/*
 * Access [reg + off, + size) through register regno. For a write, value is
 * the stored register (an immediate is passed as a known scalar; NULL for
 * an unknown one); for a read, the loaded abstract value goes to *loaded.
 */
int kbpf_check_mem(struct kbpf_venv *env, u32 regno, s32 off, u32 size, bool write,
		   const struct kbpf_reg *value, struct kbpf_reg *loaded)
{
	const struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];
	struct kbpf_insn_aux *aux = &env->aux[env->cur->insn_idx];
	s64 o = (s64)reg->off + off;

	/* an instruction whose ctx load gets rewritten must only ever load ctx */
	if (!aux->mem_base)
		aux->mem_base = reg->type + 1;
	if (aux->mem_base != reg->type + 1 && (aux->ctx_rewrite || reg->type == KBPF_PTR_TO_CTX)) {
		kbpf_vlog(env, "same insn cannot be used with different pointers\n");
		return -EINVAL;
	}

	/*
	 * Without CAP_PERFMON (Linux: !allow_ptr_leaks) a pointer may be
	 * stored on the stack only (a spill): anywhere else its value could be
	 * read back as a number, or by userspace.
	 */
	if (write && value && kbpf_is_pointer(value) && reg->type != KBPF_PTR_TO_STACK &&
	    !env->attr->perfmon_capable) {
		kbpf_vlog(env, "leaks addr into %s (through R%u)\n",
			  kbpf_reg_type_name(reg->type), regno);
		return -EACCES;
	}

	switch (reg->type) {
	case KBPF_PTR_TO_STACK:
		/* every value of the pointer aligned (6.1: strict for the stack) */
		if (!kbpf_tnum_is_aligned(kbpf_tnum_add(reg->var_off, kbpf_tnum_const((u64)o)),
					  size)) {
			kbpf_vlog(env, "misaligned stack access off %lld size %u\n",
				  (long long)o, size);
			return -EACCES;
		}
		if (!kbpf_tnum_is_const(reg->var_off)) {
			if (write)
				return kbpf_stack_var_write(env, regno, reg, (s32)o, size);
			return kbpf_stack_var_read(env, regno, reg, (s32)o, size, loaded);
		}
		if (o < -KBPF_STACK_SIZE || o + size > 0) {
			kbpf_vlog(env, "invalid stack off=%lld size=%u\n", (long long)o, size);
			return -EACCES;
		}
		if (write)
			return kbpf_stack_write(env, reg->frameno, (s32)o, size, value);
		return kbpf_stack_read(env, reg->frameno, (s32)o, size, loaded);
	case KBPF_PTR_TO_MAP_VALUE:
		if (kbpf_check_map_value_range(env, regno, reg, off, size))
			return -EACCES;
		if (write && (reg->map->map_flags & BPF_F_RDONLY_PROG)) {
			kbpf_vlog(env, "write into map forbidden\n");
			return -EACCES;
		}
		if (!write && (reg->map->map_flags & BPF_F_WRONLY_PROG)) {
			kbpf_vlog(env, "read from map forbidden\n");
			return -EACCES;
		}
		break;
	case KBPF_PTR_TO_ALLOC_MEM:
		if (kbpf_check_alloc_mem_range(env, regno, reg, off, size))
			return -EACCES;
		break;
	case KBPF_PTR_TO_CTX: {
		s32 rewrite;
		u8 type;

		if (reg->off) {
			kbpf_vlog(env, "dereference of modified ctx ptr R%u off=%d disallowed\n",
				  regno, reg->off);
			return -EACCES;
		}
		if (kbpf_check_ctx_access(env, env->attr->prog_type, off, size, write, &type,
					  &rewrite))
			return -EACCES;
		if (rewrite >= 0) {
			/* one instruction, one rewrite: every path must agree */
			struct kbpf_insn_aux *aux = &env->aux[env->cur->insn_idx];

			if (aux->ctx_rewrite && aux->ctx_rewrite != rewrite + 1) {
				kbpf_vlog(env, "same insn cannot be used with different pointers\n");
				return -EINVAL;
			}
			aux->ctx_rewrite = rewrite + 1;
		}
		if (type != KBPF_SCALAR && loaded) {
			/* a packet pointer: fresh, nothing verified yet */
			memset(loaded, 0, sizeof(*loaded));
			kbpf_ptr_var_zero(loaded);
			loaded->type = type;
			return 0;
		}
		break;
	}
	case KBPF_PTR_TO_SOCKET:
	case KBPF_PTR_TO_SOCK_COMMON:
		if (kbpf_check_sock_access(env, regno, reg, off, size, write))
			return -EACCES;
		break;
	case KBPF_PTR_TO_PACKET:
	case KBPF_PTR_TO_PACKET_META:
		if (write && !kbpf_pkt_writable(env->attr->prog_type)) {
			kbpf_vlog(env, "cannot write into packet\n");
			return -EACCES;
		}
		if (reg->smin < 0 || reg->umax > KBPF_MAX_PACKET_OFF) {
			kbpf_vlog(env, "R%u unbounded or negative packet offset\n", regno);
			return -EACCES;
		}
		if (o < 0 || o + size > reg->range) {
			kbpf_vlog(env, "invalid access to packet, off=%lld size=%u, R%u(id=%u,off=%d,r=%u)\n",
				  (long long)o, size, regno, reg->id, reg->off, reg->range);
			kbpf_vlog(env, "R%u offset is outside of the packet\n", regno);
			return -EACCES;
		}
		break;
	default:
		kbpf_vlog(env, "R%u invalid mem access '%s'\n", regno,
			  kbpf_reg_type_name(reg->type));
		return -EACCES;
	}
	if (loaded)
		kbpf_mark_unknown(loaded);
	return 0;
}
