// SPDX-License-Identifier: GPL-2.0
/* Map type number (enum bpf_map_type) to the ops of the family that has it. */
#include <linux/nospec.h>

#include "kbpf_internal.h"

static const struct kbpf_map_ops *const kbpf_map_types[] = {
	[BPF_MAP_TYPE_HASH]	= &kbpf_htab_map_ops,
	[BPF_MAP_TYPE_ARRAY]	= &kbpf_array_map_ops,
	[BPF_MAP_TYPE_PROG_ARRAY] = &kbpf_prog_array_map_ops,
};

/* NULL for a type kbpf does not implement (MAP_CREATE: -EINVAL). */
const struct kbpf_map_ops *kbpf_map_type_ops(u32 map_type)
{
	if (map_type >= ARRAY_SIZE(kbpf_map_types))
		return NULL;
	return kbpf_map_types[array_index_nospec(map_type,
						 ARRAY_SIZE(kbpf_map_types))];
}
