// SPDX-License-Identifier: GPL-2.0
/*
 * Native tests for libkbpf-preload.so against a fake device.
 *
 *   shim_test --shim LIB --fake LIB [--first LIB...] [--prefix P] [-t FILTER]
 *
 * The runner re-executes itself once per case with
 * LD_PRELOAD="[--first libs] FAKE SHIM" and the case's environment
 * (KBPF_DEVICE, KBPF_SHIM_LOG, FAKEDEV_PATHS, FAKEDEV_FAIL), so every case
 * sees a fresh process: the shim opens its device once per process. The fake
 * device (fakedev.c) records what reaches ioctl() and replies as scripted.
 * Prints "PASS: <prefix><case>" or "FAIL: <prefix><case> (<reason>)".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "fakedev.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

/* ---- case side -------------------------------------------------------------- */

static struct fakedev_state *fd_state;

#define FAILF(...) do {							\
	fprintf(stderr, "line %d: ", __LINE__);				\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	exit(1);							\
} while (0)
#define CHECK(cond, ...) do { if (!(cond)) FAILF(__VA_ARGS__); } while (0)

static long sys_bpf(long cmd, void *attr, long size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

static void script(long ret, int err)
{
	fd_state->ret = ret;
	fd_state->err = err;
	fd_state->wb_len = 0;
}

/* The shim and the fake device must both be in the process. */
static void setup(void)
{
	fakedev_state_fn f = (fakedev_state_fn)dlsym(RTLD_DEFAULT, "fakedev_state");
	void *sc = dlsym(RTLD_DEFAULT, "syscall");
	Dl_info info;

	CHECK(f, "fake device library not preloaded");
	fd_state = f();
	CHECK(sc && dladdr(sc, &info) && info.dli_fname &&
	      strstr(info.dli_fname, "libkbpf-preload"),
	      "syscall() does not resolve to libkbpf-preload.so (%s)",
	      sc && dladdr(sc, &info) ? info.dli_fname : "?");
}

static void case_forward(void)
{
	union bpf_attr attr, copy;
	long r;
	int fl;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_HASH;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 16;
	copy = attr;

	CHECK(fd_state->opens == 0 && fd_state->calls == 0,
	      "device touched before the first bpf call (opens %d)", fd_state->opens);
	script(7, 0);
	r = sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
	CHECK(r == 7, "returned %ld, want 7", r);
	CHECK(fd_state->dev_opens == 1, "dev_opens %d", fd_state->dev_opens);
	CHECK(!strcmp(fd_state->last_path, "/fake/kbpf"), "opened %s", fd_state->last_path);
	CHECK((fd_state->last_flags & O_ACCMODE) == O_RDWR &&
	      (fd_state->last_flags & O_CLOEXEC), "open flags %#x", fd_state->last_flags);
	CHECK(fd_state->calls == 1, "ioctls %d", fd_state->calls);
	CHECK(fd_state->last_request == KBPF_IOC_CALL, "request %#lx", fd_state->last_request);
	CHECK(fd_state->last_call.cmd == BPF_MAP_CREATE, "cmd %u", fd_state->last_call.cmd);
	CHECK(fd_state->last_call.size == sizeof(attr), "size %u", fd_state->last_call.size);
	CHECK(fd_state->last_call.attr == (__u64)(unsigned long)&attr,
	      "attr %#llx, want %p", (unsigned long long)fd_state->last_call.attr, (void *)&attr);
	CHECK(!memcmp(&attr, &copy, sizeof(attr)), "attr modified without a write-back");
	fl = fcntl(fd_state->last_fd, F_GETFD);
	CHECK(fl >= 0 && (fl & FD_CLOEXEC), "device fd %d not close-on-exec", fd_state->last_fd);

	/* Second call: another command and size; no second open. */
	script(0, 0);
	r = sys_bpf(BPF_PROG_TEST_RUN, &attr, 80);
	CHECK(r == 0, "returned %ld", r);
	CHECK(fd_state->last_call.cmd == BPF_PROG_TEST_RUN && fd_state->last_call.size == 80,
	      "cmd %u size %u", fd_state->last_call.cmd, fd_state->last_call.size);
	CHECK(fd_state->dev_opens == 1 && fd_state->opens == 1, "opened %d times", fd_state->opens);
	CHECK(fd_state->calls == 2, "ioctls %d", fd_state->calls);
}

static void case_writeback(void)
{
	union bpf_attr attr, want;
	__u32 len = 80;
	long r;

	memset(&attr, 0xa5, sizeof(attr));
	attr.info.info_len = 200;
	want = attr;
	want.info.info_len = len;
	script(0, 0);
	fd_state->wb_off = offsetof(union bpf_attr, info.info_len);
	fd_state->wb_len = sizeof(len);
	memcpy(fd_state->wb, &len, sizeof(len));
	r = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr.info));
	CHECK(r == 0, "returned %ld", r);
	CHECK(attr.info.info_len == len, "info_len %u, want %u", attr.info.info_len, len);
	CHECK(!memcmp(&attr, &want, sizeof(attr)), "other attr bytes changed");

	/* A write-back together with an error (test_run on failure, e.g.). */
	fd_state->ret = -1;
	fd_state->err = ENOSPC;
	attr.test.data_size_out = 1;
	fd_state->wb_off = offsetof(union bpf_attr, test.data_size_out);
	r = sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr.test));
	CHECK(r == -1 && errno == ENOSPC, "returned %ld errno %d", r, errno);
	CHECK(attr.test.data_size_out == len, "data_size_out %u", attr.test.data_size_out);
}

