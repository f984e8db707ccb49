// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_RINGBUF against the guest kernel's own: MAP_CREATE checks
 * and the element commands' errnos, mmap() permissions and layout, the
 * records an mmap consumer sees (lengths, contents, order, discarded
 * records skipped, records wrapping the end of the ring, the header's page
 * offset), running out of room, bpf_ringbuf_query(), epoll wakeups
 * (default, BPF_RB_NO_WAKEUP, BPF_RB_FORCE_WAKEUP), and the verifier's
 * verdicts on reference-tracking programs. Every sequence runs on kbpf and
 * on the kernel and the traces must match; the record contents are also
 * checked against what the program wrote.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "kbpf_test.h"

#define SF		BPF_PROG_TYPE_SOCKET_FILTER
#define RB_SIZE		4096
#define PG		4096
#define R0 BPF_REG_0
#define R1 BPF_REG_1
#define R2 BPF_REG_2
#define R3 BPF_REG_3
#define R4 BPF_REG_4
#define R6 BPF_REG_6
#define R7 BPF_REG_7
#define R8 BPF_REG_8
#define R10 BPF_REG_10

/* r0 = bpf_ringbuf_reserve(m, sz, 0) */
#define RESERVE(m, sz) \
	LD_MAP_FD(R1, m), MOV64_IMM(R2, sz), MOV64_IMM(R3, 0), CALL(BPF_FUNC_ringbuf_reserve)
/* bpf_ringbuf_submit/discard(r, flags) */
#define COMMIT(fn, r, fl) MOV64_REG(R1, r), MOV64_IMM(R2, fl), CALL(fn)

static const unsigned char host_mac[6];

static int run_len(const struct backend *b, int fd, __u32 len, __u32 *ret)
{
	unsigned char pkt[256];
	struct run_opts o = { .data = pkt, .data_size = len };
	int err;

	make_packet(pkt, len, host_mac, 0x0800);
	err = b_test_run(b, fd, &o);
	*ret = o.retval;
	return err;
}

static unsigned long long fnv_add(unsigned long long h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 1099511628211ull;
	return h;
}

static unsigned long long rec_hash(unsigned long long h, const void *p, __u32 len)
{
	h = fnv_add(h, &len, sizeof(len));
	return fnv_add(h, p, len);
}

/* A ring's userspace view: consumer page (rw), producer page + data twice (ro). */
struct rb_view {
	volatile unsigned long *cons;
	volatile unsigned long *prod;
	unsigned char *data;
	unsigned long size;
};

static int rb_map(int fd, unsigned long size, struct rb_view *v)
{
	void *c, *p;

	c = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (c == MAP_FAILED)
		return -errno;
	p = mmap(NULL, PG + 2 * size, PROT_READ, MAP_SHARED, fd, PG);
	if (p == MAP_FAILED) {
		munmap(c, PG);
		return -errno;
	}
	v->cons = c;
	v->prod = p;
	v->data = (unsigned char *)p + PG;
	v->size = size;
	return 0;
}

static void rb_unmap(struct rb_view *v)
{
	munmap((void *)v->cons, PG);
	munmap((void *)v->prod, PG + 2 * v->size);
}

struct rb_seen {
	int records, discarded, busy;
	unsigned long long hash;	/* over (len, bytes) of each record, in order */
	__u32 first_pg_off;
	unsigned char last[64];		/* the last record's bytes */
	__u32 last_len;
};

/* Consume everything committed, as libbpf's ringbuf_process_ring() does. */
static void rb_consume(struct rb_view *v, struct rb_seen *s)
{
	unsigned long cons = *v->cons, prod;

	memset(s, 0, sizeof(*s));
	s->hash = 1469598103934665603ull;
	prod = __atomic_load_n(v->prod, __ATOMIC_ACQUIRE);
	while (cons < prod) {
		__u32 *hdr = (__u32 *)(v->data + (cons & (v->size - 1)));
		__u32 len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

		if (len & BPF_RINGBUF_BUSY_BIT) {
			s->busy++;
			break;
		}
		if (!s->records && !s->discarded)
			s->first_pg_off = hdr[1];
		cons += (((len & ~BPF_RINGBUF_DISCARD_BIT) + BPF_RINGBUF_HDR_SZ) + 7) & ~7ul;
		if (len & BPF_RINGBUF_DISCARD_BIT) {
			s->discarded++;
		} else {
			/* a record wrapping the end reads on into the second mapping */
			s->hash = rec_hash(s->hash, hdr + 2, len);
			s->records++;
			s->last_len = len;
			memcpy(s->last, hdr + 2, len < sizeof(s->last) ? len : sizeof(s->last));
		}
		__atomic_store_n(v->cons, cons, __ATOMIC_RELEASE);
	}
}

/*
 * Per run: A = reserve 16 {skb->len, 0x1111} submit; B = reserve 8 {0x2222}
 * discard; C = output 24 bytes {skb->len, 0x3333, 0x4444}; D = reserve 5
 * {(u32)skb->len, 0x55} submit. Returns 0, or 1 as soon as one fails.
 */
