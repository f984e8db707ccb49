// SPDX-License-Identifier: GPL-2.0
/*
 * libkbpf-fakedev.so: a fake /dev/kbpf for the shim's native tests.
 *
 * Preloaded BEFORE libkbpf-preload.so, it interposes open()/openat() and
 * ioctl(). Paths listed in FAKEDEV_PATHS (colon-separated) open a memfd that
 * stands for the device; FAKEDEV_FAIL="path:errno" makes opening that path
 * fail with that errno. Every open through these hooks is recorded (path,
 * flags). An ioctl on the fake device (recognised by inode, so dup'ed fds
 * count too) records the request and the struct kbpf_call, copies the
 * scripted bytes into the caller's attr, and returns the scripted value and
 * errno. The test program reaches the state with dlsym(RTLD_DEFAULT,
 * "fakedev_state").
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakedev.h"

#define EXPORT __attribute__((visibility("default")))

static struct fakedev_state state;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static dev_t fake_dev;
static ino_t fake_ino;
static int have_fake;

EXPORT struct fakedev_state *fakedev_state(void)
{
	return &state;
}

static int path_listed(const char *list, const char *path)
{
	size_t n = strlen(path);
	const char *p = list;

	while (p && *p) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !strncmp(p, path, n))
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

/* FAKEDEV_FAIL="path:errno": the errno to fail with, or 0. */
static int fail_errno(const char *path)
{
	const char *spec = getenv("FAKEDEV_FAIL");
	const char *colon;

	if (!spec)
		return 0;
	colon = strrchr(spec, ':');
	if (!colon || (size_t)(colon - spec) != strlen(path) ||
	    strncmp(spec, path, colon - spec))
		return 0;
	return atoi(colon + 1);
}

/* Returns -2 when the path is not ours (caller does the real open). */
static int fake_open(const char *path, int flags)
{
	struct stat st;
	int fd, err;

	pthread_mutex_lock(&lock);
	state.opens++;
	strncpy(state.last_path, path, sizeof(state.last_path) - 1);
	state.last_flags = flags;
	pthread_mutex_unlock(&lock);

	err = fail_errno(path);
	if (err) {
		errno = err;
		return -1;
	}
	if (!path_listed(getenv("FAKEDEV_PATHS"), path))
		return -2;
	fd = memfd_create("kbpf-fakedev", (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0) {
		pthread_mutex_lock(&lock);
		fake_dev = st.st_dev;
		fake_ino = st.st_ino;
		have_fake = 1;
		state.dev_opens++;
		pthread_mutex_unlock(&lock);
	}
	return fd;
}

static int mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, int) : 0;
}

EXPORT int open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	va_list ap;
	int mode, fd;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	fd = fake_open(path, flags);
	if (fd != -2)
		return fd;
	if (!real)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	return real(path, flags, mode);
}

EXPORT int open64(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return open(path, flags, mode);
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	static int (*real)(int, const char *, int, ...);
	va_list ap;
	int mode, fd;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	if (path[0] == '/') {
		fd = fake_open(path, flags);
		if (fd != -2)
			return fd;
	}
	if (!real)
		real = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat");
	return real(dirfd, path, flags, mode);
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return openat(dirfd, path, flags, mode);
}

static int is_fake_fd(int fd)
{
	struct stat st;

	return have_fake && fstat(fd, &st) == 0 && st.st_dev == fake_dev &&
	       st.st_ino == fake_ino;
}

EXPORT int ioctl(int fd, unsigned long request, ...)
{
	static int (*real)(int, unsigned long, ...);
	struct kbpf_call *call;
	va_list ap;
	void *arg;
	long ret;
	int err;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);

	if (!is_fake_fd(fd)) {
		if (!real)
			real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
		return real(fd, request, arg);
	}

	pthread_mutex_lock(&lock);
	state.calls++;
	state.last_fd = fd;
	state.last_request = request;
	call = arg;
	state.last_call_ptr = arg;
	if (call)
		state.last_call = *call;
	if (state.delay_us)
		usleep(state.delay_us);
	if (call && state.wb_len && call->attr) {
		memcpy((char *)(unsigned long)call->attr + state.wb_off,
		       state.wb, state.wb_len);
	}
	ret = state.ret;
	err = state.err;
	pthread_mutex_unlock(&lock);

	if (ret < 0) {
		errno = err;
		return -1;
	}
	return (int)ret;
}