static void case_errno(void)
{
	static const int errs[] = { EPERM, ENOENT, EINTR, EBADF, EAGAIN, ENOMEM,
		EACCES, EFAULT, EBUSY, EEXIST, EINVAL, ENOSPC, E2BIG, ERANGE,
		ENOTSUPP, EOPNOTSUPP, ELOOP, ENOTTY };
	union bpf_attr attr;
	unsigned int i;
	long r;

	memset(&attr, 0, sizeof(attr));
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		script(-1, errs[i]);
		errno = 12345;
		r = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
		CHECK(r == -1, "errno %d: returned %ld", errs[i], r);
		CHECK(errno == errs[i], "errno %d, want %d", errno, errs[i]);
	}
	/* Success leaves errno alone, like a successful syscall. */
	script(3, 0);
	errno = 12345;
	r = sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
	CHECK(r == 3 && errno == 12345, "returned %ld errno %d", r, errno);
}

static void case_args(void)
{
	long r;

	script(0, 0);
	/* cmd is an int, size an unsigned int in bpf(2): truncated like there. */
	r = syscall(__NR_bpf, -1L, NULL, 0L);
	CHECK(r == 0, "returned %ld", r);
	CHECK(fd_state->last_call.cmd == 0xffffffffu && fd_state->last_call.size == 0 &&
	      fd_state->last_call.attr == 0, "cmd %#x size %u attr %#llx",
	      fd_state->last_call.cmd, fd_state->last_call.size,
	      (unsigned long long)fd_state->last_call.attr);
	r = syscall(__NR_bpf, 1000L, (void *)0x1234, 0x100000048L);
	CHECK(fd_state->last_call.cmd == 1000 && fd_state->last_call.size == 0x48 &&
	      fd_state->last_call.attr == 0x1234, "cmd %u size %#x attr %#llx",
	      fd_state->last_call.cmd, fd_state->last_call.size,
	      (unsigned long long)fd_state->last_call.attr);
	/* Extra arguments are ignored. */
	r = syscall(__NR_bpf, (long)BPF_MAP_FREEZE, (void *)0x5678, 8L, 1L, 2L, 3L);
	CHECK(fd_state->last_call.cmd == BPF_MAP_FREEZE && fd_state->last_call.size == 8 &&
	      fd_state->last_call.attr == 0x5678, "extra args changed the call");
	CHECK(fd_state->calls == 3, "ioctls %d", fd_state->calls);
}

