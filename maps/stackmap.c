// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_STACK_TRACE: stack ids for bpf_get_stackid(). The key is a
 * u32 id, the value up to value_size / 8 instruction pointers. As 6.1:
 *  - ids are jhash2(ips) & (n_buckets - 1), n_buckets the power of two at
 *    or above max_entries, so a stack gets the id the kernel would give it;
 *  - max_entries buckets are preallocated at MAP_CREATE and recycled
 *    through a free list, so programs never allocate;
 *  - a slot holding another stack is -EEXIST unless BPF_F_REUSE_STACKID
 *    replaces it; BPF_F_FAST_STACK_CMP trusts an equal hash;
 *  - userspace can look up (ips, then zeros) and delete, not update.
 *
 * buckets[] entries change only by xchg(); a bucket taken out of the table
 * belongs to whoever took it until it goes back to the free list. The free
 * list is a raw spinlock'd stack (trylock in NMI: -ENOMEM if busy, as when
 * it is empty).
 *
 * Deviation: BPF_F_STACK_BUILD_ID maps store every frame as the IP
 * fallback 6.1 also uses when it cannot read a build id (status
 * BPF_STACK_BUILD_ID_IP): 6.1 exports no build-id parser to modules.
 */
#include <linux/bpf.h>
#include <linux/jhash.h>
#include <linux/log2.h>

#include "kbpf_internal.h"

#define KBPF_STACKMAP_CREATE_FLAGS	(BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | \
					 BPF_F_STACK_BUILD_ID)

struct kbpf_stack_bucket {
	struct kbpf_stack_bucket *next_free;
	u32 hash;
	u32 nr;			/* frames in data */
	u64 data[];		/* ips, or struct bpf_stack_build_id */
};

struct kbpf_stackmap {
	struct kbpf_map map;	/* must be first */
	u32 n_buckets;
	u32 elem_size;		/* one bucket: header + value_size, 8-aligned */
	raw_spinlock_t lock;	/* free list */
	struct kbpf_stack_bucket *free;
	void *elems;
	struct kbpf_stack_bucket *buckets[];
};

static struct kbpf_stackmap *kbpf_smap(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_stackmap, map);
}

static bool kbpf_stackmap_build_id(const struct kbpf_map *map)
{
	return map->desc.map_flags & BPF_F_STACK_BUILD_ID;
}

/* Bytes one frame takes in a value. */
static u32 kbpf_stackmap_frame_size(const struct kbpf_map *map)
{
	return kbpf_stackmap_build_id(map) ? sizeof(struct bpf_stack_build_id) : sizeof(u64);
}

u32 kbpf_stackmap_max_frames(const struct kbpf_map *map)
{
	return map->desc.value_size / kbpf_stackmap_frame_size(map);
}

static int kbpf_stackmap_alloc_check(const union bpf_attr *attr)
{
	u32 frame;

	if (!bpf_capable())
		return -EPERM;
	if (attr->map_flags & ~KBPF_STACKMAP_CREATE_FLAGS ||
	    !bpf_map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	if (attr->max_entries == 0 || attr->key_size != 4 ||
	    attr->value_size < 8 || attr->value_size % 8)
		return -EINVAL;
	frame = attr->map_flags & BPF_F_STACK_BUILD_ID ? sizeof(struct bpf_stack_build_id) : 8;
	if (attr->value_size % frame || attr->value_size / frame > KBPF_STACK_MAX_FRAMES)
		return -EINVAL;
	if (attr->max_entries > 1u << 31)
		return -E2BIG;
	return 0;
}

static struct kbpf_map *kbpf_stackmap_alloc(const union bpf_attr *attr)
{
	u32 n_buckets = roundup_pow_of_two(attr->max_entries), i;
	int node = bpf_map_attr_numa_node(attr);
	struct kbpf_stackmap *smap;
	u64 elem_size;

	smap = kbpf_map_area_alloc(struct_size(smap, buckets, n_buckets), node);
	if (!smap)
		return ERR_PTR(-ENOMEM);
	elem_size = round_up(sizeof(struct kbpf_stack_bucket) + (u64)attr->value_size, 8);
	smap->elems = kbpf_map_area_alloc(elem_size * attr->max_entries, node);
	if (!smap->elems) {
		kbpf_map_area_free(smap);
		return ERR_PTR(-ENOMEM);
	}
	smap->n_buckets = n_buckets;
	smap->elem_size = elem_size;
	raw_spin_lock_init(&smap->lock);
	for (i = 0; i < attr->max_entries; i++) {
		struct kbpf_stack_bucket *b = smap->elems + (u64)i * elem_size;

		b->next_free = smap->free;
		smap->free = b;
	}
	return &smap->map;
}

static void kbpf_stackmap_free(struct kbpf_map *map)
{
	struct kbpf_stackmap *smap = kbpf_smap(map);

	kbpf_map_area_free(smap->elems);
	kbpf_map_area_free(smap);
}

static struct kbpf_stack_bucket *kbpf_stackmap_pop_free(struct kbpf_stackmap *smap)
{
	struct kbpf_stack_bucket *b;
	unsigned long flags;

	if (kbpf_map_lock_irqsave(&smap->lock, &flags))
		return NULL;
	b = smap->free;
	if (b)
		smap->free = b->next_free;
	raw_spin_unlock_irqrestore(&smap->lock, flags);
	return b;
}

/*
 * Back to the free list. In NMI, when the lock is busy, the bucket is
 * lost to this map until it is freed (a free-list slot, never memory).
 */
static void kbpf_stackmap_push_free(struct kbpf_stackmap *smap, struct kbpf_stack_bucket *b)
{
	unsigned long flags;

	if (kbpf_map_lock_irqsave(&smap->lock, &flags))
		return;
	b->next_free = smap->free;
	smap->free = b;
	raw_spin_unlock_irqrestore(&smap->lock, flags);
}

/* The IP fallback of build-id frames (see the header); get_stack uses it too. */
void kbpf_stackmap_ip_frames(struct bpf_stack_build_id *out, const u64 *ips, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].status = BPF_STACK_BUILD_ID_IP;
		out[i].ip = ips[i];
	}
}

