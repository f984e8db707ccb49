// SPDX-License-Identifier: GPL-2.0
/*
 * The map types of issue 4 (PERCPU_ARRAY, PERCPU_HASH, LRU_HASH,
 * LRU_PERCPU_HASH, QUEUE, STACK, BLOOM_FILTER, LPM_TRIE) and the commands
 * LOOKUP_AND_DELETE_ELEM, FREEZE and the batches. Every sequence runs on
 * kbpf and on the guest kernel and every errno and value must match;
 * where the LRU's choice of victim differs by design, only invariants are
 * checked. Last, a concurrency smoke test (the VM runs panic_on_warn).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include "kbpf_test.h"

#define MAX_CPUS	KT_MAX_CPUS

static int ncpus(void)
{
	return kt_possible_cpus();
}

static unsigned long long fnv(const void *p, size_t n)
{
	const unsigned char *c = p;
	unsigned long long h = 1469598103934665603ull;

	while (n--)
		h = (h ^ *c++) * 1099511628211ull;
	return h;
}

static int mk(const struct backend *b, __u32 type, __u32 ksz, __u32 vsz,
	      __u32 max, __u32 flags, __u64 extra)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = ksz;
	a.value_size = vsz;
	a.max_entries = max;
	a.map_flags = flags;
	a.map_extra = extra;
	return b_call(b, BPF_MAP_CREATE, &a);
}

static long elem(const struct backend *b, int cmd, int fd, const void *key,
		 void *val, __u64 flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (__u64)(unsigned long)key;
	a.value = (__u64)(unsigned long)val;
	a.flags = flags;
	return b_call(b, cmd, &a);
}

static void run2(void (*seq)(const struct backend *, struct trace *))
{
	static struct trace t[2];

	trace_both(seq, t);
	REQUIRE(t[1].n > 1 && t[1].e[0].res >= 0, "kernel map create failed");
	compare_traces(&t[0], &t[1]);
}

/* ---- MAP_CREATE ------------------------------------------------------------ */

void test_map2_create_invalid(void)
{
	static const struct {
		const char *what;
		__u32 type, ksz, vsz, max, flags;
		__u64 extra;
	} c[] = {
		{ "pcpu array key 8", BPF_MAP_TYPE_PERCPU_ARRAY, 8, 8, 4, 0, 0 },
		{ "pcpu array mmapable", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, BPF_F_MMAPABLE, 0 },
		{ "pcpu array NO_PREALLOC", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, BPF_F_NO_PREALLOC, 0 },
		{ "pcpu array vsz 0", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 0, 4, 0, 0 },
		{ "pcpu hash key 0", BPF_MAP_TYPE_PERCPU_HASH, 0, 8, 4, 0, 0 },
		{ "pcpu hash NO_COMMON_LRU", BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 4, BPF_F_NO_COMMON_LRU, 0 },
		{ "pcpu hash vsz 1M", BPF_MAP_TYPE_PERCPU_HASH, 4, 1 << 20, 4, 0, 0 },
		{ "hash NO_COMMON_LRU", BPF_MAP_TYPE_HASH, 4, 8, 4, BPF_F_NO_COMMON_LRU, 0 },
		{ "lru NO_PREALLOC", BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, BPF_F_NO_PREALLOC, 0 },
		{ "lru max 0", BPF_MAP_TYPE_LRU_HASH, 4, 8, 0, 0, 0 },
		{ "lru pcpu vsz 0", BPF_MAP_TYPE_LRU_PERCPU_HASH, 4, 0, 4, 0, 0 },
		{ "lru flags 1<<20", BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, 1 << 20, 0 },
		{ "queue key 4", BPF_MAP_TYPE_QUEUE, 4, 8, 4, 0, 0 },
		{ "queue vsz 0", BPF_MAP_TYPE_QUEUE, 0, 0, 4, 0, 0 },
		{ "queue max 0", BPF_MAP_TYPE_QUEUE, 0, 8, 0, 0, 0 },
		{ "queue NO_PREALLOC", BPF_MAP_TYPE_QUEUE, 0, 8, 4, BPF_F_NO_PREALLOC, 0 },
		{ "queue extra", BPF_MAP_TYPE_QUEUE, 0, 8, 4, 0, 1 },
		{ "stack vsz 1<<30", BPF_MAP_TYPE_STACK, 0, 1u << 30, 4, 0, 0 },
		{ "bloom key 4", BPF_MAP_TYPE_BLOOM_FILTER, 4, 8, 4, 0, 0 },
		{ "bloom extra 16", BPF_MAP_TYPE_BLOOM_FILTER, 0, 8, 4, 0, 16 },
		{ "bloom extra 1<<32", BPF_MAP_TYPE_BLOOM_FILTER, 0, 8, 4, 0, 1ull << 32 },
		{ "bloom vsz 0", BPF_MAP_TYPE_BLOOM_FILTER, 0, 0, 4, 0, 0 },
		{ "bloom NO_PREALLOC", BPF_MAP_TYPE_BLOOM_FILTER, 0, 8, 4, BPF_F_NO_PREALLOC, 0 },
		{ "lpm prealloc", BPF_MAP_TYPE_LPM_TRIE, 8, 8, 4, 0, 0 },
		{ "lpm key 4", BPF_MAP_TYPE_LPM_TRIE, 4, 8, 4, BPF_F_NO_PREALLOC, 0 },
		{ "lpm key 261", BPF_MAP_TYPE_LPM_TRIE, 261, 8, 4, BPF_F_NO_PREALLOC, 0 },
		{ "lpm vsz 0", BPF_MAP_TYPE_LPM_TRIE, 8, 0, 4, BPF_F_NO_PREALLOC, 0 },
		{ "lpm max 0", BPF_MAP_TYPE_LPM_TRIE, 8, 8, 0, BPF_F_NO_PREALLOC, 0 },
		{ "lpm vsz 1<<30", BPF_MAP_TYPE_LPM_TRIE, 8, 1u << 30, 4, BPF_F_NO_PREALLOC, 0 },
		{ "lpm ZERO_SEED", BPF_MAP_TYPE_LPM_TRIE, 8, 8, 4, BPF_F_NO_PREALLOC | BPF_F_ZERO_SEED, 0 },
	};
	int i;

	for (i = 0; i < (int)ARRAY_SIZE(c); i++) {
		int kb = mk(&be_kbpf, c[i].type, c[i].ksz, c[i].vsz, c[i].max, c[i].flags, c[i].extra);
		int kr = mk(&be_kernel, c[i].type, c[i].ksz, c[i].vsz, c[i].max, c[i].flags, c[i].extra);

		SAME_RES(c[i].what, kb, kr);
		if (kb >= 0)
			close(kb);
		if (kr >= 0)
			close(kr);
	}
}

