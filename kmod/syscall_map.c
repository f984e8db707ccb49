// SPDX-License-Identifier: GPL-2.0
/*
 * The map commands of bpf(2): BPF_MAP_CREATE, BPF_MAP_LOOKUP_ELEM,
 * BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM, BPF_MAP_GET_NEXT_KEY,
 * BPF_MAP_LOOKUP_AND_DELETE_ELEM, BPF_MAP_FREEZE and the four batch
 * commands. A frozen map refuses every syscall write with -EPERM. The
 * order of the checks follows Linux 6.1, so that when an attr is wrong in
 * several ways the errno is the same as the kernel's.
 */
#include <linux/file.h>
#include <linux/nodemask.h>
#include <linux/numa.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kbpf_internal.h"

/* We have no BTF objects: any fd given as one is not one. */
static int kbpf_no_btf(u32 btf_fd)
{
	struct fd f = fdget(btf_fd);
	int err = f.file ? -EINVAL : -EBADF;

	fdput(f);
	return err;
}

int kbpf_cmd_map_create(union bpf_attr *attr)
{
	int numa_node = bpf_map_attr_numa_node(attr);
	const struct kbpf_map_ops *ops;
	struct kbpf_map *map;
	int f_flags, err;

	if (KBPF_CHECK_ATTR(attr, map_extra))
		return -EINVAL;

	if (attr->btf_vmlinux_value_type_id) {
		if (attr->map_type != BPF_MAP_TYPE_STRUCT_OPS ||
		    attr->btf_key_type_id || attr->btf_value_type_id)
			return -EINVAL;
	} else if (attr->btf_key_type_id && !attr->btf_value_type_id) {
		return -EINVAL;
	}

	if (attr->map_type != BPF_MAP_TYPE_BLOOM_FILTER && attr->map_extra)
		return -EINVAL;

	f_flags = kbpf_get_file_flag(attr->map_flags);
	if (f_flags < 0)
		return f_flags;

	if (numa_node != NUMA_NO_NODE &&
	    ((unsigned int)numa_node >= nr_node_ids || !node_online(numa_node)))
		return -EINVAL;

	ops = kbpf_map_type_ops(attr->map_type);
	if (!ops)
		return -EINVAL;
	if (ops->alloc_check) {
		err = ops->alloc_check(attr);
		if (err)
			return err;
	}
	/* Device offload: no device offloads kbpf maps. */
	if (attr->map_ifindex)
		return -EINVAL;

	map = ops->alloc(attr);
	if (IS_ERR(map))
		return PTR_ERR(map);
	map->ops = ops;
	refcount_set(&map->refcnt, 1);
	kbpf_map_init_from_attr(map, attr);
	kbpf_object_created();

	err = kbpf_obj_name_cpy(map->name, attr->map_name,
				sizeof(attr->map_name));
	if (err < 0)
		goto err_free;

	if (attr->btf_key_type_id || attr->btf_value_type_id ||
	    attr->btf_vmlinux_value_type_id) {
		err = kbpf_no_btf(attr->btf_fd);
		goto err_free;
	}

	err = kbpf_map_alloc_id(map);
	if (err)
		goto err_free;

	/* From here the map is published: only kbpf_map_put() may free it. */
	err = kbpf_map_new_fd(map, f_flags);
	if (err < 0)
		kbpf_map_put(map);
	return err;

err_free:
	ops->free(map);
	kbpf_object_destroyed();
	return err;
}

/* The map behind fd, without a reference (the struct fd holds the file). */
static struct kbpf_map *kbpf_map_fdget(struct fd f)
{
	if (!f.file)
		return ERR_PTR(-EBADF);
	return kbpf_map_from_file(f.file);
}

/*
 * A kvmalloc'd copy of len user bytes. Sizes come from map attributes that
 * userspace chose (a bloom filter's value_size has no upper bound), so the
 * allocation must fail quietly with -ENOMEM: vmemdup_user() warns above
 * INT_MAX, and a WARN panics kernels booted with panic_on_warn.
 */
static void *kbpf_memdup_user(const void __user *src, size_t len)
{
	void *p = kvmalloc(len, GFP_USER | __GFP_NOWARN);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, src, len)) {
		kvfree(p);
		return ERR_PTR(-EFAULT);
	}
	return p;
}

/* A copy of the user's key (key_size bytes), NULL for a zero-size key. */
static void *kbpf_copy_key(void __user *ukey, u32 key_size)
{
	if (key_size)
		return kbpf_memdup_user(ukey, key_size);
	if (ukey)
		return ERR_PTR(-EINVAL);
	return NULL;
}

