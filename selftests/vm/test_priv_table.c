// SPDX-License-Identifier: GPL-2.0
/*
 * The privilege table: every command row below, for every capability set
 * and both settings of unprivileged_bpf_disabled (2, Debian's default, and
 * 0), on kbpf and on the guest kernel's bpf(2). Each cell must agree: same
 * errno, or both succeed (rows marked exact compare a value too). The
 * table is printed, one line per row, kbpf's result in each cell and "!"
 * where the kernel disagreed.
 *
 * Each (setting, capability set) runs in a forked child: it creates the
 * fixtures while it still has every capability, drops to the set (uid
 * stays 0, as test_verifier's unprivileged pass), runs every row on both
 * backends and sends the results back through a pipe. kbpf's parameter and
 * the kernel's sysctl are switched together and put back to 2.
 */
#define _GNU_SOURCE
#include <sys/wait.h>
#include "kbpf_test.h"

#define SF		BPF_PROG_TYPE_SOCKET_FILTER
#define UNPRIV_SYSCTL	"kernel/unprivileged_bpf_disabled"
#define UNPRIV_PARAM	"unprivileged_bpf_disabled"
/* Every row has the same signature; most ignore the fixtures. */
#define KT_UNUSED	__attribute__((unused))

/* Objects made as root before the capabilities go, one set per backend. */
struct fixtures {
	int array;		/* ARRAY 4/8/1 */
	int freeze;		/* ARRAY to freeze */
	int sf;			/* SOCKET_FILTER: r0 = 1 */
	int rawtp;		/* RAW_TRACEPOINT: r0 = 0 */
};

struct row {
	const char *what;
	long (*fn)(const struct backend *b, const struct fixtures *fx);
	bool exact;		/* compare the value, not only errno-or-success */
};

static long closed(long r)
{
	if (r >= 0)
		close((int)r);
	return r < 0 ? r : 0;
}

/* Commands that need CAP_SYS_ADMIN, or find nothing: only EPERM is compared. */
static long eperm_or_not(long r)
{
	if (r >= 0)
		close((int)r);
	return r == -EPERM ? -EPERM : 0;
}

static long map(const struct backend *b, __u32 type, __u32 ksz, __u32 vsz, __u32 flags)
{
	return closed(b_map_create(b, type, ksz, vsz, type == BPF_MAP_TYPE_LPM_TRIE ? 4 : 1,
				   flags, NULL));
}

static long load(const struct backend *b, __u32 type, const struct bpf_insn *p, __u32 n)
{
	return closed(b_prog_load(b, type, p, n, "GPL", NULL, 0, NULL));
}

static const struct bpf_insn p_ret0[] = { MOV64_IMM(BPF_REG_0, 0), EXIT_INSN() };
/* returns the frame pointer: a pointer leak */
static const struct bpf_insn p_leak[] = { MOV64_REG(BPF_REG_0, BPF_REG_10), EXIT_INSN() };
/* r0 counts to 4: a bounded loop */
static const struct bpf_insn p_loop[] = {
	MOV64_IMM(BPF_REG_0, 0), ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
	JMP_IMM(BPF_JLT, BPF_REG_0, 4, -2), EXIT_INSN(),
};
/* compares the ctx pointer with the frame pointer */
static const struct bpf_insn p_ptrcmp[] = {
	MOV64_IMM(BPF_REG_0, 0), JMP_REG(BPF_JEQ, BPF_REG_1, BPF_REG_10, 1),
	MOV64_IMM(BPF_REG_0, 1), EXIT_INSN(),
};
/* reads stack nobody wrote */
static const struct bpf_insn p_uninit[] = { LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
					    EXIT_INSN() };
/* a bpf-to-bpf call */
static const struct bpf_insn p_call[] = {
	INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 1), EXIT_INSN(),
	MOV64_IMM(BPF_REG_0, 0), EXIT_INSN(),
};
/* jiffies64: CAP_BPF's tier of the base helpers */
static const struct bpf_insn p_jiffies[] = { CALL(BPF_FUNC_jiffies64), EXIT_INSN() };
/* stores the map value pointer into the map value */
static struct bpf_insn p_store_ptr[12];

