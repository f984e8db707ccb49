// SPDX-License-Identifier: GPL-2.0
/*
 * Global object ids: an idr per object kind, as Linux (ids start at 1 and
 * are allocated cyclically below INT_MAX). An object is in its idr from
 * just before its first fd is installed until its last reference is
 * dropped. Also the commands that walk ids: *_GET_NEXT_ID, *_GET_FD_BY_ID.
 */
#include <linux/idr.h>
#include <linux/spinlock.h>
#include <linux/capability.h>
#include <linux/uaccess.h>

#include "kbpf_internal.h"

static DEFINE_IDR(kbpf_map_idr);
static DEFINE_SPINLOCK(kbpf_map_idr_lock);
static DEFINE_IDR(kbpf_prog_idr);
static DEFINE_SPINLOCK(kbpf_prog_idr_lock);

static int kbpf_alloc_id(struct idr *idr, spinlock_t *lock, void *obj, u32 *id)
{
	int ret;

	idr_preload(GFP_KERNEL);
	spin_lock_bh(lock);
	ret = idr_alloc_cyclic(idr, obj, 1, INT_MAX, GFP_ATOMIC);
	if (ret > 0)
		*id = ret;
	spin_unlock_bh(lock);
	idr_preload_end();

	if (WARN_ON_ONCE(!ret))
		return -ENOSPC;
	return ret > 0 ? 0 : ret;
}

static void kbpf_free_id(struct idr *idr, spinlock_t *lock, u32 *id)
{
	unsigned long flags;

	if (!*id)
		return;
	spin_lock_irqsave(lock, flags);
	idr_remove(idr, *id);
	*id = 0;
	spin_unlock_irqrestore(lock, flags);
}

int kbpf_map_alloc_id(struct kbpf_map *map)
{
	return kbpf_alloc_id(&kbpf_map_idr, &kbpf_map_idr_lock, map, &map->id);
}

void kbpf_map_free_id(struct kbpf_map *map)
{
	kbpf_free_id(&kbpf_map_idr, &kbpf_map_idr_lock, &map->id);
}

int kbpf_prog_alloc_id(struct kbpf_prog *prog)
{
	return kbpf_alloc_id(&kbpf_prog_idr, &kbpf_prog_idr_lock, prog, &prog->id);
}

void kbpf_prog_free_id(struct kbpf_prog *prog)
{
	kbpf_free_id(&kbpf_prog_idr, &kbpf_prog_idr_lock, &prog->id);
}

static int kbpf_get_next_id(const union bpf_attr *attr,
			    union bpf_attr __user *uattr,
			    struct idr *idr, spinlock_t *lock)
{
	u32 next_id = attr->start_id;
	int err = 0;

	if (KBPF_CHECK_ATTR(attr, next_id) || next_id >= INT_MAX)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	next_id++;
	spin_lock_bh(lock);
	if (!idr_get_next(idr, &next_id))
		err = -ENOENT;
	spin_unlock_bh(lock);

	if (!err)
		err = put_user(next_id, &uattr->next_id);
	return err;
}

int kbpf_cmd_map_get_next_id(const union bpf_attr *attr,
			     union bpf_attr __user *uattr)
{
	return kbpf_get_next_id(attr, uattr, &kbpf_map_idr, &kbpf_map_idr_lock);
}

int kbpf_cmd_prog_get_next_id(const union bpf_attr *attr,
			      union bpf_attr __user *uattr)
{
	return kbpf_get_next_id(attr, uattr, &kbpf_prog_idr, &kbpf_prog_idr_lock);
}

/* open_flags a BPF_MAP_GET_FD_BY_ID may carry (Linux: BPF_OBJ_FLAG_MASK). */
#define KBPF_OBJ_FLAG_MASK	(BPF_F_RDONLY | BPF_F_WRONLY)

int kbpf_cmd_map_get_fd_by_id(const union bpf_attr *attr)
{
	struct kbpf_map *map;
	int f_flags, fd;

	if (KBPF_CHECK_ATTR(attr, open_flags) ||
	    attr->open_flags & ~KBPF_OBJ_FLAG_MASK)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	f_flags = kbpf_get_file_flag(attr->open_flags);
	if (f_flags < 0)
		return f_flags;

	spin_lock_bh(&kbpf_map_idr_lock);
	map = idr_find(&kbpf_map_idr, attr->map_id);
	if (map && !kbpf_map_inc_not_zero(map))
		map = NULL;
	spin_unlock_bh(&kbpf_map_idr_lock);
	if (!map)
		return -ENOENT;

	fd = kbpf_map_new_fd(map, f_flags);
	if (fd < 0)
		kbpf_map_put(map);
	return fd;
}

int kbpf_cmd_prog_get_fd_by_id(const union bpf_attr *attr)
{
	struct kbpf_prog *prog;
	int fd;

	if (KBPF_CHECK_ATTR(attr, prog_id))
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	spin_lock_bh(&kbpf_prog_idr_lock);
	prog = idr_find(&kbpf_prog_idr, attr->prog_id);
	if (prog && !kbpf_prog_inc_not_zero(prog))
		prog = NULL;
	spin_unlock_bh(&kbpf_prog_idr_lock);
	if (!prog)
		return -ENOENT;

	fd = kbpf_prog_new_fd(prog);
	if (fd < 0)
		kbpf_prog_put(prog);
	return fd;
}
