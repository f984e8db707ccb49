// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY and bpf_perf_event_output, against the
 * guest kernel's own in the same boot:
 *   perf_array_ops     MAP_CREATE flags and sizes, updates with perf, non-perf,
 *                      bad and inherited fds, lookup, delete, get_next_key,
 *                      batch, and the entry going away with the map file it
 *                      came through (kept with BPF_F_PRESERVE_ELEMS);
 *   perf_event_output  a raw_tp program on sys_enter writes one sample per
 *                      getppid() into this CPU's BPF output event; socket
 *                      filter and XDP programs (TEST_RUN) append packet
 *                      bytes (BPF_F_CTXLEN_MASK). Every record read from the
 *                      mmapped perf ring buffers must equal the kernel's, and
 *                      the helper's errors (-ENOENT, -EFAULT, -EINVAL, -E2BIG)
 *                      must too.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include "kbpf_test.h"
#include "attach.h"

#define PERF_MAX_CPUS		8
#define PERF_DATA_PAGES		8	/* ring buffer data pages per event */
#define PERF_CALLS		40	/* getppid() calls sampled */
#define PERF_TAG		0x6b627066	/* "kbpf" */
#define MOV32_IMM(d, i)		INSN(BPF_ALU | BPF_MOV | BPF_K, d, 0, 0, i)
#define LD_IMM64(d, v)		INSN(BPF_LD | BPF_DW | BPF_IMM, d, 0, 0, (__u32)(v)), \
				INSN(0, 0, 0, 0, (__u32)((__u64)(v) >> 32))

