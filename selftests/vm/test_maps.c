// SPDX-License-Identifier: GPL-2.0
/*
 * MAP_CREATE and the element commands on ARRAY and HASH maps. Every sequence
 * runs on a kbpf map and on a guest kernel map; every errno and every value
 * must match.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include "kbpf_test.h"

static void create_ok(__u32 type, __u32 flags)
{
	int k;

	for (k = 0; k < 2; k++) {
		int fd = b_map_create(backends[k], type, 4, 8, 16, flags, "kt_map");

		REQUIRE(fd >= 0, "%s MAP_CREATE type %u flags %#x: %s", backends[k]->name,
			type, flags, kt_res(fd));
		close(fd);
	}
}

void test_map_create_array(void)
{
	create_ok(BPF_MAP_TYPE_ARRAY, 0);
}

void test_map_create_hash(void)
{
	create_ok(BPF_MAP_TYPE_HASH, 0);
	create_ok(BPF_MAP_TYPE_HASH, BPF_F_NO_PREALLOC);
}

void test_map_create_invalid(void)
{
	static const struct {
		const char *what;
		__u32 type, ksz, vsz, max, flags;
		const char *name;
	} c[] = {
		{ "array key_size 0", BPF_MAP_TYPE_ARRAY, 0, 8, 4, 0, NULL },
		{ "array value_size 0", BPF_MAP_TYPE_ARRAY, 4, 0, 4, 0, NULL },
		{ "array max_entries 0", BPF_MAP_TYPE_ARRAY, 4, 8, 0, 0, NULL },
		{ "array key_size 8", BPF_MAP_TYPE_ARRAY, 8, 8, 4, 0, NULL },
		{ "array key_size 2", BPF_MAP_TYPE_ARRAY, 2, 8, 4, 0, NULL },
		{ "array flags 1<<31", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 1u << 31, NULL },
		{ "array NO_PREALLOC", BPF_MAP_TYPE_ARRAY, 4, 8, 4, BPF_F_NO_PREALLOC, NULL },
		{ "array of 1 TiB", BPF_MAP_TYPE_ARRAY, 4, 1u << 20, 1u << 20, 0, NULL },
		{ "array RDONLY|WRONLY", BPF_MAP_TYPE_ARRAY, 4, 8, 4, BPF_F_RDONLY | BPF_F_WRONLY, NULL },
		{ "hash key_size 0", BPF_MAP_TYPE_HASH, 0, 8, 4, 0, NULL },
		{ "hash value_size 0", BPF_MAP_TYPE_HASH, 4, 0, 4, 0, NULL },
		{ "hash max_entries 0", BPF_MAP_TYPE_HASH, 4, 8, 0, 0, NULL },
		{ "hash flags 1<<31", BPF_MAP_TYPE_HASH, 4, 8, 4, 1u << 31, NULL },
		{ "hash flags 1<<20", BPF_MAP_TYPE_HASH, 4, 8, 4, 1u << 20, NULL },
		{ "hash key_size 1<<30", BPF_MAP_TYPE_HASH, 1u << 30, 8, 4, 0, NULL },
		{ "hash value_size 1<<30", BPF_MAP_TYPE_HASH, 4, 1u << 30, 4, 0, NULL },
		{ "map type 999", 999, 4, 8, 4, 0, NULL },
		{ "map type UNSPEC", BPF_MAP_TYPE_UNSPEC, 4, 8, 4, 0, NULL },
		{ "map type 64", 64, 4, 8, 4, 0, NULL },
		{ "bad map_name", BPF_MAP_TYPE_HASH, 4, 8, 4, 0, "bad-name!" },
	};
	__u32 before[256], after[256];
	int nb, na, i, leaked = 0;

	nb = b_ids(&be_kbpf, BPF_MAP_GET_NEXT_ID, before, 256);
	for (i = 0; i < (int)ARRAY_SIZE(c); i++) {
		int kb = b_map_create(&be_kbpf, c[i].type, c[i].ksz, c[i].vsz, c[i].max,
				      c[i].flags, c[i].name);
		int kr = b_map_create(&be_kernel, c[i].type, c[i].ksz, c[i].vsz, c[i].max,
				      c[i].flags, c[i].name);

		SAME_RES(c[i].what, kb, kr);
		CHECK(kr < 0, "%s: the kernel accepted it (test case is wrong)", c[i].what);
		if (kb >= 0) {
			leaked++;
			close(kb);
		}
		if (kr >= 0)
			close(kr);
	}
	for (i = 0; i < 50; i++) {	/* frees may be deferred (RCU) */
		na = b_ids(&be_kbpf, BPF_MAP_GET_NEXT_ID, after, 256);
		if (na == nb)
			break;
		usleep(20000);
	}
	CHECK(na == nb, "%d kbpf map ids before, %d after rejected creates (%d accepted)",
	      nb, na, leaked);
	for (i = 0; i < na && i < nb; i++)
		CHECK(before[i] == after[i], "map id list changed: id %u vs %u", before[i], after[i]);
}

