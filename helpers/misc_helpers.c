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
#include <linux/rcupdate.h>
#include <linux/preempt.h>
#include <net/cls_cgroup.h>

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

/* s64 bpf_csum_diff(__be32 *from, u32 from_size, __be32 *to, u32 to_size, __wsum seed) */
u64 kbpf_helper_csum_diff(u64 from, u64 from_size, u64 to, u64 to_size, u64 seed)
{
	return (u64)kbpf_csum_diff((const void *)(unsigned long)from, (u32)from_size,
				   (const void *)(unsigned long)to, (u32)to_size, (u32)seed);
}

/*
 * u64 bpf_get_cgroup_classid(skb): as 6.1's task_get_classid(), the net_cls
 * classid of the current task. In softirq context 6.1 asks the skb's
 * socket instead; kbpf's packet contexts carry no socket, so that is 0.
 */
u64 kbpf_helper_get_cgroup_classid(u64 ctx, u64 r2, u64 r3, u64 r4, u64 r5)
{
	u32 classid = 0;

#if IS_ENABLED(CONFIG_CGROUP_NET_CLASSID)
	if (softirq_count())
		return 0;
	rcu_read_lock();
	classid = task_cls_state(current)->classid;
	rcu_read_unlock();
#endif
	return classid;
}

/*
 * s64 bpf_csum_update(skb, csum): 6.1 adds csum to skb->csum when the skb
 * has ip_summed == CHECKSUM_COMPLETE, else returns -ENOTSUPP. kbpf's
 * packet contexts carry no checksum state, like the CHECKSUM_NONE skbs of
 * 6.1's BPF_PROG_TEST_RUN: -ENOTSUPP.
 */
u64 kbpf_helper_csum_update(u64 ctx, u64 csum, u64 r3, u64 r4, u64 r5)
{
	return (u64)(s64)-ENOTSUPP;
}

/* long bpf_strtol(const char *buf, size_t buf_len, u64 flags, long *res) */
u64 kbpf_helper_strtol(u64 buf, u64 len, u64 flags, u64 res, u64 r5)
{
	return (u64)kbpf_strtol((const void *)(unsigned long)buf, (u32)len, flags,
				(s64 *)(unsigned long)res);
}

/* long bpf_strtoul(const char *buf, size_t buf_len, u64 flags, unsigned long *res) */
u64 kbpf_helper_strtoul(u64 buf, u64 len, u64 flags, u64 res, u64 r5)
{
	return (u64)kbpf_strtoul((const void *)(unsigned long)buf, (u32)len, flags,
				 (u64 *)(unsigned long)res);
}