static bool kbpf_map_is_queue_stack(const struct kbpf_map *map)
{
	return map->desc.map_type == BPF_MAP_TYPE_QUEUE ||
	       map->desc.map_type == BPF_MAP_TYPE_STACK;
}

static bool kbpf_map_is_push_peek(const struct kbpf_map *map)
{
	return kbpf_map_is_queue_stack(map) ||
	       map->desc.map_type == BPF_MAP_TYPE_BLOOM_FILTER;
}

/*
 * A lookup as the syscall does it (Linux's bpf_map_copy_value): QUEUE,
 * STACK and BLOOM_FILTER peek; the rest copy the element out, all CPUs'
 * values for the per-CPU types. value holds kbpf_map_value_size() bytes.
 */
int kbpf_map_copy_value(struct kbpf_map *map, const void *key, void *value)
{
	void *ptr;
	int err;

	if (kbpf_map_is_push_peek(map))
		return map->ops->peek ? map->ops->peek(map, value) : -ENOTSUPP;

	rcu_read_lock();
	if (map->ops->copy_value) {
		err = map->ops->copy_value(map, key, value);
	} else {
		ptr = map->ops->lookup(map, key);
		err = ptr ? 0 : -ENOENT;
		if (ptr)
			memcpy(value, ptr, map->desc.value_size);
	}
	rcu_read_unlock();
	return err;
}

/* An update as the syscall does it (Linux's bpf_map_update_value). */
int kbpf_map_update_value(struct kbpf_map *map, const void *key,
			  const void *value, u64 flags)
{
	int err;

	if (kbpf_map_is_push_peek(map))
		return map->ops->push ? map->ops->push(map, value, flags) : -ENOTSUPP;

	rcu_read_lock();
	if (map->ops->update_value)
		err = map->ops->update_value(map, key, value, flags);
	else
		err = map->ops->update(map, key, value, flags);
	rcu_read_unlock();
	return err;
}

int kbpf_cmd_map_lookup_elem(union bpf_attr *attr)
{
	void __user *ukey = u64_to_user_ptr(attr->key);
	void __user *uvalue = u64_to_user_ptr(attr->value);
	struct fd f;
	struct kbpf_map *map;
	void *key, *value;
	u32 value_size;
	int err;

	if (KBPF_CHECK_ATTR(attr, flags))
		return -EINVAL;
	if (attr->flags & ~BPF_F_LOCK)
		return -EINVAL;

	f = fdget(attr->map_fd);
	map = kbpf_map_fdget(f);
	if (IS_ERR(map)) {
		err = PTR_ERR(map);
		goto out_fdput;
	}
	if (!(kbpf_map_sys_perms(map, f.file) & FMODE_CAN_READ)) {
		err = -EPERM;
		goto out_fdput;
	}
	/* No map value of ours has a bpf_spin_lock. */
	if (attr->flags & BPF_F_LOCK) {
		err = -EINVAL;
		goto out_fdput;
	}

	key = kbpf_copy_key(ukey, map->desc.key_size);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		goto out_fdput;
	}

	value_size = kbpf_map_value_size(map);
	value = kvmalloc(value_size, GFP_USER | __GFP_NOWARN);
	if (!value) {
		err = -ENOMEM;
		goto out_key;
	}

	/* A bloom filter tests the value the user passes in. */
	if (map->desc.map_type == BPF_MAP_TYPE_BLOOM_FILTER) {
		if (copy_from_user(value, uvalue, value_size))
			err = -EFAULT;
		else
			err = kbpf_map_copy_value(map, key, value);
		goto out_value;
	}

	err = kbpf_map_copy_value(map, key, value);
	if (err)
		goto out_value;
	err = -EFAULT;
	if (copy_to_user(uvalue, value, value_size))
		goto out_value;
	err = 0;

out_value:
	kvfree(value);
out_key:
	kvfree(key);
out_fdput:
	fdput(f);
	return err;
}

