// SPDX-License-Identifier: GPL-2.0
/*
 * Tail calls: the verifier's rules for bpf_tail_call and PROG_ARRAY maps,
 * and both backends entering programs from a fake PROG_ARRAY, up to the
 * limit of 33.
 */
#include "jitrun.h"
#include "kbpf_insn.h"

#define PA_FD	6	/* fake fd: a PROG_ARRAY with 4 slots */
#define H_FD	7	/* fake fd: a HASH */
#define CB0	(int)offsetof(struct __sk_buff, cb[0])
#define PCALL(off) KI_RAW(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, off)

static struct kbpf_tail_target *slots[4];
static struct kbpf_map_desc prog_array = {
	.map_type = BPF_MAP_TYPE_PROG_ARRAY, .key_size = 4, .value_size = 4,
	.max_entries = 4, .tail_slots = slots,
};

struct loaded {
	struct bpf_insn insns[32];
	u32 cnt;
	struct kt_jit jit;
	struct kbpf_tail_target target;
};

/* The JIT'd tests run twice: plain, then with speculation fences. */
static bool fenced;

static int load(struct loaded *l, bool jit)
{
	struct kt_jit_opts o = { .fence = fenced };
	struct kbpf_subprog subs[KBPF_MAX_SUBPROGS];
	char log[4096];
	u32 sub_cnt;
	int err;

	err = kt_verify_subprogs(l->insns, l->cnt, log, sizeof(log), subs, &sub_cnt);
	KT_EXPECT(!err, "verify %d: %s", err, log);
	l->target.insns = l->insns;
	l->target.jit_entry = NULL;
	if (jit) {
		err = kt_jit_load_opts(&l->jit, l->insns, l->cnt, subs, sub_cnt, &o);
		KT_EXPECT(!err, "jit %d", err);
		l->target.jit_entry = (u8 *)l->jit.mem + KBPF_JIT_TAIL_OFFSET;
	}
	return 0;
}

static u64 run(struct loaded *l, bool jit, struct kbpf_skb_ctx *ctx)
{
	return jit ? l->jit.fn(ctx) : kbpf_interp_run(l->insns, kt_helpers, ctx);
}

#define SET(l, ...) do {							\
	struct bpf_insn _p[] = { __VA_ARGS__ };					\
	memcpy((l)->insns, _p, sizeof(_p));					\
	(l)->cnt = ARRAY_SIZE(_p);						\
} while (0)

/* caller tail-calls slot idx; falls through to r0 = 99 on a miss */
static void set_caller(struct loaded *l, s32 idx)
{
	SET(l, KI_LD_MAP_FD(BPF_REG_2, PA_FD), KI_MOV64_IMM(BPF_REG_3, idx),
	    KI_CALL(BPF_FUNC_tail_call), KI_MOV64_IMM(BPF_REG_0, 99), KI_EXIT());
}

static int tail_basic(bool jit)
{
	static struct loaded a, b;
	struct kbpf_skb_ctx ctx;

	set_caller(&a, 1);
	SET(&b, KI_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, CB0), KI_ALU64_IMM(BPF_ADD, BPF_REG_0, 42),
	    KI_EXIT());
	if (load(&a, jit) || load(&b, jit))
		return -1;
	memset(&ctx, 0, sizeof(ctx));
	ctx.skb.cb[0] = 100;
	memset(slots, 0, sizeof(slots));
	KT_EXPECT(run(&a, jit, &ctx) == 99, "empty slot: want fall-through");
	slots[1] = &b.target;
	KT_EXPECT(run(&a, jit, &ctx) == 142, "slot 1: got %llu", (unsigned long long)run(&a, jit, &ctx));
	set_caller(&a, 4);	/* out of range */
	kt_jit_unload(&a.jit);
	if (load(&a, jit))
		return -1;
	KT_EXPECT(run(&a, jit, &ctx) == 99, "index 4 of 4: want fall-through");
	set_caller(&a, -1);	/* 0xffffffff as u32 */
	kt_jit_unload(&a.jit);
	if (load(&a, jit))
		return -1;
	KT_EXPECT(run(&a, jit, &ctx) == 99, "index -1: want fall-through");
	memset(slots, 0, sizeof(slots));
	kt_jit_unload(&a.jit);
	kt_jit_unload(&b.jit);
	return 0;
}

