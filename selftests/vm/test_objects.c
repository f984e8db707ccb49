// SPDX-License-Identifier: GPL-2.0
/*
 * The object model: ids, GET_FD_BY_ID, OBJ_GET_INFO_BY_FD, fdinfo, anon inode
 * names, and freeing on the last close.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include "kbpf_test.h"

#define SF BPF_PROG_TYPE_SOCKET_FILTER

/* Wait (up to 2 s, for RCU-deferred frees) until id is (not) listed. */
static bool wait_id(const struct backend *b, int cmd, __u32 id, bool present)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (b_has_id(b, cmd, id) == present)
			return true;
		usleep(20000);
	}
	return false;
}

void test_obj_next_id(void)
{
	int m1, m2, p1, r[2];
	__u32 id_m1, id_m2, id_p1, next[2];
	int k;

	m1 = b_map_create(&be_kbpf, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, "kt_id1");
	m2 = b_map_create(&be_kbpf, BPF_MAP_TYPE_HASH, 4, 8, 1, 0, "kt_id2");
	p1 = b_prog_load(&be_kbpf, SF, prog_ret1, 2, "GPL", NULL, 0, "kt_id3");
	REQUIRE(m1 >= 0 && m2 >= 0 && p1 >= 0, "create: %s %s %s", kt_res(m1), kt_res(m2),
		kt_res(p1));
	id_m1 = b_map_id(&be_kbpf, m1);
	id_m2 = b_map_id(&be_kbpf, m2);
	id_p1 = b_prog_id(&be_kbpf, p1);
	CHECK(id_m1 && id_m2 && id_m1 != id_m2, "map ids %u, %u", id_m1, id_m2);
	CHECK(id_p1, "prog id 0");
	CHECK(b_has_id(&be_kbpf, BPF_MAP_GET_NEXT_ID, id_m1), "map id %u not listed", id_m1);
	CHECK(b_has_id(&be_kbpf, BPF_MAP_GET_NEXT_ID, id_m2), "map id %u not listed", id_m2);
	CHECK(b_has_id(&be_kbpf, BPF_PROG_GET_NEXT_ID, id_p1), "prog id %u not listed", id_p1);
	r[0] = b_next_id(&be_kbpf, BPF_MAP_GET_NEXT_ID, id_m1, &next[0]);
	CHECK(r[0] == 0 && next[0] > id_m1, "MAP_GET_NEXT_ID(%u): %s next %u", id_m1,
	      kt_res(r[0]), next[0]);
	for (k = 0; k < 2; k++)
		r[k] = b_next_id(backends[k], BPF_MAP_GET_NEXT_ID, 0xffffffff, &next[k]);
	SAME_RES("MAP_GET_NEXT_ID(0xffffffff)", r[0], r[1]);
	for (k = 0; k < 2; k++)
		r[k] = b_next_id(backends[k], BPF_PROG_GET_NEXT_ID, 0xffffffff, &next[k]);
	SAME_RES("PROG_GET_NEXT_ID(0xffffffff)", r[0], r[1]);
	for (k = 0; k < 2; k++) {
		union bpf_attr a;

		memset(&a, 0, sizeof(a));
		a.start_id = 0;
		a.open_flags = 1;	/* must be zero for GET_NEXT_ID */
		r[k] = b_call(backends[k], BPF_MAP_GET_NEXT_ID, &a);
	}
	SAME_RES("MAP_GET_NEXT_ID with open_flags set", r[0], r[1]);
	close(m1);
	close(m2);
	close(p1);
}