static void case_passthrough(void)
{
	char buf[4096 * 2], *p;
	int pfd[2], mfd;
	long r;

	CHECK(syscall(SYS_getpid) == getpid(), "getpid");
	CHECK(syscall(SYS_gettid) == gettid(), "gettid");
	errno = 0;
	r = syscall(SYS_close, -1);
	CHECK(r == -1 && errno == EBADF, "close(-1): %ld errno %d", r, errno);
	CHECK(pipe(pfd) == 0, "pipe");
	r = syscall(SYS_write, pfd[1], "kbpf", 4);
	CHECK(r == 4, "write: %ld", r);
	memset(buf, 0, sizeof(buf));
	r = syscall(SYS_read, pfd[0], buf, sizeof(buf));
	CHECK(r == 4 && !memcmp(buf, "kbpf", 4), "read: %ld", r);
	/* Six arguments: mmap the second page of a file. */
	mfd = memfd_create("shim-test", 0);
	CHECK(mfd >= 0, "memfd_create");
	memset(buf, 'a', 4096);
	memset(buf + 4096, 'b', 4096);
	CHECK(write(mfd, buf, sizeof(buf)) == (ssize_t)sizeof(buf), "write memfd");
	p = (char *)syscall(SYS_mmap, 0L, 4096L, (long)PROT_READ, (long)MAP_SHARED,
			    (long)mfd, 4096L);
	CHECK(p != MAP_FAILED && p[0] == 'b' && p[4095] == 'b', "6-argument mmap");
	munmap(p, 4096);
	r = syscall(SYS_mmap, 0L, 4096L, (long)PROT_READ, (long)MAP_SHARED, -1L, 0L);
	CHECK(r == -1 && errno == EBADF, "mmap(fd -1): %ld errno %d", r, errno);
	CHECK(fd_state->calls == 0 && fd_state->dev_opens == 0,
	      "non-bpf syscalls reached the device (%d ioctls, %d opens)",
	      fd_state->calls, fd_state->dev_opens);
}

static void case_default_path(void)
{
	union bpf_attr attr = {};

	script(5, 0);
	CHECK(sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr)) == 5, "call failed: %m");
	CHECK(!strcmp(fd_state->last_path, "/dev/kbpf"), "opened %s", fd_state->last_path);
}

static void case_device_env(void)
{
	union bpf_attr attr = {};

	script(5, 0);
	CHECK(sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr)) == 5, "call failed: %m");
	CHECK(!strcmp(fd_state->last_path, "/fake/other-kbpf"), "opened %s", fd_state->last_path);
	CHECK(fd_state->calls == 1, "ioctls %d", fd_state->calls);
}

/* The device cannot be opened: the open's errno, every time, one attempt. */
static void expect_open_errno(int want)
{
	union bpf_attr attr = {};
	long r;
	int i;

	for (i = 0; i < 3; i++) {
		errno = 0;
		r = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
		CHECK(r == -1 && errno == want, "call %d: %ld errno %d, want %d", i, r, errno, want);
	}
	CHECK(fd_state->opens == 1, "%d open attempts", fd_state->opens);
	CHECK(fd_state->calls == 0, "ioctls %d", fd_state->calls);
}

static void case_no_device(void)
{
	expect_open_errno(ENOENT);
}

static void case_open_eacces(void)
{
	expect_open_errno(EACCES);
}

/* KBPF_DEVICE names something that is not kbpf: ioctl says ENOTTY. */
static void case_not_a_device(void)
{
	union bpf_attr attr = {};
	long r = sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));

	CHECK(r == -1 && errno == ENOTTY, "%ld errno %d", r, errno);
}

static void case_low_fd(void)
{
	union bpf_attr attr = {};

	close(0);
	script(0, 0);
	CHECK(sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr)) == 0, "call failed: %m");
	CHECK(fd_state->last_fd >= 3, "device on fd %d", fd_state->last_fd);
	CHECK(fcntl(0, F_GETFD) == -1 && errno == EBADF, "fd 0 left open");
	CHECK(fcntl(fd_state->last_fd, F_GETFD) == FD_CLOEXEC, "device fd not close-on-exec");
}

#define NTHREADS 8
#define NCALLS 50
static pthread_barrier_t barrier;

static void *thread_fn(void *arg)
{
	union bpf_attr attr = {};
	long bad = 0;
	int i;

	(void)arg;
	pthread_barrier_wait(&barrier);
	for (i = 0; i < NCALLS; i++)
		if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr, sizeof(attr)) != 0)
			bad++;
	return (void *)bad;
}

static void case_threads(void)
{
	pthread_t t[NTHREADS];
	void *bad;
	int i;

	script(0, 0);
	fd_state->delay_us = 100;
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (i = 0; i < NTHREADS; i++)
		CHECK(!pthread_create(&t[i], NULL, thread_fn, NULL), "pthread_create");
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], &bad);
		CHECK(!bad, "thread %d: %ld failed calls", i, (long)bad);
	}
	CHECK(fd_state->dev_opens == 1 && fd_state->opens == 1, "device opened %d times",
	      fd_state->opens);
	CHECK(fd_state->calls == NTHREADS * NCALLS, "ioctls %d", fd_state->calls);
}

