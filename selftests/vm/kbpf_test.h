/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kbpf in-VM test suite: framework, bpf(2)/kbpf call helpers, instruction
 * macros. Every test runs in its own forked child, so a crash, a leaked fd or
 * an early return in one test never affects another.
 *
 * The guest kernel's own BPF is the oracle: most tests run the same sequence
 * through a backend for kbpf (ioctl on /dev/kbpf) and one for the kernel
 * (syscall(__NR_bpf)) and compare every errno and every value.
 */
#ifndef KBPF_TEST_H
#define KBPF_TEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include "uapi/kbpf.h"

/* ---- framework ------------------------------------------------------------ */

struct kt_test {
	const char *name;
	void (*fn)(void);
};

/* Record a failure and go on (the test's FAIL line shows the first reason). */
void kt_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Record a failure and end the test now. */
void kt_fatal(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
/* A diagnostic line ("# ...") in the test's output. */
void kt_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(cond, ...) \
	do { if (!(cond)) kt_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)
#define REQUIRE(cond, ...) \
	do { if (!(cond)) kt_fatal(__FILE__, __LINE__, __VA_ARGS__); } while (0)

/* Result of a call: >= 0 on success, -errno on failure. */
const char *kt_res(long r);		/* "0", "3", "-EINVAL", ... */
const char *kt_errname(int e);		/* "EINVAL" */

/* Compare a kbpf result with the kernel's: equal errno, or both succeed. */
#define SAME_RES(what, kb, kr) do {					\
	long _a = (kb), _b = (kr);					\
	if ((_a < 0 ? _a : 0) != (_b < 0 ? _b : 0))			\
		kt_fail(__FILE__, __LINE__, "%s: kbpf %s, kernel %s",	\
			(what), kt_res(_a), kt_res(_b));		\
} while (0)
/* Compare a kbpf result with an expected errno (0 = success). */
#define EXPECT_RES(what, r, err) do {					\
	long _r = (r); int _e = (err);					\
	if (_e ? _r != -_e : _r < 0)					\
		kt_fail(__FILE__, __LINE__, "%s: got %s, expected %s",	\
			(what), kt_res(_r), _e ? kt_errname(_e) : ">= 0"); \
} while (0)
#define SAME_VAL(what, kb, kr) do {					\
	unsigned long long _a = (kb), _b = (kr);			\
	if (_a != _b)							\
		kt_fail(__FILE__, __LINE__, "%s: kbpf %llu (%#llx), kernel %llu (%#llx)", \
			(what), _a, _a, _b, _b);			\
} while (0)

/* ---- backends ------------------------------------------------------------- */

struct backend {
	const char *name;
	/* bpf(2) semantics: returns >= 0 or -1 with errno. */
	long (*call)(int cmd, union bpf_attr *attr, unsigned int size);
};
extern const struct backend be_kbpf, be_kernel;
/* -k: the "kbpf" backend calls bpf(2) too (self-test of the suite). */
extern bool kt_kernel_as_kbpf;
extern const struct backend *const backends[2];	/* kbpf, kernel */

int kbpf_dev(void);	/* /dev/kbpf opened once per test process */
void kbpf_dev_close(void);
long kbpf_call(int cmd, void *attr, unsigned int size);	/* -1 + errno */
long sys_bpf(int cmd, void *attr, unsigned int size);	/* -1 + errno */

/* Helpers: return >= 0 on success, -errno on failure. */
long b_call(const struct backend *b, int cmd, union bpf_attr *attr);
int b_map_create(const struct backend *b, __u32 type, __u32 ksz, __u32 vsz,
		 __u32 max, __u32 flags, const char *name);
int b_map_update(const struct backend *b, int fd, const void *key,
		 const void *val, __u64 flags);
int b_map_lookup(const struct backend *b, int fd, const void *key, void *val);
int b_map_lookup_flags(const struct backend *b, int fd, const void *key,
		       void *val, __u64 flags);
int b_map_delete(const struct backend *b, int fd, const void *key);
/* BPF_RAW_TRACEPOINT_OPEN of prog on tracepoint name: a link fd or -errno. */
int b_raw_tp_open(const struct backend *b, const char *name, int prog);
/* Any element command on (map_fd, key, value, flags). */
int b_map_elem(const struct backend *b, int cmd, int fd, const void *key,
	       const void *val, __u64 flags);
int b_map_next_key(const struct backend *b, int fd, const void *key, void *next);
int b_prog_load(const struct backend *b, __u32 type, const struct bpf_insn *insns,
		__u32 cnt, const char *license, char *log, __u32 log_size,
		const char *name);
