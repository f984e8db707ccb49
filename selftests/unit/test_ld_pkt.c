// SPDX-License-Identifier: GPL-2.0
/*
 * LD_ABS / LD_IND in both backends, at and around every boundary: sizes
 * 1, 2 and 4; offsets inside, at the end of and just past the packet;
 * the negative SKF_NET_OFF / SKF_LL_OFF bases; 32-bit wrap of src + imm;
 * socket-filter contexts (offset 0 = network header) and TC contexts
 * (offset 0 = L2). The JIT inlines the common case and calls out for the
 * rest, so each case checks JIT, interpreter and the model below agree.
 */
#include <linux/filter.h>
#include "jitrun.h"
#include "kbpf_insn.h"

#define PKT_BYTES	64
#define MAC_BYTES	14
#define HIT_TAG		(1ull << 40)	/* added to r0 after a load that hit */

static u8 pkt[PKT_BYTES];

struct ld_case {
	bool ind;
	u64 src;		/* LD_IND's source register */
	s32 imm;
};

/* What a load must give: the packet bytes in network order, or a miss. */
static bool model(bool tc, s32 off, u32 size, u64 *val)
{
	const u8 *base;
	s64 rel;
	u32 avail, i;

	if (off >= 0) {
		base = tc ? pkt : pkt + MAC_BYTES;
		avail = tc ? PKT_BYTES : PKT_BYTES - MAC_BYTES;
		rel = off;
	} else if (off >= SKF_NET_OFF) {
		base = pkt + MAC_BYTES;
		avail = PKT_BYTES - MAC_BYTES;
		rel = (s64)off - SKF_NET_OFF;
	} else if (off >= SKF_LL_OFF) {
		base = pkt;
		avail = PKT_BYTES;
		rel = (s64)off - SKF_LL_OFF;
	} else {
		return false;
	}
	if (rel + size > avail)
		return false;
	*val = 0;
	for (i = 0; i < size; i++)
		*val = (*val << 8) | base[rel + i];
	return true;
}

static void fill_ctx(struct kbpf_skb_ctx *c, bool tc)
{
	memset(c, 0, sizeof(*c));
	c->mac = pkt;
	c->net = pkt + MAC_BYTES;
	c->mac_len = MAC_BYTES;
	c->net_len = PKT_BYTES - MAC_BYTES;
	c->skb.len = tc ? PKT_BYTES : PKT_BYTES - MAC_BYTES;
	if (tc) {
		c->data = (u64)(uintptr_t)pkt;
		c->data_end = c->data + PKT_BYTES;
	}
}

static int run_one(const struct ld_case *c, u32 size)
{
	u8 sz = size == 1 ? BPF_B : size == 2 ? BPF_H : BPF_W;
	struct bpf_insn prog[] = {
		KI_MOV64_REG(BPF_REG_6, BPF_REG_1),
		KI_LD_IMM64(BPF_REG_7, c->src),
		c->ind ? KI_LD_IND(sz, BPF_REG_7, c->imm) : KI_LD_ABS(sz, c->imm),
		KI_LD_IMM64(BPF_REG_1, HIT_TAG),
		KI_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		KI_EXIT(),
	};
	s32 off = c->ind ? (s32)((u32)c->src + (u32)c->imm) : c->imm;
	struct kbpf_skb_ctx ctx;
	char log[4096];
	struct kt_jit j;
	u64 want, got;
	int tc, err;

	err = kt_verify(prog, ARRAY_SIZE(prog), log, sizeof(log));
	KT_EXPECT(!err, "verify %d: %s", err, log);
	err = kt_jit_load(&j, prog, ARRAY_SIZE(prog), 0, false, 0);
	KT_EXPECT(!err, "jit %d", err);
	for (tc = 0; tc < 2; tc++) {
		if (!model(tc, off, size, &want))
			want = 0;
		else
			want += HIT_TAG;
		fill_ctx(&ctx, tc);
		got = kbpf_interp_run(prog, kt_helpers, &ctx);
		if (got != want)
			break;
		got = j.fn(&ctx);
		if (got != want)
			break;
	}
	kt_jit_unload(&j);
	KT_EXPECT(tc == 2, "%s size %u off %d (%s ctx): got %#llx, want %#llx",
		  c->ind ? "LD_IND" : "LD_ABS", size, off, tc ? "tc" : "socket filter",
		  (unsigned long long)got, (unsigned long long)want);
	return 0;
}

static const struct ld_case cases[] = {
	{ false, 0, 0 }, { false, 0, 1 }, { false, 0, 46 }, { false, 0, 47 },
	{ false, 0, 48 }, { false, 0, 49 }, { false, 0, 50 }, { false, 0, 60 },
	{ false, 0, 62 }, { false, 0, 63 }, { false, 0, 64 },
	{ false, 0, 0x7ffffffb }, { false, 0, 0x7fffffff }, { false, 0, -1 },
	{ false, 0, SKF_NET_OFF }, { false, 0, SKF_NET_OFF + 46 },
	{ false, 0, SKF_NET_OFF + 49 }, { false, 0, SKF_NET_OFF - 1 },
	{ false, 0, SKF_LL_OFF }, { false, 0, SKF_LL_OFF + 13 },
	{ false, 0, SKF_LL_OFF + 60 }, { false, 0, SKF_LL_OFF + 63 },
	{ false, 0, SKF_LL_OFF - 1 }, { false, 0, INT32_MIN },
	{ true, 0, 0 }, { true, 10, 3 }, { true, 46, 0 }, { true, 47, 0 },
	{ true, 48, 1 }, { true, 49, 0 }, { true, 62, 0 }, { true, 64, 0 },
	{ true, 0xffffffffull, 1 }, { true, 0xffffffffull, 0 },
	{ true, 0x100000005ull, 0 }, { true, 5, -3 }, { true, 3, -5 },
	{ true, 0x7fffffff, 0x7fffffff }, { true, (u32)SKF_NET_OFF, 2 },
	{ true, (u32)SKF_LL_OFF, 12 }, { true, 0x80000000ull, 0 },
	{ true, 0xfffffff0ull, 0x20 },
};

static int run_case(const void *arg)
{
	u32 size;

	for (size = 1; size <= 4; size *= 2)
		if (run_one(arg, size))
			return -1;
	return 0;
}

static void all(void)
{
	char name[96];
	size_t i;

	for (i = 0; i < PKT_BYTES; i++)
		pkt[i] = (u8)(i * 37 + 11);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(name, sizeof(name), "ld_pkt/%s_%llx%+d", cases[i].ind ? "ind" : "abs",
			 (unsigned long long)cases[i].src, cases[i].imm);
		kt_run_arg(name, run_case, &cases[i]);
	}
}

int main(int argc, char **argv)
{
	return kt_main(argc, argv, all);
}
