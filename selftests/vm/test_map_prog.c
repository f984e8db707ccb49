// SPDX-License-Identifier: GPL-2.0
/*
 * map_prog_update_delete: map_update_elem, map_delete_elem and
 * map_lookup_elem called by a program (not the syscall) on HASH (both
 * allocation modes), PERCPU_HASH and LPM_TRIE, with kbpf's JIT (which
 * calls the map family's own helper wrapper directly, ops->*_helper) and
 * its interpreter (the generic helpers). A seeded sequence of operations
 * with every flag (BPF_ANY, BPF_NOEXIST, BPF_EXIST, an unknown flag,
 * BPF_F_LOCK), absent keys, a full map and, for LPM, prefix lengths past
 * the key: every retval, including the upper half of the helper's result
 * (6.1 hands map op errors over zero-extended), then every key's final
 * value read back with the syscall, must equal the guest kernel's.
 *
 * The program reads its operation from __sk_buff.cb[]: cb[0] op (0 update,
 * 1 delete, 2 lookup), cb[1] and cb[4] the key (for LPM: the address and
 * the prefix length), cb[2] the value, cb[3] the flags. It returns
 * r0 ^ (r0 >> 32) of update/delete, and the value's low 32 bits (or
 * LOOKUP_MISS) of a lookup. The process is pinned to one CPU so that
 * PERCPU_HASH's program-side values land in one known slot.
 *
 * LRU types are left out: Linux evicts from small LRU maps before they are
 * full (per-CPU free-list batches), kbpf does not, so results differ by
 * design; bench_vm's lru_update checks LRU program updates instead.
 */
#define _GNU_SOURCE
#include <sched.h>
#include "kbpf_test.h"

#define MP_OPS		110	/* program operations per map, per mode */
#define MP_MAX		4	/* max_entries: the sequence fills them */
#define MP_ADDRS	5	/* cb[1] in 0..MP_ADDRS-1 (x 0x01010101 for LPM) */
#define LOOKUP_MISS	0xdeadu
#define SKB_CB(i)	((int)offsetof(struct __sk_buff, cb[i]))

enum { OP_UPDATE, OP_DELETE, OP_LOOKUP };

struct mp_map {
	const char *name;
	__u32 type, flags;
};

static const struct mp_map mp_maps[] = {
	{ "HASH", BPF_MAP_TYPE_HASH, 0 },
	{ "HASH no_prealloc", BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC },
	{ "PERCPU_HASH", BPF_MAP_TYPE_PERCPU_HASH, 0 },
	{ "LPM_TRIE", BPF_MAP_TYPE_LPM_TRIE, BPF_F_NO_PREALLOC },
};

/* cb[4] (LPM: prefix length; 33 is past the 4-byte key, -EINVAL) */
static const __u32 mp_plens[] = { 8, 16, 24, 32, 33 };
/* cb[3]: BPF_ANY, BPF_NOEXIST, BPF_EXIST, unknown, BPF_F_LOCK */
static const __u32 mp_flags[] = { BPF_ANY, BPF_NOEXIST, BPF_EXIST, 3, BPF_F_LOCK };

static int mp_load(const struct backend *b, int map_fd)
{
	struct bpf_insn p[] = {
		MOV64_REG(BPF_REG_6, BPF_REG_1),
		LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_6, SKB_CB(4)),
		STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, -8),	/* key: cb[4], cb[1] */
		LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_6, SKB_CB(1)),
		STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, -4),
		LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_6, SKB_CB(2)),
		STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -16),	/* value: cb[2] */
		LDX_MEM(BPF_W, BPF_REG_7, BPF_REG_6, SKB_CB(0)),
		LD_MAP_FD(BPF_REG_1, map_fd),
		MOV64_REG(BPF_REG_2, BPF_REG_10),
		ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		JMP_IMM(BPF_JEQ, BPF_REG_7, OP_DELETE, 9),
		JMP_IMM(BPF_JEQ, BPF_REG_7, OP_LOOKUP, 10),
		/* update */
		MOV64_REG(BPF_REG_3, BPF_REG_10),
		ALU64_IMM(BPF_ADD, BPF_REG_3, -16),
		LDX_MEM(BPF_W, BPF_REG_4, BPF_REG_6, SKB_CB(3)),
		CALL(BPF_FUNC_map_update_elem),
		/* fold: r0 ^ (r0 >> 32) */
		MOV64_REG(BPF_REG_1, BPF_REG_0),
		ALU64_IMM(BPF_RSH, BPF_REG_1, 32),
		ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_1),
		EXIT_INSN(),
		/* delete */
		CALL(BPF_FUNC_map_delete_elem),
		JA(-6),						/* -> fold */
		/* lookup */
		CALL(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),
		MOV64_IMM(BPF_REG_0, LOOKUP_MISS),
		EXIT_INSN(),
		LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_0, 0),
		EXIT_INSN(),
	};

	return b_prog_load(b, BPF_PROG_TYPE_SOCKET_FILTER, p, ARRAY_SIZE(p), "GPL",
			   NULL, 0, "mp_ops");
}

