// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_fuzz: an in-VM fuzzer of /dev/kbpf (KBPF_IOC_CALL).
 *
 * Random commands (0..40), random attr sizes, attr bytes biased towards
 * valid-looking values: small fds and the map/prog/link fds this process
 * created, real map and program types, short valid programs with a few random
 * mutations, user pointers into a scratch area (or NULL, a guard page, a
 * kernel address). With -f, fault injection is switched on for this task
 * around each ioctl (/proc/self/make-it-fail; the caller configures
 * /sys/kernel/debug/failslab and fail_page_alloc with task-filter=Y).
 *
 * The kernel finds the real bugs (KASAN, lockdep, kmemleak, panic_on_warn);
 * this program checks only the ABI's shape: -1 always comes with an errno in
 * 1..4095, commands that do not create fds return 0, and returned fds are
 * open. At the end every fd is closed, so the module must be unloadable.
 *
 * With -c PCFILE, coverage guidance through KCOV (kcov.c; the debug module
 * is built with KCOV_INSTRUMENT): an attr whose call reached kbpf code no
 * earlier call reached joins a corpus of FUZZ_CORPUS_MAX entries, and
 * FUZZ_REPLAY_PCT% of later calls replay a corpus entry with 1-4
 * mutations instead of generating anew. At the end the distinct PCs go to
 * PCFILE (the host turns them into a coverage figure). -c without a
 * working /sys/kernel/debug/kcov fails the run.
 *
 * usage: ioctl_fuzz [-n CALLS] [-s SEED] [-f] [-v] [-d DEVICE] [-c PCFILE]
 * Output: one progress line every 2000 calls, per-command counts, and
 * "PASS: fuzz/ioctl" or "FAIL: fuzz/ioctl (<reason>)". Exit status 0 / 1.
 * Rerun a failure with the same -s SEED -n CALLS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "uapi/kbpf.h"
#include "kcov.h"

#define MAX_CMD		40
#define POOL_MAX	48
#define DATA_SIZE	(256 * 1024)
#define ATTR_BUF	512
#define FUZZ_CORPUS_MAX	512	/* attrs that found new coverage */
#define FUZZ_REPLAY_PCT	40	/* calls replaying a mutated corpus entry */

enum { K_NONE, K_MAP, K_PROG, K_LINK, K_OTHER };

struct obj {
	int fd;
	int kind;
	__u32 type;		/* map or prog type */
	__u32 key_size, value_size;
};

static struct obj pool[POOL_MAX];
static int npool;
static int devfd, nullfd, failfd = -1;
static unsigned char *data;	/* DATA_SIZE bytes, then a PROT_NONE page */
static unsigned char *guard;
static unsigned char *attr_page;	/* 2 pages RW + 1 PROT_NONE */
static uint64_t rng_state;
static int verbose;
static unsigned long anomalies;
static unsigned long calls_ok[MAX_CMD + 1], calls_total[MAX_CMD + 1];
static unsigned long errno_hist[4096];

struct saved_call {
	int cmd;
	__u32 size;
	unsigned char attr[sizeof(union bpf_attr)];
};
static struct saved_call corpus[FUZZ_CORPUS_MAX];
static int ncorpus;
static unsigned long fresh_calls, replays;

/* ---- randomness -------------------------------------------------------------- */
static uint64_t rnd64(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}
static uint32_t rnd(uint32_t n) { return n ? (uint32_t)(rnd64() % n) : 0; }
static int chance(int percent) { return rnd(100) < (uint32_t)percent; }

static uint32_t interesting32(void)
{
	static const uint32_t v[] = { 0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 100, 127, 128,
		255, 256, 511, 512, 1023, 1024, 4095, 4096, 65535, 65536, 0x7fffffff, 0x80000000,
		0xffffffff, 0xfffffffe, 0x10000, 0x1000000 };
	return chance(70) ? v[rnd(sizeof(v) / sizeof(v[0]))] : (uint32_t)rnd64();
}

/* ---- fds and pointers ------------------------------------------------------------ */
static void pool_add(int fd, int kind, __u32 type, __u32 ks, __u32 vs)
{
	if (npool == POOL_MAX) {
		int i = rnd(POOL_MAX);

		close(pool[i].fd);
		pool[i] = pool[--npool];
	}
	pool[npool++] = (struct obj){ fd, kind, type, ks, vs };
}

static struct obj *pool_pick(int kind)
{
	int i, start, n = 0;

	if (!npool)
		return NULL;
	start = rnd(npool);
	for (i = 0; i < npool; i++) {
		struct obj *o = &pool[(start + i) % npool];

		if (kind == K_NONE || o->kind == kind)
			return o;
		n++;
	}
	return NULL;
}

static int pick_fd(int kind)
{
	struct obj *o;

	switch (rnd(20)) {
	case 0: return -1;
	case 1: return devfd;
	case 2: return nullfd;
	case 3: return (int)rnd(24);
	case 4: return (int)interesting32();
	case 5: o = pool_pick(K_NONE); return o ? o->fd : 0;
	default: o = pool_pick(kind); return o ? o->fd : (int)rnd(16);
	}
}

/* A user pointer the kernel may read or write: into the scratch area (most of
 * the time), or something invalid. Never another part of our own memory. */
