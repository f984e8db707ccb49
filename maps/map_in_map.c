// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_ARRAY_OF_MAPS: an array whose elements are other maps.
 *
 * MAP_CREATE takes attr->inner_map_fd, a map every element must look like
 * (6.1's bpf_map_meta_alloc): it is copied into a template desc
 * (desc.inner_meta: type, key and value size, flags, max_entries), which
 * the verifier checks programs against; the map itself is not kept. Not
 * allowed as the template: a map-in-map (-EINVAL), or a type 6.1 gives no
 * map_meta_equal (PROG_ARRAY and the types kbpf lacks: -ENOTSUPP).
 *
 * From userspace (6.1's fd array rules): update takes an inner map fd,
 * BPF_ANY only (-EINVAL), index < max_entries (-E2BIG), and the map must
 * match the template (type, sizes, flags; an ARRAY also max_entries, unless
 * the template has BPF_F_INNER_MAP), else -EINVAL; lookup gives the inner
 * map's id; delete; get_next_key; the lookup and update batches.
 * From programs: map_lookup_elem only (the verifier refuses the rest),
 * giving the inner map's desc or NULL. The array holds one reference on
 * each inner map; one replaced or deleted is freed only after an RCU grace
 * period (kbpf_map_put), so a program still using it is safe.
 */
#include <linux/file.h>
#include <linux/slab.h>

#include "kbpf_internal.h"

struct kbpf_map_array {
	struct kbpf_map map;		/* must be first */
	struct kbpf_map_desc meta;	/* map.desc.inner_meta */
	struct kbpf_map __rcu **slots;
};

static struct kbpf_map_array *kbpf_map_array(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_map_array, map);
}

/* The map types 6.1 lets be inner maps (those with ops->map_meta_equal). */
static bool kbpf_inner_map_type_ok(u32 type)
{
	switch (type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_LPM_TRIE:
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_BLOOM_FILTER:
	case BPF_MAP_TYPE_RINGBUF:
	case BPF_MAP_TYPE_STACK_TRACE:
		return true;
	}
	return false;
}

/* Does inner fit the template (6.1's bpf_map_meta_equal / array_map_meta_equal)? */
static bool kbpf_inner_map_fits(const struct kbpf_map_desc *meta, const struct kbpf_map *inner)
{
	const struct kbpf_map_desc *d = &inner->desc;

	if (meta->map_type != d->map_type || meta->key_size != d->key_size ||
	    meta->value_size != d->value_size || meta->map_flags != d->map_flags)
		return false;
	if (meta->map_type == BPF_MAP_TYPE_ARRAY && !(meta->map_flags & BPF_F_INNER_MAP))
		return meta->max_entries == d->max_entries;
	return true;
}

static int kbpf_map_array_alloc_check(const union bpf_attr *attr)
{
	return kbpf_fd_array_alloc_check(attr, 0);
}

/* The template from attr->inner_map_fd. */
static int kbpf_map_array_meta(struct kbpf_map_desc *meta, u32 inner_fd)
{
	struct kbpf_map *inner;
	struct fd f = fdget(inner_fd);
	int err = 0;

	if (!f.file)
		return -EBADF;
	inner = kbpf_map_from_file(f.file);
	if (IS_ERR(inner))
		err = PTR_ERR(inner);
	else if (inner->desc.inner_meta)
		err = -EINVAL;		/* one level only */
	else if (!kbpf_inner_map_type_ok(inner->desc.map_type))
		err = -ENOTSUPP;
	if (!err) {
		meta->map_type = inner->desc.map_type;
		meta->key_size = inner->desc.key_size;
		meta->value_size = inner->desc.value_size;
		meta->max_entries = inner->desc.max_entries;
		meta->map_flags = inner->desc.map_flags;
		meta->is_meta = true;
	}
	fdput(f);
	return err;
}

static struct kbpf_map *kbpf_map_array_alloc(const union bpf_attr *attr)
{
	int numa_node = bpf_map_attr_numa_node(attr);
	struct kbpf_map_array *ma;
	int err;

	ma = kzalloc_node(sizeof(*ma), GFP_KERNEL_ACCOUNT, numa_node);
	if (!ma)
		return ERR_PTR(-ENOMEM);
	err = kbpf_map_array_meta(&ma->meta, attr->inner_map_fd);
	if (err)
		goto out_free;
	err = -ENOMEM;
	ma->slots = kbpf_map_area_alloc((u64)attr->max_entries * sizeof(*ma->slots), numa_node);
	if (!ma->slots)
		goto out_free;
	ma->map.desc.inner_meta = &ma->meta;
	return &ma->map;

out_free:
	kfree(ma);
	return ERR_PTR(err);
}

/* Take slot index out and drop its reference; false if it was empty. */
static bool kbpf_map_array_clear_slot(struct kbpf_map_array *ma, u32 index)
{
	struct kbpf_map *old = unrcu_pointer(xchg(&ma->slots[index], NULL));

	if (!old)
		return false;
	kbpf_map_put(old);	/* freed after a grace period: runs may hold it */
	return true;
}

static void kbpf_map_array_free(struct kbpf_map *map)
{
	struct kbpf_map_array *ma = kbpf_map_array(map);
	u32 i;

	for (i = 0; i < map->desc.max_entries; i++)
		kbpf_map_array_clear_slot(ma, i);
	kbpf_map_area_free(ma->slots);
	kfree(ma);
}

static struct kbpf_map *kbpf_map_array_inner(struct kbpf_map *map, const void *key)
{
	u32 index;

	if (!kbpf_fd_array_index(map, key, &index))
		return NULL;
	return rcu_dereference(kbpf_map_array(map)->slots[index]);
}

/* Programs: the inner map's desc (what the verifier typed as map_ptr), or NULL. */
static void *kbpf_map_array_lookup(struct kbpf_map *map, const void *key)
{
	struct kbpf_map *inner = kbpf_map_array_inner(map, key);

	return inner ? &inner->desc : NULL;
}

/* BPF_MAP_LOOKUP_ELEM: the inner map's id. */
static int kbpf_map_array_copy_value(struct kbpf_map *map, const void *key, void *value)
{
	struct kbpf_map *inner = kbpf_map_array_inner(map, key);

	if (!inner)
		return -ENOENT;
	*(u32 *)value = READ_ONCE(inner->id);
	return 0;
}

/* Programs cannot update a map-in-map (the verifier refuses the call). */
static int kbpf_map_array_update(struct kbpf_map *map, const void *key,
				 const void *value, u64 flags)
{
	return -EINVAL;
}

/* BPF_MAP_UPDATE_ELEM (and the update batch): value is an inner map fd. */
static int kbpf_map_array_update_value(struct kbpf_map *map, const void *key,
				       const void *value, u64 flags)
{
	struct kbpf_map_array *ma = kbpf_map_array(map);
	u32 index;
	struct kbpf_map *inner, *old;
	struct fd f;
	int err = 0;

	if (flags != BPF_ANY)
		return -EINVAL;
	if (!kbpf_fd_array_index(map, key, &index))
		return -E2BIG;
	f = fdget(*(const u32 *)value);
	if (!f.file)
		return -EBADF;
	inner = kbpf_map_from_file(f.file);
	if (IS_ERR(inner))
		err = PTR_ERR(inner);
	else if (!kbpf_inner_map_fits(&ma->meta, inner))
		err = -EINVAL;
	if (!err) {
		kbpf_map_inc(inner);
		old = unrcu_pointer(xchg(&ma->slots[index], RCU_INITIALIZER(inner)));
		if (old)
			kbpf_map_put(old);
	}
	fdput(f);
	return err;
}

static int kbpf_map_array_delete(struct kbpf_map *map, const void *key)
{
	u32 index;

	if (!kbpf_fd_array_index(map, key, &index))
		return -E2BIG;
	return kbpf_map_array_clear_slot(kbpf_map_array(map), index) ? 0 : -ENOENT;
}

const struct kbpf_map_ops kbpf_array_of_maps_map_ops = {
	.alloc_check	= kbpf_map_array_alloc_check,
	.alloc		= kbpf_map_array_alloc,
	.free		= kbpf_map_array_free,
	.lookup		= kbpf_map_array_lookup,
	.copy_value	= kbpf_map_array_copy_value,
	.update		= kbpf_map_array_update,
	.update_value	= kbpf_map_array_update_value,
	.delete		= kbpf_map_array_delete,
	.get_next_key	= kbpf_array_get_next_key,
	.lookup_batch	= kbpf_generic_lookup_batch,
	.update_batch	= kbpf_generic_update_batch,
};
