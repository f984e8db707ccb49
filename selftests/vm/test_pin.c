// SPDX-License-Identifier: GPL-2.0
/*
 * Pinning: BPF_OBJ_PIN / BPF_OBJ_GET and the kbpffs filesystem.
 *
 * Oracle: the guest kernel's bpffs. Each test runs in a private mount
 * namespace with fresh instances of kbpffs at /sys/fs/kbpf and bpffs at
 * /sys/fs/bpf, so pins never leak between tests (the namespace, and with
 * it every pin, goes when the test process exits). The same sequence of
 * pin/get calls and filesystem operations runs against both, and every
 * result and value must agree.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/magic.h>
#include "kbpf_test.h"

#define KBPFFS_ROOT	"/sys/fs/kbpf"
#define BPFFS_ROOT	"/sys/fs/bpf"
#define N_CALLS		50
#define NOBODY		65534

/* Where each backend pins: kbpffs for kbpf, bpffs for the kernel. */
static char roots[2][64];

static long sysres(long r)
{
	return r < 0 ? -errno : r;
}

/* Fresh kbpffs and bpffs in a private mount namespace. */
static void pin_setup(void)
{
	REQUIRE(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %s", strerror(errno));
	REQUIRE(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0,
		"make / private: %s", strerror(errno));
	if (!kt_kernel_as_kbpf)
		REQUIRE(mount("none", KBPFFS_ROOT, "kbpffs", 0, NULL) == 0,
			"mount -t kbpffs %s: %s", KBPFFS_ROOT, strerror(errno));
	REQUIRE(mount("bpf", BPFFS_ROOT, "bpf", 0, NULL) == 0,
		"mount -t bpf %s: %s", BPFFS_ROOT, strerror(errno));
	snprintf(roots[1], sizeof(roots[1]), "%s", BPFFS_ROOT);
	if (kt_kernel_as_kbpf) {
		/* -k: the "kbpf" side is bpf(2) too; it pins on bpffs. */
		snprintf(roots[0], sizeof(roots[0]), "%s/kside", BPFFS_ROOT);
		REQUIRE(mkdir(roots[0], 0755) == 0, "mkdir %s: %s", roots[0], strerror(errno));
	} else {
		snprintf(roots[0], sizeof(roots[0]), "%s", KBPFFS_ROOT);
	}
}

/* roots[k]/name (rotating buffers, several may be in use at once). */
static const char *P(int k, const char *name)
{
	static char bufs[8][512];
	static int i;
	char *b = bufs[i++ & 7];

	if (snprintf(b, sizeof(bufs[0]), "%s/%s", roots[k], name) >= (int)sizeof(bufs[0]))
		kt_fatal(__FILE__, __LINE__, "path too long: %s", name);
	return b;
}

static long pin_attr(const struct backend *b, int fd, const void *path, __u32 flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.bpf_fd = fd;
	a.pathname = (__u64)(unsigned long)path;
	a.file_flags = flags;
	return b_call(b, BPF_OBJ_PIN, &a);
}

/* One TEST_RUN of prog on a 64-byte IPv4 frame into the trace (value: retval). */
static long run_once(struct trace *x, const struct backend *b, int prog, const char *what)
{
	__u32 retval;
	long r = b_run_frame(b, prog, &retval);

	if (x)
		tr(x, r, retval, "%s", what);
	return r < 0 ? r : (long)retval;
}

/* ---- programs and maps ------------------------------------------------ */

void test_pin_map_prog(void)
{
	struct bpf_insn insns[16];
	struct trace t[2];
	__u32 key, map_id, prog_id, n;
	__u64 v;
	long r;
	int k, map, prog, fd, fd2;

	pin_setup();
	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		struct trace *x = &t[k];

		memset(x, 0, sizeof(*x));
		map = b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, "kt_pin");
		REQUIRE(map >= 0, "%s: map create: %s", b->name, kt_res(map));
		key = 1;
		v = 4242;
		REQUIRE(b_map_update(b, map, &key, &v, 0) == 0, "%s: update", b->name);
		n = build_counter_prog(insns, map, -1, true);
		prog = b_prog_load(b, BPF_PROG_TYPE_SOCKET_FILTER, insns, n, "GPL", NULL, 0,
				   "kt_pin");
		REQUIRE(prog >= 0, "%s: prog load: %s", b->name, kt_res(prog));
		map_id = b_map_id(b, map);
		prog_id = b_prog_id(b, prog);

		tr(x, b_pin(b, map, P(k, "m")), 0, "pin map");
		tr(x, b_pin(b, prog, P(k, "p")), 0, "pin prog");
		tr(x, b_pin(b, map, P(k, "m_again")), 0, "pin map under a second name");
		close(map);
		close(prog);

		fd = b_get(b, P(k, "m"), 0);
		tr(x, fd, fd >= 0 && b_map_id(b, fd) == map_id, "get map: same id");
		v = 0;
		r = b_map_lookup(b, fd, &key, &v);
		tr(x, r, v, "lookup through the pin");
		v = 7;
		tr(x, b_map_update(b, fd, &key, &v, 0), 0, "update through the pin");
		close(fd);
		fd = b_get(b, P(k, "m_again"), BPF_F_RDONLY);
		tr(x, fd, fd >= 0 && b_map_id(b, fd) == map_id, "get RDONLY: same id");
		v = 0;
		r = b_map_lookup(b, fd, &key, &v);
		tr(x, r, v, "lookup RDONLY (sees the update)");
		tr(x, b_map_update(b, fd, &key, &v, 0), 0, "update RDONLY");
		close(fd);
		fd = b_get(b, P(k, "m"), BPF_F_WRONLY);
		tr(x, fd, 0, "get WRONLY");
		tr(x, b_map_lookup(b, fd, &key, &v), 0, "lookup WRONLY");
		tr(x, b_map_update(b, fd, &key, &v, 0), 0, "update WRONLY");
		close(fd);
		tr(x, b_get(b, P(k, "m"), BPF_F_RDONLY | BPF_F_WRONLY), 0, "get RDONLY|WRONLY");

		fd = b_get(b, P(k, "p"), 0);
		tr(x, fd, fd >= 0 && b_prog_id(b, fd) == prog_id, "get prog: same id");
		run_once(x, b, fd, "run the pinned prog (count of key 0)");
		run_once(x, b, fd, "run again");
		fd2 = b_get(b, P(k, "p"), BPF_F_RDONLY);
		tr(x, fd2, fd2 >= 0 && b_prog_id(b, fd2) == prog_id, "get prog RDONLY");
		if (fd2 >= 0)
			close(fd2);
		/* A fd from OBJ_GET pins like any other. */
		tr(x, b_pin(b, fd, P(k, "p2")), 0, "pin the got prog fd");
		close(fd);

		/* The program keeps the map; a pin name goes away on unlink. */
		tr(x, sysres(unlink(P(k, "m"))), 0, "unlink map pin");
		tr(x, b_get(b, P(k, "m"), 0), 0, "get after unlink");
		fd = b_get(b, P(k, "m_again"), 0);
		key = 0;
		v = 0;
		r = b_map_lookup(b, fd, &key, &v);
		tr(x, r, v, "the second pin still has the map, counted twice");
		close(fd);
		tr(x, sysres(unlink(P(k, "m_again"))), 0, "unlink second map pin");
		tr(x, b_has_id(b, BPF_MAP_GET_NEXT_ID, map_id), 0,
		   "map id listed while the pinned prog uses it");
		tr(x, sysres(unlink(P(k, "p"))), 0, "unlink prog pin");
		tr(x, sysres(unlink(P(k, "p2"))), 0, "unlink got-prog pin");
		/* Frees are deferred (RCU) on both sides: wait for them. */
		for (n = 0; n < 200 && b_has_id(b, BPF_PROG_GET_NEXT_ID, prog_id); n++)
			usleep(10000);
		tr(x, b_has_id(b, BPF_PROG_GET_NEXT_ID, prog_id), 0,
		   "prog id gone after the last pin");
		for (n = 0; n < 200 && b_has_id(b, BPF_MAP_GET_NEXT_ID, map_id); n++)
			usleep(10000);
		tr(x, b_has_id(b, BPF_MAP_GET_NEXT_ID, map_id), 0, "map id gone with it");
	}
	compare_traces(&t[0], &t[1]);
}

