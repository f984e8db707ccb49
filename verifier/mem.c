// SPDX-License-Identifier: GPL-2.0
/*
 * Memory accesses through pointer registers: the stack (with spills and
 * initialisation tracking), map values and the context. Every access is
 * proved to stay inside its object; offsets must be constants.
 */
#include "verifier.h"

/* Keeps offsets far from overflow, as Linux does (BPF_MAX_VAR_OFF). */
#define KBPF_MAX_PTR_OFF	(1 << 29)

static bool kbpf_is_pointer(const struct kbpf_reg *reg)
{
	return reg->type != KBPF_SCALAR && reg->type != KBPF_NOT_INIT;
}

/* Stack bytes [off, off + size) relative to fp: are they all initialised? */
int kbpf_check_stack_read_range(struct kbpf_venv *env, s32 off, u32 size,
				const char *what)
{
	struct kbpf_state *st = env->cur;
	u32 i;

	if (off < -KBPF_STACK_SIZE || off + (s64)size > 0) {
		kbpf_vlog(env, "invalid %s stack off=%d size=%u\n", what, off, size);
		return -EACCES;
	}
	if (env->attr->perfmon_capable)
		goto ok;
	for (i = 0; i < size; i++) {
		if (st->stack_type[KBPF_STACK_SIZE + off + i] == KBPF_STACK_INVALID) {
			kbpf_vlog(env, "invalid read from stack off %d+%u size %u\n",
				  off, i, size);
			return -EACCES;
		}
	}
ok:
	if ((u32)-off > env->stack_depth)
		env->stack_depth = -off;
	return 0;
}

static int kbpf_stack_write(struct kbpf_venv *env, s32 off, u32 size,
			    const struct kbpf_reg *value)
{
	struct kbpf_state *st = env->cur;
	u32 base = KBPF_STACK_SIZE + off, i, slot;

	if (value && kbpf_is_pointer(value) && size != 8) {
		kbpf_vlog(env, "invalid size of register spill\n");
		return -EACCES;
	}
	/* Overwriting part of a spill destroys it: its other bytes become misc. */
	for (slot = base / 8; slot <= (base + size - 1) / 8; slot++) {
		if (st->stack_type[slot * 8] != KBPF_STACK_SPILL)
			continue;
		if (kbpf_is_pointer(&st->spill[slot]) && size != 8 &&
		    !env->attr->bpf_capable) {
			kbpf_vlog(env, "attempt to corrupt spilled pointer on stack\n");
			return -EACCES;
		}
		for (i = 0; i < 8; i++)
			st->stack_type[slot * 8 + i] = KBPF_STACK_MISC;
		memset(&st->spill[slot], 0, sizeof(st->spill[slot]));
	}
	if (size == 8 && value) {
		/* A full, aligned 8-byte store keeps the register's exact state. */
		slot = base / 8;
		st->spill[slot] = *value;
		for (i = 0; i < 8; i++)
			st->stack_type[base + i] = KBPF_STACK_SPILL;
	} else {
		for (i = 0; i < size; i++)
			st->stack_type[base + i] = KBPF_STACK_MISC;
	}
	if ((u32)-off > env->stack_depth)
		env->stack_depth = -off;
	return 0;
}

static int kbpf_stack_read(struct kbpf_venv *env, s32 off, u32 size,
			   struct kbpf_reg *loaded)
{
	struct kbpf_state *st = env->cur;
	u32 base = KBPF_STACK_SIZE + off;
	int err;

	if (st->stack_type[base] == KBPF_STACK_SPILL) {
		const struct kbpf_reg *spilled = &st->spill[base / 8];

		if (size == 8) {
			if (loaded)
				*loaded = *spilled;
			goto depth;
		}
		if (kbpf_is_pointer(spilled)) {
			kbpf_vlog(env, "invalid size of register fill\n");
			return -EACCES;
		}
	}
	err = kbpf_check_stack_read_range(env, off, size, "read from");
	if (err)
		return err;
	if (loaded)
		kbpf_mark_unknown(loaded);
depth:
	if ((u32)-off > env->stack_depth)
		env->stack_depth = -off;
	return 0;
}

/*
 * Access [reg + off, + size) through register regno. For a write, value is
 * the stored register (NULL for BPF_ST immediates); for a read, the loaded
 * abstract value goes to *loaded.
 */
int kbpf_check_mem(struct kbpf_venv *env, u32 regno, s32 off, u32 size, bool write,
		   const struct kbpf_reg *value, struct kbpf_reg *loaded)
{
	const struct kbpf_reg *reg = &env->cur->regs[regno];
	s64 o = (s64)reg->off + off;

	switch (reg->type) {
	case KBPF_PTR_TO_STACK:
		if (o < -KBPF_STACK_SIZE || o + size > 0) {
			kbpf_vlog(env, "invalid stack off=%lld size=%u\n", (long long)o, size);
			return -EACCES;
		}
		if (o % size) {
			kbpf_vlog(env, "misaligned stack access off %lld size %u\n",
				  (long long)o, size);
			return -EACCES;
		}
		if (write)
			return kbpf_stack_write(env, (s32)o, size, value);
		return kbpf_stack_read(env, (s32)o, size, loaded);
	case KBPF_PTR_TO_MAP_VALUE:
		if (o < 0 || o + size > reg->map->value_size) {
			kbpf_vlog(env, "invalid access to map value, value_size=%u off=%lld size=%u\n",
				  reg->map->value_size, (long long)o, size);
			return -EACCES;
		}
		if (write && (reg->map->map_flags & BPF_F_RDONLY_PROG)) {
			kbpf_vlog(env, "write into map forbidden\n");
			return -EACCES;
		}
		if (!write && (reg->map->map_flags & BPF_F_WRONLY_PROG)) {
			kbpf_vlog(env, "read from map forbidden\n");
			return -EACCES;
		}
		break;
	case KBPF_PTR_TO_CTX:
		if (reg->off) {
			kbpf_vlog(env, "dereference of modified ctx ptr R%u off=%d disallowed\n",
				  regno, reg->off);
			return -EACCES;
		}
		if (kbpf_check_ctx_access(env, env->attr->prog_type, off, size, write))
			return -EACCES;
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