static long r_map_array(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return map(b, BPF_MAP_TYPE_ARRAY, 4, 8, 0); }
static long r_map_hash(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return map(b, BPF_MAP_TYPE_HASH, 4, 8, 0); }
static long r_map_percpu(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return map(b, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 0); }
static long r_map_ringbuf(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return closed(b_map_create(b, BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0, NULL)); }
static long r_map_lru(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return map(b, BPF_MAP_TYPE_LRU_HASH, 4, 8, 0); }
static long r_map_lpm(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return map(b, BPF_MAP_TYPE_LPM_TRIE, 8, 8, BPF_F_NO_PREALLOC); }
static long r_map_queue(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return map(b, BPF_MAP_TYPE_QUEUE, 0, 8, 0); }
static long r_map_stack_trace(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return map(b, BPF_MAP_TYPE_STACK_TRACE, 4, 8 * 8, 0); }
static long r_map_zero_seed(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return map(b, BPF_MAP_TYPE_HASH, 4, 8, BPF_F_ZERO_SEED); }

static long r_load_sf(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return load(b, SF, p_ret0, ARRAY_SIZE(p_ret0)); }
static long r_load_leak(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return load(b, SF, p_leak, ARRAY_SIZE(p_leak)); }
static long r_load_loop(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return load(b, SF, p_loop, ARRAY_SIZE(p_loop)); }
static long r_load_ptrcmp(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return load(b, SF, p_ptrcmp, ARRAY_SIZE(p_ptrcmp)); }
static long r_load_uninit(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return load(b, SF, p_uninit, ARRAY_SIZE(p_uninit)); }
static long r_load_call(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return load(b, SF, p_call, ARRAY_SIZE(p_call)); }
static long r_load_jiffies(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return load(b, SF, p_jiffies, ARRAY_SIZE(p_jiffies)); }

