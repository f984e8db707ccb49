// SPDX-License-Identifier: GPL-2.0
/*
 * Attach points on live kernel events: kprobes and kretprobes
 * (kprobe_multi links and kbpf event links), raw tracepoints, tracepoints
 * (kbpf event links) and netfilter hooks, plus the link object (ids, info,
 * fdinfo, update, detach, close).
 *
 * Oracles: the guest kernel's own BPF on the same events, at the same time
 * (perf kprobe / tracepoint events with PERF_EVENT_IOC_SET_BPF, raw
 * tracepoint links), so both must count the same hits; netfilter has no
 * 6.1 counterpart, so those tests assert on the packets themselves.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/wait.h>
#include <linux/perf_event.h>
#include "kbpf_test.h"
#include "attach.h"


/* struct pt_regs (x86-64) offsets */
#define REGS_AX		80
#define REGS_IP		128

#define N_CALLS		50

#ifndef offsetofend
#define offsetofend(T, m)	(offsetof(T, m) + sizeof(((T *)0)->m))
#endif

int load_ex(const struct backend *b, __u32 type, const struct bpf_insn *insns,
		   __u32 cnt, __u32 expected)
{
	static char log[65536];
	union bpf_attr a;
	int r;

	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.expected_attach_type = expected;
	a.insns = (__u64)(unsigned long)insns;
	a.insn_cnt = cnt;
	a.license = (__u64)(unsigned long)"GPL";
	r = b_call(b, BPF_PROG_LOAD, &a);
	if (r < 0) {
		/* again with a log, for the diagnostic */
		a.log_buf = (__u64)(unsigned long)log;
		a.log_size = sizeof(log);
		a.log_level = 1;
		log[0] = 0;
		b_call(b, BPF_PROG_LOAD, &a);
		kt_info("%s: load type %u: %s; log tail: %s", b->name, type, kt_res(r),
			strlen(log) > 300 ? log + strlen(log) - 300 : log);
	}
	return r;
}

/* The 24-byte value of key 0 of an ARRAY map: u64 v[3]. */
static void read_val(const struct backend *b, int map, __u64 v[3])
{
	__u32 key = 0;

	memset(v, 0, 24);
	CHECK(b_map_lookup(b, map, &key, v) == 0, "%s: lookup", b->name);
}

static int val_map(const struct backend *b)
{
	int m = b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, 24, 1, 0, "vals");

	REQUIRE(m >= 0, "%s: map create: %s", b->name, kt_res(m));
	return m;
}

int emit_lookup_key(struct bpf_insn *p, int n, int map, int key)
{
	struct bpf_insn ld[] = { LD_MAP_FD(BPF_REG_1, map) };

	p[n++] = (struct bpf_insn)ST_MEM(BPF_W, BPF_REG_10, -4, key);
	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_2, BPF_REG_10);
	p[n++] = (struct bpf_insn)ALU64_IMM(BPF_ADD, BPF_REG_2, -4);
	p[n++] = ld[0];
	p[n++] = ld[1];
	p[n++] = (struct bpf_insn)CALL(BPF_FUNC_map_lookup_elem);
	return n;
}

/*
 * v = lookup(map, 0); if (v) { v[0] += 1; v[1] = ctx[off1]; } return 0.
 * off1 < 0: no store. Returns the instruction count.
 */
static int prog_count_store(struct bpf_insn *p, int map, int off1)
{
	int n = 0;

	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_6, BPF_REG_1);
	n = emit_lookup_key(p, n, map, 0);
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JEQ, BPF_REG_0, 0, off1 >= 0 ? 4 : 2);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_1, 1);
	p[n++] = (struct bpf_insn)ATOMIC_ADD64(BPF_REG_0, BPF_REG_1, 0);
	if (off1 >= 0) {
		p[n++] = (struct bpf_insn)LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_6, off1);
		p[n++] = (struct bpf_insn)STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 8);
	}
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_0, 0);
	p[n++] = (struct bpf_insn)EXIT_INSN();
	return n;
}

static unsigned long long ksym_addr(const char *name)
{
	char line[512], sym[256], t;
	unsigned long long addr;
	FILE *f = fopen("/proc/kallsyms", "r");

	REQUIRE(f, "/proc/kallsyms: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &t, sym) == 3 && !strcmp(sym, name)) {
			fclose(f);
			return addr;
		}
	}
	fclose(f);
	return 0;
}

static int read_int_file(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static void call_getppid(int n)
{
	int i;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
}

/* ---- kbpf link helpers ---------------------------------------------- */

static int kprobe_multi(const char *sym, unsigned long long addr, __u64 cookie,
			__u32 flags, int prog)
{
	const char *syms[1] = { sym };
	__u64 addrs[1] = { addr }, cookies[1] = { cookie };
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = prog;
	a.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
	a.link_create.kprobe_multi.flags = flags;
	a.link_create.kprobe_multi.cnt = 1;
	if (sym)
		a.link_create.kprobe_multi.syms = (__u64)(unsigned long)syms;
	else
		a.link_create.kprobe_multi.addrs = (__u64)(unsigned long)addrs;
	a.link_create.kprobe_multi.cookies = (__u64)(unsigned long)cookies;
	return b_call(&be_kbpf, BPF_LINK_CREATE, &a);
}

static int event_link(const char *name, __u32 id, __u32 flags, int prog)
{
	struct kbpf_link_create_event ev;
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = prog;
	a.link_create.target_fd = KBPF_TARGET_EVENT;
	a.link_create.attach_type = BPF_PERF_EVENT;
	ev.name = (__u64)(unsigned long)name;
	ev.id = id;
	ev.flags = flags;
	ev.bpf_cookie = 42;
	memcpy(&a.link_create.perf_event, &ev, sizeof(ev));
	return b_call(&be_kbpf, BPF_LINK_CREATE, &a);
}

int b_raw_tp_open(const struct backend *b, const char *name, int prog)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.raw_tracepoint.name = (__u64)(unsigned long)name;
	a.raw_tracepoint.prog_fd = prog;
	return b_call(b, BPF_RAW_TRACEPOINT_OPEN, &a);
}

static int link_info(const struct backend *b, int fd, struct bpf_link_info *info)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(*info);
	a.info.info = (__u64)(unsigned long)info;
	return b_call(b, BPF_OBJ_GET_INFO_BY_FD, &a);
}

int link_update(const struct backend *b, int link, int prog, int old, __u32 flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.link_update.link_fd = link;
	a.link_update.new_prog_fd = prog;
	a.link_update.old_prog_fd = old;
	a.link_update.flags = flags;
	return b_call(b, BPF_LINK_UPDATE, &a);
}

static int link_detach(const struct backend *b, int link)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.link_detach.link_fd = link;
	return b_call(b, BPF_LINK_DETACH, &a);
}

/* ---- kernel oracle: perf events with a BPF program ------------------- */

#define MAX_CPUS 1

struct perf_set {
	int fd[MAX_CPUS];
	int n;
};

static int perf_open(struct perf_event_attr *pa, int cpu)
{
	return syscall(SYS_perf_event_open, pa, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/*
 * One event (cpu 0, pid -1) running prog: the kernel runs a kprobe's or a
 * tracepoint's programs on every CPU, before its per-CPU perf filtering
 * (and a second event of the same tracepoint could not take the same
 * program: -EEXIST).
 */
static bool perf_attach(struct perf_set *ps, struct perf_event_attr *pa, int prog)
{
	int i;

	ps->n = 0;
	for (i = 0; i < 1; i++) {
		int fd = perf_open(pa, i);

		if (fd < 0) {
			kt_info("perf_event_open(cpu %d): %s", i, strerror(errno));
			return false;
		}
		ps->fd[ps->n++] = fd;
		if (ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog) || ioctl(fd, PERF_EVENT_IOC_ENABLE, 0)) {
			kt_info("PERF_EVENT_IOC_SET_BPF: %s", strerror(errno));
			return false;
		}
	}
	return true;
}

static void perf_close(struct perf_set *ps)
{
	while (ps->n)
		close(ps->fd[--ps->n]);
}

static bool kernel_kprobe(struct perf_set *ps, const char *func, bool ret, int prog)
{
	struct perf_event_attr pa;
	int type = read_int_file("/sys/bus/event_source/devices/kprobe/type");

	if (type < 0)
		return false;
	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.type = type;
	pa.config = ret ? 1 : 0;	/* format: retprobe = config:0 */
	pa.config1 = (__u64)(unsigned long)func;
	pa.sample_period = 1;
	pa.disabled = 1;
	return perf_attach(ps, &pa, prog);
}

static int tp_id(const char *cat_name)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/id", cat_name);
	return read_int_file(path);
}

static bool kernel_tracepoint(struct perf_set *ps, const char *cat_name, int prog)
{
	struct perf_event_attr pa;
	int id = tp_id(cat_name);

	if (id < 0)
		return false;
	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.type = PERF_TYPE_TRACEPOINT;
	pa.config = id;
	pa.sample_period = 1;
	pa.sample_type = PERF_SAMPLE_RAW;
	pa.disabled = 1;
	return perf_attach(ps, &pa, prog);
}

/* ---- program types at load ------------------------------------------ */

void test_attach_prog_load(void)
{
	static const __u32 types[] = { KPROBE, TRACEPOINT, RAW_TP };
	struct bpf_insn p[2] = { MOV64_IMM(BPF_REG_0, 0), EXIT_INSN() };
	struct bpf_insn nf[2] = { MOV64_IMM(BPF_REG_0, 1), EXIT_INSN() };
	/* out-of-range pt_regs read: rejected by both */
	struct bpf_insn bad[3] = { LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 168), EXIT_INSN() };
	struct bpf_insn tp_hdr[2] = { LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0), EXIT_INSN() };
	unsigned int i;
	int r[2], k;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		static const __u32 eat[] = { 0, BPF_TRACE_KPROBE_MULTI, BPF_PERF_EVENT, 12345 };
		unsigned int j;

		for (j = 0; j < ARRAY_SIZE(eat); j++) {
			for (k = 0; k < 2; k++) {
				r[k] = load_ex(backends[k], types[i], p, 2, eat[j]);
				if (r[k] >= 0)
					close(r[k]);
			}
			SAME_RES("load tracing type", r[0], r[1]);
		}
	}
	for (k = 0; k < 2; k++) {
		r[k] = load_ex(backends[k], KPROBE, bad, 2, 0);
		if (r[k] >= 0)
			close(r[k]);
	}
	SAME_RES("kprobe read past pt_regs", r[0], r[1]);
	for (k = 0; k < 2; k++) {
		r[k] = load_ex(backends[k], TRACEPOINT, tp_hdr, 2, 0);
		if (r[k] >= 0)
			close(r[k]);
	}
	SAME_RES("tracepoint read of the common header", r[0], r[1]);

	/* NETFILTER: no 6.1 counterpart; upstream rules */
	r[0] = load_ex(&be_kbpf, NETFILTER, nf, 2, ATTACH_NF);
	EXPECT_RES("netfilter load", r[0], 0);
	if (r[0] >= 0)
		close(r[0]);
	EXPECT_RES("netfilter load without BPF_NETFILTER",
		   load_ex(&be_kbpf, NETFILTER, nf, 2, 0), EINVAL);
}

/* ---- kprobes ----------------------------------------------------------- */