static int perf_open_output(int cpu, bool inherit)
{
	struct perf_event_attr pa;

	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.type = PERF_TYPE_SOFTWARE;
	pa.config = PERF_COUNT_SW_BPF_OUTPUT;
	pa.sample_type = PERF_SAMPLE_RAW;
	pa.sample_period = 1;
	pa.wakeup_events = 1;
	pa.inherit = inherit;
	return syscall(SYS_perf_event_open, &pa, inherit ? 0 : -1, inherit ? -1 : cpu, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

static int online_cpus(void)
{
	int n = (int)sysconf(_SC_NPROCESSORS_ONLN);

	return n > PERF_MAX_CPUS ? PERF_MAX_CPUS : n;
}

static int perf_map(const struct backend *b, __u32 max, __u32 flags)
{
	return b_map_create(b, BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, max, flags, "perf");
}

/* ---- map commands --------------------------------------------------------- */

static void ops_seq(const struct backend *b, struct trace *t)
{
	static const struct { __u32 ks, vs, max, flags; const char *what; } creates[] = {
		{ 4, 8, 4, 0, "value_size 8" },
		{ 8, 4, 4, 0, "key_size 8" },
		{ 4, 4, 0, 0, "max_entries 0" },
		{ 4, 4, 4, BPF_F_MMAPABLE, "BPF_F_MMAPABLE" },
		{ 4, 4, 4, BPF_F_RDONLY_PROG, "BPF_F_RDONLY_PROG" },
		{ 4, 4, 4, BPF_F_NO_PREALLOC, "BPF_F_NO_PREALLOC" },
		{ 4, 4, 4, BPF_F_PRESERVE_ELEMS, "BPF_F_PRESERVE_ELEMS" },
		{ 4, 4, 4, BPF_F_RDONLY, "BPF_F_RDONLY" },
	};
	union bpf_attr a;
	__u32 key, next, val;
	int i, m, pe, inh, null, m2, r;

	for (i = 0; i < (int)ARRAY_SIZE(creates); i++) {
		m = b_map_create(b, BPF_MAP_TYPE_PERF_EVENT_ARRAY, creates[i].ks, creates[i].vs,
				 creates[i].max, creates[i].flags, NULL);
		tr(t, m, 0, "create %s", creates[i].what);
		if (m >= 0)
			close(m);
	}
	m = perf_map(b, 4, 0);
	REQUIRE(m >= 0, "%s: create: %s", b->name, kt_res(m));
	pe = perf_open_output(0, false);
	inh = perf_open_output(0, true);
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	REQUIRE(pe >= 0 && inh >= 0 && null >= 0, "perf_event_open: %s", strerror(errno));

	key = 0;
	val = null;
	tr(t, b_map_update(b, m, &key, &val, BPF_ANY), 0, "update with /dev/null");
	val = 9999;
	tr(t, b_map_update(b, m, &key, &val, BPF_ANY), 0, "update with a closed fd");
	val = m;
	tr(t, b_map_update(b, m, &key, &val, BPF_ANY), 0, "update with a map fd");
	val = inh;
	tr(t, b_map_update(b, m, &key, &val, BPF_ANY), 0, "update with an inherited event");
	val = pe;
	tr(t, b_map_update(b, m, &key, &val, BPF_NOEXIST), 0, "update BPF_NOEXIST");
	tr(t, b_map_update(b, m, &key, &val, BPF_EXIST), 0, "update BPF_EXIST");
	key = 4;
	tr(t, b_map_update(b, m, &key, &val, BPF_ANY), 0, "update key 4 of 4");
	key = 0;
	tr(t, b_map_update(b, m, &key, &val, BPF_ANY), 0, "update key 0");
	key = 3;
	tr(t, b_map_update(b, m, &key, &val, BPF_ANY), 0, "update key 3");
	tr(t, b_map_update(b, m, &key, &val, BPF_ANY), 0, "update key 3 again");
	key = 0;
	tr(t, b_map_lookup(b, m, &key, &val), 0, "lookup key 0");
	key = 1;
	tr(t, b_map_lookup(b, m, &key, &val), 0, "lookup empty key 1");
	key = 9;
	tr(t, b_map_lookup(b, m, &key, &val), 0, "lookup key 9");
	next = 77;
	r = b_map_next_key(b, m, NULL, &next);
	tr(t, r, next, "next of NULL");
	key = 2;
	r = b_map_next_key(b, m, &key, &next);
	tr(t, r, next, "next of 2");
	key = 3;
	tr(t, b_map_next_key(b, m, &key, &next), 0, "next of 3");
	key = 0;
	tr(t, b_map_delete(b, m, &key), 0, "delete key 0");
	tr(t, b_map_delete(b, m, &key), 0, "delete key 0 again");
	key = 7;
	tr(t, b_map_delete(b, m, &key), 0, "delete key 7");
	memset(&a, 0, sizeof(a));
	a.batch.map_fd = m;
	a.batch.count = 4;
	a.batch.keys = (__u64)(unsigned long)&key;
	a.batch.values = (__u64)(unsigned long)&val;
	tr(t, b_call(b, BPF_MAP_LOOKUP_BATCH, &a), 0, "lookup batch");

	/*
	 * An entry belongs to the map file it was stored through: key 1,
	 * stored through a second file (GET_FD_BY_ID), goes when that file
	 * closes; key 3, stored through m, stays.
	 */
	m2 = b_fd_by_id(b, BPF_MAP_GET_FD_BY_ID, b_map_id(b, m));
	tr(t, m2, 0, "fd by id");
	key = 1;
	val = pe;
	tr(t, m2 >= 0 ? b_map_update(b, m2, &key, &val, BPF_ANY) : m2, 0, "update key 1 via fd 2");
	if (m2 >= 0)
		close(m2);
	key = 1;
	tr(t, b_map_delete(b, m, &key), 0, "delete key 1 after its map file closed");
	key = 3;
	tr(t, b_map_delete(b, m, &key), 0, "delete key 3 (stored through the open file)");
	close(m);
	close(pe);
	close(inh);
	close(null);
}

void test_perf_array_ops(void)
{
	static struct trace t[2];

	trace_both(ops_seq, t);
	compare_traces(&t[0], &t[1]);
}

/* ---- perf_event_output ---------------------------------------------------- */

struct ring {
	int fd;
	void *base;
	size_t len;
};

static bool ring_open(struct ring *r, int cpu)
{
	long page = sysconf(_SC_PAGESIZE);

	r->fd = perf_open_output(cpu, false);
	if (r->fd < 0)
		return false;
	r->len = (size_t)page * (1 + PERF_DATA_PAGES);
	r->base = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (r->base == MAP_FAILED) {
		close(r->fd);
		return false;
	}
	return true;
}

static void ring_close(struct ring *r)
{
	munmap(r->base, r->len);
	close(r->fd);
}

/*
 * Append every record of r to out (header + body, as written), up to cap
 * bytes; consume them. Returns the bytes appended.
 */
static size_t ring_drain(struct ring *r, unsigned char *out, size_t cap)
{
	struct perf_event_mmap_page *mp = r->base;
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *data = (unsigned char *)r->base + page;
	__u64 size = (__u64)page * PERF_DATA_PAGES;
	__u64 head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE), tail = mp->data_tail;
	size_t n = 0;

	while (tail < head) {
		struct perf_event_header h;
		__u64 i;

		for (i = 0; i < sizeof(h); i++)
			((unsigned char *)&h)[i] = data[(tail + i) % size];
		if (h.size < sizeof(h))
			break;
		for (i = 0; i < h.size && n < cap; i++)
			out[n++] = data[(tail + i) % size];
		tail += h.size;
	}
	__atomic_store_n(&mp->data_tail, tail, __ATOMIC_RELEASE);
	return n;
}

struct side {
	int map, vals, ncpu;
	struct ring ring[PERF_MAX_CPUS];
};

static void side_open(const struct backend *b, struct side *s, int ncpu)
{
	int c;
	__u32 key;

	s->ncpu = ncpu;
	s->map = perf_map(b, ncpu, 0);
	REQUIRE(s->map >= 0, "%s: create: %s", b->name, kt_res(s->map));
	s->vals = b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, 16, 1, 0, "vals");
	REQUIRE(s->vals >= 0, "%s: vals: %s", b->name, kt_res(s->vals));
	for (c = 0; c < ncpu; c++) {
		REQUIRE(ring_open(&s->ring[c], c), "perf_event_open/mmap cpu %d: %s", c,
			strerror(errno));
		key = c;
		REQUIRE(b_map_update(b, s->map, &key, &s->ring[c].fd, BPF_ANY) == 0,
			"%s: store cpu %d's event", b->name, c);
	}
}

