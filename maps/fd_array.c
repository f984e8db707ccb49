// SPDX-License-Identifier: GPL-2.0
/*
 * What the fd arrays (PROG_ARRAY, PERF_EVENT_ARRAY) share: their
 * MAP_CREATE checks, as Linux's fd_array_map_alloc_check() on top of
 * array_map_alloc_check(). A value is an fd (4 bytes), programs never
 * see it as memory (no BPF_F_RDONLY_PROG/WRONLY_PROG), and of the array
 * flags only NUMA placement, the syscall access flags and the type's
 * own extra_flags (BPF_F_PRESERVE_ELEMS for perf events) are allowed.
 * Also their key check: the index, clamped under speculation.
 */
#include <linux/nospec.h>

#include "kbpf_internal.h"

int kbpf_fd_array_alloc_check(const union bpf_attr *attr, u32 extra_flags)
{
	if (attr->max_entries == 0 || attr->key_size != 4 ||
	    attr->value_size != sizeof(u32) ||
	    attr->map_flags & ~(BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK | extra_flags) ||
	    attr->map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG) ||
	    !bpf_map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	return 0;
}

/* *index = the u32 key, clamped below max_entries under speculation; false past it. */
bool kbpf_fd_array_index(const struct kbpf_map *map, const void *key, u32 *index)
{
	u32 i = *(const u32 *)key;

	if (i >= map->desc.max_entries)
		return false;
	*index = array_index_nospec(i, map->desc.max_entries);
	return true;
}
