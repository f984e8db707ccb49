// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_HASH.
 *
 * Buckets are RCU hlist_nulls lists, each with a raw spinlock taken with
 * irqs off, so that programs in any context can update. Lookups take no
 * lock. Like Linux, the default is a preallocated pool: max_entries
 * elements on a free list, plus one spare per possible CPU that an update
 * of an existing key swaps with the old element, so that replacing works
 * on a full map. Preallocated elements are reused without waiting for a
 * grace period (as in Linux); the nulls marker at the end of each chain
 * lets a lockless reader notice it was carried into another bucket and
 * restart. With BPF_F_NO_PREALLOC, elements are kmalloc'ed on insert and
 * freed after a grace period.
 *
 * A per-CPU "busy" count guards against re-entry on the same CPU (a
 * program attached somewhere inside an update of the same map): the inner
 * call fails with -EBUSY instead of deadlocking on the bucket lock.
 */
#include <linux/jhash.h>
#include <linux/list_nulls.h>
#include <linux/rculist.h>
#include <linux/rculist_nulls.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/log2.h>

#include "kbpf_internal.h"

#define KBPF_HTAB_CREATE_FLAGS	(BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | \
				 BPF_F_ACCESS_MASK | BPF_F_ZERO_SEED)

struct kbpf_htab_bucket {
	struct hlist_nulls_head head;
	raw_spinlock_t lock;
};

struct kbpf_htab_elem {
	struct hlist_nulls_node node;
	union {
		struct kbpf_htab_elem *free_next;	/* on the free list */
		struct rcu_head rcu;			/* NO_PREALLOC free */
	};
	u32 hash;
	char key[] __aligned(8);	/* then the value, 8-aligned */
};

struct kbpf_htab {
	struct kbpf_map map;		/* must be first */
	struct kbpf_htab_bucket *buckets;
	u32 n_buckets;			/* power of two */
	u32 elem_size;
	u32 hashrnd;
	bool prealloc;
	atomic_t count;			/* elements in use (NO_PREALLOC) */
	int __percpu *busy;
	/* prealloc only */
	void *pool;
	struct kbpf_htab_elem *free_list;
	raw_spinlock_t free_lock;
	struct kbpf_htab_elem *__percpu *spare;
};

static struct kbpf_htab *kbpf_htab(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_htab, map);
}

static void *kbpf_htab_value(const struct kbpf_htab *htab,
			     struct kbpf_htab_elem *l)
{
	return l->key + round_up(htab->map.desc.key_size, 8);
}

static u32 kbpf_htab_hash(const void *key, u32 key_len, u32 hashrnd)
{
	if (likely(key_len % 4 == 0))
		return jhash2(key, key_len / 4, hashrnd);
	return jhash(key, key_len, hashrnd);
}

static struct kbpf_htab_bucket *kbpf_htab_bucket(const struct kbpf_htab *htab,
						 u32 hash)
{
	return &htab->buckets[hash & (htab->n_buckets - 1)];
}

