// SPDX-License-Identifier: GPL-2.0
/*
 * PROG_LOAD (SOCKET_FILTER) and BPF_PROG_TEST_RUN. Verdicts, errnos, logs and
 * results are compared with the guest kernel's for the same input.
 */
#define _GNU_SOURCE
#include "kbpf_test.h"

#define LOG_SIZE 65536

/* The verifier's message in a log: its last line that is not a statistic. */
static const char *log_head(const char *log)
{
	static char buf[4][200];
	static int i;
	char *b = buf[i++ & 3];
	const char *p = NULL, *line = log;

	while (*line) {
		size_t n = strcspn(line, "\n");

		if (n && strncmp(line, "processed ", 10) && strncmp(line, "verification time", 17) &&
		    strncmp(line, "stack depth", 11))
			p = line;
		line += n;
		if (*line)
			line++;
	}
	if (!p)
		p = *log ? log : "(empty log)";
	snprintf(b, 200, "%.*s", (int)strcspn(p, "\n"), p);
	return b;
}

void test_prog_load_trivial(void)
{
	int k;

	for (k = 0; k < 2; k++) {
		int fd = b_prog_load(backends[k], BPF_PROG_TYPE_SOCKET_FILTER, prog_ret1, 2,
				     "GPL", NULL, 0, "kt_ret1");

		REQUIRE(fd >= 0, "%s PROG_LOAD r0 = 1; exit: %s", backends[k]->name, kt_res(fd));
		close(fd);
	}
}

void test_prog_load_map_lookup(void)
{
	static char log[LOG_SIZE];
	struct bpf_insn insns[16];
	unsigned char pkt[64];
	__u64 count[2] = { 0, 0 };
	__u32 retval[2] = { 0, 0 };
	int k;

	make_packet(pkt, sizeof(pkt), (const unsigned char *)"\xff\xff\xff\xff\xff\xff", 0x0800);
	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		struct run_opts o = { .data = pkt, .data_size = sizeof(pkt), .repeat = 1 };
		int map, prog, n, r, i;
		__u32 key = 0;

		map = b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, "kt_cnt");
		REQUIRE(map >= 0, "%s map create: %s", b->name, kt_res(map));
		n = build_counter_prog(insns, map, -1, true);
		prog = b_prog_load(b, BPF_PROG_TYPE_SOCKET_FILTER, insns, n, "GPL", log,
				   sizeof(log), "kt_counter");
		REQUIRE(prog >= 0, "%s PROG_LOAD counter: %s; log: %s", b->name, kt_res(prog),
			log_head(log));
		for (i = 0; i < 3; i++) {
			r = b_test_run(b, prog, &o);
			REQUIRE(r == 0, "%s TEST_RUN: %s", b->name, kt_res(r));
		}
		retval[k] = o.retval;
		r = b_map_lookup(b, map, &key, &count[k]);
		REQUIRE(r == 0, "%s lookup counter: %s", b->name, kt_res(r));
		close(prog);
		close(map);
	}
	SAME_VAL("counter after 3 runs", count[0], count[1]);
	CHECK(count[0] == 3, "kbpf counter is %llu after 3 runs", (unsigned long long)count[0]);
	SAME_VAL("retval (the counter)", retval[0], retval[1]);
}

/* Load the same program on both; compare verdict and errno, print the logs. */
static void verdict_case(const char *what, __u32 type, const struct bpf_insn *insns,
			 __u32 cnt, const char *license, const char *name,
			 __u32 log_size)
{
	static char log[2][LOG_SIZE];
	__u32 before[512], after[512];
	int k, r[2], nb, na, i;

	nb = b_ids(&be_kbpf, BPF_PROG_GET_NEXT_ID, before, 512);
	for (k = 0; k < 2; k++) {
		memset(log[k], 0, sizeof(log[k]));
		r[k] = b_prog_load(backends[k], type, insns, cnt, license,
				   log_size ? log[k] : NULL, log_size, name);
		if (r[k] >= 0)
			close(r[k]);
	}
	if ((r[0] < 0 ? r[0] : 0) != (r[1] < 0 ? r[1] : 0)) {
		kt_info("kbpf log: %s", log_head(log[0]));
		kt_info("kernel log: %s", log_head(log[1]));
	}
	SAME_RES(what, r[0], r[1]);
	CHECK(r[1] < 0, "%s: the kernel accepted the program (test case is wrong)", what);
	if (log_size && r[1] < 0 && log[1][0])
		CHECK(log[0][0], "%s: kbpf left the verifier log empty (kernel: %s)", what,
		      log_head(log[1]));
	for (i = 0; i < 50; i++) {
		na = b_ids(&be_kbpf, BPF_PROG_GET_NEXT_ID, after, 512);
		if (na == nb)
			break;
		usleep(20000);
	}
	CHECK(na == nb, "%s: kbpf prog ids %d before, %d after a rejected load", what, nb, na);
}

