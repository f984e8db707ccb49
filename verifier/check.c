// SPDX-License-Identifier: GPL-2.0
/*
 * Pass 3: abstract interpretation along every path. Each state is walked
 * forward; a branch whose outcome is not known pushes the other arm as a
 * pending state. The walk is bounded by KBPF_VERIFY_BUDGET processed
 * instructions, which is what bounds loops.
 */
#include "verifier.h"
#include "../jit/ops.h"

static bool kbpf_is_ptr(const struct kbpf_reg *reg)
{
	return reg->type != KBPF_SCALAR && reg->type != KBPF_NOT_INIT;
}

static int kbpf_check_read(struct kbpf_venv *env, u32 regno)
{
	if (kbpf_cur_regs(env)[regno].type == KBPF_NOT_INIT) {
		kbpf_vlog(env, "R%u !read_ok\n", regno);
		return -EACCES;
	}
	return 0;
}

static int kbpf_check_write(struct kbpf_venv *env, u32 regno)
{
	if (regno == BPF_REG_FP) {
		kbpf_vlog(env, "frame pointer is read only\n");
		return -EACCES;
	}
	return 0;
}

/*
 * dst (a pointer) += / -= a scalar. A constant moves the fixed offset; a
 * variable scalar goes into the pointer's variable part, which map value,
 * packet, allocated memory and stack pointers may have (their accesses are
 * checked against its bounds).
 */
/*
 * A stack pointer whose variable part is known again: it moves the fixed
 * offset, so that a stack pointer's variable part is always 0 or unknown.
 */
static int kbpf_stack_fold_const(struct kbpf_venv *env, struct kbpf_reg *dst, u32 regno)
{
	s64 off = (s64)dst->off + (s64)dst->var_off.value;

	if (off >= KBPF_MAX_PTR_OFF || off <= -KBPF_MAX_PTR_OFF) {
		kbpf_vlog(env, "R%u pointer offset %lld is out of range\n", regno, (long long)off);
		return -EACCES;
	}
	dst->off = (s32)off;
	kbpf_ptr_var_zero(dst);
	return 0;
}

static int kbpf_ptr_arith(struct kbpf_venv *env, u8 op, struct kbpf_reg *dst,
			  const struct kbpf_reg *scalar, u32 regno)
{
	struct kbpf_reg var;
	s64 off;

	switch (dst->type) {
	case KBPF_PTR_TO_CTX:
	case KBPF_PTR_TO_STACK:
	case KBPF_PTR_TO_MAP_VALUE:
	case KBPF_PTR_TO_PACKET:
	case KBPF_PTR_TO_PACKET_META:
	case KBPF_PTR_TO_ALLOC_MEM:
		break;
	case KBPF_CONST_PTR_TO_MAP:
		/* as Linux: only + 0, which changes nothing */
		if (op == BPF_ADD && kbpf_reg_is_const(scalar) && !scalar->var_off.value)
			return 0;
		fallthrough;
	default:
		kbpf_vlog(env, "R%u pointer arithmetic on %s prohibited%s\n", regno,
			  kbpf_reg_type_name(dst->type),
			  kbpf_type_may_be_null(dst->type) ? ", null-check it first" : "");
		return -EACCES;
	}
	if (kbpf_reg_is_const(scalar)) {
		s64 v = (s64)scalar->var_off.value;

		off = (s64)dst->off + (op == BPF_ADD ? v : -v);
		if (v >= KBPF_MAX_PTR_OFF || v <= -KBPF_MAX_PTR_OFF ||
		    off >= KBPF_MAX_PTR_OFF || off <= -KBPF_MAX_PTR_OFF) {
			kbpf_vlog(env, "R%u pointer offset %lld is out of range\n", regno,
				  (long long)off);
			return -EACCES;
		}
		dst->off = (s32)off;
		return 0;
	}
	if (dst->type == KBPF_PTR_TO_CTX) {
		kbpf_vlog(env, "R%u variable offset on %s is not supported yet\n", regno,
			  kbpf_reg_type_name(dst->type));
		return -EACCES;
	}
	if (dst->type == KBPF_PTR_TO_PACKET || dst->type == KBPF_PTR_TO_PACKET_META) {
		/* a new pointer: nothing proved about its range yet */
		dst->id = ++env->id_gen;
		dst->range = 0;
	}
	/* the variable part, as a scalar of its own */
	var = *dst;
	var.type = KBPF_SCALAR;
	kbpf_scalar_alu(&var, scalar, op, true);
	dst->var_off = var.var_off;
	dst->smin = var.smin;
	dst->smax = var.smax;
	dst->umin = var.umin;
	dst->umax = var.umax;
	dst->s32_min = var.s32_min;
	dst->s32_max = var.s32_max;
	dst->u32_min = var.u32_min;
	dst->u32_max = var.u32_max;
	if (dst->type == KBPF_PTR_TO_STACK && kbpf_tnum_is_const(dst->var_off))
		return kbpf_stack_fold_const(env, dst, regno);
	return 0;
}

/*
 * Pointer arithmetic for loaders that cannot bypass Spectre v1 (no
 * CAP_PERFMON), as Linux 6.1's sanitize_ptr_alu() and
 * sanitize_check_bounds() refuse it: a register offset only on stack and
 * map value pointers and never with mixed-sign bounds, and the result must
 * stay inside its object. Linux needs this to mask the offset; kbpf does
 * not mask (its JIT fences such programs instead) but refuses the same
 * programs, so that a loader sees the same verdicts on both.
 */
static int kbpf_unpriv_ptr_alu_pre(struct kbpf_venv *env, const struct bpf_insn *insn,
				   const struct kbpf_reg *ptr, const struct kbpf_reg *scalar,
				   u32 regno)
{
	if (env->attr->perfmon_capable || BPF_SRC(insn->code) == BPF_K)
		return 0;
	if (ptr->type != KBPF_PTR_TO_STACK && ptr->type != KBPF_PTR_TO_MAP_VALUE) {
		kbpf_vlog(env, "R%u has pointer with unsupported alu operation, pointer arithmetic with it prohibited for !root\n",
			  regno);
		return -EACCES;
	}
	if (!kbpf_reg_is_const(scalar) && (scalar->smin < 0) != (scalar->smax < 0)) {
		kbpf_vlog(env, "R%u has unknown scalar with mixed signed bounds, pointer arithmetic with it prohibited for !root\n",
			  regno);
		return -EACCES;
	}
	return 0;
}

static int kbpf_unpriv_ptr_alu_post(struct kbpf_venv *env, const struct kbpf_reg *dst, u32 regno)
{
	s64 off;

	if (env->attr->perfmon_capable)
		return 0;
	switch (dst->type) {
	case KBPF_PTR_TO_STACK:
		if (!kbpf_tnum_is_const(dst->var_off)) {
			kbpf_vlog(env, "R%u variable stack access prohibited for !root\n", regno);
			return -EACCES;
		}
		off = (s64)dst->off + (s64)dst->var_off.value;
		if (off >= 0 || off < -KBPF_STACK_SIZE) {
			kbpf_vlog(env, "R%u stack pointer arithmetic goes out of range, prohibited for !root, off=%lld\n",
				  regno, (long long)off);
			return -EACCES;
		}
		return 0;
	case KBPF_PTR_TO_MAP_VALUE:
		if (kbpf_check_map_value_range(env, regno, dst, 0, 1)) {
			kbpf_vlog(env, "R%u pointer arithmetic of map value goes out of range, prohibited for !root\n",
				  regno);
			return -EACCES;
		}
		return 0;
	default:
		return 0;
	}
}