/* Accepted creates, and what info/fdinfo report (max_entries, map_extra). */
void test_map2_create_ok(void)
{
	static const struct {
		const char *what;
		__u32 type, ksz, vsz, max, flags;
		__u64 extra;
	} c[] = {
		{ "pcpu array", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 7, 0, 0 },
		{ "pcpu hash", BPF_MAP_TYPE_PERCPU_HASH, 4, 12, 7, 0, 0 },
		{ "pcpu hash nopre", BPF_MAP_TYPE_PERCPU_HASH, 4, 12, 7, BPF_F_NO_PREALLOC, 0 },
		{ "lru", BPF_MAP_TYPE_LRU_HASH, 4, 8, 7, 0, 0 },
		{ "lru no common", BPF_MAP_TYPE_LRU_HASH, 4, 8, 7, BPF_F_NO_COMMON_LRU, 0 },
		{ "lru pcpu no common", BPF_MAP_TYPE_LRU_PERCPU_HASH, 4, 8, 5, BPF_F_NO_COMMON_LRU, 0 },
		{ "queue", BPF_MAP_TYPE_QUEUE, 0, 3, 7, 0, 0 },
		{ "stack", BPF_MAP_TYPE_STACK, 0, 3, 7, 0, 0 },
		{ "bloom", BPF_MAP_TYPE_BLOOM_FILTER, 0, 8, 7, 0, 0 },
		{ "bloom 3", BPF_MAP_TYPE_BLOOM_FILTER, 0, 5, 1000, 0, 3 },
		{ "lpm", BPF_MAP_TYPE_LPM_TRIE, 8, 8, 7, BPF_F_NO_PREALLOC, 0 },
		{ "lpm 256", BPF_MAP_TYPE_LPM_TRIE, 260, 8, 7, BPF_F_NO_PREALLOC, 0 },
	};
	int i, k;

	for (i = 0; i < (int)ARRAY_SIZE(c); i++) {
		struct bpf_map_info info[2];
		char fi[2][64];

		for (k = 0; k < 2; k++) {
			__u32 len = sizeof(info[k]);
			int fd = mk(backends[k], c[i].type, c[i].ksz, c[i].vsz, c[i].max,
				    c[i].flags, c[i].extra);

			REQUIRE(fd >= 0, "%s %s: %s", backends[k]->name, c[i].what, kt_res(fd));
			memset(&info[k], 0, sizeof(info[k]));
			REQUIRE(b_obj_info(backends[k], fd, &info[k], &len) == 0, "info");
			if (!fdinfo_get(fd, "max_entries", fi[k], sizeof(fi[k])))
				strcpy(fi[k], "?");
			close(fd);
		}
		SAME_VAL(c[i].what, info[0].max_entries, info[1].max_entries);
		SAME_VAL(c[i].what, info[0].map_extra, info[1].map_extra);
		SAME_VAL(c[i].what, info[0].map_flags, info[1].map_flags);
		CHECK(!strcmp(fi[0], fi[1]), "%s fdinfo max_entries %s vs %s", c[i].what, fi[0], fi[1]);
	}
}

/* ---- per-CPU ------------------------------------------------------------- */

/* A per-CPU value buffer: vsz rounded to 8, per CPU; fill with a pattern. */
static void pcpu_fill(unsigned char *buf, __u32 vsz, unsigned seed)
{
	int c, i, stride = (vsz + 7) & ~7;

	for (c = 0; c < ncpus(); c++)
		for (i = 0; i < stride; i++)
			buf[c * stride + i] = (unsigned char)(seed * 31 + c * 7 + i);
}

static void pcpu_look(const struct backend *b, struct trace *t, int fd, __u32 key,
		      __u32 vsz)
{
	unsigned char buf[MAX_CPUS * 24 + 8];
	size_t n = (size_t)((vsz + 7) & ~7) * ncpus();
	long r;

	memset(buf, 0xa5, sizeof(buf));
	r = elem(b, BPF_MAP_LOOKUP_ELEM, fd, &key, buf, 0);
	tr(t, r, fnv(buf, n + 8), "pcpu lookup %u", key);
}

