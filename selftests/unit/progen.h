/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A seeded random program generator. Programs are valid by construction
 * (the verifier must accept every one): all registers are initialised before
 * use, memory is an initialised 72-byte stack area and an array map, jumps go
 * forward to unit boundaries, and helper calls re-initialise R1-R5.
 */
#ifndef _KBPF_UNIT_PROGEN_H
#define _KBPF_UNIT_PROGEN_H

#include "harness.h"

#define KT_PROGEN_MAX_INSNS	1024
#define KT_PROGEN_MAP_FD	5	/* the array map generated programs use */

struct kt_rng {
	u64 s;
};

u64 kt_rand(struct kt_rng *r);
/* Generate up to max instructions; returns the count. */
u32 kt_progen(u64 seed, u32 units, struct bpf_insn *out, u32 max);

#endif
