// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel implementations of helpers, indexed by helper id (enum
 * bpf_func_id), next to the prototypes the verifier reads in protos.c.
 * An id with a prototype must have an implementation here.
 */
#include "kbpf_internal.h"

const kbpf_helper_fn kbpf_helper_fns[KBPF_FUNC_MAX] = {
	[BPF_FUNC_map_lookup_elem]	= kbpf_helper_map_lookup_elem,
	[BPF_FUNC_map_update_elem]	= kbpf_helper_map_update_elem,
	[BPF_FUNC_map_delete_elem]	= kbpf_helper_map_delete_elem,
};