/* Run fn with stderr going to a file; return what it wrote (static buffer). */
static const char *capture_stderr(void (*fn)(void))
{
	static char out[4096];
	int saved = dup(2), tmp = memfd_create("stderr", 0);
	ssize_t n;

	CHECK(saved >= 0 && tmp >= 0, "dup/memfd");
	dup2(tmp, 2);
	fn();
	dup2(saved, 2);
	close(saved);
	n = pread(tmp, out, sizeof(out) - 1, 0);
	close(tmp);
	out[n > 0 ? n : 0] = '\0';
	return out;
}

static int log_errno_after;

static void log_calls(void)
{
	union bpf_attr attr = {};

	script(3, 0);
	sys_bpf(BPF_MAP_CREATE, &attr, 72);
	syscall(SYS_getpid);
	script(-1, EINVAL);
	sys_bpf(BPF_BTF_LOAD, &attr, 40);
	log_errno_after = errno;
	script(-1, E2BIG);
	syscall(__NR_bpf, 1000L, &attr, 4096L);
	script(-1, ENOTSUPP);
	sys_bpf(BPF_LINK_CREATE, &attr, sizeof(attr.link_create));
}

static void case_log(void)
{
	char want[1024];
	const char *got = capture_stderr(log_calls);

	snprintf(want, sizeof(want),
		 "kbpf-shim: bpf(BPF_MAP_CREATE, size=72) = 3\n"
		 "kbpf-shim: bpf(BPF_BTF_LOAD, size=40) = -1 EINVAL (Invalid argument)\n"
		 "kbpf-shim: bpf(cmd 1000, size=4096) = -1 E2BIG (Argument list too long)\n"
		 "kbpf-shim: bpf(BPF_LINK_CREATE, size=%zu) = -1 ENOTSUPP (%s)\n",
		 sizeof(((union bpf_attr *)0)->link_create), strerror(ENOTSUPP));
	CHECK(!strcmp(got, want), "log output:\n%s--- want:\n%s", got, want);
	CHECK(log_errno_after == EINVAL, "errno %d after a logged call", log_errno_after);
}

static void case_log_off(void)
{
	const char *got = capture_stderr(log_calls);

	CHECK(!*got, "output without KBPF_SHIM_LOG=1: %s", got);
	CHECK(log_errno_after == EINVAL, "errno %d", log_errno_after);
}

