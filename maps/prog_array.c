// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_PROG_ARRAY: the programs tail calls can enter. From
 * userspace a value is a program fd (update) or a program id (lookup);
 * programs only reach the map through bpf_tail_call, which reads
 * desc.tail_slots under RCU.
 *
 * Every program in one array has the same type and is JIT-compiled or not
 * alike (the "owner", set by the first program stored or loaded against
 * it), since a tail call stays in the backend it started in.
 *
 * A program holds its array, and the array holds its programs: when the
 * last user fd of the array closes, the array empties itself (as Linux's
 * map_release_uref), which breaks that cycle.
 */
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "kbpf_internal.h"

struct kbpf_prog_array {
	struct kbpf_map map;		/* must be first */
	spinlock_t owner_lock;
	bool owned;
	u32 owner_type;
	bool owner_jited;
	u32 *ids;			/* for lookups from userspace */
	struct kbpf_tail_target **slots;	/* map.desc.tail_slots */
};

static struct kbpf_prog_array *kbpf_prog_array(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_prog_array, map);
}

static struct kbpf_prog *kbpf_prog_of_target(struct kbpf_tail_target *t)
{
	return container_of(t, struct kbpf_prog, tail);
}

/* As Linux's bpf_prog_map_compatible(): the first caller sets the owner. */
bool kbpf_prog_array_compatible(struct kbpf_map *map, const struct kbpf_prog *prog)
{
	struct kbpf_prog_array *pa = kbpf_prog_array(map);
	bool ok;

	spin_lock(&pa->owner_lock);
	if (!pa->owned) {
		pa->owned = true;
		pa->owner_type = prog->type;
		pa->owner_jited = prog->jited != NULL;
	}
	ok = pa->owner_type == prog->type && pa->owner_jited == (prog->jited != NULL);
	spin_unlock(&pa->owner_lock);
	return ok;
}

static int kbpf_prog_array_alloc_check(const union bpf_attr *attr)
{
	return kbpf_fd_array_alloc_check(attr, 0);
}

static struct kbpf_map *kbpf_prog_array_alloc(const union bpf_attr *attr)
{
	int numa_node = bpf_map_attr_numa_node(attr);
	struct kbpf_prog_array *pa;

	pa = kzalloc_node(sizeof(*pa), GFP_KERNEL_ACCOUNT, numa_node);
	if (!pa)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&pa->owner_lock);
	pa->slots = kbpf_map_area_alloc((u64)attr->max_entries * sizeof(*pa->slots), numa_node);
	pa->ids = kbpf_map_area_alloc((u64)attr->max_entries * sizeof(*pa->ids), numa_node);
	if (!pa->slots || !pa->ids) {
		kbpf_map_area_free(pa->slots);
		kbpf_map_area_free(pa->ids);
		kfree(pa);
		return ERR_PTR(-ENOMEM);
	}
	pa->map.desc.tail_slots = pa->slots;
	return &pa->map;
}

/* Take slot index out; the caller's RCU rules make the put safe. */
static bool kbpf_prog_array_clear_slot(struct kbpf_prog_array *pa, u32 index)
{
	struct kbpf_tail_target *old = xchg(&pa->slots[index], NULL);

	WRITE_ONCE(pa->ids[index], 0);
	if (!old)
		return false;
	/* The program is freed only after an RCU grace period. */
	kbpf_prog_put(kbpf_prog_of_target(old));
	return true;
}

static void kbpf_prog_array_free(struct kbpf_map *map)
{
	struct kbpf_prog_array *pa = kbpf_prog_array(map);
	u32 i;

	for (i = 0; i < map->desc.max_entries; i++)
		kbpf_prog_array_clear_slot(pa, i);
	kbpf_map_area_free(pa->slots);
	kbpf_map_area_free(pa->ids);
	kfree(pa);
}

static void kbpf_prog_array_release_uref(struct kbpf_map *map)
{
	struct kbpf_prog_array *pa = kbpf_prog_array(map);
	u32 i;

	for (i = 0; i < map->desc.max_entries; i++)
		kbpf_prog_array_clear_slot(pa, i);
}

/* Userspace lookup: the id of the program in the slot. */
static void *kbpf_prog_array_lookup(struct kbpf_map *map, const void *key)
{
	struct kbpf_prog_array *pa = kbpf_prog_array(map);
	u32 index;

	if (!kbpf_fd_array_index(map, key, &index))
		return NULL;
	if (!READ_ONCE(pa->slots[index]))
		return NULL;
	return &pa->ids[index];
}

/* Userspace update: value is a program fd. */
static int kbpf_prog_array_update(struct kbpf_map *map, const void *key,
				  const void *value, u64 flags)
{
	struct kbpf_prog_array *pa = kbpf_prog_array(map);
	u32 index;
	struct kbpf_tail_target *old;
	struct kbpf_prog *prog;

	if (flags != BPF_ANY)
		return -EINVAL;
	if (!kbpf_fd_array_index(map, key, &index))
		return -E2BIG;
	prog = kbpf_prog_get(*(const u32 *)value);
	if (IS_ERR(prog))
		return PTR_ERR(prog);
	if (!kbpf_prog_array_compatible(map, prog)) {
		kbpf_prog_put(prog);
		return -EINVAL;
	}
	WRITE_ONCE(pa->ids[index], prog->id);
	/* Publish the complete target; runners load it with acquire. */
	old = xchg(&pa->slots[index], &prog->tail);
	if (old)
		kbpf_prog_put(kbpf_prog_of_target(old));
	return 0;
}

static int kbpf_prog_array_delete(struct kbpf_map *map, const void *key)
{
	u32 index;

	if (!kbpf_fd_array_index(map, key, &index))
		return -E2BIG;
	return kbpf_prog_array_clear_slot(kbpf_prog_array(map), index) ? 0 : -ENOENT;
}

const struct kbpf_map_ops kbpf_prog_array_map_ops = {
	.alloc_check	= kbpf_prog_array_alloc_check,
	.alloc		= kbpf_prog_array_alloc,
	.free		= kbpf_prog_array_free,
	.release_uref	= kbpf_prog_array_release_uref,
	.lookup		= kbpf_prog_array_lookup,
	.update		= kbpf_prog_array_update,
	.delete		= kbpf_prog_array_delete,
	.get_next_key	= kbpf_array_get_next_key,
};
