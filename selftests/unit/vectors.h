/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KBPF_UNIT_VECTORS_H
#define _KBPF_UNIT_VECTORS_H

#include "harness.h"

#define KT_VEC_MAXI 16

struct kt_vec {
	const char *name;
	struct bpf_insn insns[KT_VEC_MAXI];
	u64 expect;
};

extern const struct kt_vec kt_vecs[];
extern const size_t kt_vecs_cnt;

/* Number of instructions in a vector (trailing zero slots dropped). */
u32 kt_vec_len(const struct kt_vec *v);

#endif
