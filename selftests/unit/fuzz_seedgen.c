// SPDX-License-Identifier: GPL-2.0
/* Writes generated seed inputs for fuzz_verifier (never committed). */
#include <stdio.h>
#include "progen.h"
#include "kbpf_insn.h"

#define RB_FD	6	/* fuzz_verifier's ringbuf */

/* r0 = bpf_ringbuf_reserve(RB_FD, sz, 0) */
#define SEED_RESERVE(sz) \
	KI_LD_MAP_FD(BPF_REG_1, RB_FD), KI_MOV64_IMM(BPF_REG_2, sz), \
	KI_MOV64_IMM(BPF_REG_3, 0), KI_CALL(BPF_FUNC_ringbuf_reserve)
#define SEED_COMMIT(fn, r) \
	KI_MOV64_REG(BPF_REG_1, r), KI_MOV64_IMM(BPF_REG_2, 0), KI_CALL(fn)

/* Ringbuf programs, for the mutator to start reference tracking from. */
static const struct bpf_insn seed_rb_submit[] = {
	SEED_RESERVE(16), KI_MOV64_REG(BPF_REG_7, BPF_REG_0),
	KI_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2), KI_MOV64_IMM(BPF_REG_0, 0), KI_EXIT(),
	KI_ST_MEM(BPF_DW, BPF_REG_7, 8, 1), KI_LDX_MEM(BPF_DW, BPF_REG_6, BPF_REG_7, 0),
	SEED_COMMIT(BPF_FUNC_ringbuf_submit, BPF_REG_7), KI_MOV64_REG(BPF_REG_0, BPF_REG_6),
	KI_EXIT(),
};
static const struct bpf_insn seed_rb_two[] = {
	SEED_RESERVE(8), KI_MOV64_REG(BPF_REG_6, BPF_REG_0), SEED_RESERVE(24),
	KI_MOV64_REG(BPF_REG_7, BPF_REG_0), KI_JMP_IMM(BPF_JEQ, BPF_REG_6, 0, 3),
	SEED_COMMIT(BPF_FUNC_ringbuf_discard, BPF_REG_6), KI_JMP_IMM(BPF_JEQ, BPF_REG_7, 0, 4),
	KI_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_7, -8), KI_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),
	KI_MOV64_IMM(BPF_REG_2, 0), KI_CALL(BPF_FUNC_ringbuf_submit), KI_MOV64_IMM(BPF_REG_0, 0),
	KI_EXIT(),
};
/* a spilled copy, reloaded after the submit (then only a number) */
static const struct bpf_insn seed_rb_after[] = {
	SEED_RESERVE(16), KI_MOV64_REG(BPF_REG_7, BPF_REG_0),
	KI_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2), KI_MOV64_IMM(BPF_REG_0, 0), KI_EXIT(),
	KI_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_7, -8), KI_ST_MEM(BPF_DW, BPF_REG_7, 0, 3),
	SEED_COMMIT(BPF_FUNC_ringbuf_submit, BPF_REG_7), KI_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),
	KI_ST_MEM(BPF_DW, BPF_REG_10, -16, 0), KI_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -16),
	KI_EXIT(),
};
static const struct bpf_insn seed_rb_output[] = {
	KI_ST_MEM(BPF_DW, BPF_REG_10, -8, 7), KI_LD_MAP_FD(BPF_REG_1, RB_FD),
	KI_MOV64_REG(BPF_REG_2, BPF_REG_10), KI_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
	KI_MOV64_IMM(BPF_REG_3, 8), KI_MOV64_IMM(BPF_REG_4, 0), KI_CALL(BPF_FUNC_ringbuf_output),
	KI_LD_MAP_FD(BPF_REG_1, RB_FD), KI_MOV64_IMM(BPF_REG_2, BPF_RB_RING_SIZE),
	KI_CALL(BPF_FUNC_ringbuf_query), KI_EXIT(),
};

static int write_seed(const char *dir, const char *name, unsigned char perfmon,
		      const struct bpf_insn *insns, size_t n)
{
	unsigned char hdr[2] = { 0, perfmon };
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return 1;
	fwrite(hdr, 1, 2, f);
	fwrite(insns, sizeof(insns[0]), n, f);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	static struct bpf_insn prog[KT_PROGEN_MAX_INSNS];
	unsigned int i, count = argc > 2 ? (unsigned int)atoi(argv[2]) : 64;
	char path[512];

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR [COUNT]\n", argv[0]);
		return 2;
	}
	for (i = 0; i < count; i++) {
		u32 n = kt_progen(1000 + i, 4 + i % 24, prog, 512);

		/* the fuzz maps use fd 5 for the generator's array: already so */
		snprintf(path, sizeof(path), "seed-%04u", i);
		/* data[1]: CAP_PERFMON on odd seeds; JIT fence off / blinding (bits 2, 3) */
		if (write_seed(argv[1], path, (unsigned char)((i & 1) | ((i & 6) << 1)), prog, n))
			return 1;
	}
	for (i = 0; i < 2; i++)
		if (write_seed(argv[1], i ? "seed-rb-submit-perfmon" : "seed-rb-submit", i,
			       seed_rb_submit, ARRAY_SIZE(seed_rb_submit)) ||
		    write_seed(argv[1], i ? "seed-rb-two-perfmon" : "seed-rb-two", i, seed_rb_two,
			       ARRAY_SIZE(seed_rb_two)) ||
		    write_seed(argv[1], i ? "seed-rb-output-perfmon" : "seed-rb-output", i,
			       seed_rb_output, ARRAY_SIZE(seed_rb_output)) ||
		    write_seed(argv[1], i ? "seed-rb-after-perfmon" : "seed-rb-after", i,
			       seed_rb_after, ARRAY_SIZE(seed_rb_after)))
			return 1;
	return 0;
}