static int load_records_prog(const struct backend *b, int m)
{
	struct bpf_insn p[] = {
		LDX_MEM(BPF_W, R8, R1, 0),
		RESERVE(m, 16), JMP_IMM(BPF_JEQ, R0, 0, 39),
		STX_MEM(BPF_DW, R0, R8, 0), ST_MEM(BPF_DW, R0, 8, 0x1111),
		COMMIT(BPF_FUNC_ringbuf_submit, R0, 0),
		RESERVE(m, 8), JMP_IMM(BPF_JEQ, R0, 0, 28),
		ST_MEM(BPF_DW, R0, 0, 0x2222), COMMIT(BPF_FUNC_ringbuf_discard, R0, 0),
		STX_MEM(BPF_DW, R10, R8, -24), ST_MEM(BPF_DW, R10, -16, 0x3333),
		ST_MEM(BPF_DW, R10, -8, 0x4444), LD_MAP_FD(R1, m), MOV64_REG(R2, R10),
		ALU64_IMM(BPF_ADD, R2, -24), MOV64_IMM(R3, 24), MOV64_IMM(R4, 0),
		CALL(BPF_FUNC_ringbuf_output), JMP_IMM(BPF_JNE, R0, 0, 13),
		RESERVE(m, 5), JMP_IMM(BPF_JEQ, R0, 0, 7),
		STX_MEM(BPF_W, R0, R8, 0), ST_MEM(BPF_B, R0, 4, 0x55),
		COMMIT(BPF_FUNC_ringbuf_submit, R0, 0),
		MOV64_IMM(R0, 0), EXIT_INSN(),
		MOV64_IMM(R0, 1), EXIT_INSN(),
	};

	return b_prog_load(b, SF, p, ARRAY_SIZE(p), "GPL", NULL, 0, "rb_records");
}

/* return (u32)bpf_ringbuf_query(m, flags) */
static int load_query_prog(const struct backend *b, int m, int flags)
{
	struct bpf_insn p[] = {
		LD_MAP_FD(R1, m), MOV64_IMM(R2, flags), CALL(BPF_FUNC_ringbuf_query), EXIT_INSN(),
	};

	return b_prog_load(b, SF, p, ARRAY_SIZE(p), "GPL", NULL, 0, "rb_query");
}

/* reserve 8 {skb->len}; submit or discard with flags; return 0 (1: no room) */
static int load_commit_prog(const struct backend *b, int m, int fn, int flags)
{
	struct bpf_insn p[] = {
		LDX_MEM(BPF_W, R8, R1, 0), RESERVE(m, 8), JMP_IMM(BPF_JEQ, R0, 0, 6),
		STX_MEM(BPF_DW, R0, R8, 0), COMMIT(fn, R0, flags), MOV64_IMM(R0, 0), EXIT_INSN(),
		MOV64_IMM(R0, 1), EXIT_INSN(),
	};

	return b_prog_load(b, SF, p, ARRAY_SIZE(p), "GPL", NULL, 0, "rb_commit");
}

static void query_all(const struct backend *b, struct trace *t, const int *q, const char *when)
{
	static const char *const names[] = { "AVAIL_DATA", "RING_SIZE", "CONS_POS",
					     "PROD_POS", "unknown" };
	__u32 ret;
	int i, r;

	for (i = 0; i < 5; i++) {
		r = run_len(b, q[i], 60, &ret);
		tr(t, r, ret, "%s: query %s", when, names[i]);
	}
}

/* Is this run's record sequence exactly what the program wrote? */
static void check_records(const struct backend *b, const struct rb_seen *s, __u32 len, int run)
{
	__u64 want_a[2] = { len, 0x1111 }, want_c[3] = { len, 0x3333, 0x4444 };
	unsigned char want_d[5];
	unsigned long long h = 1469598103934665603ull;

	memcpy(want_d, &len, 4);
	want_d[4] = 0x55;
	h = rec_hash(h, want_a, sizeof(want_a));
	h = rec_hash(h, want_c, sizeof(want_c));
	h = rec_hash(h, want_d, sizeof(want_d));
	CHECK(s->records == 3 && s->discarded == 1 && !s->busy,
	      "%s run %d: %d records, %d discarded, %d busy", b->name, run, s->records,
	      s->discarded, s->busy);
	CHECK(s->hash == h, "%s run %d: records differ from what the program wrote",
	      b->name, run);
	CHECK(s->last_len == 5 && !memcmp(s->last, want_d, 5), "%s run %d: last record",
	      b->name, run);
}

