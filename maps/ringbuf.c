// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_RINGBUF: one ring of max_entries bytes (a power of 2 and a
 * multiple of PAGE_SIZE) shared by every program that writes to it, read
 * by userspace through mmap(), with Linux 6.1's memory layout so that
 * libbpf's ring_buffer__poll() works unchanged:
 *
 *   mmap offset 0		consumer page: consumer_pos (userspace may
 *				map it writable, and advances it)
 *   mmap offset PAGE_SIZE	producer page: producer_pos (read-only)
 *   mmap offset 2 * PAGE_SIZE	the data pages, then the same pages again
 *				(read-only)
 *
 * The data pages are mapped twice back to back, in the kernel (one vmap)
 * and in userspace, so a record that wraps past the end of the ring reads
 * as one contiguous range. Each record starts with an 8-byte header: the
 * length with BPF_RINGBUF_BUSY_BIT (being written) and
 * BPF_RINGBUF_DISCARD_BIT (skip it), and the record's distance in pages
 * from the start of the vmap, from which submit and discard find the ring
 * again given only the sample pointer.
 *
 * Producers (programs, on any CPU and in any context) reserve space under
 * a raw spinlock with irqs off; in NMI only a trylock (the reservation
 * fails if it is taken). Committing needs no lock: it clears BUSY with an
 * atomic exchange. Space is given back only as the consumer advances, and
 * a reservation also fails while the oldest still-busy record (pending_pos)
 * is more than a ring away, as Linux 6.1 stable. Wakeups go through
 * irq_work (safe from NMI) to a wait queue that poll()/epoll use; by
 * default a commit wakes the reader only when the reader has caught up with
 * that record (BPF_RB_NO_WAKEUP / BPF_RB_FORCE_WAKEUP override).
 *
 * The element commands mean nothing here: -ENOTSUPP, as Linux.
 *
 * This file is the map (allocation, mmap, poll, free); the producer side
 * (reserve, commit, query) is inline in kbpf_ringbuf.h, for the helpers.
 */
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kbpf_ringbuf.h"

#define KBPF_RINGBUF_CREATE_FLAGS	BPF_F_NUMA_NODE

static void kbpf_ringbuf_notify(struct irq_work *work)
{
	struct kbpf_ringbuf *rb = container_of(work, struct kbpf_ringbuf, work);

	wake_up_all(&rb->waitq);
}

static void kbpf_ringbuf_free_pages(struct page **pages, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++)
		__free_page(pages[i]);
	kbpf_map_area_free(pages);
}

/* Allocate the pages and vmap them: meta, data, data again. */
static struct kbpf_ringbuf *kbpf_ringbuf_area(u64 data_sz, int numa_node)
{
	const gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN |
			  __GFP_ZERO;
	u32 nr_meta = KBPF_RINGBUF_PGOFF + KBPF_RINGBUF_POS_PAGES;
	u32 nr_data = data_sz >> PAGE_SHIFT;
	u32 nr_pages = nr_meta + nr_data, i;
	struct kbpf_ringbuf *rb;
	struct page **pages;

	pages = kbpf_map_area_alloc((u64)(nr_meta + 2 * nr_data) * sizeof(*pages),
				    numa_node);
	if (!pages)
		return NULL;
	for (i = 0; i < nr_pages; i++) {
		pages[i] = alloc_pages_node(numa_node, gfp, 0);
		if (!pages[i])
			goto err_pages;
		if (i >= nr_meta)
			pages[i + nr_data] = pages[i];
	}
	rb = vmap(pages, nr_meta + 2 * nr_data, VM_MAP | VM_USERMAP, PAGE_KERNEL);
	if (!rb)
		goto err_pages;
	rb->pages = pages;
	rb->nr_pages = nr_pages;
	return rb;

err_pages:
	kbpf_ringbuf_free_pages(pages, i);
	return NULL;
}

