// SPDX-License-Identifier: GPL-2.0
/*
 * Soundness of the scalar domain, property-tested: abstract values are built
 * from sets of concrete values (edge-heavy); every transfer function applied
 * to members must give members of its abstract result, every refinement must
 * keep the members that satisfy the condition, and every "branch settled"
 * answer must agree with the concrete comparison.
 *   KT_BOUNDS_ROUNDS=N   rounds per property (default 20000)
 */
#include "verifier.h"
#include "harness.h"
#include "progen.h"
#include "../../jit/ops.h"

#define SET 4	/* concrete values behind one abstract value */

static u64 pick(struct kt_rng *r)
{
	static const u64 edges[] = {
		0, 1, 2, 3, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0xffff, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
		0xfffffffffffffffeull, 0xffffffffffffffffull,
	};
	u64 v = kt_rand(r);

	switch (v % 5) {
	case 0: return edges[(v >> 8) % ARRAY_SIZE(edges)];
	case 1: return (v >> 8) % 64;
	case 2: return -((v >> 8) % 64);
	case 3: return edges[(v >> 8) % ARRAY_SIZE(edges)] + ((v >> 16) % 5) - 2;
	default: return kt_rand(r);
	}
}

/* The tightest abstract value of {vals} in our domain. */
static void abstract(struct kbpf_reg *reg, const u64 *vals, u32 n)
{
	u64 and = ~0ull, or = 0;
	u32 i;

	kbpf_mark_known(reg, vals[0]);
	for (i = 0; i < n; i++) {
		u64 v = vals[i];

		and &= v;
		or |= v;
		reg->umin = min(reg->umin, v);
		reg->umax = max(reg->umax, v);
		reg->smin = min(reg->smin, (s64)v);
		reg->smax = max(reg->smax, (s64)v);
		reg->u32_min = min(reg->u32_min, (u32)v);
		reg->u32_max = max(reg->u32_max, (u32)v);
		reg->s32_min = min(reg->s32_min, (s32)v);
		reg->s32_max = max(reg->s32_max, (s32)v);
	}
	reg->var_off = KBPF_TNUM(and, and ^ or);
	kbpf_reg_sync(reg);
}

static bool member(const struct kbpf_reg *r, u64 v)
{
	return kbpf_tnum_in(r->var_off, kbpf_tnum_const(v)) && v >= r->umin && v <= r->umax &&
	       (s64)v >= r->smin && (s64)v <= r->smax && (u32)v >= r->u32_min &&
	       (u32)v <= r->u32_max && (s32)v >= r->s32_min && (s32)v <= r->s32_max;
}

static void gen(struct kt_rng *r, u64 *vals, struct kbpf_reg *reg)
{
	u32 i, n = 1 + (u32)(kt_rand(r) % SET);

	for (i = 0; i < n; i++)
		vals[i] = pick(r);
	for (; i < SET; i++)
		vals[i] = vals[i % n];
	abstract(reg, vals, n);
}

static u64 rounds(void)
{
	const char *v = getenv("KT_BOUNDS_ROUNDS");

	return v ? strtoull(v, NULL, 0) : 20000;
}

static const u8 alu_ops[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_OR, BPF_AND,
			      BPF_XOR, BPF_LSH, BPF_RSH, BPF_ARSH };

static int test_alu_sound(void)
{
	struct kt_rng r = { 42 };
	u64 n = rounds(), k;

	for (k = 0; k < n; k++) {
		u64 a[SET], b[SET];
		struct kbpf_reg ra, rb, res;
		u8 op = alu_ops[kt_rand(&r) % ARRAY_SIZE(alu_ops)];
		bool is64 = kt_rand(&r) & 1;
		u32 i, j;

		gen(&r, a, &ra);
		gen(&r, b, &rb);
		if (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) {
			/* shifts: only constant in-range counts reach the domain */
			u64 c = kt_rand(&r) % (is64 ? 64 : 32);

			for (i = 0; i < SET; i++)
				b[i] = c;
			kbpf_mark_known(&rb, c);
		}
		res = ra;
		kbpf_scalar_alu(&res, &rb, op, is64);
		for (i = 0; i < SET; i++)
			for (j = 0; j < SET; j++) {
				u64 v = kbpf_alu(op, is64, a[i], b[j]);

				KT_EXPECT(member(&res, v),
					  "op %#x %s: %#llx op %#llx = %#llx not in result (var_off %#llx/%#llx, u [%#llx, %#llx], s [%lld, %lld])",
					  op, is64 ? "64" : "32", (unsigned long long)a[i],
					  (unsigned long long)b[j], (unsigned long long)v,
					  (unsigned long long)res.var_off.value,
					  (unsigned long long)res.var_off.mask,
					  (unsigned long long)res.umin, (unsigned long long)res.umax,
					  (long long)res.smin, (long long)res.smax);
			}
	}
	return 0;
}

