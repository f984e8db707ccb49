// SPDX-License-Identifier: GPL-2.0
/*
 * Tail calls and PROG_ARRAY, against the guest kernel: the same array
 * updates and the same runs on both sides must give the same errnos and
 * the same results, including the limit of 33 tail calls.
 */
#include "kbpf_test.h"

#define SF	BPF_PROG_TYPE_SOCKET_FILTER

static const unsigned char kt_host_mac[6];	/* 00:00:00:00:00:00, PACKET_HOST */
#define CB0	((int)offsetof(struct __sk_buff, cb[0]))

/* Tail-call slot idx of the array; on a miss return 99. */
static int load_caller(const struct backend *b, int pa, int idx)
{
	struct bpf_insn p[] = {
		LD_MAP_FD(BPF_REG_2, pa), MOV64_IMM(BPF_REG_3, idx),
		CALL(BPF_FUNC_tail_call), MOV64_IMM(BPF_REG_0, 99), EXIT_INSN(),
	};

	return b_prog_load(b, SF, p, ARRAY_SIZE(p), "GPL", NULL, 0, NULL);
}

static int run_ret(const struct backend *b, int fd, __u32 *ret)
{
	unsigned char pkt[64];
	struct run_opts o = { .data = pkt, .data_size = sizeof(pkt) };
	int err;

	make_packet(pkt, sizeof(pkt), kt_host_mac, 0x0800);
	err = b_test_run(b, fd, &o);
	*ret = o.retval;
	return err;
}

void test_tail_call_basic(void)
{
	struct bpf_insn target[] = { LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
				     ALU64_IMM(BPF_ADD, BPF_REG_0, 1000), EXIT_INSN() };
	struct trace t[2];
	int k;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		__u32 key, val, ret = 0, id;
		int pa, caller, tgt, r;

		memset(&t[k], 0, sizeof(t[k]));
		pa = b_map_create(b, BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0, "pa");
		tr(&t[k], pa, 0, "create prog array");
		REQUIRE(pa >= 0, "%s: PROG_ARRAY create: %s", b->name, kt_res(pa));
		caller = load_caller(b, pa, 1);
		tgt = b_prog_load(b, SF, target, ARRAY_SIZE(target), "GPL", NULL, 0, NULL);
		tr(&t[k], caller, 0, "load caller");
		tr(&t[k], tgt, 0, "load target");
		REQUIRE(caller >= 0 && tgt >= 0, "%s: load: %s %s", b->name, kt_res(caller),
			kt_res(tgt));
		r = run_ret(b, caller, &ret);
		tr(&t[k], r, ret, "run, empty slot");
		key = 1;
		val = tgt;
		tr(&t[k], b_map_update(b, pa, &key, &val, BPF_ANY), 0, "update slot 1");
		r = run_ret(b, caller, &ret);
		tr(&t[k], r, ret, "run, slot 1 set");
		r = b_map_lookup(b, pa, &key, &id);
		tr(&t[k], r, r ? 0 : id == b_prog_id(b, tgt), "lookup slot 1 gives the id");
		tr(&t[k], b_map_update(b, pa, &key, &val, BPF_NOEXIST), 0, "update NOEXIST");
		key = 4;
		tr(&t[k], b_map_update(b, pa, &key, &val, BPF_ANY), 0, "update index 4");
		key = 2;
		val = 1000;
		tr(&t[k], b_map_update(b, pa, &key, &val, BPF_ANY), 0, "update bad fd");
		val = pa;
		tr(&t[k], b_map_update(b, pa, &key, &val, BPF_ANY), 0, "update with a map fd");
		tr(&t[k], b_map_lookup(b, pa, &key, &id), 0, "lookup empty slot");
		tr(&t[k], b_map_delete(b, pa, &key), 0, "delete empty slot");
		key = 1;
		tr(&t[k], b_map_delete(b, pa, &key), 0, "delete slot 1");
		r = run_ret(b, caller, &ret);
		tr(&t[k], r, ret, "run after delete");
		close(caller);
		close(tgt);
		close(pa);
	}
	compare_traces(&t[0], &t[1]);
}

