// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_PERCPU_ARRAY: max_entries elements, each a per-CPU area of
 * round_up(value_size, 8) zeroed bytes, all allocated at MAP_CREATE.
 * Programs see the value of the CPU they run on (they run with migration
 * disabled); the syscall reads and writes every possible CPU's value, one
 * after the other (kbpf_map_value_size()). Elements cannot be deleted.
 */
#include <linux/cpumask.h>
#include <linux/nospec.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "kbpf_internal.h"

#define KBPF_PERCPU_ARRAY_CREATE_FLAGS	(BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK)
/* Linux rounds max_entries up to a power of two: more is -E2BIG. */
#define KBPF_PERCPU_ARRAY_MAX_ENTRIES	(1U << 31)

struct kbpf_percpu_array {
	struct kbpf_map map;	/* must be first */
	u32 elem_size;		/* per CPU */
	void __percpu *pptrs[];
};

static struct kbpf_percpu_array *kbpf_pcpu_array(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_percpu_array, map);
}

static int kbpf_pcpu_array_alloc_check(const union bpf_attr *attr)
{
	if (attr->max_entries == 0 || attr->key_size != 4 ||
	    attr->value_size == 0 ||
	    attr->map_flags & ~KBPF_PERCPU_ARRAY_CREATE_FLAGS ||
	    !bpf_map_flags_access_ok(attr->map_flags) ||
	    bpf_map_attr_numa_node(attr) != NUMA_NO_NODE)
		return -EINVAL;
	if (attr->value_size > KBPF_ARRAY_MAX_VALUE_SIZE)
		return -E2BIG;
	return 0;
}

static void kbpf_pcpu_array_free(struct kbpf_map *map)
{
	struct kbpf_percpu_array *array = kbpf_pcpu_array(map);
	u32 i;

	for (i = 0; i < map->desc.max_entries; i++)
		free_percpu(array->pptrs[i]);
	kbpf_map_area_free(array);
}

static struct kbpf_map *kbpf_pcpu_array_alloc(const union bpf_attr *attr)
{
	u32 elem_size = round_up(attr->value_size, 8);
	struct kbpf_percpu_array *array;
	u32 i;

	if (attr->max_entries > KBPF_PERCPU_ARRAY_MAX_ENTRIES)
		return ERR_PTR(-E2BIG);
	array = kbpf_map_area_alloc(sizeof(*array) +
				    (u64)attr->max_entries * sizeof(void *),
				    NUMA_NO_NODE);
	if (!array)
		return ERR_PTR(-ENOMEM);
	array->elem_size = elem_size;
	/* free() walks max_entries slots; the unfilled ones are NULL. */
	array->map.desc.max_entries = attr->max_entries;

	for (i = 0; i < attr->max_entries; i++) {
		array->pptrs[i] = __alloc_percpu_gfp(elem_size, 8,
						     GFP_KERNEL_ACCOUNT |
						     __GFP_NOWARN);
		if (!array->pptrs[i]) {
			kbpf_pcpu_array_free(&array->map);
			return ERR_PTR(-ENOMEM);
		}
		cond_resched();
	}
	return &array->map;
}

static void __percpu *kbpf_pcpu_array_elem(struct kbpf_map *map, const void *key)
{
	u32 index = *(const u32 *)key;

	if (unlikely(index >= map->desc.max_entries))
		return NULL;
	index = array_index_nospec(index, map->desc.max_entries);
	return kbpf_pcpu_array(map)->pptrs[index];
}

/* Programs: this CPU's value. */
static void *kbpf_pcpu_array_lookup(struct kbpf_map *map, const void *key)
{
	void __percpu *pptr = kbpf_pcpu_array_elem(map, key);

	return pptr ? this_cpu_ptr(pptr) : NULL;
}

KBPF_MAP_LOOKUP_HELPER(kbpf_pcpu_array_lookup_helper, kbpf_pcpu_array_lookup)

static int kbpf_pcpu_array_check_update(struct kbpf_map *map, const void *key,
					u64 flags)
{
	if (unlikely((flags & ~BPF_F_LOCK) > BPF_EXIST))
		return -EINVAL;
	if (unlikely(*(const u32 *)key >= map->desc.max_entries))
		return -E2BIG;
	if (unlikely(flags & BPF_NOEXIST))
		return -EEXIST;
	if (unlikely(flags & BPF_F_LOCK))
		return -EINVAL;
	return 0;
}

/* Programs: this CPU's value only. */
static int kbpf_pcpu_array_update(struct kbpf_map *map, const void *key,
				  const void *value, u64 flags)
{
	int err = kbpf_pcpu_array_check_update(map, key, flags);

	if (err)
		return err;
	memcpy(this_cpu_ptr(kbpf_pcpu_array_elem(map, key)), value,
	       map->desc.value_size);
	return 0;
}

/* Syscall: every possible CPU's value, round_up(value_size, 8) each. */
static int kbpf_pcpu_array_copy_value(struct kbpf_map *map, const void *key,
				      void *value)
{
	struct kbpf_percpu_array *array = kbpf_pcpu_array(map);
	void __percpu *pptr = kbpf_pcpu_array_elem(map, key);
	unsigned int cpu;
	u32 off = 0;

	if (!pptr)
		return -ENOENT;
	for_each_possible_cpu(cpu) {
		memcpy(value + off, per_cpu_ptr(pptr, cpu), array->elem_size);
		off += array->elem_size;
	}
	return 0;
}

static int kbpf_pcpu_array_update_value(struct kbpf_map *map, const void *key,
					const void *value, u64 flags)
{
	struct kbpf_percpu_array *array = kbpf_pcpu_array(map);
	void __percpu *pptr;
	unsigned int cpu;
	u32 off = 0;
	int err;

	/* As Linux: BPF_F_LOCK is an unknown flag here. */
	if (unlikely(flags > BPF_EXIST))
		return -EINVAL;
	err = kbpf_pcpu_array_check_update(map, key, flags);
	if (err)
		return err;
	pptr = kbpf_pcpu_array_elem(map, key);
	for_each_possible_cpu(cpu) {
		memcpy(per_cpu_ptr(pptr, cpu), value + off, array->elem_size);
		off += array->elem_size;
	}
	return 0;
}

static int kbpf_pcpu_array_delete(struct kbpf_map *map, const void *key)
{
	return -EINVAL;
}

const struct kbpf_map_ops kbpf_percpu_array_map_ops = {
	.alloc_check	= kbpf_pcpu_array_alloc_check,
	.alloc		= kbpf_pcpu_array_alloc,
	.free		= kbpf_pcpu_array_free,
	.lookup		= kbpf_pcpu_array_lookup,
	.lookup_helper	= kbpf_pcpu_array_lookup_helper,
	.update		= kbpf_pcpu_array_update,
	.delete		= kbpf_pcpu_array_delete,
	.get_next_key	= kbpf_array_get_next_key,
	.percpu		= true,
	.copy_value	= kbpf_pcpu_array_copy_value,
	.update_value	= kbpf_pcpu_array_update_value,
	.lookup_batch	= kbpf_generic_lookup_batch,
	.update_batch	= kbpf_generic_update_batch,
};