static int test_unary_sound(void)
{
	struct kt_rng r = { 7 };
	u64 n = rounds(), k;

	for (k = 0; k < n; k++) {
		u64 a[SET];
		struct kbpf_reg ra, res;
		u32 i, kind = (u32)(kt_rand(&r) % 5);
		static const s32 bits[] = { 16, 32, 64 };
		s32 w = bits[kt_rand(&r) % 3];
		bool to_be = kt_rand(&r) & 1;

		gen(&r, a, &ra);
		res = ra;
		if (kind == 0)
			kbpf_scalar_unary(&res, BPF_NEG, true, false, 0);
		else if (kind == 1)
			kbpf_scalar_unary(&res, BPF_NEG, false, false, 0);
		else if (kind == 2)
			kbpf_scalar_mov32(&res, &ra);
		else
			kbpf_scalar_unary(&res, BPF_END, false, to_be, w);
		for (i = 0; i < SET; i++) {
			u64 v = kind == 0 ? -a[i] : kind == 1 ? (u32)-(u32)a[i] :
				kind == 2 ? (u32)a[i] : kbpf_endian(to_be, w, a[i]);

			KT_EXPECT(member(&res, v), "unary kind %u: %#llx -> %#llx not in result", kind,
				  (unsigned long long)a[i], (unsigned long long)v);
		}
	}
	return 0;
}

static const u8 jmp_ops[] = { BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE, BPF_JSET,
			      BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE };

static int test_branch_sound(void)
{
	struct kt_rng r = { 99 };
	u64 n = rounds(), k;

	for (k = 0; k < n; k++) {
		u64 a[SET], b[SET];
		struct kbpf_reg ra, rb, td, ts, fd, fs;
		u8 op = jmp_ops[kt_rand(&r) % ARRAY_SIZE(jmp_ops)];
		bool is32 = kt_rand(&r) & 1, t_ok, f_ok;
		int taken;
		u32 i, j;

		gen(&r, a, &ra);
		gen(&r, b, &rb);
		taken = kbpf_branch_taken(&ra, &rb, op, is32);
		td = fd = ra;
		ts = fs = rb;
		kbpf_branch_refine(&td, &ts, &fd, &fs, op, is32, &t_ok, &f_ok);
		for (i = 0; i < SET; i++)
			for (j = 0; j < SET; j++) {
				bool c = kbpf_jmp_taken(op, is32, a[i], b[j]);

				KT_EXPECT(taken < 0 || taken == c,
					  "op %#x%s: %#llx vs %#llx is %d, predicted %d", op,
					  is32 ? "/32" : "", (unsigned long long)a[i],
					  (unsigned long long)b[j], c, taken);
				if (c) {
					KT_EXPECT(t_ok && member(&td, a[i]) && member(&ts, b[j]),
						  "op %#x%s taken arm lost %#llx vs %#llx", op,
						  is32 ? "/32" : "", (unsigned long long)a[i],
						  (unsigned long long)b[j]);
				} else {
					KT_EXPECT(f_ok && member(&fd, a[i]) && member(&fs, b[j]),
						  "op %#x%s fall arm lost %#llx vs %#llx", op,
						  is32 ? "/32" : "", (unsigned long long)a[i],
						  (unsigned long long)b[j]);
				}
			}
	}
	return 0;
}

/* The domain is not trivially sound: constants and simple facts stay exact. */
static int test_precision_spot_checks(void)
{
	struct kbpf_reg a, b;
	bool t_ok, f_ok;
	struct kbpf_reg td, ts, fd, fs;

	kbpf_mark_unknown(&a);
	kbpf_mark_known(&b, 0xff);
	kbpf_scalar_alu(&a, &b, BPF_AND, true);
	KT_EXPECT(a.umax == 0xff && a.umin == 0 && a.smin == 0, "x & 0xff: u [%llu, %llu]",
		  (unsigned long long)a.umin, (unsigned long long)a.umax);
	kbpf_mark_unknown(&a);
	kbpf_mark_known(&b, 10);
	td = fd = a;
	ts = fs = b;
	kbpf_branch_refine(&td, &ts, &fd, &fs, BPF_JLT, false, &t_ok, &f_ok);
	KT_EXPECT(t_ok && f_ok && td.umax == 9 && fd.umin == 10, "x < 10: taken umax %llu, fall umin %llu",
		  (unsigned long long)td.umax, (unsigned long long)fd.umin);
	kbpf_mark_known(&a, 5);
	kbpf_mark_known(&b, 3);
	kbpf_scalar_alu(&a, &b, BPF_MUL, true);
	KT_EXPECT(kbpf_reg_is_const(&a) && a.var_off.value == 15, "5 * 3");
	return 0;
}

static void all(void)
{
	kt_run("bounds/alu_sound", test_alu_sound);
	kt_run("bounds/unary_sound", test_unary_sound);
	kt_run("bounds/branch_sound", test_branch_sound);
	kt_run("bounds/precision_spot_checks", test_precision_spot_checks);
}

int main(int argc, char **argv)
{
	return kt_main(argc, argv, all);
}
