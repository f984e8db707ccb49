// SPDX-License-Identifier: GPL-2.0
/*
 * libkbpf-preload.so: send bpf(2) to /dev/kbpf, unchanged callers.
 *
 * Interposes glibc's syscall(). A call with number __NR_bpf becomes
 *
 *	struct kbpf_call call = { cmd, size, (u64)attr };
 *	ioctl(devfd, KBPF_IOC_CALL, &call);
 *
 * The caller's attr is passed by pointer, so whatever kbpf writes back (new
 * ids, info_len, test-run results, ...) lands in the caller's own union
 * bpf_attr, exactly as with bpf(2). The return value and errno are the
 * ioctl's, which kbpf makes identical to bpf(2)'s. Every other syscall number
 * goes to the real syscall() (found with dlsym(RTLD_NEXT)) with its six
 * argument registers untouched.
 *
 * Environment (read once, at the first bpf call):
 *   KBPF_DEVICE     device path (default /dev/kbpf)
 *   KBPF_SHIM_LOG   "1": one line per bpf call on stderr:
 *                     kbpf-shim: bpf(BPF_MAP_CREATE, size=72) = 3
 *                     kbpf-shim: bpf(BPF_BTF_LOAD, size=40) = -1 EINVAL (Invalid argument)
 *
 * The device is opened lazily (first bpf call), once per process, with
 * O_RDWR | O_CLOEXEC, and moved to an fd >= 3 if it landed on 0-2. If the
 * open fails, that bpf call and every later one return -1 with the open's
 * errno (ENOENT: module not loaded; EACCES: /dev/kbpf is 0600 root). There is
 * no fallback to the kernel's own bpf(2).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "uapi/kbpf.h"

#define SHIM_EXPORT __attribute__((visibility("default")))

typedef long (*syscall_fn)(long number, ...);

static syscall_fn real_syscall_ptr;

static pthread_once_t dev_once = PTHREAD_ONCE_INIT;
static int dev_fd = -1;
static int dev_errno;		/* the open's errno when dev_fd < 0 */
static int log_enabled;

#define CMD(x) [BPF_##x] = "BPF_" #x
static const char *const cmd_names[] = {
	CMD(MAP_CREATE), CMD(MAP_LOOKUP_ELEM), CMD(MAP_UPDATE_ELEM),
	CMD(MAP_DELETE_ELEM), CMD(MAP_GET_NEXT_KEY), CMD(PROG_LOAD),
	CMD(OBJ_PIN), CMD(OBJ_GET), CMD(PROG_ATTACH), CMD(PROG_DETACH),
	CMD(PROG_TEST_RUN), CMD(PROG_GET_NEXT_ID), CMD(MAP_GET_NEXT_ID),
	CMD(PROG_GET_FD_BY_ID), CMD(MAP_GET_FD_BY_ID), CMD(OBJ_GET_INFO_BY_FD),
	CMD(PROG_QUERY), CMD(RAW_TRACEPOINT_OPEN), CMD(BTF_LOAD),
	CMD(BTF_GET_FD_BY_ID), CMD(TASK_FD_QUERY),
	CMD(MAP_LOOKUP_AND_DELETE_ELEM), CMD(MAP_FREEZE), CMD(BTF_GET_NEXT_ID),
	CMD(MAP_LOOKUP_BATCH), CMD(MAP_LOOKUP_AND_DELETE_BATCH),
	CMD(MAP_UPDATE_BATCH), CMD(MAP_DELETE_BATCH), CMD(LINK_CREATE),
	CMD(LINK_UPDATE), CMD(LINK_GET_FD_BY_ID), CMD(LINK_GET_NEXT_ID),
	CMD(ENABLE_STATS), CMD(ITER_CREATE), CMD(LINK_DETACH),
	CMD(PROG_BIND_MAP),
};
#undef CMD