void test_ringbuf_records(void)
{
	struct trace *t = calloc(2, sizeof(*t));
	int k;

	REQUIRE(t, "calloc");
	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		struct rb_view v;
		struct rb_seen s;
		int m, fd, q[5], i, r, ok;
		__u32 ret;

		m = b_map_create(b, BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE, 0, "rb");
		REQUIRE(m >= 0, "%s: create: %s", b->name, kt_res(m));
		fd = load_records_prog(b, m);
		REQUIRE(fd >= 0, "%s: load: %s", b->name, kt_res(fd));
		for (i = 0; i < 5; i++) {
			q[i] = load_query_prog(b, m, i < 4 ? i : 7);
			REQUIRE(q[i] >= 0, "%s: load query: %s", b->name, kt_res(q[i]));
		}
		r = rb_map(m, RB_SIZE, &v);
		REQUIRE(!r, "%s: mmap: %s", b->name, kt_res(r));
		query_all(b, &t[k], q, "empty");

		/* 100 runs of 88 bytes, consumed after each: the ring wraps twice */
		for (i = 0; i < 100; i++) {
			__u32 len = 60 + i % 50;

			r = run_len(b, fd, len, &ret);
			rb_consume(&v, &s);
			if (i < 90 || i == 99) {
				tr(&t[k], r, ret, "run %d", i);
				tr(&t[k], s.records * 100 + s.discarded, s.hash, "run %d records",
				   i);
			}
			if (i == 0)
				tr(&t[k], 0, s.first_pg_off, "first record's pg_off");
			/* skb->len: the frame after its Ethernet header (TEST_RUN pulls it) */
			if (!r && !ret)
				check_records(b, &s, len - 14, i);
			else
				CHECK(0, "%s run %d: %s retval %u", b->name, i, kt_res(r), ret);
		}
		query_all(b, &t[k], q, "consumed");

		/* fill it without consuming: runs succeed until there is no room */
		for (i = 0, ok = 0; i < 100; i++) {
			r = run_len(b, fd, 70, &ret);
			if (r || ret)
				break;
			ok++;
		}
		tr(&t[k], r, ret, "fill: first failing run's result");
		tr(&t[k], 0, ok, "fill: full runs");
		query_all(b, &t[k], q, "full");
		rb_consume(&v, &s);
		tr(&t[k], s.records * 100 + s.discarded, s.hash, "full ring's records");
		query_all(b, &t[k], q, "drained");
		rb_unmap(&v);
		for (i = 0; i < 5; i++)
			close(q[i]);
		close(fd);
		close(m);
	}
	compare_traces(&t[0], &t[1]);
	free(t);
}

/* MAP_CREATE's checks, and what the element commands say to a ringbuf. */
void test_ringbuf_create_and_commands(void)
{
	static const struct {
		const char *what;
		__u32 ksz, vsz, max, flags;
	} cases[] = {
		{ "ok 4096", 0, 0, 4096, 0 },
		{ "ok 64k", 0, 0, 65536, 0 },
		{ "max 0", 0, 0, 0, 0 },
		{ "max 4097", 0, 0, 4097, 0 },
		{ "max 12288 (not a power of 2)", 0, 0, 12288, 0 },
		{ "max 2048 (not page aligned)", 0, 0, 2048, 0 },
		{ "key 4", 4, 0, 4096, 0 },
		{ "value 8", 0, 8, 4096, 0 },
		{ "NO_PREALLOC", 0, 0, 4096, BPF_F_NO_PREALLOC },
		{ "MMAPABLE", 0, 0, 4096, BPF_F_MMAPABLE },
		{ "RDONLY", 0, 0, 4096, BPF_F_RDONLY },
		{ "RDONLY_PROG", 0, 0, 4096, BPF_F_RDONLY_PROG },
		{ "RDONLY|WRONLY", 0, 0, 4096, BPF_F_RDONLY | BPF_F_WRONLY },
		{ "NUMA_NODE 0", 0, 0, 4096, BPF_F_NUMA_NODE },
	};
	struct trace t[2];
	int k;
	size_t i;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		struct bpf_map_info info;
		__u32 len = sizeof(info), key = 0;
		unsigned char val[8];
		union bpf_attr a;
		int m, r;

		memset(&t[k], 0, sizeof(t[k]));
		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			m = b_map_create(b, BPF_MAP_TYPE_RINGBUF, cases[i].ksz, cases[i].vsz,
					 cases[i].max, cases[i].flags, NULL);
			tr(&t[k], m, 0, "create %s", cases[i].what);
			if (m >= 0)
				close(m);
		}
		memset(&a, 0, sizeof(a));
		a.map_type = BPF_MAP_TYPE_RINGBUF;
		a.max_entries = 4096;
		a.map_extra = 1;
		m = (int)b_call(b, BPF_MAP_CREATE, &a);
		tr(&t[k], m, 0, "create map_extra 1");
		if (m >= 0)
			close(m);

		m = b_map_create(b, BPF_MAP_TYPE_RINGBUF, 0, 0, 8192, 0, "rb");
		REQUIRE(m >= 0, "%s: create: %s", b->name, kt_res(m));
		memset(&info, 0, sizeof(info));
		r = b_obj_info(b, m, &info, &len);
		tr(&t[k], r, info.type, "info type");
		tr(&t[k], 0, info.max_entries, "info max_entries");
		tr(&t[k], 0, info.key_size + info.value_size, "info key+value size");
		{
			char lock[32] = "";

			tr(&t[k], fdinfo_get(m, "memlock", lock, sizeof(lock)) ? 0 : -ENOENT,
			   strtoull(lock, NULL, 10), "fdinfo memlock");
		}
		tr(&t[k], b_map_elem(b, BPF_MAP_LOOKUP_ELEM, m, NULL, val, 0), 0, "lookup");
		tr(&t[k], b_map_elem(b, BPF_MAP_LOOKUP_ELEM, m, &key, val, 0), 0,
		   "lookup with a key");
		tr(&t[k], b_map_elem(b, BPF_MAP_UPDATE_ELEM, m, NULL, val, 0), 0, "update");
		tr(&t[k], b_map_elem(b, BPF_MAP_DELETE_ELEM, m, NULL, NULL, 0), 0, "delete");
		tr(&t[k], b_map_elem(b, BPF_MAP_GET_NEXT_KEY, m, NULL, val, 0), 0, "get_next_key");
		tr(&t[k], b_map_elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, m, NULL, val, 0), 0,
		   "lookup_and_delete");
		memset(&a, 0, sizeof(a));
		a.batch.map_fd = m;
		a.batch.keys = (__u64)(unsigned long)val;
		a.batch.values = (__u64)(unsigned long)val;
		a.batch.count = 1;
		tr(&t[k], b_call(b, BPF_MAP_LOOKUP_BATCH, &a), 0, "lookup_batch");
		close(m);
	}
	compare_traces(&t[0], &t[1]);
}