static int kbpf_check_alu(struct kbpf_venv *env, const struct bpf_insn *insn)
{
	struct kbpf_reg *regs = kbpf_cur_regs(env);
	struct kbpf_reg *dst = &regs[insn->dst_reg];
	struct kbpf_reg srcv, *src = &srcv;
	u8 op = BPF_OP(insn->code);
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;
	int err;

	err = kbpf_check_write(env, insn->dst_reg);
	if (err)
		return err;
	if (BPF_SRC(insn->code) == BPF_X) {
		err = kbpf_check_read(env, insn->src_reg);
		if (err)
			return err;
		src = &regs[insn->src_reg];
	} else {
		kbpf_mark_known(&srcv, (u64)(s64)insn->imm);
	}

	if (op == BPF_MOV) {
		if (is64) {
			/* a scalar copy shares an id: what a branch learns of one, it learns of both */
			if (src != &srcv && src->type == KBPF_SCALAR && !src->id &&
			    !kbpf_reg_is_const(src))
				src->id = ++env->id_gen;
			*dst = *src;
			return 0;
		}
		if (kbpf_is_ptr(src) && !env->attr->perfmon_capable) {
			kbpf_vlog(env, "R%u partial copy of pointer\n", insn->src_reg);
			return -EACCES;
		}
		if (kbpf_is_ptr(src))
			kbpf_mark_unknown(dst);	/* a partial copy of a pointer */
		else
			kbpf_scalar_mov32(dst, src);
		return 0;
	}
	/* Everything else reads dst. */
	err = kbpf_check_read(env, insn->dst_reg);
	if (err)
		return err;
	if (op == BPF_END || op == BPF_NEG) {
		if (kbpf_is_ptr(dst) && !env->attr->perfmon_capable) {
			kbpf_vlog(env, "R%u pointer arithmetic prohibited\n", insn->dst_reg);
			return -EACCES;
		}
		if (kbpf_is_ptr(dst))
			kbpf_mark_unknown(dst);	/* the pointer's value leaks as a number */
		kbpf_scalar_unary(dst, op, is64, BPF_SRC(insn->code) == BPF_TO_BE, insn->imm);
		if (!(op == BPF_END && BPF_SRC(insn->code) == BPF_TO_LE && insn->imm == 64))
			dst->id = 0;
		return 0;
	}
	if (kbpf_is_ptr(dst) || kbpf_is_ptr(src)) {
		/*
		 * as 6.1: a 32-bit difference with a pointer is no pointer,
		 * only a number, which CAP_PERFMON loaders may see
		 */
		if (!is64 && op == BPF_SUB && env->attr->perfmon_capable) {
			kbpf_mark_unknown(&srcv);
			kbpf_scalar_mov32(dst, &srcv);	/* unknown, the upper half zero */
			return 0;
		}
		if (!is64) {
			kbpf_vlog(env, "R%u 32-bit pointer arithmetic prohibited\n",
				  insn->dst_reg);
			return -EACCES;
		}
		if (kbpf_is_ptr(dst) && kbpf_is_ptr(src)) {
			/* ptr - ptr of the same stack frame, both fixed, is a known distance. */
			if (op == BPF_SUB && dst->type == src->type &&
			    dst->type == KBPF_PTR_TO_STACK && dst->frameno == src->frameno &&
			    kbpf_tnum_is_const(dst->var_off) && kbpf_tnum_is_const(src->var_off)) {
				kbpf_mark_known(dst, (u64)((s64)dst->off - src->off));
				return 0;
			}
			/* as Linux: any pointer difference is a number for CAP_PERFMON */
			if (op == BPF_SUB && env->attr->perfmon_capable) {
				kbpf_mark_unknown(dst);
				return 0;
			}
			kbpf_vlog(env, "R%u pointer %s pointer prohibited\n", insn->dst_reg,
				  op == BPF_SUB ? "-" : "op");
			return -EACCES;
		}
		if (op != BPF_ADD && !(op == BPF_SUB && kbpf_is_ptr(dst))) {
			kbpf_vlog(env, "R%u pointer arithmetic with this operator prohibited\n",
				  insn->dst_reg);
			return -EACCES;
		}
		if (kbpf_is_ptr(dst)) {
			err = kbpf_unpriv_ptr_alu_pre(env, insn, dst, src, insn->dst_reg);
			if (!err)
				err = kbpf_ptr_arith(env, op, dst, src, insn->dst_reg);
		} else {
			/* scalar + ptr: the result is the pointer moved by the scalar. */
			err = kbpf_unpriv_ptr_alu_pre(env, insn, src, dst, insn->dst_reg);
			if (err)
				return err;
			srcv = *dst;
			*dst = *src;
			err = kbpf_ptr_arith(env, BPF_ADD, dst, &srcv, insn->dst_reg);
		}
		return err ? err : kbpf_unpriv_ptr_alu_post(env, dst, insn->dst_reg);
	}
	kbpf_scalar_alu(dst, src, op, is64);
	dst->id = 0;	/* a new value: no longer a copy of anything */
	return 0;
}

static int kbpf_check_load_store(struct kbpf_venv *env, const struct bpf_insn *insn)
{
	struct kbpf_reg *regs = kbpf_cur_regs(env);
	u32 size = kbpf_size_bytes(insn->code);
	struct kbpf_reg loaded, imm;
	int err;

	switch (BPF_CLASS(insn->code)) {
	case BPF_LDX:
		err = kbpf_check_read(env, insn->src_reg);
		if (!err)
			err = kbpf_check_write(env, insn->dst_reg);
		if (!err)
			err = kbpf_check_mem(env, insn->src_reg, insn->off, size, false,
					     NULL, &loaded);
		if (err)
			return err;
		/* Sub-register loads are zero-extended scalars (ctx pointer fields aside). */
		if (size < 8 && kbpf_is_ptr(&loaded) &&
		    regs[insn->src_reg].type != KBPF_PTR_TO_CTX)
			kbpf_mark_unknown(&loaded);
		if (size < 8 && !kbpf_is_ptr(&loaded)) {
			loaded.var_off = kbpf_tnum_cast(loaded.var_off, (u8)size);
			loaded.smin = loaded.umin = 0;
			loaded.smax = loaded.umax = ~0ull >> (64 - 8 * size);
			loaded.s32_min = (s32)(1u << 31);
			loaded.s32_max = (s32)~(1u << 31);
			loaded.u32_min = 0;
			loaded.u32_max = ~0u;
			kbpf_reg_sync(&loaded);
		}
		regs[insn->dst_reg] = loaded;
		return 0;
	case BPF_ST:
		err = kbpf_check_read(env, insn->dst_reg);
		if (err)
			return err;
		if (regs[insn->dst_reg].type == KBPF_PTR_TO_CTX) {
			kbpf_vlog(env, "BPF_ST stores into R%u ctx is not allowed\n",
				  insn->dst_reg);
			return -EACCES;
		}
		kbpf_mark_known(&imm, (u64)(s64)insn->imm);
		return kbpf_check_mem(env, insn->dst_reg, insn->off, size, true, &imm, NULL);
	default: /* BPF_STX | BPF_MEM */
		err = kbpf_check_read(env, insn->src_reg);
		if (!err)
			err = kbpf_check_read(env, insn->dst_reg);
		if (err)
			return err;
		return kbpf_check_mem(env, insn->dst_reg, insn->off, size, true,
				      &regs[insn->src_reg], NULL);
	}
}