#define SF BPF_PROG_TYPE_SOCKET_FILTER
#define REJECT(tname, ...)						\
void test_prog_reject_##tname(void)					\
{									\
	static const struct bpf_insn p[] = { __VA_ARGS__ };		\
	verdict_case(#tname, SF, p, ARRAY_SIZE(p), "GPL", NULL, LOG_SIZE); \
}

REJECT(jmp_range, JA(5), MOV64_IMM(BPF_REG_0, 0), EXIT_INSN())
REJECT(jmp_back_range, MOV64_IMM(BPF_REG_0, 0), JA(-3), EXIT_INSN())
REJECT(fall_off, MOV64_IMM(BPF_REG_0, 0), MOV64_IMM(BPF_REG_0, 1))
REJECT(unreachable, MOV64_IMM(BPF_REG_0, 0), EXIT_INSN(), EXIT_INSN())
REJECT(bad_opcode, MOV64_IMM(BPF_REG_0, 0), INSN(0xff, 0, 0, 0, 0), EXIT_INSN())
REJECT(bad_opcode_alu, MOV64_IMM(BPF_REG_0, 0), INSN(BPF_ALU64 | 0xe0 | BPF_K, 0, 0, 0, 1),
       EXIT_INSN())
REJECT(reserved_src, INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 1, 0, 1), EXIT_INSN())
REJECT(reserved_off, INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 3, 1), EXIT_INSN())
REJECT(reserved_exit, MOV64_IMM(BPF_REG_0, 0), INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 5))
REJECT(bad_reg, MOV64_IMM(11, 0), MOV64_IMM(BPF_REG_0, 0), EXIT_INSN())
REJECT(write_r10, MOV64_IMM(BPF_REG_10, 0), MOV64_IMM(BPF_REG_0, 0), EXIT_INSN())
REJECT(uninit_reg, MOV64_REG(BPF_REG_0, BPF_REG_5), EXIT_INSN())
REJECT(uninit_r0, EXIT_INSN())
REJECT(infinite_loop, MOV64_IMM(BPF_REG_0, 0), JA(-1), EXIT_INSN())
REJECT(stack_oob, ST_MEM(BPF_DW, BPF_REG_10, -520, 0), MOV64_IMM(BPF_REG_0, 0), EXIT_INSN())
REJECT(stack_misaligned, ST_MEM(BPF_DW, BPF_REG_10, -12, 0), MOV64_IMM(BPF_REG_0, 0),
       EXIT_INSN())
REJECT(ctx_data, LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, offsetof(struct __sk_buff, data)),
       EXIT_INSN())
REJECT(ctx_write_mark, MOV64_IMM(BPF_REG_0, 0),
       STX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, offsetof(struct __sk_buff, mark)), EXIT_INSN())
REJECT(ld_imm64_last, MOV64_IMM(BPF_REG_0, 0), INSN(BPF_LD | BPF_DW | BPF_IMM, 0, 0, 0, 1))
REJECT(bad_map_fd, LD_MAP_FD(BPF_REG_1, 9999), MOV64_IMM(BPF_REG_0, 0), EXIT_INSN())
REJECT(unknown_helper, CALL(100000), MOV64_IMM(BPF_REG_0, 0), EXIT_INSN())
/* Dereferencing map_lookup_elem's result without a NULL check. */
void test_prog_reject_null_deref(void)
{
	static char log[2][LOG_SIZE];
	int k, r[2];

	for (k = 0; k < 2; k++) {
		int map = b_map_create(backends[k], BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL);
		struct bpf_insn p[] = {
			ST_MEM(BPF_W, BPF_REG_10, -4, 0),
			MOV64_REG(BPF_REG_2, BPF_REG_10),
			ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
			LD_MAP_FD(BPF_REG_1, map),
			CALL(BPF_FUNC_map_lookup_elem),
			LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
			EXIT_INSN(),
		};

		REQUIRE(map >= 0, "%s map: %s", backends[k]->name, kt_res(map));
		r[k] = b_prog_load(backends[k], SF, p, ARRAY_SIZE(p), "GPL", log[k], LOG_SIZE, NULL);
		if (r[k] >= 0)
			close(r[k]);
		close(map);
	}
	if ((r[0] < 0 ? r[0] : 0) != (r[1] < 0 ? r[1] : 0)) {
		kt_info("kbpf log: %s", log_head(log[0]));
		kt_info("kernel log: %s", log_head(log[1]));
	}
	SAME_RES("load of *(u64 *)map_value_or_null", r[0], r[1]);
	CHECK(r[1] < 0, "the kernel accepted the program (test case is wrong)");
}

