// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
/*
 * Speculation fences (kbpf_jit_attr.spec_fence). For each program:
 *  - fenced, the image has an LFENCE where the layout says each jcc's
 *    fall-through and target begin, right after each store, and right
 *    after the JIT's own bounds checks (found inside the instruction's
 *    code by the jcc that ends just before the fence);
 *  - unfenced, it has no LFENCE at all;
 *  - the interpreter, the plain JIT and the fenced JIT agree on r0, the
 *    context and the map, on several inputs.
 * It prints the fenced/unfenced code size of each program.
 */
#include "jitrun.h"
#include "kbpf_insn.h"
#include "x86_emit.h"

#define ARR_FD	5	/* ARRAY, 4 x u64: its lookup is inlined */
#define HASH_FD	6	/* HASH u32 -> u64: lookup/update are helper calls */
#define PA_FD	7	/* PROG_ARRAY, 2 slots, both empty */
#define LEN	(s16)offsetof(struct __sk_buff, len)
#define MARK	(s16)offsetof(struct __sk_buff, mark)
#define CB0	(s16)offsetof(struct __sk_buff, cb[0])
#define CB1	(s16)offsetof(struct __sk_buff, cb[1])

static const u8 lfence[KBPF_X86_LFENCE_LEN] = { 0x0f, 0xae, 0xe8 };

struct fence_prog {
	const char *name;
	struct bpf_insn insns[48];
	/* at least: LFENCEs inside the JIT's own code for an insn, and those right after a jcc */
	u32 own_any, own_jcc;
};

/* cnt: the insns up to the last non-zero one (prog_len()). */
#define PROG(n, any, jcc, ...) { .name = n, .own_any = any, .own_jcc = jcc,		\
	.insns = { __VA_ARGS__ } }

