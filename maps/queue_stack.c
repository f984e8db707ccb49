// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_QUEUE and BPF_MAP_TYPE_STACK: a ring of max_entries + 1
 * slots of value_size bytes, allocated at MAP_CREATE, under one raw
 * spinlock taken with irqs off (programs may push and pop from any
 * context; in NMI only a trylock, -EBUSY if it fails). There are no keys
 * (key_size 0): the syscall's update pushes (BPF_EXIST overwrites the
 * oldest element when full, else -E2BIG), lookup peeks and
 * lookup-and-delete pops (-ENOENT when empty). A queue pops the oldest
 * element, a stack the newest.
 */
#include <linux/spinlock.h>
#include <linux/preempt.h>
#include <linux/slab.h>

#include "kbpf_internal.h"

#define KBPF_QUEUE_STACK_CREATE_FLAGS	(BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK)

struct kbpf_queue_stack {
	struct kbpf_map map;	/* must be first */
	raw_spinlock_t lock;
	u32 head, tail;		/* head: next free slot; tail: oldest */
	u32 size;		/* max_entries + 1 */
	char elements[] __aligned(8);
};

static struct kbpf_queue_stack *kbpf_qs(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_queue_stack, map);
}

static bool kbpf_qs_empty(const struct kbpf_queue_stack *qs)
{
	return qs->head == qs->tail;
}

static bool kbpf_qs_full(const struct kbpf_queue_stack *qs)
{
	u32 head = qs->head + 1;

	if (unlikely(head >= qs->size))
		head = 0;
	return head == qs->tail;
}

static int kbpf_qs_alloc_check(const union bpf_attr *attr)
{
	if (!bpf_capable())
		return -EPERM;
	if (attr->max_entries == 0 || attr->key_size != 0 ||
	    attr->value_size == 0 ||
	    attr->map_flags & ~KBPF_QUEUE_STACK_CREATE_FLAGS ||
	    !bpf_map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	/* Beyond this, userspace could not read a value back. */
	if (attr->value_size > KMALLOC_MAX_SIZE)
		return -E2BIG;
	return 0;
}

static struct kbpf_map *kbpf_qs_alloc(const union bpf_attr *attr)
{
	u64 size = (u64)attr->max_entries + 1;
	struct kbpf_queue_stack *qs;

	qs = kbpf_map_area_alloc(sizeof(*qs) + size * attr->value_size,
				 bpf_map_attr_numa_node(attr));
	if (!qs)
		return ERR_PTR(-ENOMEM);
	qs->size = size;
	raw_spin_lock_init(&qs->lock);
	return &qs->map;
}

static void kbpf_qs_free(struct kbpf_map *map)
{
	kbpf_map_area_free(kbpf_qs(map));
}

static void *kbpf_qs_slot(struct kbpf_queue_stack *qs, u32 i)
{
	return &qs->elements[(u64)i * qs->map.desc.value_size];
}

/* The oldest element; delete: pop it. */
static int kbpf_queue_get(struct kbpf_map *map, void *value, bool delete)
{
	struct kbpf_queue_stack *qs = kbpf_qs(map);
	unsigned long flags;
	int err;

	err = kbpf_map_lock_irqsave(&qs->lock, &flags);
	if (err)
		return err;
	if (kbpf_qs_empty(qs)) {
		memset(value, 0, map->desc.value_size);
		err = -ENOENT;
		goto out;
	}
	memcpy(value, kbpf_qs_slot(qs, qs->tail), map->desc.value_size);
	if (delete && unlikely(++qs->tail >= qs->size))
		qs->tail = 0;
out:
	raw_spin_unlock_irqrestore(&qs->lock, flags);
	return err;
}

/* The newest element; delete: pop it. */
static int kbpf_stack_get(struct kbpf_map *map, void *value, bool delete)
{
	struct kbpf_queue_stack *qs = kbpf_qs(map);
	unsigned long flags;
	u32 index;
	int err;

	err = kbpf_map_lock_irqsave(&qs->lock, &flags);
	if (err)
		return err;
	if (kbpf_qs_empty(qs)) {
		memset(value, 0, map->desc.value_size);
		err = -ENOENT;
		goto out;
	}
	index = qs->head ? qs->head - 1 : qs->size - 1;
	memcpy(value, kbpf_qs_slot(qs, index), map->desc.value_size);
	if (delete)
		qs->head = index;
out:
	raw_spin_unlock_irqrestore(&qs->lock, flags);
	return err;
}

static int kbpf_queue_peek(struct kbpf_map *map, void *value)
{
	return kbpf_queue_get(map, value, false);
}

static int kbpf_queue_pop(struct kbpf_map *map, void *value)
{
	return kbpf_queue_get(map, value, true);
}

static int kbpf_stack_peek(struct kbpf_map *map, void *value)
{
	return kbpf_stack_get(map, value, false);
}

static int kbpf_stack_pop(struct kbpf_map *map, void *value)
{
	return kbpf_stack_get(map, value, true);
}

/* Both kinds push at head; BPF_EXIST makes room by dropping the oldest. */
static int kbpf_qs_push(struct kbpf_map *map, const void *value, u64 flags)
{
	struct kbpf_queue_stack *qs = kbpf_qs(map);
	bool replace = flags & BPF_EXIST;
	unsigned long irqflags;
	int err;

	if (flags & BPF_NOEXIST || flags > BPF_EXIST)
		return -EINVAL;

	err = kbpf_map_lock_irqsave(&qs->lock, &irqflags);
	if (err)
		return err;
	if (kbpf_qs_full(qs)) {
		if (!replace) {
			err = -E2BIG;
			goto out;
		}
		if (unlikely(++qs->tail >= qs->size))
			qs->tail = 0;
	}
	memcpy(kbpf_qs_slot(qs, qs->head), value, map->desc.value_size);
	if (unlikely(++qs->head >= qs->size))
		qs->head = 0;
out:
	raw_spin_unlock_irqrestore(&qs->lock, irqflags);
	return err;
}

/* The element ops have no meaning here (Linux: NULL / -EINVAL). */
static void *kbpf_qs_lookup(struct kbpf_map *map, const void *key)
{
	return NULL;
}

static int kbpf_qs_update(struct kbpf_map *map, const void *key,
			  const void *value, u64 flags)
{
	return -EINVAL;
}

static int kbpf_qs_delete(struct kbpf_map *map, const void *key)
{
	return -EINVAL;
}

static int kbpf_qs_get_next_key(struct kbpf_map *map, const void *key,
				void *next_key)
{
	return -EINVAL;
}

const struct kbpf_map_ops kbpf_queue_map_ops = {
	.alloc_check	= kbpf_qs_alloc_check,
	.alloc		= kbpf_qs_alloc,
	.free		= kbpf_qs_free,
	.lookup		= kbpf_qs_lookup,
	.update		= kbpf_qs_update,
	.delete		= kbpf_qs_delete,
	.get_next_key	= kbpf_qs_get_next_key,
	.push		= kbpf_qs_push,
	.pop		= kbpf_queue_pop,
	.peek		= kbpf_queue_peek,
};

const struct kbpf_map_ops kbpf_stack_map_ops = {
	.alloc_check	= kbpf_qs_alloc_check,
	.alloc		= kbpf_qs_alloc,
	.free		= kbpf_qs_free,
	.lookup		= kbpf_qs_lookup,
	.update		= kbpf_qs_update,
	.delete		= kbpf_qs_delete,
	.get_next_key	= kbpf_qs_get_next_key,
	.push		= kbpf_qs_push,
	.pop		= kbpf_stack_pop,
	.peek		= kbpf_stack_peek,
};
