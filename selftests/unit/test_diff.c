// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test: seeded random programs, valid by construction, run in
 * the interpreter and as JIT-compiled code (plain, blinded, and with
 * speculation fences). r0, the
 * context and the map (helper side effects) must come out identical.
 *   test_diff [-t filter]              KT_DIFF_COUNT programs (default 2000)
 *   KT_DIFF_COUNT=N KT_DIFF_SEED=S     change count and first seed
 */
#define _GNU_SOURCE
#include "progen.h"
#include "jitrun.h"

struct outcome {
	u64 r0;
	struct __sk_buff skb;
	u8 map[4 * 8];
};

static void run_one(struct bpf_insn *prog, u32 n, kbpf_jited_fn fn, struct outcome *o, u64 seed)
{
	struct kt_map *m = kt_fds[KT_PROGEN_MAP_FD];

	memset(o, 0, sizeof(*o));
	memset(m->values, 0, 4 * 8);
	o->skb.len = (u32)seed;
	o->skb.mark = (u32)(seed >> 32);
	o->skb.cb[0] = (u32)(seed * 7);
	o->skb.priority = 0x80000000u;
	if (fn)
		o->r0 = fn(&o->skb);
	else
		o->r0 = kbpf_interp_run(prog, kt_helpers, &o->skb);
	memcpy(o->map, m->values, sizeof(o->map));
}

static int diff_one(u64 seed)
{
	static struct bpf_insn prog[KT_PROGEN_MAX_INSNS];
	static struct kbpf_subprog subs[KBPF_MAX_SUBPROGS];
	struct kbpf_verify_attr va = {
		.prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .bpf_capable = true,
		.map_from_fd = kt_map_from_fd, .subprogs = subs, .call_maps = kt_call_maps,
	};
	struct kt_jit_opts fo = { .fence = true };
	struct outcome a, b, c, d;
	struct kt_jit j, jb, jf;
	static char log[65536];
	u32 n;
	int err;

	n = kt_progen(seed, 8 + (u32)(seed % 64), prog, KT_PROGEN_MAX_INSNS);
	KT_EXPECT(n, "seed %llu: generator overflow", (unsigned long long)seed);
	va.insns = prog;
	va.insn_cnt = n;
	err = kbpf_verify(&va);
	if (err) {
		/* again with a log, for the report (the tail is what matters) */
		n = kt_progen(seed, 8 + (u32)(seed % 64), prog, KT_PROGEN_MAX_INSNS);
		va.log_level = 1;
		va.log_buf = log;
		va.log_size = sizeof(log);
		kbpf_verify(&va);
	}
	KT_EXPECT(!err, "seed %llu: verifier rejected a valid program (%d): %s",
		  (unsigned long long)seed, err, log);
	err = kt_jit_load_subprogs(&j, prog, n, subs, va.subprog_cnt, false, 0);
	KT_EXPECT(!err, "seed %llu: jit failed (%d)", (unsigned long long)seed, err);
	err = kt_jit_load_subprogs(&jb, prog, n, subs, va.subprog_cnt, true, (u32)seed);
	KT_EXPECT(!err, "seed %llu: blinded jit failed (%d)", (unsigned long long)seed, err);
	err = kt_jit_load_opts(&jf, prog, n, subs, va.subprog_cnt, &fo);
	KT_EXPECT(!err, "seed %llu: fenced jit failed (%d)", (unsigned long long)seed, err);
	/* without spec_fence no LFENCE (0f ae e8) at all; fences only ever add code */
	KT_EXPECT(!memmem(j.mem, j.len, "\x0f\xae\xe8", 3) && jf.len >= j.len,
		  "seed %llu: LFENCE in the plain image, or fenced image smaller",
		  (unsigned long long)seed);
	run_one(prog, n, NULL, &a, seed);
	run_one(prog, n, j.fn, &b, seed);
	run_one(prog, n, jb.fn, &c, seed);
	run_one(prog, n, jf.fn, &d, seed);
	kt_jit_unload(&j);
	kt_jit_unload(&jb);
	kt_jit_unload(&jf);
	KT_EXPECT(a.r0 == b.r0, "seed %llu: r0 interp %#llx jit %#llx", (unsigned long long)seed,
		  (unsigned long long)a.r0, (unsigned long long)b.r0);
	KT_EXPECT(a.r0 == c.r0, "seed %llu: r0 interp %#llx blinded %#llx",
		  (unsigned long long)seed, (unsigned long long)a.r0, (unsigned long long)c.r0);
	KT_EXPECT(a.r0 == d.r0, "seed %llu: r0 interp %#llx fenced %#llx",
		  (unsigned long long)seed, (unsigned long long)a.r0, (unsigned long long)d.r0);
	KT_EXPECT(!memcmp(&a.skb, &b.skb, sizeof(a.skb)) && !memcmp(&a.skb, &c.skb, sizeof(a.skb)) &&
		  !memcmp(&a.skb, &d.skb, sizeof(a.skb)),
		  "seed %llu: context differs", (unsigned long long)seed);
	KT_EXPECT(!memcmp(a.map, b.map, sizeof(a.map)) && !memcmp(a.map, c.map, sizeof(a.map)) &&
		  !memcmp(a.map, d.map, sizeof(a.map)),
		  "seed %llu: map contents differ", (unsigned long long)seed);
	return 0;
}

static u64 env_u64(const char *name, u64 def)
{
	const char *v = getenv(name);

	return v ? strtoull(v, NULL, 0) : def;
}

static int test_diff_random(void)
{
	u64 count = env_u64("KT_DIFF_COUNT", 2000), seed = env_u64("KT_DIFF_SEED", 1), i;

	for (i = 0; i < count; i++) {
		if (diff_one(seed + i))
			return -1;
		if (count >= 100000 && i && i % 100000 == 0)
			fprintf(stderr, "diff: %llu/%llu programs\n", (unsigned long long)i,
				(unsigned long long)count);
	}
	return 0;
}

static void all(void)
{
	kt_fds[KT_PROGEN_MAP_FD] = kt_map_new(BPF_MAP_TYPE_ARRAY, 4, 8, 4);
	kt_run("diff/interp_vs_jit_random_programs", test_diff_random);
	kt_map_free(kt_fds[KT_PROGEN_MAP_FD]);
}

int main(int argc, char **argv)
{
	return kt_main(argc, argv, all);
}