static const struct fence_prog progs[] = {
	/* every jcc form, JMP and JMP32, forward targets shared by two jumps */
	PROG("branches", 0, 0,
	     KI_MOV64_IMM(BPF_REG_0, 0),
	     KI_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, LEN),
	     KI_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_1, MARK),
	     KI_JMP_IMM(BPF_JGT, BPF_REG_2, 100, 2),
	     KI_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
	     KI_JA(1),
	     KI_ALU64_IMM(BPF_ADD, BPF_REG_0, 2),
	     KI_JMP32_IMM(BPF_JEQ, BPF_REG_2, 7, 1),
	     KI_ALU64_IMM(BPF_ADD, BPF_REG_0, 4),
	     KI_JMP_REG(BPF_JSLT, BPF_REG_2, BPF_REG_3, 1),
	     KI_ALU64_IMM(BPF_ADD, BPF_REG_0, 8),
	     KI_JMP32_REG(BPF_JGE, BPF_REG_3, BPF_REG_2, 2),
	     KI_JMP_IMM(BPF_JSET, BPF_REG_3, 0x10, 1),
	     KI_ALU64_IMM(BPF_ADD, BPF_REG_0, 16),
	     KI_JMP_REG(BPF_JNE, BPF_REG_2, BPF_REG_3, 1),
	     KI_ALU64_IMM(BPF_ADD, BPF_REG_0, 32),
	     KI_JMP32_IMM(BPF_JSLE, BPF_REG_3, -1, 1),
	     KI_ALU64_IMM(BPF_ADD, BPF_REG_0, 64),
	     KI_EXIT()),
	/* a bounded loop: the backward jcc's target is fenced too */
	PROG("loop", 0, 0,
	     KI_MOV64_IMM(BPF_REG_0, 0),
	     KI_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, LEN),
	     KI_ALU64_IMM(BPF_AND, BPF_REG_2, 15),
	     KI_MOV64_IMM(BPF_REG_3, 0),
	     KI_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
	     KI_ALU64_IMM(BPF_ADD, BPF_REG_3, 1),
	     KI_JMP_REG(BPF_JLE, BPF_REG_3, BPF_REG_2, -3),
	     KI_EXIT()),
	/* ST and STX of each size, to the stack and to the context */
	PROG("stores", 0, 0,
	     KI_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, LEN),
	     KI_ST_MEM(BPF_DW, BPF_REG_10, -8, 0x11223344),
	     KI_ST_MEM(BPF_W, BPF_REG_10, -12, 0x55),
	     KI_ST_MEM(BPF_H, BPF_REG_10, -14, 0x66),
	     KI_ST_MEM(BPF_B, BPF_REG_10, -15, 0x77),
	     KI_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_2, -16),
	     KI_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_2, -18),
	     KI_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_2, -24),
	     KI_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -32),
	     KI_STX_MEM(BPF_W, BPF_REG_1, BPF_REG_2, CB0),
	     KI_STX_MEM(BPF_H, BPF_REG_1, BPF_REG_2, CB1),
	     KI_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
	     KI_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, -16),
	     KI_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_3),
	     KI_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_10, -24),
	     KI_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
	     KI_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, -32),
	     KI_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
	     KI_EXIT()),
	/* each atomic form, including the cmpxchg loop of fetching or/and/xor */
	PROG("atomics", 0, 0,
	     KI_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, LEN),
	     KI_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -8),
	     KI_MOV64_IMM(BPF_REG_3, 5),
	     KI_ATOMIC(BPF_DW, BPF_ADD, BPF_REG_10, BPF_REG_3, -8),
	     KI_ATOMIC(BPF_DW, BPF_ADD | BPF_FETCH, BPF_REG_10, BPF_REG_3, -8),
	     KI_MOV64_IMM(BPF_REG_4, 0x30),
	     KI_ATOMIC(BPF_DW, BPF_OR | BPF_FETCH, BPF_REG_10, BPF_REG_4, -8),
	     KI_ATOMIC(BPF_W, BPF_AND, BPF_REG_10, BPF_REG_2, -8),
	     KI_MOV64_IMM(BPF_REG_5, 0xff),
	     KI_ATOMIC(BPF_W, BPF_XOR | BPF_FETCH, BPF_REG_10, BPF_REG_5, -8),
	     KI_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
	     KI_MOV64_IMM(BPF_REG_6, 77),
	     KI_ATOMIC(BPF_DW, BPF_CMPXCHG, BPF_REG_10, BPF_REG_6, -8),
	     KI_ATOMIC(BPF_DW, BPF_XCHG, BPF_REG_10, BPF_REG_2, -8),
	     KI_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
	     KI_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_4),
	     KI_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_5),
	     KI_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
	     KI_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, -8),
	     KI_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
	     KI_EXIT()),
	/* div/mod: the zero test is a JIT-emitted branch, its merge is fenced */
	PROG("divmod", 2, 0,
	     KI_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, LEN),
	     KI_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_1, MARK),
	     KI_MOV64_REG(BPF_REG_0, BPF_REG_2),
	     KI_ALU64_IMM(BPF_MOD, BPF_REG_0, 7),
	     KI_ALU64_REG(BPF_DIV, BPF_REG_2, BPF_REG_3),
	     KI_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
	     KI_EXIT()),
	/*
	 * Map calls: an inline ARRAY lookup (its index check), a value store,
	 * and HASH update/lookup through helpers.
	 */
	PROG("maps", 1, 1,
	     KI_MOV64_REG(BPF_REG_6, BPF_REG_1),
	     KI_LDX_MEM(BPF_W, BPF_REG_7, BPF_REG_6, LEN),
	     KI_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_7, -4),
	     KI_LD_MAP_FD(BPF_REG_1, ARR_FD),
	     KI_MOV64_REG(BPF_REG_2, BPF_REG_10),
	     KI_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
	     KI_CALL(BPF_FUNC_map_lookup_elem),
	     KI_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),
	     KI_LDX_MEM(BPF_DW, BPF_REG_8, BPF_REG_0, 0),
	     KI_ATOMIC(BPF_DW, BPF_ADD, BPF_REG_0, BPF_REG_7, 0),
	     KI_JA(1),
	     KI_MOV64_IMM(BPF_REG_8, 1000),
	     KI_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_7, -16),
	     KI_LD_MAP_FD(BPF_REG_1, HASH_FD),
	     KI_MOV64_REG(BPF_REG_2, BPF_REG_10),
	     KI_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
	     KI_MOV64_REG(BPF_REG_3, BPF_REG_10),
	     KI_ALU64_IMM(BPF_ADD, BPF_REG_3, -16),
	     KI_MOV64_IMM(BPF_REG_4, 0),
	     KI_CALL(BPF_FUNC_map_update_elem),
	     KI_LD_MAP_FD(BPF_REG_1, HASH_FD),
	     KI_MOV64_REG(BPF_REG_2, BPF_REG_10),
	     KI_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
	     KI_CALL(BPF_FUNC_map_lookup_elem),
	     KI_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
	     KI_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	     KI_ALU64_REG(BPF_ADD, BPF_REG_8, BPF_REG_0),
	     KI_MOV64_REG(BPF_REG_0, BPF_REG_8),
	     KI_EXIT()),
	/* LD_ABS / LD_IND: inline bounds check, slow path, and what follows both */
	PROG("ld_abs", 3, 3,
	     KI_MOV64_REG(BPF_REG_6, BPF_REG_1),
	     KI_LD_ABS(BPF_B, 0),
	     KI_MOV64_REG(BPF_REG_7, BPF_REG_0),
	     KI_LD_ABS(BPF_H, 2),
	     KI_ALU64_REG(BPF_ADD, BPF_REG_7, BPF_REG_0),
	     KI_MOV64_IMM(BPF_REG_8, 4),
	     KI_LD_IND(BPF_W, BPF_REG_8, 0),
	     KI_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
	     KI_EXIT()),
	/* a tail call to an empty slot: index, count and slot checks, then on */
	PROG("tail_call", 2, 2,
	     KI_LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_1, LEN),
	     KI_LD_MAP_FD(BPF_REG_2, PA_FD),
	     KI_CALL(BPF_FUNC_tail_call),
	     KI_MOV64_IMM(BPF_REG_0, 99),
	     KI_EXIT()),
};

