// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 6.1's generic batch commands (array types use lookup and update,
 * hash types update and delete): an element at a time through the same
 * paths as the single-element syscalls. The lookup cursor is the last key
 * returned (in_batch/out_batch hold a key); reaching the end is -ENOENT
 * with the count and cursor written back, as in Linux. A key with no value
 * (deleted since get_next_key, an empty fd-array slot) is skipped, as the
 * guest's 6.1 stable does (older 6.1 retried three times, then -EINTR).
 */
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kbpf_internal.h"

int kbpf_generic_lookup_batch(struct kbpf_map *map, const union bpf_attr *attr,
			      union bpf_attr __user *uattr)
{
	void __user *uobatch = u64_to_user_ptr(attr->batch.out_batch);
	void __user *ubatch = u64_to_user_ptr(attr->batch.in_batch);
	void __user *values = u64_to_user_ptr(attr->batch.values);
	void __user *keys = u64_to_user_ptr(attr->batch.keys);
	u32 key_size = map->desc.key_size;
	int err;
	void *buf, *buf_prevkey, *prev_key, *key, *value;
	u32 value_size, cp, max_count;

	if (attr->batch.elem_flags & ~BPF_F_LOCK)
		return -EINVAL;
	/* No value of ours has a bpf_spin_lock. */
	if (attr->batch.elem_flags & BPF_F_LOCK)
		return -EINVAL;

	value_size = kbpf_map_value_size(map);
	max_count = attr->batch.count;
	if (!max_count)
		return 0;

	buf_prevkey = kvmalloc(key_size, GFP_USER | __GFP_NOWARN);
	if (!buf_prevkey)
		return -ENOMEM;
	buf = kvmalloc(key_size + value_size, GFP_USER | __GFP_NOWARN);
	if (!buf) {
		kvfree(buf_prevkey);
		return -ENOMEM;
	}

	err = -EFAULT;
	prev_key = NULL;
	if (ubatch && copy_from_user(buf_prevkey, ubatch, key_size))
		goto out_free;
	key = buf;
	value = key + key_size;
	if (ubatch)
		prev_key = buf_prevkey;

	for (cp = 0; cp < max_count;) {
		rcu_read_lock();
		err = map->ops->get_next_key(map, prev_key, key);
		rcu_read_unlock();
		if (err)
			break;
		err = kbpf_map_copy_value(map, key, value);
		/* a key gone since get_next_key, or an empty slot: skip it (6.1 stable) */
		if (err == -ENOENT)
			goto next_key;
		if (err)
			goto out_free;

		if (copy_to_user(keys + cp * key_size, key, key_size) ||
		    copy_to_user(values + cp * value_size, value, value_size)) {
			err = -EFAULT;
			goto out_free;
		}
		cp++;
next_key:
		if (!prev_key)
			prev_key = buf_prevkey;
		swap(prev_key, key);
		cond_resched();
	}

	if (err == -EFAULT)
		goto out_free;
	if (copy_to_user(&uattr->batch.count, &cp, sizeof(cp)) ||
	    (cp && copy_to_user(uobatch, prev_key, key_size)))
		err = -EFAULT;

out_free:
	kvfree(buf_prevkey);
	kvfree(buf);
	return err;
}

int kbpf_generic_update_batch(struct kbpf_map *map, struct file *file,
			      const union bpf_attr *attr,
			      union bpf_attr __user *uattr)
{
	void __user *values = u64_to_user_ptr(attr->batch.values);
	void __user *keys = u64_to_user_ptr(attr->batch.keys);
	u32 key_size = map->desc.key_size;
	u32 value_size, cp, max_count;
	void *key, *value;
	int err = 0;

	if (attr->batch.elem_flags & ~BPF_F_LOCK)
		return -EINVAL;
	if (attr->batch.elem_flags & BPF_F_LOCK)
		return -EINVAL;

	value_size = kbpf_map_value_size(map);
	max_count = attr->batch.count;
	if (!max_count)
		return 0;

	key = kvmalloc(key_size, GFP_USER | __GFP_NOWARN);
	if (!key)
		return -ENOMEM;
	value = kvmalloc(value_size, GFP_USER | __GFP_NOWARN);
	if (!value) {
		kvfree(key);
		return -ENOMEM;
	}

	for (cp = 0; cp < max_count; cp++) {
		err = -EFAULT;
		if (copy_from_user(key, keys + cp * key_size, key_size) ||
		    copy_from_user(value, values + cp * value_size, value_size))
			break;
		err = kbpf_map_update_value(map, key, value,
					    attr->batch.elem_flags);
		if (err)
			break;
		cond_resched();
	}

	if (copy_to_user(&uattr->batch.count, &cp, sizeof(cp)))
		err = -EFAULT;
	kvfree(value);
	kvfree(key);
	return err;
}

int kbpf_generic_delete_batch(struct kbpf_map *map, const union bpf_attr *attr,
			      union bpf_attr __user *uattr)
{
	void __user *keys = u64_to_user_ptr(attr->batch.keys);
	u32 key_size = map->desc.key_size;
	u32 cp, max_count;
	int err = 0;
	void *key;

	if (attr->batch.elem_flags & ~BPF_F_LOCK)
		return -EINVAL;
	max_count = attr->batch.count;
	if (!max_count)
		return 0;

	key = kvmalloc(key_size, GFP_USER | __GFP_NOWARN);
	if (!key)
		return -ENOMEM;

	for (cp = 0; cp < max_count; cp++) {
		err = -EFAULT;
		if (copy_from_user(key, keys + cp * key_size, key_size))
			break;
		rcu_read_lock();
		err = map->ops->delete(map, key);
		rcu_read_unlock();
		if (err)
			break;
		cond_resched();
	}
	if (copy_to_user(&uattr->batch.count, &cp, sizeof(cp)))
		err = -EFAULT;
	kvfree(key);
	return err;
}