static __u64 pick_ptr(size_t len)
{
	switch (rnd(20)) {
	case 0: return 0;
	case 1: return (__u64)(unsigned long)guard;
	case 2: return (__u64)(unsigned long)(guard - rnd(64));	/* runs into the guard */
	case 3: return 0xffffffff81000000ULL;
	case 4: return 0x8000000000000000ULL | rnd64();		/* non-canonical */
	case 5: return 0x1000;
	default:
		if (len > DATA_SIZE)
			len = DATA_SIZE;
		return (__u64)(unsigned long)(data + rnd(DATA_SIZE - len + 1));
	}
}

static __u32 pick_len(void)
{
	switch (rnd(8)) {
	case 0: return 0;
	case 1: return interesting32();
	case 2: return rnd(DATA_SIZE);
	default: return rnd(256);
	}
}

/* ---- programs ------------------------------------------------------------------ */
#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_IMM(d, i)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s)	INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i)	INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define EXIT()		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define CALL(f)		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define STX(sz, d, s, o) INSN(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define ST(sz, d, o, i)	INSN(BPF_ST | BPF_MEM | (sz), d, 0, o, i)
#define LDX(sz, d, s, o) INSN(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define JEQ_IMM(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define JNE_IMM(d, i, o) INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define JGT_REG(d, s, o) INSN(BPF_JMP | BPF_JGT | BPF_X, d, s, o, 0)
#define LD_MAP(d, fd)	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), INSN(0, 0, 0, 0, 0)

#define MAP_FD_MARK	0x7eadbeef	/* replaced with a real map fd */

static const struct bpf_insn t_ret0[] = { MOV64_IMM(0, 0), EXIT() };
static const struct bpf_insn t_ret1[] = { MOV64_IMM(0, 1), EXIT() };
static const struct bpf_insn t_lookup[] = {
	MOV64_IMM(1, 0), STX(BPF_W, 10, 1, -4), MOV64_REG(2, 10), ADD64_IMM(2, -4),
	LD_MAP(1, MAP_FD_MARK), CALL(BPF_FUNC_map_lookup_elem),
	JEQ_IMM(0, 0, 1), LDX(BPF_W, 0, 0, 0), MOV64_IMM(0, 0), EXIT() };
static const struct bpf_insn t_update[] = {
	ST(BPF_W, 10, -4, 0), ST(BPF_DW, 10, -16, 7), MOV64_REG(2, 10), ADD64_IMM(2, -4),
	MOV64_REG(3, 10), ADD64_IMM(3, -16), MOV64_IMM(4, 0),
	LD_MAP(1, MAP_FD_MARK), CALL(BPF_FUNC_map_update_elem), MOV64_IMM(0, 0), EXIT() };
static const struct bpf_insn t_delete[] = {
	ST(BPF_W, 10, -4, 1), MOV64_REG(2, 10), ADD64_IMM(2, -4),
	LD_MAP(1, MAP_FD_MARK), CALL(BPF_FUNC_map_delete_elem), EXIT() };
static const struct bpf_insn t_skb_len[] = { LDX(BPF_W, 0, 1, 0), EXIT() };
static const struct bpf_insn t_loop[] = {
	MOV64_IMM(0, 0), MOV64_IMM(1, 10), ADD64_IMM(0, 1), ADD64_IMM(1, -1),
	JNE_IMM(1, 0, -3), EXIT() };
static const struct bpf_insn t_helpers[] = {
	CALL(BPF_FUNC_ktime_get_ns), CALL(BPF_FUNC_get_prandom_u32),
	CALL(BPF_FUNC_get_smp_processor_id), CALL(BPF_FUNC_get_current_pid_tgid),
	MOV64_IMM(0, 0), EXIT() };
static const struct bpf_insn t_tail[] = {
	MOV64_REG(6, 1), LD_MAP(2, MAP_FD_MARK), MOV64_IMM(3, 0), MOV64_REG(1, 6),
	CALL(BPF_FUNC_tail_call), MOV64_IMM(0, 0), EXIT() };
static const struct bpf_insn t_nf_pkt[] = {
	LDX(BPF_DW, 2, 1, 0), LDX(BPF_DW, 3, 1, 8), MOV64_REG(4, 2), ADD64_IMM(4, 4),
	JGT_REG(4, 3, 1), LDX(BPF_B, 0, 2, 0), MOV64_IMM(0, 1), EXIT() };
static const struct bpf_insn t_atomic[] = {
	ST(BPF_DW, 10, -8, 0), MOV64_IMM(1, 1),
	INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 10, 1, -8, BPF_ADD | BPF_FETCH),
	MOV64_IMM(0, 0), EXIT() };
static const struct bpf_insn t_queue[] = {
	ST(BPF_DW, 10, -8, 5), MOV64_REG(2, 10), ADD64_IMM(2, -8), MOV64_IMM(3, 0),
	LD_MAP(1, MAP_FD_MARK), CALL(BPF_FUNC_map_push_elem),
	MOV64_REG(2, 10), ADD64_IMM(2, -8), LD_MAP(1, MAP_FD_MARK),
	CALL(BPF_FUNC_map_pop_elem), MOV64_IMM(0, 0), EXIT() };
static const struct bpf_insn t_probe_read[] = {
	MOV64_REG(1, 10), ADD64_IMM(1, -16), MOV64_IMM(2, 16), MOV64_REG(3, 10),
	ADD64_IMM(3, -32), CALL(BPF_FUNC_probe_read_kernel), MOV64_IMM(0, 0), EXIT() };
