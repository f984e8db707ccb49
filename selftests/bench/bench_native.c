// SPDX-License-Identifier: GPL-2.0
/*
 * bench_native: real time on this machine for each benchmark program, run by
 * kbpf's JIT, by kbpf's interpreter, and as the same logic in C (gcc -O2).
 * The portable core is built for this binary with -O2 and no sanitizers.
 *
 * Each variant is timed in batches sized to about KB_BATCH_NS, the three
 * variants taking turns; the best of KB_ROUNDS batches is reported (ns per
 * run). Exit status is non-zero only if
 * something failed to load or the three variants disagree on a result; the
 * times themselves are never judged.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <sys/mman.h>
#include "kbpf_core.h"
#include "kbpf_jit.h"
#include "programs.h"

#define KB_BATCH_NS	10000000ull	/* 10 ms per timed batch */
#define KB_ROUNDS	11

/* ---- a small HASH map for the helpers (open addressing) ---------------- */

struct nb_map {
	struct kbpf_map_desc desc;	/* first: the core points at this */
	u32 nbuckets;			/* power of two */
	u32 *keys;
	u64 *values;
	u8 *used;
};

static struct nb_map nb_map;

static u32 nb_hash(u32 k)
{
	k ^= k >> 16;
	k *= 0x7feb352d;
	k ^= k >> 15;
	k *= 0x846ca68b;
	k ^= k >> 16;
	return k;
}

static void *nb_lookup(void *map, const void *key)
{
	struct nb_map *m = map;
	u32 k, i;

	memcpy(&k, key, sizeof(k));
	for (i = nb_hash(k) & (m->nbuckets - 1); m->used[i]; i = (i + 1) & (m->nbuckets - 1))
		if (m->keys[i] == k)
			return &m->values[i];
	return NULL;
}

static int nb_update(struct nb_map *m, u32 k, u64 v)
{
	u32 i, n;

	for (i = nb_hash(k) & (m->nbuckets - 1), n = 0; n < m->nbuckets;
	     i = (i + 1) & (m->nbuckets - 1), n++) {
		if (!m->used[i] || m->keys[i] == k) {
			m->used[i] = 1;
			m->keys[i] = k;
			m->values[i] = v;
			return 0;
		}
	}
	return -E2BIG;
}

static u64 nb_lookup_fn(u64 map, u64 key, u64 a3, u64 a4, u64 a5)
{
	(void)a3; (void)a4; (void)a5;
	return (u64)(uintptr_t)nb_lookup((void *)(uintptr_t)map, (const void *)(uintptr_t)key);
}

static u64 nb_update_fn(u64 map, u64 key, u64 value, u64 flags, u64 a5)
{
	u32 k;
	u64 v;

	(void)flags; (void)a5;
	memcpy(&k, (const void *)(uintptr_t)key, 4);
	memcpy(&v, (const void *)(uintptr_t)value, 8);
	return (u64)(s64)nb_update((struct nb_map *)(uintptr_t)map, k, v);
}

static u64 nb_delete_fn(u64 map, u64 key, u64 a3, u64 a4, u64 a5)
{
	(void)map; (void)key; (void)a3; (void)a4; (void)a5;
	return (u64)-EINVAL;		/* the programs never delete */
}

static kbpf_helper_fn nb_helpers[KBPF_FUNC_MAX] = {
	[BPF_FUNC_map_lookup_elem] = nb_lookup_fn,
	[BPF_FUNC_map_update_elem] = nb_update_fn,
	[BPF_FUNC_map_delete_elem] = nb_delete_fn,
};

#define NB_MAP_FD 3
static int nb_map_from_fd(void *priv, s32 fd, const struct kbpf_map_desc **map)
{
	(void)priv;
	if (fd != NB_MAP_FD)
		return -EBADF;
	*map = &nb_map.desc;
	return 0;
}

static void nb_map_init(void)
{
	u32 k;

	nb_map.desc = (struct kbpf_map_desc){
		.map_type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8,
		.max_entries = KB_MAP_MAX,
	};
	nb_map.nbuckets = 2 * KB_MAP_MAX;
	nb_map.keys = calloc(nb_map.nbuckets, sizeof(u32));
	nb_map.values = calloc(nb_map.nbuckets, sizeof(u64));
	nb_map.used = calloc(nb_map.nbuckets, 1);
	if (!nb_map.keys || !nb_map.values || !nb_map.used) {
		perror("calloc");
		exit(1);
	}
	for (k = 0; k < KB_MAP_KEYS; k++)
		nb_update(&nb_map, k, kb_map_value(k));
}

