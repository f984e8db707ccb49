// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
/*
 * The JIT, run natively: every ISA vector through the x86-64 JIT, plain,
 * with constant blinding and with speculation fences, must give the
 * hand-worked r0.
 */
#include "vectors.h"
#include "jitrun.h"
#include "kbpf_insn.h"

struct jit_case {
	const struct kt_vec *v;
	bool blind;
	bool fence;
};

static int run_vec_jit(const void *arg)
{
	const struct jit_case *c = arg;
	struct bpf_insn prog[KT_VEC_MAXI];
	struct kbpf_verify_attr va = {
		.insns = prog, .insn_cnt = kt_vec_len(c->v),
		.prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .bpf_capable = true,
		.perfmon_capable = true, .map_from_fd = kt_map_from_fd,
	};
	struct kt_jit_opts o = { .blind = c->blind, .seed = 0x5eed, .fence = c->fence };
	struct kbpf_subprog sub = { 0 };
	struct kt_jit j;
	int err;
	u64 r0;

	memcpy(prog, c->v->insns, sizeof(prog));
	err = kbpf_verify(&va);
	KT_EXPECT(!err, "verifier rejected (%d)", err);
	sub.stack_depth = va.stack_depth;
	err = kt_jit_load_opts(&j, prog, va.insn_cnt, &sub, 1, &o);
	KT_EXPECT(!err, "jit failed (%d)", err);
	r0 = j.fn(NULL);
	kt_jit_unload(&j);
	KT_EXPECT(r0 == c->v->expect, "r0 = %#llx, want %#llx", (unsigned long long)r0,
		  (unsigned long long)c->v->expect);
	return 0;
}

/* Blinding must keep user constants out of the image. */
static int test_blinding_hides_constants(void)
{
	struct bpf_insn prog[] = {
		KI_RAW(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0x12345678),
		KI_RAW(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_0, 0, 0, 0x0badf00d),
		KI_RAW(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	static const u8 pat1[] = { 0x78, 0x56, 0x34, 0x12 }, pat2[] = { 0x0d, 0xf0, 0xad, 0x0b };
	struct kt_jit plain, blind;
	int err;

	err = kt_jit_load(&plain, prog, 3, 0, false, 0);
	KT_EXPECT(!err, "jit failed (%d)", err);
	err = kt_jit_load(&blind, prog, 3, 0, true, 0xabcdef);
	KT_EXPECT(!err, "blinded jit failed (%d)", err);
	KT_EXPECT(memmem(plain.mem, plain.len, pat1, 4), "plain image lacks the constant");
	KT_EXPECT(!memmem(blind.mem, blind.len, pat1, 4) && !memmem(blind.mem, blind.len, pat2, 4),
		  "blinded image still holds a constant");
	KT_EXPECT(plain.fn(NULL) == blind.fn(NULL) && plain.fn(NULL) == 0x12345678ull + 0x0badf00d,
		  "results differ");
	kt_jit_unload(&plain);
	kt_jit_unload(&blind);
	return 0;
}

/* A long forward jump needs the rel32 form; a short program needs none. */
static int test_jump_sizes_converge(void)
{
	enum { N = 300 };
	struct bpf_insn prog[N];
	struct kt_jit j;
	int i, err;

	prog[0] = (struct bpf_insn)KI_MOV64_IMM(BPF_REG_0, 1);
	prog[1] = (struct bpf_insn)KI_JMP_IMM(BPF_JEQ, BPF_REG_0, 1, N - 4);
	for (i = 2; i < N - 2; i++)
		prog[i] = (struct bpf_insn)KI_ALU64_IMM(BPF_ADD, BPF_REG_0, 1000);
	prog[N - 2] = (struct bpf_insn)KI_ALU64_IMM(BPF_ADD, BPF_REG_0, 1);
	prog[N - 1] = (struct bpf_insn)KI_EXIT();
	err = kt_jit_load(&j, prog, N, 0, false, 0);
	KT_EXPECT(!err, "jit failed (%d)", err);
	KT_EXPECT(j.fn(NULL) == 2, "r0 = %llu", (unsigned long long)j.fn(NULL));
	kt_jit_unload(&j);
	return 0;
}

static struct jit_case cases[3 * 128];

static void all(void)
{
	char name[128];
	size_t i, n = 0;

	for (i = 0; i < kt_vecs_cnt && n + 3 <= ARRAY_SIZE(cases); i++) {
		cases[n] = (struct jit_case){ &kt_vecs[i], false, false };
		snprintf(name, sizeof(name), "jit/%s", kt_vecs[i].name);
		kt_run_arg(name, run_vec_jit, &cases[n++]);
		cases[n] = (struct jit_case){ &kt_vecs[i], true, false };
		snprintf(name, sizeof(name), "jit_blinded/%s", kt_vecs[i].name);
		kt_run_arg(name, run_vec_jit, &cases[n++]);
		cases[n] = (struct jit_case){ &kt_vecs[i], false, true };
		snprintf(name, sizeof(name), "jit_fenced/%s", kt_vecs[i].name);
		kt_run_arg(name, run_vec_jit, &cases[n++]);
	}
	kt_run("jit/blinding_hides_constants", test_blinding_hides_constants);
	kt_run("jit/jump_sizes_converge", test_jump_sizes_converge);
}

int main(int argc, char **argv)
{
	return kt_main(argc, argv, all);
}