static void prog_load_call(void)
{
	union bpf_attr attr = {};

	sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

static void case_log_no_device(void)
{
	const char *got = capture_stderr(prog_load_call);
	char want[256];

	snprintf(want, sizeof(want),
		 "kbpf-shim: bpf(BPF_PROG_LOAD, size=%zu) = -1 ENOENT (No such file or directory)\n",
		 sizeof(union bpf_attr));
	CHECK(!strcmp(got, want), "log output: %s--- want: %s", got, want);
}

struct tcase {
	const char *name;
	void (*fn)(void);
	const char *device;	/* KBPF_DEVICE (NULL: unset) */
	const char *fake;	/* FAKEDEV_PATHS */
	const char *fail;	/* FAKEDEV_FAIL */
	const char *log;	/* KBPF_SHIM_LOG */
};

static const struct tcase cases[] = {
	{ "forward", case_forward, "/fake/kbpf", "/fake/kbpf", NULL, NULL },
	{ "writeback", case_writeback, "/fake/kbpf", "/fake/kbpf", NULL, NULL },
	{ "errno", case_errno, "/fake/kbpf", "/fake/kbpf", NULL, NULL },
	{ "args", case_args, "/fake/kbpf", "/fake/kbpf", NULL, NULL },
	{ "passthrough", case_passthrough, "/fake/kbpf", "/fake/kbpf", NULL, NULL },
	{ "default_device", case_default_path, NULL, "/dev/kbpf", NULL, NULL },
	{ "empty_device_env", case_default_path, "", "/dev/kbpf", NULL, NULL },
	{ "device_env", case_device_env, "/fake/other-kbpf", "/fake/other-kbpf:/dev/kbpf", NULL, NULL },
	{ "no_device", case_no_device, "/nonexistent/kbpf", "", NULL, NULL },
	{ "open_eacces", case_open_eacces, "/fake/denied", "", "/fake/denied:13", NULL },
	{ "not_a_device", case_not_a_device, "/dev/null", "", NULL, NULL },
	{ "low_fd", case_low_fd, "/fake/kbpf", "/fake/kbpf", NULL, NULL },
	{ "threads", case_threads, "/fake/kbpf", "/fake/kbpf", NULL, NULL },
	{ "log", case_log, "/fake/kbpf", "/fake/kbpf", NULL, "1" },
	{ "log_off", case_log_off, "/fake/kbpf", "/fake/kbpf", NULL, NULL },
	{ "log_zero", case_log_off, "/fake/kbpf", "/fake/kbpf", NULL, "0" },
	{ "log_no_device", case_log_no_device, "/nonexistent/kbpf", "", NULL, "1" },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* ---- runner side ------------------------------------------------------------ */

static int match(const char *filter, const char *name)
{
	char buf[256], *tok, *save = NULL;

	if (!filter || !*filter)
		return 1;
	snprintf(buf, sizeof(buf), "%s", filter);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!fnmatch(tok, name, 0) || strstr(name, tok))
			return 1;
	return 0;
}

static int run_case(const struct tcase *c, const char *preload, const char *full)
{
	char out[4096], *nl;
	int pfd[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[1]);
		unsetenv("KBPF_DEVICE");
		unsetenv("KBPF_SHIM_LOG");
		unsetenv("FAKEDEV_FAIL");
		if (c->device)
			setenv("KBPF_DEVICE", c->device, 1);
		if (c->log)
			setenv("KBPF_SHIM_LOG", c->log, 1);
		if (c->fail)
			setenv("FAKEDEV_FAIL", c->fail, 1);
		setenv("FAKEDEV_PATHS", c->fake, 1);
		setenv("LD_PRELOAD", preload, 1);
		alarm(30);
		execl("/proc/self/exe", "shim_test", "--case", c->name, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while (len < sizeof(out) - 1 &&
	       (n = read(pfd[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += n;
	out[len] = '\0';
	close(pfd[0]);
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("PASS: %s\n", full);
		return 0;
	}
	for (nl = out; *nl; nl++)
		if (*nl == '\n' && nl[1])
			*nl = ' ';
	if (len && out[len - 1] == '\n')
		out[len - 1] = '\0';
	if (WIFSIGNALED(status))
		printf("FAIL: %s (killed by signal %d; %s)\n", full, WTERMSIG(status), out);
	else
		printf("FAIL: %s (status %d: %s)\n", full, WEXITSTATUS(status), out);
	return 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: shim_test --shim LIB --fake LIB [--first LIB]... "
		"[--prefix P] [-t FILTER] [-l]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *shim = NULL, *fake = NULL, *prefix = "shim_", *filter = NULL;
	char preload[4096] = "", full[256];
	int i, fails = 0, ran = 0, list = 0;
	unsigned int k;

	if (argc == 3 && !strcmp(argv[1], "--case")) {
		for (k = 0; k < NCASES; k++) {
			if (!strcmp(cases[k].name, argv[2])) {
				setup();
				cases[k].fn();
				return 0;
			}
		}
		fprintf(stderr, "no case %s\n", argv[2]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--shim") && i + 1 < argc) {
			shim = argv[++i];
		} else if (!strcmp(argv[i], "--fake") && i + 1 < argc) {
			fake = argv[++i];
		} else if (!strcmp(argv[i], "--first") && i + 1 < argc) {
			strncat(preload, argv[++i], sizeof(preload) - strlen(preload) - 2);
			strcat(preload, " ");
		} else if (!strcmp(argv[i], "--prefix") && i + 1 < argc) {
			prefix = argv[++i];
		} else if (!strcmp(argv[i], "-t") && i + 1 < argc) {
			filter = argv[++i];
		} else if (!strcmp(argv[i], "-l")) {
			list = 1;
		} else {
			usage();
		}
	}
	if (!list && (!shim || !fake))
		usage();
	if (!list)
		snprintf(preload + strlen(preload), sizeof(preload) - strlen(preload),
			 "%s %s", fake, shim);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (k = 0; k < NCASES; k++) {
		snprintf(full, sizeof(full), "%s%s", prefix, cases[k].name);
		if (!match(filter, full))
			continue;
		if (list) {
			puts(full);
			continue;
		}
		ran++;
		fails += run_case(&cases[k], preload, full) != 0;
	}
	return fails ? 1 : 0;
}
