// SPDX-License-Identifier: GPL-2.0
/*
 * The map commands of bpf(2): BPF_MAP_CREATE, BPF_MAP_LOOKUP_ELEM,
 * BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM, BPF_MAP_GET_NEXT_KEY. The
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

/* A copy of the user's key (key_size bytes), NULL for a zero-size key. */
static void *kbpf_copy_key(void __user *ukey, u32 key_size)
{
	if (key_size)
		return vmemdup_user(ukey, key_size);
	if (ukey)
		return ERR_PTR(-EINVAL);
	return NULL;
}

int kbpf_cmd_map_lookup_elem(union bpf_attr *attr)
{
	void __user *ukey = u64_to_user_ptr(attr->key);
	void __user *uvalue = u64_to_user_ptr(attr->value);
	struct fd f;
	struct kbpf_map *map;
	void *key, *value, *ptr;
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
	if (!(f.file->f_mode & FMODE_CAN_READ)) {
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

	rcu_read_lock();
	ptr = map->ops->lookup(map, key);
	if (ptr)
		memcpy(value, ptr, value_size);
	rcu_read_unlock();

	err = -ENOENT;
	if (!ptr)
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
		err = PTR_ERR(map);
		goto out_fdput;
	}
	if (!(f.file->f_mode & FMODE_CAN_WRITE)) {
		err = -EPERM;
		goto out_fdput;
	}
	if (attr->flags & BPF_F_LOCK) {
		err = -EINVAL;
		goto out_fdput;
	}

	key = kbpf_copy_key(ukey, map->desc.key_size);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		goto out_fdput;
	}
	value = vmemdup_user(uvalue, kbpf_map_value_size(map));
	if (IS_ERR(value)) {
		err = PTR_ERR(value);
		goto out_key;
	}

	rcu_read_lock();
	err = map->ops->update(map, key, value, attr->flags);
	rcu_read_unlock();

	kvfree(value);
out_key:
	kvfree(key);
out_fdput:
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
		err = PTR_ERR(map);
		goto out_fdput;
	}
	if (!(f.file->f_mode & FMODE_CAN_WRITE)) {
		err = -EPERM;
		goto out_fdput;
	}

	key = kbpf_copy_key(ukey, map->desc.key_size);
	if (IS_ERR(key)) {
		err = PTR_ERR(key);
		goto out_fdput;
	}

	rcu_read_lock();
	err = map->ops->delete(map, key);
	rcu_read_unlock();

	kvfree(key);
out_fdput:
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
	if (!(f.file->f_mode & FMODE_CAN_READ)) {
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

	next_key = kvmalloc(map->desc.key_size, GFP_USER);
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
