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
	u32 stack_depth;		/* from the verifier */
	const kbpf_helper_fn *helpers;	/* KBPF_FUNC_MAX entries */
	/*
	 * far_calls: call helpers through movabs + call *%rax, for images that
	 * may sit more than 2 GiB from the helpers (userspace). The module's
	 * images are in module space, so it uses direct rel32 calls.
	 */
	bool far_calls;
	bool blind;			/* constant blinding (bpf_jit_harden) */
	u32 blind_seed;
};

/*
 * Size the image: runs the passes until the length converges. On success
 * returns 0 and sets *len; the same attr must then be passed to
 * kbpf_jit_emit() with a buffer of exactly *len bytes at its final address.
 * addrs must hold insn_cnt entries and carries the layout between the two.
 */
int kbpf_jit_size(const struct kbpf_jit_attr *attr, u32 *addrs, u32 *len);
/*
 * Write the image to buf, which is where it will run (rel32 calls depend on
 * it). Fails with -EFAULT if the layout differs from the sizing passes.
 */
int kbpf_jit_emit(const struct kbpf_jit_attr *attr, u32 *addrs, u8 *buf, u32 len);

/* JIT-compiled programs are called as u64 fn(const void *ctx). */
typedef u64 (*kbpf_jited_fn)(const void *ctx);

#endif /* _KBPF_JIT_H */