static syscall_fn real_syscall(void)
{
	syscall_fn fn = __atomic_load_n(&real_syscall_ptr, __ATOMIC_ACQUIRE);

	if (!fn) {
		/* Idempotent: racing threads all store the same pointer. */
		fn = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
		__atomic_store_n(&real_syscall_ptr, fn, __ATOMIC_RELEASE);
	}
	return fn;
}

static void dev_open(void)
{
	const char *path = getenv("KBPF_DEVICE");
	const char *log = getenv("KBPF_SHIM_LOG");
	int fd;

	log_enabled = log && strcmp(log, "1") == 0;
	if (!path || !*path)
		path = KBPF_DEVICE_PATH;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		dev_errno = errno;
		return;
	}
	if (fd < 3) {
		/* Keep stdin/stdout/stderr free for the program. */
		int hi = fcntl(fd, F_DUPFD_CLOEXEC, 3);

		if (hi < 0) {
			dev_errno = errno;
			close(fd);
			return;
		}
		close(fd);
		fd = hi;
	}
	dev_fd = fd;
}

static void log_call(unsigned int cmd, unsigned int size, long ret, int err)
{
	char buf[192], cmdbuf[24];
	const char *name = NULL, *ename;
	int n;

	if (cmd < sizeof(cmd_names) / sizeof(cmd_names[0]))
		name = cmd_names[cmd];
	if (!name) {
		snprintf(cmdbuf, sizeof(cmdbuf), "cmd %u", cmd);
		name = cmdbuf;
	}
	if (ret >= 0) {
		n = snprintf(buf, sizeof(buf), "kbpf-shim: bpf(%s, size=%u) = %ld\n",
			     name, size, ret);
	} else {
		/* 524 is the kernel-internal ENOTSUPP that bpf(2) leaks. */
		ename = err == 524 ? "ENOTSUPP" : strerrorname_np(err);
		n = snprintf(buf, sizeof(buf),
			     "kbpf-shim: bpf(%s, size=%u) = -1 %s (%s)\n", name,
			     size, ename ? ename : "E?", strerror(err));
	}
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	/* One write(2), so lines from several threads do not interleave. */
	if (write(STDERR_FILENO, buf, n) < 0) {
		/* Nothing sensible to do; errno is restored by the caller. */
	}
}

static long shim_bpf(long cmd, long attr, long size)
{
	/* bpf(2) takes (int cmd, union bpf_attr *, unsigned int size). */
	struct kbpf_call call = {
		.cmd = (__u32)cmd,
		.size = (__u32)size,
		.attr = (__u64)(unsigned long)attr,
	};
	long ret;
	int err;

	pthread_once(&dev_once, dev_open);
	if (dev_fd < 0) {
		ret = -1;
		err = dev_errno;
	} else {
		ret = ioctl(dev_fd, KBPF_IOC_CALL, &call);
		err = errno;
	}
	if (log_enabled)
		log_call(call.cmd, call.size, ret, err);
	if (ret < 0)
		errno = err;
	return ret;
}

/*
 * no_sanitize_address: the sixth va_arg of a caller that passed fewer than
 * six arguments reads a slot of the caller's stack frame (see below); that
 * read is deliberate and harmless, but ASan would flag it.
 */
SHIM_EXPORT __attribute__((no_sanitize_address))
long syscall(long number, ...)
{
	syscall_fn fn;
	va_list ap;
	long a[6];
	int i;

	/*
	 * The caller may have passed fewer than six arguments; reading six
	 * longs is what glibc's own syscall() does: on x86-64 the first five
	 * come from the argument registers, the sixth from the caller's
	 * outgoing-argument stack slot, which is always mapped memory. The
	 * values of unused arguments are ignored by the kernel.
	 */
	va_start(ap, number);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);

	if (number == __NR_bpf)
		return shim_bpf(a[0], a[1], a[2]);

	fn = real_syscall();
	if (!fn) {
		errno = ENOSYS;
		return -1;
	}
	return fn(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
