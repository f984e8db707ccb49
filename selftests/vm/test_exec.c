// SPDX-License-Identifier: GPL-2.0
/*
 * Execution against the oracle: the same programs run through kbpf and the
 * guest kernel with BPF_PROG_TEST_RUN, and every observable result must agree.
 *
 *   exec_isa_vectors_*      the hand-worked ISA vectors (selftests/unit/
 *                           isa_vectors.c): retval == expected (u32) on both
 *                           sides, and kbpf == kernel
 *   exec_random_programs_*  seeded kt_progen programs (selftests/unit/
 *                           progen.c): retval, ctx_out cb[0..4] and the final
 *                           ARRAY map contents must match the kernel's
 *
 * Each runs with kbpf's JIT (jit_enable=1, jit_harden=0), its interpreter
 * (jit_enable=0) and the JIT with constant blinding (jit_enable=1,
 * jit_harden=2), set through /sys/module/kbpf/parameters/ and restored
 * afterwards. jited_prog_len from OBJ_GET_INFO_BY_FD tells whether the JIT
 * really ran (> 0) or not (0).
 *
 * Known divergence: with its JIT on, the 6.1 kernel calls the map's own
 * int-returning map_update_elem/map_delete_elem directly, so a negative errno
 * reaches the program zero-extended (-E2BIG as 0x00000000fffffff9); kbpf
 * returns it sign-extended, as the helpers' `long` prototype says. Programs
 * that use the upper half of such a result differ (seed 279 among 1..300).
 *
 * Environment (random programs): KBPF_EXEC_N (default 300) programs, seeds
 * from KBPF_EXEC_SEED (default 1), e.g.
 *   make vm CMD='KBPF_EXEC_N=5000 /tests/kbpf_test -t exec_random_programs_jit'
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include "kbpf_test.h"
#include "vectors.h"
#include "progen.h"
/* harness.h (native unit tests) defines kt_fail as a macro; use kbpf_test.h's. */
#undef kt_fail

#define SF		BPF_PROG_TYPE_SOCKET_FILTER
#define PARAM_DIR	"/sys/module/kbpf/parameters/"
#define LOG_SIZE	(1 << 20)
#define MAX_REPORTS	20	/* mismatch lines printed per test */

struct exec_mode {
	const char *name;
	int jit_enable;
	int jit_harden;
};

static const struct exec_mode mode_jit = { "jit", 1, 0 };
static const struct exec_mode mode_interp = { "interp", 0, 0 };
static const struct exec_mode mode_blinded = { "blinded", 1, 2 };

/* ---- module parameters ---------------------------------------------------- */

/* Read PARAM_DIR name into buf (newline stripped); 0 or -errno. */
static int param_read(const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int param_write(const char *name, const char *val)
{
	char path[128];
	size_t len = strlen(val);
	int fd, r = 0;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, len) != (ssize_t)len)
		r = -errno;
	close(fd);
	return r;
}

/* "1", "Y", "y" -> 1; "0", "N", "n" -> 0; a number -> itself; else -1. */
static int param_value(const char *s)
{
	if (!strcmp(s, "Y") || !strcmp(s, "y"))
		return 1;
	if (!strcmp(s, "N") || !strcmp(s, "n"))
		return 0;
	if (*s >= '0' && *s <= '9')
		return atoi(s);
	return -1;
}

/* Set a parameter and read it back; failures are test failures. */
static bool param_set(const char *name, int val)
{
	char buf[32];
	int r;

	snprintf(buf, sizeof(buf), "%d", val);
	r = param_write(name, buf);
	if (r) {
		kt_fail(__FILE__, __LINE__, "write %d to " PARAM_DIR "%s: %s", val, name,
			kt_res(r));
		return false;
	}
	r = param_read(name, buf, sizeof(buf));
	if (r || param_value(buf) != val) {
		kt_fail(__FILE__, __LINE__, PARAM_DIR "%s reads back '%s' (%s) after writing %d",
			name, r ? "" : buf, kt_res(r), val);
		return false;
	}
	return true;
}

