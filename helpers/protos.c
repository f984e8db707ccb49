// SPDX-License-Identifier: GPL-2.0
/*
 * The helper prototype table: one declarative entry per helper, indexed by
 * the kernel's helper id (enum bpf_func_id). The verifier reads nothing else
 * to check a call; the module supplies the implementations separately
 * (helpers/table.c), under the same ids.
 */
#include "kbpf_core.h"

static const struct kbpf_helper_proto kbpf_protos[KBPF_FUNC_MAX] = {
	[BPF_FUNC_map_lookup_elem] = {
		.name = "map_lookup_elem",
		.ret = KBPF_RET_PTR_TO_MAP_VALUE_OR_NULL,
		.arg = { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_MAP_KEY },
	},
	[BPF_FUNC_map_update_elem] = {
		.name = "map_update_elem",
		.ret = KBPF_RET_INTEGER,
		.arg = { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_MAP_KEY,
			 KBPF_ARG_PTR_TO_MAP_VALUE, KBPF_ARG_ANYTHING },
	},
	[BPF_FUNC_map_delete_elem] = {
		.name = "map_delete_elem",
		.ret = KBPF_RET_INTEGER,
		.arg = { KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_PTR_TO_MAP_KEY },
	},
	/* time, randomness, where we run: no arguments, an integer back */
	[BPF_FUNC_ktime_get_ns] = { .name = "ktime_get_ns", .ret = KBPF_RET_INTEGER },
	[BPF_FUNC_ktime_get_boot_ns] = { .name = "ktime_get_boot_ns", .ret = KBPF_RET_INTEGER },
	[BPF_FUNC_ktime_get_coarse_ns] = { .name = "ktime_get_coarse_ns", .ret = KBPF_RET_INTEGER },
	[BPF_FUNC_jiffies64] = { .name = "jiffies64", .ret = KBPF_RET_INTEGER },
	[BPF_FUNC_get_prandom_u32] = { .name = "get_prandom_u32", .ret = KBPF_RET_INTEGER },
	[BPF_FUNC_get_smp_processor_id] = { .name = "get_smp_processor_id",
					    .ret = KBPF_RET_INTEGER },
	[BPF_FUNC_get_numa_node_id] = { .name = "get_numa_node_id", .ret = KBPF_RET_INTEGER },
	[BPF_FUNC_tail_call] = {
		.name = "tail_call",
		.ret = KBPF_RET_VOID,
		.arg = { KBPF_ARG_PTR_TO_CTX, KBPF_ARG_CONST_MAP_PTR, KBPF_ARG_ANYTHING },
	},
};

const struct kbpf_helper_proto *kbpf_helper_proto(u32 func_id, u32 prog_type)
{
	(void)prog_type;	/* every helper so far is available to every type */
	if (func_id >= KBPF_FUNC_MAX || !kbpf_protos[func_id].name)
		return NULL;
	return &kbpf_protos[func_id];
}