static long r_load_store_ptr(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{
	/* key 0 on the stack; v = lookup(array, &key); if (v) *(u64 *)v = v; */
	struct bpf_insn p[] = {
		ST_MEM(BPF_W, BPF_REG_10, -4, 0),
		MOV64_REG(BPF_REG_2, BPF_REG_10),
		ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		LD_MAP_FD(BPF_REG_1, fx->array),
		CALL(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT_INSN(),
	};

	memcpy(p_store_ptr, p, sizeof(p));
	return load(b, SF, p_store_ptr, ARRAY_SIZE(p));
}

static long r_load_kprobe(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return load(b, BPF_PROG_TYPE_KPROBE, p_ret0, ARRAY_SIZE(p_ret0)); }
static long r_load_rawtp(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return load(b, BPF_PROG_TYPE_RAW_TRACEPOINT, p_ret0, ARRAY_SIZE(p_ret0)); }
static long r_load_xdp(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return load(b, BPF_PROG_TYPE_XDP, p_ret0, ARRAY_SIZE(p_ret0)); }
static long r_load_cls(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return load(b, BPF_PROG_TYPE_SCHED_CLS, p_ret0, ARRAY_SIZE(p_ret0)); }

static long r_lookup(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{
	__u32 key = 0;
	__u64 val;

	return b_map_lookup(b, fx->array, &key, &val);
}

static long r_update(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{
	__u32 key = 0;
	__u64 val = 7;

	return b_map_update(b, fx->array, &key, &val, 0);
}

static long r_freeze(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fx->freeze;
	return b_call(b, BPF_MAP_FREEZE, &a);
}

static long r_test_run(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{
	unsigned char pkt[64];
	struct run_opts o;

	memset(pkt, 0, sizeof(pkt));
	memset(&o, 0, sizeof(o));
	o.data = pkt;
	o.data_size = sizeof(pkt);
	o.repeat = 1;
	return b_test_run(b, fx->sf, &o);
}

/* 1 when prog info shows the translated program's length, 0 when hidden. */
static long r_info_xlated(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int r;

	memset(&info, 0, sizeof(info));
	r = b_obj_info(b, fx->sf, &info, &len);
	return r < 0 ? r : info.xlated_prog_len != 0;
}

/*
 * A cold tracepoint (module_load fires only when a module loads): the first
 * probe on a tracepoint patches its static key and static call, and under
 * TCG patching code another vCPU is running can hang or crash the guest
 * (see churn() in test_attach.c). attach_raw_tp_* test sys_enter itself.
 */
static long r_raw_tp_open(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return closed(b_raw_tp_open(b, "module_load", fx->rawtp)); }

static long r_next_map_id(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{
	__u32 next;

	return eperm_or_not(b_next_id(b, BPF_MAP_GET_NEXT_ID, 0, &next));
}

static long r_next_prog_id(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{
	__u32 next;

	return eperm_or_not(b_next_id(b, BPF_PROG_GET_NEXT_ID, 0, &next));
}

static long r_next_link_id(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{
	__u32 next;

	return eperm_or_not(b_next_id(b, BPF_LINK_GET_NEXT_ID, 0, &next));
}

static long r_map_by_id(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return eperm_or_not(b_fd_by_id(b, BPF_MAP_GET_FD_BY_ID, 1)); }

static long r_prog_by_id(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{ return eperm_or_not(b_fd_by_id(b, BPF_PROG_GET_FD_BY_ID, 1)); }

static long r_enable_stats(const struct backend *b, const struct fixtures *fx KT_UNUSED)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.enable_stats.type = BPF_STATS_RUN_TIME;
	return closed(b_call(b, BPF_ENABLE_STATS, &a));
}

static const struct row rows[] = {
	{ "MAP_CREATE array", r_map_array, false },
	{ "MAP_CREATE hash", r_map_hash, false },
	{ "MAP_CREATE percpu_array", r_map_percpu, false },
	{ "MAP_CREATE ringbuf", r_map_ringbuf, false },
	{ "MAP_CREATE lru_hash", r_map_lru, false },
	{ "MAP_CREATE lpm_trie", r_map_lpm, false },
	{ "MAP_CREATE queue", r_map_queue, false },
	{ "MAP_CREATE stack_trace", r_map_stack_trace, false },
	{ "MAP_CREATE hash BPF_F_ZERO_SEED", r_map_zero_seed, false },
	{ "PROG_LOAD socket_filter", r_load_sf, false },
	{ "PROG_LOAD sf: returns fp", r_load_leak, false },
	{ "PROG_LOAD sf: ptr into map", r_load_store_ptr, false },
	{ "PROG_LOAD sf: ptr compare", r_load_ptrcmp, false },
	{ "PROG_LOAD sf: uninit stack", r_load_uninit, false },
	{ "PROG_LOAD sf: bounded loop", r_load_loop, false },
	{ "PROG_LOAD sf: bpf-to-bpf call", r_load_call, false },
	{ "PROG_LOAD sf: jiffies64", r_load_jiffies, false },
	{ "PROG_LOAD kprobe", r_load_kprobe, false },
	{ "PROG_LOAD raw_tracepoint", r_load_rawtp, false },
	{ "PROG_LOAD xdp", r_load_xdp, false },
	{ "PROG_LOAD sched_cls", r_load_cls, false },
	{ "MAP_LOOKUP_ELEM (root's map)", r_lookup, false },
	{ "MAP_UPDATE_ELEM (root's map)", r_update, false },
	{ "MAP_FREEZE (root's map)", r_freeze, false },
	{ "PROG_TEST_RUN (root's sf)", r_test_run, false },
	{ "PROG info: xlated_prog_len shown", r_info_xlated, true },
	{ "RAW_TRACEPOINT_OPEN (root's prog)", r_raw_tp_open, false },
	{ "MAP_GET_NEXT_ID (EPERM?)", r_next_map_id, false },
	{ "PROG_GET_NEXT_ID (EPERM?)", r_next_prog_id, false },
	{ "LINK_GET_NEXT_ID (EPERM?)", r_next_link_id, false },
	{ "MAP_GET_FD_BY_ID (EPERM?)", r_map_by_id, false },
	{ "PROG_GET_FD_BY_ID (EPERM?)", r_prog_by_id, false },
	{ "ENABLE_STATS", r_enable_stats, false },
};
#define NROWS	ARRAY_SIZE(rows)

static const struct { const char *name; __u64 caps; } capsets[] = {
	{ "none", 0 },
	{ "BPF", KT_CAP(BPF) },
	{ "PERFMON", KT_CAP(PERFMON) },
	{ "NET_ADMIN", KT_CAP(NET_ADMIN) },
	{ "BPF+PERFMON", KT_CAP(BPF) | KT_CAP(PERFMON) },
	{ "BPF+NET_ADMIN", KT_CAP(BPF) | KT_CAP(NET_ADMIN) },
	{ "SYS_ADMIN", KT_CAP(SYS_ADMIN) },
};
#define NSETS	ARRAY_SIZE(capsets)

static int make_fixtures(const struct backend *b, struct fixtures *fx)
{
	fx->array = b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL);
	fx->freeze = b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL);
	fx->sf = b_prog_load(b, SF, prog_ret1, 2, "GPL", NULL, 0, NULL);
	fx->rawtp = b_prog_load(b, BPF_PROG_TYPE_RAW_TRACEPOINT, p_ret0, 2, "GPL", NULL, 0,
				NULL);
	return fx->array < 0 ? fx->array : fx->freeze < 0 ? fx->freeze :
	       fx->sf < 0 ? fx->sf : fx->rawtp < 0 ? fx->rawtp : 0;
}

/* The child: fixtures, drop to caps, every row on both backends, results out. */
static void run_set(__u64 caps, int out)
{
	struct fixtures fx[2];
	long res[NROWS][2];
	size_t i;
	int k;

	for (k = 0; k < 2; k++)
		if (make_fixtures(backends[k], &fx[k]) < 0)
			_exit(2);
	kt_set_caps(caps);
	for (i = 0; i < NROWS; i++)
		for (k = 0; k < 2; k++)
			res[i][k] = rows[i].fn(backends[k], &fx[k]);
	if (write(out, res, sizeof(res)) != (ssize_t)sizeof(res))
		_exit(3);
	_exit(0);
}

static void collect(__u64 caps, long res[NROWS][2])
{
	int p[2], status;
	pid_t pid;
	ssize_t n;

	REQUIRE(pipe(p) == 0, "pipe: %s", strerror(errno));
	pid = fork();
	REQUIRE(pid >= 0, "fork: %s", strerror(errno));
	if (!pid) {
		close(p[0]);
		run_set(caps, p[1]);
	}
	close(p[1]);
	n = read(p[0], res, sizeof(long) * NROWS * 2);
	close(p[0]);
	REQUIRE(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	REQUIRE(WIFEXITED(status) && !WEXITSTATUS(status) && n == (ssize_t)(sizeof(long) * NROWS * 2),
		"child for caps %#llx: status %#x, %zd bytes", (unsigned long long)caps, status,
		n);
}

/* "ok", "EPERM", ...; exact rows print their value as yes/no. */
static const char *cell(long r, bool exact)
{
	if (r < 0)
		return kt_res(r) + 1;	/* "-EPERM" without its sign */
	return exact ? (r ? "yes" : "no") : "ok";
}

static void table(const char *mode)
{
	static long res[NSETS][NROWS][2];
	char line[512];
	size_t s, i;
	int n, bad = 0;

	for (s = 0; s < NSETS; s++)
		collect(capsets[s].caps, res[s]);

	n = snprintf(line, sizeof(line), "%-34s", mode);
	for (s = 0; s < NSETS; s++)
		n += snprintf(line + n, sizeof(line) - n, " %-13s", capsets[s].name);
	kt_info("%s", line);
	for (i = 0; i < NROWS; i++) {
		n = snprintf(line, sizeof(line), "%-34s", rows[i].what);
		for (s = 0; s < NSETS; s++) {
			long kb = res[s][i][0], kr = res[s][i][1];
			bool same = rows[i].exact ? kb == kr :
				    (kb < 0 ? kb : 0) == (kr < 0 ? kr : 0);
			char c[32];

			snprintf(c, sizeof(c), "%s%s", cell(kb, rows[i].exact), same ? "" : "!");
			n += snprintf(line + n, sizeof(line) - n, " %-13s", c);
			if (!same) {
				bad++;
				CHECK(0, "%s, %s, caps %s: kbpf %s, kernel %s", mode, rows[i].what,
				      capsets[s].name, kt_res(kb), kt_res(kr));
			}
		}
		kt_info("%s", line);
	}
	kt_info("%s: %zu rows x %zu capability sets, %d disagreements with the kernel", mode,
		NROWS, NSETS, bad);
}

static int set_unpriv(const char *val)
{
	int a = kt_set_sysctl(UNPRIV_SYSCTL, val), b = kt_set_param(UNPRIV_PARAM, val);

	return a ? a : b;
}

void test_priv_table(void)
{
	int err;

	kbpf_dev();	/* opened as root, inherited by every child */
	err = set_unpriv("2");
	REQUIRE(!err, "unprivileged_bpf_disabled = 2: %s", kt_res(err));
	table("unprivileged_bpf_disabled=2");

	err = set_unpriv("0");
	REQUIRE(!err, "unprivileged_bpf_disabled = 0: %s", kt_res(err));
	table("unprivileged_bpf_disabled=0");
	err = set_unpriv("2");
	CHECK(!err, "unprivileged_bpf_disabled back to 2: %s", kt_res(err));
}

/* The parameter mirrors the sysctl's writes: range, and 1 locks it. */
void test_priv_unpriv_param(void)
{
	char val[16] = "";
	FILE *f;

	EXPECT_RES("unprivileged_bpf_disabled = 3", kt_set_param(UNPRIV_PARAM, "3"), EINVAL);
	EXPECT_RES("unprivileged_bpf_disabled = -1", kt_set_param(UNPRIV_PARAM, "-1"), EINVAL);
	EXPECT_RES("unprivileged_bpf_disabled = x", kt_set_param(UNPRIV_PARAM, "x"), EINVAL);
	EXPECT_RES("unprivileged_bpf_disabled = 0", kt_set_param(UNPRIV_PARAM, "0"), 0);
	EXPECT_RES("unprivileged_bpf_disabled = 2", kt_set_param(UNPRIV_PARAM, "2"), 0);
	f = fopen("/sys/module/kbpf/parameters/" UNPRIV_PARAM, "r");
	REQUIRE(f, "open the parameter: %s", strerror(errno));
	CHECK(fgets(val, sizeof(val), f) && atoi(val) == 2, "reads back %s, want 2", val);
	fclose(f);
	/*
	 * 1 locks it until the module is reloaded: test_module_lifetime, the
	 * last test, checks the lock before it reloads. Here: the refusal
	 * without CAP_SYS_ADMIN.
	 */
	{
		pid_t pid = fork();
		int status;

		REQUIRE(pid >= 0, "fork: %s", strerror(errno));
		if (!pid) {
			kt_set_caps(0);
			_exit(kt_set_param(UNPRIV_PARAM, "0") == -EPERM ? 0 : 1);
		}
		REQUIRE(waitpid(pid, &status, 0) == pid, "waitpid");
		CHECK(WIFEXITED(status) && !WEXITSTATUS(status),
		      "writing the parameter without CAP_SYS_ADMIN was not EPERM");
	}
}

/* jited_prog_len of prog loaded now by the current loader, or -errno. */
static long jited_len(const struct bpf_insn *p, __u32 n)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = b_prog_load(&be_kbpf, SF, p, n, "GPL", NULL, 0, NULL), r;

	if (fd < 0)
		return fd;
	memset(&info, 0, sizeof(info));
	r = b_obj_info(&be_kbpf, fd, &info, &len);
	close(fd);
	return r < 0 ? (long)r : (long)info.jited_prog_len;
}

/*
 * fdinfo's kbpf_jit_fenced (0 or 1) of prog loaded now by the current
 * loader, or -errno (-ENOENT: no such line).
 */
static long fenced_flag(const struct bpf_insn *p, __u32 n)
{
	int fd = b_prog_load(&be_kbpf, SF, p, n, "GPL", NULL, 0, NULL);
	char val[16];
	long r;

	if (fd < 0)
		return fd;
	r = fdinfo_get(fd, "kbpf_jit_fenced", val, sizeof(val)) ? atol(val) : -ENOENT;
	close(fd);
	return r;
}

/* The result of fn in a child with capabilities caps. */
static long as_caps(__u64 caps, long (*fn)(const struct bpf_insn *, __u32),
		    const struct bpf_insn *p, __u32 n)
{
	int pp[2], status;
	long r = -EIO;
	pid_t pid;

	REQUIRE(pipe(pp) == 0, "pipe: %s", strerror(errno));
	pid = fork();
	REQUIRE(pid >= 0, "fork: %s", strerror(errno));
	if (!pid) {
		close(pp[0]);
		kt_set_caps(caps);
		r = fn(p, n);
		_exit(write(pp[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(pp[1]);
	if (read(pp[0], &r, sizeof(r)) != sizeof(r))
		r = -EIO;
	close(pp[0]);
	waitpid(pid, &status, 0);
	return r;
}

/*
 * spec_harden: a loader without CAP_PERFMON gets a fenced image (larger:
 * LFENCE on both arms of each branch and after each store); with the JIT
 * off its program cannot fall back to the interpreter (-ENOTSUPP), while
 * root's still does.
 */
void test_priv_spec_fence(void)
{
	static const struct bpf_insn p[] = {
		MOV64_IMM(BPF_REG_0, 0), ST_MEM(BPF_DW, BPF_REG_10, -8, 1),
		LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, 0),
		JMP_IMM(BPF_JGT, BPF_REG_2, 10, 1), MOV64_IMM(BPF_REG_0, 1),
		EXIT_INSN(),
	};
	const __u64 full = KT_CAP(BPF) | KT_CAP(PERFMON);
	long plain, fenced, r;

	kbpf_dev();
	REQUIRE(!kt_set_param("spec_harden", "1") && !kt_set_param("jit_enable", "1"),
		"set spec_harden=1 jit_enable=1");
	plain = as_caps(full, jited_len, p, ARRAY_SIZE(p));
	fenced = as_caps(KT_CAP(BPF), jited_len, p, ARRAY_SIZE(p));
	kt_info("jited_prog_len: CAP_BPF+CAP_PERFMON %ld, CAP_BPF only %ld (fenced)", plain,
		fenced);
	CHECK(plain > 0 && fenced > plain, "fenced image %ld bytes, plain %ld", fenced, plain);
	r = as_caps(full, fenced_flag, p, ARRAY_SIZE(p));
	CHECK(r == 0, "fdinfo kbpf_jit_fenced, CAP_PERFMON loader: %s, want 0", kt_res(r));
	r = as_caps(KT_CAP(BPF), fenced_flag, p, ARRAY_SIZE(p));
	CHECK(r == 1, "fdinfo kbpf_jit_fenced, CAP_BPF loader: %s, want 1", kt_res(r));

	REQUIRE(!kt_set_param("spec_harden", "2"), "spec_harden=2");
	r = as_caps(full, jited_len, p, ARRAY_SIZE(p));
	CHECK(r == fenced, "spec_harden=2: CAP_PERFMON loader's image %ld bytes, want %ld", r,
	      fenced);
	REQUIRE(!kt_set_param("spec_harden", "0"), "spec_harden=0");
	r = as_caps(KT_CAP(BPF), jited_len, p, ARRAY_SIZE(p));
	CHECK(r == plain, "spec_harden=0: CAP_BPF loader's image %ld bytes, want %ld", r, plain);
	EXPECT_RES("spec_harden=3", kt_set_param("spec_harden", "3"), EINVAL);

	REQUIRE(!kt_set_param("spec_harden", "1") && !kt_set_param("jit_enable", "0"),
		"spec_harden=1 jit_enable=0");
	r = as_caps(KT_CAP(BPF), jited_len, p, ARRAY_SIZE(p));
	CHECK(r == -524 /* ENOTSUPP */, "jit off, CAP_BPF loader: %s, want -ENOTSUPP (524)",
	      kt_res(r));
	r = as_caps(full, jited_len, p, ARRAY_SIZE(p));
	CHECK(r == 0, "jit off, CAP_PERFMON loader: %s, want loaded and interpreted", kt_res(r));
	CHECK(!kt_set_param("jit_enable", "1"), "jit_enable back to 1");
}