/*
 * Run body under mode m: save jit_enable and jit_harden, set them, run body
 * in a worker process, then restore both whatever happened to the worker
 * (crash, kt_fatal, timeout). A missing parameter is a failure, never a skip.
 */
static void run_in_mode(const struct exec_mode *m, void (*body)(const struct exec_mode *))
{
	static const char *const names[2] = { "jit_enable", "jit_harden" };
	char saved[2][32];
	int i, r, status;
	pid_t pid;

	for (i = 0; i < 2; i++) {
		r = param_read(names[i], saved[i], sizeof(saved[i]));
		REQUIRE(r == 0, "kbpf module parameter " PARAM_DIR "%s: %s (kbpf must expose "
			"jit_enable and jit_harden to run this test in %s mode)",
			names[i], kt_res(r), m->name);
	}
	kt_info("mode %s: jit_enable=%d jit_harden=%d (were %s, %s)", m->name, m->jit_enable,
		m->jit_harden, saved[0], saved[1]);
	if (!param_set("jit_enable", m->jit_enable) || !param_set("jit_harden", m->jit_harden))
		goto restore;

	pid = fork();
	if (pid < 0) {
		kt_fail(__FILE__, __LINE__, "fork: %s", strerror(errno));
		goto restore;
	}
	if (pid == 0) {
		alarm(270);	/* before the runner's 300 s: the parent restores */
		body(m);
		kbpf_dev_close();
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status))
		kt_fail(__FILE__, __LINE__, "worker killed by signal %d (%s)", WTERMSIG(status),
			strsignal(WTERMSIG(status)));
restore:
	for (i = 0; i < 2; i++) {
		r = param_write(names[i], saved[i]);
		CHECK(r == 0, "restore " PARAM_DIR "%s to '%s': %s", names[i], saved[i],
		      kt_res(r));
	}
}

/* ---- shared helpers ------------------------------------------------------- */

/* PROG_LOAD as SOCKET_FILTER, GPL, optional log at log_level. */
static int load(const struct backend *b, const struct bpf_insn *insns, __u32 cnt,
		char *log, __u32 log_size, __u32 level)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = SF;
	a.insns = (__u64)(unsigned long)insns;
	a.insn_cnt = cnt;
	a.license = (__u64)(unsigned long)"GPL";
	if (log) {
		log[0] = 0;
		a.log_buf = (__u64)(unsigned long)log;
		a.log_size = log_size;
		a.log_level = level;
	}
	return b_call(b, BPF_PROG_LOAD, &a);
}

/* Load again with a log (stats level first: the error without the walk). */
static const char *log_tail(const struct backend *b, const struct bpf_insn *insns, __u32 cnt)
{
	static char log[LOG_SIZE];
	static char out[2][480];
	static int which;
	char *o = out[which++ & 1];
	size_t len, i;
	const char *p;
	int fd;

	fd = load(b, insns, cnt, log, LOG_SIZE, 4);
	if (fd >= 0) {
		close(fd);
		return "(accepted on reload)";
	}
	if (!log[0]) {
		fd = load(b, insns, cnt, log, LOG_SIZE, 1);
		if (fd >= 0)
			close(fd);
	}
	len = strlen(log);
	while (len && log[len - 1] == '\n')
		log[--len] = 0;
	p = len > sizeof(out[0]) - 1 ? log + len - (sizeof(out[0]) - 1) : log;
	snprintf(o, sizeof(out[0]), "%s", *p ? p : "(empty log)");
	for (i = 0; o[i]; i++)
		if (o[i] == '\n')
			o[i] = '|';
	return o;
}

/* kbpf's jited_prog_len for fd (-1 if OBJ_GET_INFO_BY_FD fails). */
static long jited_len(int fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int r;

	memset(&info, 0, sizeof(info));
	r = b_obj_info(&be_kbpf, fd, &info, &len);
	if (r) {
		kt_info("OBJ_GET_INFO_BY_FD(kbpf prog fd %d): %s", fd, kt_res(r));
		return -1;
	}
	return info.jited_prog_len;
}