static void kprobe_count(bool ret)
{
	unsigned long long addr = ksym_addr("__x64_sys_getppid");
	struct bpf_insn p[2][16];
	int map[2], prog[2], cnt[2], k, link;
	pid_t ppid = getppid();
	struct perf_set ps;
	__u64 v[2][3];
	bool have_oracle;

	REQUIRE(addr, "no __x64_sys_getppid in /proc/kallsyms");
	for (k = 0; k < 2; k++) {
		map[k] = val_map(backends[k]);
		/* kprobe: v[1] = regs->ip; kretprobe: v[1] = regs->ax (return value) */
		cnt[k] = prog_count_store(p[k], map[k], ret ? REGS_AX : REGS_IP);
		prog[k] = load_ex(backends[k], KPROBE, p[k], cnt[k],
				  k == 0 ? BPF_TRACE_KPROBE_MULTI : 0);
		REQUIRE(prog[k] >= 0, "%s: load: %s", backends[k]->name, kt_res(prog[k]));
	}
	link = kprobe_multi("__x64_sys_getppid", 0, 7, ret ? BPF_F_KPROBE_MULTI_RETURN : 0,
			    prog[0]);
	REQUIRE(link >= 0, "kprobe_multi link: %s", kt_res(link));
	have_oracle = kernel_kprobe(&ps, "__x64_sys_getppid", ret, prog[1]);

	call_getppid(N_CALLS);

	for (k = 0; k < 2; k++)
		read_val(backends[k], map[k], v[k]);
	CHECK(v[0][0] == N_CALLS, "kbpf count %llu, expected %d", (unsigned long long)v[0][0],
	      N_CALLS);
	if (ret)
		CHECK(v[0][1] == (__u64)ppid, "kretprobe ax %llu, getppid() %d",
		      (unsigned long long)v[0][1], ppid);
	else
		CHECK(v[0][1] == addr + 1, "kprobe ip %#llx, expected %#llx",
		      (unsigned long long)v[0][1], addr + 1);
	if (have_oracle) {
		SAME_VAL("hits", v[0][0], v[1][0]);
		SAME_VAL("ip / ax", v[0][1], v[1][1]);
	} else {
		kt_fail(__FILE__, __LINE__, "kernel perf kprobe oracle unavailable");
	}
	perf_close(&ps);

	/* Closed: no more hits. */
	close(link);
	call_getppid(5);
	read_val(&be_kbpf, map[0], v[1]);
	SAME_VAL("count after close", v[1][0], v[0][0]);
}

void test_attach_kprobe_multi(void)
{
	kprobe_count(false);
}

void test_attach_kretprobe_multi(void)
{
	kprobe_count(true);
}

void test_attach_kprobe_multi_errors(void)
{
	unsigned long long addr = ksym_addr("__x64_sys_getppid");
	struct bpf_insn p[2] = { MOV64_IMM(BPF_REG_0, 0), EXIT_INSN() };
	const char *syms[2] = { "__x64_sys_getppid", "__x64_sys_getpid" };
	struct kbpf_link_info_kprobe_multi km;
	struct bpf_link_info info;
	__u64 addrs[2];
	int multi, plain, l, map;
	union bpf_attr a;
	char val[64];

	multi = load_ex(&be_kbpf, KPROBE, p, 2, BPF_TRACE_KPROBE_MULTI);
	plain = load_ex(&be_kbpf, KPROBE, p, 2, 0);
	REQUIRE(multi >= 0 && plain >= 0, "load");

	EXPECT_RES("plain kprobe prog", kprobe_multi("__x64_sys_getppid", 0, 0, 0, plain), EINVAL);
	EXPECT_RES("bad flags", kprobe_multi("__x64_sys_getppid", 0, 0, 2, multi), EINVAL);
	EXPECT_RES("unknown symbol", kprobe_multi("kbpf_no_such_function", 0, 0, 0, multi),
		   ENOENT);
	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = multi;
	a.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
	a.link_create.kprobe_multi.cnt = 1;
	EXPECT_RES("neither syms nor addrs", b_call(&be_kbpf, BPF_LINK_CREATE, &a), EINVAL);
	a.link_create.kprobe_multi.syms = (__u64)(unsigned long)syms;
	a.link_create.kprobe_multi.addrs = (__u64)(unsigned long)addrs;
	EXPECT_RES("both syms and addrs", b_call(&be_kbpf, BPF_LINK_CREATE, &a), EINVAL);
	a.link_create.kprobe_multi.addrs = 0;
	a.link_create.kprobe_multi.cnt = 0;
	EXPECT_RES("cnt 0", b_call(&be_kbpf, BPF_LINK_CREATE, &a), EINVAL);
	a.link_create.kprobe_multi.syms = 8;
	a.link_create.kprobe_multi.cnt = 1;
	EXPECT_RES("bad syms pointer", b_call(&be_kbpf, BPF_LINK_CREATE, &a), EFAULT);
	a.link_create.attach_type = BPF_PERF_EVENT;
	a.link_create.target_fd = 0;
	a.link_create.kprobe_multi.syms = 0;
	EXPECT_RES("multi prog, attach type perf_event", b_call(&be_kbpf, BPF_LINK_CREATE, &a),
		   EINVAL);

	/* two symbols, then the link's info and fdinfo */
	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = multi;
	a.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
	a.link_create.kprobe_multi.cnt = 2;
	a.link_create.kprobe_multi.syms = (__u64)(unsigned long)syms;
	l = b_call(&be_kbpf, BPF_LINK_CREATE, &a);
	REQUIRE(l >= 0, "two-symbol link: %s", kt_res(l));
	memset(&info, 0, sizeof(info));
	memset(addrs, 0, sizeof(addrs));
	memset(&km, 0, sizeof(km));
	km.addrs = (__u64)(unsigned long)addrs;
	km.count = 2;
	memcpy(&info.raw_tracepoint, &km, sizeof(km));
	EXPECT_RES("link info", link_info(&be_kbpf, l, &info), 0);
	memcpy(&km, &info.raw_tracepoint, sizeof(km));
	CHECK(info.type == BPF_LINK_TYPE_KPROBE_MULTI, "type %u", info.type);
	CHECK(info.prog_id == b_prog_id(&be_kbpf, multi), "prog_id %u", info.prog_id);
	CHECK(km.count == 2 && km.flags == 0, "count %u flags %u", km.count, km.flags);
	CHECK(addrs[0] == addr && addrs[1] == ksym_addr("__x64_sys_getpid"),
	      "addrs %#llx %#llx", (unsigned long long)addrs[0], (unsigned long long)addrs[1]);
	CHECK(fdinfo_get(l, "link_type", val, sizeof(val)) && !strcmp(val, "kprobe_multi"),
	      "fdinfo link_type '%s'", val);
	CHECK(fdinfo_get(l, "link_id", val, sizeof(val)) && (__u32)atoi(val) == info.id,
	      "fdinfo link_id '%s'", val);
	CHECK(fdinfo_get(l, "prog_id", val, sizeof(val)) && (__u32)atoi(val) == info.prog_id,
	      "fdinfo prog_id '%s'", val);
	/* 6.1 kprobe_multi links: no update, no detach */
	EXPECT_RES("update", link_update(&be_kbpf, l, multi, 0, 0), EINVAL);
	EXPECT_RES("detach", link_detach(&be_kbpf, l), EOPNOTSUPP);
	close(l);

	/* by address, counting */
	map = val_map(&be_kbpf);
	{
		struct bpf_insn c[16];
		int n = prog_count_store(c, map, REGS_IP), pc;
		__u64 v[3];

		pc = load_ex(&be_kbpf, KPROBE, c, n, BPF_TRACE_KPROBE_MULTI);
		REQUIRE(pc >= 0, "load counter");
		l = kprobe_multi(NULL, addr, 0, 0, pc);
		REQUIRE(l >= 0, "kprobe_multi by address: %s", kt_res(l));
		call_getppid(N_CALLS);
		read_val(&be_kbpf, map, v);
		CHECK(v[0] == N_CALLS && v[1] == addr + 1, "by address: count %llu ip %#llx",
		      (unsigned long long)v[0], (unsigned long long)v[1]);
		close(l);
	}
}

/* kbpf event links for one kprobe: "function", "function+off", retprobe */
/*
 * v = lookup(map, 0); if (v) { v[0] += 1; v[1] = get_func_ip(ctx) (kprobes
 * only); v[2] = get_attach_cookie(ctx); } return 1.
 */
static int prog_ip_cookie(struct bpf_insn *p, int map, bool func_ip)
{
	int n = 0;

	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_6, BPF_REG_1);
	n = emit_lookup_key(p, n, map, 0);
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JEQ, BPF_REG_0, 0, func_ip ? 9 : 6);
	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_7, BPF_REG_0);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_1, 1);
	p[n++] = (struct bpf_insn)ATOMIC_ADD64(BPF_REG_7, BPF_REG_1, 0);
	if (func_ip) {
		p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_1, BPF_REG_6);
		p[n++] = (struct bpf_insn)CALL(BPF_FUNC_get_func_ip);
		p[n++] = (struct bpf_insn)STX_MEM(BPF_DW, BPF_REG_7, BPF_REG_0, 8);
	}
	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_1, BPF_REG_6);
	p[n++] = (struct bpf_insn)CALL(BPF_FUNC_get_attach_cookie);
	p[n++] = (struct bpf_insn)STX_MEM(BPF_DW, BPF_REG_7, BPF_REG_0, 16);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_0, 1);	/* see prog_tp_nr() */
	p[n++] = (struct bpf_insn)EXIT_INSN();
	return n;
}

/*
 * Anchors for tests that attach and detach the kernel's and kbpf's
 * programs on the same events many times: kbpf links with a no-op program
 * on the getppid kprobe (entry, an ftrace site), the sys_enter_getppid
 * tracepoint and, with rename, task_rename, held for the whole test, so
 * that each case joins attachments whose code is already patched (see
 * churn() for why patching under TCG must be kept rare). n links go into
 * a[]; close them with anchors_close().
 */
static int anchors_open(int *a, bool rename)
{
	struct bpf_insn ret0[2] = { MOV64_IMM(BPF_REG_0, 0), EXIT_INSN() };
	struct bpf_insn ret1[2] = { MOV64_IMM(BPF_REG_0, 1), EXIT_INSN() };
	int kp = load_ex(&be_kbpf, KPROBE, ret0, 2, 0);
	int tp = load_ex(&be_kbpf, TRACEPOINT, ret1, 2, 0);
	int n = 0, i;

	REQUIRE(kp >= 0 && tp >= 0, "load anchors: %s %s", kt_res(kp), kt_res(tp));
	a[n++] = event_link("__x64_sys_getppid", 0, 0, kp);
	a[n++] = event_link("syscalls:sys_enter_getppid", 0, 0, tp);
	if (rename)
		a[n++] = event_link("task:task_rename", 0, 0, tp);
	close(kp);
	close(tp);
	for (i = 0; i < n; i++)
		REQUIRE(a[i] >= 0, "anchor %d: %s", i, kt_res(a[i]));
	return n;
}

static void anchors_close(int *a, int n)
{
	while (n)
		close(a[--n]);
}

/* The kernel's side: prog on one perf event through a link with a cookie. */
static int kernel_perf_link(struct perf_set *ps, int prog, __u64 cookie)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = prog;
	a.link_create.target_fd = ps->fd[0];
	a.link_create.attach_type = BPF_PERF_EVENT;
	a.link_create.perf_event.bpf_cookie = cookie;
	return b_call(&be_kernel, BPF_LINK_CREATE, &a);
}

static bool kernel_perf_event(struct perf_set *ps, struct perf_event_attr *pa)
{
	int fd = perf_open(pa, 0);

	ps->n = 0;
	if (fd < 0) {
		kt_info("perf_event_open: %s", strerror(errno));
		return false;
	}
	ps->fd[ps->n++] = fd;
	return true;
}

/*
 * get_func_ip and get_attach_cookie from kprobes (kprobe_multi link and
 * kbpf event link, entry and return) and a tracepoint (event link), each
 * against the kernel's program on a perf event attached through a
 * BPF_PERF_EVENT link with the same cookie, on the same calls.
 */