static void pcpu_upd(const struct backend *b, struct trace *t, int fd, __u32 key,
		     __u32 vsz, unsigned seed, __u64 flags)
{
	unsigned char buf[MAX_CPUS * 24 + 8];

	pcpu_fill(buf, vsz, seed);
	tr(t, elem(b, BPF_MAP_UPDATE_ELEM, fd, &key, buf, flags), 0,
	   "pcpu update %u seed %u flags %#llx", key, seed, (unsigned long long)flags);
}

static void pcpu_array_seq(const struct backend *b, struct trace *t)
{
	__u32 k, vsz = 12, n;
	int fd = mk(b, BPF_MAP_TYPE_PERCPU_ARRAY, 4, vsz, 3, 0, 0);

	tr(t, fd, 0, "create");
	if (fd < 0)
		return;
	for (k = 0; k < 4; k++)
		pcpu_look(b, t, fd, k, vsz);
	pcpu_upd(b, t, fd, 1, vsz, 1, BPF_ANY);
	pcpu_upd(b, t, fd, 2, vsz, 2, BPF_EXIST);
	pcpu_upd(b, t, fd, 0, vsz, 3, BPF_NOEXIST);
	pcpu_upd(b, t, fd, 3, vsz, 4, BPF_ANY);
	pcpu_upd(b, t, fd, 0, vsz, 5, BPF_F_LOCK);
	pcpu_upd(b, t, fd, 0, vsz, 5, 3);
	for (k = 0; k < 4; k++)
		pcpu_look(b, t, fd, k, vsz);
	k = 1;
	tr(t, b_map_delete(b, fd, &k), 0, "delete 1");
	tr(t, b_map_next_key(b, fd, NULL, &n), n, "next NULL");
	k = 2;
	tr(t, b_map_next_key(b, fd, &k, &n), n, "next 2");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, &k, &n, 0), 0, "lookup_and_delete");
	close(fd);
}

void test_map2_percpu_array(void)
{
	run2(pcpu_array_seq);
}

static void pcpu_hash_seq_flags(const struct backend *b, struct trace *t, __u32 type,
				__u32 flags)
{
	__u32 k, vsz = 4;
	unsigned char buf[MAX_CPUS * 24 + 8];
	int fd = mk(b, type, 4, vsz, 3, flags | BPF_F_ZERO_SEED, 0);

	tr(t, fd, 0, "create");
	if (fd < 0)
		return;
	pcpu_look(b, t, fd, 1, vsz);
	pcpu_upd(b, t, fd, 1, vsz, 1, BPF_EXIST);
	pcpu_upd(b, t, fd, 1, vsz, 2, BPF_NOEXIST);
	pcpu_upd(b, t, fd, 1, vsz, 3, BPF_NOEXIST);
	pcpu_look(b, t, fd, 1, vsz);
	pcpu_upd(b, t, fd, 1, vsz, 4, BPF_EXIST);
	pcpu_look(b, t, fd, 1, vsz);
	pcpu_upd(b, t, fd, 2, vsz, 5, BPF_ANY);
	pcpu_upd(b, t, fd, 3, vsz, 6, BPF_ANY);
	pcpu_upd(b, t, fd, 3, vsz, 6, 7);
	if (type == BPF_MAP_TYPE_PERCPU_HASH)
		pcpu_upd(b, t, fd, 4, vsz, 7, BPF_ANY);	/* full: -E2BIG */
	pcpu_upd(b, t, fd, 3, vsz, 8, BPF_ANY);		/* replace on full */
	for (k = 0; k < 5; k++)
		pcpu_look(b, t, fd, k, vsz);
	k = 2;
	memset(buf, 0, sizeof(buf));
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, &k, buf, 0),
	   fnv(buf, sizeof(buf)), "lookup_and_delete 2");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, &k, buf, 0), 0, "lookup_and_delete 2 again");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, &k, buf, BPF_F_LOCK), 0, "l&d F_LOCK");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, &k, buf, 8), 0, "l&d flags 8");
	pcpu_look(b, t, fd, 2, vsz);
	tr(t, b_map_delete(b, fd, &k), 0, "delete 2");
	k = 1;
	tr(t, b_map_delete(b, fd, &k), 0, "delete 1");
	pcpu_upd(b, t, fd, 9, vsz, 9, BPF_NOEXIST);
	for (k = 0; k < 10; k++)
		pcpu_look(b, t, fd, k, vsz);
	close(fd);
}

static void pcpu_hash_seq(const struct backend *b, struct trace *t)
{
	pcpu_hash_seq_flags(b, t, BPF_MAP_TYPE_PERCPU_HASH, 0);
}

static void pcpu_hash_nopre_seq(const struct backend *b, struct trace *t)
{
	pcpu_hash_seq_flags(b, t, BPF_MAP_TYPE_PERCPU_HASH, BPF_F_NO_PREALLOC);
}

static void lru_pcpu_seq(const struct backend *b, struct trace *t)
{
	pcpu_hash_seq_flags(b, t, BPF_MAP_TYPE_LRU_PERCPU_HASH, 0);
}

void test_map2_percpu_hash(void)
{
	run2(pcpu_hash_seq);
	run2(pcpu_hash_nopre_seq);
}

/* ---- LRU ----------------------------------------------------------------- */