static int kbpf_check_atomic(struct kbpf_venv *env, const struct bpf_insn *insn)
{
	struct kbpf_reg *regs = kbpf_cur_regs(env);
	const struct kbpf_reg *dst = &regs[insn->dst_reg];
	u32 size = kbpf_size_bytes(insn->code);
	struct kbpf_reg old;
	int err;

	err = kbpf_check_read(env, insn->src_reg);
	if (!err)
		err = kbpf_check_read(env, insn->dst_reg);
	if (!err && insn->imm == BPF_CMPXCHG)
		err = kbpf_check_read(env, BPF_REG_0);
	/* fetching forms write the old value back into src */
	if (!err && insn->imm != BPF_CMPXCHG && (insn->imm & BPF_FETCH))
		err = kbpf_check_write(env, insn->src_reg);
	if (err)
		return err;
	/* Storing a pointer into memory only leaks it (allowed with CAP_PERFMON). */
	if (!env->attr->perfmon_capable &&
	    (kbpf_is_ptr(&regs[insn->src_reg]) ||
	     (insn->imm == BPF_CMPXCHG && kbpf_is_ptr(&regs[BPF_REG_0])))) {
		kbpf_vlog(env, "R%u leaks addr into mem\n", insn->src_reg);
		return -EACCES;
	}
	if (dst->type != KBPF_PTR_TO_STACK && dst->type != KBPF_PTR_TO_MAP_VALUE &&
	    dst->type != KBPF_PTR_TO_ALLOC_MEM) {
		kbpf_vlog(env, "BPF_ATOMIC stores into R%u %s is not allowed\n",
			  insn->dst_reg, kbpf_reg_type_name(dst->type));
		return -EACCES;
	}
	/*
	 * Aligned for every value of the variable offset too (a locked
	 * access across a cache line is a split lock), as Linux forces
	 * strict alignment for atomics.
	 */
	if (((s64)dst->off + insn->off) % size ||
	    ((dst->var_off.value | dst->var_off.mask) & (size - 1))) {
		kbpf_vlog(env, "misaligned atomic access off %d size %u\n",
			  dst->off + insn->off, size);
		return -EACCES;
	}
	/* A read of the old value, then a write of some scalar. */
	err = kbpf_check_mem(env, insn->dst_reg, insn->off, size, false, NULL, &old);
	if (!err && kbpf_is_ptr(&old) && !env->attr->perfmon_capable) {
		/* the operation would treat a spilled pointer as a number */
		kbpf_vlog(env, "leaking pointer from stack off %d\n", dst->off + insn->off);
		err = -EACCES;
	}
	if (!err)
		err = kbpf_check_mem(env, insn->dst_reg, insn->off, size, true, NULL, NULL);
	if (err)
		return err;
	/* The fetched register gets the old value, as a load would. */
	if (size < 8 && old.type != KBPF_SCALAR)
		kbpf_mark_unknown(&old);
	if (size < 8) {
		old.var_off = kbpf_tnum_cast(old.var_off, (u8)size);
		old.smin = old.umin = 0;
		old.smax = old.umax = 0xffffffffull;
		kbpf_reg_sync(&old);
	}
	if (insn->imm == BPF_CMPXCHG)
		regs[BPF_REG_0] = old;
	else if (insn->imm & BPF_FETCH)
		regs[insn->src_reg] = old;
	return 0;
}

/* A pointer argument to a helper that must cover size readable bytes. */
/*
 * A pointer argument covering size bytes that the helper reads (write
 * false) or writes (write true). Written stack bytes become initialised.
 */
/*
 * A helper reading stack bytes reads a spilled pointer as a number: only
 * with CAP_PERFMON (Linux: check_stack_range_initialized()).
 */
static int kbpf_check_no_spilled_ptr(struct kbpf_venv *env, u32 regno,
				     const struct kbpf_reg *reg, u32 size)
{
	const struct kbpf_frame *f = env->cur->frame[reg->frameno];
	u32 i;

	if (env->attr->perfmon_capable)
		return 0;
	for (i = 0; i < size; i++) {
		u32 b = KBPF_STACK_SIZE + reg->off + i;

		if (f->stack_type[b] == KBPF_STACK_SPILL && kbpf_is_ptr(&f->spill[b / 8])) {
			kbpf_vlog(env, "invalid indirect read from stack R%u off %d+%u size %u\n",
				  regno, reg->off, i, size);
			return -EACCES;
		}
	}
	return 0;
}

static int kbpf_check_helper_mem(struct kbpf_venv *env, u32 regno, u32 size, bool write)
{
	const struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];
	struct kbpf_frame *f;
	s32 off;
	u32 i;

	switch (reg->type) {
	case KBPF_PTR_TO_STACK:
		if (!kbpf_tnum_is_const(reg->var_off))
			return kbpf_stack_var_helper(env, regno, reg, size, write);
		off = reg->off;
		if (!write) {
			int err = kbpf_check_stack_read_range(env, reg->frameno, off, size,
							      "indirect access to");

			return err ? err : kbpf_check_no_spilled_ptr(env, regno, reg, size);
		}
		if (off < -KBPF_STACK_SIZE || off + (s64)size > 0) {
			kbpf_vlog(env, "invalid indirect access to stack R%u off=%d size=%u\n",
				  regno, off, size);
			return -EACCES;
		}
		/* the helper fills these bytes: they hold some scalar afterwards */
		f = env->cur->frame[reg->frameno];
		for (i = 0; i < size; i++) {
			u32 b = KBPF_STACK_SIZE + off + i;

			kbpf_stack_drop_spill(f, b);
			f->stack_type[b] = KBPF_STACK_MISC;
		}
		kbpf_note_stack_depth(env, reg->frameno, off);
		return 0;
	case KBPF_PTR_TO_MAP_VALUE:
		if (write && (reg->map->map_flags & BPF_F_RDONLY_PROG)) {
			kbpf_vlog(env, "write into map forbidden\n");
			return -EACCES;
		}
		if (!write && (reg->map->map_flags & BPF_F_WRONLY_PROG)) {
			kbpf_vlog(env, "read from map forbidden\n");
			return -EACCES;
		}
		return kbpf_check_map_value_range(env, regno, reg, 0, size);
	case KBPF_PTR_TO_ALLOC_MEM:
		return kbpf_check_alloc_mem_range(env, regno, reg, 0, size);
	case KBPF_PTR_TO_PACKET:
	case KBPF_PTR_TO_PACKET_META:
		if (!env->call_pkt_access) {
			kbpf_vlog(env, "helper access to the packet is not allowed\n");
			return -EACCES;
		}
		if (write && !kbpf_pkt_writable(env->attr->prog_type)) {
			kbpf_vlog(env, "cannot write into packet\n");
			return -EACCES;
		}
		if (reg->smin < 0 || reg->umax > KBPF_MAX_PACKET_OFF || reg->off < 0 ||
		    (u64)reg->off + size > reg->range) {
			kbpf_vlog(env, "R%u offset is outside of the packet\n", regno);
			return -EACCES;
		}
		return 0;
	default:
		kbpf_vlog(env, "R%u type=%s expected=fp, pkt, map_value, mem\n", regno,
			  kbpf_reg_type_name(reg->type));
		return -EACCES;
	}
}

/* The size argument of a memory argument: bounded, and the memory checked. */
static int kbpf_check_helper_size(struct kbpf_venv *env, u32 regno, u32 mem_regno,
				  bool mem_write, bool zero_ok)
{
	const struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];

	if (reg->type != KBPF_SCALAR) {
		kbpf_vlog(env, "R%u type=%s expected=scalar\n", regno, kbpf_reg_type_name(reg->type));
		return -EACCES;
	}
	if (reg->smin < 0) {
		kbpf_vlog(env, "R%u min value is negative, either use unsigned or 'var &= const'\n",
			  regno);
		return -EACCES;
	}
	if (!reg->umin && !zero_ok) {
		kbpf_vlog(env, "R%u invalid zero-sized read\n", regno);
		return -EACCES;
	}
	if (reg->umax >= KBPF_MAX_VAR_SIZE) {
		kbpf_vlog(env, "R%u unbounded memory access, use 'var &= const' or 'if (var < const)'\n",
			  regno);
		return -EACCES;
	}
	if (!reg->umax)
		return 0;	/* nothing is accessed */
	return kbpf_check_helper_mem(env, mem_regno, (u32)reg->umax, mem_write);
}

/*
 * Maps that only some helpers may touch, as Linux's
 * check_map_func_compatibility(): a PROG_ARRAY is for tail calls, queues
 * and stacks for push/pop/peek, and so on.
 */
