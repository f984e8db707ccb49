// SPDX-License-Identifier: GPL-2.0
/*
 * smp_map_counts: programs on every vCPU at once, updating the same HASH,
 * PERCPU_HASH, ARRAY and PERCPU_ARRAY, while userspace threads update and
 * delete other keys of the same maps. At the end every count must equal
 * the number of program runs that made it: nothing lost, nothing counted
 * twice, nothing counted on the wrong CPU.
 *
 * Run by `make check` in its own boot with -smp 4 (suite vm-smp; the main
 * boot excludes smp_* tests). It uses every online CPU and fails on fewer
 * than two.
 *
 * Program threads: one per online CPU, pinned there, so
 * BPF_PROG_TEST_RUN runs the program on that CPU. Call j of thread t
 * passes key (t + j) % SMP_KEYS in __sk_buff.cb[0] and runs the program
 * SMP_REPEAT times. One run of the program, for its key k:
 *   HASH:         lookup k; if missing, insert 1 with BPF_NOEXIST, and on
 *                 -EEXIST (another CPU inserted first) look it up again;
 *                 an existing value gets an atomic add of 1;
 *   PERCPU_HASH:  the same, with a plain add to this CPU's value (the
 *                 insert sets this CPU's value to 1 and the others to 0);
 *   ARRAY:        atomic add of 1 to element k;
 *   PERCPU_ARRAY: plain add of 1 to this CPU's element k.
 * The plain adds are exact because no other program writes this CPU's
 * values: one program thread per CPU, and TEST_RUN disables migration
 * (a second thread on the CPU could preempt a read-modify-write on a
 * preemptible kernel, on kbpf as on Linux). The program returns 0, or
 * the number of the step that failed.
 *
 * Userspace threads (SMP_CHURN_THREADS): thread u owns SMP_CHURN_KEYS hash
 * keys from SMP_CHURN_BASE + u * SMP_CHURN_KEYS and array element
 * SMP_KEYS + u; iteration i updates key (i % SMP_CHURN_KEYS) with value
 * i (BPF_ANY), deletes it again when i % 3 == 2, writes i to its array
 * element, and reads a counted key; it runs at least SMP_CHURN_MIN_ITERS
 * iterations and on until every program thread has ended, so it overlaps
 * all of them. Every call must succeed; the final churn entries are
 * derived from the same loop and the iteration count.
 *
 * Expected: per key k and CPU c, the runs threads pinned on c made with
 * key k. HASH and ARRAY hold the sum over CPUs; PERCPU_HASH and
 * PERCPU_ARRAY hold the per-CPU figures exactly. The same test runs on
 * the guest kernel's own maps (the oracle), which must pass it too.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include "kbpf_test.h"

#define SMP_KEYS		4
#define SMP_CALLS		100	/* TEST_RUN calls per program thread */
#define SMP_REPEAT		10000	/* runs per call */
#define SMP_CHURN_THREADS	2
#define SMP_CHURN_KEYS		8
#define SMP_CHURN_BASE		100
#define SMP_CHURN_MIN_ITERS	1000	/* and on until the programs are done */
#define SMP_MAX_CPUS		KT_MAX_CPUS
#define SMP_MAX_THREADS		SMP_MAX_CPUS	/* one program thread per CPU */
#define SMP_HASH_MAX		64	/* >= SMP_KEYS + churn keys */
#define SMP_ARRAY_MAX		(SMP_KEYS + SMP_CHURN_THREADS)
#define SMP_EEXIST_U32		(-EEXIST)	/* JMP32 compares the low half */

enum { M_HASH, M_PHASH, M_ARR, M_PARR, M_NR };
static const char *const map_name[M_NR] = { "HASH", "PERCPU_HASH", "ARRAY", "PERCPU_ARRAY" };

struct smp_ctx {
	const struct backend *b;
	int map[M_NR];
	int prog;
	int ncpu_possible;
	int progs_done;		/* set once every program thread has ended */
	pthread_barrier_t start;
};

struct smp_thread {
	struct smp_ctx *c;
	pthread_t tid;
	int id, cpu;
	__u64 runs[SMP_KEYS];	/* program threads: runs done per key */
	__u32 iters;		/* churn threads: iterations done */
	char err[160];		/* first failure */
};

static const unsigned char smp_dst_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