static const struct bpf_insn t_ringbuf[] = {
	LD_MAP(1, MAP_FD_MARK), MOV64_IMM(2, 16), MOV64_IMM(3, 0), CALL(BPF_FUNC_ringbuf_reserve),
	JEQ_IMM(0, 0, 4), ST(BPF_DW, 0, 8, 7), MOV64_REG(1, 0), MOV64_IMM(2, 0),
	CALL(BPF_FUNC_ringbuf_submit), ST(BPF_DW, 10, -8, 1), LD_MAP(1, MAP_FD_MARK),
	MOV64_REG(2, 10), ADD64_IMM(2, -8), MOV64_IMM(3, 8), MOV64_IMM(4, 0),
	CALL(BPF_FUNC_ringbuf_output), LD_MAP(1, MAP_FD_MARK), MOV64_IMM(2, 0),
	CALL(BPF_FUNC_ringbuf_query), EXIT() };
static const struct bpf_insn t_printk[] = {
	ST(BPF_DW, 10, -8, 0x0a6425), MOV64_REG(1, 10), ADD64_IMM(1, -8), MOV64_IMM(2, 8),
	MOV64_IMM(3, 42), CALL(BPF_FUNC_trace_printk), MOV64_IMM(0, 0), EXIT() };

/* Each template with the program type it is valid for. */
static const struct { const struct bpf_insn *insns; int cnt; __u32 type; } templates[] = {
#define T(x, t) { x, sizeof(x) / sizeof(x[0]), t }
	T(t_ret0, BPF_PROG_TYPE_SOCKET_FILTER), T(t_ret1, 32), T(t_lookup, BPF_PROG_TYPE_SOCKET_FILTER),
	T(t_update, BPF_PROG_TYPE_SOCKET_FILTER), T(t_delete, BPF_PROG_TYPE_KPROBE),
	T(t_skb_len, BPF_PROG_TYPE_SOCKET_FILTER), T(t_loop, BPF_PROG_TYPE_SOCKET_FILTER),
	T(t_helpers, BPF_PROG_TYPE_TRACEPOINT), T(t_tail, BPF_PROG_TYPE_SOCKET_FILTER),
	T(t_nf_pkt, 32), T(t_atomic, BPF_PROG_TYPE_RAW_TRACEPOINT), T(t_queue, BPF_PROG_TYPE_KPROBE),
	T(t_probe_read, BPF_PROG_TYPE_KPROBE), T(t_printk, BPF_PROG_TYPE_TRACEPOINT),
	T(t_ringbuf, BPF_PROG_TYPE_SOCKET_FILTER),
#undef T
};
static __u32 prog_type_hint;

static const __u32 prog_types[] = {
	BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_SOCKET_FILTER, BPF_PROG_TYPE_KPROBE,
	BPF_PROG_TYPE_TRACEPOINT, BPF_PROG_TYPE_RAW_TRACEPOINT, 32 /* NETFILTER */,
	BPF_PROG_TYPE_XDP, BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_PERF_EVENT,
};

static const __u32 map_types[] = {
	BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_PROG_ARRAY, BPF_MAP_TYPE_PERCPU_HASH,
	BPF_MAP_TYPE_PERCPU_ARRAY, BPF_MAP_TYPE_LRU_HASH, BPF_MAP_TYPE_LRU_PERCPU_HASH,
	BPF_MAP_TYPE_LPM_TRIE, BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK, BPF_MAP_TYPE_BLOOM_FILTER,
	BPF_MAP_TYPE_RINGBUF,
	BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_ARRAY,
};

static struct bpf_insn prog_buf[160];

static int gen_prog(void)
{
	int t = rnd(sizeof(templates) / sizeof(templates[0]));
	int n = templates[t].cnt, i, m;

	memcpy(prog_buf, templates[t].insns, n * sizeof(struct bpf_insn));
	prog_type_hint = templates[t].type;
	/* Real map fds for the ld_imm64s. */
	for (i = 0; i < n; i++) {
		if (prog_buf[i].code == (BPF_LD | BPF_DW | BPF_IMM) && prog_buf[i].imm == MAP_FD_MARK) {
			struct obj *o = pool_pick(K_MAP);

			prog_buf[i].imm = o && chance(90) ? o->fd : pick_fd(K_MAP);
			if (chance(10)) {	/* direct value access */
				prog_buf[i].src_reg = BPF_PSEUDO_MAP_VALUE;
				prog_buf[i + 1].imm = rnd(16);
			}
		}
	}
	/* 0..3 mutations (none for about a third of the programs). */
	m = chance(50) ? 0 : 1 + rnd(3);
	while (m--) {
		struct bpf_insn *in = &prog_buf[rnd(n)];

		switch (rnd(9)) {
		case 0: in->code ^= 1u << rnd(8); break;
		case 1: in->dst_reg = rnd(chance(90) ? 11 : 16); break;
		case 2: in->src_reg = rnd(chance(90) ? 11 : 16); break;
		case 3: in->off = chance(70) ? (__s16)(rnd(33) - 16) : (__s16)rnd64(); break;
		case 4: in->imm = (__s32)interesting32(); break;
		case 5: /* insert a random instruction */
			if (n < (int)(sizeof(prog_buf) / sizeof(prog_buf[0]))) {
				int at = rnd(n + 1);

				memmove(&prog_buf[at + 1], &prog_buf[at], (n - at) * sizeof(prog_buf[0]));
				prog_buf[at] = INSN(rnd(256), rnd(11), rnd(11), (__s16)(rnd(17) - 8),
						    (__s32)interesting32());
				n++;
			}
			break;
		case 6: /* delete one */
			if (n > 1) {
				int at = rnd(n);

				memmove(&prog_buf[at], &prog_buf[at + 1], (n - at - 1) * sizeof(prog_buf[0]));
				n--;
			}
			break;
		case 7: { /* swap two */
			int a = rnd(n), b = rnd(n);
			struct bpf_insn tmp = prog_buf[a];

			prog_buf[a] = prog_buf[b];
			prog_buf[b] = tmp;
			break;
		}
		default: in->imm = (__s32)rnd64(); break;
		}
	}
	return n;
}