/*
 * A pin is a user reference of a map, like an fd: a PROG_ARRAY whose fds
 * are all closed keeps its programs while it is pinned, and is cleared when
 * the last pin goes (the caller then falls through to "return 99").
 */
void test_pin_prog_array(void)
{
	struct bpf_insn t5[] = { MOV64_IMM(BPF_REG_0, 5), EXIT_INSN() };
	struct trace t[2];
	__u32 key = 0, val, n;
	int k, pa, caller, tgt;

	pin_setup();
	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		struct trace *x = &t[k];

		memset(x, 0, sizeof(*x));
		pa = b_map_create(b, BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 1, 0, "kt_pin_pa");
		REQUIRE(pa >= 0, "%s: prog array: %s", b->name, kt_res(pa));
		{
			struct bpf_insn c[] = {
				LD_MAP_FD(BPF_REG_2, pa),
				MOV64_IMM(BPF_REG_3, 0),
				CALL(BPF_FUNC_tail_call),
				MOV64_IMM(BPF_REG_0, 99),
				EXIT_INSN(),
			};

			caller = b_prog_load(b, BPF_PROG_TYPE_SOCKET_FILTER, c, ARRAY_SIZE(c),
					     "GPL", NULL, 0, NULL);
		}
		tgt = b_prog_load(b, BPF_PROG_TYPE_SOCKET_FILTER, t5, ARRAY_SIZE(t5), "GPL",
				  NULL, 0, NULL);
		REQUIRE(caller >= 0 && tgt >= 0, "%s: load", b->name);
		val = tgt;
		REQUIRE(b_map_update(b, pa, &key, &val, BPF_ANY) == 0, "%s: slot 0", b->name);
		close(tgt);
		tr(x, b_pin(b, pa, P(k, "pa")), 0, "pin the prog array");
		close(pa);
		run_once(x, b, caller, "run: array pinned, no fd");
		tr(x, sysres(unlink(P(k, "pa"))), 0, "unpin");
		/* 6.1 empties the array from a work item: give it up to 2 s. */
		for (n = 0; n < 200 && run_once(NULL, b, caller, NULL) == 5; n++)
			usleep(10000);
		run_once(x, b, caller, "run: after the last pin went");
		close(caller);
	}
	compare_traces(&t[0], &t[1]);
	CHECK(t[0].n == 4 && t[0].e[1].val == 5 && t[0].e[3].val == 99,
	      "kbpf: retvals %llu then %llu, want 5 then 99", t[0].e[1].val, t[0].e[3].val);
}

