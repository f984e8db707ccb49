/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hash table shared by BPF_MAP_TYPE_HASH, PERCPU_HASH, LRU_HASH and
 * LRU_PERCPU_HASH (maps/hash.c has the core, hash_percpu.c and hash_lru.c
 * the variants' ops, hash_batch.c the batch commands).
 */
#ifndef _KBPF_HTAB_H
#define _KBPF_HTAB_H

#include <linux/list.h>
#include <linux/list_nulls.h>
#include <linux/rculist.h>
#include <linux/percpu.h>
#include <linux/rculist_nulls.h>
#include <linux/spinlock.h>

#include "kbpf_internal.h"

struct kbpf_htab_bucket {
	struct hlist_nulls_head head;
	raw_spinlock_t lock;
};

struct kbpf_htab_elem {
	struct hlist_nulls_node node;
	union {
		struct kbpf_htab_elem *free_next;	/* on the free list */
		struct rcu_head rcu;			/* NO_PREALLOC free */
		struct kbpf_htab_elem *batch_next;	/* batch deletes */
	};
	struct list_head lru;	/* LRU types: on lru_list while in the table */
	void __percpu *pptr;	/* per-CPU types: round_up(value_size, 8) each */
	u32 hash;
	u8 ref;			/* LRU: looked up by a program since scanned */
	/* The key, then (8-aligned) the value, except for per-CPU types. */
	char key[] __aligned(8);
};

struct kbpf_htab {
	struct kbpf_map map;		/* must be first */
	struct kbpf_htab_bucket *buckets;
	u32 n_buckets;			/* power of two */
	u32 elem_size;
	u32 hashrnd;
	bool prealloc;
	bool percpu;
	bool lru;
	atomic_t count;			/* elements in use (NO_PREALLOC) */
	int __percpu *busy;
	/* prealloc only */
	void *pool;
	u32 pool_size;
	struct kbpf_htab_elem *free_list;
	raw_spinlock_t free_lock;
	struct kbpf_htab_elem *__percpu *spare;	/* HASH only */
	/* LRU only: in-use elements, most recently inserted first. */
	struct list_head lru_list;
	raw_spinlock_t lru_lock;
};

static inline struct kbpf_htab *kbpf_htab(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_htab, map);
}

static inline void *kbpf_htab_value(const struct kbpf_htab *htab,
				    struct kbpf_htab_elem *l)
{
	return l->key + round_up(htab->map.desc.key_size, 8);
}

/*
 * Bucket locking (inline: on every update's and delete's path). A per-CPU
 * busy count refuses re-entry on this CPU (a program run inside one of our
 * updates) with -EBUSY instead of deadlocking on the bucket lock.
 */
static __always_inline int kbpf_htab_busy_enter(struct kbpf_htab *htab)
{
	preempt_disable();
	if (unlikely(__this_cpu_inc_return(*htab->busy) != 1)) {
		__this_cpu_dec(*htab->busy);
		preempt_enable();
		return -EBUSY;
	}
	return 0;
}

static __always_inline void kbpf_htab_busy_exit(struct kbpf_htab *htab)
{
	__this_cpu_dec(*htab->busy);
	preempt_enable();
}

static __always_inline int kbpf_htab_lock(struct kbpf_htab *htab,
					  struct kbpf_htab_bucket *b,
					  unsigned long *flags)
{
	int err = kbpf_htab_busy_enter(htab);

	if (err)
		return err;
	raw_spin_lock_irqsave(&b->lock, *flags);
	return 0;
}

static __always_inline void kbpf_htab_unlock(struct kbpf_htab *htab,
					     struct kbpf_htab_bucket *b,
					     unsigned long flags)
{
	raw_spin_unlock_irqrestore(&b->lock, flags);
	kbpf_htab_busy_exit(htab);
}

/* maps/hash.c */
int kbpf_htab_alloc_check(const union bpf_attr *attr);
u32 kbpf_htab_max_entries(const union bpf_attr *attr);
struct kbpf_map *kbpf_htab_alloc(const union bpf_attr *attr);
void kbpf_htab_free(struct kbpf_map *map);
struct kbpf_htab_elem *kbpf_htab_lookup_elem(struct kbpf_htab *htab,
					     const void *key);
struct kbpf_htab_elem *kbpf_htab_pool_pop(struct kbpf_htab *htab);
void kbpf_htab_pool_push(struct kbpf_htab *htab, struct kbpf_htab_elem *l);
/* Copy an element's value out as the syscall sees it (all CPUs). */
void kbpf_htab_copy_out(struct kbpf_htab *htab, struct kbpf_htab_elem *l,
			void *value);
/* Unlink a looked-up element (bucket locked); returns one to free later. */
struct kbpf_htab_elem *kbpf_htab_unlink(struct kbpf_htab *htab,
					struct kbpf_htab_elem *l);
void kbpf_htab_free_later(struct kbpf_htab *htab, struct kbpf_htab_elem *l);
int kbpf_htab_update_common(struct kbpf_map *map, const void *key,
			    const void *value, u64 flags, bool onallcpus);
int kbpf_htab_delete(struct kbpf_map *map, const void *key);
int kbpf_htab_get_next_key(struct kbpf_map *map, const void *key,
			   void *next_key);
int kbpf_htab_copy_value(struct kbpf_map *map, const void *key, void *value);
int kbpf_htab_lookup_and_delete(struct kbpf_map *map, const void *key,
				void *value, u64 flags);
int kbpf_htab_update_value(struct kbpf_map *map, const void *key,
			   const void *value, u64 flags);

/* maps/hash_percpu.c */
void kbpf_htab_pcpu_copy_in(struct kbpf_htab *htab, void __percpu *pptr,
			    const void *value, bool onallcpus);
void kbpf_htab_pcpu_init(struct kbpf_htab *htab, void __percpu *pptr,
			 const void *value, bool onallcpus);
void kbpf_htab_pcpu_copy_out(struct kbpf_htab *htab, void __percpu *pptr,
			     void *value);
void *kbpf_htab_percpu_lookup(struct kbpf_map *map, const void *key);

/* maps/hash_lru.c */
struct kbpf_htab_elem *kbpf_htab_lru_take(struct kbpf_htab *htab);
void kbpf_htab_lru_link(struct kbpf_htab *htab, struct kbpf_htab_elem *l);
void kbpf_htab_lru_unlink(struct kbpf_htab *htab, struct kbpf_htab_elem *l);

/* maps/hash_batch.c */
int kbpf_htab_lookup_batch(struct kbpf_map *map, const union bpf_attr *attr,
			   union bpf_attr __user *uattr);
int kbpf_htab_lookup_and_delete_batch(struct kbpf_map *map,
				      const union bpf_attr *attr,
				      union bpf_attr __user *uattr);

#endif /* _KBPF_HTAB_H */