/* ---- attr generators -------------------------------------------------------------- */
static void gen_map_create(union bpf_attr *a)
{
	a->map_type = chance(90) ? map_types[rnd(sizeof(map_types) / sizeof(map_types[0]))] : rnd(34);
	a->key_size = chance(80) ? (rnd(3) == 0 ? 8 : 4) : interesting32();
	a->value_size = chance(80) ? 4u << rnd(5) : interesting32();
	a->max_entries = chance(85) ? 1 + rnd(64) : interesting32();
	switch (a->map_type) {
	case BPF_MAP_TYPE_QUEUE: case BPF_MAP_TYPE_STACK:
		if (chance(80)) a->key_size = 0;
		break;
	case BPF_MAP_TYPE_BLOOM_FILTER:
		if (chance(80)) a->key_size = 0;
		if (chance(50)) a->map_extra = rnd(12);
		break;
	case BPF_MAP_TYPE_LPM_TRIE:
		if (chance(80)) { a->key_size = 8; a->map_flags = BPF_F_NO_PREALLOC; }
		break;
	case BPF_MAP_TYPE_PROG_ARRAY:
		if (chance(80)) { a->key_size = 4; a->value_size = 4; }
		break;
	case BPF_MAP_TYPE_RINGBUF:
		if (chance(80)) { a->key_size = 0; a->value_size = 0; a->max_entries = 4096 << rnd(4); }
		break;
	}
	if (chance(15))
		a->map_flags |= 1u << rnd(20);
	if (chance(5))
		a->inner_map_fd = pick_fd(K_MAP);
	if (chance(5))
		a->numa_node = rnd(4);
	if (chance(30)) {
		int i, n = rnd(BPF_OBJ_NAME_LEN + 1);

		for (i = 0; i < n && i < (int)BPF_OBJ_NAME_LEN; i++)
			a->map_name[i] = chance(95) ? "abcdefgh_._0123"[rnd(15)] : (char)rnd(256);
	}
	if (chance(3))
		a->btf_fd = pick_fd(K_NONE);
}

static void gen_map_elem(union bpf_attr *a, int cmd)
{
	struct obj *o = pool_pick(K_MAP);

	a->map_fd = o && chance(90) ? o->fd : pick_fd(K_MAP);
	a->key = pick_ptr(64);
	a->value = pick_ptr(4096);	/* also next_key */
	a->flags = chance(70) ? rnd(4) : interesting32();
	if (cmd == BPF_MAP_LOOKUP_BATCH || cmd == BPF_MAP_LOOKUP_AND_DELETE_BATCH ||
	    cmd == BPF_MAP_UPDATE_BATCH || cmd == BPF_MAP_DELETE_BATCH) {
		a->batch.in_batch = chance(50) ? 0 : pick_ptr(64);
		a->batch.out_batch = pick_ptr(64);
		a->batch.keys = pick_ptr(64 * 64);
		a->batch.values = pick_ptr(64 * 1024);
		a->batch.count = chance(80) ? rnd(70) : interesting32();
		a->batch.elem_flags = chance(80) ? rnd(4) : interesting32();
		a->batch.flags = chance(90) ? 0 : interesting32();
	}
}

static void gen_prog_load(union bpf_attr *a)
{
	int n = gen_prog();

	a->prog_type = chance(50) ? prog_type_hint : chance(92) ? prog_types[rnd(sizeof(prog_types) / sizeof(prog_types[0]))] : rnd(40);
	a->insn_cnt = chance(90) ? (__u32)n : (chance(50) ? n + rnd(3) - 1 : interesting32());
	a->insns = chance(95) ? (__u64)(unsigned long)prog_buf : pick_ptr(8);
	a->license = chance(90) ? (__u64)(unsigned long)"GPL" : pick_ptr(4);
	if (chance(40)) {
		a->log_level = chance(80) ? rnd(3) : interesting32();
		a->log_size = chance(80) ? 64 + rnd(8192) : pick_len();
		a->log_buf = pick_ptr(a->log_size);
	}
	if (chance(10))
		a->prog_flags = 1u << rnd(8);
	if (a->prog_type == 32 && chance(90))
		a->expected_attach_type = 45;	/* BPF_NETFILTER */
	else if (chance(10))
		a->expected_attach_type = chance(50) ? 45 : rnd(50);
	if (chance(5))
		a->kern_version = interesting32();
	if (chance(5))
		a->prog_btf_fd = pick_fd(K_NONE);
	if (chance(5)) {
		a->fd_array = pick_ptr(64);
	}
	if (chance(20))
		memcpy(a->prog_name, "fuzz_prog", 10);
}

