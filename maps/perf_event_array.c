// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY: per index, a perf event that
 * bpf_perf_event_output() writes samples into (helpers/perf_helpers.c).
 * The events are the kernel's own: userspace opens them with
 * perf_event_open() (PERF_TYPE_SOFTWARE / PERF_COUNT_SW_BPF_OUTPUT, one per
 * CPU) and mmaps their ring buffers, so libbpf's perf_buffer works
 * unchanged; kbpf only keeps a reference to each event's file.
 *
 * As Linux 6.1 (kernel/bpf/arraymap.c):
 *   - update from the syscall: value is a perf event fd, flags BPF_ANY
 *     only (-EINVAL), index < max_entries (-E2BIG), not a perf fd
 *     (-EBADF), an inherited event (-EOPNOTSUPP);
 *   - lookup from the syscall: -ENOTSUPP; delete: -E2BIG / -ENOENT;
 *   - an entry belongs to the map file it was stored through: closing
 *     that file removes it, unless the map has BPF_F_PRESERVE_ELEMS (then
 *     entries stay until the map is freed);
 *   - entries are freed after an RCU grace period (runs may still hold
 *     the event).
 * perf_event_get() is not exported: found through kallsyms at first use
 * (without it, updates fail with -EOPNOTSUPP).
 */
#include <linux/file.h>
#include <linux/nospec.h>
#include <linux/perf_event.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "kbpf_internal.h"

struct kbpf_perf_entry {
	struct perf_event *event;
	struct file *perf_file;		/* one reference */
	struct file *map_file;		/* the map file it was stored through */
	struct rcu_head rcu;
};

struct kbpf_perf_array {
	struct kbpf_map map;		/* must be first */
	struct kbpf_perf_entry __rcu **slots;
};

static struct kbpf_perf_array *kbpf_perf_array(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_perf_array, map);
}

static struct file *kbpf_perf_event_get(unsigned int fd)
{
	static struct file *(*get)(unsigned int fd);
	struct file *(*fn)(unsigned int fd) = READ_ONCE(get);

	if (!fn) {
		fn = (void *)kbpf_ksym_addr("perf_event_get");
		if (!fn)
			return ERR_PTR(-EOPNOTSUPP);
		WRITE_ONCE(get, fn);
	}
	return fn(fd);
}

static int kbpf_perf_array_alloc_check(const union bpf_attr *attr)
{
	return kbpf_fd_array_alloc_check(attr, BPF_F_PRESERVE_ELEMS);
}

static struct kbpf_map *kbpf_perf_array_alloc(const union bpf_attr *attr)
{
	struct kbpf_perf_array *pa;

	pa = kzalloc_node(sizeof(*pa), GFP_KERNEL_ACCOUNT, bpf_map_attr_numa_node(attr));
	if (!pa)
		return ERR_PTR(-ENOMEM);
	pa->slots = kbpf_map_area_alloc((u64)attr->max_entries * sizeof(*pa->slots),
					bpf_map_attr_numa_node(attr));
	if (!pa->slots) {
		kfree(pa);
		return ERR_PTR(-ENOMEM);
	}
	return &pa->map;
}

static void kbpf_perf_entry_free_rcu(struct rcu_head *rcu)
{
	struct kbpf_perf_entry *e = container_of(rcu, struct kbpf_perf_entry, rcu);

	fput(e->perf_file);
	kfree(e);
}

/* Take slot index out (the entry goes after a grace period); false if empty. */
static bool kbpf_perf_array_clear_slot(struct kbpf_perf_array *pa, u32 index)
{
	struct kbpf_perf_entry *old = unrcu_pointer(xchg(&pa->slots[index], NULL));

	if (!old)
		return false;
	call_rcu(&old->rcu, kbpf_perf_entry_free_rcu);
	return true;
}

static void kbpf_perf_array_free(struct kbpf_map *map)
{
	struct kbpf_perf_array *pa = kbpf_perf_array(map);
	u32 i;

	for (i = 0; i < map->desc.max_entries; i++)
		kbpf_perf_array_clear_slot(pa, i);
	kbpf_map_area_free(pa->slots);
	kfree(pa);
}

