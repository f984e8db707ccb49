/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel implementations of helpers (the helpers/ folder), for table.c. */
#ifndef _KBPF_HELPERS_H
#define _KBPF_HELPERS_H

#include "kbpf_core.h"

/* misc_helpers.c */
u64 kbpf_helper_ktime_get_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_ktime_get_boot_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_ktime_get_coarse_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_jiffies64(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_get_prandom_u32(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_get_smp_processor_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_get_numa_node_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_skb_load_bytes(u64 ctx, u64 off, u64 to, u64 len, u64 r5);
u64 kbpf_helper_csum_diff(u64 from, u64 from_size, u64 to, u64 to_size, u64 seed);
u64 kbpf_helper_get_cgroup_classid(u64 ctx, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_csum_update(u64 ctx, u64 csum, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_strtol(u64 buf, u64 len, u64 flags, u64 res, u64 r5);
u64 kbpf_helper_strtoul(u64 buf, u64 len, u64 flags, u64 res, u64 r5);

/* skb_hash_helpers.c */
u64 kbpf_helper_get_hash_recalc(u64 ctx, u64 r2, u64 r3, u64 r4, u64 r5);

/* sk_helpers.c */
u64 kbpf_helper_sk_lookup_tcp(u64 ctx, u64 tuple, u64 len, u64 netns, u64 flags);
u64 kbpf_helper_sk_lookup_udp(u64 ctx, u64 tuple, u64 len, u64 netns, u64 flags);
u64 kbpf_helper_skc_lookup_tcp(u64 ctx, u64 tuple, u64 len, u64 netns, u64 flags);
u64 kbpf_helper_sk_release(u64 sock, u64 r2, u64 r3, u64 r4, u64 r5);

/* map_helpers.c (the others are in kmod/kbpf_internal.h) */
u64 kbpf_helper_map_push_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_map_pop_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_map_peek_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);

/* ringbuf_helpers.c */
u64 kbpf_helper_ringbuf_reserve(u64 map, u64 size, u64 flags, u64 r4, u64 r5);
u64 kbpf_helper_ringbuf_submit(u64 sample, u64 flags, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_ringbuf_discard(u64 sample, u64 flags, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_ringbuf_output(u64 map, u64 data, u64 size, u64 flags, u64 r5);
u64 kbpf_helper_ringbuf_query(u64 map, u64 flags, u64 r3, u64 r4, u64 r5);

/* perf_helpers.c */
u64 kbpf_helper_perf_event_output(u64 ctx, u64 map, u64 flags, u64 data, u64 size);
u64 kbpf_helper_skb_event_output(u64 ctx, u64 map, u64 flags, u64 data, u64 size);
u64 kbpf_helper_xdp_event_output(u64 ctx, u64 map, u64 flags, u64 data, u64 size);

/* trace_helpers.c */
u64 kbpf_helper_probe_read_kernel(u64 dst, u64 size, u64 src, u64 r4, u64 r5);
u64 kbpf_helper_probe_read_user(u64 dst, u64 size, u64 src, u64 r4, u64 r5);
u64 kbpf_helper_probe_read_kernel_str(u64 dst, u64 size, u64 src, u64 r4, u64 r5);
u64 kbpf_helper_probe_read_user_str(u64 dst, u64 size, u64 src, u64 r4, u64 r5);
u64 kbpf_helper_probe_read(u64 dst, u64 size, u64 src, u64 r4, u64 r5);
u64 kbpf_helper_probe_read_str(u64 dst, u64 size, u64 src, u64 r4, u64 r5);
u64 kbpf_helper_get_current_pid_tgid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_get_current_uid_gid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_get_current_comm(u64 buf, u64 size, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_get_current_task(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_get_current_cgroup_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_get_func_ip(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_get_stackid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_get_stack(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_get_attach_cookie(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_trace_printk(u64 fmt, u64 fmt_size, u64 a1, u64 a2, u64 a3);
void kbpf_trace_printk_prepare(void);

#endif /* _KBPF_HELPERS_H */