void test_obj_fd_by_id(void)
{
	int map, map2, prog, prog2, r[2], k;
	__u32 key = 0, id;
	__u64 v = 4242, got = 0;
	unsigned char pkt[20] = { 0 };
	struct run_opts o = { .data = pkt, .data_size = sizeof(pkt), .repeat = 1 };

	map = b_map_create(&be_kbpf, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, "kt_byid");
	REQUIRE(map >= 0, "map create: %s", kt_res(map));
	id = b_map_id(&be_kbpf, map);
	map2 = b_fd_by_id(&be_kbpf, BPF_MAP_GET_FD_BY_ID, id);
	REQUIRE(map2 >= 0, "MAP_GET_FD_BY_ID(%u): %s", id, kt_res(map2));
	CHECK(map2 != map, "same fd number returned");
	CHECK(b_map_update(&be_kbpf, map2, &key, &v, BPF_ANY) == 0, "update through the new fd");
	CHECK(b_map_lookup(&be_kbpf, map, &key, &got) == 0 && got == v,
	      "value written through the fd-by-id not seen via the first fd (%llu)",
	      (unsigned long long)got);
	CHECK(b_map_id(&be_kbpf, map2) == id, "new fd has another id");

	prog = b_prog_load(&be_kbpf, SF, prog_ret1, 2, "GPL", NULL, 0, NULL);
	REQUIRE(prog >= 0, "prog load: %s", kt_res(prog));
	id = b_prog_id(&be_kbpf, prog);
	prog2 = b_fd_by_id(&be_kbpf, BPF_PROG_GET_FD_BY_ID, id);
	REQUIRE(prog2 >= 0, "PROG_GET_FD_BY_ID(%u): %s", id, kt_res(prog2));
	o.retval = 0;
	r[0] = b_test_run(&be_kbpf, prog2, &o);
	CHECK(r[0] == 0 && o.retval == 1, "TEST_RUN via fd-by-id: %s retval %u",
	      kt_res(r[0]), o.retval);

	for (k = 0; k < 2; k++)
		r[k] = b_fd_by_id(backends[k], BPF_MAP_GET_FD_BY_ID, 0x7ffffff0);
	SAME_RES("MAP_GET_FD_BY_ID(unused id)", r[0], r[1]);
	for (k = 0; k < 2; k++)
		r[k] = b_fd_by_id(backends[k], BPF_PROG_GET_FD_BY_ID, 0x7ffffff0);
	SAME_RES("PROG_GET_FD_BY_ID(unused id)", r[0], r[1]);
	for (k = 0; k < 2; k++)
		r[k] = b_fd_by_id(backends[k], BPF_MAP_GET_FD_BY_ID, 0);
	SAME_RES("MAP_GET_FD_BY_ID(0)", r[0], r[1]);
	for (k = 0; k < 2; k++) {
		union bpf_attr a;
		int m = k ? b_map_create(&be_kernel, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL) : map;

		memset(&a, 0, sizeof(a));
		a.map_id = k ? b_map_id(&be_kernel, m) : b_map_id(&be_kbpf, map);
		a.open_flags = 1u << 30;
		r[k] = b_call(backends[k], BPF_MAP_GET_FD_BY_ID, &a);
		if (r[k] >= 0)
			close(r[k]);
		if (k)
			close(m);
	}
	SAME_RES("MAP_GET_FD_BY_ID with unknown open_flags", r[0], r[1]);
	close(map);
	close(map2);
	close(prog);
	close(prog2);
}

void test_obj_info_map(void)
{
	static const struct { __u32 type, ksz, vsz, max, flags; const char *name; } c[] = {
		{ BPF_MAP_TYPE_ARRAY, 4, 8, 16, 0, "kt_info_a" },
		{ BPF_MAP_TYPE_HASH, 12, 20, 33, 0, "kt_info_h" },
		{ BPF_MAP_TYPE_HASH, 4, 4, 7, BPF_F_NO_PREALLOC, "" },
		{ BPF_MAP_TYPE_ARRAY, 4, 1, 1, BPF_F_RDONLY, "kt.ro" },
	};
	size_t i;
	int k;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct bpf_map_info info[2];
		int fd[2], r[2];
		__u32 len[2];

		for (k = 0; k < 2; k++) {
			fd[k] = b_map_create(backends[k], c[i].type, c[i].ksz, c[i].vsz, c[i].max,
					     c[i].flags, c[i].name);
			REQUIRE(fd[k] >= 0, "%s create case %zu: %s", backends[k]->name, i,
				kt_res(fd[k]));
			memset(&info[k], 0, sizeof(info[k]));
			len[k] = sizeof(info[k]);
			r[k] = b_obj_info(backends[k], fd[k], &info[k], &len[k]);
			close(fd[k]);
		}
		SAME_RES("OBJ_GET_INFO_BY_FD(map)", r[0], r[1]);
		if (r[0] < 0)
			continue;
		SAME_VAL("info_len", len[0], len[1]);
		SAME_VAL("type", info[0].type, info[1].type);
		SAME_VAL("key_size", info[0].key_size, info[1].key_size);
		SAME_VAL("value_size", info[0].value_size, info[1].value_size);
		SAME_VAL("max_entries", info[0].max_entries, info[1].max_entries);
		SAME_VAL("map_flags", info[0].map_flags, info[1].map_flags);
		CHECK(!strncmp(info[0].name, info[1].name, sizeof(info[0].name)),
		      "name: kbpf '%.16s', kernel '%.16s'", info[0].name, info[1].name);
		CHECK(info[0].id != 0, "id is 0");
	}
}