static void kbpf_perf_array_release_file(struct kbpf_map *map, struct file *map_file)
{
	struct kbpf_perf_array *pa = kbpf_perf_array(map);
	struct kbpf_perf_entry *e;
	u32 i;

	if (map->desc.map_flags & BPF_F_PRESERVE_ELEMS)
		return;
	rcu_read_lock();
	for (i = 0; i < map->desc.max_entries; i++) {
		e = rcu_dereference(pa->slots[i]);
		if (e && e->map_file == map_file)
			kbpf_perf_array_clear_slot(pa, i);
	}
	rcu_read_unlock();
}

/* Programs never look up: the verifier only lets perf_event_output use the map. */
static void *kbpf_perf_array_lookup(struct kbpf_map *map, const void *key)
{
	return NULL;
}

/* BPF_MAP_LOOKUP_ELEM: Linux has no sys lookup for perf events. */
static int kbpf_perf_array_copy_value(struct kbpf_map *map, const void *key, void *value)
{
	return -ENOTSUPP;
}

/* Program-side updates cannot happen (see lookup); the syscall uses update_file. */
static int kbpf_perf_array_update(struct kbpf_map *map, const void *key,
				  const void *value, u64 flags)
{
	return -EINVAL;
}

static int kbpf_perf_array_update_file(struct kbpf_map *map, struct file *map_file,
				       const void *key, const void *value, u64 flags)
{
	struct kbpf_perf_array *pa = kbpf_perf_array(map);
	u32 index;
	struct kbpf_perf_entry *e, *old;
	struct file *perf_file;
	struct perf_event *event;

	if (flags != BPF_ANY)
		return -EINVAL;
	if (!kbpf_fd_array_index(map, key, &index))
		return -E2BIG;
	perf_file = kbpf_perf_event_get(*(const u32 *)value);
	if (IS_ERR(perf_file))
		return PTR_ERR(perf_file);
	event = perf_file->private_data;
	/* Linux: perf_event_read_local() refuses inherited events so */
	if (event->attr.inherit) {
		fput(perf_file);
		return -EOPNOTSUPP;
	}
	e = kzalloc(sizeof(*e), GFP_ATOMIC);	/* under rcu_read_lock, as Linux */
	if (!e) {
		fput(perf_file);
		return -ENOMEM;
	}
	e->event = event;
	e->perf_file = perf_file;
	e->map_file = map_file;
	old = unrcu_pointer(xchg(&pa->slots[index], RCU_INITIALIZER(e)));
	if (old)
		call_rcu(&old->rcu, kbpf_perf_entry_free_rcu);
	return 0;
}

static int kbpf_perf_array_delete(struct kbpf_map *map, const void *key)
{
	u32 index;

	if (!kbpf_fd_array_index(map, key, &index))
		return -E2BIG;
	return kbpf_perf_array_clear_slot(kbpf_perf_array(map), index) ? 0 : -ENOENT;
}

/* For the helpers, under RCU: ERR_PTR(-E2BIG) past the end, -ENOENT if empty. */
struct perf_event *kbpf_perf_event_array_event(struct kbpf_map *map, u64 index)
{
	struct kbpf_perf_array *pa = kbpf_perf_array(map);
	struct kbpf_perf_entry *e;

	if (index >= map->desc.max_entries)
		return ERR_PTR(-E2BIG);
	index = array_index_nospec(index, map->desc.max_entries);
	e = rcu_dereference(pa->slots[index]);
	return e ? e->event : ERR_PTR(-ENOENT);
}

const struct kbpf_map_ops kbpf_perf_event_array_map_ops = {
	.alloc_check	= kbpf_perf_array_alloc_check,
	.alloc		= kbpf_perf_array_alloc,
	.free		= kbpf_perf_array_free,
	.lookup		= kbpf_perf_array_lookup,
	.copy_value	= kbpf_perf_array_copy_value,
	.update		= kbpf_perf_array_update,
	.update_file	= kbpf_perf_array_update_file,
	.release_file	= kbpf_perf_array_release_file,
	.delete		= kbpf_perf_array_delete,
	.get_next_key	= kbpf_array_get_next_key,
};