static long mmap_res(int fd, size_t len, int prot, int flags, off_t off, void **out)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (out)
		*out = p;
	if (p == MAP_FAILED)
		return -errno;
	if (!out)
		munmap(p, len);
	return 0;
}

/* Only the consumer page may be writable; read-only stays read-only. */
void test_ringbuf_mmap_perms(void)
{
	const int rw = PROT_READ | PROT_WRITE;
	struct trace t[2];
	int k;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		void *p;
		long r;
		int m;

		memset(&t[k], 0, sizeof(t[k]));
		m = b_map_create(b, BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE, 0, "rb");
		REQUIRE(m >= 0, "%s: create: %s", b->name, kt_res(m));
		tr(&t[k], mmap_res(m, PG, rw, MAP_SHARED, 0, NULL), 0, "rw consumer page");
		tr(&t[k], mmap_res(m, 2 * PG, rw, MAP_SHARED, 0, NULL), 0, "rw two pages");
		tr(&t[k], mmap_res(m, PG, rw, MAP_SHARED, PG, NULL), 0, "rw producer page");
		tr(&t[k], mmap_res(m, PG, rw, MAP_SHARED, 2 * PG, NULL), 0, "rw data page");
		tr(&t[k], mmap_res(m, PG, PROT_READ, MAP_PRIVATE, 0, NULL), 0, "private");
		tr(&t[k], mmap_res(m, 4 * PG, PROT_READ, MAP_SHARED, 0, NULL), 0, "ro everything");
		tr(&t[k], mmap_res(m, 5 * PG, PROT_READ, MAP_SHARED, 0, NULL), 0,
		   "ro past the end");
		tr(&t[k], mmap_res(m, PG, PROT_READ, MAP_SHARED, 4 * PG, NULL), 0,
		   "ro offset past end");
		r = mmap_res(m, 3 * PG, PROT_READ, MAP_SHARED, PG, &p);
		tr(&t[k], r, 0, "ro producer + data");
		if (!r) {
			tr(&t[k], mprotect(p, PG, rw) ? -errno : 0, 0, "mprotect ro -> rw");
			munmap(p, 3 * PG);
		}
		r = mmap_res(m, PG, rw, MAP_SHARED, 0, &p);
		tr(&t[k], r, 0, "rw consumer page, kept");
		{
			union bpf_attr a;

			memset(&a, 0, sizeof(a));
			a.map_fd = m;
			tr(&t[k], b_call(b, BPF_MAP_FREEZE, &a), 0, "freeze while mapped rw");
			if (!r)
				munmap(p, PG);
			tr(&t[k], b_call(b, BPF_MAP_FREEZE, &a), 0, "freeze after munmap");
		}
		tr(&t[k], mmap_res(m, PG, rw, MAP_SHARED, 0, NULL), 0, "rw consumer page frozen");
		tr(&t[k], mmap_res(m, PG, PROT_READ, MAP_SHARED, 0, NULL), 0,
		   "ro consumer page frozen");
		close(m);
	}
	compare_traces(&t[0], &t[1]);
}

/* Edge-triggered epoll: exactly the wakeups the ring sends show up. */
static int wakeups(int ep, int timeout_ms, __u32 *events)
{
	struct epoll_event e;
	int n = epoll_wait(ep, &e, 1, timeout_ms);

	*events = n > 0 ? e.events : 0;
	return n < 0 ? -errno : n;
}

static void step_run(const struct backend *b, struct trace *t, int fd, const char *what)
{
	__u32 ret = 0;
	int r = run_len(b, fd, 60, &ret);

	tr(t, r, ret, "%s", what);
}

static void step_wait(struct trace *t, int ep, int timeout_ms, const char *what)
{
	__u32 evs = 0;
	int r = wakeups(ep, timeout_ms, &evs);

	tr(t, r, evs, "%s", what);
}

static void step_poll(struct trace *t, struct pollfd *pfd, const char *what)
{
	int r;

	pfd->revents = 0;
	r = poll(pfd, 1, 0);
	tr(t, r, pfd->revents, "%s", what);
}