/* info_len smaller / larger than the struct, and a non-zero tail. */
static void info_len_rules(bool is_prog)
{
	static unsigned char buf[2][4096];
	static const struct { __u32 len; int tail_at; } c[] = {
		{ 8, -1 }, { 0, -1 }, { 1, -1 }, { 4096, -1 }, { 4096, 4000 },
	};
	size_t i;
	int k;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		int fd[2], r[2];
		__u32 len[2];
		char what[80];

		for (k = 0; k < 2; k++) {
			if (is_prog)
				fd[k] = b_prog_load(backends[k], SF, prog_ret1, 2, "GPL", NULL, 0,
						    "kt_len");
			else
				fd[k] = b_map_create(backends[k], BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0,
						     "kt_len");
			REQUIRE(fd[k] >= 0, "%s create: %s", backends[k]->name, kt_res(fd[k]));
			memset(buf[k], 0, sizeof(buf[k]));
			memset(buf[k], 0xaa, c[i].len < 64 ? 64 : 0);
			if (c[i].tail_at >= 0)
				buf[k][c[i].tail_at] = 1;
			len[k] = c[i].len;
			r[k] = b_obj_info(backends[k], fd[k], buf[k], &len[k]);
			close(fd[k]);
		}
		snprintf(what, sizeof(what), "%s info_len %u%s", is_prog ? "prog" : "map",
			 c[i].len, c[i].tail_at >= 0 ? " (non-zero tail)" : "");
		SAME_RES(what, r[0], r[1]);
		if (r[0] < 0 || r[1] < 0)
			continue;
		SAME_VAL(what, len[0], len[1]);
		if (c[i].len < 64) {
			/* bytes past info_len are untouched */
			CHECK(buf[0][c[i].len] == 0xaa && buf[0][63] == 0xaa,
			      "%s: kbpf wrote past info_len", what);
		}
	}
}

void test_obj_info_len(void)
{
	info_len_rules(false);
	info_len_rules(true);
}

void test_obj_info_bad(void)
{
	struct bpf_map_info info;
	int pfd[2], k, r[2], m[2];
	__u32 len;

	REQUIRE(pipe(pfd) == 0, "pipe");
	for (k = 0; k < 2; k++) {
		len = sizeof(info);
		r[k] = b_obj_info(backends[k], 9999, &info, &len);
	}
	SAME_RES("info on fd 9999", r[0], r[1]);	/* 6.1 says EBADFD here */
	for (k = 0; k < 2; k++) {
		len = sizeof(info);
		r[k] = b_obj_info(backends[k], pfd[0], &info, &len);
	}
	SAME_RES("info on a pipe", r[0], r[1]);
	EXPECT_RES("info on a pipe", r[0], EINVAL);
	for (k = 0; k < 2; k++) {
		m[k] = b_map_create(backends[k], BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL);
		REQUIRE(m[k] >= 0, "%s create", backends[k]->name);
		len = sizeof(info);
		r[k] = b_obj_info(backends[k], m[k], (void *)1, &len);
	}
	SAME_RES("info pointer (void*)1", r[0], r[1]);
	EXPECT_RES("info pointer (void*)1", r[0], EFAULT);
	for (k = 0; k < 2; k++)
		close(m[k]);
	close(pfd[0]);
	close(pfd[1]);
}

