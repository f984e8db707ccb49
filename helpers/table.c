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
};