static void lru_seq(const struct backend *b, struct trace *t)
{
	__u32 k;
	__u64 v;
	int fd = mk(b, BPF_MAP_TYPE_LRU_HASH, 4, 8, 64, BPF_F_ZERO_SEED, 0);

	tr(t, fd, 0, "create");
	if (fd < 0)
		return;
	for (k = 0; k < 10; k++) {
		v = k * 3;
		tr(t, b_map_update(b, fd, &k, &v, BPF_NOEXIST), 0, "update %u", k);
	}
	k = 3;
	v = 1;
	tr(t, b_map_update(b, fd, &k, &v, BPF_NOEXIST), 0, "noexist 3");
	tr(t, b_map_update(b, fd, &k, &v, BPF_EXIST), 0, "exist 3");
	tr(t, b_map_update(b, fd, &k, &v, BPF_F_LOCK), 0, "F_LOCK");
	tr(t, b_map_update(b, fd, &k, &v, 3), 0, "flags 3");
	k = 50;
	tr(t, b_map_update(b, fd, &k, &v, BPF_EXIST), 0, "exist 50");
	for (k = 0; k < 12; k++) {
		v = 0;
		tr(t, b_map_lookup(b, fd, &k, &v), v, "lookup %u", k);
	}
	k = 4;
	tr(t, b_map_delete(b, fd, &k), 0, "delete 4");
	tr(t, b_map_delete(b, fd, &k), 0, "delete 4 again");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, &(__u32){5}, &v, 0), v, "l&d 5");
	tr(t, b_map_next_key(b, fd, &(__u32){999}, &k), 0, "next of missing");
	close(fd);
}

void test_map2_lru_hash(void)
{
	int k;

	run2(lru_seq);
	run2(lru_pcpu_seq);
	/* Overfill: every insert succeeds, the newest keys stay, never > max. */
	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		int fd = mk(b, BPF_MAP_TYPE_LRU_HASH, 4, 8, 128, 0, 0);
		__u32 key, n = 0, cur, nk;
		__u64 v;
		int r, fails = 0;

		REQUIRE(fd >= 0, "%s lru create", b->name);
		for (key = 0; key < 1000; key++) {
			v = key;
			if (b_map_update(b, fd, &key, &v, BPF_ANY))
				fails++;
		}
		CHECK(!fails, "%s: %d LRU inserts failed", b->name, fails);
		key = 999;
		r = b_map_lookup(b, fd, &key, &v);
		CHECK(r == 0 && v == 999, "%s: newest key missing (%s)", b->name, kt_res(r));
		for (r = b_map_next_key(b, fd, NULL, &cur); !r; r = b_map_next_key(b, fd, &cur, &nk), cur = nk)
			if (++n > 1000)
				break;
		CHECK(n > 0 && n <= 128, "%s: %u keys in an LRU of 128", b->name, n);
		close(fd);
	}
}

/* ---- QUEUE / STACK ---------------------------------------------------------- */

static void qs_seq(const struct backend *b, struct trace *t, __u32 type)
{
	__u32 v, k = 0, i;
	int fd = mk(b, type, 0, 4, 3, 0, 0);

	tr(t, fd, 0, "create");
	if (fd < 0)
		return;
	v = 0x55;
	tr(t, elem(b, BPF_MAP_LOOKUP_ELEM, fd, NULL, &v, 0), v, "peek empty");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, NULL, &v, 0), v, "pop empty");
	for (i = 1; i <= 4; i++) {
		v = i * 10;
		tr(t, elem(b, BPF_MAP_UPDATE_ELEM, fd, NULL, &v, BPF_ANY), 0, "push %u", v);
	}
	v = 77;
	tr(t, elem(b, BPF_MAP_UPDATE_ELEM, fd, NULL, &v, BPF_NOEXIST), 0, "push NOEXIST");
	tr(t, elem(b, BPF_MAP_UPDATE_ELEM, fd, NULL, &v, BPF_F_LOCK), 0, "push F_LOCK");
	tr(t, elem(b, BPF_MAP_UPDATE_ELEM, fd, NULL, &v, 3), 0, "push 3");
	tr(t, elem(b, BPF_MAP_UPDATE_ELEM, fd, &k, &v, 0), 0, "push with key");
	tr(t, elem(b, BPF_MAP_UPDATE_ELEM, fd, NULL, &v, BPF_EXIST), 0, "push EXIST (full)");
	tr(t, elem(b, BPF_MAP_LOOKUP_ELEM, fd, NULL, &v, 0), v, "peek");
	tr(t, elem(b, BPF_MAP_LOOKUP_ELEM, fd, &k, &v, 0), v, "peek with key");
	tr(t, elem(b, BPF_MAP_LOOKUP_ELEM, fd, NULL, &v, BPF_F_LOCK), v, "peek F_LOCK");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, NULL, &v, 1), v, "pop flags 1");
	tr(t, elem(b, BPF_MAP_DELETE_ELEM, fd, NULL, NULL, 0), 0, "delete");
	tr(t, b_map_next_key(b, fd, NULL, &k), 0, "next_key");
	for (i = 0; i < 5; i++) {
		v = 0x66;
		tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, NULL, &v, 0), v, "pop %u", i);
	}
	for (i = 1; i <= 2; i++) {
		v = i + 100;
		tr(t, elem(b, BPF_MAP_UPDATE_ELEM, fd, NULL, &v, BPF_EXIST), 0, "push EXIST %u", v);
	}
	for (i = 0; i < 3; i++) {
		v = 0x66;
		tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, NULL, &v, 0), v, "pop again %u", i);
	}
	close(fd);
}

static void queue_seq(const struct backend *b, struct trace *t)
{
	qs_seq(b, t, BPF_MAP_TYPE_QUEUE);
}

