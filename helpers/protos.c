// SPDX-License-Identifier: GPL-2.0
/*
 * The helper prototype table: one declarative entry per helper, indexed by
 * the kernel's helper id (enum bpf_func_id). The verifier reads nothing else
 * to check a call; the module supplies the implementations separately
 * (helpers/table.c), under the same ids.
 */
#include "kbpf_core.h"

/* The program types with socket lookups (6.1: also cgroup sock_addr, sk_skb). */
#define KBPF_TYPES_SK_LOOKUP	(KBPF_TYPE_BIT(BPF_PROG_TYPE_SCHED_CLS) | \
				 KBPF_TYPE_BIT(BPF_PROG_TYPE_SCHED_ACT) | \
				 KBPF_TYPE_BIT(BPF_PROG_TYPE_XDP))

static const struct kbpf_helper_proto kbpf_protos[KBPF_FUNC_MAX] = {
	[BPF_FUNC_map_lookup_elem] = {
		.name = "map_lookup_elem",
		.pkt_access = true,
		.ret = KBPF_RET_PTR_TO_MAP_VALUE_OR_NULL,
		.arg = { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_MAP_KEY },
	},
	[BPF_FUNC_map_update_elem] = {
		.name = "map_update_elem",
		.pkt_access = true,
		.ret = KBPF_RET_INTEGER,
		.arg = { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_MAP_KEY,
			 KBPF_ARG_PTR_TO_MAP_VALUE, KBPF_ARG_ANYTHING },
	},
	[BPF_FUNC_map_delete_elem] = {
		.name = "map_delete_elem",
		.pkt_access = true,
		.ret = KBPF_RET_INTEGER,
		.arg = { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_MAP_KEY },
	},
	/* time, randomness, where we run: no arguments, an integer back */
	[BPF_FUNC_ktime_get_ns] = { .name = "ktime_get_ns", .ret = KBPF_RET_INTEGER },
	[BPF_FUNC_ktime_get_boot_ns] = { .name = "ktime_get_boot_ns", .ret = KBPF_RET_INTEGER },
	/* not from tracing programs, which may run in NMI (as Linux) */
	[BPF_FUNC_ktime_get_coarse_ns] = { .name = "ktime_get_coarse_ns", .ret = KBPF_RET_INTEGER,
					   .types = ~(KBPF_TYPES_TRACING |
						      KBPF_TYPE_BIT(BPF_PROG_TYPE_PERF_EVENT)) },
	[BPF_FUNC_jiffies64] = { .name = "jiffies64", .ret = KBPF_RET_INTEGER, .capbpf = true },
	[BPF_FUNC_get_prandom_u32] = { .name = "get_prandom_u32", .ret = KBPF_RET_INTEGER },
	[BPF_FUNC_get_smp_processor_id] = { .name = "get_smp_processor_id",
					    .ret = KBPF_RET_INTEGER },
	[BPF_FUNC_get_numa_node_id] = { .name = "get_numa_node_id", .ret = KBPF_RET_INTEGER },
	[BPF_FUNC_tail_call] = {
		.name = "tail_call",
		.ret = KBPF_RET_VOID,
		.arg = { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_ANYTHING },
		.map_types = KBPF_TYPE_BIT(BPF_MAP_TYPE_PROG_ARRAY),
	},
	/* queues, stacks and bloom filters */
	[BPF_FUNC_map_push_elem] = {
		.name = "map_push_elem",
		.ret = KBPF_RET_INTEGER,
		.arg = { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_MAP_VALUE, KBPF_ARG_ANYTHING },
		.map_types = KBPF_TYPE_BIT(BPF_MAP_TYPE_QUEUE) | KBPF_TYPE_BIT(BPF_MAP_TYPE_STACK) |
			     KBPF_TYPE_BIT(BPF_MAP_TYPE_BLOOM_FILTER),
	},
	[BPF_FUNC_map_pop_elem] = {
		.name = "map_pop_elem",
		.ret = KBPF_RET_INTEGER,
		.arg = { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_UNINIT_MAP_VALUE },
		.map_types = KBPF_TYPE_BIT(BPF_MAP_TYPE_QUEUE) | KBPF_TYPE_BIT(BPF_MAP_TYPE_STACK),
	},
	[BPF_FUNC_map_peek_elem] = {
		.name = "map_peek_elem",
		.ret = KBPF_RET_INTEGER,
		.arg = { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_UNINIT_MAP_VALUE },
		.map_types = KBPF_TYPE_BIT(BPF_MAP_TYPE_QUEUE) | KBPF_TYPE_BIT(BPF_MAP_TYPE_STACK) |
			     KBPF_TYPE_BIT(BPF_MAP_TYPE_BLOOM_FILTER),
	},
	/* reading memory: for CAP_PERFMON loaders, any program type (as 6.1) */
	[BPF_FUNC_probe_read_kernel] = {
		.name = "probe_read_kernel", .ret = KBPF_RET_INTEGER, .gpl_only = true,
		.perfmon = true,
		.arg = { KBPF_ARG_PTR_TO_UNINIT_MEM, KBPF_ARG_CONST_SIZE_OR_ZERO,
			 KBPF_ARG_ANYTHING },
	},
	[BPF_FUNC_probe_read_kernel_str] = {
		.name = "probe_read_kernel_str", .ret = KBPF_RET_INTEGER, .gpl_only = true,
		.ret_le_size = true,	/* bytes written, NUL included */
		.perfmon = true,
		.arg = { KBPF_ARG_PTR_TO_UNINIT_MEM, KBPF_ARG_CONST_SIZE_OR_ZERO,
			 KBPF_ARG_ANYTHING },
	},
	[BPF_FUNC_probe_read_user] = {
		.name = "probe_read_user", .ret = KBPF_RET_INTEGER, .gpl_only = true,
		.perfmon = true,
		.arg = { KBPF_ARG_PTR_TO_UNINIT_MEM, KBPF_ARG_CONST_SIZE_OR_ZERO,
			 KBPF_ARG_ANYTHING },
	},
	[BPF_FUNC_probe_read_user_str] = {
		.name = "probe_read_user_str", .ret = KBPF_RET_INTEGER, .gpl_only = true,
		.ret_le_size = true,	/* bytes written, NUL included */
		.perfmon = true,
		.arg = { KBPF_ARG_PTR_TO_UNINIT_MEM, KBPF_ARG_CONST_SIZE_OR_ZERO,
			 KBPF_ARG_ANYTHING },
	},
	/* the old, address-space-guessing forms: tracing programs only */
	[BPF_FUNC_probe_read] = {
		.name = "probe_read", .ret = KBPF_RET_INTEGER, .gpl_only = true,
		.types = KBPF_TYPES_TRACING,
		.arg = { KBPF_ARG_PTR_TO_UNINIT_MEM, KBPF_ARG_CONST_SIZE_OR_ZERO,
			 KBPF_ARG_ANYTHING },
	},
	[BPF_FUNC_probe_read_str] = {
		.name = "probe_read_str", .ret = KBPF_RET_INTEGER, .gpl_only = true,
		.ret_le_size = true,	/* bytes written, NUL included */
		.types = KBPF_TYPES_TRACING,
		.arg = { KBPF_ARG_PTR_TO_UNINIT_MEM, KBPF_ARG_CONST_SIZE_OR_ZERO,
			 KBPF_ARG_ANYTHING },
	},
	[BPF_FUNC_trace_printk] = {
		.name = "trace_printk", .ret = KBPF_RET_INTEGER, .gpl_only = true,
		.perfmon = true,
		/* as Linux: R3-R5 are read whatever they hold */
		.arg = { KBPF_ARG_PTR_TO_MEM, KBPF_ARG_CONST_SIZE },
	},
	/*
	 * The attach point of a tracing run (Linux 6.1: get_func_ip exists for
	 * every tracing type but the verifier lets only kprobes call it,
	 * -ENOTSUPP otherwise; GPL-only unless the program is kprobe_multi,
	 * which one table entry cannot say: kbpf asks GPL of both;
	 * get_attach_cookie for kprobes and tracepoints, not raw tracepoints).
	 */
	[BPF_FUNC_get_func_ip] = {
		.name = "get_func_ip", .ret = KBPF_RET_INTEGER, .gpl_only = true,
		.types = KBPF_TYPES_TRACING,
		.arg = { KBPF_ARG_PTR_TO_CTX },
	},
	[BPF_FUNC_get_attach_cookie] = {
		.name = "get_attach_cookie", .ret = KBPF_RET_INTEGER,
		.types = KBPF_TYPE_BIT(BPF_PROG_TYPE_KPROBE) |
			 KBPF_TYPE_BIT(BPF_PROG_TYPE_TRACEPOINT),
		.arg = { KBPF_ARG_PTR_TO_CTX },
	},
	/* stacks of the traced event (helpers/stack_helpers.c) */
	[BPF_FUNC_get_stackid] = {
		.name = "get_stackid", .ret = KBPF_RET_INTEGER, .gpl_only = true,
		.types = KBPF_TYPES_TRACING,
		.arg = { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_ANYTHING },
		.map_types = KBPF_TYPE_BIT(BPF_MAP_TYPE_STACK_TRACE),
	},
	[BPF_FUNC_get_stack] = {
		.name = "get_stack", .ret = KBPF_RET_INTEGER, .gpl_only = true,
		.ret_le_size = true,	/* bytes written */
		.types = KBPF_TYPES_TRACING,
		.arg = { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_PTR_TO_UNINIT_MEM,
			 KBPF_ARG_CONST_SIZE_OR_ZERO, KBPF_ARG_ANYTHING },
	},
	/* packet bytes, for the program types whose ctx is a kbpf_skb_ctx */
	[BPF_FUNC_skb_load_bytes] = {
		.name = "skb_load_bytes", .ret = KBPF_RET_INTEGER,
		.types = KBPF_TYPE_BIT(BPF_PROG_TYPE_SOCKET_FILTER) |
			 KBPF_TYPE_BIT(BPF_PROG_TYPE_SCHED_CLS) |
			 KBPF_TYPE_BIT(BPF_PROG_TYPE_SCHED_ACT),
		.arg = { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING, KBPF_ARG_PTR_TO_UNINIT_MEM,
			 KBPF_ARG_CONST_SIZE },
	},
	/*
	 * checksums over packet or other memory, for the program types that
	 * edit packets (6.1: TC, XDP and LWT; kbpf has no LWT)
	 */
	[BPF_FUNC_csum_diff] = {
		.name = "csum_diff", .ret = KBPF_RET_INTEGER, .pkt_access = true,
		.types = KBPF_TYPE_BIT(BPF_PROG_TYPE_SCHED_CLS) |
			 KBPF_TYPE_BIT(BPF_PROG_TYPE_SCHED_ACT) |
			 KBPF_TYPE_BIT(BPF_PROG_TYPE_XDP),
		.arg = { KBPF_ARG_PTR_TO_MEM_OR_NULL, KBPF_ARG_CONST_SIZE_OR_ZERO,
			 KBPF_ARG_PTR_TO_MEM_OR_NULL, KBPF_ARG_CONST_SIZE_OR_ZERO,
			 KBPF_ARG_ANYTHING },
	},
	/* add to the skb's CHECKSUM_COMPLETE sum (6.1: TC and LWT xmit) */
	[BPF_FUNC_csum_update] = {
		.name = "csum_update", .ret = KBPF_RET_INTEGER,
		.types = KBPF_TYPE_BIT(BPF_PROG_TYPE_SCHED_CLS) |
			 KBPF_TYPE_BIT(BPF_PROG_TYPE_SCHED_ACT),
		.arg = { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_ANYTHING },
	},
	/* the packet's flow hash, computed on first use (6.1: TC and LWT programs) */
	[BPF_FUNC_get_hash_recalc] = {
		.name = "get_hash_recalc", .ret = KBPF_RET_INTEGER,
		.types = KBPF_TYPE_BIT(BPF_PROG_TYPE_SCHED_CLS) |
			 KBPF_TYPE_BIT(BPF_PROG_TYPE_SCHED_ACT),
		.arg = { KBPF_ARG_PTR_TO_CTX },
	},
	/* the net_cls class of the task sending (6.1: TC and LWT programs) */
	[BPF_FUNC_get_cgroup_classid] = {
		.name = "get_cgroup_classid", .ret = KBPF_RET_INTEGER,
		.types = KBPF_TYPE_BIT(BPF_PROG_TYPE_SCHED_CLS) |
			 KBPF_TYPE_BIT(BPF_PROG_TYPE_SCHED_ACT),
		.arg = { KBPF_ARG_PTR_TO_CTX },
	},
	/*
	 * sockets of the kernel's TCP/UDP tables by 4-tuple, for the packet
	 * program types (6.1: TC and XDP, and others kbpf lacks); each found
	 * socket is a reference sk_release gives back
	 */
	[BPF_FUNC_sk_lookup_tcp] = {
		.name = "sk_lookup_tcp", .ret = KBPF_RET_PTR_TO_SOCKET_OR_NULL,
		.pkt_access = true, .acquire = true, .types = KBPF_TYPES_SK_LOOKUP,
		.arg = { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_PTR_TO_MEM, KBPF_ARG_CONST_SIZE,
			 KBPF_ARG_ANYTHING, KBPF_ARG_ANYTHING },
	},
	[BPF_FUNC_sk_lookup_udp] = {
		.name = "sk_lookup_udp", .ret = KBPF_RET_PTR_TO_SOCKET_OR_NULL,
		.pkt_access = true, .acquire = true, .types = KBPF_TYPES_SK_LOOKUP,
		.arg = { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_PTR_TO_MEM, KBPF_ARG_CONST_SIZE,
			 KBPF_ARG_ANYTHING, KBPF_ARG_ANYTHING },
	},
	/* also request and timewait sockets: a sock_common */
	[BPF_FUNC_skc_lookup_tcp] = {
		.name = "skc_lookup_tcp", .ret = KBPF_RET_PTR_TO_SOCK_COMMON_OR_NULL,
		.pkt_access = true, .acquire = true, .types = KBPF_TYPES_SK_LOOKUP,
		.arg = { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_PTR_TO_MEM, KBPF_ARG_CONST_SIZE,
			 KBPF_ARG_ANYTHING, KBPF_ARG_ANYTHING },
	},
	[BPF_FUNC_sk_release] = {
		.name = "sk_release", .ret = KBPF_RET_INTEGER, .types = KBPF_TYPES_SK_LOOKUP,
		.arg = { KBPF_ARG_PTR_TO_SOCK_COMMON },
		.release_arg = 1,
	},
	/* numbers from strings: every program type (Linux's bpf_base_func_proto) */
	[BPF_FUNC_strtol] = {
		.name = "strtol", .ret = KBPF_RET_INTEGER,
		.arg = { KBPF_ARG_PTR_TO_MEM, KBPF_ARG_CONST_SIZE, KBPF_ARG_ANYTHING,
			 KBPF_ARG_PTR_TO_LONG },
	},
	[BPF_FUNC_strtoul] = {
		.name = "strtoul", .ret = KBPF_RET_INTEGER,
		.arg = { KBPF_ARG_PTR_TO_MEM, KBPF_ARG_CONST_SIZE, KBPF_ARG_ANYTHING,
			 KBPF_ARG_PTR_TO_LONG },
	},
	/* the current task: tracing programs */
	[BPF_FUNC_get_current_pid_tgid] = {
		.name = "get_current_pid_tgid", .ret = KBPF_RET_INTEGER,
		.types = KBPF_TYPES_TRACING,
	},
	[BPF_FUNC_get_current_uid_gid] = {
		.name = "get_current_uid_gid", .ret = KBPF_RET_INTEGER,
		.types = KBPF_TYPES_TRACING,
	},
	[BPF_FUNC_get_current_comm] = {
		.name = "get_current_comm", .ret = KBPF_RET_INTEGER,
		.types = KBPF_TYPES_TRACING,
		.arg = { KBPF_ARG_PTR_TO_UNINIT_MEM, KBPF_ARG_CONST_SIZE },
	},
	[BPF_FUNC_get_current_task] = {
		.name = "get_current_task", .ret = KBPF_RET_INTEGER, .gpl_only = true,
		.types = KBPF_TYPES_TRACING,
	},
	[BPF_FUNC_get_current_cgroup_id] = {
		.name = "get_current_cgroup_id", .ret = KBPF_RET_INTEGER,
		.types = KBPF_TYPES_TRACING,
	},
	/*
	 * ring buffers: every program type (Linux's bpf_base_func_proto); a
	 * reserved sample is a reference that submit or discard gives back
	 */
	[BPF_FUNC_ringbuf_output] = {
		.name = "ringbuf_output", .ret = KBPF_RET_INTEGER,
		.arg = { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_MEM, KBPF_ARG_CONST_SIZE_OR_ZERO,
			 KBPF_ARG_ANYTHING },
		.map_types = KBPF_TYPE_BIT(BPF_MAP_TYPE_RINGBUF),
	},
	[BPF_FUNC_ringbuf_reserve] = {
		.name = "ringbuf_reserve", .ret = KBPF_RET_PTR_TO_ALLOC_MEM_OR_NULL,
		.arg = { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_CONST_ALLOC_SIZE_OR_ZERO,
			 KBPF_ARG_ANYTHING },
		.map_types = KBPF_TYPE_BIT(BPF_MAP_TYPE_RINGBUF),
		.acquire = true,
	},
	[BPF_FUNC_ringbuf_submit] = {
		.name = "ringbuf_submit", .ret = KBPF_RET_VOID,
		.arg = { KBPF_ARG_PTR_TO_ALLOC_MEM, KBPF_ARG_ANYTHING },
		.release_arg = 1,
	},
	[BPF_FUNC_ringbuf_discard] = {
		.name = "ringbuf_discard", .ret = KBPF_RET_VOID,
		.arg = { KBPF_ARG_PTR_TO_ALLOC_MEM, KBPF_ARG_ANYTHING },
		.release_arg = 1,
	},
	/*
	 * perf events (maps/perf_event_array.c, helpers/perf_helpers.c): the
	 * tracing types, and with packet bytes appended the skb types and XDP
	 */
	[BPF_FUNC_perf_event_output] = {
		.name = "perf_event_output", .ret = KBPF_RET_INTEGER, .gpl_only = true,
		.types = KBPF_TYPES_TRACING | KBPF_TYPE_BIT(BPF_PROG_TYPE_SOCKET_FILTER) |
			 KBPF_TYPE_BIT(BPF_PROG_TYPE_SCHED_CLS) |
			 KBPF_TYPE_BIT(BPF_PROG_TYPE_SCHED_ACT) |
			 KBPF_TYPE_BIT(BPF_PROG_TYPE_CGROUP_SKB) | KBPF_TYPE_BIT(BPF_PROG_TYPE_XDP),
		.arg = { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_ANYTHING,
			 KBPF_ARG_PTR_TO_MEM, KBPF_ARG_CONST_SIZE_OR_ZERO },
		.map_types = KBPF_TYPE_BIT(BPF_MAP_TYPE_PERF_EVENT_ARRAY),
	},
	[BPF_FUNC_ringbuf_query] = {
		.name = "ringbuf_query", .ret = KBPF_RET_INTEGER,
		.arg = { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_ANYTHING },
		.map_types = KBPF_TYPE_BIT(BPF_MAP_TYPE_RINGBUF),
	},
};

/* The id a call to func_id really makes from prog_type (KBPF_FUNC_* variants). */
u32 kbpf_helper_variant(u32 func_id, u32 prog_type)
{
	if (func_id != BPF_FUNC_perf_event_output)
		return func_id;
	switch (prog_type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_CGROUP_SKB:
		return KBPF_FUNC_skb_event_output;
	case BPF_PROG_TYPE_XDP:
		return KBPF_FUNC_xdp_event_output;
	}
	return func_id;
}

const struct kbpf_helper_proto *kbpf_helper_proto(u32 func_id, u32 prog_type)
{
	const struct kbpf_helper_proto *p;

	if (func_id >= KBPF_FUNC_MAX || !kbpf_protos[func_id].name)
		return NULL;
	p = &kbpf_protos[func_id];
	if (p->types && (prog_type >= 64 || !(p->types & KBPF_TYPE_BIT(prog_type))))
		return NULL;
	return p;
}

/*
 * The generic map helpers (lookup, update, delete) work on these types;
 * every other type is reached only through the helpers that name it (as
 * Linux's check_map_func_compatibility()).
 */
bool kbpf_map_type_restricted(u32 map_type)
{
	switch (map_type) {
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_LPM_TRIE:
		return false;
	}
	return true;
}
