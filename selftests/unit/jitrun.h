/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KBPF_UNIT_JITRUN_H
#define _KBPF_UNIT_JITRUN_H

#include "harness.h"
#include "kbpf_jit.h"

struct kt_jit {
	void *mem;
	u32 len;
	kbpf_jited_fn fn;
	struct kbpf_jit_layout *layout;	/* kept when kt_jit_opts.keep_layout */
};

/* How kt_jit_load_opts() compiles. */
struct kt_jit_opts {
	bool blind;		/* constant blinding, keyed by seed */
	u32 seed;
	bool fence;		/* kbpf_jit_attr.spec_fence */
	bool keep_layout;	/* keep j->layout, for kbpf_jit_insn_offset() */
};

/* JIT a verified program into executable memory. */
int kt_jit_load(struct kt_jit *j, const struct bpf_insn *insns, u32 cnt, u32 stack_depth,
		bool blind, u32 seed);
/* The same for a program with bpf-to-bpf calls, with the verifier's functions. */
int kt_jit_load_subprogs(struct kt_jit *j, const struct bpf_insn *insns, u32 cnt,
			 const struct kbpf_subprog *subs, u32 sub_cnt, bool blind, u32 seed);
/* Any of the above, with the options spelled out. */
int kt_jit_load_opts(struct kt_jit *j, const struct bpf_insn *insns, u32 cnt,
		     const struct kbpf_subprog *subs, u32 sub_cnt, const struct kt_jit_opts *o);
void kt_jit_unload(struct kt_jit *j);

#endif