static int kbpf_check_map_func(struct kbpf_venv *env, const struct kbpf_map_desc *map,
			       s32 func_id, const struct kbpf_helper_proto *fn)
{
	if (func_id == BPF_FUNC_tail_call && env->subprog_cnt > 1) {
		kbpf_vlog(env, "tail_calls are not allowed in programs with bpf-to-bpf calls\n");
		return -EINVAL;
	}
	if (!map)
		return 0;
	/* a map-in-map only answers map_lookup_elem, with an inner map */
	if (map->inner_meta) {
		if (func_id == BPF_FUNC_map_lookup_elem)
			return 0;
		kbpf_vlog(env, "cannot pass map_type %u into func %s#%d\n", map->map_type,
			  fn->name, func_id);
		return -EINVAL;
	}
	if (fn->map_types ? (map->map_type >= 64 ||
			     !(fn->map_types & KBPF_TYPE_BIT(map->map_type))) :
			    kbpf_map_type_restricted(map->map_type)) {
		kbpf_vlog(env, "cannot pass map_type %u into func %s#%d\n", map->map_type,
			  fn->name, func_id);
		return -EINVAL;
	}
	return 0;
}

/*
 * An ARG_PTR_TO_LONG argument: the helper writes a u64 there, aligned for
 * every value of the pointer (6.1's MEM_ALIGNED is a strict check).
 */
static int kbpf_check_long_arg(struct kbpf_venv *env, u32 regno)
{
	const struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];

	if (!kbpf_is_ptr(reg)) {
		kbpf_vlog(env, "R%u type=%s expected=fp, map_value, mem\n", regno,
			  kbpf_reg_type_name(reg->type));
		return -EACCES;
	}
	if (((u64)(s64)reg->off | reg->var_off.value | reg->var_off.mask) & 7) {
		kbpf_vlog(env, "misaligned access off %d size 8 through R%u\n", reg->off, regno);
		return -EACCES;
	}
	return kbpf_check_helper_mem(env, regno, sizeof(u64), true);
}

/*
 * An ARG_PTR_TO_SOCK_COMMON argument (6.1's ARG_PTR_TO_BTF_ID_SOCK_COMMON
 * without BTF): a socket a lookup returned, checked for NULL, unmoved;
 * release: it must hold a reference.
 */
static int kbpf_check_sock_arg(struct kbpf_venv *env, u32 regno, bool release)
{
	const struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];

	if (reg->type != KBPF_PTR_TO_SOCKET && reg->type != KBPF_PTR_TO_SOCK_COMMON) {
		kbpf_vlog(env, "R%u type=%s expected=sock_common, sock\n", regno,
			  kbpf_reg_type_name(reg->type));
		return -EACCES;
	}
	if (reg->off) {
		kbpf_vlog(env, "R%u must have zero offset when passed to release func\n", regno);
		return -EACCES;
	}
	if (release && !reg->ref_obj_id) {
		kbpf_vlog(env, "R%u must be referenced when passed to release function\n", regno);
		return -EINVAL;
	}
	return 0;
}

/* Remember the map a helper call uses, unless paths disagree. */
static void kbpf_note_call_map(struct kbpf_venv *env, u32 idx, const struct kbpf_map_desc *map)
{
	struct kbpf_insn_aux *aux = &env->aux[idx];

	if (!map || aux->call_map_mixed)
		return;
	/* an inner map's template: the map itself is only known at run time */
	if (map->is_meta) {
		aux->call_map_mixed = true;
		return;
	}
	if (!aux->call_map)
		aux->call_map = map;
	else if (aux->call_map != map)
		aux->call_map_mixed = true;
}

/*
 * An ARG_PTR_TO_ALLOC_MEM argument: memory a helper allocated, not NULL,
 * exactly as returned (Linux: offset 0); release: it must hold a reference.
 */
static int kbpf_check_alloc_mem_arg(struct kbpf_venv *env, u32 regno, bool release)
{
	const struct kbpf_reg *reg = &kbpf_cur_regs(env)[regno];

	if (reg->type != KBPF_PTR_TO_ALLOC_MEM) {
		kbpf_vlog(env, "R%u type=%s expected=alloc_mem\n", regno,
			  kbpf_reg_type_name(reg->type));
		return -EACCES;
	}
	/* as Linux's __check_ptr_off_reg() */
	if (reg->off) {
		kbpf_vlog(env, "dereference of modified alloc_mem ptr R%u off=%d disallowed\n",
			  regno, reg->off);
		return -EACCES;
	}
	if (!kbpf_tnum_is_const(reg->var_off) || reg->var_off.value) {
		kbpf_vlog(env, "variable alloc_mem access to R%u disallowed\n", regno);
		return -EACCES;
	}
	if (release && !reg->ref_obj_id) {
		kbpf_vlog(env, "R%u must be referenced when passed to release function\n", regno);
		return -EINVAL;
	}
	return 0;
}

