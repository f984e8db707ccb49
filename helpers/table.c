// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel implementations of helpers, indexed by helper id (enum
 * bpf_func_id), next to the prototypes the verifier reads in protos.c.
 * An id with a prototype must have an implementation here.
 */
#include "kbpf_internal.h"
#include "kbpf_helpers.h"

const kbpf_helper_fn kbpf_helper_fns[KBPF_FUNC_MAX] = {
	[BPF_FUNC_map_lookup_elem]	= kbpf_helper_map_lookup_elem,
	[BPF_FUNC_map_update_elem]	= kbpf_helper_map_update_elem,
	[BPF_FUNC_map_delete_elem]	= kbpf_helper_map_delete_elem,
	[BPF_FUNC_tail_call]		= NULL,	/* inlined: KBPF_INSN_TAIL_CALL */
	[BPF_FUNC_ktime_get_ns]		= kbpf_helper_ktime_get_ns,
	[BPF_FUNC_ktime_get_boot_ns]	= kbpf_helper_ktime_get_boot_ns,
	[BPF_FUNC_ktime_get_coarse_ns]	= kbpf_helper_ktime_get_coarse_ns,
	[BPF_FUNC_jiffies64]		= kbpf_helper_jiffies64,
	[BPF_FUNC_get_prandom_u32]	= kbpf_helper_get_prandom_u32,
	[BPF_FUNC_get_smp_processor_id]	= kbpf_helper_get_smp_processor_id,
	[BPF_FUNC_get_numa_node_id]	= kbpf_helper_get_numa_node_id,
	[BPF_FUNC_skb_load_bytes]	= kbpf_helper_skb_load_bytes,
	[BPF_FUNC_csum_diff]		= kbpf_helper_csum_diff,
	[BPF_FUNC_get_cgroup_classid]	= kbpf_helper_get_cgroup_classid,
	[BPF_FUNC_csum_update]		= kbpf_helper_csum_update,
	[BPF_FUNC_get_hash_recalc]	= kbpf_helper_get_hash_recalc,
	[BPF_FUNC_strtol]		= kbpf_helper_strtol,
	[BPF_FUNC_strtoul]		= kbpf_helper_strtoul,
	[BPF_FUNC_sk_lookup_tcp]	= kbpf_helper_sk_lookup_tcp,
	[BPF_FUNC_sk_lookup_udp]	= kbpf_helper_sk_lookup_udp,
	[BPF_FUNC_skc_lookup_tcp]	= kbpf_helper_skc_lookup_tcp,
	[BPF_FUNC_sk_release]		= kbpf_helper_sk_release,
	[BPF_FUNC_get_func_ip]		= kbpf_helper_get_func_ip,
	[BPF_FUNC_get_attach_cookie]	= kbpf_helper_get_attach_cookie,
	[BPF_FUNC_get_stackid]		= kbpf_helper_get_stackid,
	[BPF_FUNC_get_stack]		= kbpf_helper_get_stack,
	[BPF_FUNC_map_push_elem]	= kbpf_helper_map_push_elem,
	[BPF_FUNC_map_pop_elem]		= kbpf_helper_map_pop_elem,
	[BPF_FUNC_map_peek_elem]	= kbpf_helper_map_peek_elem,
	[BPF_FUNC_probe_read_kernel]	= kbpf_helper_probe_read_kernel,
	[BPF_FUNC_probe_read_kernel_str] = kbpf_helper_probe_read_kernel_str,
	[BPF_FUNC_probe_read_user]	= kbpf_helper_probe_read_user,
	[BPF_FUNC_probe_read_user_str]	= kbpf_helper_probe_read_user_str,
	[BPF_FUNC_probe_read]		= kbpf_helper_probe_read,
	[BPF_FUNC_probe_read_str]	= kbpf_helper_probe_read_str,
	[BPF_FUNC_trace_printk]		= kbpf_helper_trace_printk,
	[BPF_FUNC_get_current_pid_tgid]	= kbpf_helper_get_current_pid_tgid,
	[BPF_FUNC_get_current_uid_gid]	= kbpf_helper_get_current_uid_gid,
	[BPF_FUNC_get_current_comm]	= kbpf_helper_get_current_comm,
	[BPF_FUNC_get_current_task]	= kbpf_helper_get_current_task,
	[BPF_FUNC_get_current_cgroup_id] = kbpf_helper_get_current_cgroup_id,
	[BPF_FUNC_ringbuf_output]	= kbpf_helper_ringbuf_output,
	[BPF_FUNC_ringbuf_reserve]	= kbpf_helper_ringbuf_reserve,
	[BPF_FUNC_ringbuf_submit]	= kbpf_helper_ringbuf_submit,
	[BPF_FUNC_ringbuf_discard]	= kbpf_helper_ringbuf_discard,
	[BPF_FUNC_ringbuf_query]	= kbpf_helper_ringbuf_query,
	[BPF_FUNC_perf_event_output]	= kbpf_helper_perf_event_output,
	[KBPF_FUNC_skb_event_output]	= kbpf_helper_skb_event_output,
	[KBPF_FUNC_xdp_event_output]	= kbpf_helper_xdp_event_output,
};