/* Other PROG_LOAD attr checks. */
void test_prog_reject_attr(void)
{
	static const struct bpf_insn ok[] = { MOV64_IMM(BPF_REG_0, 0), EXIT_INSN() };
	static struct bpf_insn big[4097];
	size_t i;

	verdict_case("insn_cnt 0", SF, ok, 0, "GPL", NULL, 0);
	verdict_case("insns NULL", SF, NULL, 2, "GPL", NULL, 0);
	verdict_case("insns (void*)8", SF, (const struct bpf_insn *)8, 2, "GPL", NULL, 0);
	verdict_case("license NULL", SF, ok, 2, NULL, NULL, 0);
	verdict_case("prog type 999", 999, ok, 2, "GPL", NULL, 0);
	verdict_case("prog type UNSPEC", BPF_PROG_TYPE_UNSPEC, ok, 2, "GPL", NULL, 0);
	verdict_case("bad prog_name", SF, ok, 2, "GPL", "bad-name!", 0);
	/* a too-long program: 1M + 1 instructions is E2BIG before anything is read */
	verdict_case("insn_cnt 1M+1", SF, ok, 1000001, "GPL", NULL, 0);
	/* a long program rejected at its end (r0 never set); no log, since the
	 * kernel's level-1 log of 4097 insns would itself overflow (ENOSPC) */
	for (i = 0; i < ARRAY_SIZE(big) - 1; i++)
		big[i] = (struct bpf_insn)MOV64_IMM(BPF_REG_1, 1);
	big[ARRAY_SIZE(big) - 1] = (struct bpf_insn)EXIT_INSN();
	verdict_case("4097 insns, r0 uninit", SF, big, ARRAY_SIZE(big), "GPL", NULL, 0);
}

/* The log: filled on rejection; the log attr rules as in bpf(2). */
void test_prog_log(void)
{
	static const struct bpf_insn bad[] = { MOV64_REG(BPF_REG_0, BPF_REG_2), EXIT_INSN() };
	static char log[2][LOG_SIZE];
	static const __u32 sizes[] = { 16, 127, 128, 200 };
	int k, r[2];
	size_t i;

	for (k = 0; k < 2; k++)
		r[k] = b_prog_load(backends[k], SF, bad, 2, "GPL", log[k], LOG_SIZE, NULL);
	SAME_RES("r0 = r2 (uninit)", r[0], r[1]);
	EXPECT_RES("r0 = r2 (uninit)", r[0], EACCES);
	CHECK(log[0][0], "kbpf log empty for a rejected program");
	CHECK(strlen(log[0]) < LOG_SIZE, "kbpf log not NUL-terminated");
	kt_info("kbpf log: %s", log_head(log[0]));
	kt_info("kernel log: %s", log_head(log[1]));
	CHECK(strstr(log[0], "R2"), "kbpf log does not name the register R2");

	/* small buffers: too small is EINVAL, a truncated log is ENOSPC (kernel decides) */
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		char what[64];

		for (k = 0; k < 2; k++) {
			memset(log[k], 'z', sizes[i] + 16);
			r[k] = b_prog_load(backends[k], SF, bad, 2, "GPL", log[k], sizes[i], NULL);
		}
		snprintf(what, sizeof(what), "log_size %u", sizes[i]);
		SAME_RES(what, r[0], r[1]);
		if (r[1] < 0 && r[0] < 0 && log[1][0] != 'z')
			CHECK(memchr(log[0], 0, sizes[i]),
			      "%s: kbpf log not NUL-terminated within log_size", what);
		CHECK(log[0][sizes[i]] == 'z', "%s: kbpf wrote past log_size", what);
	}
	/* log_level without a buffer; an unknown log_level bit */
	for (k = 0; k < 2; k++) {
		union bpf_attr a;

		memset(&a, 0, sizeof(a));
		a.prog_type = SF;
		a.insns = (__u64)(unsigned long)prog_ret1;
		a.insn_cnt = 2;
		a.license = (__u64)(unsigned long)"GPL";
		a.log_level = 1;
		r[k] = b_call(backends[k], BPF_PROG_LOAD, &a);
		if (r[k] >= 0)
			close(r[k]);
	}
	SAME_RES("log_level 1, no buffer", r[0], r[1]);
	for (k = 0; k < 2; k++) {
		union bpf_attr a;

		memset(&a, 0, sizeof(a));
		a.prog_type = SF;
		a.insns = (__u64)(unsigned long)prog_ret1;
		a.insn_cnt = 2;
		a.license = (__u64)(unsigned long)"GPL";
		a.log_level = 0x80;
		a.log_buf = (__u64)(unsigned long)log[k];
		a.log_size = LOG_SIZE;
		r[k] = b_call(backends[k], BPF_PROG_LOAD, &a);
		if (r[k] >= 0)
			close(r[k]);
	}
	SAME_RES("log_level 0x80", r[0], r[1]);
	/* an accepted program with log_level 1 also works */
	for (k = 0; k < 2; k++) {
		r[k] = b_prog_load(backends[k], SF, prog_ret1, 2, "GPL", log[k], LOG_SIZE, NULL);
		if (r[k] >= 0)
			close(r[k]);
	}
	SAME_RES("accepted program with log_level 1", r[0], r[1]);
}

