// SPDX-License-Identifier: GPL-2.0
/* Map type number (enum bpf_map_type) to the ops of the family that has it. */
#include <linux/nospec.h>

#include "kbpf_internal.h"

static const struct kbpf_map_ops *const kbpf_map_types[] = {
	[BPF_MAP_TYPE_HASH]	= &kbpf_htab_map_ops,
	[BPF_MAP_TYPE_ARRAY]	= &kbpf_array_map_ops,
	[BPF_MAP_TYPE_PROG_ARRAY] = &kbpf_prog_array_map_ops,
	[BPF_MAP_TYPE_PERF_EVENT_ARRAY] = &kbpf_perf_event_array_map_ops,
	[BPF_MAP_TYPE_ARRAY_OF_MAPS] = &kbpf_array_of_maps_map_ops,
	[BPF_MAP_TYPE_PERCPU_HASH] = &kbpf_htab_percpu_map_ops,
	[BPF_MAP_TYPE_PERCPU_ARRAY] = &kbpf_percpu_array_map_ops,
	[BPF_MAP_TYPE_STACK_TRACE] = &kbpf_stackmap_ops,
	[BPF_MAP_TYPE_LRU_HASH]	= &kbpf_htab_lru_map_ops,
	[BPF_MAP_TYPE_LRU_PERCPU_HASH] = &kbpf_htab_lru_percpu_map_ops,
	[BPF_MAP_TYPE_LPM_TRIE]	= &kbpf_lpm_trie_map_ops,
	[BPF_MAP_TYPE_QUEUE]	= &kbpf_queue_map_ops,
	[BPF_MAP_TYPE_STACK]	= &kbpf_stack_map_ops,
	[BPF_MAP_TYPE_BLOOM_FILTER] = &kbpf_bloom_map_ops,
	[BPF_MAP_TYPE_RINGBUF]	= &kbpf_ringbuf_map_ops,
};

/* NULL for a type kbpf does not implement (MAP_CREATE: -EINVAL). */
const struct kbpf_map_ops *kbpf_map_type_ops(u32 map_type)
{
	if (map_type >= ARRAY_SIZE(kbpf_map_types))
		return NULL;
	return kbpf_map_types[array_index_nospec(map_type,
						 ARRAY_SIZE(kbpf_map_types))];
}