static void ip_cookie_case(const char *what, bool tp, bool ret, bool multi)
{
	unsigned long long addr = ksym_addr("__x64_sys_getppid");
	__u64 cookie = multi ? 7 : 42;	/* event_link() always sets 42 */
	int map[2], prog[2], n, k, link, klink = -1;
	struct perf_event_attr pa;
	struct bpf_insn p[2][24];
	struct perf_set ps = { .n = 0 };
	__u64 v[2][3];

	REQUIRE(addr, "no __x64_sys_getppid in /proc/kallsyms");
	for (k = 0; k < 2; k++) {
		map[k] = val_map(backends[k]);
		n = prog_ip_cookie(p[k], map[k], !tp);
		prog[k] = load_ex(backends[k], tp ? TRACEPOINT : KPROBE, p[k], n,
				  k == 0 && multi ? BPF_TRACE_KPROBE_MULTI : 0);
		REQUIRE(prog[k] >= 0, "%s: %s: load: %s", what, backends[k]->name,
			kt_res(prog[k]));
	}
	if (multi)
		link = kprobe_multi("__x64_sys_getppid", 0, cookie,
				    ret ? BPF_F_KPROBE_MULTI_RETURN : 0, prog[0]);
	else if (tp)
		link = event_link("syscalls:sys_enter_getppid", 0, 0, prog[0]);
	else
		link = event_link("__x64_sys_getppid", 0, ret ? KBPF_EVENT_F_RETPROBE : 0,
				  prog[0]);
	REQUIRE(link >= 0, "%s: kbpf link: %s", what, kt_res(link));
	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.sample_period = 1;
	if (tp) {
		pa.type = PERF_TYPE_TRACEPOINT;
		pa.config = tp_id("syscalls/sys_enter_getppid");
		pa.sample_type = PERF_SAMPLE_RAW;
	} else {
		pa.type = read_int_file("/sys/bus/event_source/devices/kprobe/type");
		pa.config = ret ? 1 : 0;
		pa.config1 = (__u64)(unsigned long)"__x64_sys_getppid";
	}
	if (kernel_perf_event(&ps, &pa))
		klink = kernel_perf_link(&ps, prog[1], cookie);
	if (klink < 0)
		kt_info("%s: kernel perf link: %s", what, kt_res(klink));

	call_getppid(N_CALLS);

	for (k = 0; k < 2; k++)
		read_val(backends[k], map[k], v[k]);
	CHECK(v[0][0] == N_CALLS, "%s: kbpf count %llu, expected %d", what,
	      (unsigned long long)v[0][0], N_CALLS);
	CHECK(v[0][2] == cookie, "%s: kbpf cookie %llu, expected %llu", what,
	      (unsigned long long)v[0][2], (unsigned long long)cookie);
	if (!tp)
		CHECK(v[0][1] == addr, "%s: kbpf func_ip %#llx, expected %#llx", what,
		      (unsigned long long)v[0][1], addr);
	if (klink >= 0) {
		SAME_VAL(what, v[0][0], v[1][0]);
		SAME_VAL(what, v[0][1], v[1][1]);
		SAME_VAL(what, v[0][2], v[1][2]);
		close(klink);
	} else {
		kt_fail(__FILE__, __LINE__, "%s: kernel oracle unavailable", what);
	}
	perf_close(&ps);
	close(link);
	for (k = 0; k < 2; k++) {
		close(prog[k]);
		close(map[k]);
	}
}

void test_attach_func_ip_cookie(void)
{
	struct bpf_insn p[24];
	int map, n, r[2], k, t, anchor[3], na = anchors_open(anchor, false);

	ip_cookie_case("kprobe_multi entry", false, false, true);
	ip_cookie_case("kprobe_multi return", false, true, true);
	ip_cookie_case("event link kprobe", false, false, false);
	ip_cookie_case("event link kretprobe", false, true, false);
	ip_cookie_case("event link tracepoint", true, false, false);

	/*
	 * Which program types may call them, the same answer as the kernel:
	 * get_func_ip from a tracepoint, get_attach_cookie from a raw one.
	 */
	for (t = 0; t < 2; t++) {
		for (k = 0; k < 2; k++) {
			map = val_map(backends[k]);
			n = prog_ip_cookie(p, map, t == 0);
			r[k] = load_ex(backends[k], t == 0 ? TRACEPOINT : RAW_TP, p, n, 0);
			if (r[k] >= 0)
				close(r[k]);
			close(map);
		}
		SAME_RES(t == 0 ? "get_func_ip from a tracepoint" :
			 "get_attach_cookie from a raw tracepoint", r[0], r[1]);
	}
	anchors_close(anchor, na);
}

/* ---- stacks ------------------------------------------------------------ */

#define STACK_FRAMES	32
#define BPF_F_BAD_STACK_FLAG	(1ull << 11)

/* The map commands and create checks, errno for errno with the kernel. */
static void stack_map_rules(void)
{
	static const struct { __u32 ksz, vsz, max, flags; } c[] = {
		{ 4, 8 * 127, 8, 0 }, { 4, 8 * 128, 8, 0 }, { 8, 64, 8, 0 }, { 4, 4, 8, 0 },
		{ 4, 12, 8, 0 }, { 4, 64, 0, 0 }, { 4, 64, 8, BPF_F_NO_PREALLOC },
		{ 4, 32 * 3, 8, BPF_F_STACK_BUILD_ID }, { 4, 40, 8, BPF_F_STACK_BUILD_ID },
		{ 4, 64, 8, BPF_F_RDONLY | BPF_F_WRONLY }, { 4, 64, 8, BPF_F_RDONLY_PROG },
	};
	__u64 val[8] = { 0 };
	__u32 key, next;
	unsigned int i;
	int r[2], k, m;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		char what[64];

		for (k = 0; k < 2; k++) {
			r[k] = b_map_create(backends[k], BPF_MAP_TYPE_STACK_TRACE, c[i].ksz,
					    c[i].vsz, c[i].max, c[i].flags, "st");
			if (r[k] >= 0)
				close(r[k]);
		}
		snprintf(what, sizeof(what), "create key %u value %u max %u flags %#x", c[i].ksz,
			 c[i].vsz, c[i].max, c[i].flags);
		SAME_RES(what, r[0], r[1]);
	}
	static struct trace tk[2];

	memset(tk, 0, sizeof(tk));
	for (k = 0; k < 2; k++) {
		struct trace *t = &tk[k];

		m = b_map_create(backends[k], BPF_MAP_TYPE_STACK_TRACE, 4, 64, 8, 0, "st");
		REQUIRE(m >= 0, "%s: create: %s", backends[k]->name, kt_res(m));
		key = 0;
		tr(t, b_map_lookup(backends[k], m, &key, val), 0, "lookup empty id 0");
		key = 1 << 20;
		tr(t, b_map_lookup(backends[k], m, &key, val), 0, "lookup id past the buckets");
		key = 0;
		tr(t, b_map_update(backends[k], m, &key, val, 0), 0, "update");
		tr(t, b_map_delete(backends[k], m, &key), 0, "delete empty id 0");
		key = 1 << 20;
		tr(t, b_map_delete(backends[k], m, &key), 0, "delete id past the buckets");
		tr(t, b_map_next_key(backends[k], m, NULL, &next), 0, "first key of empty map");
		close(m);
	}
	compare_traces(&tk[0], &tk[1]);
}

/*
 * kprobe: v[0] += 1; v[1] = get_stackid(ctx, smap, 0) (kernel stack);
 * v[2] = get_stackid(ctx, smap, BPF_F_USER_STACK); v[3] = get_stackid with
 * an unknown flag (-EINVAL). Returns 0.
 */
static int prog_stackid(struct bpf_insn *p, int smap, int vals)
{
	struct bpf_insn ls[] = { LD_MAP_FD(BPF_REG_2, smap) };
	static const __u64 flags[3] = { 0, BPF_F_USER_STACK, BPF_F_BAD_STACK_FLAG };
	int n = 0, i;

	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_6, BPF_REG_1);
	for (i = 0; i < 3; i++) {
		p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_1, BPF_REG_6);
		p[n++] = ls[0];
		p[n++] = ls[1];
		p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_3, (__s32)flags[i]);
		p[n++] = (struct bpf_insn)CALL(BPF_FUNC_get_stackid);
		p[n++] = (struct bpf_insn)STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, -8 * (i + 2));
	}
	n = emit_lookup_key(p, n, vals, 0);
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 8);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_1, 1);
	p[n++] = (struct bpf_insn)ATOMIC_ADD64(BPF_REG_0, BPF_REG_1, 0);
	for (i = 0; i < 3; i++) {
		p[n++] = (struct bpf_insn)LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8 * (i + 2));
		p[n++] = (struct bpf_insn)STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 8 * (i + 1));
	}
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_0, 0);
	p[n++] = (struct bpf_insn)EXIT_INSN();
	return n;
}
/*
 * tracepoint: v = lookup(vals, 0); v[0] = get_stack(ctx, &v[1], size, flags);
 * returns 1 (see prog_tp_nr()).
 */
static int prog_get_stack(struct bpf_insn *p, int vals, __u32 size, __u64 flags)
{
	int n = 0;

	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_6, BPF_REG_1);
	n = emit_lookup_key(p, n, vals, 0);
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 8);
	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_7, BPF_REG_0);
	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_1, BPF_REG_6);
	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_2, BPF_REG_7);
	p[n++] = (struct bpf_insn)ALU64_IMM(BPF_ADD, BPF_REG_2, 8);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_3, size);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_4, (__s32)flags);
	p[n++] = (struct bpf_insn)CALL(BPF_FUNC_get_stack);
	p[n++] = (struct bpf_insn)STX_MEM(BPF_DW, BPF_REG_7, BPF_REG_0, 0);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_0, 1);
	p[n++] = (struct bpf_insn)EXIT_INSN();
	return n;
}

static void stack_dump(const char *what, const __u64 *ips, int n)
{
	char line[512];
	int i, o = 0;

	for (i = 0; i < n && ips[i] && o < (int)sizeof(line) - 20; i++)
		o += snprintf(line + o, sizeof(line) - o, " %llx", (unsigned long long)ips[i]);
	line[o] = 0;
	kt_info("%s:%s", what, line);
}

/* kbpf's stack map and the kernel's hold the same frames under id. */
static void stack_same_frames(const char *what, const int smap[2], __u64 id)
{
	__u64 f[2][STACK_FRAMES];
	__u32 key = (__u32)id;
	int r[2], k;

	for (k = 0; k < 2; k++) {
		memset(f[k], 0xab, sizeof(f[k]));
		r[k] = b_map_lookup(backends[k], smap[k], &key, f[k]);
	}
	SAME_RES(what, r[0], r[1]);
	if (r[0] == 0 && r[1] == 0 && memcmp(f[0], f[1], sizeof(f[0]))) {
		kt_fail(__FILE__, __LINE__, "%s: frames differ", what);
		stack_dump("kbpf  ", f[0], STACK_FRAMES);
		stack_dump("kernel", f[1], STACK_FRAMES);
	}
}

/*
 * get_stackid from a kprobe and get_stack from a tracepoint, kbpf and the
 * kernel on the same events: the same ids (6.1's hash, so the same
 * buckets), the same frames, the same errors; then the map commands.
 */