/* ---- element sequences ---------------------------------------------------- */

static void look(const struct backend *b, struct trace *t, int fd, __u32 key)
{
	__u64 v = 0xdeadbeefcafef00dull;
	int r = b_map_lookup(b, fd, &key, &v);

	tr(t, r, v, "lookup %u", key);
}

static void upd(const struct backend *b, struct trace *t, int fd, __u32 key,
		__u64 val, __u64 flags)
{
	tr(t, b_map_update(b, fd, &key, &val, flags), 0, "update %u=%llu flags %#llx",
	   key, (unsigned long long)val, (unsigned long long)flags);
}

static void del(const struct backend *b, struct trace *t, int fd, __u32 key)
{
	tr(t, b_map_delete(b, fd, &key), 0, "delete %u", key);
}

static void next(const struct backend *b, struct trace *t, int fd, const __u32 *key)
{
	__u32 n = 0xfefefefe;
	int r = b_map_next_key(b, fd, key, &n);

	if (key)
		tr(t, r, n, "next_key %u", *key);
	else
		tr(t, r, n, "next_key NULL");
}

static void array_seq(const struct backend *b, struct trace *t)
{
	__u32 k, big = 100, last = 3, one = 1;
	__u64 v;
	int fd = b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, "kt_array");

	tr(t, fd, 0, "create");
	if (fd < 0)
		return;
	for (k = 0; k < 5; k++)
		look(b, t, fd, k);
	upd(b, t, fd, 1, 42, BPF_ANY);
	look(b, t, fd, 1);
	upd(b, t, fd, 1, 43, BPF_NOEXIST);
	look(b, t, fd, 1);
	upd(b, t, fd, 1, 44, BPF_EXIST);
	look(b, t, fd, 1);
	upd(b, t, fd, 3, 7, BPF_ANY);
	upd(b, t, fd, 4, 1, BPF_ANY);
	upd(b, t, fd, 0xffffffff, 1, BPF_ANY);
	upd(b, t, fd, 2, 1, 99);
	upd(b, t, fd, 2, 1, BPF_F_LOCK);
	upd(b, t, fd, 2, 1, BPF_EXIST | BPF_NOEXIST);
	del(b, t, fd, 1);
	del(b, t, fd, 9);
	look(b, t, fd, 1);
	k = 1;
	tr(t, b_map_lookup_flags(b, fd, &k, &v, 1), 0, "lookup flags 1");
	tr(t, b_map_lookup_flags(b, fd, &k, &v, BPF_F_LOCK), 0, "lookup BPF_F_LOCK");
	next(b, t, fd, NULL);
	next(b, t, fd, &one);
	next(b, t, fd, &last);
	next(b, t, fd, &big);
	for (k = 0; k < 4; k++)
		look(b, t, fd, k);
	close(fd);
}

void test_map_array_ops(void)
{
	static struct trace t[2];
	int k;

	for (k = 0; k < 2; k++)
		array_seq(backends[k], &t[k]);
	REQUIRE(t[1].n > 1 && t[1].e[0].res >= 0, "kernel ARRAY map create failed");
	compare_traces(&t[0], &t[1]);
}

