// SPDX-License-Identifier: GPL-2.0
#include "progen.h"
#include "kbpf_insn.h"

#define MAX_UNIT	16
#define MAX_UNITS	256
#define MAX_FUNCS	3
#define MAX_JUMPS	6	/* unknown branches: at most 2^6 paths to verify */
#define STACK_BYTES	64	/* fp-64 .. fp-1: scratch memory, all initialised */
#define KEY_OFF		(-72)	/* map key slot */

u64 kt_rand(struct kt_rng *r)
{
	/* splitmix64 */
	u64 z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static u32 rnd(struct kt_rng *r, u32 n)
{
	return (u32)(kt_rand(r) % n);
}

/* A value biased towards edges: 0, 1, -1, INT_MIN/MAX, small, random. */
static u64 edge_value(struct kt_rng *r)
{
	static const u64 edges[] = {
		0, 1, 2, 0xffffffffffffffffull, 0x8000000000000000ull, 0x7fffffffffffffffull,
		0x80000000ull, 0x7fffffffull, 0xffffffffull, 63, 64, 32, 31,
	};

	switch (rnd(r, 3)) {
	case 0:
		return edges[rnd(r, ARRAY_SIZE(edges))];
	case 1:
		return rnd(r, 256);
	default:
		return kt_rand(r);
	}
}

struct unit {
	struct bpf_insn insn[MAX_UNIT];
	u32 n;
	u32 skip_units;		/* >0: a conditional jump over that many units */
	u32 call_fn;		/* >0: starts with a bpf-to-bpf call to that function */
	bool fn_start;		/* first unit of a function */
};

static void put(struct unit *u, struct bpf_insn insn)
{
	u->insn[u->n++] = insn;
}

static void put2(struct unit *u, struct bpf_insn a, struct bpf_insn b)
{
	put(u, a);
	put(u, b);
}

static u8 scalar_reg(struct kt_rng *r)
{
	return (u8)rnd(r, 10);	/* R0-R9: all scalars */
}

static void gen_alu(struct kt_rng *r, struct unit *u)
{
	static const u8 ops[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_OR, BPF_AND,
				  BPF_XOR, BPF_LSH, BPF_RSH, BPF_ARSH, BPF_MOV, BPF_NEG, BPF_END };
	u8 op = ops[rnd(r, ARRAY_SIZE(ops))];
	u8 cls = rnd(r, 2) ? BPF_ALU64 : BPF_ALU;
	u8 dst = scalar_reg(r), src = scalar_reg(r);
	s32 imm = (s32)edge_value(r);

	if (op == BPF_NEG) {
		put(u, KI_RAW(cls | BPF_NEG | BPF_K, dst, 0, 0, 0));
		return;
	}
	if (op == BPF_END) {
		static const s32 w[] = { 16, 32, 64 };

		put(u, KI_RAW(BPF_ALU | BPF_END | (rnd(r, 2) ? BPF_TO_BE : BPF_TO_LE), dst, 0, 0,
			      w[rnd(r, 3)]));
		return;
	}
	if (rnd(r, 2)) {
		put(u, KI_RAW(cls | op | BPF_X, dst, src, 0, 0));
		return;
	}
	if ((op == BPF_DIV || op == BPF_MOD) && imm == 0)
		imm = 3;
	if (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)
		imm = (s32)((u32)imm % (cls == BPF_ALU64 ? 64 : 32));
	put(u, KI_RAW(cls | op | BPF_K, dst, 0, 0, imm));
}

static const u8 sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };

static s16 stack_off(struct kt_rng *r, u32 size)
{
	/* aligned, inside [fp-64, fp) */
	return (s16)(-(s32)(size * (1 + rnd(r, STACK_BYTES / size))));
}