int kbpf_cmd_map_update_elem(union bpf_attr *attr)
{
	void __user *ukey = u64_to_user_ptr(attr->key);
	void __user *uvalue = u64_to_user_ptr(attr->value);
	struct fd f;
	struct kbpf_map *map;
	void *key, *value;
	int err;

	if (KBPF_CHECK_ATTR(attr, flags))
		return -EINVAL;

	f = fdget(attr->map_fd);
	map = kbpf_map_fdget(f);
	if (IS_ERR(map)) {
		fdput(f);
		return PTR_ERR(map);
	}
	kbpf_map_write_active_inc(map);
	if (!(kbpf_map_sys_perms(map, f.file) & FMODE_CAN_WRITE)) {
		err = -EPERM;
		goto out_put;
	}
	if (attr->flags & BPF_F_LOCK) {
		err = -EINVAL;
		goto out_put;
	}

	key = kbpf_copy_key(ukey, map->desc.key_size);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		goto out_put;
	}
	value = kbpf_memdup_user(uvalue, kbpf_map_value_size(map));
	if (IS_ERR(value)) {
		err = PTR_ERR(value);
		goto out_key;
	}

	if (map->ops->update_file) {
		rcu_read_lock();
		err = map->ops->update_file(map, f.file, key, value, attr->flags);
		rcu_read_unlock();
	} else {
		err = kbpf_map_update_value(map, key, value, attr->flags);
	}

	kvfree(value);
out_key:
	kvfree(key);
out_put:
	kbpf_map_write_active_dec(map);
	fdput(f);
	return err;
}

int kbpf_cmd_map_delete_elem(union bpf_attr *attr)
{
	void __user *ukey = u64_to_user_ptr(attr->key);
	struct fd f;
	struct kbpf_map *map;
	void *key;
	int err;

	if (KBPF_CHECK_ATTR(attr, key))
		return -EINVAL;

	f = fdget(attr->map_fd);
	map = kbpf_map_fdget(f);
	if (IS_ERR(map)) {
		fdput(f);
		return PTR_ERR(map);
	}
	kbpf_map_write_active_inc(map);
	if (!(kbpf_map_sys_perms(map, f.file) & FMODE_CAN_WRITE)) {
		err = -EPERM;
		goto out_put;
	}

	key = kbpf_copy_key(ukey, map->desc.key_size);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		goto out_put;
	}

	rcu_read_lock();
	err = map->ops->delete(map, key);
	rcu_read_unlock();

	kvfree(key);
out_put:
	kbpf_map_write_active_dec(map);
	fdput(f);
	return err;
}

int kbpf_cmd_map_get_next_key(union bpf_attr *attr)
{
	void __user *ukey = u64_to_user_ptr(attr->key);
	void __user *unext_key = u64_to_user_ptr(attr->next_key);
	struct fd f;
	struct kbpf_map *map;
	void *key = NULL, *next_key;
	int err;

	if (KBPF_CHECK_ATTR(attr, next_key))
		return -EINVAL;

	f = fdget(attr->map_fd);
	map = kbpf_map_fdget(f);
	if (IS_ERR(map)) {
		err = PTR_ERR(map);
		goto out_fdput;
	}
	if (!(kbpf_map_sys_perms(map, f.file) & FMODE_CAN_READ)) {
		err = -EPERM;
		goto out_fdput;
	}

	if (ukey) {
		key = kbpf_copy_key(ukey, map->desc.key_size);
		if (IS_ERR(key)) {
			err = PTR_ERR(key);
			goto out_fdput;
		}
	}

	next_key = kvmalloc(map->desc.key_size, GFP_USER | __GFP_NOWARN);
	if (!next_key) {
		err = -ENOMEM;
		goto out_key;
	}

	rcu_read_lock();
	err = map->ops->get_next_key(map, key, next_key);
	rcu_read_unlock();
	if (err)
		goto out_next_key;

	err = -EFAULT;
	if (copy_to_user(unext_key, next_key, map->desc.key_size))
		goto out_next_key;
	err = 0;

out_next_key:
	kvfree(next_key);
out_key:
	kvfree(key);
out_fdput:
	fdput(f);
	return err;
}