static void gen_test_run(union bpf_attr *a)
{
	struct obj *o = pool_pick(K_PROG);

	a->test.prog_fd = o && chance(90) ? o->fd : pick_fd(K_PROG);
	a->test.data_size_in = chance(80) ? 14 + rnd(200) : pick_len();
	a->test.data_in = pick_ptr(a->test.data_size_in);
	if (chance(60)) {
		a->test.data_size_out = chance(80) ? rnd(512) : pick_len();
		a->test.data_out = pick_ptr(a->test.data_size_out);
	}
	if (chance(30)) {
		a->test.ctx_size_in = chance(70) ? rnd(200) : pick_len();
		a->test.ctx_in = pick_ptr(a->test.ctx_size_in);
		a->test.ctx_size_out = chance(70) ? rnd(200) : pick_len();
		a->test.ctx_out = pick_ptr(a->test.ctx_size_out);
	}
	a->test.repeat = chance(90) ? rnd(3) : rnd(100);
	if (chance(10))
		a->test.flags = interesting32();
	if (chance(5))
		a->test.cpu = rnd(4);
}

static const char *const kprobe_names[] = {
	"__x64_sys_getpid", "__x64_sys_getppid", "kbpf_no_such_function", "ksys_write+4", "",
};
static const char *const tp_names[] = {
	"sched:sched_process_fork", "sched:sched_switch", "syscalls:sys_enter_getpid",
	"nonexistent:event", "sched:", ":",
};

static void gen_link_create(union bpf_attr *a)
{
	struct obj *o = pool_pick(K_PROG);

	a->link_create.prog_fd = o && chance(90) ? o->fd : pick_fd(K_PROG);
	switch (rnd(5)) {
	case 0: { /* netfilter */
		struct kbpf_link_create_netfilter nf = {
			.pf = chance(80) ? (rnd(2) ? 2 : 10) : rnd(16),
			.hooknum = chance(80) ? rnd(5) : interesting32(),
			.priority = chance(80) ? (int)rnd(200) - 100 : (int)interesting32(),
			.flags = chance(90) ? 0 : interesting32(),
		};

		a->link_create.attach_type = 45;
		a->link_create.target_fd = chance(90) ? 0 : pick_fd(K_NONE);
		memcpy(&a->link_create.kprobe_multi, &nf, sizeof(nf));
		break;
	}
	case 1: case 2: { /* kbpf events: kprobe / tracepoint by name or id */
		struct kbpf_link_create_event ev = { .bpf_cookie = rnd64() };
		const char *name = rnd(2) ? kprobe_names[rnd(sizeof(kprobe_names) / sizeof(kprobe_names[0]))]
					  : tp_names[rnd(sizeof(tp_names) / sizeof(tp_names[0]))];

		a->link_create.attach_type = BPF_PERF_EVENT;
		a->link_create.target_fd = chance(90) ? KBPF_TARGET_EVENT : (__u32)pick_fd(K_NONE);
		ev.name = chance(90) ? (__u64)(unsigned long)name : pick_ptr(8);
		ev.id = chance(80) ? 0 : rnd(2000);
		ev.flags = chance(80) ? 0 : (chance(50) ? KBPF_EVENT_F_RETPROBE : interesting32());
		memcpy(&a->link_create.perf_event, &ev, sizeof(ev));
		break;
	}
	case 3: /* kprobe_multi, 6.1 layout */
		a->link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
		a->link_create.kprobe_multi.cnt = rnd(4);
		a->link_create.kprobe_multi.syms = pick_ptr(32);
		a->link_create.kprobe_multi.addrs = chance(80) ? 0 : pick_ptr(32);
		a->link_create.kprobe_multi.flags = rnd(3);
		break;
	default:
		a->link_create.attach_type = rnd(50);
		a->link_create.target_fd = pick_fd(K_NONE);
		a->link_create.flags = chance(80) ? 0 : interesting32();
		break;
	}
}

/* BPF_OBJ_PIN / BPF_OBJ_GET paths: kbpffs (main() makes the directory), bpffs, tmpfs. */
#define FUZZ_PIN_DIR	"/sys/fs/kbpf/fuzz"
static const char *const pin_paths[] = {
	"/sys/fs/kbpf/fz0", "/sys/fs/kbpf/fz1", FUZZ_PIN_DIR "/fz2", FUZZ_PIN_DIR "/fz3",
	FUZZ_PIN_DIR, "/sys/fs/bpf/kbpf_fuzz", "/tmp/kbpf_fuzz",
};