/* A program that counts its entries in cb[0] and tail-calls itself. */
static int tail_limit(bool jit)
{
	static struct loaded c;
	struct kbpf_skb_ctx ctx;
	u64 r0;

	SET(&c, KI_MOV64_REG(BPF_REG_6, BPF_REG_1), KI_ST_MEM(BPF_DW, BPF_REG_10, -8, 5),
	    KI_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, CB0), KI_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
	    KI_STX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, CB0),
	    KI_LD_MAP_FD(BPF_REG_2, PA_FD), KI_MOV64_IMM(BPF_REG_3, 2),
	    KI_CALL(BPF_FUNC_tail_call),
	    KI_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_6, CB0), KI_EXIT());
	if (load(&c, jit))
		return -1;
	memset(&ctx, 0, sizeof(ctx));
	slots[2] = &c.target;
	r0 = run(&c, jit, &ctx);
	slots[2] = NULL;
	kt_jit_unload(&c.jit);
	KT_EXPECT(r0 == 1 + KBPF_MAX_TAIL_CALL_CNT, "entries %llu, want 34", (unsigned long long)r0);
	return 0;
}

/*
 * Both sides use LD_ABS: the JIT's inline packet loads rely on a length
 * its prologue loads from the context, and a tail call enters past the
 * frame setup, so the target must load it too. Each side reads its own
 * byte; a miss (past the packet) must still return 0 from the target.
 */
static int tail_ld_abs(bool jit)
{
	static const u8 pkt[] = { 0x45, 0x00, 0x00, 0x14, 0xab, 0xcd };
	static struct loaded a, b;
	struct kbpf_skb_ctx ctx;
	u64 r0;

	SET(&a, KI_MOV64_REG(BPF_REG_6, BPF_REG_1), KI_LD_ABS(BPF_B, 0),
	    KI_STX_MEM(BPF_W, BPF_REG_6, BPF_REG_0, CB0), KI_MOV64_REG(BPF_REG_1, BPF_REG_6),
	    KI_LD_MAP_FD(BPF_REG_2, PA_FD), KI_MOV64_IMM(BPF_REG_3, 3),
	    KI_CALL(BPF_FUNC_tail_call), KI_MOV64_IMM(BPF_REG_0, 99), KI_EXIT());
	SET(&b, KI_MOV64_REG(BPF_REG_6, BPF_REG_1), KI_LD_ABS(BPF_H, 4),
	    KI_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_6, CB0), KI_ALU64_IMM(BPF_LSH, BPF_REG_1, 16),
	    KI_ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_1), KI_LD_ABS(BPF_W, 2), KI_EXIT());
	if (load(&a, jit) || load(&b, jit))
		return -1;
	memset(&ctx, 0, sizeof(ctx));
	ctx.net = pkt;
	ctx.net_len = sizeof(pkt);
	memset(slots, 0, sizeof(slots));
	slots[3] = &b.target;
	r0 = run(&a, jit, &ctx);
	KT_EXPECT(r0 == 0x0014abcd, "full packet: got %#llx, want 0x14abcd (last load)",
		  (unsigned long long)r0);
	ctx.net_len = 5;	/* b's 4-byte load at 2 now misses */
	r0 = run(&a, jit, &ctx);
	KT_EXPECT(r0 == 0, "short packet: got %#llx, want 0", (unsigned long long)r0);
	ctx.net_len = 0;	/* a's own load misses: no tail call at all */
	r0 = run(&a, jit, &ctx);
	KT_EXPECT(r0 == 0, "empty packet: got %#llx, want 0", (unsigned long long)r0);
	memset(slots, 0, sizeof(slots));
	kt_jit_unload(&a.jit);
	kt_jit_unload(&b.jit);
	return 0;
}

static int test_tail_ld_abs_interp(void) { return tail_ld_abs(false); }
static int test_tail_ld_abs_jit(void) { return tail_ld_abs(true); }
static int test_tail_basic_interp(void) { return tail_basic(false); }
static int test_tail_basic_jit(void) { return tail_basic(true); }
static int test_tail_limit_interp(void) { return tail_limit(false); }
static int test_tail_limit_jit(void) { return tail_limit(true); }

static int fenced_run(int (*fn)(bool))
{
	int err;

	fenced = true;
	err = fn(true);
	fenced = false;
	return err;
}

static int test_tail_basic_fenced(void) { return fenced_run(tail_basic); }
static int test_tail_limit_fenced(void) { return fenced_run(tail_limit); }
static int test_tail_ld_abs_fenced(void) { return fenced_run(tail_ld_abs); }

static int expect_reject(struct bpf_insn *insns, u32 cnt, int want, const char *msg)
{
	char log[4096];
	int err = kt_verify(insns, cnt, log, sizeof(log));

	KT_EXPECT(err == want, "verify %d, want %d: %s", err, want, log);
	KT_EXPECT(strstr(log, msg), "log lacks '%s': %s", msg, log);
	return 0;
}

