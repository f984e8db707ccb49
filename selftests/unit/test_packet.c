// SPDX-License-Identifier: GPL-2.0
/*
 * Packet pointers, through NETFILTER programs (struct kbpf_nf_ctx): every
 * access must follow a check of data + n against data_end; the program
 * runs in both backends on a real IPv4/UDP packet.
 */
#include "jitrun.h"
#include "kbpf_insn.h"
#include "kbpf.h"

#define R0 BPF_REG_0
#define R1 BPF_REG_1
#define R2 BPF_REG_2
#define R3 BPF_REG_3
#define R4 BPF_REG_4
#define R5 BPF_REG_5
#define DATA	KI_LDX_MEM(BPF_DW, R2, R1, offsetof(struct kbpf_nf_ctx, data))
#define DEND	KI_LDX_MEM(BPF_DW, R3, R1, offsetof(struct kbpf_nf_ctx, data_end))
#define MAXI	32

struct pcase {
	const char *name;
	struct bpf_insn insns[MAXI];
	int err;
	const char *log;
	int ret;	/* accepted: expected return on the test packet */
};

#define P(n, e, l, r, ...) { .name = n, .err = (e), .log = (l), .ret = (r), \
	.insns = { __VA_ARGS__ } }

/* drop UDP (protocol 17) to port 53, accept everything else */
static const struct pcase cases[] = {
	P("drop_udp_53", 0, NULL, 0, DATA, DEND,
	  KI_MOV64_REG(R4, R2), KI_ALU64_IMM(BPF_ADD, R4, 20), KI_JMP_REG(BPF_JGT, R4, R3, 12),
	  KI_LDX_MEM(BPF_B, R5, R2, 9), KI_JMP_IMM(BPF_JNE, R5, 17, 10),
	  /* variable header length: ihl * 4 */
	  KI_LDX_MEM(BPF_B, R5, R2, 0), KI_ALU64_IMM(BPF_AND, R5, 0xf), KI_ALU64_IMM(BPF_LSH, R5, 2),
	  KI_ALU64_REG(BPF_ADD, R2, R5), KI_MOV64_REG(R4, R2), KI_ALU64_IMM(BPF_ADD, R4, 8),
	  KI_JMP_REG(BPF_JGT, R4, R3, 3), KI_LDX_MEM(BPF_H, R5, R2, 2),
	  KI_JMP_IMM(BPF_JNE, R5, 0x3500, 1),	/* port 53, network order on a LE host */
	  KI_JA(2), KI_MOV64_IMM(R0, 1), KI_EXIT(), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	P("unchecked_access", -EACCES, "outside of the packet", 0, DATA,
	  KI_LDX_MEM(BPF_B, R0, R2, 0), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	P("past_checked_range", -EACCES, "outside of the packet", 0, DATA, DEND,
	  KI_MOV64_REG(R4, R2), KI_ALU64_IMM(BPF_ADD, R4, 20), KI_JMP_REG(BPF_JGT, R4, R3, 2),
	  KI_LDX_MEM(BPF_B, R0, R2, 20), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	P("wrong_arm", -EACCES, "outside of the packet", 0, DATA, DEND,
	  KI_MOV64_REG(R4, R2), KI_ALU64_IMM(BPF_ADD, R4, 20), KI_JMP_REG(BPF_JLE, R4, R3, 2),
	  KI_LDX_MEM(BPF_B, R0, R2, 0), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	P("end_on_the_left", 0, NULL, 1, DATA, DEND,
	  KI_MOV64_REG(R4, R2), KI_ALU64_IMM(BPF_ADD, R4, 4), KI_JMP_REG(BPF_JLT, R3, R4, 1),
	  KI_LDX_MEM(BPF_W, R0, R2, 0), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	/* end > data + 3 means data + 4 <= end: a 4-byte load is fine */
	P("strict_compare_one_more_byte", 0, NULL, 1, DATA, DEND,
	  KI_MOV64_REG(R4, R2), KI_ALU64_IMM(BPF_ADD, R4, 3), KI_JMP_REG(BPF_JGT, R3, R4, 1),
	  KI_JA(1), KI_LDX_MEM(BPF_W, R0, R2, 0), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	/* data + 3 <= end only allows 3 bytes */
	P("non_strict_compare", -EACCES, "outside of the packet", 0, DATA, DEND,
	  KI_MOV64_REG(R4, R2), KI_ALU64_IMM(BPF_ADD, R4, 3), KI_JMP_REG(BPF_JGT, R4, R3, 1),
	  KI_LDX_MEM(BPF_W, R0, R2, 0), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	P("write_to_packet", -EACCES, "cannot write into packet", 0, DATA, DEND,
	  KI_MOV64_REG(R4, R2), KI_ALU64_IMM(BPF_ADD, R4, 20), KI_JMP_REG(BPF_JGT, R4, R3, 1),
	  KI_ST_MEM(BPF_B, R2, 0, 1), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	P("unbounded_var_offset", -EACCES, "unbounded or negative packet offset", 0, DATA, DEND,
	  KI_LDX_MEM(BPF_W, R5, R1, offsetof(struct kbpf_nf_ctx, len)),
	  KI_ALU64_REG(BPF_ADD, R2, R5), KI_LDX_MEM(BPF_B, R0, R2, 0), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	P("deref_pkt_end", -EACCES, "invalid mem access 'pkt_end'", 0, DEND,
	  KI_LDX_MEM(BPF_B, R0, R3, -1), KI_MOV64_IMM(R0, 1), KI_EXIT()),
	P("return_2", -EINVAL, "At program exit", 0, KI_MOV64_IMM(R0, 2), KI_EXIT()),
	P("return_unknown", -EINVAL, "At program exit", 0,
	  KI_LDX_MEM(BPF_W, R0, R1, offsetof(struct kbpf_nf_ctx, mark)), KI_EXIT()),
	P("return_masked", 0, NULL, 1, KI_LDX_MEM(BPF_W, R0, R1, offsetof(struct kbpf_nf_ctx, hook)),
	  KI_ALU64_IMM(BPF_AND, R0, 1), KI_EXIT()),
	P("ctx_data_narrow", -EACCES, "invalid bpf_context access", 0,
	  KI_LDX_MEM(BPF_W, R2, R1, offsetof(struct kbpf_nf_ctx, data)), KI_MOV64_IMM(R0, 1),
	  KI_EXIT()),
	P("ctx_write", -EACCES, "invalid bpf_context access", 0, KI_MOV64_IMM(R2, 0),
	  KI_STX_MEM(BPF_W, R1, R2, offsetof(struct kbpf_nf_ctx, mark)), KI_MOV64_IMM(R0, 1),
	  KI_EXIT()),
};

/* IPv4 (ihl 5) + UDP to port 53 */
static const u8 udp53[28] = {
	0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
	0x30, 0x39, 0x00, 0x35, 0, 8, 0, 0,
};

static int run_pcase(const void *arg)
{
	const struct pcase *c = arg;
	struct bpf_insn prog[MAXI];
	struct kbpf_subprog subs[KBPF_MAX_SUBPROGS];
	u32 cnt = MAXI;
	struct kbpf_verify_attr va = {
		.insns = prog, .prog_type = KBPF_PROG_TYPE_NETFILTER,
		.bpf_capable = true, .perfmon_capable = true, .subprogs = subs,
	};
	struct kbpf_nf_ctx ctx = { .len = sizeof(udp53), .pf = 2, .hook = 1 };
	static char log[16384];
	struct kt_jit j;
	u64 r0;
	int err;

	memcpy(prog, c->insns, sizeof(prog));
	while (cnt && !prog[cnt - 1].code)	/* no ld_imm64 in these */
		cnt--;
	va.insn_cnt = cnt;
	va.log_level = 1;
	va.log_buf = log;
	va.log_size = sizeof(log);
	err = kbpf_verify(&va);
	KT_EXPECT(err == c->err, "verify %d, want %d: %s", err, c->err, log);
	KT_EXPECT(!c->log || strstr(log, c->log), "log lacks '%s': %s", c->log, log);
	if (err)
		return 0;
	ctx.data = (u64)(uintptr_t)udp53;
	ctx.data_end = ctx.data + sizeof(udp53);
	r0 = kbpf_interp_run(prog, kt_helpers, &ctx);
	KT_EXPECT(r0 == (u64)c->ret, "interp returned %llu, want %d", (unsigned long long)r0,
		  c->ret);
	err = kt_jit_load_subprogs(&j, prog, cnt, subs, va.subprog_cnt, false, 0);
	KT_EXPECT(!err, "jit %d", err);
	r0 = j.fn(&ctx);
	kt_jit_unload(&j);
	KT_EXPECT(r0 == (u64)c->ret, "jit returned %llu, want %d", (unsigned long long)r0, c->ret);
	return 0;
}

static void all(void)
{
	char name[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(name, sizeof(name), "packet/%s", cases[i].name);
		kt_run_arg(name, run_pcase, &cases[i]);
	}
}

int main(int argc, char **argv)
{
	return kt_main(argc, argv, all);
}