/* Fill attr for cmd; returns the size to pass. */
static __u32 gen_attr(int cmd, union bpf_attr *a)
{
	memset(a, 0, sizeof(*a));
	if (chance(5)) {	/* raw junk, small-fd biased */
		unsigned char *p = (unsigned char *)a;
		size_t i;

		for (i = 0; i < sizeof(*a); i++)
			p[i] = chance(50) ? 0 : (chance(50) ? rnd(8) : (unsigned char)rnd(256));
		goto size;
	}
	switch (cmd) {
	case BPF_MAP_CREATE: gen_map_create(a); break;
	case BPF_MAP_LOOKUP_ELEM: case BPF_MAP_UPDATE_ELEM: case BPF_MAP_DELETE_ELEM:
	case BPF_MAP_GET_NEXT_KEY: case BPF_MAP_LOOKUP_AND_DELETE_ELEM: case BPF_MAP_FREEZE:
	case BPF_MAP_LOOKUP_BATCH: case BPF_MAP_LOOKUP_AND_DELETE_BATCH:
	case BPF_MAP_UPDATE_BATCH: case BPF_MAP_DELETE_BATCH:
		gen_map_elem(a, cmd);
		break;
	case BPF_PROG_LOAD: gen_prog_load(a); break;
	case BPF_PROG_TEST_RUN: gen_test_run(a); break;
	case BPF_PROG_GET_NEXT_ID: case BPF_MAP_GET_NEXT_ID: case BPF_LINK_GET_NEXT_ID:
	case BPF_BTF_GET_NEXT_ID:
	case BPF_PROG_GET_FD_BY_ID: case BPF_MAP_GET_FD_BY_ID: case BPF_LINK_GET_FD_BY_ID:
	case BPF_BTF_GET_FD_BY_ID:
		a->start_id = chance(80) ? rnd(200) : interesting32();
		a->open_flags = chance(85) ? 0 : (chance(50) ? (__u32)BPF_F_RDONLY << rnd(4) : interesting32());
		break;
	case BPF_OBJ_GET_INFO_BY_FD: {
		struct obj *o = pool_pick(K_NONE);

		a->info.bpf_fd = o && chance(90) ? o->fd : pick_fd(K_NONE);
		a->info.info_len = chance(70) ? rnd(256) : pick_len();
		a->info.info = pick_ptr(a->info.info_len);
		if (a->info.info && chance(50) && a->info.info_len >= 8 &&
		    a->info.info >= (__u64)(unsigned long)data &&
		    a->info.info + a->info.info_len <= (__u64)(unsigned long)(data + DATA_SIZE))
			/* sometimes ask for arrays (prog insns, map ids, ...) */
			for (unsigned int i = 0; i + 8 <= a->info.info_len && i < 256; i += 8)
				if (chance(30))
					*(__u64 *)(unsigned long)(a->info.info + i) = chance(50) ?
						pick_ptr(4096) : rnd(64);
		break;
	}
	case BPF_LINK_CREATE: gen_link_create(a); break;
	case BPF_LINK_UPDATE:
		a->link_update.link_fd = pick_fd(K_LINK);
		a->link_update.new_prog_fd = pick_fd(K_PROG);
		a->link_update.flags = chance(70) ? 0 : rnd(8);
		a->link_update.old_prog_fd = pick_fd(K_PROG);
		break;
	case BPF_LINK_DETACH:
		a->link_detach.link_fd = pick_fd(K_LINK);
		break;
	case BPF_RAW_TRACEPOINT_OPEN:
		a->raw_tracepoint.name = chance(80) ? (__u64)(unsigned long)
			(rnd(2) ? "sched_switch" : "sched_process_fork") : pick_ptr(8);
		a->raw_tracepoint.prog_fd = pick_fd(K_PROG);
		break;
	case BPF_ENABLE_STATS:
		a->enable_stats.type = rnd(3);
		break;
	case BPF_OBJ_PIN: case BPF_OBJ_GET: {
		/* mostly kbpffs names, so pins and gets really happen */
		const char *path = pin_paths[rnd(sizeof(pin_paths) / sizeof(pin_paths[0]))];

		if (cmd == BPF_OBJ_PIN && chance(30))
			unlink(path);	/* make room, or drop the last reference */
		a->pathname = chance(80) ? (__u64)(unsigned long)path : pick_ptr(8);
		a->bpf_fd = cmd == BPF_OBJ_GET && chance(80) ? 0 : pick_fd(K_NONE);
		a->file_flags = chance(80) ? (chance(50) ? 0 : rnd(1u << 5)) : interesting32();
		break;
	}
	case BPF_PROG_BIND_MAP:
		a->prog_bind_map.prog_fd = pick_fd(K_PROG);
		a->prog_bind_map.map_fd = pick_fd(K_MAP);
		a->prog_bind_map.flags = chance(80) ? 0 : interesting32();
		break;
	default: { /* anything else: small fds, valid-ish pointers */
		__u32 *w = (__u32 *)a;
		int i;

		for (i = 0; i < 8; i++)
			w[i] = chance(50) ? (__u32)pick_fd(K_NONE) : (chance(50) ? 0 : interesting32());
		if (chance(50))
			*(__u64 *)&w[8] = pick_ptr(64);
		break;
	}
	}
size:
	switch (rnd(12)) {
	case 0: return 0;
	case 1: return rnd(sizeof(*a) + 1);		/* short */
	case 2: return sizeof(*a) + rnd(64);		/* zero tail (or junk, see below) */
	case 3: return interesting32();			/* huge */
	case 4: return rnd(ATTR_BUF + 1);
	default: return sizeof(*a);
	}
}

/* ---- the loop ---------------------------------------------------------------------- */
/* ---- the coverage corpus ------------------------------------------------------ */

static void corpus_save(int cmd, __u32 size, const void *attr)
{
	struct saved_call *e = ncorpus < FUZZ_CORPUS_MAX ? &corpus[ncorpus++] :
			       &corpus[rnd(FUZZ_CORPUS_MAX)];

	e->cmd = cmd;
	e->size = size;
	memcpy(e->attr, attr, size < sizeof(e->attr) ? size : sizeof(e->attr));
	if (size < sizeof(e->attr))
		memset(e->attr + size, 0, sizeof(e->attr) - size);
}

/* A corpus entry into a, with 1-4 mutations; returns its size, *cmd its command. */
static __u32 corpus_replay(int *cmd, union bpf_attr *a)
{
	const struct saved_call *e = &corpus[rnd(ncorpus)];
	unsigned char *b = (unsigned char *)a;
	__u32 len = e->size < sizeof(*a) ? e->size : sizeof(*a);
	int m, nm = 1 + rnd(4);

	memcpy(a, e->attr, sizeof(*a));
	*cmd = e->cmd;
	for (m = 0; m < nm && len; m++) {
		__u32 off = rnd(len);

		switch (rnd(4)) {
		case 0: b[off] ^= 1 << rnd(8); break;
		case 1: b[off] = (unsigned char)rnd64(); break;
		case 2:
			off &= ~3u;
			if (off + 4 <= len) {
				__u32 v = interesting32();

				memcpy(b + off, &v, 4);
			}
			break;
		default:	/* an fd of ours at an aligned word */
			off &= ~3u;
			if (off + 4 <= len) {
				int fd = pick_fd(K_NONE);

				memcpy(b + off, &fd, 4);
			}
		}
	}
	replays++;
	return e->size;
}