void test_ringbuf_poll_wakeup(void)
{
	struct trace t[2];
	int k;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		int m, ep, dflt, nowake, force, disc_force;
		struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
		struct pollfd pfd;
		struct rb_view v;
		struct rb_seen s;

		memset(&t[k], 0, sizeof(t[k]));
		m = b_map_create(b, BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE, 0, "rb");
		REQUIRE(m >= 0, "%s: create: %s", b->name, kt_res(m));
		dflt = load_commit_prog(b, m, BPF_FUNC_ringbuf_submit, 0);
		nowake = load_commit_prog(b, m, BPF_FUNC_ringbuf_submit, BPF_RB_NO_WAKEUP);
		force = load_commit_prog(b, m, BPF_FUNC_ringbuf_submit, BPF_RB_FORCE_WAKEUP);
		disc_force = load_commit_prog(b, m, BPF_FUNC_ringbuf_discard, BPF_RB_FORCE_WAKEUP);
		REQUIRE(dflt >= 0 && nowake >= 0 && force >= 0 && disc_force >= 0,
			"%s: load: %s", b->name, kt_res(dflt));
		REQUIRE(!rb_map(m, RB_SIZE, &v), "%s: mmap", b->name);
		ep = epoll_create1(0);
		REQUIRE(ep >= 0, "epoll_create1");
		tr(&t[k], epoll_ctl(ep, EPOLL_CTL_ADD, m, &ev) ? -errno : 0, 0, "epoll_ctl add");

		pfd.fd = m;
		pfd.events = POLLIN;
		step_poll(&t[k], &pfd, "poll, empty");
		step_wait(&t[k], ep, 0, "epoll, empty");
		step_run(b, &t[k], dflt, "submit (reader caught up)");
		step_wait(&t[k], ep, 2000, "wakeup after the first record");
		step_run(b, &t[k], dflt, "submit (reader behind)");
		step_wait(&t[k], ep, 300, "no wakeup while the reader is behind");
		step_run(b, &t[k], force, "submit FORCE_WAKEUP");
		step_wait(&t[k], ep, 2000, "forced wakeup");
		step_poll(&t[k], &pfd, "poll, 3 records");
		rb_consume(&v, &s);
		tr(&t[k], s.records, s.hash, "consumed");
		step_poll(&t[k], &pfd, "poll, drained");
		step_run(b, &t[k], nowake, "submit NO_WAKEUP (reader caught up)");
		step_wait(&t[k], ep, 300, "no wakeup with NO_WAKEUP");
		step_poll(&t[k], &pfd, "poll sees it anyway");
		rb_consume(&v, &s);
		step_run(b, &t[k], disc_force, "discard FORCE_WAKEUP");
		step_wait(&t[k], ep, 2000, "wakeup for a discarded record");
		rb_consume(&v, &s);
		tr(&t[k], s.records * 100 + s.discarded, 0, "consumed: the discarded record");
		step_run(b, &t[k], dflt, "submit (reader caught up again)");
		step_wait(&t[k], ep, 2000, "wakeup again");
		close(ep);
		rb_unmap(&v);
		close(dflt);
		close(nowake);
		close(force);
		close(disc_force);
		close(m);
	}
	compare_traces(&t[0], &t[1]);
}

/* The verifier's verdicts (and errnos) on reference-tracking programs. */
void test_ringbuf_verdicts(void)
{
	struct trace t[2];
	int k;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		int m, arr, pa, fd;

		memset(&t[k], 0, sizeof(t[k]));
		m = b_map_create(b, BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE, 0, "rb");
		arr = b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, "arr");
		pa = b_map_create(b, BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 1, 0, "pa");
		REQUIRE(m >= 0 && arr >= 0 && pa >= 0, "%s: create", b->name);
#define VERDICT(name, ...) do {							\
		struct bpf_insn p[] = { __VA_ARGS__ };				\
		fd = b_prog_load(b, SF, p, ARRAY_SIZE(p), "GPL", NULL, 0, NULL); \
		tr(&t[k], fd, 0, "%s", name);					\
		if (fd >= 0)							\
			close(fd);						\
	} while (0)
