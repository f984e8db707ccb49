/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KCOV for the ioctl fuzzer: per-call coverage of kbpf.ko when it is built
 * with KCOV_INSTRUMENT (the debug module: KBPF_KCOV=1), on a kernel with
 * CONFIG_KCOV and without KCOV_INSTRUMENT_ALL, so every PC is kbpf's.
 */
#ifndef KBPF_FUZZ_KCOV_H
#define KBPF_FUZZ_KCOV_H

#include <stdbool.h>

#define FUZZ_KCOV_PATH		"/sys/kernel/debug/kcov"
#define FUZZ_KCOV_WORDS		(1UL << 18)	/* trace buffer: PCs per call */
#define FUZZ_KCOV_SET_BITS	20		/* distinct-PC table: 1M slots */

/* Open, size and enable KCOV (PC tracing) for this thread; 0 or -errno. */
int fuzz_kcov_open(void);
/* Start one call's trace. */
void fuzz_kcov_begin(void);
/* End it: the number of PCs not seen before (0 without KCOV). */
unsigned long fuzz_kcov_end(void);
/* Distinct PCs seen so far; trace buffer overflows. */
unsigned long fuzz_kcov_distinct(void);
unsigned long fuzz_kcov_overflows(void);
bool fuzz_kcov_on(void);
/* Write every distinct PC, one hex address a line; 0 or -errno. */
int fuzz_kcov_dump(const char *path);

#endif