void test_attach_stack_trace(void)
{
	unsigned long long addr = ksym_addr("__x64_sys_getppid");
	int smap[2], vals[2], prog[2], n, k, link, anchor[3], na;
	struct bpf_insn p[2][64];
	__u64 v[2][STACK_FRAMES + 1], first;
	struct perf_set ps;
	bool have_oracle;

	REQUIRE(addr, "no __x64_sys_getppid in /proc/kallsyms");
	stack_map_rules();
	na = anchors_open(anchor, true);

	/* kprobe: kernel and user stack ids, and a bad flag */
	for (k = 0; k < 2; k++) {
		smap[k] = b_map_create(backends[k], BPF_MAP_TYPE_STACK_TRACE, 4, 8 * STACK_FRAMES,
				       64, 0, "stacks");
		REQUIRE(smap[k] >= 0, "%s: stack map: %s", backends[k]->name, kt_res(smap[k]));
		vals[k] = b_map_create(backends[k], BPF_MAP_TYPE_ARRAY, 4, 32, 1, 0, "vals");
		REQUIRE(vals[k] >= 0, "%s: vals: %s", backends[k]->name, kt_res(vals[k]));
		n = prog_stackid(p[k], smap[k], vals[k]);
		prog[k] = load_ex(backends[k], KPROBE, p[k], n, k == 0 ? BPF_TRACE_KPROBE_MULTI : 0);
		REQUIRE(prog[k] >= 0, "%s: load: %s", backends[k]->name, kt_res(prog[k]));
	}
	link = kprobe_multi("__x64_sys_getppid", 0, 0, 0, prog[0]);
	REQUIRE(link >= 0, "kprobe_multi link: %s", kt_res(link));
	have_oracle = kernel_kprobe(&ps, "__x64_sys_getppid", false, prog[1]);
	call_getppid(N_CALLS);
	close(link);
	perf_close(&ps);
	for (k = 0; k < 2; k++) {
		__u32 key = 0;

		memset(v[k], 0, sizeof(v[k]));
		REQUIRE(b_map_lookup(backends[k], vals[k], &key, v[k]) == 0, "read vals");
	}
	CHECK(v[0][0] == N_CALLS, "kbpf runs %llu, expected %d", (unsigned long long)v[0][0],
	      N_CALLS);
	CHECK((__s64)v[0][1] >= 0 && (__s64)v[0][2] >= 0, "kbpf ids: kernel stack %s, user %s",
	      kt_res((long)v[0][1]), kt_res((long)v[0][2]));
	CHECK((__s64)v[0][3] == -EINVAL, "kbpf unknown flag: %s", kt_res((long)v[0][3]));
	REQUIRE(have_oracle, "kernel perf kprobe oracle unavailable");
	SAME_VAL("runs", v[0][0], v[1][0]);
	SAME_VAL("kernel stack id", v[0][1], v[1][1]);
	SAME_VAL("user stack id", v[0][2], v[1][2]);
	SAME_VAL("unknown flag", v[0][3], v[1][3]);
	stack_same_frames("kernel stack", smap, v[0][1]);
	stack_same_frames("user stack", smap, v[0][2]);
	{
		/* the kernel stack starts at the probe: regs->ip is the int3's + 1 */
		__u32 key = (__u32)v[0][1];

		first = 0;
		if (b_map_lookup(&be_kbpf, smap[0], &key, v[0]) == 0)
			first = v[0][0];
		CHECK(first == addr + 1, "first frame %#llx, expected %#llx",
		      (unsigned long long)first, addr + 1);
	}
	{
		/* the same ids, in the same order */
		__u32 key[2] = { 0, 0 }, next[2];
		int r[2], i;

		for (i = 0; i < 70; i++) {
			for (k = 0; k < 2; k++)
				r[k] = b_map_next_key(backends[k], smap[k], i ? &key[k] : NULL,
						      &next[k]);
			SAME_RES("get_next_key", r[0], r[1]);
			if (r[0] || r[1])
				break;
			SAME_VAL("next id", next[0], next[1]);
			key[0] = next[0];
			key[1] = next[1];
		}
		for (k = 0; k < 2; k++)
			r[k] = b_map_delete(backends[k], smap[k], &key[0]);
		SAME_RES("delete last id", r[0], r[1]);
		for (k = 0; k < 2; k++)
			r[k] = b_map_delete(backends[k], smap[k], &key[0]);
		SAME_RES("delete it again", r[0], r[1]);
	}
	for (k = 0; k < 2; k++) {
		close(prog[k]);
		close(vals[k]);
		close(smap[k]);
	}

	/*
	 * tracepoints: get_stack into a map value, with a skip, an odd size,
	 * user stacks; on a syscall tracepoint (perf hands over the syscall's
	 * user regs: no kernel stack) and on task:task_rename (kernel regs).
	 */
	{
		static const struct { __u32 size; __u64 flags; } g[] = {
			{ 8 * STACK_FRAMES, 0 }, { 8 * 4, 1 }, { 8 * 4 + 4, 0 },
			{ 8 * 8, BPF_F_USER_STACK }, { 8 * 4, BPF_F_USER_BUILD_ID },
			{ 8 * 4, 0x800 },
		};
		unsigned int i;

		for (i = 0; i < 2 * ARRAY_SIZE(g); i++) {
			bool rename = i >= ARRAY_SIZE(g);
			unsigned int j = i % ARRAY_SIZE(g);
			char what[96];

			snprintf(what, sizeof(what), "%s: get_stack size %u flags %#llx",
				 rename ? "task_rename" : "sys_enter_getppid", g[j].size,
				 (unsigned long long)g[j].flags);
			for (k = 0; k < 2; k++) {
				vals[k] = b_map_create(backends[k], BPF_MAP_TYPE_ARRAY, 4,
						       8 * (STACK_FRAMES + 1), 1, 0, "vals");
				REQUIRE(vals[k] >= 0, "vals");
				n = prog_get_stack(p[k], vals[k], g[j].size, g[j].flags);
				prog[k] = load_ex(backends[k], TRACEPOINT, p[k], n, 0);
				REQUIRE(prog[k] >= 0, "%s: %s: load: %s", what, backends[k]->name,
					kt_res(prog[k]));
			}
			link = event_link(rename ? "task:task_rename" : "syscalls:sys_enter_getppid",
					  0, 0, prog[0]);
			REQUIRE(link >= 0, "event link: %s", kt_res(link));
			have_oracle = kernel_tracepoint(&ps, rename ? "task/task_rename" :
							"syscalls/sys_enter_getppid", prog[1]);
			if (rename)
				prctl(PR_SET_NAME, "kbpf_stack");
			else
				call_getppid(3);
			close(link);
			perf_close(&ps);
			for (k = 0; k < 2; k++) {
				__u32 key = 0;

				memset(v[k], 0, sizeof(v[k]));
				b_map_lookup(backends[k], vals[k], &key, v[k]);
				close(prog[k]);
				close(vals[k]);
			}
			REQUIRE(have_oracle, "kernel tracepoint oracle unavailable");
			SAME_VAL(what, v[0][0], v[1][0]);
			if (memcmp(v[0], v[1], sizeof(v[0]))) {
				kt_fail(__FILE__, __LINE__, "%s: frames differ", what);
				stack_dump("kbpf  ", v[0] + 1, STACK_FRAMES);
				stack_dump("kernel", v[1] + 1, STACK_FRAMES);
			}
		}
	}
	anchors_close(anchor, na);
}

void test_attach_kprobe_event(void)
{
	unsigned long long addr = ksym_addr("__x64_sys_getppid");
	struct kbpf_link_info_event ev;
	struct bpf_insn c[16];
	struct bpf_link_info info;
	int map, n, prog, l;
	__u64 v[3];

	map = val_map(&be_kbpf);
	n = prog_count_store(c, map, REGS_IP);
	prog = load_ex(&be_kbpf, KPROBE, c, n, 0);
	REQUIRE(prog >= 0, "load");

	l = event_link("__x64_sys_getppid", 0, 0, prog);
	REQUIRE(l >= 0, "event link: %s", kt_res(l));
	call_getppid(N_CALLS);
	read_val(&be_kbpf, map, v);
	CHECK(v[0] == N_CALLS && v[1] == addr + 1, "entry: count %llu ip %#llx",
	      (unsigned long long)v[0], (unsigned long long)v[1]);
	memset(&info, 0, sizeof(info));
	EXPECT_RES("info", link_info(&be_kbpf, l, &info), 0);
	CHECK(info.type == BPF_LINK_TYPE_PERF_EVENT, "type %u", info.type);
	memcpy(&ev, &info.raw_tracepoint, sizeof(ev));
	CHECK(ev.bpf_cookie == 42 && ev.tp_id == 0, "cookie %llu tp_id %u",
	      (unsigned long long)ev.bpf_cookie, ev.tp_id);
	close(l);

	/*
	 * An offset: the probe sits past the entry; the first instruction of
	 * __x64_sys_getppid (a 5-byte nop / call __fentry__) ends at +5.
	 */
	l = event_link("__x64_sys_getppid+5", 0, 0, prog);
	if (l >= 0) {
		__u64 before;

		read_val(&be_kbpf, map, v);
		before = v[0];
		call_getppid(N_CALLS);
		read_val(&be_kbpf, map, v);
		CHECK(v[0] - before == N_CALLS && v[1] == addr + 5 + 1,
		      "offset: count %llu ip %#llx", (unsigned long long)(v[0] - before),
		      (unsigned long long)v[1]);
		close(l);
	} else {
		kt_info("kprobe at +5: %s", kt_res(l));
		CHECK(l == -EILSEQ || l == -EINVAL, "+5: %s", kt_res(l));
	}

	EXPECT_RES("unknown function", event_link("kbpf_no_such_function", 0, 0, prog), ENOENT);
	EXPECT_RES("empty name", event_link("", 0, 0, prog), EINVAL);
	EXPECT_RES("bad offset", event_link("__x64_sys_getppid+x", 0, 0, prog), EINVAL);
	EXPECT_RES("retprobe with offset",
		   event_link("__x64_sys_getppid+5", 0, KBPF_EVENT_F_RETPROBE, prog), EINVAL);
	EXPECT_RES("unknown flag", event_link("__x64_sys_getppid", 0, 2, prog), EINVAL);
	EXPECT_RES("no name", event_link(NULL, 0, 0, prog), EINVAL);
	{
		union bpf_attr a;

		memset(&a, 0, sizeof(a));
		a.link_create.prog_fd = prog;
		a.link_create.target_fd = 1000;
		a.link_create.attach_type = BPF_PERF_EVENT;
		EXPECT_RES("closed target fd", b_call(&be_kbpf, BPF_LINK_CREATE, &a), EBADF);
		a.link_create.target_fd = map;
		EXPECT_RES("open target fd", b_call(&be_kbpf, BPF_LINK_CREATE, &a), EOPNOTSUPP);
	}

	/* kretprobe */
	{
		struct bpf_insn r[16];
		int rm = val_map(&be_kbpf), rp, rn = prog_count_store(r, rm, REGS_AX);
		pid_t ppid = getppid();

		rp = load_ex(&be_kbpf, KPROBE, r, rn, 0);
		REQUIRE(rp >= 0, "load");
		l = event_link("__x64_sys_getppid", 0, KBPF_EVENT_F_RETPROBE, rp);
		REQUIRE(l >= 0, "retprobe event link: %s", kt_res(l));
		call_getppid(N_CALLS);
		read_val(&be_kbpf, rm, v);
		CHECK(v[0] == N_CALLS && v[1] == (__u64)ppid, "ret: count %llu ax %llu",
		      (unsigned long long)v[0], (unsigned long long)v[1]);
		close(l);
	}
}

/* ---- raw tracepoints ------------------------------------------------- */

/*
 * args[1] == nr: v[0] += 1; v[1] = args[0] != 0; on kbpf (extra) also
 * v[2] += 1 if any of args[first_zero..11] is non-zero.
 */
static int prog_raw_sys_enter(struct bpf_insn *p, int map, int nr, int first_zero)
{
	int n = 0, i;

	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_6, BPF_REG_1);
	p[n++] = (struct bpf_insn)LDX_MEM(BPF_DW, BPF_REG_7, BPF_REG_6, 8);
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JNE, BPF_REG_7, nr, 0);	/* patched */
	i = n - 1;
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_8, 0);
	if (first_zero) {
		int j;

		for (j = first_zero; j < 12; j++) {
			p[n++] = (struct bpf_insn)LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_6, 8 * j);
			p[n++] = (struct bpf_insn)ALU64_REG(BPF_OR, BPF_REG_8, BPF_REG_1);
		}
	}
	n = emit_lookup_key(p, n, map, 0);
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 8);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_1, 1);
	p[n++] = (struct bpf_insn)ATOMIC_ADD64(BPF_REG_0, BPF_REG_1, 0);
	p[n++] = (struct bpf_insn)LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_6, 0);
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 1);
	p[n++] = (struct bpf_insn)STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 8);
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JEQ, BPF_REG_8, 0, 2);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_1, 1);
	p[n++] = (struct bpf_insn)ATOMIC_ADD64(BPF_REG_0, BPF_REG_1, 16);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_0, 0);
	p[n++] = (struct bpf_insn)EXIT_INSN();
	p[i].off = n - 2 - (i + 1);
	return n;
}