static void stack_seq(const struct backend *b, struct trace *t)
{
	qs_seq(b, t, BPF_MAP_TYPE_STACK);
}

void test_map2_queue(void)
{
	run2(queue_seq);
}

void test_map2_stack(void)
{
	run2(stack_seq);
}

/* ---- BLOOM_FILTER ------------------------------------------------------------ */

static void bloom_seq_vsz(const struct backend *b, struct trace *t, __u32 vsz, __u64 extra)
{
	unsigned char v[8];
	__u32 i, k = 0;
	int fd = mk(b, BPF_MAP_TYPE_BLOOM_FILTER, 0, vsz, 50, BPF_F_ZERO_SEED, extra);

	tr(t, fd, 0, "create");
	if (fd < 0)
		return;
	for (i = 0; i < 20; i += 2) {
		memset(v, 0, sizeof(v));
		memcpy(v, &i, 4);
		tr(t, elem(b, BPF_MAP_UPDATE_ELEM, fd, NULL, v, 0), 0, "add %u", i);
	}
	tr(t, elem(b, BPF_MAP_UPDATE_ELEM, fd, NULL, v, BPF_EXIST), 0, "add EXIST");
	tr(t, elem(b, BPF_MAP_UPDATE_ELEM, fd, NULL, v, BPF_NOEXIST), 0, "add NOEXIST");
	tr(t, elem(b, BPF_MAP_UPDATE_ELEM, fd, &k, v, 0), 0, "add with key");
	for (i = 0; i < 200; i++) {
		memset(v, 0, sizeof(v));
		memcpy(v, &i, 4);
		tr(t, elem(b, BPF_MAP_LOOKUP_ELEM, fd, NULL, v, 0), 0, "test %u", i);
	}
	tr(t, elem(b, BPF_MAP_LOOKUP_ELEM, fd, NULL, NULL, 0), 0, "test NULL value");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, NULL, v, 0), 0, "pop");
	tr(t, elem(b, BPF_MAP_DELETE_ELEM, fd, NULL, NULL, 0), 0, "delete");
	tr(t, b_map_next_key(b, fd, NULL, &k), 0, "next_key");
	close(fd);
}

static void bloom_seq(const struct backend *b, struct trace *t)
{
	bloom_seq_vsz(b, t, 8, 0);
}

static void bloom_seq_odd(const struct backend *b, struct trace *t)
{
	bloom_seq_vsz(b, t, 5, 2);
}

void test_map2_bloom(void)
{
	run2(bloom_seq);
	run2(bloom_seq_odd);
}

/* ---- LPM_TRIE ------------------------------------------------------------------ */

struct lpm4 { __u32 plen; __u8 d[4]; };

static void lpm_upd(const struct backend *b, struct trace *t, int fd, __u32 plen,
		    __u8 a, __u8 b2, __u8 c, __u8 d, __u64 val, __u64 flags)
{
	struct lpm4 k = { plen, { a, b2, c, d } };

	tr(t, b_map_update(b, fd, &k, &val, flags), 0, "update %u.%u.%u.%u/%u=%llu f%llu",
	   a, b2, c, d, plen, (unsigned long long)val, (unsigned long long)flags);
}

static void lpm_look(const struct backend *b, struct trace *t, int fd, __u32 plen,
		     __u8 a, __u8 b2, __u8 c, __u8 d)
{
	struct lpm4 k = { plen, { a, b2, c, d } };
	__u64 v = 0;

	tr(t, b_map_lookup(b, fd, &k, &v), v, "lookup %u.%u.%u.%u/%u", a, b2, c, d, plen);
}

static void lpm_del(const struct backend *b, struct trace *t, int fd, __u32 plen,
		    __u8 a, __u8 b2, __u8 c, __u8 d)
{
	struct lpm4 k = { plen, { a, b2, c, d } };

	tr(t, b_map_delete(b, fd, &k), 0, "delete %u.%u.%u.%u/%u", a, b2, c, d, plen);
}

static void lpm_walk(const struct backend *b, struct trace *t, int fd)
{
	struct lpm4 cur, nk;
	int r, n = 0;

	for (r = b_map_next_key(b, fd, NULL, &cur); !r && n < 40; n++) {
		tr(t, 0, fnv(&cur, sizeof(cur)), "walk %d", n);
		r = b_map_next_key(b, fd, &cur, &nk);
		cur = nk;
	}
	tr(t, r, 0, "walk end");
}

