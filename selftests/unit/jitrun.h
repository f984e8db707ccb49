/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KBPF_UNIT_JITRUN_H
#define _KBPF_UNIT_JITRUN_H

#include "harness.h"
#include "kbpf_jit.h"

struct kt_jit {
	void *mem;
	u32 len;
	kbpf_jited_fn fn;
};

/* JIT a verified program into executable memory. */
int kt_jit_load(struct kt_jit *j, const struct bpf_insn *insns, u32 cnt, u32 stack_depth,
		bool blind, u32 seed);
void kt_jit_unload(struct kt_jit *j);

#endif