static void hash_seq(const struct backend *b, struct trace *t, __u32 flags)
{
	__u32 k, five = 5, other = 77;
	__u64 v;
	int fd = b_map_create(b, BPF_MAP_TYPE_HASH, 4, 8, 4, flags, "kt_hash");

	tr(t, fd, 0, "create");
	if (fd < 0)
		return;
	look(b, t, fd, 1);
	next(b, t, fd, NULL);
	upd(b, t, fd, 1, 10, BPF_EXIST);
	upd(b, t, fd, 1, 11, BPF_NOEXIST);
	look(b, t, fd, 1);
	upd(b, t, fd, 1, 12, BPF_NOEXIST);
	look(b, t, fd, 1);
	upd(b, t, fd, 1, 13, BPF_ANY);
	look(b, t, fd, 1);
	upd(b, t, fd, 1, 14, BPF_EXIST);
	look(b, t, fd, 1);
	upd(b, t, fd, 2, 1, 99);
	upd(b, t, fd, 2, 1, BPF_F_LOCK);
	upd(b, t, fd, 2, 1, BPF_EXIST | BPF_NOEXIST);
	look(b, t, fd, 2);
	k = 1;
	tr(t, b_map_lookup_flags(b, fd, &k, &v, 1), 0, "lookup flags 1");
	del(b, t, fd, 99);
	del(b, t, fd, 1);
	look(b, t, fd, 1);
	del(b, t, fd, 1);
	next(b, t, fd, NULL);
	upd(b, t, fd, 5, 50, BPF_ANY);
	next(b, t, fd, NULL);
	next(b, t, fd, &five);
	next(b, t, fd, &other);
	/* fill: 4 entries max */
	upd(b, t, fd, 6, 60, BPF_NOEXIST);
	upd(b, t, fd, 7, 70, BPF_ANY);
	upd(b, t, fd, 8, 80, BPF_ANY);
	upd(b, t, fd, 9, 90, BPF_ANY);		/* full: E2BIG */
	upd(b, t, fd, 9, 90, BPF_NOEXIST);	/* full: E2BIG */
	upd(b, t, fd, 9, 90, BPF_EXIST);	/* missing: ENOENT */
	upd(b, t, fd, 6, 61, BPF_ANY);		/* replace while full */
	upd(b, t, fd, 7, 71, BPF_EXIST);
	for (k = 5; k <= 9; k++)
		look(b, t, fd, k);
	del(b, t, fd, 8);
	upd(b, t, fd, 9, 91, BPF_NOEXIST);	/* room again */
	upd(b, t, fd, 10, 100, BPF_ANY);	/* full again */
	for (k = 5; k <= 10; k++)
		look(b, t, fd, k);
	close(fd);
}

void test_map_hash_ops(void)
{
	static struct trace t[2];
	int k;

	for (k = 0; k < 2; k++)
		hash_seq(backends[k], &t[k], 0);
	REQUIRE(t[1].n > 1 && t[1].e[0].res >= 0, "kernel HASH map create failed");
	compare_traces(&t[0], &t[1]);
}

void test_map_hash_nopre_ops(void)
{
	static struct trace t[2];
	int k;

	for (k = 0; k < 2; k++)
		hash_seq(backends[k], &t[k], BPF_F_NO_PREALLOC);
	REQUIRE(t[1].n > 1 && t[1].e[0].res >= 0, "kernel HASH map create failed");
	compare_traces(&t[0], &t[1]);
}

/* Many inserts/deletes, then the whole contents must agree. */
void test_map_hash_full(void)
{
	int k;
	long full[2] = { 0, 0 };
	int count[2] = { 0, 0 };

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		int fd = b_map_create(b, BPF_MAP_TYPE_HASH, 4, 8, 32, 0, "kt_full");
		__u32 key;
		__u64 v;
		int r;

		REQUIRE(fd >= 0, "%s create: %s", b->name, kt_res(fd));
		for (key = 0; key < 32; key++) {
			v = key * 3;
			r = b_map_update(b, fd, &key, &v, BPF_NOEXIST);
			REQUIRE(r == 0, "%s insert %u of 32: %s", b->name, key, kt_res(r));
		}
		key = 1000;
		full[k] = b_map_update(b, fd, &key, &v, BPF_ANY);
		for (key = 0; key < 32; key += 2)
			REQUIRE(b_map_delete(b, fd, &key) == 0, "%s delete %u", b->name, key);
		for (key = 100; key < 116; key++)
			REQUIRE(b_map_update(b, fd, &key, &v, BPF_NOEXIST) == 0,
				"%s refill %u failed", b->name, key);
		for (key = 0; key < 200; key++)
			if (b_map_lookup(b, fd, &key, &v) == 0)
				count[k]++;
		close(fd);
	}
	SAME_RES("update on a full hash", full[0], full[1]);
	EXPECT_RES("update on a full hash", full[0], E2BIG);
	SAME_VAL("elements after delete/refill", count[0], count[1]);
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* Walk the map with GET_NEXT_KEY; returns the number of keys seen. */
static int walk(const struct backend *b, int fd, __u32 *keys, int max)
{
	__u32 cur, nxt;
	int n = 0, r;

	r = b_map_next_key(b, fd, NULL, &nxt);
	while (r == 0 && n < max) {
		keys[n++] = nxt;
		cur = nxt;
		r = b_map_next_key(b, fd, &cur, &nxt);
	}
	REQUIRE(r == -ENOENT || n == max, "%s GET_NEXT_KEY ended with %s after %d keys",
		b->name, kt_res(r), n);
	return n;
}