/*
 * bpf_get_stackid()'s map half: ips[0..nr) are the frames after the skip,
 * already cut to kbpf_stackmap_max_frames(). Returns the id or -errno.
 */
long kbpf_stackmap_get_id(struct kbpf_map *map, const u64 *ips, u32 nr, u64 flags)
{
	struct kbpf_stackmap *smap = kbpf_smap(map);
	struct kbpf_stack_bucket *bucket, *nb, *old;
	u32 hash, id, len = nr * kbpf_stackmap_frame_size(map);
	bool hash_matches;

	hash = jhash2((const u32 *)ips, nr * sizeof(u64) / sizeof(u32), 0);
	id = hash & (smap->n_buckets - 1);
	bucket = READ_ONCE(smap->buckets[id]);
	hash_matches = bucket && bucket->hash == hash;
	if (hash_matches && (flags & BPF_F_FAST_STACK_CMP))
		return id;
	if (kbpf_stackmap_build_id(map)) {
		nb = kbpf_stackmap_pop_free(smap);
		if (unlikely(!nb))
			return -ENOMEM;
		kbpf_stackmap_ip_frames((struct bpf_stack_build_id *)nb->data, ips, nr);
		if (hash_matches && bucket->nr == nr && !memcmp(bucket->data, nb->data, len)) {
			kbpf_stackmap_push_free(smap, nb);
			return id;
		}
		if (bucket && !(flags & BPF_F_REUSE_STACKID)) {
			kbpf_stackmap_push_free(smap, nb);
			return -EEXIST;
		}
	} else {
		if (hash_matches && bucket->nr == nr && !memcmp(bucket->data, ips, len))
			return id;
		if (bucket && !(flags & BPF_F_REUSE_STACKID))
			return -EEXIST;
		nb = kbpf_stackmap_pop_free(smap);
		if (unlikely(!nb))
			return -ENOMEM;
		memcpy(nb->data, ips, len);
	}
	nb->hash = hash;
	nb->nr = nr;
	old = xchg(&smap->buckets[id], nb);
	if (old)
		kbpf_stackmap_push_free(smap, old);
	return id;
}

/* Programs cannot reach this (only get_stackid takes the map). */
static void *kbpf_stackmap_lookup(struct kbpf_map *map, const void *key)
{
	return NULL;
}

/* BPF_MAP_LOOKUP_ELEM: the frames, then zeros. */
static int kbpf_stackmap_copy(struct kbpf_map *map, const void *key, void *value)
{
	struct kbpf_stackmap *smap = kbpf_smap(map);
	struct kbpf_stack_bucket *b, *old;
	u32 id = *(const u32 *)key, len;

	if (id >= smap->n_buckets)
		return -ENOENT;
	/* take it out so that nobody recycles it while we copy */
	b = xchg(&smap->buckets[id], NULL);
	if (!b)
		return -ENOENT;
	len = b->nr * kbpf_stackmap_frame_size(map);
	memcpy(value, b->data, len);
	memset(value + len, 0, map->desc.value_size - len);
	old = xchg(&smap->buckets[id], b);
	if (old)
		kbpf_stackmap_push_free(smap, old);
	return 0;
}

static int kbpf_stackmap_update(struct kbpf_map *map, const void *key, const void *value,
				u64 flags)
{
	return -EINVAL;
}

static int kbpf_stackmap_delete(struct kbpf_map *map, const void *key)
{
	struct kbpf_stackmap *smap = kbpf_smap(map);
	struct kbpf_stack_bucket *old;
	u32 id = *(const u32 *)key;

	if (id >= smap->n_buckets)
		return -E2BIG;
	old = xchg(&smap->buckets[id], NULL);
	if (!old)
		return -ENOENT;
	kbpf_stackmap_push_free(smap, old);
	return 0;
}

/* Ids in order; an unknown or empty key starts over at the first. */
static int kbpf_stackmap_get_next_key(struct kbpf_map *map, const void *key, void *next_key)
{
	struct kbpf_stackmap *smap = kbpf_smap(map);
	u32 id = 0;

	if (key) {
		id = *(const u32 *)key;
		if (id >= smap->n_buckets || !READ_ONCE(smap->buckets[id]))
			id = 0;
		else
			id++;
	}
	while (id < smap->n_buckets && !READ_ONCE(smap->buckets[id]))
		id++;
	if (id >= smap->n_buckets)
		return -ENOENT;
	*(u32 *)next_key = id;
	return 0;
}

const struct kbpf_map_ops kbpf_stackmap_ops = {
	.alloc_check	= kbpf_stackmap_alloc_check,
	.alloc		= kbpf_stackmap_alloc,
	.free		= kbpf_stackmap_free,
	.lookup		= kbpf_stackmap_lookup,
	.copy_value	= kbpf_stackmap_copy,
	.update		= kbpf_stackmap_update,
	.delete		= kbpf_stackmap_delete,
	.get_next_key	= kbpf_stackmap_get_next_key,
};