static void lpm_seq(const struct backend *b, struct trace *t)
{
	struct lpm4 k = { 33, { 1, 2, 3, 4 } };
	__u64 v = 0;
	int fd = mk(b, BPF_MAP_TYPE_LPM_TRIE, 8, 8, 8, BPF_F_NO_PREALLOC, 0);

	tr(t, fd, 0, "create");
	if (fd < 0)
		return;
	lpm_look(b, t, fd, 32, 192, 168, 1, 1);
	lpm_walk(b, t, fd);
	lpm_upd(b, t, fd, 16, 192, 168, 0, 0, 1, BPF_ANY);
	lpm_upd(b, t, fd, 24, 192, 168, 0, 0, 2, BPF_ANY);
	lpm_upd(b, t, fd, 24, 192, 168, 128, 0, 3, BPF_NOEXIST);
	lpm_upd(b, t, fd, 24, 192, 168, 1, 0, 5, BPF_ANY);
	lpm_upd(b, t, fd, 24, 192, 168, 1, 0, 6, BPF_NOEXIST);
	lpm_upd(b, t, fd, 23, 192, 168, 0, 0, 7, BPF_EXIST);	/* intermediate */
	lpm_upd(b, t, fd, 8, 10, 0, 0, 0, 8, BPF_EXIST);
	lpm_upd(b, t, fd, 8, 10, 0, 0, 0, 8, 4);
	lpm_upd(b, t, fd, 0, 0, 0, 0, 0, 9, BPF_ANY);
	lpm_upd(b, t, fd, 32, 192, 168, 1, 77, 10, BPF_ANY);
	tr(t, b_map_update(b, fd, &k, &v, 0), 0, "update /33");
	lpm_look(b, t, fd, 32, 192, 168, 1, 1);
	lpm_look(b, t, fd, 32, 192, 168, 1, 77);
	lpm_look(b, t, fd, 32, 192, 168, 0, 9);
	lpm_look(b, t, fd, 32, 192, 168, 200, 9);
	lpm_look(b, t, fd, 32, 192, 168, 128, 9);
	lpm_look(b, t, fd, 32, 10, 1, 1, 1);
	lpm_look(b, t, fd, 16, 192, 168, 1, 1);
	lpm_look(b, t, fd, 23, 192, 168, 1, 1);
	tr(t, b_map_lookup(b, fd, &k, &v), v, "lookup /33");
	lpm_walk(b, t, fd);
	lpm_upd(b, t, fd, 32, 1, 1, 1, 1, 11, BPF_ANY);
	lpm_upd(b, t, fd, 32, 1, 1, 1, 2, 12, BPF_ANY);	/* full: -ENOSPC */
	lpm_upd(b, t, fd, 16, 192, 168, 0, 0, 13, BPF_ANY);	/* replace on full */
	lpm_del(b, t, fd, 23, 192, 168, 0, 0);
	lpm_del(b, t, fd, 24, 192, 168, 0, 0);
	lpm_del(b, t, fd, 24, 192, 168, 0, 0);
	lpm_del(b, t, fd, 20, 192, 168, 0, 0);
	tr(t, b_map_delete(b, fd, &k), 0, "delete /33");
	lpm_look(b, t, fd, 32, 192, 168, 0, 9);
	lpm_walk(b, t, fd);
	lpm_del(b, t, fd, 16, 192, 168, 0, 0);
	lpm_del(b, t, fd, 0, 0, 0, 0, 0);
	lpm_look(b, t, fd, 32, 192, 168, 0, 9);
	lpm_walk(b, t, fd);
	k.plen = 24;
	tr(t, b_map_next_key(b, fd, &k, &k), 0, "next of missing");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, &k, &v, 0), 0, "l&d");
	close(fd);
}

void test_map2_lpm_trie(void)
{
	run2(lpm_seq);
}

/* ---- LOOKUP_AND_DELETE, FREEZE --------------------------------------------- */

static void lad_seq(const struct backend *b, struct trace *t)
{
	__u32 k = 1;
	__u64 v = 5;
	int h = mk(b, BPF_MAP_TYPE_HASH, 4, 8, 4, 0, 0);
	int a = mk(b, BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, 0);

	tr(t, h, 0, "create hash");
	tr(t, a, 0, "create array");
	if (h < 0 || a < 0)
		return;
	tr(t, b_map_update(b, h, &k, &v, 0), 0, "update");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, h, &k, &v, BPF_F_LOCK), 0, "l&d F_LOCK");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, h, &k, &v, 2), 0, "l&d flags 2");
	v = 0;
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, h, &k, &v, 0), v, "l&d");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, h, &k, &v, 0), v, "l&d again");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, a, &k, &v, 0), v, "l&d array");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, 9999, &k, &v, 0), v, "l&d bad fd");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, 0, &k, &v, 0), v, "l&d fd 0");
	close(h);
	close(a);
}

void test_map2_lookup_and_delete(void)
{
	run2(lad_seq);
}

static long freeze(const struct backend *b, int fd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	return b_call(b, BPF_MAP_FREEZE, &a);
}

static void freeze_seq(const struct backend *b, struct trace *t)
{
	__u32 k = 1;
	__u64 v = 5;
	char fi[16];
	void *p;
	int h = mk(b, BPF_MAP_TYPE_HASH, 4, 8, 4, 0, 0);
	int a = mk(b, BPF_MAP_TYPE_ARRAY, 4, 8, 4, BPF_F_MMAPABLE, 0);
	int q = mk(b, BPF_MAP_TYPE_QUEUE, 0, 8, 4, 0, 0);

	tr(t, h, 0, "create hash");
	tr(t, a, 0, "create array");
	tr(t, q, 0, "create queue");
	if (h < 0 || a < 0 || q < 0)
		return;
	tr(t, b_map_update(b, h, &k, &v, 0), 0, "update");
	tr(t, elem(b, BPF_MAP_UPDATE_ELEM, q, NULL, &v, 0), 0, "push");
	tr(t, 0, fdinfo_get(h, "frozen", fi, sizeof(fi)) ? atoi(fi) : -1, "fdinfo before");
	tr(t, freeze(b, h), 0, "freeze");
	tr(t, 0, fdinfo_get(h, "frozen", fi, sizeof(fi)) ? atoi(fi) : -1, "fdinfo after");
	tr(t, freeze(b, h), 0, "freeze again");
	tr(t, b_map_update(b, h, &k, &v, 0), 0, "update frozen");
	tr(t, b_map_delete(b, h, &k), 0, "delete frozen");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, h, &k, &v, 0), 0, "l&d frozen");
	v = 0;
	tr(t, b_map_lookup(b, h, &k, &v), v, "lookup frozen");
	tr(t, b_map_next_key(b, h, NULL, &k), k, "next frozen");
	tr(t, freeze(b, q), 0, "freeze queue");
	tr(t, elem(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, q, NULL, &v, 0), 0, "pop frozen");
	tr(t, elem(b, BPF_MAP_LOOKUP_ELEM, q, NULL, &v, 0), v, "peek frozen");
	/* A writable mapping blocks freezing; a frozen map maps read-only only. */
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, a, 0);
	tr(t, p == MAP_FAILED ? -errno : 0, 0, "mmap rw");
	tr(t, freeze(b, a), 0, "freeze mapped rw");
	if (p != MAP_FAILED)
		munmap(p, 4096);
	tr(t, freeze(b, a), 0, "freeze unmapped");
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, a, 0);
	tr(t, p == MAP_FAILED ? -errno : 0, 0, "mmap rw frozen");
	if (p != MAP_FAILED)
		munmap(p, 4096);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, a, 0);
	tr(t, p == MAP_FAILED ? -errno : 0, 0, "mmap ro frozen");
	if (p != MAP_FAILED)
		munmap(p, 4096);
	tr(t, freeze(b, 9999), 0, "freeze bad fd");
	close(h);
	close(a);
	close(q);
}