static int kbpf_check_call(struct kbpf_venv *env, u32 idx, const struct bpf_insn *insn)
{
	struct kbpf_reg *regs = kbpf_cur_regs(env);
	const struct kbpf_helper_proto *fn;
	const struct kbpf_map_desc *map = NULL;
	u32 i, mem_regno = 0, alloc_size = 0, release_id = 0;
	u64 size_max = 0;
	bool mem_write = false;
	int err;

	/* kbpf has no BTF, so no kfuncs; one in dead code becomes a jump (6.1) */
	if (insn->src_reg == BPF_PSEUDO_KFUNC_CALL) {
		kbpf_vlog(env, "%u: kernel function calls are not supported\n", idx);
		return -EINVAL;
	}
	fn = kbpf_helper_proto(insn->imm, env->attr->prog_type);
	if (fn && ((fn->perfmon && !env->attr->perfmon_capable) ||
		   (fn->capbpf && !env->attr->bpf_capable)))
		fn = NULL;	/* as Linux: such helpers do not exist for them */
	env->call_pkt_access = fn && fn->pkt_access;
	if (!fn) {
		kbpf_vlog(env, "invalid func unknown#%d\n", insn->imm);
		return -EINVAL;
	}
	if (fn->gpl_only && !env->attr->gpl_compatible) {
		kbpf_vlog(env, "cannot call GPL-restricted function from non-GPL compatible program\n");
		return -EINVAL;
	}
	/* as Linux: every tracing type finds the helper, only kprobes may call it */
	if (insn->imm == BPF_FUNC_get_func_ip && env->attr->prog_type != BPF_PROG_TYPE_KPROBE) {
		kbpf_vlog(env, "func %s#%d not supported for program type %u\n", fn->name,
			  insn->imm, env->attr->prog_type);
		return -ENOTSUPP;
	}
	for (i = 0; i < 5; i++) {
		u32 regno = BPF_REG_1 + i;
		const struct kbpf_reg *reg = &regs[regno];

		if (fn->arg[i] == KBPF_ARG_NONE)
			continue;
		err = kbpf_check_read(env, regno);
		if (err)
			return err;
		switch (fn->arg[i]) {
		case KBPF_ARG_ANYTHING:
			if (kbpf_is_ptr(reg) && !env->attr->perfmon_capable) {
				kbpf_vlog(env, "R%u leaks addr into helper function\n", regno);
				return -EACCES;
			}
			break;
		case KBPF_ARG_PTR_TO_CTX:
			if (reg->type != KBPF_PTR_TO_CTX || reg->off) {
				kbpf_vlog(env, "R%u type=%s expected=ctx\n", regno,
					  kbpf_reg_type_name(reg->type));
				return -EACCES;
			}
			break;
		case KBPF_ARG_CONST_MAP_PTR:
			if (reg->type != KBPF_CONST_PTR_TO_MAP) {
				kbpf_vlog(env, "R%u type=%s expected=map_ptr\n", regno,
					  kbpf_reg_type_name(reg->type));
				return -EACCES;
			}
			map = reg->map;
			break;
		case KBPF_ARG_PTR_TO_MAP_KEY:
		case KBPF_ARG_PTR_TO_MAP_VALUE:
		case KBPF_ARG_PTR_TO_UNINIT_MAP_VALUE:
			if (!map) {
				kbpf_vlog(env, "invalid map_ptr to access map->%s\n",
					  fn->arg[i] == KBPF_ARG_PTR_TO_MAP_KEY ? "key" : "value");
				return -EACCES;
			}
			/* as Linux: keys and values come from the stack, packets and maps */
			if (reg->type == KBPF_PTR_TO_ALLOC_MEM) {
				kbpf_vlog(env, "R%u type=%s expected=fp, pkt, pkt_meta, map_key, map_value\n",
					  regno, kbpf_reg_type_name(reg->type));
				return -EACCES;
			}
			err = kbpf_check_helper_mem(env, regno,
						    fn->arg[i] == KBPF_ARG_PTR_TO_MAP_KEY ?
						    map->key_size : map->value_size,
						    fn->arg[i] == KBPF_ARG_PTR_TO_UNINIT_MAP_VALUE);
			if (err)
				return err;
			break;
		case KBPF_ARG_PTR_TO_MEM:
		case KBPF_ARG_PTR_TO_UNINIT_MEM:
			/* checked with its size, the next argument */
			if (!kbpf_is_ptr(reg)) {
				kbpf_vlog(env, "R%u type=%s expected=fp, pkt, map_value, mem\n", regno,
					  kbpf_reg_type_name(reg->type));
				return -EACCES;
			}
			mem_regno = regno;
			mem_write = fn->arg[i] == KBPF_ARG_PTR_TO_UNINIT_MEM;
			break;
		case KBPF_ARG_PTR_TO_MEM_OR_NULL:
			/*
			 * NULL is a known 0 and stands for no memory: its size
			 * must then be 0 too (the size check refuses a scalar
			 * with any byte to access). A maybe-NULL pointer is not
			 * NULL: it fails the memory check, unlike 6.1, which
			 * lets e.g. map_value_or_null through.
			 */
			if (!kbpf_is_ptr(reg) && !(reg->type == KBPF_SCALAR &&
						   kbpf_tnum_is_const(reg->var_off) &&
						   !reg->var_off.value)) {
				kbpf_vlog(env, "R%u type=%s expected=fp, pkt, map_value, mem, NULL\n",
					  regno, kbpf_reg_type_name(reg->type));
				return -EACCES;
			}
			mem_regno = regno;
			mem_write = false;
			break;
		case KBPF_ARG_CONST_SIZE:
		case KBPF_ARG_CONST_SIZE_OR_ZERO:
			if (!mem_regno) {
				kbpf_vlog(env, "helper %s: size without memory\n", fn->name);
				return -EINVAL;
			}
			err = kbpf_check_helper_size(env, regno, mem_regno, mem_write,
						     fn->arg[i] == KBPF_ARG_CONST_SIZE_OR_ZERO);
			if (err)
				return err;
			size_max = reg->umax;	/* < KBPF_MAX_VAR_SIZE: checked */
			mem_regno = 0;
			break;
		case KBPF_ARG_CONST_ALLOC_SIZE_OR_ZERO:
			if (reg->type != KBPF_SCALAR) {
				kbpf_vlog(env, "R%u type=%s expected=scalar\n", regno,
					  kbpf_reg_type_name(reg->type));
				return -EACCES;
			}
			if (!kbpf_tnum_is_const(reg->var_off)) {
				kbpf_vlog(env, "R%u is not a known constant'\n", regno);
				return -EACCES;
			}
			/*
			 * as Linux, the low 32 bits: a larger size never gets
			 * memory (the helper refuses sizes above U32_MAX / 4)
			 */
			alloc_size = (u32)reg->var_off.value;
			break;
		case KBPF_ARG_PTR_TO_ALLOC_MEM:
			err = kbpf_check_alloc_mem_arg(env, regno, fn->release_arg == i + 1);
			if (err)
				return err;
			if (fn->release_arg == i + 1)
				release_id = reg->ref_obj_id;
			break;
		case KBPF_ARG_PTR_TO_LONG:
			err = kbpf_check_long_arg(env, regno);
			if (err)
				return err;
			break;
		case KBPF_ARG_PTR_TO_SOCK_COMMON:
			err = kbpf_check_sock_arg(env, regno, fn->release_arg == i + 1);
			if (err)
				return err;
			if (fn->release_arg == i + 1)
				release_id = reg->ref_obj_id;
			break;
		default:
			kbpf_vlog(env, "helper %s: unknown argument kind\n", fn->name);
			return -EINVAL;
		}
	}
	err = kbpf_check_map_func(env, map, insn->imm, fn);
	if (err)
		return err;
	if (fn->release_arg && kbpf_release_ref(env, release_id)) {
		kbpf_vlog(env, "func %s#%d reference has not been acquired before\n", fn->name,
			  insn->imm);
		return -EINVAL;
	}
	/* the tail-called program cannot give back what this one holds */
	if (insn->imm == BPF_FUNC_tail_call && kbpf_check_ref_leak(env)) {
		kbpf_vlog(env, "tail_call would lead to reference leak\n");
		return -EINVAL;
	}
	kbpf_note_call_map(env, idx, map);
	for (i = BPF_REG_1; i <= BPF_REG_5; i++)
		memset(&regs[i], 0, sizeof(regs[i]));
	switch (fn->ret) {
	case KBPF_RET_PTR_TO_MAP_VALUE_OR_NULL:
	case KBPF_RET_PTR_TO_ALLOC_MEM_OR_NULL:
		/* a fresh maybe-NULL pointer: its copies share the id */
		memset(&regs[BPF_REG_0], 0, sizeof(regs[0]));
		kbpf_ptr_var_zero(&regs[BPF_REG_0]);
		regs[BPF_REG_0].id = ++env->id_gen;
		if (fn->ret == KBPF_RET_PTR_TO_ALLOC_MEM_OR_NULL) {
			regs[BPF_REG_0].type = KBPF_PTR_TO_ALLOC_MEM_OR_NULL;
			regs[BPF_REG_0].mem_size = alloc_size;
		} else {
			regs[BPF_REG_0].type = KBPF_PTR_TO_MAP_VALUE_OR_NULL;
			regs[BPF_REG_0].map = map;
		}
		break;
	case KBPF_RET_PTR_TO_SOCKET_OR_NULL:
	case KBPF_RET_PTR_TO_SOCK_COMMON_OR_NULL:
		memset(&regs[BPF_REG_0], 0, sizeof(regs[0]));
		kbpf_ptr_var_zero(&regs[BPF_REG_0]);
		regs[BPF_REG_0].id = ++env->id_gen;
		regs[BPF_REG_0].type = fn->ret == KBPF_RET_PTR_TO_SOCKET_OR_NULL ?
				       KBPF_PTR_TO_SOCKET_OR_NULL : KBPF_PTR_TO_SOCK_COMMON_OR_NULL;
		break;
	case KBPF_RET_VOID:
		memset(&regs[BPF_REG_0], 0, sizeof(regs[0]));
		break;
	default:
		kbpf_mark_unknown(&regs[BPF_REG_0]);
		if (fn->ret_le_size) {
			/* both views: callers often test the low half (s32) */
			regs[BPF_REG_0].smax = (s64)size_max;
			regs[BPF_REG_0].s32_max = (s32)size_max;
			kbpf_reg_sync(&regs[BPF_REG_0]);
		}
		break;
	}
	if (fn->acquire) {
		int id = kbpf_acquire_ref(env, idx);

		if (id < 0)
			return id;
		/* the null check finds the reference through id (kbpf_mark_null) */
		regs[BPF_REG_0].id = (u32)id;
		regs[BPF_REG_0].ref_obj_id = (u32)id;
	}
	return 0;
}