static void gen_mem(struct kt_rng *r, struct unit *u)
{
	u8 sz = sizes[rnd(r, 4)];
	u32 bytes = sz == BPF_B ? 1 : sz == BPF_H ? 2 : sz == BPF_W ? 4 : 8;
	s16 off = stack_off(r, bytes);

	switch (rnd(r, 4)) {
	case 0:
		put(u, KI_LDX_MEM(sz, scalar_reg(r), BPF_REG_10, off));
		return;
	case 1:
		put(u, KI_STX_MEM(sz, BPF_REG_10, scalar_reg(r), off));
		return;
	case 2:
		put(u, KI_ST_MEM(sz, BPF_REG_10, off, (s32)edge_value(r)));
		return;
	default: {
		static const s32 ops[] = { BPF_ADD, BPF_AND, BPF_OR, BPF_XOR, BPF_ADD | BPF_FETCH,
					   BPF_AND | BPF_FETCH, BPF_OR | BPF_FETCH,
					   BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG };
		u8 asz = rnd(r, 2) ? BPF_DW : BPF_W;

		put(u, KI_ATOMIC(asz, ops[rnd(r, ARRAY_SIZE(ops))], BPF_REG_10, scalar_reg(r),
				 stack_off(r, asz == BPF_DW ? 8 : 4)));
		return;
	}
	}
}

static void reinit_args(struct kt_rng *r, struct unit *u)
{
	u8 i;

	for (i = BPF_REG_1; i <= BPF_REG_5; i++)
		put(u, KI_MOV64_IMM(i, (s32)edge_value(r)));
}

static void gen_call(struct kt_rng *r, struct unit *u, bool may_branch)
{
	put(u, KI_ST_MEM(BPF_W, BPF_REG_10, KEY_OFF, (s32)rnd(r, 5)));	/* 4 = out of range */
	put2(u, KI_LD_MAP_FD(BPF_REG_1, KT_PROGEN_MAP_FD));
	put(u, KI_MOV64_REG(BPF_REG_2, BPF_REG_10));
	put(u, KI_ALU64_IMM(BPF_ADD, BPF_REG_2, KEY_OFF));
	if (!may_branch || rnd(r, 2)) {
		put(u, KI_MOV64_REG(BPF_REG_3, BPF_REG_10));
		put(u, KI_ALU64_IMM(BPF_ADD, BPF_REG_3, -8 * (1 + (s32)rnd(r, 8))));
		put(u, KI_MOV64_IMM(BPF_REG_4, BPF_ANY));
		put(u, KI_CALL(BPF_FUNC_map_update_elem));
	} else {
		put(u, KI_CALL(BPF_FUNC_map_lookup_elem));
		put(u, KI_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1));
		put(u, KI_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0));
	}
	reinit_args(r, u);
}

static void gen_jump(struct kt_rng *r, struct unit *u, u32 units_left)
{
	static const u8 ops[] = { BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE, BPF_JSET,
				  BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE };
	u8 cls = rnd(r, 2) ? BPF_JMP : BPF_JMP32;
	u8 op = ops[rnd(r, ARRAY_SIZE(ops))];

	if (rnd(r, 2))
		put(u, KI_RAW(cls | op | BPF_X, scalar_reg(r), scalar_reg(r), 0, 0));
	else
		put(u, KI_RAW(cls | op | BPF_K, scalar_reg(r), 0, 0, (s32)edge_value(r)));
	u->skip_units = 1 + rnd(r, min(units_left, 3u));
}

/* A bpf-to-bpf call to function fn (resolved at layout), then fresh args. */
static void gen_pseudo_call(struct kt_rng *r, struct unit *u, u32 fn)
{
	u->call_fn = fn;
	put(u, KI_RAW(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0));
	reinit_args(r, u);
}