void test_prog_info_license_name(void)
{
	static const struct { const char *license, *name; } c[] = {
		{ "GPL", "kt_prog" },
		{ "Dual MIT/GPL", "kt.prog_2" },
		{ "Proprietary", "kt_prop" },
		{ "GPL v2", "" },
		{ "GPL", "kt_name_of_15ch" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct bpf_prog_info info[2];
		int k, fd[2], r[2];

		for (k = 0; k < 2; k++) {
			__u32 len = sizeof(info[k]);

			memset(&info[k], 0, sizeof(info[k]));
			fd[k] = b_prog_load(backends[k], SF, prog_ret1, 2, c[i].license,
					    NULL, 0, c[i].name);
			REQUIRE(fd[k] >= 0, "%s load (%s): %s", backends[k]->name, c[i].license,
				kt_res(fd[k]));
			r[k] = b_obj_info(backends[k], fd[k], &info[k], &len);
			close(fd[k]);
		}
		SAME_RES("OBJ_GET_INFO_BY_FD", r[0], r[1]);
		if (r[0] < 0)
			continue;
		CHECK(!strncmp(info[0].name, info[1].name, sizeof(info[0].name)),
		      "prog name: kbpf '%.16s', kernel '%.16s'", info[0].name, info[1].name);
		SAME_VAL(c[i].license, info[0].gpl_compatible, info[1].gpl_compatible);
		SAME_VAL("prog type", info[0].type, info[1].type);
		CHECK(info[0].id != 0, "kbpf prog id is 0");
		SAME_VAL("insn count (xlated_prog_len != 0)", !!info[0].xlated_prog_len,
			 !!info[1].xlated_prog_len);
	}
}

/* ---- BPF_PROG_TEST_RUN ------------------------------------------------------ */

static const unsigned char mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const unsigned char mac_zero[6] = { 0, 0, 0, 0, 0, 0 };
static const unsigned char mac_other[6] = { 0x02, 0, 0, 0, 0, 0x99 };
static const unsigned char mac_mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

void test_test_run_basic(void)
{
	unsigned char pkt[64], out[2][256];
	int k, fd[2], r[2];
	struct run_opts o[2];

	make_packet(pkt, sizeof(pkt), mac_bcast, 0x0800);
	for (k = 0; k < 2; k++) {
		fd[k] = b_prog_load(backends[k], SF, prog_ret1, 2, "GPL", NULL, 0, NULL);
		REQUIRE(fd[k] >= 0, "%s load: %s", backends[k]->name, kt_res(fd[k]));
		memset(out[k], 0xcc, sizeof(out[k]));
		memset(&o[k], 0, sizeof(o[k]));
		o[k].data = pkt;
		o[k].data_size = sizeof(pkt);
		o[k].data_out = out[k];
		o[k].data_size_out = sizeof(out[k]);
		o[k].retval = 0xdead;
		r[k] = b_test_run(backends[k], fd[k], &o[k]);
	}
	SAME_RES("TEST_RUN", r[0], r[1]);
	REQUIRE(r[0] == 0, "kbpf TEST_RUN failed: %s", kt_res(r[0]));
	SAME_VAL("retval", o[0].retval, o[1].retval);
	CHECK(o[0].retval == 1, "retval %u, expected 1", o[0].retval);
	SAME_VAL("data_size_out", o[0].data_size_out, o[1].data_size_out);
	CHECK(!memcmp(out[0], out[1], sizeof(out[0])), "data_out bytes differ from the kernel's");

	/* data_out too small: kernel copies what fits and says ENOSPC */
	for (k = 0; k < 2; k++) {
		memset(out[k], 0xcc, sizeof(out[k]));
		o[k].data_out = out[k];
		o[k].data_size_out = 20;
		r[k] = b_test_run(backends[k], fd[k], &o[k]);
	}
	SAME_RES("TEST_RUN with data_size_out 20", r[0], r[1]);
	SAME_VAL("data_size_out (small buffer)", o[0].data_size_out, o[1].data_size_out);
	CHECK(!memcmp(out[0], out[1], sizeof(out[0])),
	      "data_out bytes (small buffer) differ from the kernel's");
	for (k = 0; k < 2; k++)
		close(fd[k]);
}

void test_test_run_repeat(void)
{
	struct bpf_insn insns[16];
	unsigned char pkt[60];
	__u64 count[2];
	__u32 dur[2], retval[2];
	int k;

	make_packet(pkt, sizeof(pkt), mac_bcast, 0x0800);
	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		struct run_opts o = { .data = pkt, .data_size = sizeof(pkt), .repeat = 1000 };
		int map, prog, n, r;
		__u32 key = 0;

		map = b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, "kt_rep");
		REQUIRE(map >= 0, "%s map create: %s", b->name, kt_res(map));
		n = build_counter_prog(insns, map, -1, true);
		prog = b_prog_load(b, SF, insns, n, "GPL", NULL, 0, "kt_rep");
		REQUIRE(prog >= 0, "%s load: %s", b->name, kt_res(prog));
		r = b_test_run(b, prog, &o);
		REQUIRE(r == 0, "%s TEST_RUN repeat 1000: %s", b->name, kt_res(r));
		dur[k] = o.duration;
		retval[k] = o.retval;
		o.repeat = 0;		/* 0 means once */
		r = b_test_run(b, prog, &o);
		REQUIRE(r == 0, "%s TEST_RUN repeat 0: %s", b->name, kt_res(r));
		REQUIRE(b_map_lookup(b, map, &key, &count[k]) == 0, "%s lookup", b->name);
		close(prog);
		close(map);
	}
	kt_info("duration per run: kbpf %u ns, kernel %u ns", dur[0], dur[1]);
	SAME_VAL("counter after 1000 + 1 runs", count[0], count[1]);
	CHECK(count[0] == 1001, "kbpf counter %llu, expected 1001", (unsigned long long)count[0]);
	SAME_VAL("retval of the last of 1000 runs", retval[0], retval[1]);
	CHECK(!dur[1] || dur[0], "kbpf duration is 0 (kernel: %u ns)", dur[1]);
}