static int creates_fd(int cmd)
{
	switch (cmd) {
	case BPF_MAP_CREATE: case BPF_PROG_LOAD: case BPF_OBJ_GET: case BPF_PROG_GET_FD_BY_ID:
	case BPF_MAP_GET_FD_BY_ID: case BPF_RAW_TRACEPOINT_OPEN: case BPF_BTF_LOAD:
	case BPF_BTF_GET_FD_BY_ID: case BPF_LINK_CREATE: case BPF_LINK_GET_FD_BY_ID:
	case BPF_ENABLE_STATS: case BPF_ITER_CREATE:
		return 1;
	}
	return 0;
}

static int kind_of(int cmd)
{
	switch (cmd) {
	case BPF_MAP_CREATE: case BPF_MAP_GET_FD_BY_ID: return K_MAP;
	case BPF_PROG_LOAD: case BPF_PROG_GET_FD_BY_ID: return K_PROG;
	case BPF_LINK_CREATE: case BPF_LINK_GET_FD_BY_ID: case BPF_RAW_TRACEPOINT_OPEN: return K_LINK;
	}
	return K_OTHER;
}

static void fail_injection(int on)
{
	if (failfd >= 0 && pwrite(failfd, on ? "1" : "0", 1, 0) != 1) {
		fprintf(stderr, "ioctl_fuzz: make-it-fail: %s\n", strerror(errno));
		failfd = -1;
	}
}

static void anomaly(int cmd, const char *what, long ret, int err)
{
	anomalies++;
	printf("ioctl_fuzz: ANOMALY: cmd %d: %s (ret %ld, errno %d)\n", cmd, what, ret, err);
}