/* ---- error cases ------------------------------------------------------- */

static void same_err(const char *what, long kb, long kr)
{
	SAME_RES(what, kb, kr);
	CHECK(kr < 0, "%s: the kernel accepted it (%s): not an error case", what, kt_res(kr));
	kt_info("%-44s kbpf %-8s kernel %s", what, kt_res(kb), kt_res(kr));
}

void test_pin_errors(void)
{
	union bpf_attr a[2];
	int map[2], prog[2], link_fd[2], devnull, k;
	long r[2];

	pin_setup();
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	REQUIRE(devnull >= 0, "open /dev/null");
	REQUIRE(mkdir("/tmp/kt_pin", 0755) == 0 || errno == EEXIST, "mkdir /tmp/kt_pin");
	k = open("/tmp/kt_pin/f", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	REQUIRE(k >= 0, "create /tmp/kt_pin/f: %s", strerror(errno));
	close(k);
	for (k = 0; k < 2; k++) {
		map[k] = b_map_create(backends[k], BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, NULL);
		REQUIRE(map[k] >= 0, "%s: map create", backends[k]->name);
		prog[k] = b_prog_load(backends[k], BPF_PROG_TYPE_SOCKET_FILTER, prog_ret1, 2,
				      "GPL", NULL, 0, NULL);
		REQUIRE(prog[k] >= 0, "%s: prog load", backends[k]->name);
		REQUIRE(b_pin(backends[k], map[k], P(k, "m")) == 0, "%s: pin", backends[k]->name);
		REQUIRE(mkdir(P(k, "dir"), 0755) == 0, "mkdir %s", P(k, "dir"));
	}
	/* A raw tracepoint link on a quiet tracepoint (it never fires here). */
	{
		struct bpf_insn r0[2] = { MOV64_IMM(BPF_REG_0, 0), EXIT_INSN() };

		for (k = 0; k < 2; k++) {
			int p = b_prog_load(backends[k], BPF_PROG_TYPE_RAW_TRACEPOINT, r0, 2, "GPL",
					    NULL, 0, NULL);

			REQUIRE(p >= 0, "%s: raw tp load: %s", backends[k]->name, kt_res(p));
			memset(&a[k], 0, sizeof(a[k]));
			a[k].raw_tracepoint.name = (__u64)(unsigned long)"sched_kthread_stop";
			a[k].raw_tracepoint.prog_fd = p;
			link_fd[k] = b_call(backends[k], BPF_RAW_TRACEPOINT_OPEN, &a[k]);
			REQUIRE(link_fd[k] >= 0, "%s: raw tp open: %s", backends[k]->name,
				kt_res(link_fd[k]));
			close(p);
			REQUIRE(b_pin(backends[k], link_fd[k], P(k, "l")) == 0, "pin link");
		}
	}

#define BOTH(what, expr) do {					\
		for (k = 0; k < 2; k++) {			\
			const struct backend *b = backends[k];	\
			(void)b;				\
			r[k] = (expr);				\
		}						\
		same_err(what, r[0], r[1]);			\
	} while (0)

	/* BPF_OBJ_PIN */
	BOTH("pin: file_flags != 0", pin_attr(b, map[k], P(k, "x"), BPF_F_RDONLY));
	for (k = 0; k < 2; k++) {
		memset(&a[k], 0, sizeof(a[k]));
		a[k].bpf_fd = map[k];
		a[k].pathname = (__u64)(unsigned long)P(k, "x");
		((char *)&a[k])[offsetof(union bpf_attr, file_flags) + 4] = 1;
	}
	BOTH("pin: non-zero byte after file_flags", b_call(b, BPF_OBJ_PIN, &a[k]));
	BOTH("pin: closed fd", b_pin(b, 9999, P(k, "x")));
	BOTH("pin: fd -1", b_pin(b, -1, P(k, "x")));
	BOTH("pin: not a bpf fd (/dev/null)", b_pin(b, devnull, P(k, "x")));
	if (!kt_kernel_as_kbpf) {
		/* -k: both sides are the kernel, these would succeed. */
		BOTH("pin: the other side's map fd", b_pin(b, map[1 - k], P(k, "x")));
		BOTH("pin: path on the other side's fs", b_pin(b, map[k], P(1 - k, "x")));
		BOTH("get: the other side's pin", b_get(b, P(1 - k, "m"), 0));
	}
	BOTH("pin: path on tmpfs", b_pin(b, map[k], "/tmp/kt_pin/x"));
	BOTH("pin: name exists (pinned)", b_pin(b, map[k], P(k, "m")));
	BOTH("pin: name exists (dir)", b_pin(b, map[k], P(k, "dir")));
	BOTH("pin: parent missing", b_pin(b, map[k], P(k, "nodir/x")));
	BOTH("pin: parent is a pinned object", b_pin(b, map[k], P(k, "m/x")));
	BOTH("pin: name with a dot", b_pin(b, map[k], P(k, "a.b")));
	BOTH("pin: empty path", b_pin(b, map[k], ""));
	BOTH("pin: the fs root itself", b_pin(b, map[k], roots[k]));
	BOTH("pin: NULL path", b_pin(b, map[k], NULL));
	BOTH("pin: bad path pointer", pin_attr(b, map[k], (void *)8, 0));
	{
		char long_name[300];

		memset(long_name, 'n', sizeof(long_name) - 1);
		long_name[sizeof(long_name) - 1] = 0;
		BOTH("pin: name longer than NAME_MAX", b_pin(b, map[k], P(k, long_name)));
	}

	/* BPF_OBJ_GET */
	BOTH("get: missing", b_get(b, P(k, "nope"), 0));
	BOTH("get: missing dir", b_get(b, P(k, "nodir/x"), 0));
	BOTH("get: unknown file_flags bit", b_get(b, P(k, "m"), 1U << 5));
	BOTH("get: BPF_F_RDONLY|BPF_F_WRONLY", b_get(b, P(k, "m"), BPF_F_RDONLY | BPF_F_WRONLY));
	for (k = 0; k < 2; k++) {
		memset(&a[k], 0, sizeof(a[k]));
		a[k].bpf_fd = map[k];
		a[k].pathname = (__u64)(unsigned long)P(k, "m");
	}
	BOTH("get: bpf_fd != 0", b_call(b, BPF_OBJ_GET, &a[k]));
	BOTH("get: a directory", b_get(b, P(k, "dir"), 0));
	BOTH("get: the fs root", b_get(b, roots[k], 0));
	BOTH("get: a file on procfs", b_get(b, "/proc/self/status", 0));
	BOTH("get: a file on tmpfs", b_get(b, "/tmp/kt_pin/f", 0));
	BOTH("get: link with BPF_F_RDONLY", b_get(b, P(k, "l"), BPF_F_RDONLY));
	BOTH("get: link with BPF_F_WRONLY", b_get(b, P(k, "l"), BPF_F_WRONLY));
	BOTH("get: NULL path", b_get(b, NULL, 0));
	BOTH("get: bad path pointer", b_get(b, (const char *)8, 0));
	BOTH("get: empty path", b_get(b, "", 0));
	BOTH("get: name with a dot", b_get(b, P(k, "m.x"), 0));
	BOTH("get: through a pinned object", b_get(b, P(k, "m/x"), 0));

	/* open() of a pinned object, mknod and create in the fs */
	BOTH("open(pinned map)", sysres(open(P(k, "m"), O_RDONLY | O_CLOEXEC)));
	BOTH("open(pinned link)", sysres(open(P(k, "l"), O_RDONLY | O_CLOEXEC)));
	BOTH("open(O_CREAT) in the fs", sysres(open(P(k, "new"), O_CREAT | O_RDWR | O_CLOEXEC,
						   0600)));
	BOTH("mkfifo in the fs", sysres(mkfifo(P(k, "fifo"), 0600)));
	BOTH("mkdir with a dot", sysres(mkdir(P(k, "d.ir"), 0755)));
	BOTH("rmdir of a non-empty dir", (mkdir(P(k, "full"), 0755),
					  b_pin(b, map[k], P(k, "full/m")),
					  sysres(rmdir(P(k, "full")))));
	BOTH("rename to a name with a dot", sysres(rename(P(k, "m"), P(k, "m.v"))));
	BOTH("rename onto a non-empty dir", sysres(rename(P(k, "dir"), P(k, "full"))));
#undef BOTH

	/* The good ones still work after all that. */
	for (k = 0; k < 2; k++) {
		long fd = b_get(backends[k], P(k, "l"), 0);

		CHECK(fd >= 0, "%s: get link: %s", backends[k]->name, kt_res(fd));
		if (fd >= 0)
			close(fd);
	}
	close(devnull);
}

