// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_LRU_HASH and BPF_MAP_TYPE_LRU_PERCPU_HASH: the hash table
 * of hash.c, always preallocated, where inserting into a full table
 * evicts the least recently used element instead of failing.
 *
 * A simpler design than Linux's (per-CPU local lists, active/inactive
 * lists): one list of the elements in the table, newest first, under one
 * raw spinlock, and a "referenced" byte a program's lookup sets (the
 * syscall's does not, as in Linux). Eviction scans from the oldest end,
 * giving referenced elements a second chance (cleared, moved to the
 * front; at most KBPF_LRU_SECOND_CHANCES per eviction), and takes the
 * first unreferenced one whose bucket lock it can get with a trylock.
 * BPF_F_NO_COMMON_LRU is accepted (max_entries rounded as Linux does) but
 * uses the same common list. Which element gets evicted therefore differs
 * from Linux; that the map stays within max_entries and keeps recently
 * used keys does not.
 *
 * Lock order: bucket -> lru_lock (link/unlink); the eviction, holding
 * lru_lock, only trylocks buckets. Updates take a new element before
 * locking their bucket, inside the per-CPU busy section.
 */
#include <linux/list.h>

#include "kbpf_htab.h"

/* Referenced elements skipped per eviction before taking one anyway. */
#define KBPF_LRU_SECOND_CHANCES	64

static struct kbpf_htab_elem *kbpf_htab_lru_evict(struct kbpf_htab *htab)
{
	struct kbpf_htab_elem *l, *tmp, *victim = NULL;
	unsigned int chances = 0;
	unsigned long flags;

	raw_spin_lock_irqsave(&htab->lru_lock, flags);
	list_for_each_entry_safe_reverse(l, tmp, &htab->lru_list, lru) {
		struct kbpf_htab_bucket *b;

		if (READ_ONCE(l->ref) && chances < KBPF_LRU_SECOND_CHANCES) {
			WRITE_ONCE(l->ref, 0);
			list_move(&l->lru, &htab->lru_list);
			chances++;
			continue;
		}
		b = &htab->buckets[l->hash & (htab->n_buckets - 1)];
		if (!raw_spin_trylock(&b->lock))
			continue;
		hlist_nulls_del_rcu(&l->node);
		list_del_init(&l->lru);
		raw_spin_unlock(&b->lock);
		victim = l;
		break;
	}
	raw_spin_unlock_irqrestore(&htab->lru_lock, flags);
	return victim;
}

/* An element for a new key: a free one, else the least recently used. */
struct kbpf_htab_elem *kbpf_htab_lru_take(struct kbpf_htab *htab)
{
	struct kbpf_htab_elem *l = kbpf_htab_pool_pop(htab);

	return l ?: kbpf_htab_lru_evict(htab);
}

/* With l's bucket locked (irqs off). */
void kbpf_htab_lru_link(struct kbpf_htab *htab, struct kbpf_htab_elem *l)
{
	raw_spin_lock(&htab->lru_lock);
	l->ref = 0;
	list_add(&l->lru, &htab->lru_list);
	raw_spin_unlock(&htab->lru_lock);
}

void kbpf_htab_lru_unlink(struct kbpf_htab *htab, struct kbpf_htab_elem *l)
{
	raw_spin_lock(&htab->lru_lock);
	list_del_init(&l->lru);
	raw_spin_unlock(&htab->lru_lock);
}

static void kbpf_htab_lru_touch(struct kbpf_htab_elem *l)
{
	if (!READ_ONCE(l->ref))
		WRITE_ONCE(l->ref, 1);
}

static void *kbpf_htab_lru_lookup(struct kbpf_map *map, const void *key)
{
	struct kbpf_htab *htab = kbpf_htab(map);
	struct kbpf_htab_elem *l = kbpf_htab_lookup_elem(htab, key);

	if (!l)
		return NULL;
	kbpf_htab_lru_touch(l);
	return kbpf_htab_value(htab, l);
}

static void *kbpf_htab_lru_percpu_lookup(struct kbpf_map *map, const void *key)
{
	struct kbpf_htab_elem *l = kbpf_htab_lookup_elem(kbpf_htab(map), key);

	if (!l)
		return NULL;
	kbpf_htab_lru_touch(l);
	return this_cpu_ptr(l->pptr);
}

static int kbpf_htab_lru_update(struct kbpf_map *map, const void *key,
				const void *value, u64 flags)
{
	return kbpf_htab_update_common(map, key, value, flags, false);
}

KBPF_MAP_LOOKUP_HELPER(kbpf_htab_lru_lookup_helper, kbpf_htab_lru_lookup)
KBPF_MAP_UPDATE_HELPER(kbpf_htab_lru_update_helper, kbpf_htab_lru_update)

const struct kbpf_map_ops kbpf_htab_lru_map_ops = {
	.alloc_check	= kbpf_htab_alloc_check,
	.alloc		= kbpf_htab_alloc,
	.free		= kbpf_htab_free,
	.lookup		= kbpf_htab_lru_lookup,
	.lookup_helper	= kbpf_htab_lru_lookup_helper,
	.update		= kbpf_htab_lru_update,
	.update_helper	= kbpf_htab_lru_update_helper,
	.delete		= kbpf_htab_delete,
	.get_next_key	= kbpf_htab_get_next_key,
	.max_entries	= kbpf_htab_max_entries,
	.copy_value	= kbpf_htab_copy_value,
	.lookup_and_delete = kbpf_htab_lookup_and_delete,
	.lookup_batch	= kbpf_htab_lookup_batch,
	.lookup_and_delete_batch = kbpf_htab_lookup_and_delete_batch,
	.update_batch	= kbpf_generic_update_batch,
	.delete_batch	= kbpf_generic_delete_batch,
};

const struct kbpf_map_ops kbpf_htab_lru_percpu_map_ops = {
	.alloc_check	= kbpf_htab_alloc_check,
	.alloc		= kbpf_htab_alloc,
	.free		= kbpf_htab_free,
	.lookup		= kbpf_htab_lru_percpu_lookup,
	.update		= kbpf_htab_lru_update,
	.delete		= kbpf_htab_delete,
	.get_next_key	= kbpf_htab_get_next_key,
	.max_entries	= kbpf_htab_max_entries,
	.percpu		= true,
	.copy_value	= kbpf_htab_copy_value,
	.update_value	= kbpf_htab_update_value,
	.lookup_and_delete = kbpf_htab_lookup_and_delete,
	.lookup_batch	= kbpf_htab_lookup_batch,
	.lookup_and_delete_batch = kbpf_htab_lookup_and_delete_batch,
	.update_batch	= kbpf_generic_update_batch,
	.delete_batch	= kbpf_generic_delete_batch,
};