static int kbpf_ringbuf_alloc_check(const union bpf_attr *attr)
{
	if (attr->map_flags & ~KBPF_RINGBUF_CREATE_FLAGS)
		return -EINVAL;
	if (attr->key_size || attr->value_size ||
	    !is_power_of_2(attr->max_entries) || !PAGE_ALIGNED(attr->max_entries))
		return -EINVAL;
	if (attr->max_entries > KBPF_RINGBUF_MAX_DATA_SZ)
		return -E2BIG;
	return 0;
}

static struct kbpf_map *kbpf_ringbuf_alloc(const union bpf_attr *attr)
{
	struct kbpf_ringbuf_map *rbm;
	struct kbpf_ringbuf *rb;

	rbm = kzalloc(sizeof(*rbm), GFP_KERNEL_ACCOUNT);
	if (!rbm)
		return ERR_PTR(-ENOMEM);
	rb = kbpf_ringbuf_area(attr->max_entries, bpf_map_attr_numa_node(attr));
	if (!rb) {
		kfree(rbm);
		return ERR_PTR(-ENOMEM);
	}
	init_waitqueue_head(&rb->waitq);
	init_irq_work(&rb->work, kbpf_ringbuf_notify);
	raw_spin_lock_init(&rb->lock);
	rb->mask = (u64)attr->max_entries - 1;
	rbm->rb = rb;
	return &rbm->map;
}

static void kbpf_ringbuf_free(struct kbpf_map *map)
{
	struct kbpf_ringbuf *rb = kbpf_rb(map);
	struct page **pages = rb->pages;
	u32 nr_pages = rb->nr_pages;

	/* no program can commit any more; a wakeup may still be queued */
	irq_work_sync(&rb->work);
	vunmap(rb);
	kbpf_ringbuf_free_pages(pages, nr_pages);
	kfree(container_of(map, struct kbpf_ringbuf_map, map));
}

static void *kbpf_ringbuf_lookup(struct kbpf_map *map, const void *key)
{
	return NULL;
}

static int kbpf_ringbuf_copy_value(struct kbpf_map *map, const void *key, void *value)
{
	return -ENOTSUPP;
}

static int kbpf_ringbuf_update(struct kbpf_map *map, const void *key,
			       const void *value, u64 flags)
{
	return -ENOTSUPP;
}

static int kbpf_ringbuf_delete(struct kbpf_map *map, const void *key)
{
	return -ENOTSUPP;
}

static int kbpf_ringbuf_get_next_key(struct kbpf_map *map, const void *key,
				     void *next_key)
{
	return -ENOTSUPP;
}

/*
 * Only the consumer page (offset 0, one page) may be mapped writable;
 * the rest is read-only for good (map_obj.c already cleared VM_MAYWRITE
 * for read-only mappings). remap_vmalloc_range() checks offset and size.
 */
static int kbpf_ringbuf_mmap(struct kbpf_map *map, struct vm_area_struct *vma)
{
	if ((vma->vm_flags & VM_WRITE) &&
	    (vma->vm_pgoff != 0 || vma->vm_end - vma->vm_start != PAGE_SIZE))
		return -EPERM;
	return remap_vmalloc_range(vma, kbpf_rb(map),
				   vma->vm_pgoff + KBPF_RINGBUF_PGOFF);
}

static __poll_t kbpf_ringbuf_poll(struct kbpf_map *map, struct file *file,
				  struct poll_table_struct *pts)
{
	struct kbpf_ringbuf *rb = kbpf_rb(map);

	poll_wait(file, &rb->waitq, pts);
	return kbpf_ringbuf_avail(rb) ? EPOLLIN | EPOLLRDNORM : 0;
}

const struct kbpf_map_ops kbpf_ringbuf_map_ops = {
	.alloc_check	= kbpf_ringbuf_alloc_check,
	.alloc		= kbpf_ringbuf_alloc,
	.free		= kbpf_ringbuf_free,
	.lookup		= kbpf_ringbuf_lookup,
	.copy_value	= kbpf_ringbuf_copy_value,
	.update		= kbpf_ringbuf_update,
	.delete		= kbpf_ringbuf_delete,
	.get_next_key	= kbpf_ringbuf_get_next_key,
	.mmap		= kbpf_ringbuf_mmap,
	.poll		= kbpf_ringbuf_poll,
};
