// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers with no arguments that report time, randomness or where the
 * program runs. Programs run with migration disabled, so the CPU and node
 * ids are stable for the run.
 */
#include <linux/ktime.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include <linux/topology.h>

#include "kbpf_internal.h"
#include "kbpf_helpers.h"

u64 kbpf_helper_ktime_get_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return ktime_get_mono_fast_ns();
}

u64 kbpf_helper_ktime_get_boot_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return ktime_get_boot_fast_ns();
}

u64 kbpf_helper_ktime_get_coarse_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return ktime_get_coarse_ns();
}

u64 kbpf_helper_jiffies64(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return get_jiffies_64();
}

u64 kbpf_helper_get_prandom_u32(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return get_random_u32();
}

u64 kbpf_helper_get_smp_processor_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return smp_processor_id();
}

u64 kbpf_helper_get_numa_node_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return numa_node_id();
}

/* long bpf_skb_load_bytes(const void *skb, u32 offset, void *to, u32 len) */
u64 kbpf_helper_skb_load_bytes(u64 ctx, u64 off, u64 to, u64 len, u64 r5)
{
	return (u64)kbpf_skb_load_bytes((const void *)(unsigned long)ctx, (u32)off,
					(void *)(unsigned long)to, (u32)len);
}