void test_attach_raw_tp_sys_enter(void)
{
	struct bpf_insn p[2][64], px[64];
	int map[2], prog[2], link[2], cnt, k, mx, progx, linkx;
	struct bpf_link_info info[2];
	char name[2][64], val[64];
	__u64 v[2][3], vx[3];

	for (k = 0; k < 2; k++) {
		map[k] = val_map(backends[k]);
		cnt = prog_raw_sys_enter(p[k], map[k], SYS_getppid, 0);
		prog[k] = load_ex(backends[k], RAW_TP, p[k], cnt, 0);
		REQUIRE(prog[k] >= 0, "%s: load", backends[k]->name);
	}
	/* kbpf only: the arguments past the two of sys_enter are zero */
	mx = val_map(&be_kbpf);
	cnt = prog_raw_sys_enter(px, mx, SYS_getppid, 2);
	progx = load_ex(&be_kbpf, RAW_TP, px, cnt, 0);
	REQUIRE(progx >= 0, "load (zero check)");

	for (k = 0; k < 2; k++) {
		link[k] = b_raw_tp_open(backends[k], "sys_enter", prog[k]);
		REQUIRE(link[k] >= 0, "%s: open: %s", backends[k]->name, kt_res(link[k]));
	}
	linkx = b_raw_tp_open(&be_kbpf, "sys_enter", progx);
	REQUIRE(linkx >= 0, "open (zero check): %s", kt_res(linkx));

	call_getppid(N_CALLS);

	for (k = 0; k < 2; k++)
		read_val(backends[k], map[k], v[k]);
	read_val(&be_kbpf, mx, vx);
	CHECK(v[0][0] == N_CALLS, "kbpf count %llu", (unsigned long long)v[0][0]);
	SAME_VAL("count", v[0][0], v[1][0]);
	SAME_VAL("args[0] (pt_regs *) non-zero", v[0][1], v[1][1]);
	CHECK(vx[0] == N_CALLS && vx[2] == 0, "zero check: count %llu, non-zero extras %llu",
	      (unsigned long long)vx[0], (unsigned long long)vx[2]);

	/* info, fdinfo, update, detach: as the kernel */
	for (k = 0; k < 2; k++) {
		memset(&info[k], 0, sizeof(info[k]));
		info[k].raw_tracepoint.tp_name = (__u64)(unsigned long)name[k];
		info[k].raw_tracepoint.tp_name_len = sizeof(name[k]);
		SAME_RES("info", link_info(backends[k], link[k], &info[k]), 0);
	}
	SAME_VAL("info type", info[0].type, info[1].type);
	SAME_VAL("info prog_id", info[0].prog_id == b_prog_id(&be_kbpf, prog[0]),
		 info[1].prog_id == b_prog_id(&be_kernel, prog[1]));
	CHECK(!strcmp(name[0], name[1]) && !strcmp(name[0], "sys_enter"), "tp_name '%s' '%s'",
	      name[0], name[1]);
	SAME_VAL("tp_name_len", info[0].raw_tracepoint.tp_name_len,
		 info[1].raw_tracepoint.tp_name_len);
	for (k = 0; k < 2; k++) {
		info[k].raw_tracepoint.tp_name_len = 4;
		info[k].raw_tracepoint.tp_name = (__u64)(unsigned long)name[k];
	}
	SAME_RES("info, short name buffer", link_info(&be_kbpf, link[0], &info[0]),
		 link_info(&be_kernel, link[1], &info[1]));
	CHECK(!strcmp(name[0], name[1]), "truncated '%s' '%s'", name[0], name[1]);
	CHECK(fdinfo_get(link[0], "link_type", val, sizeof(val)) &&
	      !strcmp(val, "raw_tracepoint"), "fdinfo link_type '%s'", val);
	CHECK(fdinfo_get(link[0], "tp_name", val, sizeof(val)) && !strcmp(val, "sys_enter"),
	      "fdinfo tp_name '%s'", val);
	SAME_RES("update", link_update(&be_kbpf, link[0], prog[0], 0, 0),
		 link_update(&be_kernel, link[1], prog[1], 0, 0));
	SAME_RES("detach", link_detach(&be_kbpf, link[0]), link_detach(&be_kernel, link[1]));
	SAME_RES("open unknown", b_raw_tp_open(&be_kbpf, "kbpf_no_such_tp", prog[0]),
		 b_raw_tp_open(&be_kernel, "kbpf_no_such_tp", prog[1]));
	SAME_RES("open NULL name", b_raw_tp_open(&be_kbpf, NULL, prog[0]),
		 b_raw_tp_open(&be_kernel, NULL, prog[1]));
	{
		struct bpf_insn r0[2] = { MOV64_IMM(BPF_REG_0, 0), EXIT_INSN() };
		int kp[2];

		for (k = 0; k < 2; k++) {
			kp[k] = load_ex(backends[k], KPROBE, r0, 2, 0);
			REQUIRE(kp[k] >= 0, "load kprobe");
		}
		SAME_RES("open with a kprobe prog", b_raw_tp_open(&be_kbpf, "sys_enter", kp[0]),
			 b_raw_tp_open(&be_kernel, "sys_enter", kp[1]));
		SAME_RES("open with a map fd", b_raw_tp_open(&be_kbpf, "sys_enter", map[0]),
			 b_raw_tp_open(&be_kernel, "sys_enter", map[1]));
	}

	/* close: no more runs */
	close(link[0]);
	close(linkx);
	call_getppid(5);
	read_val(&be_kbpf, map[0], v[1]);
	SAME_VAL("count after close", v[1][0], v[0][0]);
}

/* sched_process_fork (2 args) and sched_process_exec (3 args). */
void test_attach_raw_tp_sched(void)
{
	/* v[0] += 1; v[1] = args[1] (child / old_pid...); v[2] += extras != 0 */
	static const struct { const char *tp; int nargs; } tps[] = {
		{ "sched_process_fork", 2 }, { "sched_process_exec", 3 },
	};
	unsigned int t;

	for (t = 0; t < ARRAY_SIZE(tps); t++) {
		struct bpf_insn p[64];
		int map = val_map(&be_kbpf), n = 0, prog, l, j, i, status;
		__u64 v[3];
		pid_t child;

		p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_6, BPF_REG_1);
		p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_8, 0);
		for (j = tps[t].nargs; j < 12; j++) {
			p[n++] = (struct bpf_insn)LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_6, 8 * j);
			p[n++] = (struct bpf_insn)ALU64_REG(BPF_OR, BPF_REG_8, BPF_REG_1);
		}
		n = emit_lookup_key(p, n, map, 0);
		p[n++] = (struct bpf_insn)JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 7);
		p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_1, 1);
		p[n++] = (struct bpf_insn)ATOMIC_ADD64(BPF_REG_0, BPF_REG_1, 0);
		p[n++] = (struct bpf_insn)LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_6, 8);
		p[n++] = (struct bpf_insn)STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_2, 8);
		p[n++] = (struct bpf_insn)JMP_IMM(BPF_JEQ, BPF_REG_8, 0, 2);
		p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_1, 1);
		p[n++] = (struct bpf_insn)ATOMIC_ADD64(BPF_REG_0, BPF_REG_1, 16);
		p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_0, 0);
		p[n++] = (struct bpf_insn)EXIT_INSN();
		prog = load_ex(&be_kbpf, RAW_TP, p, n, 0);
		REQUIRE(prog >= 0, "load");
		l = b_raw_tp_open(&be_kbpf, tps[t].tp, prog);
		REQUIRE(l >= 0, "open %s: %s", tps[t].tp, kt_res(l));

		for (i = 0; i < 5; i++) {
			child = fork();
			if (!child) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(1);
			}
			REQUIRE(child > 0, "fork");
			waitpid(child, &status, 0);
			CHECK(WIFEXITED(status) && !WEXITSTATUS(status), "child status %#x",
			      status);
		}
		read_val(&be_kbpf, map, v);
		/* other processes may fork or exec too: at least ours */
		CHECK(v[0] >= 5, "%s: count %llu", tps[t].tp, (unsigned long long)v[0]);
		CHECK(v[2] == 0, "%s: %llu runs with non-zero args past %d", tps[t].tp,
		      (unsigned long long)v[2], tps[t].nargs);
		/* fork: args[1] is the child task; exec: args[1] is old_pid */
		if (t == 1)
			CHECK(v[1] == (__u64)child, "exec old_pid %llu, child %d",
			      (unsigned long long)v[1], child);
		else
			CHECK(v[1] != 0, "fork: child task pointer 0");
		close(l);
	}
}

/* ---- tracepoints -------------------------------------------------------- */

/*
 * v[0] += 1; v[1] = *(u32 *)(ctx + 8) (__syscall_nr); with tail, also
 * v[2] = *(u64 *)(ctx + 16), past the 12-byte record (6.1 refuses to attach
 * a program that reads past the record: -EACCES; kbpf gives zeros).
 * Returns 1: a kernel tracepoint program returning 0 would stop the
 * event from reaching perf, and so kbpf's counters.
 */
static int prog_tp_nr(struct bpf_insn *p, int map, bool tail)
{
	int n = 0;

	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_6, BPF_REG_1);
	n = emit_lookup_key(p, n, map, 0);
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JEQ, BPF_REG_0, 0, tail ? 6 : 4);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_1, 1);
	p[n++] = (struct bpf_insn)ATOMIC_ADD64(BPF_REG_0, BPF_REG_1, 0);
	p[n++] = (struct bpf_insn)LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_6, 8);
	p[n++] = (struct bpf_insn)STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 8);
	if (tail) {
		p[n++] = (struct bpf_insn)LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_6, 16);
		p[n++] = (struct bpf_insn)STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 16);
	}
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_0, 1);
	p[n++] = (struct bpf_insn)EXIT_INSN();
	return n;
}

void test_attach_tracepoint_syscall(void)
{
	struct bpf_insn p[2][32];
	int map[2], prog[2], n, k, l, l2;
	struct kbpf_link_info_event ev;
	struct bpf_link_info info;
	struct perf_set ps;
	__u64 v[2][3];
	bool have_oracle;

	for (k = 0; k < 2; k++) {
		map[k] = val_map(backends[k]);
		n = prog_tp_nr(p[k], map[k], k == 0);
		prog[k] = load_ex(backends[k], TRACEPOINT, p[k], n, 0);
		REQUIRE(prog[k] >= 0, "%s: load", backends[k]->name);
	}
	l = event_link("syscalls:sys_enter_getppid", 0, 0, prog[0]);
	REQUIRE(l >= 0, "event link: %s", kt_res(l));
	have_oracle = kernel_tracepoint(&ps, "syscalls/sys_enter_getppid", prog[1]);

	call_getppid(N_CALLS);

	for (k = 0; k < 2; k++)
		read_val(backends[k], map[k], v[k]);
	CHECK(v[0][0] == N_CALLS, "count %llu", (unsigned long long)v[0][0]);
	CHECK(v[0][1] == SYS_getppid, "__syscall_nr %llu", (unsigned long long)v[0][1]);
	/* the record is 12 bytes (16 with perf's padding): zero after it */
	CHECK(v[0][2] == 0, "bytes 16..23 %#llx", (unsigned long long)v[0][2]);
	if (have_oracle) {
		SAME_VAL("count", v[0][0], v[1][0]);
		SAME_VAL("__syscall_nr", v[0][1], v[1][1]);
	} else {
		kt_fail(__FILE__, __LINE__, "kernel tracepoint oracle unavailable");
	}
	perf_close(&ps);

	memset(&info, 0, sizeof(info));
	EXPECT_RES("info", link_info(&be_kbpf, l, &info), 0);
	CHECK(info.type == BPF_LINK_TYPE_PERF_EVENT, "type %u", info.type);
	memcpy(&ev, &info.raw_tracepoint, sizeof(ev));
	CHECK(ev.tp_id == (__u32)tp_id("syscalls/sys_enter_getppid") && ev.bpf_cookie == 42,
	      "tp_id %u cookie %llu", ev.tp_id, (unsigned long long)ev.bpf_cookie);
	close(l);

	/* by id, and a second link on the same event */
	l = event_link(NULL, tp_id("syscalls/sys_enter_getppid"), 0, prog[0]);
	REQUIRE(l >= 0, "by id: %s", kt_res(l));
	l2 = event_link("syscalls:sys_enter_getppid", tp_id("syscalls/sys_enter_getppid"), 0,
			prog[0]);
	REQUIRE(l2 >= 0, "name and id: %s", kt_res(l2));
	read_val(&be_kbpf, map[0], v[1]);
	call_getppid(N_CALLS);
	read_val(&be_kbpf, map[0], v[0]);
	CHECK(v[0][0] - v[1][0] == 2 * N_CALLS, "two links: %llu hits",
	      (unsigned long long)(v[0][0] - v[1][0]));
	close(l);
	close(l2);

	EXPECT_RES("unknown event", event_link("syscalls:kbpf_nope", 0, 0, prog[0]), EINVAL);
	EXPECT_RES("no category", event_link("sys_enter_getppid", 0, 0, prog[0]), EINVAL);
	EXPECT_RES("unknown id", event_link(NULL, 0x7fff0000, 0, prog[0]), ENOENT);
	EXPECT_RES("name and other id",
		   event_link("syscalls:sys_enter_getppid", tp_id("raw_syscalls/sys_enter"), 0,
			      prog[0]), EINVAL);
	EXPECT_RES("retprobe flag", event_link("syscalls:sys_enter_getppid", 0,
					       KBPF_EVENT_F_RETPROBE, prog[0]), EINVAL);
	{
		union bpf_attr a;

		memset(&a, 0, sizeof(a));
		a.link_create.prog_fd = prog[0];
		a.link_create.target_fd = KBPF_TARGET_EVENT;
		a.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
		EXPECT_RES("tracepoint prog, kprobe_multi", b_call(&be_kbpf, BPF_LINK_CREATE, &a),
			   EINVAL);
	}
}