static int test_tail_rules(void)
{
	struct bpf_insn hash_map[] = { KI_LD_MAP_FD(BPF_REG_2, H_FD), KI_MOV64_IMM(BPF_REG_3, 0),
				       KI_CALL(BPF_FUNC_tail_call), KI_MOV64_IMM(BPF_REG_0, 0),
				       KI_EXIT() };
	struct bpf_insn lookup_pa[] = { KI_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
					KI_MOV64_REG(BPF_REG_2, BPF_REG_10),
					KI_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
					KI_LD_MAP_FD(BPF_REG_1, PA_FD),
					KI_CALL(BPF_FUNC_map_lookup_elem), KI_MOV64_IMM(BPF_REG_0, 0),
					KI_EXIT() };
	struct bpf_insn not_ctx[] = { KI_MOV64_REG(BPF_REG_1, BPF_REG_10),
				      KI_LD_MAP_FD(BPF_REG_2, PA_FD), KI_MOV64_IMM(BPF_REG_3, 0),
				      KI_CALL(BPF_FUNC_tail_call), KI_MOV64_IMM(BPF_REG_0, 0),
				      KI_EXIT() };
	struct bpf_insn with_calls[] = { KI_LD_MAP_FD(BPF_REG_2, PA_FD), KI_MOV64_IMM(BPF_REG_3, 0),
					 KI_CALL(BPF_FUNC_tail_call), PCALL(2),
					 KI_MOV64_IMM(BPF_REG_0, 0), KI_EXIT(),
					 KI_MOV64_IMM(BPF_REG_0, 0), KI_EXIT() };
	struct bpf_insn r0_after[] = { KI_LD_MAP_FD(BPF_REG_2, PA_FD), KI_MOV64_IMM(BPF_REG_3, 0),
				       KI_MOV64_IMM(BPF_REG_0, 0), KI_CALL(BPF_FUNC_tail_call),
				       KI_EXIT() };

	if (expect_reject(hash_map, ARRAY_SIZE(hash_map), -EINVAL, "cannot pass map_type 1") ||
	    expect_reject(lookup_pa, ARRAY_SIZE(lookup_pa), -EINVAL, "cannot pass map_type 3") ||
	    expect_reject(not_ctx, ARRAY_SIZE(not_ctx), -EACCES, "expected=ctx") ||
	    expect_reject(with_calls, ARRAY_SIZE(with_calls), -EINVAL, "bpf-to-bpf") ||
	    expect_reject(r0_after, ARRAY_SIZE(r0_after), -EACCES, "R0 !read_ok"))
		return -1;
	return 0;
}

/* The verifier rewrites the call to the internal opcode, and only that. */
static int test_tail_fixup(void)
{
	struct bpf_insn p[] = { KI_LD_MAP_FD(BPF_REG_2, PA_FD), KI_MOV64_IMM(BPF_REG_3, 0),
				KI_CALL(BPF_FUNC_tail_call), KI_MOV64_IMM(BPF_REG_0, 0), KI_EXIT() };
	struct bpf_insn forged[] = { KI_RAW(KBPF_INSN_TAIL_CALL, 0, 0, 0, 0),
				     KI_MOV64_IMM(BPF_REG_0, 0), KI_EXIT() };

	KT_EXPECT(!kt_verify(p, ARRAY_SIZE(p), NULL, 0), "rejected");
	KT_EXPECT(p[3].code == KBPF_INSN_TAIL_CALL, "call not rewritten: %#x", p[3].code);
	KT_EXPECT(kt_verify(forged, ARRAY_SIZE(forged), NULL, 0) == -EINVAL,
		  "the internal opcode was accepted from userspace");
	return 0;
}

static void all(void)
{
	kt_fds[H_FD] = kt_map_new(BPF_MAP_TYPE_HASH, 4, 8, 4);
	kt_fds[PA_FD] = kt_map_new(BPF_MAP_TYPE_ARRAY, 4, 4, 4);
	kt_fds[PA_FD]->desc = prog_array;
	kt_run("tail/rules", test_tail_rules);
	kt_run("tail/fixup", test_tail_fixup);
	kt_run("tail/basic_interp", test_tail_basic_interp);
	kt_run("tail/basic_jit", test_tail_basic_jit);
	kt_run("tail/limit_interp", test_tail_limit_interp);
	kt_run("tail/limit_jit", test_tail_limit_jit);
	kt_run("tail/ld_abs_interp", test_tail_ld_abs_interp);
	kt_run("tail/ld_abs_jit", test_tail_ld_abs_jit);
	kt_run("tail/basic_fenced", test_tail_basic_fenced);
	kt_run("tail/limit_fenced", test_tail_limit_fenced);
	kt_run("tail/ld_abs_fenced", test_tail_ld_abs_fenced);
	kt_map_free(kt_fds[PA_FD]);
	kt_map_free(kt_fds[H_FD]);
}

int main(int argc, char **argv)
{
	return kt_main(argc, argv, all);
}