void test_map2_freeze(void)
{
	run2(freeze_seq);
}

/* ---- batches ---------------------------------------------------------------- */

static long batch(const struct backend *b, int cmd, int fd, void *in, void *out,
		  void *keys, void *vals, __u32 *count, __u64 elem_flags, __u64 flags)
{
	union bpf_attr a;
	long r;

	memset(&a, 0, sizeof(a));
	a.batch.map_fd = fd;
	a.batch.in_batch = (__u64)(unsigned long)in;
	a.batch.out_batch = (__u64)(unsigned long)out;
	a.batch.keys = (__u64)(unsigned long)keys;
	a.batch.values = (__u64)(unsigned long)vals;
	a.batch.count = *count;
	a.batch.elem_flags = elem_flags;
	a.batch.flags = flags;
	r = b_call(b, cmd, &a);
	*count = a.batch.count;
	return r;
}

/* Walk the map with a batch size; trace every call's result, count, data. */
static void batch_walk(const struct backend *b, struct trace *t, int fd, int cmd,
		       __u32 step, __u32 vsz)
{
	static unsigned char keys[4096], vals[MAX_CPUS * 8 * 64];
	__u32 in = 0, out = 0, count;
	long r;
	int i, first = 1;

	for (i = 0; i < 40; i++) {
		count = step;
		memset(keys, 0, sizeof(keys));
		memset(vals, 0, sizeof(vals));
		out = 0xdead;
		r = batch(b, cmd, fd, first ? NULL : &in, &out, keys, vals, &count, 0, 0);
		tr(t, r, count, "batch %d step %u count", i, step);
		tr(t, r == 0 || r == -ENOENT ? 0 : -1,
		   fnv(keys, 4 * count) ^ fnv(vals, (size_t)vsz * count), "batch %d data", i);
		tr(t, r == 0 || r == -ENOENT ? 0 : -1, out, "batch %d out", i);
		if (r < 0)
			break;
		in = out;
		first = 0;
	}
}

static void batch_seq_type(const struct backend *b, struct trace *t, __u32 type)
{
	__u32 keys[16], k, count, uvsz;
	__u64 vals[16 * MAX_CPUS];
	bool percpu = type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
		      type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	bool array = type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
	bool lru = type == BPF_MAP_TYPE_LRU_HASH || type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	/* Linux's LRU evicts long before it is full: make room (no eviction). */
	int fd = mk(b, type, 4, 8, lru ? 1000 : 10, array ? 0 : BPF_F_ZERO_SEED, 0);

	tr(t, fd, 0, "create");
	if (fd < 0)
		return;
	uvsz = 8 * (percpu ? ncpus() : 1);
	for (k = 0; k < 16; k++)
		keys[k] = k * 7 % 11;
	for (k = 0; k < 16 * (__u32)ncpus(); k++)
		vals[k] = k * 1000 + 1;
	count = 8;
	tr(t, batch(b, BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, keys, vals, &count, 0, 0),
	   count, "update batch 8");
	count = 3;
	tr(t, batch(b, BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, keys, vals, &count, BPF_F_LOCK, 0),
	   count, "update batch F_LOCK");
	count = 3;
	tr(t, batch(b, BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, keys, vals, &count, 0, 1),
	   count, "update batch flags 1");
	count = 0;
	tr(t, batch(b, BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, keys, vals, &count, 0, 0),
	   count, "update batch 0");
	keys[9] = 30;
	count = 12;
	tr(t, batch(b, BPF_MAP_UPDATE_BATCH, fd, NULL, NULL, keys, vals, &count, 0, 0),
	   count, "update batch 12 (one bad key for arrays)");
	batch_walk(b, t, fd, BPF_MAP_LOOKUP_BATCH, 3, uvsz);
	batch_walk(b, t, fd, BPF_MAP_LOOKUP_BATCH, 1, uvsz);
	batch_walk(b, t, fd, BPF_MAP_LOOKUP_BATCH, 100, uvsz);
	count = 2;
	tr(t, batch(b, BPF_MAP_LOOKUP_BATCH, fd, NULL, &k, keys, vals, &count, BPF_F_LOCK, 0),
	   count, "lookup batch F_LOCK");
	tr(t, batch(b, BPF_MAP_LOOKUP_BATCH, fd, NULL, &k, keys, vals, &count, 0, 4),
	   count, "lookup batch flags 4");
	k = 1000;
	count = 2;
	tr(t, batch(b, BPF_MAP_LOOKUP_BATCH, fd, &k, &k, keys, vals, &count, 0, 0),
	   count, "lookup batch cursor past end");
	keys[0] = 0;
	keys[1] = 7;
	keys[2] = 99;
	count = 3;
	tr(t, batch(b, BPF_MAP_DELETE_BATCH, fd, NULL, NULL, keys, NULL, &count, 0, 0),
	   count, "delete batch");
	batch_walk(b, t, fd, BPF_MAP_LOOKUP_AND_DELETE_BATCH, 4, uvsz);
	batch_walk(b, t, fd, BPF_MAP_LOOKUP_BATCH, 4, uvsz);
	close(fd);
}