/* data exactly as loaded from the context: where metadata ends. */
static bool kbpf_is_pkt_start(const struct kbpf_reg *reg)
{
	return reg->type == KBPF_PTR_TO_PACKET && !reg->off && !reg->id &&
	       kbpf_tnum_is_const(reg->var_off) && !reg->var_off.value;
}

/* Every scalar sharing reg's id takes reg's (refined) value. */
static void kbpf_sync_equal_scalars(struct kbpf_state *st, const struct kbpf_reg *reg)
{
	u32 i, f;

	if (reg->type != KBPF_SCALAR || !reg->id)
		return;
	for (f = 0; f <= st->curframe; f++)
	for (i = 0; i < MAX_BPF_REG + KBPF_STACK_SLOTS; i++) {
		struct kbpf_frame *fr = st->frame[f];
		struct kbpf_reg *r = i < MAX_BPF_REG ? &fr->regs[i] :
				     &fr->spill[i - MAX_BPF_REG];

		if (r != reg && r->type == KBPF_SCALAR && r->id == reg->id &&
		    (i < MAX_BPF_REG || fr->stack_type[(i - MAX_BPF_REG) * 8] == KBPF_STACK_SPILL))
			*r = *reg;
	}
}

/*
 * "pkt <op> pkt_end": which arm knows pkt <= pkt_end (1 taken, 0 fall
 * through, -1 neither), and whether it even knows pkt < pkt_end (*strict:
 * one byte more is safe). pkt_left: the packet pointer is the left operand.
 */
static int kbpf_pkt_safe_arm(u8 op, bool pkt_left, bool *strict)
{
	switch (op) {
	case BPF_JGT:	/* pkt > end: fall through has pkt <= end; end > pkt: taken, strict */
		*strict = !pkt_left;
		return pkt_left ? 0 : 1;
	case BPF_JGE:	/* pkt >= end: fall through has pkt < end; end >= pkt: taken */
		*strict = pkt_left;
		return pkt_left ? 0 : 1;
	case BPF_JLT:	/* pkt < end: taken, strict; end < pkt: fall through has end >= pkt */
		*strict = pkt_left;
		return pkt_left ? 1 : 0;
	case BPF_JLE:	/* pkt <= end: taken; end <= pkt: fall through has end > pkt */
		*strict = !pkt_left;
		return pkt_left ? 1 : 0;
	default:
		return -1;
	}
}

/*
 * pkt <= pkt_end holds (pkt < pkt_end when strict): every copy of pkt's
 * base (same id) may now access the bytes up to pkt's fixed offset (+1).
 */
static void kbpf_mark_pkt_range(struct kbpf_state *st, const struct kbpf_reg *pkt, bool strict)
{
	u32 i, f, range;

	if (pkt->off < 0 || (!pkt->off && !strict) || pkt->umax > KBPF_MAX_PACKET_OFF ||
	    pkt->umax + pkt->off > KBPF_MAX_PACKET_OFF)
		return;
	range = (u32)pkt->off + (strict ? 1 : 0);
	for (f = 0; f <= st->curframe; f++)
	for (i = 0; i < MAX_BPF_REG + KBPF_STACK_SLOTS; i++) {
		struct kbpf_frame *fr = st->frame[f];
		struct kbpf_reg *r = i < MAX_BPF_REG ? &fr->regs[i] :
				     &fr->spill[i - MAX_BPF_REG];

		if (r->type == pkt->type && r->id == pkt->id && range > r->range)
			r->range = range;
	}
}

/*
 * After "reg == 0" or "reg != 0" on a maybe-NULL pointer: refine every
 * copy. A NULL reference was never acquired: it leaves the table.
 */
static void kbpf_mark_null(struct kbpf_state *st, u32 id, u32 ref_obj_id, bool is_null)
{
	u32 i, f;

	if (is_null && ref_obj_id == id)
		kbpf_drop_ref(st, ref_obj_id);
	for (f = 0; f <= st->curframe; f++)
	for (i = 0; i < MAX_BPF_REG + KBPF_STACK_SLOTS; i++) {
		struct kbpf_frame *fr = st->frame[f];
		struct kbpf_reg *r = i < MAX_BPF_REG ? &fr->regs[i] :
				     &fr->spill[i - MAX_BPF_REG];

		if (!kbpf_type_may_be_null(r->type) || r->id != id)
			continue;
		if (is_null) {
			kbpf_mark_known(r, 0);
			continue;
		}
		if (r->type == KBPF_PTR_TO_MAP_VALUE_OR_NULL && r->map->inner_meta) {
			/* a map-in-map's value is the inner map (Linux's CONST_PTR_TO_MAP) */
			r->type = KBPF_CONST_PTR_TO_MAP;
			r->map = r->map->inner_meta;
		} else {
			r->type = kbpf_type_non_null(r->type);
		}
		r->id = 0;	/* ref_obj_id stays: release finds the copies through it */
	}
}

/*
 * A conditional jump. Returns 0 with *next set to the successor the current
 * state continues at; the other arm, if feasible, is pushed.
 */