static int kbpf_htab_alloc_check(const union bpf_attr *attr)
{
	if ((attr->map_flags & BPF_F_ZERO_SEED) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (attr->map_flags & ~KBPF_HTAB_CREATE_FLAGS ||
	    !bpf_map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	if (attr->max_entries == 0 || attr->key_size == 0 ||
	    attr->value_size == 0)
		return -EINVAL;
	if ((u64)attr->key_size + attr->value_size >=
	    KMALLOC_MAX_SIZE - KBPF_HTAB_LINUX_ELEM_SIZE)
		return -E2BIG;
	return 0;
}

/* ---- The preallocated pool ------------------------------------------- */

static struct kbpf_htab_elem *kbpf_htab_pool_elem(struct kbpf_htab *htab, u32 i)
{
	return htab->pool + (u64)i * htab->elem_size;
}

static int kbpf_htab_prealloc(struct kbpf_htab *htab)
{
	u32 n = htab->map.desc.max_entries;
	unsigned int cpu;
	u32 i;

	htab->pool = kbpf_map_area_alloc((u64)htab->elem_size *
					 (n + num_possible_cpus()),
					 htab->map.numa_node);
	if (!htab->pool)
		return -ENOMEM;
	htab->spare = alloc_percpu(struct kbpf_htab_elem *);
	if (!htab->spare) {
		kbpf_map_area_free(htab->pool);
		return -ENOMEM;
	}

	raw_spin_lock_init(&htab->free_lock);
	for (i = n; i-- > 0;) {
		struct kbpf_htab_elem *l = kbpf_htab_pool_elem(htab, i);

		l->free_next = htab->free_list;
		htab->free_list = l;
	}
	for_each_possible_cpu(cpu)
		*per_cpu_ptr(htab->spare, cpu) = kbpf_htab_pool_elem(htab, n++);
	return 0;
}

static struct kbpf_htab_elem *kbpf_htab_pool_pop(struct kbpf_htab *htab)
{
	struct kbpf_htab_elem *l;

	raw_spin_lock(&htab->free_lock);
	l = htab->free_list;
	if (l)
		htab->free_list = l->free_next;
	raw_spin_unlock(&htab->free_lock);
	return l;
}

static void kbpf_htab_pool_push(struct kbpf_htab *htab, struct kbpf_htab_elem *l)
{
	raw_spin_lock(&htab->free_lock);
	l->free_next = htab->free_list;
	htab->free_list = l;
	raw_spin_unlock(&htab->free_lock);
}

/* ---- Map lifetime ----------------------------------------------------- */

static struct kbpf_map *kbpf_htab_alloc(const union bpf_attr *attr)
{
	int numa_node = bpf_map_attr_numa_node(attr);
	struct kbpf_htab *htab;
	u64 n_buckets;
	u32 i;
	int err;

	htab = kzalloc_node(sizeof(*htab), GFP_KERNEL_ACCOUNT, numa_node);
	if (!htab)
		return ERR_PTR(-ENOMEM);
	/* The pool needs these before kbpf_map_init_from_attr() runs. */
	htab->map.desc.key_size = attr->key_size;
	htab->map.desc.value_size = attr->value_size;
	htab->map.desc.max_entries = attr->max_entries;
	htab->map.numa_node = numa_node;

	htab->prealloc = !(attr->map_flags & BPF_F_NO_PREALLOC);
	htab->elem_size = sizeof(struct kbpf_htab_elem) +
			  round_up(attr->key_size, 8) +
			  round_up(attr->value_size, 8);
	atomic_set(&htab->count, 0);

	/* As Linux: a bucket count that overflows u32 bytes is -E2BIG. */
	err = -E2BIG;
	n_buckets = roundup_pow_of_two((u64)attr->max_entries);
	if (n_buckets > U32_MAX / sizeof(struct kbpf_htab_bucket))
		goto err_htab;
	htab->n_buckets = n_buckets;

	err = -ENOMEM;
	htab->buckets = kbpf_map_area_alloc(n_buckets *
					    sizeof(struct kbpf_htab_bucket),
					    numa_node);
	if (!htab->buckets)
		goto err_htab;
	for (i = 0; i < htab->n_buckets; i++) {
		INIT_HLIST_NULLS_HEAD(&htab->buckets[i].head, i);
		raw_spin_lock_init(&htab->buckets[i].lock);
	}

	htab->busy = alloc_percpu(int);
	if (!htab->busy)
		goto err_buckets;

	htab->hashrnd = (attr->map_flags & BPF_F_ZERO_SEED) ? 0 :
			get_random_u32();

	if (htab->prealloc) {
		err = kbpf_htab_prealloc(htab);
		if (err)
			goto err_busy;
	}
	return &htab->map;

err_busy:
	free_percpu(htab->busy);
err_buckets:
	kbpf_map_area_free(htab->buckets);
err_htab:
	kfree(htab);
	return ERR_PTR(err);
}

static void kbpf_htab_free(struct kbpf_map *map)
{
	struct kbpf_htab *htab = kbpf_htab(map);
	u32 i;

	if (htab->prealloc) {
		free_percpu(htab->spare);
		kbpf_map_area_free(htab->pool);
	} else {
		for (i = 0; i < htab->n_buckets; i++) {
			struct hlist_nulls_node *n;
			struct kbpf_htab_elem *l;

			/* Advances n before the body frees l. */
			hlist_nulls_for_each_entry_safe(l, n,
							&htab->buckets[i].head,
							node)
				kfree(l);
		}
	}
	free_percpu(htab->busy);
	kbpf_map_area_free(htab->buckets);
	kfree(htab);
}

/* ---- Bucket locking --------------------------------------------------- */

static int kbpf_htab_lock(struct kbpf_htab *htab, struct kbpf_htab_bucket *b,
			  unsigned long *flags)
{
	preempt_disable();
	if (unlikely(__this_cpu_inc_return(*htab->busy) != 1)) {
		__this_cpu_dec(*htab->busy);
		preempt_enable();
		return -EBUSY;
	}
	raw_spin_lock_irqsave(&b->lock, *flags);
	return 0;
}

static void kbpf_htab_unlock(struct kbpf_htab *htab,
			     struct kbpf_htab_bucket *b, unsigned long flags)
{
	raw_spin_unlock_irqrestore(&b->lock, flags);
	__this_cpu_dec(*htab->busy);
	preempt_enable();
}

/* ---- Lookup ----------------------------------------------------------- */

/* With the bucket locked: the chain cannot change under us. */
static struct kbpf_htab_elem *kbpf_htab_find_locked(struct kbpf_htab *htab,
						    struct kbpf_htab_bucket *b,
						    u32 hash, const void *key)
{
	struct hlist_nulls_node *n;
	struct kbpf_htab_elem *l;

	hlist_nulls_for_each_entry(l, n, &b->head, node)
		if (l->hash == hash && !memcmp(l->key, key, htab->map.desc.key_size))
			return l;
	return NULL;
}

/* Lockless, under RCU: restart if we ended in another bucket's chain. */
static struct kbpf_htab_elem *kbpf_htab_find_rcu(struct kbpf_htab *htab,
						 u32 hash, const void *key)
{
	struct kbpf_htab_bucket *b = kbpf_htab_bucket(htab, hash);
	struct hlist_nulls_node *n;
	struct kbpf_htab_elem *l;

again:
	hlist_nulls_for_each_entry_rcu(l, n, &b->head, node)
		if (l->hash == hash && !memcmp(l->key, key, htab->map.desc.key_size))
			return l;
	if (unlikely(get_nulls_value(n) != (hash & (htab->n_buckets - 1))))
		goto again;
	return NULL;
}

static void *kbpf_htab_lookup(struct kbpf_map *map, const void *key)
{
	struct kbpf_htab *htab = kbpf_htab(map);
	struct kbpf_htab_elem *l;

	l = kbpf_htab_find_rcu(htab, kbpf_htab_hash(key, map->desc.key_size,
						    htab->hashrnd), key);
	return l ? kbpf_htab_value(htab, l) : NULL;
}

/* map_lookup_elem for the JIT to call directly, with no indirect call. */
static u64 kbpf_htab_lookup_helper(u64 map, u64 key, u64 r3, u64 r4, u64 r5)
{
	return (unsigned long)kbpf_htab_lookup(
		kbpf_map_from_desc((const struct kbpf_map_desc *)(unsigned long)map),
		(const void *)(unsigned long)key);
}

/* ---- Update and delete ------------------------------------------------ */

/*
 * Called with the bucket locked: the element that will hold the key. For
 * a new key it comes from the pool (-E2BIG when empty) or, NO_PREALLOC,
 * is the caller's allocation if the map is not full (-E2BIG otherwise).
 * Replacing an existing key always works: the CPU's spare is used.
 */
static struct kbpf_htab_elem *kbpf_htab_take_elem(struct kbpf_htab *htab,
						  bool replacing,
						  struct kbpf_htab_elem **alloc)
{
	struct kbpf_htab_elem *l;

	if (htab->prealloc) {
		if (replacing)
			return *this_cpu_ptr(htab->spare);
		return kbpf_htab_pool_pop(htab);
	}
	if (!replacing &&
	    atomic_inc_return(&htab->count) > htab->map.desc.max_entries) {
		atomic_dec(&htab->count);
		return NULL;
	}
	l = *alloc;
	*alloc = NULL;
	return l;
}

/*
 * Called with the bucket locked, on an element just unlinked. A
 * preallocated one is reusable at once (becoming the spare if it was
 * replaced); a kmalloc'ed one is returned, for kfree_rcu() after unlock.
 */
static struct kbpf_htab_elem *kbpf_htab_drop_elem(struct kbpf_htab *htab,
						  struct kbpf_htab_elem *l,
						  bool replaced)
{
	if (htab->prealloc) {
		if (replaced)
			*this_cpu_ptr(htab->spare) = l;
		else
			kbpf_htab_pool_push(htab, l);
		return NULL;
	}
	if (!replaced)
		atomic_dec(&htab->count);
	return l;
}

static int kbpf_htab_update(struct kbpf_map *map, const void *key,
			    const void *value, u64 flags)
{
	struct kbpf_htab *htab = kbpf_htab(map);
	struct kbpf_htab_elem *alloc = NULL, *to_free = NULL;
	u32 key_size = map->desc.key_size;
	struct kbpf_htab_elem *old, *l;
	struct kbpf_htab_bucket *b;
	unsigned long irqflags;
	u32 hash;
	int err;

	if (unlikely((flags & ~BPF_F_LOCK) > BPF_EXIST))
		return -EINVAL;
	/* No value of ours holds a bpf_spin_lock. */
	if (unlikely(flags & BPF_F_LOCK))
		return -EINVAL;

	/* Allocate before taking a raw spinlock. */
	if (!htab->prealloc) {
		alloc = kmalloc_node(htab->elem_size, GFP_ATOMIC | __GFP_NOWARN,
				     map->numa_node);
		if (!alloc)
			return -ENOMEM;
	}

	hash = kbpf_htab_hash(key, key_size, htab->hashrnd);
	b = kbpf_htab_bucket(htab, hash);
	err = kbpf_htab_lock(htab, b, &irqflags);
	if (err)
		goto out_free;

	old = kbpf_htab_find_locked(htab, b, hash, key);
	if (old && flags == BPF_NOEXIST) {
		err = -EEXIST;
		goto out_unlock;
	}
	if (!old && flags == BPF_EXIST) {
		err = -ENOENT;
		goto out_unlock;
	}

	l = kbpf_htab_take_elem(htab, old != NULL, &alloc);
	if (!l) {
		err = -E2BIG;
		goto out_unlock;
	}
	l->hash = hash;
	memcpy(l->key, key, key_size);
	memcpy(kbpf_htab_value(htab, l), value, map->desc.value_size);

	/* New first, so a reader never misses the key. */
	hlist_nulls_add_head_rcu(&l->node, &b->head);
	if (old) {
		hlist_nulls_del_rcu(&old->node);
		to_free = kbpf_htab_drop_elem(htab, old, true);
	}
	err = 0;

out_unlock:
	kbpf_htab_unlock(htab, b, irqflags);
	if (to_free)
		kfree_rcu(to_free, rcu);
out_free:
	kfree(alloc);
	return err;
}

static int kbpf_htab_delete(struct kbpf_map *map, const void *key)
{
	struct kbpf_htab *htab = kbpf_htab(map);
	struct kbpf_htab_elem *l, *to_free = NULL;
	struct kbpf_htab_bucket *b;
	unsigned long irqflags;
	u32 hash;
	int err;

	hash = kbpf_htab_hash(key, map->desc.key_size, htab->hashrnd);
	b = kbpf_htab_bucket(htab, hash);
	err = kbpf_htab_lock(htab, b, &irqflags);
	if (err)
		return err;

	l = kbpf_htab_find_locked(htab, b, hash, key);
	if (l) {
		hlist_nulls_del_rcu(&l->node);
		to_free = kbpf_htab_drop_elem(htab, l, false);
	} else {
		err = -ENOENT;
	}

	kbpf_htab_unlock(htab, b, irqflags);
	if (to_free)
		kfree_rcu(to_free, rcu);
	return err;
}

/* ---- Iteration -------------------------------------------------------- */

static struct kbpf_htab_elem *kbpf_htab_entry(struct hlist_nulls_node *n)
{
	return is_a_nulls(n) ? NULL : hlist_nulls_entry(n, struct kbpf_htab_elem, node);
}

/*
 * The key after key in bucket order: the next element of its chain, else
 * the first element of a following bucket. A key that is missing (or
 * NULL) restarts from the first bucket, as in Linux.
 */
static int kbpf_htab_get_next_key(struct kbpf_map *map, const void *key,
				  void *next_key)
{
	struct kbpf_htab *htab = kbpf_htab(map);
	u32 key_size = map->desc.key_size;
	struct kbpf_htab_elem *l, *next;
	u32 hash, i = 0;

	if (!key)
		goto find_first;

	hash = kbpf_htab_hash(key, key_size, htab->hashrnd);
	l = kbpf_htab_find_rcu(htab, hash, key);
	if (!l)
		goto find_first;

	next = kbpf_htab_entry(rcu_dereference_raw(hlist_nulls_next_rcu(&l->node)));
	if (next) {
		memcpy(next_key, next->key, key_size);
		return 0;
	}
	i = (hash & (htab->n_buckets - 1)) + 1;

find_first:
	for (; i < htab->n_buckets; i++) {
		struct hlist_nulls_head *head = &htab->buckets[i].head;

		next = kbpf_htab_entry(rcu_dereference_raw(hlist_nulls_first_rcu(head)));
		if (next) {
			memcpy(next_key, next->key, key_size);
			return 0;
		}
	}
	return -ENOENT;
}

const struct kbpf_map_ops kbpf_htab_map_ops = {
	.alloc_check	= kbpf_htab_alloc_check,
	.alloc		= kbpf_htab_alloc,
	.free		= kbpf_htab_free,
	.lookup		= kbpf_htab_lookup,
	.lookup_helper	= kbpf_htab_lookup_helper,
	.update		= kbpf_htab_update,
	.delete		= kbpf_htab_delete,
	.get_next_key	= kbpf_htab_get_next_key,
};