int main(int argc, char **argv)
{
	unsigned long n = 20000, i;
	uint64_t seed = (uint64_t)time(NULL);
	const char *dev = KBPF_DEVICE_PATH, *pcfile = NULL;
	int opt, inject = 0, c;
	time_t t0 = time(NULL);

	while ((opt = getopt(argc, argv, "n:s:fvd:c:")) != -1) {
		switch (opt) {
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'f': inject = 1; break;
		case 'v': verbose = 1; break;
		case 'd': dev = optarg; break;
		case 'c': pcfile = optarg; break;
		default:
			fprintf(stderr, "usage: %s [-n CALLS] [-s SEED] [-f] [-v] [-d DEVICE] [-c PCFILE]\n",
				argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	rng_state = seed ? seed : 1;
	printf("ioctl_fuzz: %lu calls, seed %llu, fault injection %s\n", n,
	       (unsigned long long)seed, inject ? "on" : "off");

	devfd = open(dev, O_RDWR | O_CLOEXEC);
	if (devfd < 0) {
		printf("FAIL: fuzz/ioctl (open %s: %s)\n", dev, strerror(errno));
		return 1;
	}
	nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	mkdir(FUZZ_PIN_DIR, 0755);	/* fails harmlessly without kbpffs */
	data = mmap(NULL, DATA_SIZE + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	attr_page = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (data == MAP_FAILED || attr_page == MAP_FAILED) {
		printf("FAIL: fuzz/ioctl (mmap: %s)\n", strerror(errno));
		return 1;
	}
	guard = data + DATA_SIZE;
	mprotect(guard, 4096, PROT_NONE);
	mprotect(attr_page + 2 * 4096, 4096, PROT_NONE);
	if (inject) {
		failfd = open("/proc/self/make-it-fail", O_WRONLY | O_CLOEXEC);
		if (failfd < 0)
			printf("ioctl_fuzz: /proc/self/make-it-fail: %s (no fault injection)\n", strerror(errno));
	}

	if (pcfile) {
		int err = fuzz_kcov_open();

		if (err) {
			printf("FAIL: fuzz/ioctl (kcov: %s: %s)\n", FUZZ_KCOV_PATH, strerror(-err));
			return 1;
		}
		printf("ioctl_fuzz: kcov on, coverage-guided (corpus of %d, %d%% replays)\n",
		       FUZZ_CORPUS_MAX, FUZZ_REPLAY_PCT);
	}

	for (i = 0; i < n; i++) {
		struct kbpf_call call;
		unsigned long fresh;
		unsigned char *buf;
		__u32 size;
		long ret;
		int err, k;

		/* Fresh scratch contents now and then (all pages stay touched). */
		if (i % 64 == 0)
			for (k = 0; k < DATA_SIZE; k += 8)
				*(uint64_t *)(data + k) = chance(50) ? 0 : rnd64() & (chance(50) ? 0xff : ~0ULL);

		cmd_pick:
		c = chance(90) ? (int)rnd(BPF_PROG_BIND_MAP + 1) : (int)rnd(MAX_CMD + 1);
		/* Lean towards the interesting commands. */
		if (chance(30))
			c = (int[]){ BPF_MAP_CREATE, BPF_PROG_LOAD, BPF_PROG_LOAD, BPF_MAP_UPDATE_ELEM,
				     BPF_MAP_LOOKUP_ELEM, BPF_PROG_TEST_RUN, BPF_LINK_CREATE,
				     BPF_OBJ_GET_INFO_BY_FD }[rnd(8)];
		/* Don't let the pool fill with maps before any program exists. */
		if (c == BPF_MAP_CREATE && npool > POOL_MAX - 8 && chance(50))
			goto cmd_pick;

		/* attr either in the middle of the page or ending at the guard page. */
		if (ncorpus && chance(FUZZ_REPLAY_PCT))
			size = corpus_replay(&c, (union bpf_attr *)attr_page);
		else
			size = gen_attr(c, (union bpf_attr *)attr_page);
		buf = attr_page;
		if (size <= 2 * 4096 && chance(20)) {
			buf = attr_page + 2 * 4096 - size;
			memmove(buf, attr_page, size < sizeof(union bpf_attr) ? size : sizeof(union bpf_attr));
			if (size > sizeof(union bpf_attr))
				memset(buf + sizeof(union bpf_attr), 0, size - sizeof(union bpf_attr));
		} else if (size > sizeof(union bpf_attr) && size <= 2 * 4096) {
			/* tail after the union: zero mostly, junk sometimes (E2BIG) */
			memset(attr_page + sizeof(union bpf_attr), chance(85) ? 0 : 1 + rnd(255),
			       size - sizeof(union bpf_attr));
		}
		call.cmd = c;
		call.size = size;
		call.attr = chance(97) ? (__u64)(unsigned long)buf : pick_ptr(size);

		fail_injection(inject && chance(70));
		fuzz_kcov_begin();
		ret = ioctl(devfd, KBPF_IOC_CALL, &call);
		err = errno;
		fresh = fuzz_kcov_end();
		fail_injection(0);
		if (fresh) {
			fresh_calls++;
			/* the attr as sent, if it sits where replays put it */
			if (buf == attr_page && call.attr == (__u64)(unsigned long)buf)
				corpus_save(c, size, attr_page);
		}

		calls_total[c]++;
		if (verbose)
			printf("call %lu: cmd %d size %u -> %ld (%s)\n", i, c, size, ret,
			       ret < 0 ? strerror(err) : "ok");
		if (ret < 0) {
			if (ret != -1)
				anomaly(c, "negative return other than -1", ret, err);
			else if (err <= 0 || err >= 4096)
				anomaly(c, "errno out of range", ret, err);
			else if (err == ENOTTY)
				anomaly(c, "ENOTTY from KBPF_IOC_CALL", ret, err);
			else
				errno_hist[err]++;
			continue;
		}
		calls_ok[c]++;
		if (creates_fd(c)) {
			if (ret > 0 && fcntl((int)ret, F_GETFD) >= 0) {
				__u32 type = 0, ks = 0, vs = 0;
				union bpf_attr *aa = (union bpf_attr *)buf;

				if (c == BPF_MAP_CREATE && buf == attr_page) {
					type = aa->map_type; ks = aa->key_size; vs = aa->value_size;
				} else if (c == BPF_PROG_LOAD && buf == attr_page) {
					type = aa->prog_type;
				}
				pool_add((int)ret, kind_of(c), type, ks, vs);
			} else {
				anomaly(c, "returned fd is not open", ret, 0);
			}
		} else if (ret != 0) {
			anomaly(c, "non-zero return from a command that creates no fd", ret, 0);
			if (ret > 2 && ret != devfd && ret != nullfd && fcntl((int)ret, F_GETFD) >= 0)
				close((int)ret);
		}
		if ((i + 1) % 2000 == 0)
			printf("ioctl_fuzz: %lu/%lu calls, %d objects open, %lu kbpf PCs, %ld s\n", i + 1,
			       n, npool, fuzz_kcov_distinct(), (long)(time(NULL) - t0));
	}

	fail_injection(0);
	while (npool)
		close(pool[--npool].fd);
	close(devfd);
	close(nullfd);

	printf("ioctl_fuzz: per command (cmd: ok/total):");
	for (c = 0; c <= MAX_CMD; c++)
		if (calls_total[c])
			printf(" %d:%lu/%lu", c, calls_ok[c], calls_total[c]);
	printf("\nioctl_fuzz: errnos:");
	for (c = 0; c < 4096; c++)
		if (errno_hist[c])
			printf(" %s:%lu", strerrorname_np(c) ? strerrorname_np(c) : "?", errno_hist[c]);
	printf("\n");
	if (pcfile) {
		int err = fuzz_kcov_dump(pcfile);

		printf("ioctl_fuzz: kcov: %lu distinct kbpf PCs, %lu calls reached new ones, "
		       "corpus %d, %lu replays, %lu trace overflows\n", fuzz_kcov_distinct(),
		       fresh_calls, ncorpus, replays, fuzz_kcov_overflows());
		if (err || !fuzz_kcov_distinct()) {
			printf("FAIL: fuzz/ioctl (kcov: %s; is kbpf.ko built with KBPF_KCOV=1?)\n",
			       err ? strerror(-err) : "no kbpf PC traced");
			return 1;
		}
	}
	if (anomalies) {
		printf("FAIL: fuzz/ioctl (%lu ABI anomalies, seed %llu)\n", anomalies, (unsigned long long)seed);
		return 1;
	}
	printf("PASS: fuzz/ioctl (%lu calls, seed %llu, %ld s)\n", n, (unsigned long long)seed,
	       (long)(time(NULL) - t0));
	return 0;
}