static __u32 mp_rand(__u32 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* The key's address half: LPM wants distinct prefixes, hashes any bytes. */
static __u32 mp_addr(__u32 i)
{
	return i * 0x01010101u;
}

static void mp_seq(const struct backend *b, struct trace *t, const struct mp_map *m)
{
	static const char *const op_name[] = { "update", "delete", "lookup" };
	int ncpu = kt_possible_cpus(), map_fd, prog_fd, i, r;
	__u64 val[KT_MAX_CPUS];
	unsigned char pkt[64];
	__u32 seed = 0x2545f491u ^ m->type ^ m->flags, a, p;

	memset(pkt, 0, sizeof(pkt));
	pkt[12] = 0x08;				/* IPv4 */
	map_fd = b_map_create(b, m->type, 8, 8, MP_MAX, m->flags, "mp");
	tr(t, map_fd, 0, "%s: create", m->name);
	if (map_fd < 0)
		return;
	prog_fd = mp_load(b, map_fd);
	tr(t, prog_fd, 0, "%s: load", m->name);
	if (prog_fd < 0)
		goto out_map;
	for (i = 0; i < MP_OPS; i++) {
		struct __sk_buff ctx;
		struct run_opts o;
		__u32 op = mp_rand(&seed) % 3;

		memset(&ctx, 0, sizeof(ctx));
		ctx.cb[0] = op;
		ctx.cb[1] = mp_addr(mp_rand(&seed) % MP_ADDRS);
		ctx.cb[2] = mp_rand(&seed);
		ctx.cb[3] = mp_flags[mp_rand(&seed) % 8 % ARRAY_SIZE(mp_flags)];
		ctx.cb[4] = mp_plens[mp_rand(&seed) % ARRAY_SIZE(mp_plens)];
		memset(&o, 0, sizeof(o));
		o.data = pkt;
		o.data_size = sizeof(pkt);
		o.ctx = &ctx;
		o.ctx_size = sizeof(ctx);
		r = b_test_run(b, prog_fd, &o);
		tr(t, r, o.retval, "%s: %d %s key %u/%#x flags %u", m->name, i, op_name[op],
		   ctx.cb[4], ctx.cb[1], ctx.cb[3]);
	}
	/* every key of the sequence's universe, as the syscall sees it */
	for (a = 0; a < MP_ADDRS; a++)
		for (p = 0; p < ARRAY_SIZE(mp_plens); p++) {
			__u32 key[2] = { mp_plens[p], mp_addr(a) };
			unsigned long long h = 0;
			int c;

			memset(val, 0, sizeof(val));
			r = b_map_lookup(b, map_fd, key, val);
			for (c = 0; r >= 0 && c < (m->type == BPF_MAP_TYPE_PERCPU_HASH ? ncpu : 1); c++)
				h = h * 1000003 ^ val[c];
			tr(t, r, h, "%s: final key %u/%#x", m->name, key[0], key[1]);
		}
	close(prog_fd);
out_map:
	close(map_fd);
}

static void mp_run(const char *mode, const char *jit_enable)
{
	static struct trace t[2];
	size_t i;
	int k;

	for (i = 0; i < ARRAY_SIZE(mp_maps); i++) {
		for (k = 0; k < 2; k++) {
			memset(&t[k], 0, sizeof(t[k]));
			if (k == 0 && jit_enable)
				REQUIRE(!kt_set_param("jit_enable", jit_enable),
					"cannot set kbpf.jit_enable=%s", jit_enable);
			mp_seq(backends[k], &t[k], &mp_maps[i]);
		}
		kt_info("%s, %s:", mp_maps[i].name, mode);
		compare_traces(&t[0], &t[1]);
	}
}

void test_map_prog_update_delete(void)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	REQUIRE(!sched_setaffinity(0, sizeof(one), &one), "pin to CPU 0: %s", strerror(errno));
	if (kt_kernel_as_kbpf) {
		mp_run("kernel", NULL);
		return;
	}
	mp_run("kbpf JIT", "1");
	mp_run("kbpf interpreter", "0");
	kt_set_param("jit_enable", "1");
}
