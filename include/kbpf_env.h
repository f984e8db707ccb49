/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one header through which the portable core (verifier/, jit/ and the
 * helper prototype table) reaches its environment. The same .c files build
 * into kbpf.ko and into the native userspace library (libkbpfcore.a) used by
 * unit tests, fuzzers and benchmarks. Nothing in the core includes a kernel or
 * libc header directly.
 */
#ifndef _KBPF_ENV_H
#define _KBPF_ENV_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/timekeeping.h>

#define kbpf_zalloc(sz)		kvzalloc((sz), GFP_KERNEL_ACCOUNT)
#define kbpf_free(p)		kvfree(p)
#define kbpf_cond_resched()	cond_resched()
#define kbpf_ktime_ns()		ktime_get_ns()

#else /* userspace */
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <stdarg.h>
#include <errno.h>
#include <linux/bpf.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef MAX_BPF_STACK
#define MAX_BPF_STACK		512
#endif
#define BPF_REG_FP		BPF_REG_10

#define kbpf_zalloc(sz)		calloc(1, (sz))
#define kbpf_free(p)		free(p)
#define kbpf_cond_resched()	do { } while (0)
#include <time.h>
static inline u64 kbpf_ktime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

#ifndef __printf
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#ifndef ENOTSUPP
#define ENOTSUPP		524	/* the kernel's internal errno, as bpf(2) returns it */
#endif
#ifndef fallthrough
#define fallthrough		__attribute__((__fallthrough__))
#endif
#ifndef likely
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#endif
#ifndef min
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#endif
#endif /* __KERNEL__ */

#endif /* _KBPF_ENV_H */