/* raw_syscalls:sys_enter: id at 8, args[6] at 16 */
void test_attach_tracepoint_raw_syscalls(void)
{
	struct bpf_insn p[2][40];
	int map[2], prog[2], k, n, l;
	struct perf_set ps;
	__u64 v[2][3];
	bool have_oracle;

	for (k = 0; k < 2; k++) {
		map[k] = val_map(backends[k]);
		n = 0;
		/* if (id == getppid) count, v[1] = args[0] */
		p[k][n++] = (struct bpf_insn)MOV64_REG(BPF_REG_6, BPF_REG_1);
		p[k][n++] = (struct bpf_insn)LDX_MEM(BPF_DW, BPF_REG_7, BPF_REG_6, 8);
		p[k][n++] = (struct bpf_insn)JMP_IMM(BPF_JNE, BPF_REG_7, SYS_getppid, 11);
		p[k][n++] = (struct bpf_insn)ST_MEM(BPF_W, BPF_REG_10, -4, 0);
		p[k][n++] = (struct bpf_insn)MOV64_REG(BPF_REG_2, BPF_REG_10);
		p[k][n++] = (struct bpf_insn)ALU64_IMM(BPF_ADD, BPF_REG_2, -4);
		{
			struct bpf_insn ld[] = { LD_MAP_FD(BPF_REG_1, map[k]) };

			p[k][n++] = ld[0];
			p[k][n++] = ld[1];
		}
		p[k][n++] = (struct bpf_insn)CALL(BPF_FUNC_map_lookup_elem);
		p[k][n++] = (struct bpf_insn)JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 4);
		p[k][n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_1, 1);
		p[k][n++] = (struct bpf_insn)ATOMIC_ADD64(BPF_REG_0, BPF_REG_1, 0);
		p[k][n++] = (struct bpf_insn)LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_6, 16);
		p[k][n++] = (struct bpf_insn)STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 8);
		p[k][n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_0, 1);	/* see prog_tp_nr */
		p[k][n++] = (struct bpf_insn)EXIT_INSN();
		prog[k] = load_ex(backends[k], TRACEPOINT, p[k], n, 0);
		REQUIRE(prog[k] >= 0, "%s: load", backends[k]->name);
	}
	l = event_link("raw_syscalls:sys_enter", 0, 0, prog[0]);
	REQUIRE(l >= 0, "event link: %s", kt_res(l));
	have_oracle = kernel_tracepoint(&ps, "raw_syscalls/sys_enter", prog[1]);
	for (k = 0; k < N_CALLS; k++)
		syscall(SYS_getppid, 0x1234, 2, 3);
	for (k = 0; k < 2; k++)
		read_val(backends[k], map[k], v[k]);
	CHECK(v[0][0] == N_CALLS && v[0][1] == 0x1234, "count %llu args[0] %#llx",
	      (unsigned long long)v[0][0], (unsigned long long)v[0][1]);
	CHECK(have_oracle, "kernel tracepoint oracle unavailable");
	if (have_oracle) {
		SAME_VAL("count", v[0][0], v[1][0]);
		SAME_VAL("args[0]", v[0][1], v[1][1]);
	}
	perf_close(&ps);
	close(l);
}

/* sched:sched_process_fork: child_pid at 44 */
void test_attach_tracepoint_sched_fork(void)
{
	struct bpf_insn p[32];
	int map = val_map(&be_kbpf), n = 0, prog, l, status;
	pid_t child;
	__u64 v[3];

	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_6, BPF_REG_1);
	p[n++] = (struct bpf_insn)LDX_MEM(BPF_W, BPF_REG_7, BPF_REG_6, 24);	/* parent_pid */
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JNE, BPF_REG_7, getpid(), 11);
	n = emit_lookup_key(p, n, map, 0);
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 4);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_1, 1);
	p[n++] = (struct bpf_insn)ATOMIC_ADD64(BPF_REG_0, BPF_REG_1, 0);
	p[n++] = (struct bpf_insn)LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_6, 44);	/* child_pid */
	p[n++] = (struct bpf_insn)STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 8);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_0, 0);
	p[n++] = (struct bpf_insn)EXIT_INSN();
	prog = load_ex(&be_kbpf, TRACEPOINT, p, n, 0);
	REQUIRE(prog >= 0, "load");
	l = event_link("sched:sched_process_fork", 0, 0, prog);
	REQUIRE(l >= 0, "event link: %s", kt_res(l));
	child = fork();
	if (!child)
		_exit(0);
	REQUIRE(child > 0, "fork");
	waitpid(child, &status, 0);
	read_val(&be_kbpf, map, v);
	CHECK(v[0] == 1 && v[1] == (__u64)child, "count %llu child_pid %llu (fork gave %d)",
	      (unsigned long long)v[0], (unsigned long long)v[1], child);
	close(l);
}

/* ---- links: ids, GET_FD_BY_ID, close semantics --------------------------- */

void test_attach_link_ids(void)
{
	struct bpf_insn p[2] = { MOV64_IMM(BPF_REG_0, 0), EXIT_INSN() };
	struct bpf_link_info info;
	int prog, l, l2, r;
	union bpf_attr a;
	__u32 id;

	prog = load_ex(&be_kbpf, RAW_TP, p, 2, 0);
	REQUIRE(prog >= 0, "load");
	l = b_raw_tp_open(&be_kbpf, "sys_enter", prog);
	REQUIRE(l >= 0, "open: %s", kt_res(l));
	memset(&info, 0, sizeof(info));
	REQUIRE(link_info(&be_kbpf, l, &info) == 0, "info");
	id = info.id;
	CHECK(id > 0, "id 0");
	CHECK(b_has_id(&be_kbpf, BPF_LINK_GET_NEXT_ID, id), "id %u not listed", id);
	l2 = b_fd_by_id(&be_kbpf, BPF_LINK_GET_FD_BY_ID, id);
	CHECK(l2 >= 0, "GET_FD_BY_ID: %s", kt_res(l2));
	close(l);
	/* l2 still holds it */
	CHECK(b_has_id(&be_kbpf, BPF_LINK_GET_NEXT_ID, id), "id %u gone with a second fd", id);
	close(l2);
	CHECK(!b_has_id(&be_kbpf, BPF_LINK_GET_NEXT_ID, id), "id %u still listed", id);
	EXPECT_RES("GET_FD_BY_ID after close", b_fd_by_id(&be_kbpf, BPF_LINK_GET_FD_BY_ID, id),
		   ENOENT);
	EXPECT_RES("GET_FD_BY_ID 0", b_fd_by_id(&be_kbpf, BPF_LINK_GET_FD_BY_ID, 0), ENOENT);
	/* not a link */
	EXPECT_RES("update a prog fd", link_update(&be_kbpf, prog, prog, 0, 0), EINVAL);
	EXPECT_RES("detach a closed fd", link_detach(&be_kbpf, 999), EBADF);
	memset(&a, 0, sizeof(a));
	((char *)&a)[offsetofend(union bpf_attr, link_detach.link_fd)] = 1;
	r = b_call(&be_kbpf, BPF_LINK_DETACH, &a);
	EXPECT_RES("detach with non-zero tail", r, EINVAL);
	/* the program outlives its link: still loaded */
	CHECK(b_prog_id(&be_kbpf, prog) != 0, "prog gone");
}

/* ---- privilege ---------------------------------------------------------- */

static void nf_attr(union bpf_attr *a, int prog, __u32 pf, __u32 hook, __s32 prio,
		    __u32 flags);

void test_attach_priv(void)
{
	struct bpf_insn p[2] = { MOV64_IMM(BPF_REG_0, 0), EXIT_INSN() };
	struct bpf_insn nf[2] = { MOV64_IMM(BPF_REG_0, 1), EXIT_INSN() };
	int kp, kpe, nfp, r[2], k;
	union bpf_attr a;

	kbpf_dev();	/* opened while still root */
	kp = load_ex(&be_kbpf, KPROBE, p, 2, BPF_TRACE_KPROBE_MULTI);
	kpe = load_ex(&be_kbpf, KPROBE, p, 2, 0);
	nfp = load_ex(&be_kbpf, NETFILTER, nf, 2, ATTACH_NF);
	REQUIRE(kp >= 0 && kpe >= 0 && nfp >= 0, "load as root");

	/* Capabilities only go: widest set first. No CAP_SYS_ADMIN from here. */
	kt_set_caps(KT_CAP(BPF) | KT_CAP(PERFMON) | KT_CAP(NET_ADMIN));
	for (k = 0; k < 2; k++) {
		r[k] = load_ex(backends[k], KPROBE, p, 2, 0);
		if (r[k] >= 0)
			close(r[k]);
	}
	SAME_RES("kprobe load with CAP_PERFMON", r[0], r[1]);
	EXPECT_RES("kprobe load with CAP_PERFMON", r[0], 0);
	r[0] = load_ex(&be_kbpf, NETFILTER, nf, 2, ATTACH_NF);
	EXPECT_RES("netfilter load with CAP_NET_ADMIN", r[0], 0);

	/* CAP_BPF + CAP_PERFMON */
	kt_set_caps(KT_CAP(BPF) | KT_CAP(PERFMON));
	EXPECT_RES("netfilter load without CAP_NET_ADMIN",
		   load_ex(&be_kbpf, NETFILTER, nf, 2, ATTACH_NF), EPERM);
	nf_attr(&a, nfp, 2 /* NFPROTO_IPV4 */, 1, 0, 0);
	EXPECT_RES("netfilter link without CAP_NET_ADMIN", b_call(&be_kbpf, BPF_LINK_CREATE, &a),
		   EPERM);

	/* CAP_BPF only */
	kt_set_caps(KT_CAP(BPF));
	for (k = 0; k < 2; k++) {
		r[k] = load_ex(backends[k], KPROBE, p, 2, 0);
		if (r[k] >= 0)
			close(r[k]);
	}
	SAME_RES("kprobe load without CAP_PERFMON", r[0], r[1]);
	EXPECT_RES("kprobe load without CAP_PERFMON", r[0], EPERM);
	for (k = 0; k < 2; k++) {
		r[k] = load_ex(backends[k], RAW_TP, p, 2, 0);
		if (r[k] >= 0)
			close(r[k]);
	}
	SAME_RES("raw_tp load without CAP_PERFMON", r[0], r[1]);
	for (k = 0; k < 2; k++) {
		r[k] = load_ex(backends[k], TRACEPOINT, p, 2, 0);
		if (r[k] >= 0)
			close(r[k]);
	}
	SAME_RES("tracepoint load without CAP_PERFMON", r[0], r[1]);
	/* as 6.1: loading needed CAP_PERFMON, the link needs nothing more */
	r[0] = kprobe_multi("__x64_sys_getppid", 0, 0, 0, kp);
	EXPECT_RES("kprobe_multi link without CAP_PERFMON", r[0], 0);
	if (r[0] >= 0)
		close(r[0]);
	EXPECT_RES("raw_tp open of a kprobe prog", b_raw_tp_open(&be_kbpf, "sys_enter", kp),
		   EINVAL);
	/* kbpf opens the perf event itself: it asks what perf_event_open() would */
	EXPECT_RES("perf event link without CAP_PERFMON",
		   event_link("__x64_sys_getppid", 0, 0, kpe), EPERM);
}

