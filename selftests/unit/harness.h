/* SPDX-License-Identifier: GPL-2.0 */
/* A tiny test harness: PASS:/FAIL: lines, a name filter, and fake maps. */
#ifndef _KBPF_UNIT_HARNESS_H
#define _KBPF_UNIT_HARNESS_H

#include "kbpf_core.h"

/* Test bodies return 0 on success, or fail through kt_fail(). */
int kt_failf(const char *file, int line, const char *fmt, ...) __printf(3, 4);
#define kt_fail(...) kt_failf(__FILE__, __LINE__, __VA_ARGS__)
#define KT_EXPECT(cond, ...) \
	do { if (!(cond)) return kt_fail(__VA_ARGS__); } while (0)

/* Run test fn under name unless the -t filter excludes it. */
void kt_run(const char *name, int (*fn)(void));
void kt_run_arg(const char *name, int (*fn)(const void *), const void *arg);
int kt_main(int argc, char **argv, void (*all)(void));

/* A fake map for the userspace core: an array or a linear-probe hash. */
struct kt_map {
	struct kbpf_map_desc desc;	/* first: the core points at this */
	u8 *keys;
	u8 *values;
	bool *used;
};

struct kt_map *kt_map_new(u32 type, u32 key_size, u32 value_size, u32 max_entries);
void kt_map_free(struct kt_map *m);
void *kt_map_lookup(struct kt_map *m, const void *key);

/* Fake fd table the verifier resolves ld_imm64 map fds through. */
#define KT_MAX_FDS 16
extern struct kt_map *kt_fds[KT_MAX_FDS];
int kt_map_from_fd(void *priv, s32 fd, const struct kbpf_map_desc **map);
int kt_map_value_addr(void *priv, const struct kbpf_map_desc *map, u32 off, u64 *addr);
/* Helper implementations, indexed by helper id. */
extern kbpf_helper_fn kt_helpers[KBPF_FUNC_MAX];
/*
 * The fake ringbuf helpers: samples handed out and not yet back, commits
 * of anything but a live sample, and whether bytes lie in a live sample.
 */
extern int kt_rb_outstanding, kt_rb_misuse;
void kt_rb_reset(void);
bool kt_rb_within(const void *p, u32 size);
/*
 * The loader kt_verify*() verifies for: CAP_BPF always, CAP_PERFMON unless
 * this is cleared (default true: a fully privileged loader).
 */
extern bool kt_perfmon;
/*
 * Set: kt_verify*() verifies with attr.no_prune (never prune) and a budget
 * of KT_NO_PRUNE_BUDGET instructions (a program that needs pruning fails
 * fast). Default false.
 */
#define KT_NO_PRUNE_BUDGET 50000
extern bool kt_no_prune;

/* The last kt_verify*()'s per-insn helper-call maps, for the JIT. */
#define KT_MAX_PROG_INSNS 4096
extern const struct kbpf_map_desc *kt_call_maps[KT_MAX_PROG_INSNS];
extern kbpf_helper_fn (*const kt_jit_map_helper)(const struct kbpf_map_desc *, u32);
extern bool (*const kt_jit_map_flat)(const struct kbpf_map_desc *, void **, u32 *);

/* Verify insns as a CAP_BPF socket filter; log goes to logbuf if non-NULL. */
int kt_verify(struct bpf_insn *insns, u32 cnt, char *logbuf, u32 logsize);
/* The same, also returning the program's functions (subs: KBPF_MAX_SUBPROGS). */
int kt_verify_subprogs(struct bpf_insn *insns, u32 cnt, char *logbuf, u32 logsize,
		       struct kbpf_subprog *subs, u32 *sub_cnt);

#endif