static void side_close(struct side *s)
{
	int c;

	for (c = 0; c < s->ncpu; c++)
		ring_close(&s->ring[c]);
	close(s->map);
	close(s->vals);
}

/* Every record of every CPU's ring, CPU by CPU, into out; returns bytes. */
static size_t side_drain(struct side *s, unsigned char *out, size_t cap)
{
	size_t n = 0;
	int c;

	for (c = 0; c < s->ncpu; c++)
		n += ring_drain(&s->ring[c], out + n, cap - n);
	return n;
}

/*
 * raw_tp sys_enter: for getppid of this process, sample {PERF_TAG, cpu}
 * with flags; vals[0] counts non-zero returns, vals[1] holds the last.
 */
static int load_sys_enter_output(const struct backend *b, const struct side *s, __u64 flags)
{
	struct bpf_insn ldm[] = { LD_MAP_FD(BPF_REG_2, s->map) };
	struct bpf_insn ldf[] = { LD_IMM64(BPF_REG_3, flags) };
	struct bpf_insn p[48];
	int n = 0, nr_jmp, pid_jmp;

	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_6, BPF_REG_1);
	p[n++] = (struct bpf_insn)LDX_MEM(BPF_DW, BPF_REG_7, BPF_REG_6, 8);
	nr_jmp = n;
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JNE, BPF_REG_7, SYS_getppid, 0);
	p[n++] = (struct bpf_insn)CALL(BPF_FUNC_get_current_pid_tgid);
	p[n++] = (struct bpf_insn)ALU64_IMM(BPF_RSH, BPF_REG_0, 32);
	pid_jmp = n;
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JNE, BPF_REG_0, getpid(), 0);
	p[n++] = (struct bpf_insn)ST_MEM(BPF_DW, BPF_REG_10, -16, PERF_TAG);
	p[n++] = (struct bpf_insn)CALL(BPF_FUNC_get_smp_processor_id);
	p[n++] = (struct bpf_insn)STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, -8);
	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_1, BPF_REG_6);
	p[n++] = ldm[0];
	p[n++] = ldm[1];
	p[n++] = ldf[0];
	p[n++] = ldf[1];
	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_4, BPF_REG_10);
	p[n++] = (struct bpf_insn)ALU64_IMM(BPF_ADD, BPF_REG_4, -16);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_5, 16);
	p[n++] = (struct bpf_insn)CALL(BPF_FUNC_perf_event_output);
	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_8, BPF_REG_0);
	n = emit_lookup_key(p, n, s->vals, 0);
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 4);
	p[n++] = (struct bpf_insn)STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_8, 8);
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JEQ, BPF_REG_8, 0, 2);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_1, 1);
	p[n++] = (struct bpf_insn)ATOMIC_ADD64(BPF_REG_0, BPF_REG_1, 0);
	p[nr_jmp].off = n - (nr_jmp + 1);
	p[pid_jmp].off = n - (pid_jmp + 1);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_0, 0);
	p[n++] = (struct bpf_insn)EXIT_INSN();
	return load_ex(b, RAW_TP, p, n, 0);
}