static int kbpf_cond_jmp_arms(struct kbpf_venv *env, const struct bpf_insn *insn,
			      u32 idx, u32 *next, bool *both)
{
	struct kbpf_state *st = env->cur, *other;
	struct kbpf_reg *regs = kbpf_cur_regs(env);
	struct kbpf_reg *dst = &regs[insn->dst_reg];
	struct kbpf_reg srcv, *src = &srcv;
	u8 op = BPF_OP(insn->code);
	bool is32 = BPF_CLASS(insn->code) == BPF_JMP32;
	u32 taken = idx + 1 + insn->off, fall = idx + 1;
	int err;

	err = kbpf_check_read(env, insn->dst_reg);
	if (err)
		return err;
	if (BPF_SRC(insn->code) == BPF_X) {
		err = kbpf_check_read(env, insn->src_reg);
		if (err)
			return err;
		src = &regs[insn->src_reg];
	} else {
		kbpf_mark_known(&srcv, (u64)(s64)insn->imm);
	}

	/* Scalars: the bounds may settle the condition. */
	if (dst->type == KBPF_SCALAR && src->type == KBPF_SCALAR) {
		int t = kbpf_branch_taken(dst, src, op, is32);

		if (t >= 0) {
			*next = t ? taken : fall;
			return 0;
		}
	}

	/*
	 * Without CAP_PERFMON (Linux: !allow_ptr_leaks) a pointer may only be
	 * tested against the constant 0: a 64-bit NULL check, or a map value
	 * pointer, which 6.1's is_branch_taken() knows is not NULL.
	 */
	if ((kbpf_is_ptr(dst) || kbpf_is_ptr(src)) && !env->attr->perfmon_capable &&
	    !(BPF_SRC(insn->code) == BPF_K && !insn->imm && (op == BPF_JEQ || op == BPF_JNE) &&
	      (dst->type == KBPF_PTR_TO_MAP_VALUE ||
	       (kbpf_type_may_be_null(dst->type) && !is32)))) {
		kbpf_vlog(env, "R%u pointer comparison prohibited\n",
			  kbpf_is_ptr(src) && BPF_SRC(insn->code) == BPF_X ? insn->src_reg :
			  insn->dst_reg);
		return -EACCES;
	}

	/* A pointer that cannot be NULL compared with 0. */
	if (!is32 && (op == BPF_JEQ || op == BPF_JNE) && kbpf_is_ptr(dst) &&
	    !kbpf_type_may_be_null(dst->type) && kbpf_reg_is_const(src) &&
	    !src->var_off.value) {
		*next = op == BPF_JNE ? taken : fall;
		return 0;
	}

	/*
	 * packet pointer against the packet's end (or metadata pointer against
	 * data, which is where metadata ends): the safe arm learns a range
	 */
	if (!is32 && BPF_SRC(insn->code) == BPF_X &&
	    ((dst->type == KBPF_PTR_TO_PACKET && src->type == KBPF_PTR_TO_PACKET_END) ||
	     (dst->type == KBPF_PTR_TO_PACKET_END && src->type == KBPF_PTR_TO_PACKET) ||
	     (dst->type == KBPF_PTR_TO_PACKET_META && kbpf_is_pkt_start(src)) ||
	     (kbpf_is_pkt_start(dst) && src->type == KBPF_PTR_TO_PACKET_META))) {
		bool pkt_left = dst->type == KBPF_PTR_TO_PACKET_META ||
				(dst->type == KBPF_PTR_TO_PACKET && src->type == KBPF_PTR_TO_PACKET_END);
		const struct kbpf_reg pkt = pkt_left ? *dst : *src;
		bool strict = false;
		int safe = kbpf_pkt_safe_arm(op, pkt_left, &strict);

		other = kbpf_state_dup(st);
		if (!other)
			return -ENOMEM;
		if (safe == 1)
			kbpf_mark_pkt_range(other, &pkt, strict);
		else if (safe == 0)
			kbpf_mark_pkt_range(st, &pkt, strict);
		goto push;
	}

	/* A maybe-NULL pointer compared with 0 becomes NULL on one arm. */
	if (!is32 && (op == BPF_JEQ || op == BPF_JNE) &&
	    kbpf_type_may_be_null(dst->type) && kbpf_reg_is_const(src) &&
	    !src->var_off.value) {
		u32 id = dst->id, ref_obj_id = dst->ref_obj_id;

		other = kbpf_state_dup(st);
		if (!other)
			return -ENOMEM;
		/* other takes the branch: JEQ taken means NULL. */
		kbpf_mark_null(other, id, ref_obj_id, op == BPF_JEQ);
		kbpf_mark_null(st, id, ref_obj_id, op != BPF_JEQ);
		goto push;
	}

	other = kbpf_state_dup(st);
	if (!other)
		return -ENOMEM;
	/* Scalars: each arm learns the condition or its negation. */
	if (dst->type == KBPF_SCALAR && src->type == KBPF_SCALAR &&
	    !(BPF_SRC(insn->code) == BPF_X && insn->src_reg == insn->dst_reg)) {
		struct kbpf_reg *oregs = other->frame[other->curframe]->regs;
		struct kbpf_reg t_src = *src, f_src = *src;
		bool t_ok, f_ok;

		kbpf_branch_refine(&oregs[insn->dst_reg], &t_src, dst, &f_src, op, is32,
				   &t_ok, &f_ok);
		if (BPF_SRC(insn->code) == BPF_X) {
			oregs[insn->src_reg] = t_src;
			*src = f_src;
		}
		/* copies of a refined register learn the same */
		kbpf_sync_equal_scalars(other, &oregs[insn->dst_reg]);
		kbpf_sync_equal_scalars(st, dst);
		if (BPF_SRC(insn->code) == BPF_X) {
			kbpf_sync_equal_scalars(other, &oregs[insn->src_reg]);
			kbpf_sync_equal_scalars(st, src);
		}
		if (!t_ok) {
			/* only the fall-through arm is feasible */
			kbpf_state_free(other);
			*next = fall;
			return 0;
		}
		if (!f_ok) {
			/* only the taken arm: continue there */
			kbpf_state_free(env->cur);
			env->cur = other;
			*next = taken;
			return 0;
		}
	}
push:
	*both = true;
	other->insn_idx = taken;
	err = kbpf_push_state(env, other);
	if (err) {
		kbpf_state_free(other);
		return err;
	}
	/* one more path runs below the last checkpoint */
	if (st->cp)
		st->cp->branches++;
	*next = fall;
	return 0;
}

/*
 * A conditional jump, with Linux's sanitize_speculative_path(): for loaders
 * that cannot bypass Spectre v1 (no CAP_PERFMON), the arm a settled branch
 * never takes is verified too, from the state before the branch with the
 * compared registers unknown, since the CPU may run it speculatively. (The
 * JIT also fences such programs: see kbpf_jit_attr.spec_fence.)
 */
static int kbpf_check_cond_jmp(struct kbpf_venv *env, const struct bpf_insn *insn,
			       u32 idx, u32 *next)
{
	u32 taken = idx + 1 + insn->off, fall = idx + 1;
	struct kbpf_state *spec = NULL;
	struct kbpf_reg *regs;
	bool both = false;
	int err;

	if (!env->attr->perfmon_capable && taken != fall) {
		spec = kbpf_state_dup(env->cur);
		if (!spec)
			return -ENOMEM;
	}
	err = kbpf_cond_jmp_arms(env, insn, idx, next, &both);
	if (!spec)
		return err;
	if (err || both) {
		kbpf_state_free(spec);
		return err;
	}
	regs = spec->frame[spec->curframe]->regs;
	kbpf_mark_unknown(&regs[insn->dst_reg]);
	if (BPF_SRC(insn->code) == BPF_X)
		kbpf_mark_unknown(&regs[insn->src_reg]);
	spec->insn_idx = *next == taken ? fall : taken;
	err = kbpf_push_state(env, spec);
	if (err) {
		kbpf_state_free(spec);
		return err;
	}
	if (spec->cp)
		spec->cp->branches++;
	return 0;
}

/*
 * LD_ABS / LD_IND: packet loads through the context in R6. Like a helper
 * call, they clobber R1-R5 and leave an unknown scalar in R0.
 */
static int kbpf_check_ld_abs(struct kbpf_venv *env, const struct bpf_insn *insn)
{
	struct kbpf_reg *regs = kbpf_cur_regs(env);
	u32 i;
	int err;

	/* the program types whose ctx is a kbpf_skb_ctx (Linux: may_access_skb) */
	if (env->attr->prog_type != BPF_PROG_TYPE_SOCKET_FILTER &&
	    env->attr->prog_type != BPF_PROG_TYPE_SCHED_CLS &&
	    env->attr->prog_type != BPF_PROG_TYPE_SCHED_ACT) {
		kbpf_vlog(env, "BPF_LD_[ABS|IND] instructions not allowed for this program type\n");
		return -EINVAL;
	}
	if (env->subprog_cnt > 1) {
		kbpf_vlog(env, "BPF_LD_[ABS|IND] instructions cannot be mixed with bpf-to-bpf calls\n");
		return -EINVAL;
	}
	/* a failed load ends the program: nothing may be held then */
	if (kbpf_check_ref_leak(env)) {
		kbpf_vlog(env, "BPF_LD_[ABS|IND] cannot be mixed with socket references\n");
		return -EINVAL;
	}
	err = kbpf_check_read(env, BPF_REG_6);
	if (err)
		return err;
	if (regs[BPF_REG_6].type != KBPF_PTR_TO_CTX || regs[BPF_REG_6].off) {
		kbpf_vlog(env, "at the time of BPF_LD_ABS|IND R6 != pointer to skb\n");
		return -EINVAL;
	}
	if (BPF_MODE(insn->code) == BPF_IND) {
		err = kbpf_check_read(env, insn->src_reg);
		if (err)
			return err;
		if (regs[insn->src_reg].type != KBPF_SCALAR) {
			kbpf_vlog(env, "R%u pointer as LD_IND offset prohibited\n", insn->src_reg);
			return -EACCES;
		}
	}
	for (i = BPF_REG_1; i <= BPF_REG_5; i++)
		memset(&regs[i], 0, sizeof(regs[i]));
	kbpf_mark_unknown(&regs[BPF_REG_0]);
	return 0;
}

