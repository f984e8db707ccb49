// SPDX-License-Identifier: GPL-2.0
/*
 * ISA vectors: each program is verified, then run in the interpreter, and
 * r0 is compared with a value worked out by hand from the BPF semantics
 * (never computed with the code under test).
 */
#include "vectors.h"
#include "kbpf_insn.h"

static int run_vec(const void *arg)
{
	const struct kt_vec *v = arg;
	struct bpf_insn prog[KT_VEC_MAXI];
	char log[4096];
	u32 n = kt_vec_len(v);
	int err;
	u64 r0;

	memcpy(prog, v->insns, sizeof(prog));
	err = kt_verify(prog, n, log, sizeof(log));
	KT_EXPECT(!err, "verifier rejected (%d): %s", err, log);
	r0 = kbpf_interp_run(prog, kt_helpers, NULL);
	KT_EXPECT(r0 == v->expect, "r0 = %#llx, want %#llx", (unsigned long long)r0,
		  (unsigned long long)v->expect);
	return 0;
}

static void all(void)
{
	char name[128];
	size_t i;

	for (i = 0; i < kt_vecs_cnt; i++) {
		snprintf(name, sizeof(name), "interp/%s", kt_vecs[i].name);
		kt_run_arg(name, run_vec, &kt_vecs[i]);
	}
}

int main(int argc, char **argv)
{
	return kt_main(argc, argv, all);
}