void test_map_get_next_key(void)
{
	static __u32 keys[2][300], expect[200];
	int k, i, n[2];

	for (i = 0; i < 200; i++)
		expect[i] = (__u32)i * 2654435761u;
	qsort(expect, 200, sizeof(expect[0]), cmp_u32);
	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		int fd = b_map_create(b, BPF_MAP_TYPE_HASH, 4, 8, 256, 0, "kt_walk");

		REQUIRE(fd >= 0, "%s create: %s", b->name, kt_res(fd));
		for (i = 0; i < 200; i++) {
			__u64 v = i;

			REQUIRE(b_map_update(b, fd, &expect[i], &v, BPF_NOEXIST) == 0,
				"%s insert", b->name);
		}
		n[k] = walk(b, fd, keys[k], 300);
		close(fd);
		qsort(keys[k], n[k], sizeof(__u32), cmp_u32);
	}
	SAME_VAL("hash keys enumerated", n[0], n[1]);
	CHECK(n[0] == 200, "kbpf enumerated %d keys, expected 200", n[0]);
	for (i = 0; i < n[0] && i < 200; i++) {
		if (keys[0][i] != expect[i]) {
			CHECK(0, "enumerated key set differs at sorted index %d: %u vs %u%s",
			      i, keys[0][i], expect[i],
			      i && keys[0][i] == keys[0][i - 1] ? " (duplicate)" : "");
			break;
		}
	}
	/* ARRAY: 0..max-1 in order. */
	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		int fd = b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, 8, 10, 0, "kt_walk_a");

		REQUIRE(fd >= 0, "%s create: %s", b->name, kt_res(fd));
		n[k] = walk(b, fd, keys[k], 300);
		close(fd);
	}
	SAME_VAL("array keys enumerated", n[0], n[1]);
	for (i = 0; i < n[0] && i < n[1]; i++)
		SAME_VAL("array key order", keys[0][i], keys[1][i]);
}

/* Odd key/value sizes: values are copied exactly, nothing beyond value_size. */
void test_map_odd_sizes(void)
{
	unsigned char key[3] = { 1, 2, 3 }, val[5] = { 9, 8, 7, 6, 5 };
	unsigned char out[2][16];
	int k, r[2], fd;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];

		fd = b_map_create(b, BPF_MAP_TYPE_HASH, 3, 5, 8, 0, "kt_odd");
		REQUIRE(fd >= 0, "%s create hash 3/5: %s", b->name, kt_res(fd));
		REQUIRE(b_map_update(b, fd, key, val, BPF_ANY) == 0, "%s update", b->name);
		memset(out[k], 0xa5, sizeof(out[k]));
		r[k] = b_map_lookup(b, fd, key, out[k]);
		close(fd);
	}
	SAME_RES("lookup", r[0], r[1]);
	CHECK(!memcmp(out[0], val, 5), "kbpf value bytes differ from what was stored");
	CHECK(!memcmp(out[0], out[1], sizeof(out[0])),
	      "kbpf wrote beyond value_size or differs from the kernel (byte 5: %#x vs %#x)",
	      out[0][5], out[1][5]);

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		__u32 idx = 2;

		fd = b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, 5, 4, 0, "kt_odd_a");
		REQUIRE(fd >= 0, "%s create array 4/5: %s", b->name, kt_res(fd));
		REQUIRE(b_map_update(b, fd, &idx, val, BPF_ANY) == 0, "%s update", b->name);
		memset(out[k], 0xa5, sizeof(out[k]));
		r[k] = b_map_lookup(b, fd, &idx, out[k]);
		close(fd);
	}
	SAME_RES("array lookup", r[0], r[1]);
	CHECK(!memcmp(out[0], out[1], sizeof(out[0])),
	      "array value bytes differ from the kernel's");
}