struct field_prog {
	const char *name;
	struct bpf_insn insns[8];
	int cnt;
};

#define SKB_OFF(f) offsetof(struct __sk_buff, f)
#define FIELD(n, f) { n, { LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, SKB_OFF(f)), EXIT_INSN() }, 2 }

static const struct field_prog field_progs[] = {
	FIELD("len", len),
	FIELD("protocol", protocol),
	FIELD("pkt_type", pkt_type),
	FIELD("mark", mark),
	FIELD("priority", priority),
	FIELD("cb[0]", cb[0]),
	FIELD("cb[4]", cb[4]),
	FIELD("queue_mapping", queue_mapping),
	FIELD("ifindex", ifindex),
	{ "cb[1] write+read", {
		MOV64_IMM(BPF_REG_2, 77),
		STX_MEM(BPF_W, BPF_REG_1, BPF_REG_2, SKB_OFF(cb[1])),
		LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, SKB_OFF(cb[1])),
		LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_1, SKB_OFF(len)),
		ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
		EXIT_INSN() }, 6 },
	{ "ld_abs b[0]", {
		MOV64_REG(BPF_REG_6, BPF_REG_1),
		INSN(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 0),
		EXIT_INSN() }, 3 },
	{ "ld_abs h[2]", {
		MOV64_REG(BPF_REG_6, BPF_REG_1),
		INSN(BPF_LD | BPF_ABS | BPF_H, 0, 0, 0, 2),
		EXIT_INSN() }, 3 },
	{ "ld_abs w[40] (beyond a short packet: returns 0)", {
		MOV64_REG(BPF_REG_6, BPF_REG_1),
		MOV64_IMM(BPF_REG_0, 5),
		INSN(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 40),
		EXIT_INSN() }, 4 },
};