/* A packet program: sample {PERF_TAG} with flags (ctx bytes in bits 32..51); return the result. */
static int load_pkt_output(const struct backend *b, __u32 type, int map, __u64 flags)
{
	struct bpf_insn p[] = {
		MOV64_REG(BPF_REG_6, BPF_REG_1),
		ST_MEM(BPF_DW, BPF_REG_10, -8, PERF_TAG),
		MOV64_REG(BPF_REG_1, BPF_REG_6),
		LD_MAP_FD(BPF_REG_2, map),
		LD_IMM64(BPF_REG_3, flags),
		MOV64_REG(BPF_REG_4, BPF_REG_10),
		ALU64_IMM(BPF_ADD, BPF_REG_4, -8),
		MOV64_IMM(BPF_REG_5, 8),
		CALL(BPF_FUNC_perf_event_output),
		EXIT_INSN(),
	};

	return load_ex(b, type, p, ARRAY_SIZE(p), 0);
}

static void read_vals(const struct backend *b, int map, __u64 v[2])
{
	__u32 key = 0;

	memset(v, 0, 16);
	CHECK(b_map_lookup(b, map, &key, v) == 0, "%s: lookup vals", b->name);
}

/* Records of both sides: same bytes; count PERF_RECORD_SAMPLEs of kbpf's. */
static int compare_records(const char *what, const unsigned char *kb, size_t nkb,
			   const unsigned char *kr, size_t nkr)
{
	const struct perf_event_header *h;
	size_t off;
	int samples = 0;

	CHECK(nkb == nkr && !memcmp(kb, kr, nkb), "%s: kbpf's records (%zu bytes) differ from "
	      "the kernel's (%zu bytes)", what, nkb, nkr);
	for (off = 0; off + sizeof(*h) <= nkb; off += h->size) {
		h = (const void *)(kb + off);
		if (!h->size)
			break;
		samples += h->type == PERF_RECORD_SAMPLE;
	}
	return samples;
}