/* EBADF for a closed fd, EINVAL for an fd that is not a map of this backend. */
void test_map_bad_fd(void)
{
	__u32 key = 0;
	__u64 val = 0;
	int pfd[2], k, devnull;
	int prog[2], foreign[2], map[2];
	long r[2];

	REQUIRE(pipe(pfd) == 0, "pipe");
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (k = 0; k < 2; k++) {
		map[k] = b_map_create(backends[k], BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, NULL);
		REQUIRE(map[k] >= 0, "%s create: %s", backends[k]->name, kt_res(map[k]));
		prog[k] = b_prog_load(backends[k], BPF_PROG_TYPE_SOCKET_FILTER, prog_ret1, 2,
				      "GPL", NULL, 0, NULL);
		REQUIRE(prog[k] >= 0, "%s prog load: %s", backends[k]->name, kt_res(prog[k]));
	}
	/* A map of the other world: a kernel map for kbpf, a kbpf map for the kernel. */
	foreign[0] = map[1];
	foreign[1] = map[0];

#define BOTH(what, expr_kb, expr_kr) do {			\
	r[0] = (expr_kb); r[1] = (expr_kr);			\
	SAME_RES(what, r[0], r[1]);				\
} while (0)
	BOTH("lookup fd 9999", b_map_lookup(&be_kbpf, 9999, &key, &val),
	     b_map_lookup(&be_kernel, 9999, &key, &val));
	EXPECT_RES("lookup fd 9999", r[0], EBADF);
	BOTH("update fd -1", b_map_update(&be_kbpf, -1, &key, &val, 0),
	     b_map_update(&be_kernel, -1, &key, &val, 0));
	EXPECT_RES("update fd -1", r[0], EBADF);
	BOTH("delete fd 9999", b_map_delete(&be_kbpf, 9999, &key),
	     b_map_delete(&be_kernel, 9999, &key));
	BOTH("next_key fd 9999", b_map_next_key(&be_kbpf, 9999, &key, &key),
	     b_map_next_key(&be_kernel, 9999, &key, &key));
	BOTH("lookup on a pipe", b_map_lookup(&be_kbpf, pfd[0], &key, &val),
	     b_map_lookup(&be_kernel, pfd[0], &key, &val));
	EXPECT_RES("lookup on a pipe", r[0], EINVAL);
	BOTH("update on /dev/null", b_map_update(&be_kbpf, devnull, &key, &val, 0),
	     b_map_update(&be_kernel, devnull, &key, &val, 0));
	BOTH("lookup on a prog fd", b_map_lookup(&be_kbpf, prog[0], &key, &val),
	     b_map_lookup(&be_kernel, prog[1], &key, &val));
	EXPECT_RES("lookup on a prog fd", r[0], EINVAL);
	BOTH("lookup on the other world's map", b_map_lookup(&be_kbpf, foreign[0], &key, &val),
	     b_map_lookup(&be_kernel, foreign[1], &key, &val));
	if (!kt_kernel_as_kbpf)
		EXPECT_RES("lookup on a kernel map fd", r[0], EINVAL);
	BOTH("lookup on the /dev/kbpf fd", b_map_lookup(&be_kbpf, kbpf_dev(), &key, &val),
	     b_map_lookup(&be_kernel, kbpf_dev(), &key, &val));
	EXPECT_RES("lookup on the /dev/kbpf fd", r[0], EINVAL);
	/* bad key / value pointers */
	BOTH("lookup key (void*)1", b_map_lookup(&be_kbpf, map[0], (void *)1, &val),
	     b_map_lookup(&be_kernel, map[1], (void *)1, &val));
	EXPECT_RES("lookup key (void*)1", r[0], EFAULT);
	BOTH("lookup value NULL", b_map_lookup(&be_kbpf, map[0], &key, NULL),
	     b_map_lookup(&be_kernel, map[1], &key, NULL));
	BOTH("update value (void*)1", b_map_update(&be_kbpf, map[0], &key, (void *)1, 0),
	     b_map_update(&be_kernel, map[1], &key, (void *)1, 0));
	EXPECT_RES("update value (void*)1", r[0], EFAULT);
	BOTH("next_key next NULL", b_map_next_key(&be_kbpf, map[0], &key, NULL),
	     b_map_next_key(&be_kernel, map[1], &key, NULL));
#undef BOTH
	for (k = 0; k < 2; k++) {
		close(map[k]);
		close(prog[k]);
	}
	close(pfd[0]);
	close(pfd[1]);
	close(devnull);
}