void test_test_run_skb_fields(void)
{
	static const struct { const unsigned char *dst; unsigned short proto; int len; } pk[] = {
		{ mac_bcast, 0x0800, 64 },
		{ mac_zero, 0x86dd, 100 },
		{ mac_other, 0x0806, 14 },
		{ mac_mcast, 0x0800, 60 },
	};
	struct __sk_buff ctx;
	int fd[2][ARRAY_SIZE(field_progs)];
	size_t p, i;
	int k, c, runs = 0, both_failed = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.mark = 0x1234;
	ctx.priority = 7;
	ctx.cb[0] = 0xdeadbeef;
	ctx.cb[4] = 42;

	for (k = 0; k < 2; k++)
		for (p = 0; p < ARRAY_SIZE(field_progs); p++) {
			fd[k][p] = b_prog_load(backends[k], SF, field_progs[p].insns,
					       field_progs[p].cnt, "GPL", NULL, 0, NULL);
			if (k == 1)
				REQUIRE(fd[k][p] >= 0, "kernel rejects '%s': %s",
					field_progs[p].name, kt_res(fd[k][p]));
			else
				CHECK(fd[k][p] >= 0, "kbpf rejects '%s': %s (kernel accepts)",
				      field_progs[p].name, kt_res(fd[k][p]));
		}
	for (p = 0; p < ARRAY_SIZE(field_progs); p++) {
		if (fd[0][p] < 0)
			continue;
		for (i = 0; i < ARRAY_SIZE(pk); i++) {
			unsigned char pkt[128];

			make_packet(pkt, pk[i].len, pk[i].dst, pk[i].proto);
			for (c = 0; c < 2; c++) {
				struct run_opts o[2];
				struct __sk_buff ctx_out[2];
				int r[2];

				for (k = 0; k < 2; k++) {
					memset(&o[k], 0, sizeof(o[k]));
					o[k].data = pkt;
					o[k].data_size = pk[i].len;
					if (c) {
						memset(&ctx_out[k], 0, sizeof(ctx_out[k]));
						o[k].ctx = &ctx;
						o[k].ctx_size = sizeof(ctx);
						o[k].ctx_out = &ctx_out[k];
						o[k].ctx_size_out = sizeof(ctx_out[k]);
					}
					r[k] = b_test_run(backends[k], fd[k][p], &o[k]);
				}
				runs++;
				if ((r[0] < 0 ? r[0] : 0) != (r[1] < 0 ? r[1] : 0)) {
					CHECK(0, "'%s' pkt %zu%s: TEST_RUN kbpf %s, kernel %s",
					      field_progs[p].name, i, c ? " +ctx" : "",
					      kt_res(r[0]), kt_res(r[1]));
					continue;
				}
				if (r[1] < 0) {
					both_failed++;
					if (both_failed == 1)
						kt_info("'%s' pkt %zu (%d bytes)%s: both fail with %s",
							field_progs[p].name, i, pk[i].len,
							c ? " +ctx" : "", kt_res(r[1]));
					continue;
				}
				CHECK(o[0].retval == o[1].retval,
				      "'%s' pkt %zu (%d bytes, proto %#x)%s: kbpf %u (%#x), kernel %u (%#x)",
				      field_progs[p].name, i, pk[i].len, pk[i].proto,
				      c ? " +ctx" : "", o[0].retval, o[0].retval,
				      o[1].retval, o[1].retval);
				if (c) {
					SAME_VAL("ctx_size_out", o[0].ctx_size_out, o[1].ctx_size_out);
					CHECK(!memcmp(ctx_out[0].cb, ctx_out[1].cb, sizeof(ctx.cb)),
					      "'%s' ctx_out cb[] differs from the kernel's",
					      field_progs[p].name);
				}
			}
		}
	}
	kt_info("%d runs compared, %d of them failed on both", runs, both_failed);
	for (k = 0; k < 2; k++)
		for (p = 0; p < ARRAY_SIZE(field_progs); p++)
			if (fd[k][p] >= 0)
				close(fd[k][p]);
}

