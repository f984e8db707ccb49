/* SPDX-License-Identifier: GPL-2.0 */
/* The JIT's interface, shared by kbpf.ko and the userspace library. */
#ifndef _KBPF_JIT_H
#define _KBPF_JIT_H

#include "kbpf_core.h"

/* Sizing passes before the JIT gives up and the interpreter runs instead. */
#define KBPF_JIT_MAX_PASSES	20
/* Upper bound of machine code for one BPF instruction (first-pass estimate). */
#define KBPF_JIT_MAX_INSN_BYTES	64

struct kbpf_jit_attr {
	const struct bpf_insn *insns;	/* verified, fixed-up program */
	u32 insn_cnt;
	/* from the verifier: its functions, or none for one function using stack_depth */
	const struct kbpf_subprog *subprogs;
	u32 subprog_cnt;
	u32 stack_depth;
	const kbpf_helper_fn *helpers;	/* KBPF_FUNC_MAX entries */
	/*
	 * far_calls: call helpers through movabs + call *%rax, for images that
	 * may sit more than 2 GiB from the helpers (userspace). The module's
	 * images are in module space, so it uses direct rel32 calls.
	 */
	bool far_calls;
	bool blind;			/* constant blinding (bpf_jit_harden) */
	u32 blind_seed;
	/*
	 * spec_fence: Spectre v1/v4 hardening ("fence all"). An LFENCE starts
	 * both successors of every conditional jump (after the jcc, and at each
	 * instruction a jcc targets), follows every store (ST, STX, atomics),
	 * and follows each bounds check the JIT makes itself (tail-call index,
	 * inline ARRAY lookup, inline LD_ABS/LD_IND). Nothing after a branch
	 * then runs before the branch has resolved, and no load after a store
	 * runs before the store's address is known.
	 */
	bool spec_fence;
	/*
	 * Optional, from the verifier (kbpf_verify_attr.call_maps): the map of
	 * each helper call when it is known. With it, and the callbacks below,
	 * map helpers become direct calls or inline code, as Linux's fixups do.
	 */
	const struct kbpf_map_desc *const *call_maps;
	/* A helper specialised for this map (no indirect call), or NULL. */
	kbpf_helper_fn (*map_helper)(const struct kbpf_map_desc *map, u32 func_id);
	/* An ARRAY's values: one flat area of max_entries * stride bytes. */
	bool (*map_flat)(const struct kbpf_map_desc *map, void **base, u32 *stride);
};

/* Where each instruction and function landed: carried from sizing to emission. */
struct kbpf_jit_layout;

/*
 * Size the image: runs the passes until the length converges. On success
 * returns 0, sets *len and *layout; the same attr must then be passed to
 * kbpf_jit_emit() with a buffer of exactly *len bytes at its final address.
 */
int kbpf_jit_size(const struct kbpf_jit_attr *attr, struct kbpf_jit_layout **layout,
		  u32 *len);
/*
 * Write the image to buf, which is where it will run (rel32 calls depend on
 * it). Fails with -EFAULT if the layout differs from the sizing passes.
 */
int kbpf_jit_emit(const struct kbpf_jit_attr *attr, const struct kbpf_jit_layout *layout,
		  u8 *buf, u32 len);
void kbpf_jit_layout_free(struct kbpf_jit_layout *layout);
/* Offset of each instruction's code in the image (for line info); -1 if none. */
s64 kbpf_jit_insn_offset(const struct kbpf_jit_layout *layout, u32 idx);

/*
 * Where a tail call enters an image: after "endbr64; xor eax, eax; push rbp;
 * mov rbp, rsp", at a second endbr64. The tail-call count arrives in eax.
 */
#define KBPF_JIT_TAIL_OFFSET	10

/* JIT-compiled programs are called as u64 fn(const void *ctx). */
typedef u64 (*kbpf_jited_fn)(const void *ctx);

#endif /* _KBPF_JIT_H */
