// SPDX-License-Identifier: GPL-2.0
/*
 * Map objects: references, the "bpf-map" anon-inode fd and its fdinfo.
 * One fd holds one reference, and so does every program that uses the
 * map. The last put unpublishes the id and frees the map after an RCU
 * grace period.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/cpumask.h>

#include "kbpf_internal.h"

void kbpf_map_init_from_attr(struct kbpf_map *map, const union bpf_attr *attr)
{
	map->desc.map_type = attr->map_type;
	map->desc.key_size = attr->key_size;
	map->desc.value_size = attr->value_size;
	map->desc.max_entries = map->ops->max_entries ?
				map->ops->max_entries(attr) : attr->max_entries;
	/*
	 * BPF_F_RDONLY/BPF_F_WRONLY belong to the fd, not to the map: Linux
	 * drops them here, so map_info and fdinfo never show them.
	 */
	map->desc.map_flags = attr->map_flags & ~(BPF_F_RDONLY | BPF_F_WRONLY);
	map->numa_node = bpf_map_attr_numa_node(attr);
	map->map_extra = attr->map_extra;
	mutex_init(&map->freeze_mutex);
	atomic64_set(&map->writecnt, 0);
	map->frozen = false;
}

static void kbpf_map_free_deferred(struct work_struct *work)
{
	struct kbpf_map *map = container_of(to_rcu_work(work), struct kbpf_map,
					    free_work);

	map->ops->free(map);
	kbpf_object_destroyed();
}

void kbpf_map_inc(struct kbpf_map *map)
{
	refcount_inc(&map->refcnt);
}

bool kbpf_map_inc_not_zero(struct kbpf_map *map)
{
	return refcount_inc_not_zero(&map->refcnt);
}

void kbpf_map_put(struct kbpf_map *map)
{
	if (!refcount_dec_and_test(&map->refcnt))
		return;
	kbpf_map_free_id(map);
	INIT_RCU_WORK(&map->free_work, kbpf_map_free_deferred);
	kbpf_defer_free(&map->free_work);
}

/* A value as userspace sees it: per-CPU maps have one per possible CPU. */
u32 kbpf_map_value_size(const struct kbpf_map *map)
{
	if (map->ops->percpu)
		return round_up(map->desc.value_size, 8) * num_possible_cpus();
	return map->desc.value_size;
}

fmode_t kbpf_map_sys_perms(struct kbpf_map *map, struct file *file)
{
	fmode_t mode = file->f_mode;

	if (READ_ONCE(map->frozen))
		mode &= ~FMODE_CAN_WRITE;
	return mode;
}

void kbpf_map_write_active_inc(struct kbpf_map *map)
{
	atomic64_inc(&map->writecnt);
}

void kbpf_map_write_active_dec(struct kbpf_map *map)
{
	atomic64_dec(&map->writecnt);
}

/* A user reference (an fd or a pin): see ops->release_uref. */
void kbpf_map_inc_uref(struct kbpf_map *map)
{
	atomic_inc(&map->usercnt);
}

void kbpf_map_put_uref(struct kbpf_map *map)
{
	if (atomic_dec_and_test(&map->usercnt) && map->ops->release_uref)
		map->ops->release_uref(map);
}

static int kbpf_map_release(struct inode *inode, struct file *file)
{
	struct kbpf_map *map = file->private_data;

	if (map->ops->release_file)
		map->ops->release_file(map, file);
	kbpf_map_put_uref(map);
	kbpf_map_put(map);
	return 0;
}

/* As Linux: what the memory of a map costs, shown as "memlock". */
static unsigned long kbpf_map_footprint(const struct kbpf_map *map)
{
	unsigned long size;

	size = round_up(map->desc.key_size + map->desc.value_size, 8);
	return round_up((unsigned long)map->desc.max_entries * size, PAGE_SIZE);
}

static void kbpf_map_show_fdinfo(struct seq_file *m, struct file *file)
{
	const struct kbpf_map *map = file->private_data;

	seq_printf(m,
		   "map_type:\t%u\n"
		   "key_size:\t%u\n"
		   "value_size:\t%u\n"
		   "max_entries:\t%u\n"
		   "map_flags:\t%#x\n"
		   "map_extra:\t%#llx\n"
		   "memlock:\t%lu\n"
		   "map_id:\t%u\n"
		   "frozen:\t%u\n",
		   map->desc.map_type, map->desc.key_size,
		   map->desc.value_size, map->desc.max_entries,
		   map->desc.map_flags, (unsigned long long)map->map_extra,
		   kbpf_map_footprint(map), map->id, READ_ONCE(map->frozen));
}

