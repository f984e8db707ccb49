// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_ARRAY_OF_MAPS against the guest kernel's, the same sequence
 * on both (compare_traces):
 *   map_in_map_ops   MAP_CREATE with bad, missing, nested and unsupported
 *                    inner maps; updates with matching and mismatching
 *                    maps (size, type, max_entries, BPF_F_INNER_MAP) and
 *                    non-map fds; lookups (the inner map's id), deletes,
 *                    next keys and the lookup batch;
 *   map_in_map_prog  a socket filter that looks up the outer map, then the
 *                    inner one, and returns the value: inner maps swapped,
 *                    deleted, and kept alive by the outer map after their
 *                    last fd is closed; the JIT and the interpreter.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include "kbpf_test.h"

#define MIM_ENTRIES	4

static int outer_create(const struct backend *b, int inner, __u32 vsz, __u32 max)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY_OF_MAPS;
	a.key_size = 4;
	a.value_size = vsz;
	a.max_entries = max;
	a.inner_map_fd = inner;
	return b_call(b, BPF_MAP_CREATE, &a);
}

static int array(const struct backend *b, __u32 vsz, __u32 max, __u32 flags)
{
	return b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, vsz, max, flags, "mim_inner");
}

static void close_ok(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* Create, tr() the result, close: for the refused creates. */
static void try_create(const struct backend *b, struct trace *t, const char *what, int inner,
		       __u32 vsz)
{
	int m = outer_create(b, inner, vsz, MIM_ENTRIES);

	tr(t, m, 0, "create: %s", what);
	close_ok(m);
}

static void ops_seq(const struct backend *b, struct trace *t)
{
	int in8, in8x5, hash, pa, outer, o2, o3, null, m, fl, flx;
	__u32 key, val, id, ids[MIM_ENTRIES], keys[MIM_ENTRIES];
	union bpf_attr a;

	in8 = array(b, 8, 4, 0);
	in8x5 = array(b, 8, 5, 0);
	hash = b_map_create(b, BPF_MAP_TYPE_HASH, 4, 8, 4, 0, NULL);
	pa = b_map_create(b, BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0, NULL);
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	REQUIRE(in8 >= 0 && in8x5 >= 0 && hash >= 0 && pa >= 0 && null >= 0, "%s: setup",
		b->name);

	try_create(b, t, "inner fd closed", 9999, 4);
	try_create(b, t, "inner fd /dev/null", null, 4);
	try_create(b, t, "inner prog array", pa, 4);
	try_create(b, t, "value_size 8", in8, 8);
	outer = outer_create(b, in8, 4, MIM_ENTRIES);
	tr(t, outer, 0, "create");
	REQUIRE(outer >= 0, "%s: create: %s", b->name, kt_res(outer));
	try_create(b, t, "inner is a map-in-map", outer, 4);

	key = 0;
	val = in8x5;
	tr(t, b_map_update(b, outer, &key, &val, BPF_ANY), 0, "update: other max_entries");
	val = hash;
	tr(t, b_map_update(b, outer, &key, &val, BPF_ANY), 0, "update: a hash");
	val = null;
	tr(t, b_map_update(b, outer, &key, &val, BPF_ANY), 0, "update: /dev/null");
	val = in8;
	tr(t, b_map_update(b, outer, &key, &val, BPF_NOEXIST), 0, "update: BPF_NOEXIST");
	key = MIM_ENTRIES;
	tr(t, b_map_update(b, outer, &key, &val, BPF_ANY), 0, "update: key past the end");
	key = 1;
	tr(t, b_map_update(b, outer, &key, &val, BPF_ANY), 0, "update: key 1");
	id = 0;
	tr(t, b_map_lookup(b, outer, &key, &id), id == b_map_id(b, in8), "lookup: key 1 is in8");
	key = 2;
	tr(t, b_map_lookup(b, outer, &key, &id), 0, "lookup: empty key 2");
	key = 3;
	tr(t, b_map_update(b, outer, &key, &val, BPF_ANY), 0, "update: key 3");
	memset(&a, 0, sizeof(a));
	a.batch.map_fd = outer;
	a.batch.count = MIM_ENTRIES;
	a.batch.keys = (__u64)(unsigned long)keys;
	a.batch.values = (__u64)(unsigned long)ids;
	tr(t, b_call(b, BPF_MAP_LOOKUP_BATCH, &a), a.batch.count, "lookup batch (count)");
	key = 1;
	tr(t, b_map_delete(b, outer, &key), 0, "delete key 1");
	tr(t, b_map_delete(b, outer, &key), 0, "delete key 1 again");
	key = 9;
	tr(t, b_map_delete(b, outer, &key), 0, "delete key 9");

	/* BPF_F_INNER_MAP: any max_entries fits */
	fl = array(b, 8, 4, BPF_F_INNER_MAP);
	flx = array(b, 8, 100, BPF_F_INNER_MAP);
	tr(t, fl, 0, "create an array with BPF_F_INNER_MAP");
	o2 = outer_create(b, fl, 4, 2);
	tr(t, o2, 0, "create over a BPF_F_INNER_MAP template");
	key = 0;
	val = flx;
	tr(t, o2 >= 0 ? b_map_update(b, o2, &key, &val, BPF_ANY) : o2, 0,
	   "update: BPF_F_INNER_MAP, 100 entries");
	val = in8;
	tr(t, o2 >= 0 ? b_map_update(b, o2, &key, &val, BPF_ANY) : o2, 0,
	   "update: no BPF_F_INNER_MAP");
	m = b_map_create(b, BPF_MAP_TYPE_HASH, 4, 8, 4, 0, NULL);
	o3 = outer_create(b, m, 4, 2);
	tr(t, o3, 0, "create over a hash template");
	close_ok(o3);
	close_ok(m);
	close_ok(o2);
	close_ok(fl);
	close_ok(flx);
	close(outer);
	close(in8);
	close(in8x5);
	close(hash);
	close(pa);
	close(null);
}

void test_map_in_map_ops(void)
{
	static struct trace t[2];

	trace_both(ops_seq, t);
	compare_traces(&t[0], &t[1]);
}

/* r0 = outer[0] ? (*inner[1] or 0) : 7; key 0 at fp-4, key 1 at fp-8. */
static int load_reader(const struct backend *b, int outer)
{
	struct bpf_insn p[] = {
		ST_MEM(BPF_W, BPF_REG_10, -4, 0),
		ST_MEM(BPF_W, BPF_REG_10, -8, 1),
		MOV64_REG(BPF_REG_2, BPF_REG_10),
		ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		LD_MAP_FD(BPF_REG_1, outer),
		CALL(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),
		MOV64_IMM(BPF_REG_0, 7),
		EXIT_INSN(),
		MOV64_REG(BPF_REG_1, BPF_REG_0),
		MOV64_REG(BPF_REG_2, BPF_REG_10),
		ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
		CALL(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
		EXIT_INSN(),
	};

	return b_prog_load(b, BPF_PROG_TYPE_SOCKET_FILTER, p, ARRAY_SIZE(p), "GPL", NULL, 0,
			   "mim_reader");
}

static long run_reader(const struct backend *b, int prog)
{
	__u32 retval;
	int r = b_run_frame(b, prog, &retval);

	return r ? r : (long)retval;
}

/* An ARRAY 4/8/4 whose element 1 is v. */
static int inner_with(const struct backend *b, __u64 v)
{
	__u32 key = 1;
	int m = array(b, 8, 4, 0);

	REQUIRE(m >= 0, "%s: inner: %s", b->name, kt_res(m));
	REQUIRE(b_map_update(b, m, &key, &v, BPF_ANY) == 0, "%s: inner update", b->name);
	return m;
}

static void prog_seq(const struct backend *b, struct trace *t)
{
	int tmpl = array(b, 8, 4, 0), outer, prog, a, c;
	__u32 key = 0, val, id;

	outer = outer_create(b, tmpl, 4, MIM_ENTRIES);
	REQUIRE(tmpl >= 0 && outer >= 0, "%s: outer: %s", b->name, kt_res(outer));
	close(tmpl);	/* the template is copied, not kept */
	prog = load_reader(b, outer);
	tr(t, prog, 0, "load");
	REQUIRE(prog >= 0, "%s: load: %s", b->name, kt_res(prog));
	tr(t, run_reader(b, prog), 0, "run: outer[0] empty");
	tr(t, 0, run_reader(b, prog), "value: outer[0] empty");

	a = inner_with(b, 1111);
	val = a;
	tr(t, b_map_update(b, outer, &key, &val, BPF_ANY), 0, "store inner a");
	tr(t, 0, run_reader(b, prog), "value through a");
	id = b_map_id(b, a);
	close(a);	/* the outer map keeps it */
	tr(t, 0, run_reader(b, prog), "value through a, its fd closed");
	tr(t, b_has_id(b, BPF_MAP_GET_NEXT_ID, id), 0, "a's id still listed");

	c = inner_with(b, 2222);
	val = c;
	tr(t, b_map_update(b, outer, &key, &val, BPF_ANY), 0, "replace a with c");
	tr(t, 0, run_reader(b, prog), "value through c");
	key = 1;
	tr(t, b_map_update(b, c, &key, &(__u64){ 3333 }, BPF_ANY), 0, "write c[1]");
	tr(t, 0, run_reader(b, prog), "value after c[1] changed");
	key = 0;
	tr(t, b_map_delete(b, outer, &key), 0, "delete outer[0]");
	tr(t, 0, run_reader(b, prog), "value after the delete");
	close(c);
	close(prog);
	close(outer);
}

void test_map_in_map_prog(void)
{
	static struct trace t[2];
	int pass;

	for (pass = 0; pass < 2; pass++) {
		/* the JIT, then the interpreter */
		REQUIRE(!kt_set_param("jit_enable", pass ? "0" : "1"), "jit_enable");
		trace_both(prog_seq, t);
		compare_traces(&t[0], &t[1]);
	}
	CHECK(!kt_set_param("jit_enable", "1"), "jit_enable back to 1");
}