int kbpf_cmd_map_lookup_and_delete_elem(union bpf_attr *attr)
{
	void __user *ukey = u64_to_user_ptr(attr->key);
	void __user *uvalue = u64_to_user_ptr(attr->value);
	struct fd f;
	struct kbpf_map *map;
	void *key, *value;
	u32 value_size;
	int err;

	if (KBPF_CHECK_ATTR(attr, flags))
		return -EINVAL;
	if (attr->flags & ~BPF_F_LOCK)
		return -EINVAL;

	f = fdget(attr->map_fd);
	map = kbpf_map_fdget(f);
	if (IS_ERR(map)) {
		fdput(f);
		return PTR_ERR(map);
	}
	kbpf_map_write_active_inc(map);
	if (!(kbpf_map_sys_perms(map, f.file) & FMODE_CAN_READ) ||
	    !(kbpf_map_sys_perms(map, f.file) & FMODE_CAN_WRITE)) {
		err = -EPERM;
		goto out_put;
	}
	if (attr->flags && kbpf_map_is_queue_stack(map)) {
		err = -EINVAL;
		goto out_put;
	}
	if (attr->flags & BPF_F_LOCK) {
		err = -EINVAL;
		goto out_put;
	}

	key = kbpf_copy_key(ukey, map->desc.key_size);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		goto out_put;
	}

	value_size = kbpf_map_value_size(map);
	err = -ENOMEM;
	value = kvmalloc(value_size, GFP_USER | __GFP_NOWARN);
	if (!value)
		goto out_key;

	err = -ENOTSUPP;
	if (kbpf_map_is_queue_stack(map)) {
		err = map->ops->pop(map, value);
	} else if (map->ops->lookup_and_delete) {
		rcu_read_lock();
		err = map->ops->lookup_and_delete(map, key, value, attr->flags);
		rcu_read_unlock();
	}
	if (err)
		goto out_value;

	if (copy_to_user(uvalue, value, value_size))
		err = -EFAULT;

out_value:
	kvfree(value);
out_key:
	kvfree(key);
out_put:
	kbpf_map_write_active_dec(map);
	fdput(f);
	return err;
}

/*
 * BPF_MAP_FREEZE, as Linux 6.1: a second freeze, or one while a write is
 * in flight or a writable mmap exists, is -EBUSY; it needs CAP_BPF.
 */
int kbpf_cmd_map_freeze(const union bpf_attr *attr)
{
	struct kbpf_map *map;
	struct fd f;
	int err = 0;

	if (KBPF_CHECK_ATTR(attr, map_fd))
		return -EINVAL;

	f = fdget(attr->map_fd);
	map = kbpf_map_fdget(f);
	if (IS_ERR(map)) {
		fdput(f);
		return PTR_ERR(map);
	}

	mutex_lock(&map->freeze_mutex);
	if (atomic64_read(&map->writecnt) || READ_ONCE(map->frozen)) {
		err = -EBUSY;
		goto out;
	}
	if (!bpf_capable()) {
		err = -EPERM;
		goto out;
	}
	WRITE_ONCE(map->frozen, true);
out:
	mutex_unlock(&map->freeze_mutex);
	fdput(f);
	return err;
}

/*
 * The batch commands: access checks here, the walk in the map's ops
 * (maps/batch.c has Linux's generic ones). A map type without the
 * command gets -ENOTSUPP, as in Linux.
 */
int kbpf_cmd_map_batch(const union bpf_attr *attr, union bpf_attr __user *uattr,
		       u32 cmd)
{
	bool has_read = cmd == BPF_MAP_LOOKUP_BATCH ||
			cmd == BPF_MAP_LOOKUP_AND_DELETE_BATCH;
	bool has_write = cmd != BPF_MAP_LOOKUP_BATCH;
	const struct kbpf_map_ops *ops;
	struct kbpf_map *map;
	struct fd f;
	int err;

	if (KBPF_CHECK_ATTR(attr, batch.flags))
		return -EINVAL;

	f = fdget(attr->batch.map_fd);
	map = kbpf_map_fdget(f);
	if (IS_ERR(map)) {
		fdput(f);
		return PTR_ERR(map);
	}
	ops = map->ops;
	if (has_write)
		kbpf_map_write_active_inc(map);
	if (has_read && !(kbpf_map_sys_perms(map, f.file) & FMODE_CAN_READ)) {
		err = -EPERM;
		goto out;
	}
	if (has_write && !(kbpf_map_sys_perms(map, f.file) & FMODE_CAN_WRITE)) {
		err = -EPERM;
		goto out;
	}

	err = -ENOTSUPP;
	switch (cmd) {
	case BPF_MAP_LOOKUP_BATCH:
		if (ops->lookup_batch)
			err = ops->lookup_batch(map, attr, uattr);
		break;
	case BPF_MAP_LOOKUP_AND_DELETE_BATCH:
		if (ops->lookup_and_delete_batch)
			err = ops->lookup_and_delete_batch(map, attr, uattr);
		break;
	case BPF_MAP_UPDATE_BATCH:
		if (ops->update_batch)
			err = ops->update_batch(map, f.file, attr, uattr);
		break;
	default:
		if (ops->delete_batch)
			err = ops->delete_batch(map, attr, uattr);
		break;
	}
out:
	if (has_write)
		kbpf_map_write_active_dec(map);
	fdput(f);
	return err;
}