/* ---- netfilter ---------------------------------------------------------- */

#define UDP_PORT	4242

void netns_lo_up(void)
{
	struct ifreq ifr;
	int s;

	REQUIRE(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s", strerror(errno));
	s = socket(AF_INET, SOCK_DGRAM, 0);
	REQUIRE(s >= 0, "socket");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	REQUIRE(ioctl(s, SIOCGIFFLAGS, &ifr) == 0, "SIOCGIFFLAGS");
	ifr.ifr_flags |= IFF_UP;
	REQUIRE(ioctl(s, SIOCSIFFLAGS, &ifr) == 0, "SIOCSIFFLAGS");
	close(s);
}

void udp_pair_open(struct udp_pair *u, int family, int port)
{
	int one = 1;

	memset(u, 0, sizeof(*u));
	u->family = family;
	u->rx = socket(family, SOCK_DGRAM, 0);
	u->tx = socket(family, SOCK_DGRAM, 0);
	REQUIRE(u->rx >= 0 && u->tx >= 0, "socket");
	setsockopt(u->rx, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&u->to;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		u->to_len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&u->to;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		a->sin6_addr = in6addr_loopback;
		u->to_len = sizeof(*a);
	}
	REQUIRE(bind(u->rx, (struct sockaddr *)&u->to, u->to_len) == 0, "bind: %s",
		strerror(errno));
}

/* Send one datagram; true if it arrived (within 300 ms). */
static bool udp_roundtrip(struct udp_pair *u, int port)
{
	struct pollfd pfd = { .fd = u->rx, .events = POLLIN };
	char buf[64];
	ssize_t r;

	if (u->family == AF_INET)
		((struct sockaddr_in *)&u->to)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&u->to)->sin6_port = htons(port);
	r = sendto(u->tx, "kbpf", 4, 0, (struct sockaddr *)&u->to, u->to_len);
	if (r != 4)
		return false;
	if (poll(&pfd, 1, 300) != 1)
		return false;
	r = recv(u->rx, buf, sizeof(buf), 0);
	return r == 4 && !memcmp(buf, "kbpf", 4);
}

static void nf_attr(union bpf_attr *a, int prog, __u32 pf, __u32 hook, __s32 prio,
		    __u32 flags)
{
	struct kbpf_link_create_netfilter nf = { pf, hook, prio, flags };

	memset(a, 0, sizeof(*a));
	a->link_create.prog_fd = prog;
	a->link_create.attach_type = ATTACH_NF;
	memcpy(&a->link_create.kprobe_multi, &nf, sizeof(nf));
}

int nf_link(int prog, __u32 pf, __u32 hook, __s32 prio)
{
	union bpf_attr a;

	nf_attr(&a, prog, pf, hook, prio, 0);
	return b_call(&be_kbpf, BPF_LINK_CREATE, &a);
}

static int nf_ret(int v)
{
	struct bpf_insn p[2] = { MOV64_IMM(BPF_REG_0, v), EXIT_INSN() };
	int fd = load_ex(&be_kbpf, NETFILTER, p, 2, ATTACH_NF);

	REQUIRE(fd >= 0, "load netfilter r0=%d: %s", v, kt_res(fd));
	return fd;
}

/*
 * Drop UDP to port (IPv4 with a 20-byte header, or IPv6 without
 * extension headers), through data / data_end; accept the rest.
 */
static int nf_drop_port(int family, int port)
{
	int hl = family == AF_INET ? 20 : 40, proto_off = family == AF_INET ? 9 : 6;
	struct bpf_insn p[] = {
		LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 0),
		LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, 8),
		MOV64_REG(BPF_REG_4, BPF_REG_2),
		ALU64_IMM(BPF_ADD, BPF_REG_4, hl + 4),
		JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 6),
		LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_2, proto_off),
		JMP_IMM(BPF_JNE, BPF_REG_5, 17, 4),
		LDX_MEM(BPF_H, BPF_REG_5, BPF_REG_2, hl + 2),
		JMP_IMM(BPF_JNE, BPF_REG_5, htons(port), 2),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT_INSN(),
		MOV64_IMM(BPF_REG_0, 1),
		EXIT_INSN(),
	};

	return load_ex(&be_kbpf, NETFILTER, p, ARRAY_SIZE(p), ATTACH_NF);
}

static void nf_basic(int family)
{
	__u32 pf = family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;
	struct kbpf_link_info_netfilter nfi;
	struct bpf_link_info info;
	struct udp_pair u;
	int drop, accept, l, dp, other;
	char val[128];

	netns_lo_up();
	udp_pair_open(&u, family, UDP_PORT);
	CHECK(udp_roundtrip(&u, UDP_PORT), "no link: packet lost");

	drop = nf_ret(0);
	accept = nf_ret(1);
	l = nf_link(drop, pf, HOOK_LOCAL_IN, 0);
	REQUIRE(l >= 0, "link: %s", kt_res(l));
	CHECK(!udp_roundtrip(&u, UDP_PORT), "drop-all: packet arrived");

	memset(&info, 0, sizeof(info));
	EXPECT_RES("info", link_info(&be_kbpf, l, &info), 0);
	CHECK(info.type == LINK_NF && info.prog_id == b_prog_id(&be_kbpf, drop), "type %u id %u",
	      info.type, info.prog_id);
	memcpy(&nfi, &info.raw_tracepoint, sizeof(nfi));
	CHECK(nfi.pf == pf && nfi.hooknum == HOOK_LOCAL_IN && nfi.priority == 0 && !nfi.flags,
	      "info pf %u hooknum %u prio %d", nfi.pf, nfi.hooknum, nfi.priority);
	CHECK(fdinfo_get(l, "link_type", val, sizeof(val)) && !strcmp(val, "netfilter"),
	      "fdinfo link_type '%s'", val);

	/* LINK_UPDATE: REPLACE with the wrong old program, then right */
	EXPECT_RES("update, wrong old", link_update(&be_kbpf, l, accept, accept, BPF_F_REPLACE),
		   EPERM);
	EXPECT_RES("update, old without REPLACE", link_update(&be_kbpf, l, accept, drop, 0),
		   EINVAL);
	EXPECT_RES("update, bad flags", link_update(&be_kbpf, l, accept, 0, 4), EINVAL);
	{
		struct bpf_insn r0[2] = { MOV64_IMM(BPF_REG_0, 0), EXIT_INSN() };
		int rt = load_ex(&be_kbpf, RAW_TP, r0, 2, 0);

		EXPECT_RES("update, other prog type", link_update(&be_kbpf, l, rt, 0, 0), EINVAL);
		close(rt);
	}
	CHECK(!udp_roundtrip(&u, UDP_PORT), "after failed updates: packet arrived");
	EXPECT_RES("update", link_update(&be_kbpf, l, accept, drop, BPF_F_REPLACE), 0);
	CHECK(udp_roundtrip(&u, UDP_PORT), "accept-all: packet lost");
	memset(&info, 0, sizeof(info));
	link_info(&be_kbpf, l, &info);
	CHECK(info.prog_id == b_prog_id(&be_kbpf, accept), "prog_id after update");

	/* back to drop, then LINK_DETACH: packets flow, the fd stays */
	EXPECT_RES("update to drop", link_update(&be_kbpf, l, drop, 0, 0), 0);
	CHECK(!udp_roundtrip(&u, UDP_PORT), "drop again: packet arrived");
	EXPECT_RES("detach", link_detach(&be_kbpf, l), 0);
	CHECK(udp_roundtrip(&u, UDP_PORT), "detached: packet lost");
	EXPECT_RES("update after detach", link_update(&be_kbpf, l, accept, 0, 0), ENOLINK);
	EXPECT_RES("detach twice", link_detach(&be_kbpf, l), 0);
	close(l);

	/* closing the last fd detaches */
	l = nf_link(drop, pf, HOOK_LOCAL_OUT, 10);
	REQUIRE(l >= 0, "LOCAL_OUT link: %s", kt_res(l));
	CHECK(!udp_roundtrip(&u, UDP_PORT), "LOCAL_OUT drop: packet arrived");
	close(l);
	CHECK(udp_roundtrip(&u, UDP_PORT), "closed: packet lost");

	/* a program that reads the packet: drop UDP to one port only */
	dp = nf_drop_port(family, UDP_PORT);
	if (dp < 0) {
		kt_info("packet-reading netfilter program not accepted yet (%s): skipped",
			kt_res(dp));
		return;
	}
	l = nf_link(dp, pf, HOOK_LOCAL_IN, 0);
	REQUIRE(l >= 0, "link: %s", kt_res(l));
	CHECK(!udp_roundtrip(&u, UDP_PORT), "port filter: packet to %d arrived", UDP_PORT);
	{
		struct udp_pair u2;

		udp_pair_open(&u2, family, UDP_PORT + 1);
		CHECK(udp_roundtrip(&u2, UDP_PORT + 1), "port filter: packet to %d lost",
		      UDP_PORT + 1);
		close(u2.rx);
		close(u2.tx);
	}
	other = nf_ret(1);
	EXPECT_RES("update to accept-all", link_update(&be_kbpf, l, other, 0, 0), 0);
	CHECK(udp_roundtrip(&u, UDP_PORT), "accept-all: packet lost");
	close(l);
}

void test_attach_netfilter_ipv4(void)
{
	nf_basic(AF_INET);
}

void test_attach_netfilter_ipv6(void)
{
	nf_basic(AF_INET6);
}

/*
 * v = lookup(map, 0); seq = ++v[0]; w = lookup(map, key); if (!w[0]) w[0] = seq;
 * return 1. Records the order in which programs ran on the first packet.
 */
static int nf_order_prog(int map, int key)
{
	struct bpf_insn p[] = {
		ST_MEM(BPF_W, BPF_REG_10, -4, 0),
		MOV64_REG(BPF_REG_2, BPF_REG_10),
		ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		LD_MAP_FD(BPF_REG_1, map),
		CALL(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 13),
		LDX_MEM(BPF_DW, BPF_REG_6, BPF_REG_0, 0),
		ALU64_IMM(BPF_ADD, BPF_REG_6, 1),
		STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_6, 0),
		ST_MEM(BPF_W, BPF_REG_10, -4, key),
		MOV64_REG(BPF_REG_2, BPF_REG_10),
		ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		LD_MAP_FD(BPF_REG_1, map),
		CALL(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),
		LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
		JMP_IMM(BPF_JNE, BPF_REG_1, 0, 1),
		STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_6, 0),
		MOV64_IMM(BPF_REG_0, 1),
		EXIT_INSN(),
	};
	int fd = load_ex(&be_kbpf, NETFILTER, p, ARRAY_SIZE(p), ATTACH_NF);

	REQUIRE(fd >= 0, "load order prog: %s", kt_res(fd));
	return fd;
}