void test_obj_fdinfo(void)
{
	static const char *const map_keys[] = {
		"map_type", "key_size", "value_size", "max_entries", "map_flags",
	};
	static const char *const prog_keys[] = { "prog_type" };
	char v[2][128];
	int k, m[2], p[2];
	size_t i;

	for (k = 0; k < 2; k++) {
		m[k] = b_map_create(backends[k], BPF_MAP_TYPE_HASH, 4, 12, 9, BPF_F_NO_PREALLOC,
				    "kt_fdinfo");
		p[k] = b_prog_load(backends[k], SF, prog_ret1, 2, "GPL", NULL, 0, "kt_fdinfo");
		REQUIRE(m[k] >= 0 && p[k] >= 0, "%s create: %s %s", backends[k]->name,
			kt_res(m[k]), kt_res(p[k]));
	}
	for (i = 0; i < ARRAY_SIZE(map_keys); i++) {
		REQUIRE(fdinfo_get(m[1], map_keys[i], v[1], sizeof(v[1])),
			"kernel map fdinfo has no %s", map_keys[i]);
		if (!fdinfo_get(m[0], map_keys[i], v[0], sizeof(v[0]))) {
			CHECK(0, "kbpf map fdinfo has no '%s:' line", map_keys[i]);
			continue;
		}
		CHECK(!strcmp(v[0], v[1]), "map fdinfo %s: kbpf '%s', kernel '%s'", map_keys[i],
		      v[0], v[1]);
	}
	for (i = 0; i < ARRAY_SIZE(prog_keys); i++) {
		REQUIRE(fdinfo_get(p[1], prog_keys[i], v[1], sizeof(v[1])),
			"kernel prog fdinfo has no %s", prog_keys[i]);
		if (!fdinfo_get(p[0], prog_keys[i], v[0], sizeof(v[0]))) {
			CHECK(0, "kbpf prog fdinfo has no '%s:' line", prog_keys[i]);
			continue;
		}
		CHECK(!strcmp(v[0], v[1]), "prog fdinfo %s: kbpf '%s', kernel '%s'",
		      prog_keys[i], v[0], v[1]);
	}
	/* The anon inode names: anon_inode:bpf-map, anon_inode:bpf-prog. */
	for (i = 0; i < 2; i++) {
		char path[64], l[2][128];
		ssize_t n;

		for (k = 0; k < 2; k++) {
			snprintf(path, sizeof(path), "/proc/self/fd/%d", i ? p[k] : m[k]);
			n = readlink(path, l[k], sizeof(l[k]) - 1);
			l[k][n < 0 ? 0 : n] = 0;
		}
		CHECK(!strcmp(l[0], l[1]), "%s fd link: kbpf '%s', kernel '%s'",
		      i ? "prog" : "map", l[0], l[1]);
	}
	for (k = 0; k < 2; k++) {
		close(m[k]);
		close(p[k]);
	}
}

void test_obj_free_on_close(void)
{
	struct bpf_insn insns[16];
	__u32 map_id, prog_id;
	int map, prog, n;

	map = b_map_create(&be_kbpf, BPF_MAP_TYPE_HASH, 4, 8, 4, 0, "kt_free");
	REQUIRE(map >= 0, "map create: %s", kt_res(map));
	map_id = b_map_id(&be_kbpf, map);
	close(map);
	CHECK(wait_id(&be_kbpf, BPF_MAP_GET_NEXT_ID, map_id, false),
	      "map id %u still listed 2 s after its last fd was closed", map_id);
	CHECK(b_fd_by_id(&be_kbpf, BPF_MAP_GET_FD_BY_ID, map_id) == -ENOENT,
	      "MAP_GET_FD_BY_ID on a freed map did not give ENOENT");

	/* A map used by a program lives as long as the program. */
	map = b_map_create(&be_kbpf, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, "kt_free2");
	REQUIRE(map >= 0, "map create: %s", kt_res(map));
	map_id = b_map_id(&be_kbpf, map);
	n = build_counter_prog(insns, map, -1, false);
	prog = b_prog_load(&be_kbpf, SF, insns, n, "GPL", NULL, 0, "kt_free");
	REQUIRE(prog >= 0, "prog load: %s", kt_res(prog));
	prog_id = b_prog_id(&be_kbpf, prog);
	close(map);
	usleep(100000);
	CHECK(b_has_id(&be_kbpf, BPF_MAP_GET_NEXT_ID, map_id),
	      "map id %u gone while a program still uses the map", map_id);
	map = b_fd_by_id(&be_kbpf, BPF_MAP_GET_FD_BY_ID, map_id);
	CHECK(map >= 0, "MAP_GET_FD_BY_ID of a map held by a program: %s", kt_res(map));
	if (map >= 0)
		close(map);
	close(prog);
	CHECK(wait_id(&be_kbpf, BPF_PROG_GET_NEXT_ID, prog_id, false),
	      "prog id %u still listed 2 s after its last fd was closed", prog_id);
	CHECK(wait_id(&be_kbpf, BPF_MAP_GET_NEXT_ID, map_id, false),
	      "map id %u still listed 2 s after its program was freed", map_id);
}
