// SPDX-License-Identifier: GPL-2.0
/*
 * KCOV for the ioctl fuzzer (see kcov.h). The trace buffer is the kernel's
 * layout: word 0 counts the PCs that follow. Distinct PCs go into an
 * open-addressing table that never shrinks; a full table stops counting
 * new ones (reported as overflows, never as lost coverage silently).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kcov.h>

#include "kcov.h"

#define SET_SIZE	(1UL << FUZZ_KCOV_SET_BITS)

static unsigned long *trace;	/* FUZZ_KCOV_WORDS words, mmapped */
static uint64_t *set;		/* 0 = empty */
static unsigned long distinct, overflows;
static int kcov_fd = -1;

int fuzz_kcov_open(void)
{
	int err;

	kcov_fd = open(FUZZ_KCOV_PATH, O_RDWR | O_CLOEXEC);
	if (kcov_fd < 0)
		return -errno;
	if (ioctl(kcov_fd, KCOV_INIT_TRACE, FUZZ_KCOV_WORDS))
		goto fail;
	trace = mmap(NULL, FUZZ_KCOV_WORDS * sizeof(unsigned long), PROT_READ | PROT_WRITE,
		     MAP_SHARED, kcov_fd, 0);
	if (trace == MAP_FAILED) {
		trace = NULL;
		goto fail;
	}
	set = calloc(SET_SIZE, sizeof(*set));
	if (!set) {
		errno = ENOMEM;
		goto fail;
	}
	if (ioctl(kcov_fd, KCOV_ENABLE, KCOV_TRACE_PC))
		goto fail;
	return 0;
fail:
	err = -errno;
	free(set);
	set = NULL;
	if (trace)
		munmap(trace, FUZZ_KCOV_WORDS * sizeof(unsigned long));
	trace = NULL;
	close(kcov_fd);
	kcov_fd = -1;
	return err;
}

bool fuzz_kcov_on(void)
{
	return trace != NULL;
}

void fuzz_kcov_begin(void)
{
	if (trace)
		__atomic_store_n(&trace[0], 0, __ATOMIC_RELAXED);
}

/* Insert pc; true if it was new. */
static bool set_add(uint64_t pc)
{
	uint64_t h = (pc * 0x9e3779b97f4a7c15ULL) >> (64 - FUZZ_KCOV_SET_BITS);
	unsigned long probes;

	for (probes = 0; probes < SET_SIZE; probes++, h = (h + 1) & (SET_SIZE - 1)) {
		if (set[h] == pc)
			return false;
		if (!set[h]) {
			if (distinct >= SET_SIZE / 2) {	/* keep probes short */
				overflows++;
				return false;
			}
			set[h] = pc;
			distinct++;
			return true;
		}
	}
	return false;
}

unsigned long fuzz_kcov_end(void)
{
	unsigned long n, i, fresh = 0;

	if (!trace)
		return 0;
	n = __atomic_load_n(&trace[0], __ATOMIC_RELAXED);
	if (n >= FUZZ_KCOV_WORDS) {
		overflows++;
		n = FUZZ_KCOV_WORDS - 1;
	}
	for (i = 0; i < n; i++)
		fresh += set_add(trace[i + 1]);
	return fresh;
}

unsigned long fuzz_kcov_distinct(void)
{
	return distinct;
}

unsigned long fuzz_kcov_overflows(void)
{
	return overflows;
}

int fuzz_kcov_dump(const char *path)
{
	unsigned long i;
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	for (i = 0; set && i < SET_SIZE; i++)
		if (set[i])
			fprintf(f, "%#llx\n", (unsigned long long)set[i]);
	return fclose(f) ? -errno : 0;
}