static int online_cpus(cpu_set_t *set)
{
	CPU_ZERO(set);
	if (sched_getaffinity(0, sizeof(*set), set))
		return -errno;
	return CPU_COUNT(set);
}

#define P(...)		(p[n++] = (struct bpf_insn)__VA_ARGS__)

/* r1 = map; r2 = fp - 4 (the key) */
static int emit_map_key(struct bpf_insn *p, int n, int map_fd)
{
	struct bpf_insn ld[] = { LD_MAP_FD(BPF_REG_1, map_fd) };

	p[n++] = ld[0];
	p[n++] = ld[1];
	P(MOV64_REG(BPF_REG_2, BPF_REG_10));
	P(ALU64_IMM(BPF_ADD, BPF_REG_2, -4));
	return n;
}

/* *(u64 *)r0 += 1, atomically or not */
static int emit_add_one(struct bpf_insn *p, int n, bool atomic)
{
	P(MOV64_IMM(BPF_REG_1, 1));
	if (atomic) {
		P(INSN(BPF_STX | BPF_DW | BPF_ATOMIC, BPF_REG_0, BPF_REG_1, 0, BPF_ADD));
		return n;
	}
	P(LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_0, 0));
	P(ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_1));
	P(STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_2, 0));
	return n;
}

/* Patch the jump at insn at to land on insn to. */
static void patch(struct bpf_insn *p, int at, int to)
{
	p[at].off = (__s16)(to - at - 1);
}

/* The lookup-or-insert-then-add block for one hash map; see the header. */
static int emit_hash_count(struct bpf_insn *p, int n, int map_fd, bool atomic, int fail)
{
	int to_add, to_done, to_fail1, to_fail2, to_done2;

	n = emit_map_key(p, n, map_fd);
	P(CALL(BPF_FUNC_map_lookup_elem));
	to_add = n;
	P(JMP_IMM(BPF_JNE, BPF_REG_0, 0, 0));
	n = emit_map_key(p, n, map_fd);
	P(MOV64_REG(BPF_REG_3, BPF_REG_10));
	P(ALU64_IMM(BPF_ADD, BPF_REG_3, -16));		/* the value 1 */
	P(MOV64_IMM(BPF_REG_4, BPF_NOEXIST));
	P(CALL(BPF_FUNC_map_update_elem));
	to_done = n;
	P(JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));		/* inserted */
	to_fail1 = n;
	P(INSN(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_0, 0, 0, SMP_EEXIST_U32));
	n = emit_map_key(p, n, map_fd);			/* lost the race: look again */
	P(CALL(BPF_FUNC_map_lookup_elem));
	to_fail2 = n;
	P(JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 0));
	patch(p, to_add, n);
	n = emit_add_one(p, n, atomic);
	to_done2 = n;
	P(JA(0));
	patch(p, to_fail1, n);
	patch(p, to_fail2, n);
	P(MOV64_IMM(BPF_REG_0, fail));
	P(EXIT_INSN());
	patch(p, to_done, n);
	patch(p, to_done2, n);
	return n;
}

/* Element k of an array map: atomic or plain add of 1. */
static int emit_array_count(struct bpf_insn *p, int n, int map_fd, bool atomic, int fail)
{
	n = emit_map_key(p, n, map_fd);
	P(CALL(BPF_FUNC_map_lookup_elem));
	P(JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2));
	P(MOV64_IMM(BPF_REG_0, fail));
	P(EXIT_INSN());
	return emit_add_one(p, n, atomic);
}

static int load_counter_prog(struct smp_ctx *c)
{
	struct bpf_insn p[128];
	static char log[65536];
	int n = 0, fd;

	P(LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_1, offsetof(struct __sk_buff, cb[0])));
	P(STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, -4));
	P(ST_MEM(BPF_DW, BPF_REG_10, -16, 1));
	n = emit_hash_count(p, n, c->map[M_HASH], true, 1);
	n = emit_hash_count(p, n, c->map[M_PHASH], false, 2);
	n = emit_array_count(p, n, c->map[M_ARR], true, 3);
	n = emit_array_count(p, n, c->map[M_PARR], false, 4);
	P(MOV64_IMM(BPF_REG_0, 0));
	P(EXIT_INSN());
	fd = b_prog_load(c->b, BPF_PROG_TYPE_SOCKET_FILTER, p, n, "GPL", NULL, 0,
			 "smp_count");
	if (fd < 0) {
		log[0] = 0;
		b_prog_load(c->b, BPF_PROG_TYPE_SOCKET_FILTER, p, n, "GPL", log,
			    sizeof(log), "smp_count");
		kt_info("%s: verifier log (tail): %s", c->b->name,
			strlen(log) > 1000 ? log + strlen(log) - 1000 : log);
	}
	return fd;
}