static void tp_case(struct side *s, int ncpu, const char *what, __u64 flags, int want_samples)
{
	static unsigned char buf[2][PERF_DATA_PAGES * 4096 * PERF_MAX_CPUS];
	__u64 v[2][2];
	size_t nb[2];
	int k, prog[2], link[2], samples, i;

	for (k = 0; k < 2; k++) {
		prog[k] = load_sys_enter_output(backends[k], &s[k], flags);
		REQUIRE(prog[k] >= 0, "%s: load", backends[k]->name);
		link[k] = b_raw_tp_open(backends[k], "sys_enter", prog[k]);
		REQUIRE(link[k] >= 0, "%s: raw_tp: %s", backends[k]->name, kt_res(link[k]));
		close(prog[k]);
	}
	for (i = 0; i < PERF_CALLS; i++)
		syscall(SYS_getppid);
	for (k = 0; k < 2; k++) {
		close(link[k]);
		read_vals(backends[k], s[k].vals, v[k]);
		nb[k] = side_drain(&s[k], buf[k], sizeof(buf[k]));
	}
	SAME_VAL(what, v[0][1], v[1][1]);
	SAME_VAL("failed outputs", v[0][0], v[1][0]);
	samples = compare_records(what, buf[0], nb[0], buf[1], nb[1]);
	CHECK(samples == want_samples, "%s: %d samples, want %d", what, samples, want_samples);
	kt_info("%s: %d samples of %d calls on %d CPUs, helper result %s on both", what, samples,
		PERF_CALLS, ncpu, kt_res((long)v[0][1]));
}

static void pkt_case(struct side *s, __u32 type, const char *what, __u64 flags)
{
	static unsigned char buf[2][PERF_DATA_PAGES * 4096 * PERF_MAX_CPUS];
	__u32 retval[2] = { 0, 0 };
	size_t nb[2];
	int k, prog;

	for (k = 0; k < 2; k++) {
		prog = load_pkt_output(backends[k], type, s[k].map, flags);
		REQUIRE(prog >= 0, "%s: load %s", backends[k]->name, what);
		CHECK(b_run_frame(backends[k], prog, &retval[k]) == 0, "%s: %s: test_run",
		      backends[k]->name, what);
		close(prog);
		nb[k] = side_drain(&s[k], buf[k], sizeof(buf[k]));
	}
	SAME_VAL(what, retval[0], retval[1]);
	kt_info("%s: retval %s, %d samples", what, kt_res((int)retval[0]),
		compare_records(what, buf[0], nb[0], buf[1], nb[1]));
}

void test_perf_event_output(void)
{
	static struct side s[2];
	int ncpu = online_cpus(), k;
	__u32 key;

	REQUIRE(ncpu >= 1, "no CPU online");
	for (k = 0; k < 2; k++)
		side_open(backends[k], &s[k], ncpu);

	tp_case(s, ncpu, "raw_tp, BPF_F_CURRENT_CPU", BPF_F_CURRENT_CPU, PERF_CALLS);
	tp_case(s, ncpu, "raw_tp, index past the array", ncpu, 0);
	tp_case(s, ncpu, "raw_tp, a ctxlen flag", BPF_F_CURRENT_CPU | (8ULL << 32), 0);
	pkt_case(s, BPF_PROG_TYPE_SOCKET_FILTER, "socket filter + 14 packet bytes",
		 BPF_F_CURRENT_CPU | (14ULL << 32));
	pkt_case(s, BPF_PROG_TYPE_SOCKET_FILTER, "socket filter + 1000 packet bytes",
		 BPF_F_CURRENT_CPU | (1000ULL << 32));
	pkt_case(s, BPF_PROG_TYPE_SCHED_CLS, "tc + 20 packet bytes",
		 BPF_F_CURRENT_CPU | (20ULL << 32));
	pkt_case(s, BPF_PROG_TYPE_XDP, "xdp + 64 packet bytes", BPF_F_CURRENT_CPU | (64ULL << 32));
	pkt_case(s, BPF_PROG_TYPE_XDP, "xdp, bad flags", BPF_F_CURRENT_CPU | (1ULL << 60));
	/* empty slots: -ENOENT */
	for (k = 0; k < 2; k++)
		for (key = 0; key < (__u32)ncpu; key++)
			b_map_delete(backends[k], s[k].map, &key);
	tp_case(s, ncpu, "raw_tp, empty slots", BPF_F_CURRENT_CPU, 0);
	for (k = 0; k < 2; k++)
		side_close(&s[k]);
}