/* Does kbpf's jited_prog_len fit the mode? Counts the programs that do not. */
struct jit_check {
	int bad;
	char first[96];
	long first_len;
	unsigned long long total;	/* sum of jited_prog_len */
};

static void jit_check(struct jit_check *jc, const struct exec_mode *m, int fd, const char *what)
{
	long len;

	if (kt_kernel_as_kbpf)	/* -k: "kbpf" is the kernel and its own JIT */
		return;
	len = jited_len(fd);
	if (len > 0)
		jc->total += len;
	if (m->jit_enable ? len > 0 : len == 0)
		return;
	if (!jc->bad++) {
		snprintf(jc->first, sizeof(jc->first), "%s", what);
		jc->first_len = len;
	}
}

static void jit_report(const struct jit_check *jc, const struct exec_mode *m, int progs)
{
	if (kt_kernel_as_kbpf) {
		kt_info("-k: jited_prog_len not checked (the kernel is both sides)");
		return;
	}
	CHECK(!jc->bad, "jit_enable=%d: %d of %d kbpf programs report jited_prog_len %s "
	      "(first: %s, jited_prog_len %ld)", m->jit_enable, jc->bad, progs,
	      m->jit_enable ? "== 0: the JIT did not run" : "> 0: not interpreted",
	      jc->first, jc->first_len);
	if (!jc->bad && progs)
		kt_info("%d kbpf programs %s (jited_prog_len total %llu)", progs,
			m->jit_enable ? "JIT-compiled" : "interpreted", jc->total);
}

/* ---- ISA vectors ------------------------------------------------------------ */

/* Sum of kbpf's jited_prog_len over every vector under the current params. */
static unsigned long long vectors_jited_total(void)
{
	unsigned long long total = 0;
	size_t i;

	for (i = 0; i < kt_vecs_cnt; i++) {
		int fd = load(&be_kbpf, kt_vecs[i].insns, kt_vec_len(&kt_vecs[i]), NULL, 0, 0);

		if (fd < 0)
			continue;
		if (jited_len(fd) > 0)
			total += jited_len(fd);
		close(fd);
	}
	return total;
}

static void isa_vectors_body(const struct exec_mode *m)
{
	static const unsigned char bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned long long plain_total = 0;
	struct jit_check jc = { 0 };
	unsigned char pkt[64];
	int mism = 0, ran = 0, loaded = 0;
	size_t i;
	int k;

	if (m->jit_harden && !kt_kernel_as_kbpf) {
		/* Blinding must show: the same code JIT-compiled grows. */
		if (!param_set("jit_harden", 0))
			return;
		plain_total = vectors_jited_total();
		if (!param_set("jit_harden", m->jit_harden))
			return;
	}
	make_packet(pkt, sizeof(pkt), bcast, 0x0800);
	for (i = 0; i < kt_vecs_cnt; i++) {
		const struct kt_vec *v = &kt_vecs[i];
		__u32 n = kt_vec_len(v), exp = (__u32)v->expect, ret[2] = { 0, 0 };
		int fd[2], r[2];

		for (k = 0; k < 2; k++) {
			fd[k] = load(backends[k], v->insns, n, NULL, 0, 0);
			if (fd[k] < 0)
				kt_fail(__FILE__, __LINE__, "vector %s: %s rejects it (%s): %s",
					v->name, backends[k]->name, kt_res(fd[k]),
					log_tail(backends[k], v->insns, n));
		}
		if (fd[0] < 0 || fd[1] < 0)
			goto next;
		loaded++;
		jit_check(&jc, m, fd[0], v->name);
		for (k = 0; k < 2; k++) {
			struct run_opts o = { .data = pkt, .data_size = sizeof(pkt), .repeat = 1 };

			r[k] = b_test_run(backends[k], fd[k], &o);
			ret[k] = o.retval;
		}
		if (r[0] || r[1]) {
			kt_fail(__FILE__, __LINE__, "vector %s: TEST_RUN kbpf %s, kernel %s",
				v->name, kt_res(r[0]), kt_res(r[1]));
			goto next;
		}
		ran++;
		if (ret[0] != exp || ret[1] != exp) {
			mism++;
			kt_fail(__FILE__, __LINE__, "vector %s: retval kbpf %#x, kernel %#x, "
				"expected %#x (r0 %#llx)%s", v->name, ret[0], ret[1], exp,
				(unsigned long long)v->expect,
				ret[0] != ret[1] ? " [kbpf != kernel]" : "");
		}
next:
		for (k = 0; k < 2; k++)
			if (fd[k] >= 0)
				close(fd[k]);
	}
	kt_info("%zu vectors, %d run on both, %d retval mismatches", kt_vecs_cnt, ran, mism);
	jit_report(&jc, m, loaded);
	if (m->jit_harden && !kt_kernel_as_kbpf) {
		kt_info("jited_prog_len total: %llu plain, %llu blinded", plain_total, jc.total);
		CHECK(jc.total > plain_total, "jit_harden=%d: JIT images not larger than with "
		      "jit_harden=0 (%llu vs %llu bytes): constants not blinded?", m->jit_harden,
		      jc.total, plain_total);
	}
}

