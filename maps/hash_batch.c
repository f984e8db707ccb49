// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_LOOKUP_BATCH and BPF_MAP_LOOKUP_AND_DELETE_BATCH on the hash
 * types, as Linux 6.1: the cursor (in_batch/out_batch) is a u32 bucket
 * index, whole buckets are copied (a bucket that does not fit in what is
 * left of count ends the call; -ENOSPC if nothing was copied yet), and
 * passing the last bucket is -ENOENT, with count and the cursor written
 * back in every case but -EFAULT.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kbpf_htab.h"

/* Initial per-bucket buffer, in elements (grown when a bucket is larger). */
#define KBPF_HTAB_BATCH_BUCKET_SIZE	5

static int kbpf_htab_do_batch(struct kbpf_map *map, const union bpf_attr *attr,
			      union bpf_attr __user *uattr, bool do_delete)
{
	struct kbpf_htab *htab = kbpf_htab(map);
	void __user *uvalues = u64_to_user_ptr(attr->batch.values);
	void __user *ukeys = u64_to_user_ptr(attr->batch.keys);
	void __user *ubatch = u64_to_user_ptr(attr->batch.in_batch);
	u32 key_size = map->desc.key_size;
	u32 value_size = kbpf_map_value_size(map);
	u32 bucket_size = KBPF_HTAB_BATCH_BUCKET_SIZE;
	u32 batch, max_count, total = 0, bucket_cnt;
	void *keys = NULL, *values = NULL;
	struct kbpf_htab_elem *l, *to_free;
	struct hlist_nulls_node *n;
	struct kbpf_htab_bucket *b;
	unsigned long flags;
	int ret = 0;

	if (attr->batch.elem_flags & ~BPF_F_LOCK)
		return -EINVAL;
	/* No value of ours holds a bpf_spin_lock. */
	if (attr->batch.elem_flags & BPF_F_LOCK)
		return -EINVAL;
	if (attr->batch.flags)
		return -EINVAL;
	max_count = attr->batch.count;
	if (!max_count)
		return 0;
	if (put_user(0, &uattr->batch.count))
		return -EFAULT;
	batch = 0;
	if (ubatch && copy_from_user(&batch, ubatch, sizeof(batch)))
		return -EFAULT;
	if (batch >= htab->n_buckets)
		return -ENOENT;

alloc:
	/* No user copies under the lock: buffer a bucket's worth. */
	keys = kvmalloc_array(key_size, bucket_size, GFP_USER | __GFP_NOWARN);
	values = kvmalloc_array(value_size, bucket_size, GFP_USER | __GFP_NOWARN);
	if (!keys || !values) {
		ret = -ENOMEM;
		goto after_loop;
	}

again:
	b = &htab->buckets[batch];
	rcu_read_lock();
	ret = kbpf_htab_lock(htab, b, &flags);
	if (ret) {
		rcu_read_unlock();
		goto after_loop;
	}
	bucket_cnt = 0;
	hlist_nulls_for_each_entry(l, n, &b->head, node)
		bucket_cnt++;
	if (bucket_cnt > max_count - total) {
		if (total == 0)
			ret = -ENOSPC;
		kbpf_htab_unlock(htab, b, flags);
		rcu_read_unlock();
		goto after_loop;
	}
	if (bucket_cnt > bucket_size) {
		bucket_size = bucket_cnt;
		kbpf_htab_unlock(htab, b, flags);
		rcu_read_unlock();
		kvfree(keys);
		kvfree(values);
		goto alloc;
	}

	to_free = NULL;
	bucket_cnt = 0;
	hlist_nulls_for_each_entry_safe(l, n, &b->head, node) {
		memcpy(keys + bucket_cnt * key_size, l->key, key_size);
		kbpf_htab_copy_out(htab, l, values + bucket_cnt * value_size);
		bucket_cnt++;
		if (do_delete) {
			struct kbpf_htab_elem *f = kbpf_htab_unlink(htab, l);

			if (f) {
				f->batch_next = to_free;
				to_free = f;
			}
		}
	}
	kbpf_htab_unlock(htab, b, flags);
	rcu_read_unlock();

	while (to_free) {
		l = to_free;
		to_free = l->batch_next;
		kbpf_htab_free_later(htab, l);
	}

	if (bucket_cnt &&
	    (copy_to_user(ukeys + (u64)total * key_size, keys,
			  (u64)key_size * bucket_cnt) ||
	     copy_to_user(uvalues + (u64)total * value_size, values,
			  (u64)value_size * bucket_cnt))) {
		ret = -EFAULT;
		goto after_loop;
	}
	total += bucket_cnt;
	batch++;
	if (batch >= htab->n_buckets) {
		ret = -ENOENT;
		goto after_loop;
	}
	cond_resched();
	goto again;

after_loop:
	if (ret == -EFAULT)
		goto out;
	if (copy_to_user(u64_to_user_ptr(attr->batch.out_batch), &batch,
			 sizeof(batch)) ||
	    put_user(total, &uattr->batch.count))
		ret = -EFAULT;
out:
	kvfree(keys);
	kvfree(values);
	return ret;
}

int kbpf_htab_lookup_batch(struct kbpf_map *map, const union bpf_attr *attr,
			   union bpf_attr __user *uattr)
{
	return kbpf_htab_do_batch(map, attr, uattr, false);
}

int kbpf_htab_lookup_and_delete_batch(struct kbpf_map *map,
				      const union bpf_attr *attr,
				      union bpf_attr __user *uattr)
{
	return kbpf_htab_do_batch(map, attr, uattr, true);
}