/*
 * read/write exist (and fail) only so that the fd gets FMODE_CAN_READ /
 * FMODE_CAN_WRITE from its open mode, which is how map access permissions
 * (BPF_F_RDONLY, BPF_F_WRONLY) are checked, as in Linux.
 */
static ssize_t kbpf_dummy_read(struct file *file, char __user *buf,
			       size_t size, loff_t *ppos)
{
	return -EINVAL;
}

static ssize_t kbpf_dummy_write(struct file *file, const char __user *buf,
				size_t size, loff_t *ppos)
{
	return -EINVAL;
}

/* A writable mapping counts as a write in flight: freezing waits for it. */
static void kbpf_map_vma_open(struct vm_area_struct *vma)
{
	struct kbpf_map *map = vma->vm_file->private_data;

	if (vma->vm_flags & VM_MAYWRITE)
		kbpf_map_write_active_inc(map);
}

static void kbpf_map_vma_close(struct vm_area_struct *vma)
{
	struct kbpf_map *map = vma->vm_file->private_data;

	if (vma->vm_flags & VM_MAYWRITE)
		kbpf_map_write_active_dec(map);
}

static const struct vm_operations_struct kbpf_map_vmops = {
	.open	= kbpf_map_vma_open,
	.close	= kbpf_map_vma_close,
};

/*
 * mmap() of a map fd, as Linux: only shared mappings; a frozen map
 * (-EPERM) or one programs may only read (BPF_F_RDONLY_PROG, -EACCES)
 * cannot be mapped writable, and a read-only mapping can never become
 * writable. The mapping holds the file, and so the map.
 */
static int kbpf_map_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kbpf_map *map = file->private_data;
	int err = 0;

	if (!map->ops->mmap)
		return -ENOTSUPP;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	mutex_lock(&map->freeze_mutex);
	if (vma->vm_flags & VM_WRITE) {
		if (map->frozen) {
			err = -EPERM;
			goto out;
		}
		if (map->desc.map_flags & BPF_F_RDONLY_PROG) {
			err = -EACCES;
			goto out;
		}
	}

	vma->vm_ops = &kbpf_map_vmops;
	vma->vm_flags &= ~VM_MAYEXEC;
	if (!(vma->vm_flags & VM_WRITE))
		vma->vm_flags &= ~VM_MAYWRITE;
	err = map->ops->mmap(map, vma);
	if (err)
		goto out;
	if (vma->vm_flags & VM_MAYWRITE)
		kbpf_map_write_active_inc(map);
out:
	mutex_unlock(&map->freeze_mutex);
	return err;
}

/* poll()/epoll: the map type's answer, EPOLLERR for types without one (as Linux). */
static __poll_t kbpf_map_poll(struct file *file, struct poll_table_struct *pts)
{
	struct kbpf_map *map = file->private_data;

	if (map->ops->poll)
		return map->ops->poll(map, file, pts);
	return EPOLLERR;
}

const struct file_operations kbpf_map_fops = {
	.owner		= THIS_MODULE,
	.show_fdinfo	= kbpf_map_show_fdinfo,
	.release	= kbpf_map_release,
	.read		= kbpf_dummy_read,
	.write		= kbpf_dummy_write,
	.mmap		= kbpf_map_mmap,
	.poll		= kbpf_map_poll,
	.llseek		= noop_llseek,
};

/* Consumes the caller's reference on success. */
int kbpf_map_new_fd(struct kbpf_map *map, int f_flags)
{
	int fd;

	kbpf_map_inc_uref(map);
	fd = anon_inode_getfd("bpf-map", &kbpf_map_fops, map, f_flags | O_CLOEXEC);
	if (fd < 0)
		kbpf_map_put_uref(map);
	return fd;
}

/* The map behind a file, or ERR_PTR(-EINVAL) if it is not a map fd. */
struct kbpf_map *kbpf_map_from_file(struct file *file)
{
	if (file->f_op != &kbpf_map_fops)
		return ERR_PTR(-EINVAL);
	return file->private_data;
}