struct run_opts {
	const void *data; __u32 data_size;
	void *data_out; __u32 data_size_out;	/* in: buffer size, out: size */
	const void *ctx; __u32 ctx_size;
	void *ctx_out; __u32 ctx_size_out;
	__u32 repeat;
	__u32 retval, duration;			/* out */
};
int b_test_run(const struct backend *b, int prog_fd, struct run_opts *o);
/* One TEST_RUN of prog on a 64-byte IPv4 frame (make_packet): 0 or -errno, *retval. */
int b_run_frame(const struct backend *b, int prog, __u32 *retval);
int b_obj_info(const struct backend *b, int fd, void *info, __u32 *info_len);
int b_next_id(const struct backend *b, int cmd, __u32 start, __u32 *next);
int b_fd_by_id(const struct backend *b, int cmd, __u32 id);
/* Does the id list (via *_GET_NEXT_ID) contain id? */
bool b_has_id(const struct backend *b, int cmd, __u32 id);
/* All ids (via *_GET_NEXT_ID); returns count (max n). */
int b_ids(const struct backend *b, int cmd, __u32 *ids, int n);
__u32 b_map_id(const struct backend *b, int fd);
__u32 b_prog_id(const struct backend *b, int fd);
/* A link's id (and type, if type), 0 if OBJ_GET_INFO_BY_FD fails. */
__u32 b_link_id(const struct backend *b, int fd, __u32 *type);
/* BPF_OBJ_PIN of fd at path; BPF_OBJ_GET of path (a new fd or -errno). */
long b_pin(const struct backend *b, int fd, const char *path);
long b_get(const struct backend *b, const char *path, __u32 flags);

/*
 * A trace of one call sequence: the same sequence is run on kbpf and on the
 * kernel, then compared entry by entry (result and value).
 */
struct trace {
	int n;
	struct { char what[96]; long res; unsigned long long val; } e[256];
};
void tr(struct trace *t, long res, unsigned long long val, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* kbpf trace vs kernel trace; fd results compare as "success". */
void compare_traces(const struct trace *kb, const struct trace *kr);
/* seq on kbpf into t[0], then on the kernel into t[1]. */
void trace_both(void (*seq)(const struct backend *, struct trace *), struct trace t[2]);

/* Write val to kbpf's module parameter name; 0 or -errno. */
int kt_set_param(const char *name, const char *val);
/* Write val to /proc/sys/<path> (e.g. "kernel/unprivileged_bpf_disabled"). */
int kt_set_sysctl(const char *path, const char *val);

/*
 * Module lifetime. kt_delete_module: one delete_module("kbpf", O_NONBLOCK),
 * 0 or -errno; kt_module_busy: the answer while fds, pins or a kbpffs
 * mount hold the module. kt_module_unload closes this process's device fd,
 * unmounts KBPF_FS_DIR and retries delete_module for 5 s (deferred frees);
 * kt_module_load loads /kbpf.ko again and remounts kbpffs there, as the
 * VM's init does. Both are fatal on error.
 */
#define KBPF_FS_DIR	"/sys/fs/kbpf"
long kt_delete_module(void);
bool kt_module_busy(long r);
void kt_module_unload(void);
void kt_module_load(void);

/* Capability bits (<linux/capability.h>), for kt_set_caps(). */
#define KT_CAP_NET_ADMIN	12
#define KT_CAP_SYS_ADMIN	21
#define KT_CAP_PERFMON		38
#define KT_CAP_BPF		39
#define KT_CAP(c)		(1ULL << KT_CAP_##c)
/* Effective and permitted capabilities become exactly caps (fatal on error). */
void kt_set_caps(__u64 caps);

/* Possible CPUs, from /sys/devices/system/cpu/possible (1..KT_MAX_CPUS). */
#define KT_MAX_CPUS	64
int kt_possible_cpus(void);

/* "key:\tvalue" from /proc/self/fdinfo/<fd>; false if missing. */
bool fdinfo_get(int fd, const char *key, char *val, size_t len);

/* ---- instruction macros (as in the kernel's include/linux/filter.h) ------ */

#define INSN(c, d, s, o, i) \
	{ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) }
#define MOV64_IMM(d, i)		INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s)		INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ALU64_IMM(op, d, i)	INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define ALU64_REG(op, d, s)	INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define LDX_MEM(sz, d, s, o)	INSN(BPF_LDX | (sz) | BPF_MEM, d, s, o, 0)
#define STX_MEM(sz, d, s, o)	INSN(BPF_STX | (sz) | BPF_MEM, d, s, o, 0)
#define ST_MEM(sz, d, o, i)	INSN(BPF_ST | (sz) | BPF_MEM, d, 0, o, i)
#define JMP_IMM(op, d, i, o)	INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define JMP_REG(op, d, s, o)	INSN(BPF_JMP | (op) | BPF_X, d, s, o, 0)
#define JA(o)			INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define CALL(f)			INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT_INSN()		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define LD_MAP_FD(d, fd)	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), \
				INSN(0, 0, 0, 0, 0)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* ---- shared fixtures ------------------------------------------------------ */

/* r0 = 1; exit */
extern const struct bpf_insn prog_ret1[2];
/*
 * key = *(u32 *)(skb + key_off) (or 0 if key_off < 0); v = lookup(map, &key);
 * if (v) *(u64 *)v += 1; return 1 (or the new count if ret_count).
 * Returns the instruction count written to out (at most 16).
 */
int build_counter_prog(struct bpf_insn *out, int map_fd, int key_off, bool ret_count);

/* An Ethernet frame: dst MAC, ethertype, total length (>= 14), filler. */
void make_packet(unsigned char *buf, size_t len, const unsigned char dst[6],
		 unsigned short ethertype);

/* ---- tests ---------------------------------------------------------------- */

/* tests.def lists every test, in run order, as KT(name). */
#define KT(n) void test_##n(void);
#include "tests.def"
#undef KT

#endif