static void *prog_thread(void *arg)
{
	struct smp_thread *t = arg;
	unsigned char pkt[64];
	struct __sk_buff ctx;
	struct run_opts o;
	cpu_set_t set;
	int j;

	CPU_ZERO(&set);
	CPU_SET(t->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		snprintf(t->err, sizeof(t->err), "pin to CPU %d: %s", t->cpu, strerror(errno));
	pthread_barrier_wait(&t->c->start);
	if (t->err[0])
		return NULL;
	make_packet(pkt, sizeof(pkt), smp_dst_mac, 0x0800);
	for (j = 0; j < SMP_CALLS; j++) {
		int k = (t->id + j) % SMP_KEYS, r;

		memset(&ctx, 0, sizeof(ctx));
		ctx.cb[0] = k;
		memset(&o, 0, sizeof(o));
		o.data = pkt;
		o.data_size = sizeof(pkt);
		o.ctx = &ctx;
		o.ctx_size = sizeof(ctx);
		o.repeat = SMP_REPEAT;
		r = b_test_run(t->c->b, t->c->prog, &o);
		if (r < 0 || o.retval) {
			snprintf(t->err, sizeof(t->err), "thread %d on CPU %d, call %d: "
				 "TEST_RUN %s, retval %u", t->id, t->cpu, j, kt_res(r), o.retval);
			return NULL;
		}
		if (sched_getcpu() != t->cpu) {
			snprintf(t->err, sizeof(t->err), "thread %d left CPU %d", t->id, t->cpu);
			return NULL;
		}
		t->runs[k] += SMP_REPEAT;
	}
	return NULL;
}

/* The per-CPU value array userspace passes for churn key iteration i. */
static void churn_pcpu_value(__u64 *v, int ncpu, __u64 i)
{
	int c;

	for (c = 0; c < ncpu; c++)
		v[c] = i * 1000 + c;
}

static void *churn_thread(void *arg)
{
	struct smp_thread *t = arg;
	struct smp_ctx *c = t->c;
	__u64 v[SMP_MAX_CPUS], arr;
	__u32 i;
	int r = 0;

	pthread_barrier_wait(&c->start);
	for (i = 0; !t->err[0] && (i < SMP_CHURN_MIN_ITERS ||
				   !__atomic_load_n(&c->progs_done, __ATOMIC_ACQUIRE)); i++) {
		__u32 key = SMP_CHURN_BASE + t->id * SMP_CHURN_KEYS + i % SMP_CHURN_KEYS;
		__u32 idx = SMP_KEYS + t->id, counted = i % SMP_KEYS;
		__u64 val = i;

		if ((r = b_map_update(c->b, c->map[M_HASH], &key, &val, BPF_ANY)) < 0)
			snprintf(t->err, sizeof(t->err), "HASH update %u: %s", key, kt_res(r));
		churn_pcpu_value(v, c->ncpu_possible, i);
		if ((r = b_map_update(c->b, c->map[M_PHASH], &key, v, BPF_ANY)) < 0)
			snprintf(t->err, sizeof(t->err), "PERCPU_HASH update %u: %s", key, kt_res(r));
		if (i % 3 == 2) {
			if ((r = b_map_delete(c->b, c->map[M_HASH], &key)) < 0)
				snprintf(t->err, sizeof(t->err), "HASH delete %u: %s", key, kt_res(r));
			if ((r = b_map_delete(c->b, c->map[M_PHASH], &key)) < 0)
				snprintf(t->err, sizeof(t->err), "PERCPU_HASH delete %u: %s", key,
					 kt_res(r));
		}
		arr = i;
		if ((r = b_map_update(c->b, c->map[M_ARR], &idx, &arr, BPF_ANY)) < 0)
			snprintf(t->err, sizeof(t->err), "ARRAY update %u: %s", idx, kt_res(r));
		churn_pcpu_value(v, c->ncpu_possible, i);
		if ((r = b_map_update(c->b, c->map[M_PARR], &idx, v, BPF_ANY)) < 0)
			snprintf(t->err, sizeof(t->err), "PERCPU_ARRAY update %u: %s", idx, kt_res(r));
		/* a counted key may not exist yet in the hash: only -ENOENT is fine */
		r = b_map_lookup(c->b, c->map[M_HASH], &counted, &val);
		if (r < 0 && r != -ENOENT)
			snprintf(t->err, sizeof(t->err), "HASH lookup %u: %s", counted, kt_res(r));
	}
	t->iters = i;
	return NULL;
}

/* Final churn entries: the loop's last write to each key, unless deleted. */
static void check_churn(struct smp_ctx *c, const struct smp_thread *t, int *bad)
{
	__u32 u = t->id, iters = t->iters;
	__u64 v[SMP_MAX_CPUS], want[SMP_MAX_CPUS], val;
	__u32 s, idx = SMP_KEYS + u;
	int r, cpu;

	for (s = 0; s < SMP_CHURN_KEYS; s++) {
		__u32 key = SMP_CHURN_BASE + u * SMP_CHURN_KEYS + s, last = 0, i;
		bool present = false;

		for (i = s; i < iters; i += SMP_CHURN_KEYS) {
			last = i;
			present = i % 3 != 2;
		}
		r = b_map_lookup(c->b, c->map[M_HASH], &key, &val);
		if (present ? r < 0 || val != last : r != -ENOENT) {
			kt_fail(__FILE__, __LINE__, "%s: churn HASH key %u: %s, value %llu, "
				"want %s %u", c->b->name, key, kt_res(r), (unsigned long long)val,
				present ? "value" : "no entry", last);
			++*bad;
		}
		r = b_map_lookup(c->b, c->map[M_PHASH], &key, v);
		churn_pcpu_value(want, c->ncpu_possible, last);
		if (present ? r < 0 || memcmp(v, want, c->ncpu_possible * sizeof(v[0]))
			    : r != -ENOENT) {
			kt_fail(__FILE__, __LINE__, "%s: churn PERCPU_HASH key %u: %s, want %s",
				c->b->name, key, kt_res(r), present ? "its last values" : "no entry");
			++*bad;
		}
	}
	r = b_map_lookup(c->b, c->map[M_ARR], &idx, &val);
	if (r < 0 || val != iters - 1) {
		kt_fail(__FILE__, __LINE__, "%s: churn ARRAY[%u]: %s, value %llu", c->b->name,
			idx, kt_res(r), (unsigned long long)val);
		++*bad;
	}
	r = b_map_lookup(c->b, c->map[M_PARR], &idx, v);
	churn_pcpu_value(want, c->ncpu_possible, iters - 1);
	for (cpu = 0; r >= 0 && cpu < c->ncpu_possible; cpu++)
		if (v[cpu] != want[cpu])
			r = -EBADMSG;
	if (r < 0) {
		kt_fail(__FILE__, __LINE__, "%s: churn PERCPU_ARRAY[%u]: %s", c->b->name, idx,
			kt_res(r));
		++*bad;
	}
}

/* The counted keys: totals for HASH/ARRAY, per CPU for the per-CPU maps. */
static void check_counts(struct smp_ctx *c, struct smp_thread *th, int nth, int *bad)
{
	__u64 want[SMP_KEYS][SMP_MAX_CPUS], total[SMP_KEYS], v[SMP_MAX_CPUS];
	int m, t, cpu, r;
	__u32 k;

	memset(want, 0, sizeof(want));
	memset(total, 0, sizeof(total));
	for (t = 0; t < nth; t++)
		for (k = 0; k < SMP_KEYS; k++) {
			want[k][th[t].cpu] += th[t].runs[k];
			total[k] += th[t].runs[k];
		}
	for (m = 0; m < M_NR; m++) {
		bool percpu = m == M_PHASH || m == M_PARR;

		for (k = 0; k < SMP_KEYS; k++) {
			__u64 sum = 0;

			memset(v, 0, sizeof(v));
			r = b_map_lookup(c->b, c->map[m], &k, v);
			for (cpu = 0; cpu < (percpu ? c->ncpu_possible : 1); cpu++)
				sum += v[cpu];
			if (r < 0 || sum != total[k]) {
				kt_fail(__FILE__, __LINE__, "%s: %s key %u: %s, count %llu, "
					"want %llu (runs made)", c->b->name, map_name[m], k,
					kt_res(r), (unsigned long long)sum,
					(unsigned long long)total[k]);
				++*bad;
				continue;
			}
			for (cpu = 0; percpu && cpu < c->ncpu_possible; cpu++)
				if (v[cpu] != want[k][cpu]) {
					kt_fail(__FILE__, __LINE__, "%s: %s key %u CPU %d: %llu, "
						"want %llu", c->b->name, map_name[m], k, cpu,
						(unsigned long long)v[cpu],
						(unsigned long long)want[k][cpu]);
					++*bad;
				}
		}
	}
}

/* One backend: maps, program, threads, checks. Returns failures found. */
static int smp_run(const struct backend *b, const cpu_set_t *online, int nonline)
{
	static struct smp_thread th[SMP_MAX_THREADS + SMP_CHURN_THREADS];
	static const struct { __u32 type, max; } spec[M_NR] = {
		{ BPF_MAP_TYPE_HASH, SMP_HASH_MAX },
		{ BPF_MAP_TYPE_PERCPU_HASH, SMP_HASH_MAX },
		{ BPF_MAP_TYPE_ARRAY, SMP_ARRAY_MAX },
		{ BPF_MAP_TYPE_PERCPU_ARRAY, SMP_ARRAY_MAX },
	};
	struct smp_ctx c = { .b = b };
	int nprog = 0, nth, m, t, cpu, bad = 0;
	struct timespec t0, t1;

	c.ncpu_possible = kt_possible_cpus();
	for (m = 0; m < M_NR; m++) {
		c.map[m] = b_map_create(b, spec[m].type, 4, 8, spec[m].max, 0, "smp");
		REQUIRE(c.map[m] >= 0, "%s: create %s: %s", b->name, map_name[m],
			kt_res(c.map[m]));
	}
	c.prog = load_counter_prog(&c);
	REQUIRE(c.prog >= 0, "%s: load: %s", b->name, kt_res(c.prog));

	memset(th, 0, sizeof(th));
	for (cpu = 0; cpu < SMP_MAX_CPUS; cpu++)
		if (CPU_ISSET(cpu, online)) {
			th[nprog].id = nprog;
			th[nprog].cpu = cpu;
			nprog++;
		}
	nth = nprog + SMP_CHURN_THREADS;
	REQUIRE(pthread_barrier_init(&c.start, NULL, nth) == 0, "barrier");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (t = 0; t < nth; t++) {
		th[t].c = &c;
		if (t >= nprog)
			th[t].id = t - nprog;
		REQUIRE(pthread_create(&th[t].tid, NULL, t < nprog ? prog_thread : churn_thread,
				       &th[t]) == 0, "pthread_create");
	}
	for (t = 0; t < nth; t++) {
		if (t == nprog)		/* the churn goes on until here */
			__atomic_store_n(&c.progs_done, 1, __ATOMIC_RELEASE);
		pthread_join(th[t].tid, NULL);
	}
	pthread_barrier_destroy(&c.start);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	for (t = 0; t < nth; t++)
		if (th[t].err[0]) {
			kt_fail(__FILE__, __LINE__, "%s: %s", b->name, th[t].err);
			bad++;
		}
	check_counts(&c, th, nprog, &bad);
	for (t = nprog; t < nth; t++)
		check_churn(&c, &th[t], &bad);
	kt_info("%s: %d CPUs online, %d program threads (one per CPU) x %d calls x %d runs, "
		"%d userspace threads x %u+%u iterations, %.1f s: %s", b->name, nonline, nprog,
		SMP_CALLS, SMP_REPEAT, SMP_CHURN_THREADS, th[nprog].iters,
		th[nprog + 1].iters, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
		bad ? "MISMATCH" : "every count exact");
	close(c.prog);
	for (m = 0; m < M_NR; m++)
		close(c.map[m]);
	return bad;
}

void test_smp_map_counts(void)
{
	cpu_set_t online;
	int n = online_cpus(&online);

	REQUIRE(n >= 2, "needs at least 2 online CPUs, has %d (boot with --smp 4)", n);
	REQUIRE(n <= SMP_MAX_CPUS, "%d CPUs: more than SMP_MAX_CPUS", n);
	if (!kt_kernel_as_kbpf)
		kbpf_dev();	/* open the device once, before the threads share it */
	/* the oracle first: if the kernel's own maps miss counts, the test is wrong */
	smp_run(&be_kernel, &online, n);
	smp_run(&be_kbpf, &online, n);
}
