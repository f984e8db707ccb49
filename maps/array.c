// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_ARRAY: max_entries preallocated, zeroed values of
 * round_up(value_size, 8) bytes each, indexed by a u32 key. Elements always
 * exist: they can be overwritten but not deleted. With BPF_F_MMAPABLE the
 * values live in page-aligned vmalloc memory that userspace can mmap().
 */
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/vmalloc.h>

#include "kbpf_internal.h"

/* map_flags an ARRAY accepts (BPF_F_PRESERVE_ELEMS is perf-array only). */
#define KBPF_ARRAY_CREATE_FLAGS	(BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK | \
				 BPF_F_INNER_MAP | BPF_F_MMAPABLE)

struct kbpf_array {
	struct kbpf_map map;	/* must be first */
	u32 elem_size;
	char *values;
};

static struct kbpf_array *kbpf_array(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_array, map);
}

static u64 kbpf_array_mmap_size(u32 max_entries, u32 elem_size)
{
	return PAGE_ALIGN((u64)max_entries * elem_size);
}

/*
 * vmalloc_user() is the exported way to get memory remap_vmalloc_range()
 * accepts; it cannot be asked not to warn, so spare the log the sizes that
 * cannot succeed anyway.
 */
static void *kbpf_array_alloc_mmapable(u32 max_entries, u32 elem_size)
{
	u64 size = kbpf_array_mmap_size(max_entries, elem_size);

	if (size >> PAGE_SHIFT > totalram_pages())
		return NULL;
	return vmalloc_user(size);
}

static int kbpf_array_alloc_check(const union bpf_attr *attr)
{
	if (attr->max_entries == 0 || attr->key_size != 4 ||
	    attr->value_size == 0 ||
	    attr->map_flags & ~KBPF_ARRAY_CREATE_FLAGS ||
	    !bpf_map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	if (attr->value_size > KBPF_ARRAY_MAX_VALUE_SIZE)
		return -E2BIG;
	return 0;
}

static struct kbpf_map *kbpf_array_alloc(const union bpf_attr *attr)
{
	int numa_node = bpf_map_attr_numa_node(attr);
	u32 elem_size = round_up(attr->value_size, 8);
	struct kbpf_array *array;

	array = kzalloc_node(sizeof(*array), GFP_KERNEL_ACCOUNT, numa_node);
	if (!array)
		return ERR_PTR(-ENOMEM);
	array->elem_size = elem_size;
	if (attr->map_flags & BPF_F_MMAPABLE)
		array->values = kbpf_array_alloc_mmapable(attr->max_entries,
							  elem_size);
	else
		array->values = kbpf_map_area_alloc((u64)attr->max_entries *
						    elem_size, numa_node);
	if (!array->values) {
		kfree(array);
		return ERR_PTR(-ENOMEM);
	}
	return &array->map;
}

static void kbpf_array_free(struct kbpf_map *map)
{
	struct kbpf_array *array = kbpf_array(map);

	kbpf_map_area_free(array->values);
	kfree(array);
}

static void *kbpf_array_lookup(struct kbpf_map *map, const void *key)
{
	struct kbpf_array *array = kbpf_array(map);
	u32 index = *(const u32 *)key;

	if (unlikely(index >= map->desc.max_entries))
		return NULL;
	index = array_index_nospec(index, map->desc.max_entries);
	return array->values + (u64)index * array->elem_size;
}

static int kbpf_array_update(struct kbpf_map *map, const void *key,
			     const void *value, u64 flags)
{
	struct kbpf_array *array = kbpf_array(map);
	u32 index = *(const u32 *)key;

	if (unlikely((flags & ~BPF_F_LOCK) > BPF_EXIST))
		return -EINVAL;
	if (unlikely(index >= map->desc.max_entries))
		return -E2BIG;
	/* Every element exists. */
	if (unlikely(flags & BPF_NOEXIST))
		return -EEXIST;
	if (unlikely(flags & BPF_F_LOCK))
		return -EINVAL;

	index = array_index_nospec(index, map->desc.max_entries);
	memcpy(array->values + (u64)index * array->elem_size, value,
	       map->desc.value_size);
	return 0;
}

static int kbpf_array_delete(struct kbpf_map *map, const void *key)
{
	return -EINVAL;
}

/* Shared by every array-shaped map (keys 0..max_entries-1). */
int kbpf_array_get_next_key(struct kbpf_map *map, const void *key, void *next_key)
{
	u32 index = key ? *(const u32 *)key : U32_MAX;
	u32 *next = next_key;

	if (index >= map->desc.max_entries) {
		*next = 0;
		return 0;
	}
	if (index == map->desc.max_entries - 1)
		return -ENOENT;
	*next = index + 1;
	return 0;
}

static int kbpf_array_mmap(struct kbpf_map *map, struct vm_area_struct *vma)
{
	struct kbpf_array *array = kbpf_array(map);
	u64 size = kbpf_array_mmap_size(map->desc.max_entries, array->elem_size);

	if (!(map->desc.map_flags & BPF_F_MMAPABLE))
		return -EINVAL;
	if ((u64)vma->vm_pgoff * PAGE_SIZE + (vma->vm_end - vma->vm_start) > size)
		return -EINVAL;
	return remap_vmalloc_range(vma, array->values, vma->vm_pgoff);
}

/* The values are one flat area: the JIT may inline lookups. */
static bool kbpf_array_flat(struct kbpf_map *map, void **base, u32 *stride)
{
	struct kbpf_array *array = kbpf_array(map);

	*base = array->values;
	*stride = array->elem_size;
	return true;
}

const struct kbpf_map_ops kbpf_array_map_ops = {
	.alloc_check	= kbpf_array_alloc_check,
	.alloc		= kbpf_array_alloc,
	.free		= kbpf_array_free,
	.lookup		= kbpf_array_lookup,
	.update		= kbpf_array_update,
	.delete		= kbpf_array_delete,
	.get_next_key	= kbpf_array_get_next_key,
	.mmap		= kbpf_array_mmap,
	.flat		= kbpf_array_flat,
	.lookup_batch	= kbpf_generic_lookup_batch,
	.update_batch	= kbpf_generic_update_batch,
};