void test_exec_isa_vectors_jit(void)
{
	run_in_mode(&mode_jit, isa_vectors_body);
}

void test_exec_isa_vectors_interp(void)
{
	run_in_mode(&mode_interp, isa_vectors_body);
}

void test_exec_isa_vectors_blinded(void)
{
	run_in_mode(&mode_blinded, isa_vectors_body);
}

/* ---- random programs -------------------------------------------------------- */

static unsigned long long env_ull(const char *name, unsigned long long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

static __u64 mix(__u64 x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Point every ld_imm64 BPF_PSEUDO_MAP_FD KT_PROGEN_MAP_FD at map_fd. */
static void patch_map_fd(struct bpf_insn *insns, __u32 n, int map_fd)
{
	__u32 i;

	for (i = 0; i < n; i++) {
		if (insns[i].code != (BPF_LD | BPF_DW | BPF_IMM))
			continue;
		if (insns[i].src_reg == BPF_PSEUDO_MAP_FD && insns[i].imm == KT_PROGEN_MAP_FD)
			insns[i].imm = map_fd;
		i++;	/* second half */
	}
}

struct outcome {
	int res;			/* TEST_RUN result */
	__u32 retval;
	__u32 cb[5];
	int map_res[4];
	__u64 map[4];
};

static void run_prog(const struct backend *b, int prog_fd, int map_fd, __u64 seed,
		     struct outcome *out)
{
	static const unsigned char dst[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
	/*
	 * The guest kernel refuses (-EINVAL) an IPv4/IPv6 skb shorter than
	 * its network header, so those get at least that much.
	 */
	static const struct { unsigned short proto; __u32 min_len; } l3[] = {
		{ 0x0800, 14 + 20 }, { 0x86dd, 14 + 40 }, { 0x0806, 14 }, { 0x8100, 14 },
	};
	unsigned char pkt[256];
	struct __sk_buff ctx, ctx_out;
	struct run_opts o;
	__u64 h = mix(seed), zero = 0;
	unsigned int t = (h >> 12) & 3;
	__u32 key, len = l3[t].min_len + (__u32)((h >> 40) % (201 - l3[t].min_len));

	memset(out, 0, sizeof(*out));
	for (key = 0; key < 4; key++)
		b_map_update(b, map_fd, &key, &zero, BPF_ANY);
	make_packet(pkt, len, dst, l3[t].proto);
	memset(&ctx, 0, sizeof(ctx));
	ctx.mark = (__u32)h;
	ctx.priority = (__u32)(h >> 32);
	ctx.cb[0] = (__u32)mix(h);
	memset(&ctx_out, 0, sizeof(ctx_out));
	memset(&o, 0, sizeof(o));
	o.data = pkt;
	o.data_size = len;
	o.ctx = &ctx;
	o.ctx_size = sizeof(ctx);
	o.ctx_out = &ctx_out;
	o.ctx_size_out = sizeof(ctx_out);
	o.repeat = 1;
	out->res = b_test_run(b, prog_fd, &o);
	out->retval = o.retval;
	memcpy(out->cb, ctx_out.cb, sizeof(out->cb));
	for (key = 0; key < 4; key++)
		out->map_res[key] = b_map_lookup(b, map_fd, &key, &out->map[key]);
}

/* Describe how two outcomes differ; false if they do not. */
static bool outcome_diff(const struct outcome *a, const struct outcome *b, char *buf, size_t len)
{
	size_t n = 0;
	int i;

#define ADD(...) (n += snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__))
	buf[0] = 0;
	if (a->res != b->res)
		ADD(" TEST_RUN kbpf %s kernel %s;", kt_res(a->res), kt_res(b->res));
	if (a->retval != b->retval)
		ADD(" retval kbpf %#x kernel %#x;", a->retval, b->retval);
	for (i = 0; i < 5; i++)
		if (a->cb[i] != b->cb[i])
			ADD(" cb[%d] kbpf %#x kernel %#x;", i, a->cb[i], b->cb[i]);
	for (i = 0; i < 4; i++) {
		if (a->map_res[i] != b->map_res[i])
			ADD(" map[%d] lookup kbpf %s kernel %s;", i, kt_res(a->map_res[i]),
			    kt_res(b->map_res[i]));
		else if (a->map[i] != b->map[i])
			ADD(" map[%d] kbpf %#llx kernel %#llx;", i, (unsigned long long)a->map[i],
			    (unsigned long long)b->map[i]);
	}
#undef ADD
	return n > 0;
}

/* Seeds whose programs the blinding check loads twice. */
#define BLIND_CHECK_PROGS 16

static void random_programs_body(const struct exec_mode *m)
{
	static struct bpf_insn gen[KT_PROGEN_MAX_INSNS], prog[2][KT_PROGEN_MAX_INSNS];
	unsigned long long count = env_ull("KBPF_EXEC_N", 300), base = env_ull("KBPF_EXEC_SEED", 1);
	unsigned long long i, plain_total = 0, blind_total = 0;
	int compared = 0, kernel_rej = 0, kbpf_rej = 0, mism = 0, both_rej_kbpf_ok = 0, run_err = 0;
	struct jit_check jc = { 0 };
	int map[2], k;

	for (k = 0; k < 2; k++) {
		map[k] = b_map_create(backends[k], BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, "kt_exec");
		REQUIRE(map[k] >= 0, "%s MAP_CREATE ARRAY 4x8: %s", backends[k]->name,
			kt_res(map[k]));
	}
	if (m->jit_harden && !kt_kernel_as_kbpf) {
		/* Blinding must show: the same programs JIT-compiled grow. */
		int h;

		for (h = 0; h < 2; h++) {
			if (!param_set("jit_harden", h ? m->jit_harden : 0))
				return;
			for (i = 0; i < BLIND_CHECK_PROGS && i < count; i++) {
				__u64 seed = base + i;
				__u32 n = kt_progen(seed, 8 + (__u32)(seed % 64), gen,
						    KT_PROGEN_MAX_INSNS);
				int fd;

				patch_map_fd(gen, n, map[0]);
				fd = load(&be_kbpf, gen, n, NULL, 0, 0);
				if (fd < 0)
					continue;
				if (jited_len(fd) > 0)
					*(h ? &blind_total : &plain_total) += jited_len(fd);
				close(fd);
			}
		}
	}
	for (i = 0; i < count; i++) {
		__u64 seed = base + i;
		__u32 n = kt_progen(seed, 8 + (__u32)(seed % 64), gen, KT_PROGEN_MAX_INSNS);
		struct outcome out[2];
		char what[64], diff[1024];
		int fd[2] = { -1, -1 };

		if (!n) {
			kt_fail(__FILE__, __LINE__, "seed %llu: generator overflow",
				(unsigned long long)seed);
			continue;
		}
		for (k = 0; k < 2; k++) {
			memcpy(prog[k], gen, n * sizeof(gen[0]));
			patch_map_fd(prog[k], n, map[k]);
		}
		fd[1] = load(&be_kernel, prog[1], n, NULL, 0, 0);
		fd[0] = load(&be_kbpf, prog[0], n, NULL, 0, 0);
		if (fd[1] < 0) {
			kernel_rej++;
			if (fd[0] >= 0)
				both_rej_kbpf_ok++;
			kt_info("seed %llu (%u insns): kernel rejects (%s), kbpf %s; kernel log "
				"tail: %s", (unsigned long long)seed, n, kt_res(fd[1]),
				fd[0] >= 0 ? "accepts" : kt_res(fd[0]),
				log_tail(&be_kernel, prog[1], n));
			goto next;
		}
		if (fd[0] < 0) {
			kbpf_rej++;
			kt_fail(__FILE__, __LINE__, "seed %llu (%u insns): kbpf rejects (%s) a "
				"program the kernel accepts; kbpf log tail: %s",
				(unsigned long long)seed, n, kt_res(fd[0]),
				log_tail(&be_kbpf, prog[0], n));
			goto next;
		}
		snprintf(what, sizeof(what), "seed %llu", (unsigned long long)seed);
		jit_check(&jc, m, fd[0], what);
		for (k = 0; k < 2; k++)
			run_prog(backends[k], fd[k], map[k], seed, &out[k]);
		compared++;
		if (out[1].res) {
			run_err++;
			kt_info("seed %llu: kernel TEST_RUN %s (kbpf %s)", (unsigned long long)seed,
				kt_res(out[1].res), kt_res(out[0].res));
		}
		if (outcome_diff(&out[0], &out[1], diff, sizeof(diff))) {
			if (mism++ < MAX_REPORTS)
				kt_fail(__FILE__, __LINE__, "seed %llu (%u insns):%s",
					(unsigned long long)seed, n, diff);
		}
next:
		for (k = 0; k < 2; k++)
			if (fd[k] >= 0)
				close(fd[k]);
	}
	kt_info("seeds %llu..%llu: %d compared (%d of them TEST_RUN errors in the kernel), "
		"%d kernel-rejected (%d of them accepted by kbpf), %d kbpf-rejected, "
		"%d mismatches", base, base + count - 1, compared, run_err, kernel_rej,
		both_rej_kbpf_ok, kbpf_rej, mism);
	CHECK(!mism, "%d of %d programs differ from the kernel (first ones above)", mism,
	      compared);
	CHECK(compared > 0, "no program could be compared");
	jit_report(&jc, m, compared);
	if (m->jit_harden && !kt_kernel_as_kbpf) {
		kt_info("jited_prog_len of the first %d programs: %llu plain, %llu blinded",
			BLIND_CHECK_PROGS, plain_total, blind_total);
		CHECK(blind_total > plain_total, "jit_harden=%d: JIT images not larger than "
		      "with jit_harden=0 (%llu vs %llu bytes): constants not blinded?",
		      m->jit_harden, blind_total, plain_total);
	}
	for (k = 0; k < 2; k++)
		close(map[k]);
}

void test_exec_random_programs_jit(void)
{
	run_in_mode(&mode_jit, random_programs_body);
}

void test_exec_random_programs_interp(void)
{
	run_in_mode(&mode_interp, random_programs_body);
}

void test_exec_random_programs_blinded(void)
{
	run_in_mode(&mode_blinded, random_programs_body);
}