/* ---- filesystem operations --------------------------------------------- */

/* st_mode and st_nlink of path, as one value (or -errno). */
static long stat_val(const char *path, unsigned long long *val)
{
	struct stat st;

	*val = 0;
	if (lstat(path, &st) < 0)
		return -errno;
	*val = ((unsigned long long)st.st_nlink << 32) | st.st_mode;
	return 0;
}

/* OBJ_GET path into the trace; its value: is it the map with map_id? */
static void tr_get_map(struct trace *x, const struct backend *b, const char *path,
		       __u32 map_id, const char *what)
{
	int fd = b_get(b, path, 0);

	tr(x, fd, fd >= 0 && b_map_id(b, fd) == map_id, "%s", what);
	if (fd >= 0)
		close(fd);
}

/* BPF_OBJ_GET as uid/gid nobody (fork; the result comes back as exit status). */
static long get_as_nobody(const struct backend *b, const char *path, __u32 flags)
{
	int status;
	pid_t pid;

	/* /dev/kbpf is 0600: open it as root, the child inherits it. */
	if (b == &be_kbpf && !kt_kernel_as_kbpf)
		kbpf_dev();
	pid = fork();
	if (pid == 0) {
		long r;

		if (setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
			_exit(255);
		r = b_get(b, path, flags);
		_exit(r >= 0 ? 0 : (int)-r);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

void test_pin_fs_ops(void)
{
	unsigned long long val;
	struct statfs sf;
	struct trace t[2];
	char line[256];
	bool found = false;
	FILE *f;
	long r;
	__u32 map_id;
	int k, map;

	/* The instance the VM's init mounts (mount -t kbpffs none /sys/fs/kbpf). */
	if (!kt_kernel_as_kbpf) {
		f = fopen("/proc/mounts", "r");
		REQUIRE(f, "/proc/mounts");
		while (fgets(line, sizeof(line), f))
			if (strstr(line, " " KBPFFS_ROOT " kbpffs "))
				found = true;
		fclose(f);
		CHECK(found, "no kbpffs mounted at %s in /proc/mounts", KBPFFS_ROOT);
		CHECK(statfs(KBPFFS_ROOT, &sf) == 0 && sf.f_type == BPF_FS_MAGIC,
		      "statfs(%s): f_type %#lx, expected BPF_FS_MAGIC", KBPFFS_ROOT,
		      (unsigned long)sf.f_type);
	}

	pin_setup();
	umask(022);
	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		struct trace *x = &t[k];

		memset(x, 0, sizeof(*x));
		r = statfs(roots[k], &sf);
		tr(x, sysres(r), sf.f_type, "statfs f_type");
		/* (-k: the "kbpf" side's root is a subdirectory of bpffs) */
		if (!kt_kernel_as_kbpf) {
			r = stat_val(roots[k], &val);
			tr(x, r, val, "root mode/nlink");
		}
		map = b_map_create(b, BPF_MAP_TYPE_HASH, 4, 4, 8, 0, NULL);
		REQUIRE(map >= 0, "%s: map create", b->name);
		map_id = b_map_id(b, map);

		tr(x, sysres(mkdir(P(k, "d"), 0750)), 0, "mkdir d");
		r = stat_val(P(k, "d"), &val);
		tr(x, r, val, "d mode/nlink");
		tr(x, sysres(mkdir(P(k, "d/e"), 0755)), 0, "mkdir d/e");
		r = stat_val(P(k, "d"), &val);
		tr(x, r, val, "d nlink after a subdir");
		tr(x, sysres(mkdir(P(k, "d"), 0755)), 0, "mkdir d again");
		tr(x, b_pin(b, map, P(k, "d/e/m")), 0, "pin d/e/m");
		r = stat_val(P(k, "d/e/m"), &val);
		tr(x, r, val, "pinned file mode/nlink (umask 022)");
		tr(x, sysres(link(P(k, "d/e/m"), P(k, "d/hard"))), 0, "hard link");
		r = stat_val(P(k, "d/hard"), &val);
		tr(x, r, val, "nlink 2");
		tr_get_map(x, b, P(k, "d/hard"), map_id, "get via the hard link");
		tr(x, sysres(rename(P(k, "d/e/m"), P(k, "moved"))), 0, "rename across dirs");
		tr(x, b_get(b, P(k, "d/e/m"), 0), 0, "get the old name");
		tr_get_map(x, b, P(k, "moved"), map_id, "get the new name");
		tr(x, sysres(symlink("moved", P(k, "sym"))), 0, "symlink");
		r = stat_val(P(k, "sym"), &val);
		tr(x, r, val, "symlink mode");
		tr_get_map(x, b, P(k, "sym"), map_id, "get follows the symlink");
		tr(x, sysres(rename(P(k, "d/e"), P(k, "e2"))), 0, "rename a dir");
		tr(x, sysres(rmdir(P(k, "e2"))), 0, "rmdir the empty dir");
		tr(x, sysres(rmdir(P(k, "d"))), 0, "rmdir d (still has the hard link)");
		tr(x, sysres(unlink(P(k, "d/hard"))), 0, "unlink the hard link");
		tr(x, sysres(rmdir(P(k, "d"))), 0, "rmdir d");
		tr(x, sysres(unlink(P(k, "d"))), 0, "unlink of a missing name");
		tr(x, sysres(unlink(P(k, "sym"))), 0, "unlink the symlink");
		tr_get_map(x, b, P(k, "moved"), map_id,
			   "the object is still pinned under its last name");

		/* mount -o mode=0700: the root's mode, shown in /proc/mounts */
		{
			char mnt[64], where[256], opts[256] = "";
			FILE *m;

			snprintf(mnt, sizeof(mnt), "/tmp/kt_mode%d", k);
			mkdir(mnt, 0755);
			r = mount("none", mnt, k == 0 && !kt_kernel_as_kbpf ? "kbpffs" : "bpf", 0,
				  "mode=0700,unknown_opt=1");
			tr(x, sysres(r), 0, "mount -o mode=0700,unknown_opt=1");
			r = stat_val(mnt, &val);
			tr(x, r, val, "root mode with mode=0700");
			m = fopen("/proc/self/mounts", "r");
			REQUIRE(m, "/proc/self/mounts");
			while (fgets(line, sizeof(line), m))
				if (sscanf(line, "%*s %255s %*s %255s", where, opts) == 2 &&
				    !strcmp(where, mnt))
					break;
			fclose(m);
			tr(x, !strcmp(opts, "rw,relatime,mode=700") ? 0 : -EINVAL, 0,
			   "options in /proc/mounts");
			if (strcmp(opts, "rw,relatime,mode=700"))
				kt_info("%s: options '%s'", b->name, opts);
			tr(x, sysres(umount(mnt)), 0, "umount");
		}

		/* Permissions: the file's mode decides who may get it. */
		tr(x, get_as_nobody(b, P(k, "moved"), BPF_F_RDONLY), 0, "nobody: get 0600 file");
		tr(x, sysres(chmod(P(k, "moved"), 0644)), 0, "chmod 0644");
		tr(x, get_as_nobody(b, P(k, "moved"), BPF_F_RDONLY), 0, "nobody: get RDONLY");
		tr(x, get_as_nobody(b, P(k, "moved"), 0), 0, "nobody: get RDWR");
		tr(x, get_as_nobody(b, P(k, "moved"), BPF_F_WRONLY), 0, "nobody: get WRONLY");
		tr(x, sysres(chmod(P(k, "moved"), 0666)), 0, "chmod 0666");
		tr(x, get_as_nobody(b, P(k, "moved"), 0), 0, "nobody: get RDWR of 0666");
		close(map);
	}
	compare_traces(&t[0], &t[1]);
}

/* ---- links: a pinned link outlives its loader ------------------------- */

/* raw tracepoint sys_enter: if (args[1] == nr) count[0]++. */
static int prog_count_syscall(struct bpf_insn *p, int map, int nr)
{
	struct bpf_insn insns[] = {
		LDX_MEM(BPF_DW, BPF_REG_6, BPF_REG_1, 8),
		JMP_IMM(BPF_JNE, BPF_REG_6, nr, 9),
		ST_MEM(BPF_W, BPF_REG_10, -4, 0),
		MOV64_REG(BPF_REG_2, BPF_REG_10),
		ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		LD_MAP_FD(BPF_REG_1, map),
		CALL(BPF_FUNC_map_lookup_elem),
		JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
		MOV64_IMM(BPF_REG_1, 1),
		INSN(BPF_STX | BPF_DW | BPF_ATOMIC, BPF_REG_0, BPF_REG_1, 0, BPF_ADD),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT_INSN(),
	};

	memcpy(p, insns, sizeof(insns));
	return ARRAY_SIZE(insns);
}

/*
 * In a child process (the "loader"): a map, a program counting getppid()
 * calls into it, a raw tracepoint link; pin the link as <link> and the
 * map as <map>, then exit without detaching (every fd closes).
 */
static void loader_pin_and_exit(int k, const char *link, const char *map)
{
	const struct backend *b = backends[k];
	struct bpf_insn insns[16];
	union bpf_attr a;
	int status, m, p, l, n;
	pid_t pid = fork();

	REQUIRE(pid >= 0, "fork");
	if (pid == 0) {
		m = b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, "kt_pin_cnt");
		if (m < 0)
			_exit(10);
		n = prog_count_syscall(insns, m, SYS_getppid);
		p = b_prog_load(b, BPF_PROG_TYPE_RAW_TRACEPOINT, insns, n, "GPL", NULL, 0,
				"kt_pin_cnt");
		if (p < 0)
			_exit(11);
		memset(&a, 0, sizeof(a));
		a.raw_tracepoint.name = (__u64)(unsigned long)"sys_enter";
		a.raw_tracepoint.prog_fd = p;
		l = b_call(b, BPF_RAW_TRACEPOINT_OPEN, &a);
		if (l < 0)
			_exit(12);
		if (b_pin(b, l, link) || b_pin(b, m, map))
			_exit(13);
		_exit(0);
	}
	REQUIRE(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		WEXITSTATUS(status) == 0, "%s: loader child failed (status %#x)", b->name, status);
}

static __u64 count_of(const struct backend *b, const char *map_pin)
{
	__u32 key = 0;
	__u64 v = ~0ULL;
	int fd = b_get(b, map_pin, 0);

	if (fd < 0)
		return ~0ULL;
	if (b_map_lookup(b, fd, &key, &v) < 0)
		v = ~0ULL;
	close(fd);
	return v;
}

static void call_getppid(int n)
{
	while (n--)
		syscall(SYS_getppid);
}

void test_pin_link(void)
{
	__u64 c0[2], c1[2], c2[2];
	__u32 type[2], id[2];
	int k, fd, keep[2];

	pin_setup();
	for (k = 0; k < 2; k++)
		loader_pin_and_exit(k, P(k, "link"), P(k, "cnt"));

	/* The loaders are gone: the links still count. */
	for (k = 0; k < 2; k++)
		c0[k] = count_of(backends[k], P(k, "cnt"));
	call_getppid(N_CALLS);
	for (k = 0; k < 2; k++) {
		c1[k] = count_of(backends[k], P(k, "cnt"));
		kt_info("%s: %llu -> %llu after %d getppid()", backends[k]->name,
			(unsigned long long)c0[k], (unsigned long long)c1[k], N_CALLS);
	}
	CHECK(c1[0] - c0[0] == N_CALLS, "kbpf: pinned link counted %llu of %d calls",
	      (unsigned long long)(c1[0] - c0[0]), N_CALLS);
	SAME_VAL("calls counted by the pinned link", c1[0] - c0[0], c1[1] - c0[1]);

	/* OBJ_GET gives the link back: info and id walk agree. */
	for (k = 0; k < 2; k++) {
		fd = b_get(backends[k], P(k, "link"), 0);
		REQUIRE(fd >= 0, "%s: get link: %s", backends[k]->name, kt_res(fd));
		id[k] = b_link_id(backends[k], fd, &type[k]);
		CHECK(id[k] && b_has_id(backends[k], BPF_LINK_GET_NEXT_ID, id[k]),
		      "%s: pinned link id %u not listed", backends[k]->name, id[k]);
		close(fd);
	}
	SAME_VAL("link type", type[0], type[1]);

	/* Unlinking the last pin detaches: no more counting. */
	for (k = 0; k < 2; k++)
		CHECK(unlink(P(k, "link")) == 0, "%s: unlink link pin: %s", backends[k]->name,
		      strerror(errno));
	call_getppid(N_CALLS);
	for (k = 0; k < 2; k++) {
		c2[k] = count_of(backends[k], P(k, "cnt"));
		CHECK(!b_has_id(backends[k], BPF_LINK_GET_NEXT_ID, id[k]),
		      "%s: link id %u still listed after unlink", backends[k]->name, id[k]);
	}
	SAME_VAL("calls counted after unlink", c2[0] - c1[0], c2[1] - c1[1]);
	CHECK(c2[0] == c1[0], "kbpf: %llu calls counted after unlinking the link pin",
	      (unsigned long long)(c2[0] - c1[0]));

	/* umount drops every pin of the instance: the link detaches. */
	for (k = 0; k < 2; k++)
		loader_pin_and_exit(k, P(k, "link2"), P(k, "cnt2"));
	call_getppid(N_CALLS);
	for (k = 0; k < 2; k++) {
		c1[k] = count_of(backends[k], P(k, "cnt2"));
		/* keep the map: get an fd before the umount */
		keep[k] = b_get(backends[k], P(k, "cnt2"), 0);
		REQUIRE(keep[k] >= 0, "get cnt2: %s", kt_res(keep[k]));
	}
	SAME_VAL("second link counted", c1[0], c1[1]);
	CHECK(c1[0] == N_CALLS, "kbpf: second link counted %llu", (unsigned long long)c1[0]);
	REQUIRE(umount(BPFFS_ROOT) == 0, "umount %s: %s", BPFFS_ROOT, strerror(errno));
	if (!kt_kernel_as_kbpf)
		REQUIRE(umount(KBPFFS_ROOT) == 0, "umount %s: %s", KBPFFS_ROOT, strerror(errno));
	call_getppid(N_CALLS);
	for (k = 0; k < 2; k++) {
		__u32 key = 0;
		__u64 v = ~0ULL;

		CHECK(b_map_lookup(backends[k], keep[k], &key, &v) == 0, "lookup");
		c2[k] = v;
		close(keep[k]);
	}
	SAME_VAL("counted after umount", c2[0] - c1[0], c2[1] - c1[1]);
	CHECK(c2[0] == c1[0], "kbpf: %llu calls counted after umount",
	      (unsigned long long)(c2[0] - c1[0]));
}
