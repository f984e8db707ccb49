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
 *
 * The same table serves PERCPU_HASH (hash_percpu.c: each element owns a
 * per-CPU value area, updated in place; no spare elements), LRU_HASH and
 * LRU_PERCPU_HASH (hash_lru.c: always preallocated; a full table evicts
 * instead of failing).
 */
#include <linux/jhash.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/log2.h>

#include "kbpf_htab.h"

#define KBPF_HTAB_CREATE_FLAGS	(BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | \
				 BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK | \
				 BPF_F_ZERO_SEED)
/* Linux 6.1 stable: a per-CPU value must fit one percpu unit. */
#define KBPF_HTAB_PCPU_VALUE_MAX	PCPU_MIN_UNIT_SIZE

static __always_inline u32 kbpf_htab_hash(const void *key, u32 key_len, u32 hashrnd)
{
	if (likely(key_len % 4 == 0))
		return jhash2(key, key_len / 4, hashrnd);
	return jhash(key, key_len, hashrnd);
}

static __always_inline struct kbpf_htab_bucket *kbpf_htab_bucket(const struct kbpf_htab *htab,
						 u32 hash)
{
	return &htab->buckets[hash & (htab->n_buckets - 1)];
}

static bool kbpf_htab_type_percpu(u32 type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool kbpf_htab_type_lru(u32 type)
{
	return type == BPF_MAP_TYPE_LRU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* The checks and their order are Linux 6.1's htab_map_alloc_check(). */
int kbpf_htab_alloc_check(const union bpf_attr *attr)
{
	bool percpu = kbpf_htab_type_percpu(attr->map_type);
	bool lru = kbpf_htab_type_lru(attr->map_type);
	bool percpu_lru = attr->map_flags & BPF_F_NO_COMMON_LRU;
	bool prealloc = !(attr->map_flags & BPF_F_NO_PREALLOC);

	if (lru && !bpf_capable())
		return -EPERM;
	if ((attr->map_flags & BPF_F_ZERO_SEED) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (attr->map_flags & ~KBPF_HTAB_CREATE_FLAGS ||
	    !bpf_map_flags_access_ok(attr->map_flags))
		return -EINVAL;
	if (!lru && percpu_lru)
		return -EINVAL;
	if (lru && !prealloc)
		return -ENOTSUPP;
	if (bpf_map_attr_numa_node(attr) != NUMA_NO_NODE && (percpu || percpu_lru))
		return -EINVAL;
	if (attr->max_entries == 0 || attr->key_size == 0 ||
	    attr->value_size == 0)
		return -EINVAL;
	if ((u64)attr->key_size + attr->value_size >=
	    KMALLOC_MAX_SIZE - KBPF_HTAB_LINUX_ELEM_SIZE)
		return -E2BIG;
	if (percpu && round_up(attr->value_size, 8) > KBPF_HTAB_PCPU_VALUE_MAX)
		return -E2BIG;
	return 0;
}

/*
 * BPF_F_NO_COMMON_LRU: Linux gives each CPU an equal share, so it rounds
 * max_entries to a multiple of the CPU count (down if up overflows), and
 * reports that. We keep one list (see hash_lru.c) but the same number.
 */
u32 kbpf_htab_max_entries(const union bpf_attr *attr)
{
	u32 ncpus = num_possible_cpus();
	u32 n = attr->max_entries;

	if (!(attr->map_flags & BPF_F_NO_COMMON_LRU))
		return n;
	if ((u64)roundup((u64)n, ncpus) > U32_MAX)
		return rounddown(n, ncpus);
	return roundup(n, ncpus);
}

/* ---- Elements and the preallocated pool ----------------------------- */

static u32 kbpf_htab_pcpu_size(const struct kbpf_htab *htab)
{
	return round_up(htab->map.desc.value_size, 8);
}

/* A NO_PREALLOC element (with its per-CPU area), from any context. */
static struct kbpf_htab_elem *kbpf_htab_elem_alloc(struct kbpf_htab *htab)
{
	struct kbpf_htab_elem *l;

	l = kmalloc_node(htab->elem_size, GFP_ATOMIC | __GFP_NOWARN,
			 htab->map.numa_node);
	if (!l)
		return NULL;
	l->pptr = NULL;
	if (!htab->percpu)
		return l;
	l->pptr = __alloc_percpu_gfp(kbpf_htab_pcpu_size(htab), 8,
				     GFP_ATOMIC | __GFP_NOWARN);
	if (!l->pptr) {
		kfree(l);
		return NULL;
	}
	return l;
}

static void kbpf_htab_elem_free(struct kbpf_htab_elem *l)
{
	if (l->pptr)
		free_percpu(l->pptr);
	kfree(l);
}

static void kbpf_htab_elem_free_rcu(struct rcu_head *head)
{
	kbpf_htab_elem_free(container_of(head, struct kbpf_htab_elem, rcu));
}

/* A NO_PREALLOC element unlinked from the table: freed after readers. */
void kbpf_htab_free_later(struct kbpf_htab *htab, struct kbpf_htab_elem *l)
{
	if (l->pptr)
		call_rcu(&l->rcu, kbpf_htab_elem_free_rcu);
	else
		kfree_rcu(l, rcu);
}

static struct kbpf_htab_elem *kbpf_htab_pool_elem(struct kbpf_htab *htab, u32 i)
{
	return htab->pool + (u64)i * htab->elem_size;
}

static void kbpf_htab_pool_free(struct kbpf_htab *htab)
{
	u32 i;

	if (htab->percpu)
		for (i = 0; i < htab->pool_size; i++)
			free_percpu(kbpf_htab_pool_elem(htab, i)->pptr);
	free_percpu(htab->spare);
	kbpf_map_area_free(htab->pool);
}

/*
 * max_entries elements on the free list; HASH adds one spare per possible
 * CPU (replacing a key swaps with it). The per-CPU types own a per-CPU
 * value area per element and update in place, so need no spare; LRU
 * evicts instead.
 */
static int kbpf_htab_prealloc(struct kbpf_htab *htab)
{
	bool spares = !htab->percpu && !htab->lru;
	u32 n = htab->map.desc.max_entries;
	unsigned int cpu;
	u32 i;

	htab->pool_size = n + (spares ? num_possible_cpus() : 0);
	htab->pool = kbpf_map_area_alloc((u64)htab->elem_size * htab->pool_size,
					 htab->map.numa_node);
	if (!htab->pool)
		return -ENOMEM;
	if (spares) {
		htab->spare = alloc_percpu(struct kbpf_htab_elem *);
		if (!htab->spare)
			goto err;
	}
	for (i = 0; htab->percpu && i < htab->pool_size; i++) {
		struct kbpf_htab_elem *l = kbpf_htab_pool_elem(htab, i);

		l->pptr = __alloc_percpu_gfp(kbpf_htab_pcpu_size(htab), 8,
					     GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!l->pptr)
			goto err;
		cond_resched();
	}

	raw_spin_lock_init(&htab->free_lock);
	for (i = n; i-- > 0;) {
		struct kbpf_htab_elem *l = kbpf_htab_pool_elem(htab, i);

		l->free_next = htab->free_list;
		htab->free_list = l;
	}
	if (spares)
		for_each_possible_cpu(cpu)
			*per_cpu_ptr(htab->spare, cpu) = kbpf_htab_pool_elem(htab, n++);
	return 0;
err:
	kbpf_htab_pool_free(htab);
	return -ENOMEM;
}

struct kbpf_htab_elem *kbpf_htab_pool_pop(struct kbpf_htab *htab)
{
	struct kbpf_htab_elem *l;
	unsigned long flags;

	raw_spin_lock_irqsave(&htab->free_lock, flags);
	l = htab->free_list;
	if (l)
		htab->free_list = l->free_next;
	raw_spin_unlock_irqrestore(&htab->free_lock, flags);
	return l;
}

void kbpf_htab_pool_push(struct kbpf_htab *htab, struct kbpf_htab_elem *l)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&htab->free_lock, flags);
	l->free_next = htab->free_list;
	htab->free_list = l;
	raw_spin_unlock_irqrestore(&htab->free_lock, flags);
}

/* ---- Map lifetime ----------------------------------------------------- */

struct kbpf_map *kbpf_htab_alloc(const union bpf_attr *attr)
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
	htab->map.desc.max_entries = kbpf_htab_max_entries(attr);
	htab->map.numa_node = numa_node;

	htab->percpu = kbpf_htab_type_percpu(attr->map_type);
	htab->lru = kbpf_htab_type_lru(attr->map_type);
	htab->prealloc = !(attr->map_flags & BPF_F_NO_PREALLOC);
	htab->elem_size = sizeof(struct kbpf_htab_elem) +
			  round_up(attr->key_size, 8);
	if (!htab->percpu)
		htab->elem_size += round_up(attr->value_size, 8);
	atomic_set(&htab->count, 0);
	INIT_LIST_HEAD(&htab->lru_list);
	raw_spin_lock_init(&htab->lru_lock);

	/* As Linux: a bucket count that overflows u32 bytes is -E2BIG. */
	err = -E2BIG;
	n_buckets = roundup_pow_of_two((u64)htab->map.desc.max_entries);
	if (!n_buckets || n_buckets > U32_MAX / sizeof(struct kbpf_htab_bucket))
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

void kbpf_htab_free(struct kbpf_map *map)
{
	struct kbpf_htab *htab = kbpf_htab(map);
	u32 i;

	if (htab->prealloc) {
		kbpf_htab_pool_free(htab);
	} else {
		for (i = 0; i < htab->n_buckets; i++) {
			struct hlist_nulls_node *n;
			struct kbpf_htab_elem *l;

			/* Advances n before the body frees l. */
			hlist_nulls_for_each_entry_safe(l, n,
							&htab->buckets[i].head,
							node)
				kbpf_htab_elem_free(l);
		}
	}
	free_percpu(htab->busy);
	kbpf_map_area_free(htab->buckets);
	kfree(htab);
}

/* ---- Lookup ----------------------------------------------------------- */

/* With the bucket locked: the chain cannot change under us. */
static __always_inline struct kbpf_htab_elem *
kbpf_htab_find_locked(struct kbpf_htab *htab, struct kbpf_htab_bucket *b,
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
static __always_inline struct kbpf_htab_elem *kbpf_htab_find_rcu(struct kbpf_htab *htab,
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

struct kbpf_htab_elem *kbpf_htab_lookup_elem(struct kbpf_htab *htab,
					     const void *key)
{
	return kbpf_htab_find_rcu(htab, kbpf_htab_hash(key, htab->map.desc.key_size,
						       htab->hashrnd), key);
}

static __always_inline void *kbpf_htab_lookup(struct kbpf_map *map, const void *key)
{
	struct kbpf_htab *htab = kbpf_htab(map);
	struct kbpf_htab_elem *l = kbpf_htab_lookup_elem(htab, key);

	return l ? kbpf_htab_value(htab, l) : NULL;
}

KBPF_MAP_LOOKUP_HELPER(kbpf_htab_lookup_helper, kbpf_htab_lookup)

void kbpf_htab_copy_out(struct kbpf_htab *htab, struct kbpf_htab_elem *l,
			void *value)
{
	if (htab->percpu)
		kbpf_htab_pcpu_copy_out(htab, l->pptr, value);
	else
		memcpy(value, kbpf_htab_value(htab, l), htab->map.desc.value_size);
}

/* The syscall's lookup: no LRU reference bit, all CPUs' values. */
int kbpf_htab_copy_value(struct kbpf_map *map, const void *key, void *value)
{
	struct kbpf_htab *htab = kbpf_htab(map);
	struct kbpf_htab_elem *l = kbpf_htab_lookup_elem(htab, key);

	if (!l)
		return -ENOENT;
	kbpf_htab_copy_out(htab, l, value);
	return 0;
}

/* ---- Update and delete ------------------------------------------------ */

/*
 * Called with the bucket locked: the element that will hold the key. For
 * a new key it comes from the pool (-E2BIG when empty) or, NO_PREALLOC,
 * is the caller's allocation if the map is not full (-E2BIG otherwise).
 * Replacing an existing key always works: the CPU's spare is used.
 */
static __always_inline struct kbpf_htab_elem *
kbpf_htab_take_elem(struct kbpf_htab *htab, bool replacing,
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
 * Called with the bucket locked: unlink l. A preallocated element is
 * reusable at once (HASH's replaced one becomes the CPU's spare); a
 * kmalloc'ed one is returned, for kbpf_htab_free_later() after unlock.
 */
static __always_inline struct kbpf_htab_elem *
kbpf_htab_drop_elem(struct kbpf_htab *htab, struct kbpf_htab_elem *l,
		    bool replaced)
{
	hlist_nulls_del_rcu(&l->node);
	if (htab->lru)
		kbpf_htab_lru_unlink(htab, l);
	if (htab->prealloc) {
		if (replaced && htab->spare)
			*this_cpu_ptr(htab->spare) = l;
		else
			kbpf_htab_pool_push(htab, l);
		return NULL;
	}
	if (!replaced)
		atomic_dec(&htab->count);
	return l;
}

struct kbpf_htab_elem *kbpf_htab_unlink(struct kbpf_htab *htab,
					struct kbpf_htab_elem *l)
{
	return kbpf_htab_drop_elem(htab, l, false);
}

static int kbpf_htab_check_flags(struct kbpf_htab_elem *old, u64 flags)
{
	if (old && flags == BPF_NOEXIST)
		return -EEXIST;
	if (!old && flags == BPF_EXIST)
		return -ENOENT;
	return 0;
}

/* HASH: a new element for the key, the old one dropped. */
static int kbpf_htab_update_plain(struct kbpf_htab *htab, const void *key,
				  const void *value, u64 flags)
{
	struct kbpf_htab_elem *alloc = NULL, *to_free = NULL;
	u32 key_size = htab->map.desc.key_size;
	struct kbpf_htab_elem *old, *l;
	struct kbpf_htab_bucket *b;
	unsigned long irqflags;
	u32 hash;
	int err;

	/* Allocate before taking a raw spinlock. */
	if (!htab->prealloc) {
		alloc = kbpf_htab_elem_alloc(htab);
		if (!alloc)
			return -ENOMEM;
	}

	hash = kbpf_htab_hash(key, key_size, htab->hashrnd);
	b = kbpf_htab_bucket(htab, hash);
	err = kbpf_htab_lock(htab, b, &irqflags);
	if (err)
		goto out_free;

	old = kbpf_htab_find_locked(htab, b, hash, key);
	err = kbpf_htab_check_flags(old, flags);
	if (err)
		goto out_unlock;

	l = kbpf_htab_take_elem(htab, old != NULL, &alloc);
	if (!l) {
		err = -E2BIG;
		goto out_unlock;
	}
	l->hash = hash;
	memcpy(l->key, key, key_size);
	memcpy(kbpf_htab_value(htab, l), value, htab->map.desc.value_size);

	/* New first, so a reader never misses the key. */
	hlist_nulls_add_head_rcu(&l->node, &b->head);
	if (old)
		to_free = kbpf_htab_drop_elem(htab, old, true);

out_unlock:
	kbpf_htab_unlock(htab, b, irqflags);
	if (to_free)
		kbpf_htab_free_later(htab, to_free);
out_free:
	kfree(alloc);
	return err;
}

/*
 * PERCPU_HASH: an existing key is updated in place (this CPU's value from
 * a program, all from the syscall); a new key takes a pool element or,
 * NO_PREALLOC, one allocated before locking (retrying if we guessed the
 * key existed and it did not).
 */
static int kbpf_htab_update_percpu(struct kbpf_htab *htab, const void *key,
				   const void *value, u64 flags, bool onallcpus)
{
	u32 key_size = htab->map.desc.key_size;
	struct kbpf_htab_elem *alloc = NULL, *old, *l;
	struct kbpf_htab_bucket *b;
	unsigned long irqflags;
	u32 hash;
	int err;

	hash = kbpf_htab_hash(key, key_size, htab->hashrnd);
	b = kbpf_htab_bucket(htab, hash);
	if (!htab->prealloc && !kbpf_htab_find_rcu(htab, hash, key)) {
again:
		alloc = kbpf_htab_elem_alloc(htab);
		if (!alloc)
			return -ENOMEM;
	}
	err = kbpf_htab_lock(htab, b, &irqflags);
	if (err)
		goto out_free;

	old = kbpf_htab_find_locked(htab, b, hash, key);
	err = kbpf_htab_check_flags(old, flags);
	if (err)
		goto out_unlock;
	if (old) {
		kbpf_htab_pcpu_copy_in(htab, old->pptr, value, onallcpus);
		goto out_unlock;
	}

	if (htab->prealloc) {
		l = kbpf_htab_pool_pop(htab);
	} else if (!alloc) {
		kbpf_htab_unlock(htab, b, irqflags);
		goto again;
	} else {
		l = kbpf_htab_take_elem(htab, false, &alloc);
	}
	if (!l) {
		err = -E2BIG;
		goto out_unlock;
	}
	l->hash = hash;
	memcpy(l->key, key, key_size);
	kbpf_htab_pcpu_init(htab, l->pptr, value, onallcpus);
	hlist_nulls_add_head_rcu(&l->node, &b->head);

out_unlock:
	kbpf_htab_unlock(htab, b, irqflags);
out_free:
	if (alloc)
		kbpf_htab_elem_free(alloc);
	return err;
}

/*
 * LRU types: the element comes first, from the pool or by evicting the
 * least recently used one (hash_lru.c), before the bucket is locked (the
 * eviction locks the victim's bucket). LRU_PERCPU_HASH updates an
 * existing key in place and, with BPF_EXIST, takes no element at all.
 */
static int kbpf_htab_update_lru(struct kbpf_htab *htab, const void *key,
				const void *value, u64 flags, bool onallcpus)
{
	u32 key_size = htab->map.desc.key_size;
	struct kbpf_htab_elem *l_new = NULL, *old;
	struct kbpf_htab_bucket *b;
	unsigned long irqflags;
	u32 hash;
	int err;

	hash = kbpf_htab_hash(key, key_size, htab->hashrnd);
	b = kbpf_htab_bucket(htab, hash);
	err = kbpf_htab_busy_enter(htab);
	if (err)
		return err;
	if (!(htab->percpu && flags == BPF_EXIST)) {
		l_new = kbpf_htab_lru_take(htab);
		if (!l_new) {
			err = -ENOMEM;
			goto out_busy;
		}
	}
	raw_spin_lock_irqsave(&b->lock, irqflags);

	old = kbpf_htab_find_locked(htab, b, hash, key);
	err = kbpf_htab_check_flags(old, flags);
	if (err)
		goto out_unlock;
	if (htab->percpu && old) {
		WRITE_ONCE(old->ref, 1);
		kbpf_htab_pcpu_copy_in(htab, old->pptr, value, onallcpus);
		goto out_unlock;
	}

	l_new->hash = hash;
	memcpy(l_new->key, key, key_size);
	if (htab->percpu)
		kbpf_htab_pcpu_init(htab, l_new->pptr, value, onallcpus);
	else
		memcpy(kbpf_htab_value(htab, l_new), value,
		       htab->map.desc.value_size);
	hlist_nulls_add_head_rcu(&l_new->node, &b->head);
	kbpf_htab_lru_link(htab, l_new);
	l_new = NULL;
	if (old)
		kbpf_htab_drop_elem(htab, old, false);

out_unlock:
	raw_spin_unlock_irqrestore(&b->lock, irqflags);
	if (l_new)
		kbpf_htab_pool_push(htab, l_new);
out_busy:
	kbpf_htab_busy_exit(htab);
	return err;
}

int kbpf_htab_update_common(struct kbpf_map *map, const void *key,
			    const void *value, u64 flags, bool onallcpus)
{
	struct kbpf_htab *htab = kbpf_htab(map);

	if (unlikely((flags & ~BPF_F_LOCK) > BPF_EXIST))
		return -EINVAL;
	/* No value of ours holds a bpf_spin_lock. */
	if (unlikely(flags & BPF_F_LOCK))
		return -EINVAL;

	if (htab->lru)
		return kbpf_htab_update_lru(htab, key, value, flags, onallcpus);
	if (htab->percpu)
		return kbpf_htab_update_percpu(htab, key, value, flags, onallcpus);
	return kbpf_htab_update_plain(htab, key, value, flags);
}

/* Programs: only this CPU's value of a per-CPU type. */
static int kbpf_htab_update(struct kbpf_map *map, const void *key,
			    const void *value, u64 flags)
{
	return kbpf_htab_update_common(map, key, value, flags, false);
}

/* The syscall: every CPU's value of a per-CPU type. */
int kbpf_htab_update_value(struct kbpf_map *map, const void *key,
			   const void *value, u64 flags)
{
	return kbpf_htab_update_common(map, key, value, flags, true);
}

KBPF_MAP_UPDATE_HELPER(kbpf_htab_update_helper, kbpf_htab_update)

int kbpf_htab_delete(struct kbpf_map *map, const void *key)
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
	if (l)
		to_free = kbpf_htab_unlink(htab, l);
	else
		err = -ENOENT;

	kbpf_htab_unlock(htab, b, irqflags);
	if (to_free)
		kbpf_htab_free_later(htab, to_free);
	return err;
}

KBPF_MAP_DELETE_HELPER(kbpf_htab_delete_helper, kbpf_htab_delete)

/* BPF_MAP_LOOKUP_AND_DELETE_ELEM: copy out and unlink, atomically. */
int kbpf_htab_lookup_and_delete(struct kbpf_map *map, const void *key,
				void *value, u64 flags)
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
		kbpf_htab_copy_out(htab, l, value);
		to_free = kbpf_htab_unlink(htab, l);
	} else {
		err = -ENOENT;
	}

	kbpf_htab_unlock(htab, b, irqflags);
	if (to_free)
		kbpf_htab_free_later(htab, to_free);
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
int kbpf_htab_get_next_key(struct kbpf_map *map, const void *key,
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
	.update_helper	= kbpf_htab_update_helper,
	.delete_helper	= kbpf_htab_delete_helper,
	.update		= kbpf_htab_update,
	.delete		= kbpf_htab_delete,
	.get_next_key	= kbpf_htab_get_next_key,
	.copy_value	= kbpf_htab_copy_value,
	.lookup_and_delete = kbpf_htab_lookup_and_delete,
	.lookup_batch	= kbpf_htab_lookup_batch,
	.lookup_and_delete_batch = kbpf_htab_lookup_and_delete_batch,
	.update_batch	= kbpf_generic_update_batch,
	.delete_batch	= kbpf_generic_delete_batch,
};