static u8 pkt[64];

/* A program ends at its last non-zero slot (an ld_imm64's second half is never last). */
static u32 prog_len(const struct fence_prog *fp)
{
	u32 n = ARRAY_SIZE(fp->insns);

	while (n && !memcmp(&fp->insns[n - 1], &(struct bpf_insn){ 0 }, sizeof(struct bpf_insn)))
		n--;
	return n;
}
static struct kbpf_tail_target *pa_slots[2];

static bool is_cond_jmp(const struct bpf_insn *insn)
{
	u8 cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_JA && op != BPF_CALL &&
	       op != BPF_EXIT && insn->code != KBPF_INSN_TAIL_CALL;
}

static bool is_store(const struct bpf_insn *insn)
{
	return BPF_CLASS(insn->code) == BPF_ST || BPF_CLASS(insn->code) == BPF_STX;
}

static bool fence_at(const struct kt_jit *j, s64 off)
{
	return off >= 0 && off + KBPF_X86_LFENCE_LEN <= j->len &&
	       !memcmp((const u8 *)j->mem + off, lfence, KBPF_X86_LFENCE_LEN);
}

/* A jcc (rel8 7x xx, or rel32 0f 8x xx xx xx xx) ends at image offset q. */
static bool jcc_ends_at(const struct kt_jit *j, u32 lo, u32 q)
{
	const u8 *b = j->mem;

	if (q >= lo + 2 && (b[q - 2] & 0xf0) == 0x70)
		return true;
	return q >= lo + 6 && b[q - 6] == 0x0f && (b[q - 5] & 0xf0) == 0x80;
}

/* LFENCEs in (lo, hi), and those of them that directly follow a jcc. */
static void fences_inside(const struct kt_jit *j, u32 lo, u32 hi, u32 *any, u32 *after_jcc)
{
	u32 q;

	for (q = lo + 1; q + KBPF_X86_LFENCE_LEN <= hi; q++) {
		if (!fence_at(j, q))
			continue;
		++*any;
		if (jcc_ends_at(j, lo, q))
			++*after_jcc;
	}
}

/*
 * Where the layout says the fences must be. *own counts the LFENCEs inside
 * the code of other instructions (the JIT's own checks in calls, div/mod,
 * LD_ABS/IND), *own_jcc those of them right after a jcc.
 */