#define BATCH_SEQ(name, type)						\
static void name(const struct backend *b, struct trace *t)		\
{									\
	batch_seq_type(b, t, type);					\
}
BATCH_SEQ(batch_hash, BPF_MAP_TYPE_HASH)
BATCH_SEQ(batch_pcpu_hash, BPF_MAP_TYPE_PERCPU_HASH)
BATCH_SEQ(batch_lru, BPF_MAP_TYPE_LRU_HASH)
BATCH_SEQ(batch_lru_pcpu, BPF_MAP_TYPE_LRU_PERCPU_HASH)
BATCH_SEQ(batch_array, BPF_MAP_TYPE_ARRAY)
BATCH_SEQ(batch_pcpu_array, BPF_MAP_TYPE_PERCPU_ARRAY)

static void batch_other(const struct backend *b, struct trace *t)
{
	__u32 count = 1, k[2];
	__u64 v[2];
	int q = mk(b, BPF_MAP_TYPE_QUEUE, 0, 8, 4, 0, 0);

	tr(t, q, 0, "create queue");
	if (q < 0)
		return;
	tr(t, batch(b, BPF_MAP_LOOKUP_BATCH, q, NULL, k, k, v, &count, 0, 0), 0, "queue lookup batch");
	tr(t, batch(b, BPF_MAP_UPDATE_BATCH, q, NULL, k, k, v, &count, 0, 0), 0, "queue update batch");
	tr(t, batch(b, BPF_MAP_DELETE_BATCH, 9999, NULL, k, k, v, &count, 0, 0), 0, "bad fd");
	close(q);
}

void test_map2_batch(void)
{
	run2(batch_hash);
	run2(batch_pcpu_hash);
	run2(batch_lru);
	run2(batch_lru_pcpu);
	run2(batch_array);
	run2(batch_pcpu_array);
	run2(batch_other);
}

/* ---- concurrency ------------------------------------------------------------ */

static void stress_child(int fd, __u32 type, unsigned seed, int secs)
{
	__u64 vals[MAX_CPUS * 2];
	time_t end = time(NULL) + secs;
	__u32 k, n;

	memset(vals, 0, sizeof(vals));
	srand(seed);
	while (time(NULL) < end) {
		int i;

		for (i = 0; i < 256; i++) {
			union bpf_attr a;

			k = rand() % 96;
			vals[0] = k;
			switch (rand() % 6) {
			case 0: case 1:
				b_map_update(&be_kbpf, fd, &k, vals, rand() % 3);
				break;
			case 2:
				b_map_lookup(&be_kbpf, fd, &k, vals);
				break;
			case 3:
				b_map_delete(&be_kbpf, fd, &k);
				break;
			case 4:
				b_map_next_key(&be_kbpf, fd, &k, &n);
				break;
			default:
				memset(&a, 0, sizeof(a));
				a.map_fd = fd;
				a.key = (__u64)(unsigned long)&k;
				a.value = (__u64)(unsigned long)vals;
				b_call(&be_kbpf, BPF_MAP_LOOKUP_AND_DELETE_ELEM, &a);
				break;
			}
		}
	}
	(void)type;
	_exit(0);
}

void test_map2_concurrency(void)
{
	static const struct { __u32 type, flags; } m[] = {
		{ BPF_MAP_TYPE_HASH, 0 },
		{ BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC },
		{ BPF_MAP_TYPE_LRU_HASH, 0 },
		{ BPF_MAP_TYPE_LRU_PERCPU_HASH, BPF_F_NO_COMMON_LRU },
		{ BPF_MAP_TYPE_PERCPU_HASH, 0 },
		{ BPF_MAP_TYPE_PERCPU_HASH, BPF_F_NO_PREALLOC },
	};
	int i, j, st;

	for (i = 0; i < (int)ARRAY_SIZE(m); i++) {
		int fd = mk(&be_kbpf, m[i].type, 4, 8, 64, m[i].flags, 0);
		pid_t pids[4];

		REQUIRE(fd >= 0, "create type %u: %s", m[i].type, kt_res(fd));
		for (j = 0; j < 4; j++) {
			pids[j] = fork();
			REQUIRE(pids[j] >= 0, "fork");
			if (!pids[j])
				stress_child(fd, m[i].type, i * 10 + j, 1);
		}
		for (j = 0; j < 4; j++) {
			REQUIRE(waitpid(pids[j], &st, 0) == pids[j], "waitpid");
			CHECK(WIFEXITED(st) && !WEXITSTATUS(st), "child %d of type %u died", j, m[i].type);
		}
		close(fd);
	}
}