void test_test_run_bad_input(void)
{
	unsigned char pkt[64];
	struct __sk_buff ctx;
	int k, fd[2], map[2];

	make_packet(pkt, sizeof(pkt), mac_bcast, 0x0800);
	for (k = 0; k < 2; k++) {
		fd[k] = b_prog_load(backends[k], SF, prog_ret1, 2, "GPL", NULL, 0, NULL);
		REQUIRE(fd[k] >= 0, "%s load: %s", backends[k]->name, kt_res(fd[k]));
		map[k] = b_map_create(backends[k], BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL);
		REQUIRE(map[k] >= 0, "%s map: %s", backends[k]->name, kt_res(map[k]));
	}
#define RUN_BOTH(what, expect, ...) do {					\
	int _rr[2];								\
	for (k = 0; k < 2; k++) {						\
		struct run_opts o = { .data = pkt, .data_size = sizeof(pkt), .repeat = 1 }; \
		int pfd = fd[k];						\
		(void)pfd;							\
		__VA_ARGS__;							\
		_rr[k] = b_test_run(backends[k], pfd, &o);			\
	}									\
	SAME_RES(what, _rr[0], _rr[1]);						\
	if (expect)								\
		EXPECT_RES(what, _rr[0], expect);				\
} while (0)
	RUN_BOTH("data_size_in 13", EINVAL, o.data_size = 13);
	RUN_BOTH("data_size_in 0", EINVAL, o.data_size = 0);
	RUN_BOTH("data_in NULL", EINVAL, o.data = NULL; o.data_size = 0);
	RUN_BOTH("data_size_in 14", 0, o.data_size = 14);
	RUN_BOTH("data_in (void*)1", EFAULT, o.data = (void *)1);
	RUN_BOTH("prog fd 9999", EBADF, pfd = 9999);
	RUN_BOTH("map fd as prog fd", EINVAL, pfd = map[k]);
	memset(&ctx, 0, sizeof(ctx));
	RUN_BOTH("ctx_size_in 3", 0, o.ctx = &ctx; o.ctx_size = 3);
	ctx.len = 5;
	RUN_BOTH("ctx_in with len set", 0, o.ctx = &ctx; o.ctx_size = sizeof(ctx));
	ctx.len = 0;
	ctx.tc_index = 1;
	RUN_BOTH("ctx_in with tc_index set", 0, o.ctx = &ctx; o.ctx_size = sizeof(ctx));
	ctx.tc_index = 0;
	RUN_BOTH("ctx_in bad pointer", 0, o.ctx = (void *)1; o.ctx_size = sizeof(ctx));
#undef RUN_BOTH
	{
		int r[2];

		for (k = 0; k < 2; k++) {
			union bpf_attr a;

			memset(&a, 0, sizeof(a));
			a.test.prog_fd = fd[k];
			a.test.data_in = (__u64)(unsigned long)pkt;
			a.test.data_size_in = sizeof(pkt);
			a.test.flags = 1u << 31;
			r[k] = b_call(backends[k], BPF_PROG_TEST_RUN, &a);
		}
		SAME_RES("unknown test.flags", r[0], r[1]);
		for (k = 0; k < 2; k++) {
			union bpf_attr a;

			memset(&a, 0, sizeof(a));
			a.test.prog_fd = fd[k];
			a.test.data_in = (__u64)(unsigned long)pkt;
			a.test.data_size_in = sizeof(pkt);
			a.test.cpu = 1;
			r[k] = b_call(backends[k], BPF_PROG_TEST_RUN, &a);
		}
		SAME_RES("test.cpu 1 without flags", r[0], r[1]);
	}
	for (k = 0; k < 2; k++) {
		close(fd[k]);
		close(map[k]);
	}
}