static int check_fenced(const struct fence_prog *fp, const struct bpf_insn *insns, u32 cnt,
			const struct kt_jit *j, u32 *own, u32 *own_jcc)
{
	u32 i, jccs = 0, stores = 0, want_jccs = 0, want_stores = 0;

	*own = *own_jcc = 0;
	for (i = 0; i < cnt; i++) {
		const struct bpf_insn *insn = &insns[i];
		s64 next = kbpf_jit_insn_offset(j->layout, i + 1);
		u32 start = (u32)kbpf_jit_insn_offset(j->layout, i);

		if (insn->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			i++;
			continue;
		}
		want_jccs += is_cond_jmp(insn);
		want_stores += is_store(insn);
		KT_EXPECT(i + 1 < cnt || (!is_cond_jmp(insn) && !is_store(insn)),
			  "%s: insn %u is last", fp->name, i);
		if (is_cond_jmp(insn)) {
			s64 tgt = kbpf_jit_insn_offset(j->layout, i + 1 + insn->off);

			KT_EXPECT(fence_at(j, next), "%s: no LFENCE after the jcc of insn %u",
				  fp->name, i);
			KT_EXPECT(fence_at(j, tgt), "%s: no LFENCE at insn %d, jcc %u's target",
				  fp->name, (int)(i + 1 + insn->off), i);
			jccs++;
		} else if (is_store(insn)) {
			KT_EXPECT(fence_at(j, next - KBPF_X86_LFENCE_LEN),
				  "%s: no LFENCE after the store of insn %u", fp->name, i);
			stores++;
		} else if (next >= 0 && insn->code != (BPF_JMP | BPF_EXIT)) {
			/* an exit's code runs on into the epilogue: nothing of its own */
			fences_inside(j, start, (u32)next, own, own_jcc);
		}
		if (BPF_CLASS(insn->code) == BPF_LD && BPF_MODE(insn->code) != BPF_IMM)
			KT_EXPECT(fence_at(j, next), "%s: no LFENCE after the LD_ABS/IND of insn %u",
				  fp->name, i);
	}
	KT_EXPECT(jccs == want_jccs && stores == want_stores, "%s: checked %u/%u jccs, %u/%u stores",
		  fp->name, jccs, want_jccs, stores, want_stores);
	KT_EXPECT(*own >= fp->own_any && *own_jcc >= fp->own_jcc,
		  "%s: %u fences in the JIT's own code (%u after a jcc), want >= %u (%u)",
		  fp->name, *own, *own_jcc, fp->own_any, fp->own_jcc);
	return 0;
}

struct outcome {
	u64 r0;
	struct __sk_buff skb;
	u64 arr[4];
	u64 hash_val;
};

static void reset_maps(void)
{
	struct kt_map *h = kt_fds[HASH_FD];

	memset(kt_fds[ARR_FD]->values, 0, 4 * 8);
	memset(h->used, 0, sizeof(bool) * h->desc.max_entries);
}

static void run_one(const struct bpf_insn *insns, kbpf_jited_fn fn, u32 in, struct outcome *o)
{
	struct kbpf_skb_ctx ctx;
	u32 key = in;
	u64 *v;

	memset(&ctx, 0, sizeof(ctx));
	ctx.mac = pkt;
	ctx.net = pkt + 14;
	ctx.mac_len = 14;
	ctx.net_len = sizeof(pkt) - 14;
	ctx.skb.len = in;
	ctx.skb.mark = in * 2654435761u;
	o->r0 = fn ? fn(&ctx) : kbpf_interp_run(insns, kt_helpers, &ctx);
	o->skb = ctx.skb;
	memcpy(o->arr, kt_fds[ARR_FD]->values, sizeof(o->arr));
	v = kt_map_lookup(kt_fds[HASH_FD], &key);
	o->hash_val = v ? *v : ~0ull;
}

static int same(const char *name, u32 in, const char *what, const struct outcome *a,
		const struct outcome *b)
{
	KT_EXPECT(a->r0 == b->r0, "%s(len %u): r0 %#llx, %s %#llx", name, in,
		  (unsigned long long)a->r0, what, (unsigned long long)b->r0);
	KT_EXPECT(!memcmp(&a->skb, &b->skb, sizeof(a->skb)), "%s(len %u): ctx differs (%s)",
		  name, in, what);
	KT_EXPECT(!memcmp(a->arr, b->arr, sizeof(a->arr)) && a->hash_val == b->hash_val,
		  "%s(len %u): maps differ (%s)", name, in, what);
	return 0;
}