/* Function fn's units: prelude, body, exit. Returns the new unit count. */
static u32 gen_function(struct kt_rng *r, struct unit *us, u32 nu, u32 fn, u32 nfn,
			u32 units, u32 *jumps)
{
	u32 i, first = nu;
	s32 off;

	if (fn == 0) {
		/* Unknown scalars from the context, known ones, the stack. */
		put(&us[nu], KI_LDX_MEM(BPF_W, BPF_REG_6, BPF_REG_1, offsetof(struct __sk_buff, len)));
		put(&us[nu], KI_LDX_MEM(BPF_W, BPF_REG_7, BPF_REG_1, offsetof(struct __sk_buff, mark)));
		put(&us[nu], KI_LDX_MEM(BPF_W, BPF_REG_8, BPF_REG_1, offsetof(struct __sk_buff, cb[0])));
		put(&us[nu], KI_LDX_MEM(BPF_W, BPF_REG_9, BPF_REG_1,
					offsetof(struct __sk_buff, priority)));
		put2(&us[nu], KI_LD_IMM64(BPF_REG_0, kt_rand(r)));
		reinit_args(r, &us[nu]);
	} else {
		/* A callee has R1-R5 as arguments; it sets up the rest itself. */
		u8 reg;

		put(&us[nu], KI_MOV64_IMM(BPF_REG_0, (s32)edge_value(r)));
		for (reg = BPF_REG_6; reg <= BPF_REG_9; reg++)
			put(&us[nu], KI_MOV64_REG(reg, (u8)(BPF_REG_1 + rnd(r, 5))));
	}
	nu++;
	for (off = -8; off >= -STACK_BYTES; off -= 8)
		put(&us[nu], KI_ST_MEM(BPF_DW, BPF_REG_10, (s16)off, (s32)edge_value(r)));
	nu++;
	/* Every function is called at least once, so none is unreachable. */
	if (fn + 1 < nfn)
		gen_pseudo_call(r, &us[nu++], fn + 1);
	for (i = 0; i < units; i++) {
		struct unit *u = &us[nu++];
		u32 kind = rnd(r, 21);

		if (kind < 11)
			gen_alu(r, u);
		else if (kind < 16)
			gen_mem(r, u);
		else if (kind < 18 && *jumps < MAX_JUMPS && i + 1 < units)
			gen_jump(r, u, units - i - 1), (*jumps)++;
		else if (kind < 20)
			gen_call(r, u, *jumps < MAX_JUMPS), (*jumps)++;
		else if (fn + 1 < nfn && *jumps < MAX_JUMPS)
			/* a second call re-walks the callee: count it as branching */
			gen_pseudo_call(r, u, fn + 1 + rnd(r, nfn - fn - 1)), *jumps += 2;
		if (!u->n)
			gen_alu(r, u);
	}
	put(&us[nu++], KI_EXIT());
	us[first].fn_start = true;
	return nu;
}

u32 kt_progen(u64 seed, u32 units, struct bpf_insn *out, u32 max)
{
	static struct unit us[MAX_UNITS + 5 * MAX_FUNCS];
	struct kt_rng r = { seed };
	u32 fn_start[MAX_FUNCS], nfn, fn, nu = 0, i, n = 0, jumps = 0, cur_fn = 0;

	if (units > MAX_UNITS)
		units = MAX_UNITS;
	memset(us, 0, sizeof(us));
	nfn = 1 + rnd(&r, MAX_FUNCS);
	for (fn = 0; fn < nfn; fn++)
		nu = gen_function(&r, us, nu, fn, nfn, fn ? units / 4 : units, &jumps);

	/* Lay out; jumps skip whole units and never leave their function. */
	for (i = 0; i < nu; i++) {
		if (n + us[i].n > max)
			return 0;
		if (us[i].fn_start)
			fn_start[cur_fn++] = n;
		memcpy(&out[n], us[i].insn, us[i].n * sizeof(struct bpf_insn));
		n += us[i].n;
		if (us[i].skip_units) {
			u32 k, skip = 0;

			/* stop before the function's exit unit */
			for (k = i + 1; k <= i + us[i].skip_units &&
			     !(us[k].n == 1 && us[k].insn[0].code == (BPF_JMP | BPF_EXIT)); k++)
				skip += us[k].n;
			out[n - 1].off = (s16)skip;
		}
	}
	/* Resolve bpf-to-bpf calls now that every function has its place. */
	for (i = 0, n = 0; i < nu; i++) {
		if (us[i].call_fn)
			out[n].imm = (s32)fn_start[us[i].call_fn] - (s32)(n + 1);
		n += us[i].n;
	}
	return n;
}