#define CHECKED(sz) RESERVE(m, sz), MOV64_REG(R7, R0), JMP_IMM(BPF_JNE, R0, 0, 2), \
		MOV64_IMM(R0, 0), EXIT_INSN()
		VERDICT("reserve, write, submit", CHECKED(16), ST_MEM(BPF_DW, R7, 8, 1),
			COMMIT(BPF_FUNC_ringbuf_submit, R7, 0), MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("discard through the checked copy", CHECKED(8),
			COMMIT(BPF_FUNC_ringbuf_discard, R7, 0), MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("leak", CHECKED(8), MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("leak on one arm", LDX_MEM(BPF_W, R6, R1, 0), CHECKED(8),
			JMP_IMM(BPF_JSET, R6, 1, 3), COMMIT(BPF_FUNC_ringbuf_submit, R7, 0),
			MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("double submit", CHECKED(8), COMMIT(BPF_FUNC_ringbuf_submit, R7, 0),
			COMMIT(BPF_FUNC_ringbuf_submit, R7, 0), MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("use after submit", CHECKED(8), COMMIT(BPF_FUNC_ringbuf_submit, R7, 0),
			LDX_MEM(BPF_DW, R0, R7, 0), EXIT_INSN());
		VERDICT("write before the null check", RESERVE(m, 8), ST_MEM(BPF_DW, R0, 0, 1),
			MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("submit before the null check", RESERVE(m, 8),
			COMMIT(BPF_FUNC_ringbuf_submit, R0, 0), MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("submit a moved pointer", CHECKED(16), ALU64_IMM(BPF_ADD, R7, 8),
			COMMIT(BPF_FUNC_ringbuf_submit, R7, 0), MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("write past the sample", CHECKED(16), ST_MEM(BPF_DW, R7, 16, 1),
			COMMIT(BPF_FUNC_ringbuf_submit, R7, 0), MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("size not constant", LDX_MEM(BPF_W, R2, R1, 0), LD_MAP_FD(R1, m),
			MOV64_IMM(R3, 0), CALL(BPF_FUNC_ringbuf_reserve), MOV64_IMM(R0, 0),
			EXIT_INSN());
		VERDICT("reserve on an array", RESERVE(arr, 8), MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("submit a stack pointer", MOV64_REG(R1, R10), ALU64_IMM(BPF_ADD, R1, -8),
			MOV64_IMM(R2, 0), CALL(BPF_FUNC_ringbuf_submit), MOV64_IMM(R0, 0),
			EXIT_INSN());
		VERDICT("tail call holding a sample", MOV64_REG(R6, R1), CHECKED(8),
			MOV64_REG(R1, R6), LD_MAP_FD(R2, pa), MOV64_IMM(R3, 0),
			CALL(BPF_FUNC_tail_call), COMMIT(BPF_FUNC_ringbuf_submit, R7, 0),
			MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("LD_ABS holding a sample", MOV64_REG(R6, R1), CHECKED(8),
			INSN(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 0),
			COMMIT(BPF_FUNC_ringbuf_submit, R7, 0), MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("output from a sample", CHECKED(16), LD_MAP_FD(R1, m), MOV64_REG(R2, R7),
			MOV64_IMM(R3, 16), MOV64_IMM(R4, 0), CALL(BPF_FUNC_ringbuf_output),
			COMMIT(BPF_FUNC_ringbuf_discard, R7, 0), MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("output flags", LD_MAP_FD(R1, m), MOV64_REG(R2, R10),
			ALU64_IMM(BPF_ADD, R2, -8), ST_MEM(BPF_DW, R10, -8, 0), MOV64_IMM(R3, 8),
			MOV64_IMM(R4, BPF_RB_FORCE_WAKEUP), CALL(BPF_FUNC_ringbuf_output),
			EXIT_INSN());
		VERDICT("atomic add in a sample", CHECKED(8), ST_MEM(BPF_DW, R7, 0, 2),
			MOV64_IMM(R1, 3), INSN(BPF_STX | BPF_DW | BPF_ATOMIC, R7, R1, 0, BPF_ADD),
			COMMIT(BPF_FUNC_ringbuf_discard, R7, 0), MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("sample as a map value", CHECKED(8), ST_MEM(BPF_W, R10, -4, 0),
			LD_MAP_FD(R1, arr), MOV64_REG(R2, R10), ALU64_IMM(BPF_ADD, R2, -4),
			MOV64_REG(R3, R7), MOV64_IMM(R4, 0), CALL(BPF_FUNC_map_update_elem),
			COMMIT(BPF_FUNC_ringbuf_discard, R7, 0), MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("loop reserving and submitting", LDX_MEM(BPF_W, R6, R1, 0),
			MOV64_IMM(R7, 0), RESERVE(m, 16), JMP_IMM(BPF_JNE, R0, 0, 3),
			MOV64_IMM(R0, 100), ALU64_REG(BPF_SUB, R0, R7), EXIT_INSN(),
			STX_MEM(BPF_DW, R0, R6, 0), STX_MEM(BPF_DW, R0, R7, 8),
			COMMIT(BPF_FUNC_ringbuf_submit, R0, 0), ALU64_IMM(BPF_ADD, R7, 1),
			JMP_IMM(BPF_JLT, R7, 100, -16), MOV64_IMM(R0, 0), EXIT_INSN());
		VERDICT("reserve in a callee, submit in the caller",
			INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 6),
			JMP_IMM(BPF_JEQ, R0, 0, 3), COMMIT(BPF_FUNC_ringbuf_submit, R0, 0),
			MOV64_IMM(R0, 0), EXIT_INSN(), RESERVE(m, 8), EXIT_INSN());
		VERDICT("reserve in a callee, leaked by the caller",
			INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 2),
			MOV64_IMM(R0, 0), EXIT_INSN(), RESERVE(m, 8), EXIT_INSN());
#undef CHECKED
#undef VERDICT
		close(m);
		close(arr);
		close(pa);
	}
	compare_traces(&t[0], &t[1]);
}

/* reserve(m, size, flags): discard and return 1, or return 2 for NULL */
static void run_reserve(const struct backend *b, struct trace *t, int m, int size, int flags,
			const char *name)
{
	struct bpf_insn p[] = {
		LD_MAP_FD(R1, m), MOV64_IMM(R2, size), MOV64_IMM(R3, flags),
		CALL(BPF_FUNC_ringbuf_reserve), JMP_IMM(BPF_JEQ, R0, 0, 5),
		COMMIT(BPF_FUNC_ringbuf_discard, R0, 0), MOV64_IMM(R0, 1),
		EXIT_INSN(), MOV64_IMM(R0, 2), EXIT_INSN(),
	};
	__u32 ret = 0;
	int fd, r;

	fd = b_prog_load(b, SF, p, ARRAY_SIZE(p), "GPL", NULL, 0, NULL);
	tr(t, fd, 0, "load %s", name);
	r = fd >= 0 ? run_len(b, fd, 60, &ret) : fd;
	tr(t, r, ret, "run %s (2: NULL)", name);
	if (fd >= 0)
		close(fd);
}

/* bpf_ringbuf_output's and reserve's error returns, as programs see them. */
void test_ringbuf_helper_errors(void)
{
	struct trace t[2];
	int k;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		__u32 ret = 0;
		int m, fd, r;

		memset(&t[k], 0, sizeof(t[k]));
		m = b_map_create(b, BPF_MAP_TYPE_RINGBUF, 0, 0, RB_SIZE, 0, "rb");
		REQUIRE(m >= 0, "%s: create", b->name);
#define RUNP(name, ...) do {							\
		struct bpf_insn p[] = { __VA_ARGS__ };				\
		fd = b_prog_load(b, SF, p, ARRAY_SIZE(p), "GPL", NULL, 0, NULL); \
		tr(&t[k], fd, 0, "load %s", name);				\
		if (fd >= 0) {							\
			r = run_len(b, fd, 60, &ret);				\
			tr(&t[k], r, ret, "run %s", name);			\
			close(fd);						\
		}								\
	} while (0)
		/* r0 >> 32 and the low half tell a 64-bit -errno from a 32-bit one */
#define OUTPUT(sz, fl) LD_MAP_FD(R1, m), MOV64_REG(R2, R10), ALU64_IMM(BPF_ADD, R2, -8), \
		ST_MEM(BPF_DW, R10, -8, 0), MOV64_IMM(R3, sz), MOV64_IMM(R4, fl), \
		CALL(BPF_FUNC_ringbuf_output), MOV64_REG(R6, R0), ALU64_IMM(BPF_RSH, R6, 32), \
		ALU64_IMM(BPF_AND, R0, 0xffff), ALU64_IMM(BPF_AND, R6, 0xffff), \
		ALU64_IMM(BPF_LSH, R6, 16), ALU64_REG(BPF_OR, R0, R6), EXIT_INSN()
		RUNP("output bad flags", OUTPUT(8, 4));
		RUNP("output 8", OUTPUT(8, 0));
		/* 4096 - 8: larger than the ring can ever hold */
		run_reserve(b, &t[k], m, RB_SIZE - 8, 0, "reserve ring-sized");
		run_reserve(b, &t[k], m, 8, 1, "reserve flags 1");
		RUNP("output 0 bytes", OUTPUT(0, 0));
		RUNP("output NO_WAKEUP|FORCE_WAKEUP",
		     OUTPUT(8, BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP));
#undef OUTPUT
#undef RUNP
		close(m);
	}
	compare_traces(&t[0], &t[1]);
}

#define CONC_WRITERS	3
#define CONC_REPEAT	3000
#define CONC_MAGIC	0x5a5aa5a5
#define CONC_RB_SIZE	(16 * PG)

/*
 * Writers on every vCPU at once (TEST_RUN with repeat in several
 * processes) while the parent consumes through mmap: every committed
 * record arrives exactly once and intact, and the records seen equal the
 * reservations the program counted as successful (counters[0]; failures,
 * when the reader is behind, in counters[1]). Invariants only: the timing
 * differs between runs, so kbpf and the kernel are each checked alone.
 */
void test_ringbuf_concurrent(void)
{
	int k;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		__u64 cnt[2] = { 0, 0 }, seen = 0, bad = 0;
		__u32 key = 0;
		pid_t pids[CONC_WRITERS];
		struct rb_view v;
		int m, c, fd, j, st, live;

		m = b_map_create(b, BPF_MAP_TYPE_RINGBUF, 0, 0, CONC_RB_SIZE, 0, "rb");
		c = b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, 16, 1, 0, "cnt");
		REQUIRE(m >= 0 && c >= 0, "%s: create", b->name);
		{
			/* r7 = &counters; reserve 24: {magic, len, ~magic}, counters[0]++ */
			struct bpf_insn p[] = {
				LDX_MEM(BPF_W, R8, R1, 0),
				ST_MEM(BPF_W, R10, -4, 0), LD_MAP_FD(R1, c), MOV64_REG(R2, R10),
				ALU64_IMM(BPF_ADD, R2, -4), CALL(BPF_FUNC_map_lookup_elem),
				JMP_IMM(BPF_JNE, R0, 0, 2), MOV64_IMM(R0, 1), EXIT_INSN(),
				MOV64_REG(R7, R0), MOV64_IMM(R6, 1),
				RESERVE(m, 24), JMP_IMM(BPF_JNE, R0, 0, 3),
				INSN(BPF_STX | BPF_DW | BPF_ATOMIC, R7, R6, 8, BPF_ADD),
				MOV64_IMM(R0, 0), EXIT_INSN(),
				ST_MEM(BPF_W, R0, 0, CONC_MAGIC), STX_MEM(BPF_DW, R0, R8, 8),
				ST_MEM(BPF_W, R0, 16, ~CONC_MAGIC),
				COMMIT(BPF_FUNC_ringbuf_submit, R0, 0),
				INSN(BPF_STX | BPF_DW | BPF_ATOMIC, R7, R6, 0, BPF_ADD),
				MOV64_IMM(R0, 0), EXIT_INSN(),
			};

			fd = b_prog_load(b, SF, p, ARRAY_SIZE(p), "GPL", NULL, 0, "rb_conc");
		}
		REQUIRE(fd >= 0, "%s: load: %s", b->name, kt_res(fd));
		REQUIRE(!rb_map(m, CONC_RB_SIZE, &v), "%s: mmap", b->name);
		for (j = 0; j < CONC_WRITERS; j++) {
			pids[j] = fork();
			REQUIRE(pids[j] >= 0, "fork");
			if (!pids[j]) {
				unsigned char pkt[64];
				struct run_opts o = { .data = pkt, .data_size = sizeof(pkt),
						      .repeat = CONC_REPEAT };

				make_packet(pkt, sizeof(pkt), host_mac, 0x0800);
				_exit(b_test_run(b, fd, &o) || o.retval ? 1 : 0);
			}
		}
		for (live = CONC_WRITERS; live >= 0;) {
			unsigned long cons = *v.cons, prod;

			prod = __atomic_load_n(v.prod, __ATOMIC_ACQUIRE);
			while (cons < prod) {
				__u32 *hdr = (__u32 *)(v.data + (cons & (v.size - 1)));
				__u32 len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

				if (len & BPF_RINGBUF_BUSY_BIT)
					break;
				if (len != 24 || hdr[2] != CONC_MAGIC ||
				    hdr[6] != (__u32)~CONC_MAGIC ||
				    *(__u64 *)(hdr + 4) != sizeof(unsigned char[64]) - 14)
					bad++;
				seen++;
				cons += 32;
				__atomic_store_n(v.cons, cons, __ATOMIC_RELEASE);
			}
			if (!live)
				break;
			if (waitpid(-1, &st, WNOHANG) > 0) {
				CHECK(WIFEXITED(st) && !WEXITSTATUS(st), "%s: a writer failed",
				      b->name);
				if (--live == 0)
					continue;	/* one more drain */
			}
		}
		REQUIRE(!b_map_lookup(b, c, &key, cnt), "%s: counters", b->name);
		CHECK(!bad, "%s: %llu malformed records", b->name, (unsigned long long)bad);
		CHECK(seen == cnt[0], "%s: %llu records seen, %llu reserved", b->name,
		      (unsigned long long)seen, (unsigned long long)cnt[0]);
		CHECK(cnt[0] + cnt[1] == (__u64)CONC_WRITERS * CONC_REPEAT,
		      "%s: %llu + %llu runs", b->name, (unsigned long long)cnt[0],
		      (unsigned long long)cnt[1]);
		CHECK(cnt[0] > 0, "%s: nothing reserved", b->name);
		kt_info("%s: %llu records, %llu reservations failed (reader behind)", b->name,
			(unsigned long long)cnt[0], (unsigned long long)cnt[1]);
		rb_unmap(&v);
		close(fd);
		close(c);
		close(m);
	}
}

#define TP_CALLS	40

/*
 * A raw tracepoint program (sys_enter) writing {syscall nr, tgid} for every
 * getppid(): both rings, attached at once, see exactly this process's
 * calls, and the first record wakes an epoll waiter from the tracepoint.
 */
void test_ringbuf_raw_tp(void)
{
	int m[2], prog[2], link[2], ep[2], k, i;
	struct rb_view v[2];
	__u32 evs;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		struct epoll_event ev = { .events = EPOLLIN | EPOLLET };

		m[k] = b_map_create(b, BPF_MAP_TYPE_RINGBUF, 0, 0, 4 * PG, 0, "rb");
		REQUIRE(m[k] >= 0, "%s: create: %s", b->name, kt_res(m[k]));
		{
			struct bpf_insn p[] = {
				LDX_MEM(BPF_DW, R7, R1, 8),
				JMP_IMM(BPF_JNE, R7, SYS_getppid, 14),
				CALL(BPF_FUNC_get_current_pid_tgid), MOV64_REG(R8, R0),
				ALU64_IMM(BPF_RSH, R8, 32), RESERVE(m[k], 16),
				JMP_IMM(BPF_JEQ, R0, 0, 5), STX_MEM(BPF_DW, R0, R7, 0),
				STX_MEM(BPF_DW, R0, R8, 8), COMMIT(BPF_FUNC_ringbuf_submit, R0, 0),
				MOV64_IMM(R0, 0), EXIT_INSN(),
			};

			prog[k] = b_prog_load(b, BPF_PROG_TYPE_RAW_TRACEPOINT, p, ARRAY_SIZE(p),
					      "GPL", NULL, 0, "rb_tp");
		}
		REQUIRE(prog[k] >= 0, "%s: load: %s", b->name, kt_res(prog[k]));
		REQUIRE(!rb_map(m[k], 4 * PG, &v[k]), "%s: mmap", b->name);
		ep[k] = epoll_create1(0);
		REQUIRE(ep[k] >= 0 && !epoll_ctl(ep[k], EPOLL_CTL_ADD, m[k], &ev), "epoll");
	}
	for (k = 0; k < 2; k++) {
		link[k] = b_raw_tp_open(backends[k], "sys_enter", prog[k]);
		REQUIRE(link[k] >= 0, "%s: attach: %s", backends[k]->name, kt_res(link[k]));
	}
	for (i = 0; i < TP_CALLS; i++)
		syscall(SYS_getppid);
	for (k = 0; k < 2; k++)
		close(link[k]);
	for (k = 0; k < 2; k++) {
		const char *name = backends[k]->name;
		unsigned long cons = *v[k].cons, prod = *v[k].prod;
		int mine = 0, bad = 0, r;

		r = wakeups(ep[k], 2000, &evs);
		CHECK(r == 1 && (evs & EPOLLIN), "%s: no wakeup from the tracepoint (%d, %#x)",
		      name, r, evs);
		for (; cons < prod; cons += 24) {
			__u32 *hdr = (__u32 *)(v[k].data + (cons & (v[k].size - 1)));
			__u64 *rec = (__u64 *)(hdr + 2);

			if (hdr[0] != 16 || rec[0] != SYS_getppid)
				bad++;
			else if (rec[1] == (__u64)getpid())
				mine++;
		}
		*v[k].cons = cons;
		CHECK(!bad, "%s: %d malformed records", name, bad);
		CHECK(mine == TP_CALLS, "%s: %d of this process's %d getppid() calls", name, mine,
		      TP_CALLS);
		rb_unmap(&v[k]);
		close(ep[k]);
		close(prog[k]);
		close(m[k]);
	}
}