static int fence_prog(const void *arg)
{
	static const u32 inputs[] = { 0, 1, 2, 3, 5, 7, 16, 100, 101, 0x80000007u, ~0u };
	const struct fence_prog *fp = arg;
	struct kbpf_subprog subs[KBPF_MAX_SUBPROGS];
	struct kt_jit_opts plain_o = { .keep_layout = true };
	struct kt_jit_opts fence_o = { .fence = true, .keep_layout = true };
	struct bpf_insn insns[48];
	struct outcome oi, op, of;
	struct kt_jit plain, fenced;
	char log[8192];
	u32 sub_cnt, i, own, own_jcc, cnt = prog_len(fp);
	int err;

	memcpy(insns, fp->insns, sizeof(insns));
	err = kt_verify_subprogs(insns, cnt, log, sizeof(log), subs, &sub_cnt);
	KT_EXPECT(!err, "%s: verifier rejected (%d): %s", fp->name, err, log);
	err = kt_jit_load_opts(&plain, insns, cnt, subs, sub_cnt, &plain_o);
	KT_EXPECT(!err, "%s: jit failed (%d)", fp->name, err);
	err = kt_jit_load_opts(&fenced, insns, cnt, subs, sub_cnt, &fence_o);
	KT_EXPECT(!err, "%s: fenced jit failed (%d)", fp->name, err);

	KT_EXPECT(!memmem(plain.mem, plain.len, lfence, sizeof(lfence)),
		  "%s: LFENCE in an image built without spec_fence", fp->name);
	err = check_fenced(fp, insns, cnt, &fenced, &own, &own_jcc);
	if (!err) {
		printf("spec_fence: %-10s %4u -> %4u bytes (x%.2f), %u in JIT-made checks\n",
		       fp->name, plain.len, fenced.len, (double)fenced.len / plain.len, own);
		for (i = 0; i < ARRAY_SIZE(inputs) && !err; i++) {
			reset_maps();
			run_one(insns, NULL, inputs[i], &oi);
			reset_maps();
			run_one(insns, plain.fn, inputs[i], &op);
			reset_maps();
			run_one(insns, fenced.fn, inputs[i], &of);
			err = same(fp->name, inputs[i], "jit", &oi, &op) ||
			      same(fp->name, inputs[i], "fenced jit", &oi, &of);
		}
	}
	kt_jit_unload(&plain);
	kt_jit_unload(&fenced);
	return err;
}

/*
 * A jcc's target that is also a store's successor, and a long program whose
 * jumps need rel32: the fenced layout still converges and runs.
 */
static int test_long_jumps(void)
{
	enum { N = 200 };
	static struct bpf_insn prog[N];
	struct kbpf_subprog sub = { 0 };
	struct kt_jit_opts o = { .fence = true, .keep_layout = true };
	struct kt_jit j;
	int i, err;

	prog[0] = (struct bpf_insn)KI_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, LEN);
	prog[1] = (struct bpf_insn)KI_JMP_IMM(BPF_JNE, BPF_REG_0, 3, N - 4);
	for (i = 2; i < N - 2; i++)
		prog[i] = (struct bpf_insn)KI_ST_MEM(BPF_DW, BPF_REG_10, -8, i);
	prog[N - 2] = (struct bpf_insn)KI_ALU64_IMM(BPF_ADD, BPF_REG_0, 1);
	prog[N - 1] = (struct bpf_insn)KI_EXIT();
	err = kt_verify(prog, N, NULL, 0);
	KT_EXPECT(!err, "verifier rejected (%d)", err);
	err = kt_jit_load_opts(&j, prog, N, &sub, 1, &o);
	KT_EXPECT(!err, "fenced jit failed (%d)", err);
	err = fence_at(&j, kbpf_jit_insn_offset(j.layout, N - 2)) &&
	      fence_at(&j, kbpf_jit_insn_offset(j.layout, 2)) ? 0 : -1;
	if (!err) {
		struct kbpf_skb_ctx ctx = { .skb.len = 3 };

		err = j.fn(&ctx) == 4 ? 0 : -1;
		ctx.skb.len = 9;
		err |= j.fn(&ctx) == 10 ? 0 : -1;
	}
	kt_jit_unload(&j);
	KT_EXPECT(!err, "long fenced jumps: fences missing or wrong result");
	return 0;
}

static void all(void)
{
	char name[64];
	u32 i;

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (u8)(i * 37 + 1);
	kt_fds[ARR_FD] = kt_map_new(BPF_MAP_TYPE_ARRAY, 4, 8, 4);
	kt_fds[HASH_FD] = kt_map_new(BPF_MAP_TYPE_HASH, 4, 8, 16);
	kt_fds[PA_FD] = kt_map_new(BPF_MAP_TYPE_ARRAY, 4, 4, 2);
	kt_fds[PA_FD]->desc.map_type = BPF_MAP_TYPE_PROG_ARRAY;
	kt_fds[PA_FD]->desc.tail_slots = pa_slots;
	for (i = 0; i < ARRAY_SIZE(progs); i++) {
		snprintf(name, sizeof(name), "spec_fence/%s", progs[i].name);
		kt_run_arg(name, fence_prog, &progs[i]);
	}
	kt_run("spec_fence/long_jumps", test_long_jumps);
	kt_map_free(kt_fds[PA_FD]);
	kt_map_free(kt_fds[HASH_FD]);
	kt_map_free(kt_fds[ARR_FD]);
}

int main(int argc, char **argv)
{
	return kt_main(argc, argv, all);
}