void test_attach_netfilter_priority(void)
{
	int map, pa, pb, pc, la, lb, lc, drop, ld;
	__u64 seq[4];
	struct udp_pair u;
	__u32 k;

	netns_lo_up();
	udp_pair_open(&u, AF_INET, UDP_PORT);
	map = b_map_create(&be_kbpf, BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, "order");
	REQUIRE(map >= 0, "map");
	pa = nf_order_prog(map, 1);
	pb = nf_order_prog(map, 2);
	pc = nf_order_prog(map, 3);
	/* attached out of order: B (prio 100), A (-100), C (0) */
	lb = nf_link(pb, NFPROTO_IPV4, HOOK_LOCAL_IN, 100);
	la = nf_link(pa, NFPROTO_IPV4, HOOK_LOCAL_IN, -100);
	lc = nf_link(pc, NFPROTO_IPV4, HOOK_LOCAL_IN, 0);
	REQUIRE(la >= 0 && lb >= 0 && lc >= 0, "links");
	CHECK(udp_roundtrip(&u, UDP_PORT), "three accepting programs: packet lost");
	for (k = 0; k < 4; k++)
		b_map_lookup(&be_kbpf, map, &k, &seq[k]);
	CHECK(seq[0] == 3 && seq[1] == 1 && seq[3] == 2 && seq[2] == 3,
	      "order: runs %llu, A %llu, C %llu, B %llu (expected 3: 1, 2, 3)",
	      (unsigned long long)seq[0], (unsigned long long)seq[1],
	      (unsigned long long)seq[3], (unsigned long long)seq[2]);

	/* a drop at priority 50 stops B (100) from seeing the packet */
	for (k = 0; k < 4; k++) {
		__u64 z = 0;

		b_map_update(&be_kbpf, map, &k, &z, BPF_ANY);
	}
	drop = nf_ret(0);
	ld = nf_link(drop, NFPROTO_IPV4, HOOK_LOCAL_IN, 50);
	REQUIRE(ld >= 0, "drop link");
	CHECK(!udp_roundtrip(&u, UDP_PORT), "drop at 50: packet arrived");
	for (k = 0; k < 4; k++)
		b_map_lookup(&be_kbpf, map, &k, &seq[k]);
	CHECK(seq[0] == 2 && seq[1] == 1 && seq[3] == 2 && seq[2] == 0,
	      "with drop: runs %llu, A %llu, C %llu, B %llu", (unsigned long long)seq[0],
	      (unsigned long long)seq[1], (unsigned long long)seq[3], (unsigned long long)seq[2]);
	close(ld);
	CHECK(udp_roundtrip(&u, UDP_PORT), "drop closed: packet lost");
	close(la);
	close(lb);
	close(lc);
}

void test_attach_netfilter_errors(void)
{
	int p = nf_ret(1), l;
	union bpf_attr a;
	__u32 h;

	netns_lo_up();
	EXPECT_RES("pf 7", nf_link(p, 7, 1, 0), EAFNOSUPPORT);
	EXPECT_RES("hook 5", nf_link(p, NFPROTO_IPV4, 5, 0), EPROTO);
	EXPECT_RES("prio INT_MIN", nf_link(p, NFPROTO_IPV4, 1, (__s32)0x80000000), ERANGE);
	EXPECT_RES("prio INT_MAX", nf_link(p, NFPROTO_IPV6, 1, 0x7fffffff), ERANGE);
	nf_attr(&a, p, NFPROTO_IPV4, 1, 0, 1);
	EXPECT_RES("nf flags", b_call(&be_kbpf, BPF_LINK_CREATE, &a), EOPNOTSUPP);
	nf_attr(&a, p, NFPROTO_IPV4, 1, 0, 0);
	a.link_create.flags = 1;
	EXPECT_RES("link flags", b_call(&be_kbpf, BPF_LINK_CREATE, &a), EINVAL);
	a.link_create.flags = 0;
	a.link_create.attach_type = BPF_PERF_EVENT;
	EXPECT_RES("wrong attach type", b_call(&be_kbpf, BPF_LINK_CREATE, &a), EINVAL);
	/* every hook, both families */
	for (h = 0; h < 5; h++) {
		l = nf_link(p, NFPROTO_IPV4, h, 0);
		EXPECT_RES("ipv4 hook", l, 0);
		if (l >= 0)
			close(l);
		l = nf_link(p, NFPROTO_IPV6, h, 0);
		EXPECT_RES("ipv6 hook", l, 0);
		if (l >= 0)
			close(l);
	}
}

/* ---- teardown under load ----------------------------------------------- */

/*
 * Links of every kind created and closed while another process keeps
 * hitting the events (and the programs' own fds are already closed, so
 * each link holds the last program reference): teardown must wait for
 * runs in flight (the VM panics on any WARN or oops).
 */
enum { CHURN_KPROBE = 1, CHURN_RAW_TP = 2, CHURN_TP = 4 };

static void churn(unsigned int kinds, int rounds)
{
	unsigned long long addr = ksym_addr("__x64_sys_getppid");
	struct bpf_insn c[16], t[64];
	int map = val_map(&be_kbpf), i, status, n, anchor[5], prog;
	pid_t busy;
	__u64 v[3];

	/*
	 * Anchors, attached before the load starts and kept to the end: on
	 * the reference kernel under TCG, patching code (static keys, static
	 * calls, ftrace sites) while another vCPU runs it can hang or crash
	 * the guest, with the kernel's own perf kprobes and tracepoints too,
	 * without kbpf. With an anchor on each event, the churned links only
	 * join and leave already-patched attachments.
	 */
	n = prog_count_store(c, map, -1);
	prog = load_ex(&be_kbpf, KPROBE, c, n, 0);
	REQUIRE(prog >= 0, "load anchor");
	anchor[0] = event_link("__x64_sys_getppid+5", 0, 0, prog);
	close(prog);
	n = prog_raw_sys_enter(t, map, SYS_getppid, 0);
	prog = load_ex(&be_kbpf, RAW_TP, t, n, 0);
	REQUIRE(prog >= 0, "load anchor");
	anchor[1] = b_raw_tp_open(&be_kbpf, "sys_enter", prog);
	anchor[2] = b_raw_tp_open(&be_kbpf, "sys_enter", prog);
	close(prog);
	n = prog_tp_nr(t, map, false);
	prog = load_ex(&be_kbpf, TRACEPOINT, t, n, 0);
	REQUIRE(prog >= 0, "load anchor");
	anchor[3] = event_link("syscalls:sys_enter_getppid", 0, 0, prog);
	anchor[4] = event_link("raw_syscalls:sys_exit", 0, 0, prog);
	close(prog);
	for (i = 0; i < 5; i++)
		REQUIRE(anchor[i] >= 0, "anchor %d: %s", i, kt_res(anchor[i]));

	busy = fork();
	REQUIRE(busy >= 0, "fork");
	if (!busy) {
		for (;;) {
			syscall(SYS_getppid);
			if (!(random() & 255))
				usleep(100);
		}
	}
	for (i = 0; i < rounds; i++) {
		int kp, km, rt, tp, l[5] = { -1, -1, -1, -1, -1 }, j;

		n = prog_count_store(c, map, REGS_IP);
		kp = load_ex(&be_kbpf, KPROBE, c, n, 0);
		km = load_ex(&be_kbpf, KPROBE, c, n, BPF_TRACE_KPROBE_MULTI);
		n = prog_raw_sys_enter(t, map, SYS_getppid, 0);
		rt = load_ex(&be_kbpf, RAW_TP, t, n, 0);
		n = prog_tp_nr(t, map, true);
		tp = load_ex(&be_kbpf, TRACEPOINT, t, n, 0);
		REQUIRE(kp >= 0 && km >= 0 && rt >= 0 && tp >= 0, "loads");
		if (kinds & CHURN_KPROBE) {
			/*
			 * Past the entry (+5, after the fentry call): int3 kprobes.
			 * On the reference kernel under TCG, (un)registering an
			 * ftrace-based kprobe (function entry, so also every
			 * kretprobe) while another CPU runs the function can
			 * crash the guest: the kernel's own perf kprobes do it
			 * too, without kbpf loaded.
			 */
			l[0] = event_link("__x64_sys_getppid+5", 0, 0, kp);
			l[1] = kprobe_multi(NULL, addr + 5, 0, 0, km);
		}
		if (kinds & CHURN_RAW_TP)
			l[2] = b_raw_tp_open(&be_kbpf, "sys_enter", rt);
		if (kinds & CHURN_TP) {
			l[3] = event_link("syscalls:sys_enter_getppid", 0, 0, tp);
			l[4] = event_link("raw_syscalls:sys_exit", 0, 0, tp);
		}
		close(kp);
		close(km);
		close(rt);
		close(tp);
		for (j = 0; j < 5; j++)
			CHECK(l[j] >= 0 || !(kinds & (j < 2 ? CHURN_KPROBE : j < 3 ? CHURN_RAW_TP :
						      CHURN_TP)),
			      "round %d link %d: %s", i, j, kt_res(l[j]));
		usleep(20000);
		for (j = 0; j < 5; j++)
			if (l[j] >= 0)
				close(l[j]);
	}
	kill(busy, SIGKILL);
	waitpid(busy, &status, 0);
	for (i = 0; i < 5; i++)
		close(anchor[i]);
	read_val(&be_kbpf, map, v);
	CHECK(v[0] > 0, "no program ran");
}

void test_attach_churn_kprobe(void)
{
	churn(CHURN_KPROBE, 20);
}

void test_attach_churn_raw_tp(void)
{
	churn(CHURN_RAW_TP, 20);
}

void test_attach_churn_tracepoint(void)
{
	churn(CHURN_TP, 20);
}

void test_attach_churn(void)
{
	churn(CHURN_KPROBE | CHURN_RAW_TP | CHURN_TP, 12);
}


/* Netfilter links created, updated, detached and closed under traffic. */
void test_attach_netfilter_churn(void)
{
	int drop, accept, i, status, anchor[5];
	struct udp_pair u;
	pid_t busy;

	netns_lo_up();
	udp_pair_open(&u, AF_INET, UDP_PORT);
	drop = nf_ret(0);
	accept = nf_ret(1);
	/*
	 * Anchors: an accepting link on each IPv4 hook, held until the traffic
	 * stops. The first hook on a (pf, hook) flips the nf_hooks_needed
	 * static key, which patches ip_rcv and friends; under TCG, patching
	 * while the other vCPU runs that code can leave it spinning on the
	 * patched site forever (see churn()). With the anchors the churned
	 * links never flip a key.
	 */
	for (i = 0; i < 5; i++) {
		anchor[i] = nf_link(accept, NFPROTO_IPV4, i, 100);
		REQUIRE(anchor[i] >= 0, "anchor %d: %s", i, kt_res(anchor[i]));
	}
	busy = fork();
	REQUIRE(busy >= 0, "fork");
	if (!busy) {
		for (;;) {
			sendto(u.tx, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&u.to, u.to_len);
			while (recv(u.rx, &status, sizeof(status), MSG_DONTWAIT) > 0)
				;
		}
	}
	for (i = 0; i < 30; i++) {
		int l = nf_link(i & 1 ? accept : drop, NFPROTO_IPV4, i % 5, i - 15);
		int j;

		CHECK(l >= 0, "round %d: %s", i, kt_res(l));
		if (l < 0)
			continue;
		for (j = 0; j < 10; j++)
			CHECK(link_update(&be_kbpf, l, j & 1 ? drop : accept, 0, 0) == 0, "update");
		if (i & 2)
			CHECK(link_detach(&be_kbpf, l) == 0, "detach");
		usleep(5000);
		close(l);
	}
	kill(busy, SIGKILL);
	waitpid(busy, &status, 0);
	for (i = 0; i < 5; i++)
		close(anchor[i]);
	while (recv(u.rx, &status, sizeof(status), MSG_DONTWAIT) > 0)
		;
	CHECK(udp_roundtrip(&u, UDP_PORT), "after the churn: packet lost");
}