/* ---- JIT into executable memory (as selftests/unit/jitrun.c) ------------- */

struct nb_jit {
	void *mem;
	u32 len;
	kbpf_jited_fn fn;
};

static int nb_jit_load(struct nb_jit *j, const struct bpf_insn *insns, u32 cnt,
		       const struct kbpf_subprog *subs, u32 sub_cnt, u32 stack_depth)
{
	struct kbpf_jit_attr attr = {
		.insns = insns, .insn_cnt = cnt, .subprogs = subs, .subprog_cnt = sub_cnt,
		.stack_depth = stack_depth, .helpers = nb_helpers, .far_calls = true,
		/* KBPF_BENCH_FENCE=1: the cost of spec_fence (spec_harden) */
		.spec_fence = getenv("KBPF_BENCH_FENCE") && atoi(getenv("KBPF_BENCH_FENCE")),
	};
	struct kbpf_jit_layout *layout = NULL;
	int err;

	memset(j, 0, sizeof(*j));
	err = kbpf_jit_size(&attr, &layout, &j->len);
	if (err)
		goto out;
	j->mem = mmap(NULL, j->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (j->mem == MAP_FAILED) {
		j->mem = NULL;
		err = -ENOMEM;
		goto out;
	}
	err = kbpf_jit_emit(&attr, layout, j->mem, j->len);
	if (!err && getenv("KBPF_BENCH_DUMP")) {	/* raw JIT bytes, for objdump */
		char path[64];
		FILE *f;

		snprintf(path, sizeof(path), "%s.%u.bin", getenv("KBPF_BENCH_DUMP"), j->len);
		f = fopen(path, "w");
		if (f) {
			fwrite(j->mem, 1, j->len, f);
			fclose(f);
		}
	}
	if (!err && mprotect(j->mem, j->len, PROT_READ | PROT_EXEC))
		err = -errno;
	if (err) {
		munmap(j->mem, j->len);
		j->mem = NULL;
		goto out;
	}
	j->fn = (kbpf_jited_fn)j->mem;
out:
	kbpf_jit_layout_free(layout);
	return err;
}

/* ---- timing --------------------------------------------------------------- */

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

enum { V_JIT, V_INTERP, V_C, V_N };
static const char *const v_name[V_N] = { "kbpf JIT", "kbpf interp", "C -O2" };

struct nb_run {
	int variant;
	const struct bpf_insn *insns;
	kbpf_jited_fn jit;
	uint32_t (*c_ref)(const struct kb_input *in);
	const struct kbpf_skb_ctx *ctx;
	const struct kb_input *in;
};

static volatile u32 nb_sink;

static u32 nb_once(const struct nb_run *r)
{
	switch (r->variant) {
	case V_JIT:
		return (u32)r->jit(&r->ctx->skb);
	case V_INTERP:
		return (u32)kbpf_interp_run(r->insns, nb_helpers, &r->ctx->skb);
	default:
		return r->c_ref(r->in);
	}
}

/* Runs of r that take about KB_BATCH_NS. */
static u64 nb_calibrate(const struct nb_run *r)
{
	u64 n = 1, t0, t, i;
	u32 acc = 0;

	for (;;) {
		t0 = now_ns();
		for (i = 0; i < n; i++)
			acc += nb_once(r);
		t = now_ns() - t0;
		if (t >= KB_BATCH_NS / 4 || n >= (1ull << 30))
			break;
		n *= 4;
	}
	nb_sink = acc;
	n = t ? n * KB_BATCH_NS / t : n;
	return n ? n : 1;
}

static u64 nb_batch(const struct nb_run *r, u64 n)
{
	u64 t0 = now_ns(), i;
	u32 acc = 0;

	for (i = 0; i < n; i++)
		acc += nb_once(r);
	nb_sink = acc;
	return now_ns() - t0;
}

/*
 * ns per run of each variant: the best of KB_ROUNDS batches, the variants
 * taking turns within a round, so that load from elsewhere on a shared
 * machine falls on all of them alike rather than on whichever ran then.
 */
static void nb_time(struct nb_run *r, double *out)
{
	u64 n[V_N], best[V_N], t;
	int round, v;

	for (v = 0; v < V_N; v++) {
		r->variant = v;
		n[v] = nb_calibrate(r);
		best[v] = ~0ull;
	}
	for (round = 0; round < KB_ROUNDS; round++) {
		for (v = 0; v < V_N; v++) {
			r->variant = v;
			t = nb_batch(r, n[v]);
			if (t < best[v])
				best[v] = t;
		}
	}
	for (v = 0; v < V_N; v++)
		out[v] = (double)best[v] / (double)n[v];
}

int main(void)
{
	static u8 pkt[KB_PKT_LEN];
	static struct bpf_insn insns[KB_MAX_INSNS];
	static struct kbpf_subprog subs[KBPF_MAX_SUBPROGS];
	struct kbpf_skb_ctx ctx;
	struct kb_input in;
	double t[KB_NPROGS][V_N];
	int p, v, failed = 0;

	nb_map_init();
	kb_make_packet(pkt);
	memset(&ctx, 0, sizeof(ctx));
	ctx.skb.len = KB_NET_LEN;
	ctx.skb.protocol = 0x0008;	/* htons(ETH_P_IP) as stored */
	ctx.skb.pkt_type = 3;		/* PACKET_OTHERHOST on loopback */
	ctx.skb.ifindex = 1;
	ctx.skb.wire_len = KB_NET_LEN;
	ctx.mac = pkt;
	ctx.mac_len = KB_ETH_HLEN;
	ctx.net = pkt + KB_ETH_HLEN;
	ctx.net_len = KB_NET_LEN;
	in = (struct kb_input){
		.mac = pkt, .net = pkt + KB_ETH_HLEN, .net_len = KB_NET_LEN,
		.len = KB_NET_LEN, .lookup = nb_lookup, .map = &nb_map,
	};

	printf("=== kbpf bench (native, this machine: real time, ns per run) ===\n");
	for (p = 0; p < KB_NPROGS; p++) {
		const struct kb_prog *kp = &kb_progs[p];
		struct kbpf_verify_attr va;
		struct nb_jit j;
		struct nb_run r;
		u32 res[V_N];
		int cnt, err;

		for (v = 0; v < V_N; v++)
			t[p][v] = -1;
		cnt = kp->build(insns, NB_MAP_FD);
		if (cnt < 0) {
			printf("FAIL: %s: program does not assemble\n", kp->name);
			failed = 1;
			continue;
		}
		va = (struct kbpf_verify_attr){
			.insns = insns, .insn_cnt = (u32)cnt,
			.prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .bpf_capable = true,
			.gpl_compatible = true, .map_from_fd = nb_map_from_fd, .subprogs = subs,
		};
		err = kbpf_verify(&va);
		if (err) {
			printf("FAIL: %s: kbpf_verify: %d\n", kp->name, err);
			failed = 1;
			continue;
		}
		err = nb_jit_load(&j, insns, (u32)cnt, subs, va.subprog_cnt, va.stack_depth);
		if (err) {
			printf("FAIL: %s: JIT: %d\n", kp->name, err);
			failed = 1;
			continue;
		}
		r = (struct nb_run){ .insns = insns, .jit = j.fn, .c_ref = kp->c_ref,
				     .ctx = &ctx, .in = &in };
		for (v = 0; v < V_N; v++) {
			r.variant = v;
			res[v] = nb_once(&r);
		}
		if (res[V_JIT] != res[V_C] || res[V_INTERP] != res[V_C]) {
			printf("MISMATCH: %s: JIT %#x, interp %#x, C %#x\n", kp->name,
			       res[V_JIT], res[V_INTERP], res[V_C]);
			failed = 1;
		}
		nb_time(&r, t[p]);
		printf("  %-12s %4d insns, %6u verified, JIT %5u bytes, result %#x  (%s)\n",
		       kp->name, cnt, va.insn_processed, j.len, res[V_C], kp->desc);
		munmap(j.mem, j.len);
	}

	printf("\n%-12s %12s %12s %12s %9s %12s\n", "program", v_name[V_JIT],
	       v_name[V_INTERP], v_name[V_C], "JIT/C", "interp/JIT");
	for (p = 0; p < KB_NPROGS; p++) {
		if (t[p][V_JIT] < 0) {
			printf("%-12s %12s\n", kb_progs[p].name, "(failed)");
			continue;
		}
		printf("%-12s %12.1f %12.1f %12.1f %8.2fx %11.2fx\n", kb_progs[p].name,
		       t[p][V_JIT], t[p][V_INTERP], t[p][V_C],
		       t[p][V_JIT] / t[p][V_C], t[p][V_INTERP] / t[p][V_JIT]);
	}
	printf("(ns per run, best of %d batches of ~%llu ms; ratios >1 mean slower)\n",
	       KB_ROUNDS, KB_BATCH_NS / 1000000);
	return failed;
}