/* A program that counts entries in cb[0] and tail-calls itself. */
void test_tail_call_limit(void)
{
	__u32 got[2] = { 0, 0 };
	int k;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		unsigned char pkt[64];
		struct __sk_buff ctx, ctx_out;
		struct run_opts o = { .data = pkt, .data_size = sizeof(pkt), .ctx = &ctx,
				      .ctx_size = sizeof(ctx), .ctx_out = &ctx_out,
				      .ctx_size_out = sizeof(ctx_out) };
		__u32 key = 0, val;
		int pa, self, r;

		pa = b_map_create(b, BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 1, 0, "pa");
		REQUIRE(pa >= 0, "%s: create: %s", b->name, kt_res(pa));
		{
			struct bpf_insn p[] = {
				MOV64_REG(BPF_REG_6, BPF_REG_1),
				LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, CB0),
				ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
				STX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, CB0),
				LD_MAP_FD(BPF_REG_2, pa), MOV64_IMM(BPF_REG_3, 0),
				CALL(BPF_FUNC_tail_call),
				LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_6, CB0), EXIT_INSN(),
			};

			self = b_prog_load(b, SF, p, ARRAY_SIZE(p), "GPL", NULL, 0, NULL);
		}
		REQUIRE(self >= 0, "%s: load: %s", b->name, kt_res(self));
		val = self;
		r = b_map_update(b, pa, &key, &val, BPF_ANY);
		REQUIRE(!r, "%s: update: %s", b->name, kt_res(r));
		memset(&ctx, 0, sizeof(ctx));
		make_packet(pkt, sizeof(pkt), kt_host_mac, 0x0800);
		r = b_test_run(b, self, &o);
		REQUIRE(!r, "%s: run: %s", b->name, kt_res(r));
		got[k] = o.retval;
		CHECK(ctx_out.cb[0] == o.retval, "%s: cb[0] %u, retval %u", b->name, ctx_out.cb[0],
		      o.retval);
		close(self);	/* the array still holds it... */
		close(pa);	/* ...until its last fd goes: the cycle is broken */
	}
	SAME_VAL("entries before the limit", got[0], got[1]);
	CHECK(got[0] == 34, "kbpf: %u entries, want 1 + 33", got[0]);
}

/* Closing the array's last fd empties it, even while a program holds it. */
void test_tail_call_uref(void)
{
	__u32 ret[2] = { 0, 0 };
	int k;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		__u32 key = 0, val;
		int pa, caller, tgt;
		struct bpf_insn t[] = { MOV64_IMM(BPF_REG_0, 5), EXIT_INSN() };

		pa = b_map_create(b, BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 1, 0, "pa");
		caller = load_caller(b, pa, 0);
		tgt = b_prog_load(b, SF, t, ARRAY_SIZE(t), "GPL", NULL, 0, NULL);
		REQUIRE(pa >= 0 && caller >= 0 && tgt >= 0, "%s: setup", b->name);
		val = tgt;
		REQUIRE(!b_map_update(b, pa, &key, &val, BPF_ANY), "%s: update", b->name);
		REQUIRE(!run_ret(b, caller, &ret[k]) && ret[k] == 5, "%s: slot 0 not entered",
			b->name);
		close(pa);
		REQUIRE(!run_ret(b, caller, &ret[k]), "%s: run", b->name);
		close(caller);
		close(tgt);
	}
	SAME_VAL("result after the array's fd closed", ret[0], ret[1]);
	CHECK(ret[0] == 99, "kbpf: %u, want 99 (array emptied)", ret[0]);
}

/* One array, one backend: a JIT-compiled program cannot join interpreted ones. */
void test_tail_call_backend_mix(void)
{
	const struct backend *b = backends[0];
	struct bpf_insn t[] = { MOV64_IMM(BPF_REG_0, 5), EXIT_INSN() };
	__u32 key = 0, val;
	int pa, jitted, interp, r;

	REQUIRE(!kt_set_param("jit_enable", "1"), "cannot set kbpf.jit_enable");
	pa = b_map_create(b, BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 2, 0, "pa");
	jitted = b_prog_load(b, SF, t, ARRAY_SIZE(t), "GPL", NULL, 0, NULL);
	REQUIRE(!kt_set_param("jit_enable", "0"), "cannot set kbpf.jit_enable");
	interp = b_prog_load(b, SF, t, ARRAY_SIZE(t), "GPL", NULL, 0, NULL);
	kt_set_param("jit_enable", "1");
	REQUIRE(pa >= 0 && jitted >= 0 && interp >= 0, "setup");
	val = jitted;
	r = b_map_update(b, pa, &key, &val, BPF_ANY);
	EXPECT_RES("first program (JIT) sets the owner", r, 0);
	key = 1;
	val = interp;
	r = b_map_update(b, pa, &key, &val, BPF_ANY);
	EXPECT_RES("interpreted program into a JIT array", r, EINVAL);
	close(interp);
	close(jitted);
	close(pa);
}