/* A bpf-to-bpf call: a new frame gets R1-R5; the caller loses them. */
static int kbpf_check_pseudo_call(struct kbpf_venv *env, u32 idx, u32 *next)
{
	struct kbpf_state *st = env->cur;
	const struct bpf_insn *insn = &env->insns[idx];
	struct kbpf_frame *caller = kbpf_cur_frame(env), *callee;
	u32 target = idx + 1 + insn->imm, i;
	int err;

	err = kbpf_push_frame(st);
	if (err == -E2BIG)
		kbpf_vlog(env, "the call stack of %u frames is too deep\n", st->curframe + 2);
	if (err)
		return err;
	callee = kbpf_cur_frame(env);
	callee->callsite = idx;
	callee->subprog = env->aux[target].subprog;
	for (i = BPF_REG_1; i <= BPF_REG_5; i++) {
		callee->regs[i] = caller->regs[i];
		memset(&caller->regs[i], 0, sizeof(caller->regs[i]));
	}
	kbpf_ptr_var_zero(&callee->regs[BPF_REG_10]);
	callee->regs[BPF_REG_10].type = KBPF_PTR_TO_STACK;
	callee->regs[BPF_REG_10].frameno = (u8)st->curframe;
	memset(&caller->regs[BPF_REG_0], 0, sizeof(caller->regs[0]));
	*next = target;
	return 0;
}

/* Returns 1 when the program ends, 0 when a callee returned to *next. */
static int kbpf_check_exit(struct kbpf_venv *env, u32 *next)
{
	struct kbpf_state *st = env->cur;
	const struct kbpf_reg *r0 = &kbpf_cur_regs(env)[BPF_REG_0];
	struct kbpf_reg ret;
	u32 callsite;

	/*
	 * Only the program's result must be set: a function may return
	 * nothing (as 6.1's prepare_func_exit), the caller's R0 is then
	 * uninitialised and reading it is refused there.
	 */
	if (r0->type == KBPF_NOT_INIT && !st->curframe) {
		kbpf_vlog(env, "R0 !read_ok\n");
		return -EACCES;
	}
	/* the program's return value reaches the caller of the program */
	if (!st->curframe && kbpf_is_ptr(r0) && !env->attr->perfmon_capable) {
		kbpf_vlog(env, "R0 leaks addr as return value\n");
		return -EACCES;
	}
	if (!st->curframe) {
		s64 lo, hi;

		if (kbpf_check_ref_leak(env))
			return -EINVAL;

		if (kbpf_return_range(env->attr->prog_type, &lo, &hi) &&
		    (r0->type != KBPF_SCALAR || r0->smin < lo || r0->smax > hi)) {
			kbpf_vlog(env, "At program exit the register R0 has value (%#llx; %#llx) should have been in (%#llx; %#llx)\n",
				  (unsigned long long)r0->var_off.value,
				  (unsigned long long)r0->var_off.mask, (unsigned long long)lo,
				  (unsigned long long)hi);
			return -EINVAL;
		}
		return 1;
	}
	if (r0->type == KBPF_PTR_TO_STACK && r0->frameno == st->curframe) {
		kbpf_vlog(env, "cannot return stack pointer to the caller\n");
		return -EINVAL;
	}
	ret = *r0;
	callsite = kbpf_cur_frame(env)->callsite;
	kbpf_pop_frame(st);
	kbpf_cur_regs(env)[BPF_REG_0] = ret;
	*next = callsite + 1;
	return 0;
}

/* Walk one state until it exits (returns 1) or fails. */
static int kbpf_walk(struct kbpf_venv *env)
{
	for (;;) {
		struct kbpf_state *st = env->cur;	/* a branch may replace it */
		u32 idx = st->insn_idx, next = idx + 1, mark;
		struct kbpf_reg *regs = kbpf_cur_regs(env);
		struct bpf_insn *insn = &env->insns[idx];
		u8 class = BPF_CLASS(insn->code);
		int err = 0;

		if (env->aux[idx].prune_point) {
			int seen = kbpf_is_state_visited(env, idx);

			if (seen < 0)
				return seen;
			if (seen)
				return 1;	/* covered by a verified state */
		}
		env->aux[idx].walked = true;
		if (++env->insn_processed > (env->attr->budget ?: KBPF_VERIFY_BUDGET)) {
			kbpf_vlog(env, "BPF program is too large. Processed %u insn\n",
				  env->insn_processed - 1);
			return -E2BIG;
		}
		/*
		 * Like Linux: each instruction with the state before it. Level 1
		 * rewinds these lines once the instruction verifies, so only the
		 * path to an error stays; level 2 keeps everything.
		 */
		mark = env->log_len;
		if (env->attr->log_level & (KBPF_LOG_LEVEL1 | KBPF_LOG_LEVEL2)) {
			kbpf_vlog(env, "%u: ", idx);
			kbpf_print_state(env);
			kbpf_disasm(env, idx);
		}
		if ((env->insn_processed & 0xffff) == 0)
			kbpf_cond_resched();

		switch (class) {
		case BPF_ALU:
		case BPF_ALU64:
			err = kbpf_check_alu(env, insn);
			break;
		case BPF_LDX:
		case BPF_ST:
			err = kbpf_check_load_store(env, insn);
			break;
		case BPF_STX:
			if (BPF_MODE(insn->code) == BPF_ATOMIC)
				err = kbpf_check_atomic(env, insn);
			else
				err = kbpf_check_load_store(env, insn);
			break;
		case BPF_LD: {
			struct kbpf_reg *dst = &regs[insn->dst_reg];

			if (BPF_MODE(insn->code) != BPF_IMM) {
				err = kbpf_check_ld_abs(env, insn);
				break;
			}
			err = kbpf_check_write(env, insn->dst_reg);
			if (err)
				break;
			if (env->aux[idx].map) {
				memset(dst, 0, sizeof(*dst));
				kbpf_ptr_var_zero(dst);
				dst->type = KBPF_CONST_PTR_TO_MAP;
				dst->map = env->aux[idx].map;
				if (insn->src_reg == BPF_PSEUDO_MAP_VALUE) {
					/* a pointer into the map's (only) value */
					dst->type = KBPF_PTR_TO_MAP_VALUE;
					dst->off = (s32)insn[1].imm;
				}
			} else {
				kbpf_mark_known(dst, (u32)insn[0].imm |
						((u64)(u32)insn[1].imm << 32));
			}
			next = idx + 2;
			break;
		}
		case BPF_JMP:
		case BPF_JMP32:
			switch (BPF_OP(insn->code)) {
			case BPF_JA:
				next = idx + 1 + insn->off;
				break;
			case BPF_EXIT:
				err = kbpf_check_exit(env, &next);
				if (err)
					return err;
				break;
			case BPF_CALL:
				if (insn->src_reg == BPF_PSEUDO_CALL)
					err = kbpf_check_pseudo_call(env, idx, &next);
				else
					err = kbpf_check_call(env, idx, insn);
				break;
			default:
				err = kbpf_check_cond_jmp(env, insn, idx, &next);
				break;
			}
			break;
		default:
			kbpf_vlog(env, "%u: unknown opcode %02x\n", idx, insn->code);
			return -EINVAL;
		}
		if (err)
			return err;
		if (!(env->attr->log_level & KBPF_LOG_LEVEL2))
			kbpf_vlog_rewind(env, mark);
		env->cur->insn_idx = next;
	}
}

int kbpf_do_check(struct kbpf_venv *env)
{
	struct kbpf_state *st;
	int err;

	st = kbpf_state_new();
	if (!st)
		return -ENOMEM;
	kbpf_ptr_var_zero(&st->frame[0]->regs[BPF_REG_1]);
	st->frame[0]->regs[BPF_REG_1].type = KBPF_PTR_TO_CTX;
	kbpf_ptr_var_zero(&st->frame[0]->regs[BPF_REG_10]);
	st->frame[0]->regs[BPF_REG_10].type = KBPF_PTR_TO_STACK;
	env->cur = st;

	for (;;) {
		err = kbpf_walk(env);
		if (err >= 0)
			kbpf_path_done(env->cur->cp);
		kbpf_state_free(env->cur);
		env->cur = NULL;
		if (err < 0)
			break;
		env->cur = kbpf_pop_state(env);
		if (!env->cur) {
			err = 0;
			break;
		}
	}
	kbpf_free_pending(env);
	return err;
}
