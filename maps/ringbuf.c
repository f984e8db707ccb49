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
 */
#include <linux/irq_work.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "kbpf_internal.h"

#define KBPF_RINGBUF_CREATE_FLAGS	BPF_F_NUMA_NODE

/*
 * The ring's control block and data, as one vmap. Everything before
 * consumer_pos is private to the kernel (not mappable); consumer_pos,
 * producer_pos and data each start a page.
 */
struct kbpf_ringbuf {
	wait_queue_head_t waitq;
	struct irq_work work;
	u64 mask;			/* data size - 1 */
	struct page **pages;		/* meta pages, data pages, data again */
	u32 nr_pages;			/* distinct pages allocated */
	raw_spinlock_t lock ____cacheline_aligned_in_smp;
	unsigned long consumer_pos __aligned(PAGE_SIZE);
	unsigned long producer_pos __aligned(PAGE_SIZE);
	unsigned long pending_pos;	/* oldest record that may still be busy */
	char data[] __aligned(PAGE_SIZE);
};

/* Pages before the consumer page: not mappable. */
#define KBPF_RINGBUF_PGOFF	(offsetof(struct kbpf_ringbuf, consumer_pos) >> PAGE_SHIFT)
/* The consumer and producer pages. */
#define KBPF_RINGBUF_POS_PAGES	2
/*
 * A record's page offset is 32 bits; Linux keeps 8 of them spare, so the
 * data may be at most this (far above any u32 max_entries on 64-bit).
 */
#define KBPF_RINGBUF_MAX_DATA_SZ \
	(((1ULL << 24) - KBPF_RINGBUF_POS_PAGES - KBPF_RINGBUF_PGOFF) * PAGE_SIZE)
/* Largest sample a program may reserve (Linux: RINGBUF_MAX_RECORD_SZ). */
#define KBPF_RINGBUF_MAX_RECORD_SZ	(UINT_MAX / 4)

/* The record header, as in <linux/bpf.h>'s comments and libbpf. */
struct kbpf_ringbuf_hdr {
	u32 len;
	u32 pg_off;
};

struct kbpf_ringbuf_map {
	struct kbpf_map map;	/* must be first */
	struct kbpf_ringbuf *rb;
};

static struct kbpf_ringbuf *kbpf_rb(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_ringbuf_map, map)->rb;
}

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

static unsigned long kbpf_ringbuf_avail(struct kbpf_ringbuf *rb)
{
	unsigned long cons = smp_load_acquire(&rb->consumer_pos);

	return smp_load_acquire(&rb->producer_pos) - cons;
}

static __poll_t kbpf_ringbuf_poll(struct kbpf_map *map, struct file *file,
				  struct poll_table_struct *pts)
{
	struct kbpf_ringbuf *rb = kbpf_rb(map);

	poll_wait(file, &rb->waitq, pts);
	return kbpf_ringbuf_avail(rb) ? EPOLLIN | EPOLLRDNORM : 0;
}

/* Skip pending_pos past the records that are no longer busy. */
static unsigned long kbpf_ringbuf_settle_pending(struct kbpf_ringbuf *rb,
						 unsigned long prod)
{
	unsigned long pend = rb->pending_pos;

	while (pend != prod) {
		const struct kbpf_ringbuf_hdr *hdr = (void *)rb->data + (pend & rb->mask);
		u32 len = READ_ONCE(hdr->len);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		len &= ~BPF_RINGBUF_DISCARD_BIT;
		pend += round_up(len + BPF_RINGBUF_HDR_SZ, 8);
	}
	rb->pending_pos = pend;
	return pend;
}

/* A sample of size bytes, or NULL when there is no room (or no lock, in NMI). */
void *kbpf_ringbuf_reserve(struct kbpf_map *map, u64 size)
{
	struct kbpf_ringbuf *rb = kbpf_rb(map);
	unsigned long cons, prod, pend, end, flags;
	struct kbpf_ringbuf_hdr *hdr;
	u32 len;

	if (unlikely(size > KBPF_RINGBUF_MAX_RECORD_SZ))
		return NULL;
	len = round_up((u32)size + BPF_RINGBUF_HDR_SZ, 8);
	if (len > rb->mask + 1)
		return NULL;

	cons = smp_load_acquire(&rb->consumer_pos);
	if (in_nmi()) {
		if (!raw_spin_trylock_irqsave(&rb->lock, flags))
			return NULL;
	} else {
		raw_spin_lock_irqsave(&rb->lock, flags);
	}
	prod = rb->producer_pos;
	pend = kbpf_ringbuf_settle_pending(rb, prod);
	end = prod + len;
	/* the ring holds at most size - 1 bytes, from the consumer and from the oldest busy record */
	if (end - cons > rb->mask || end - pend > rb->mask) {
		raw_spin_unlock_irqrestore(&rb->lock, flags);
		return NULL;
	}
	hdr = (void *)rb->data + (prod & rb->mask);
	hdr->len = (u32)size | BPF_RINGBUF_BUSY_BIT;
	hdr->pg_off = ((void *)hdr - (void *)rb) >> PAGE_SHIFT;
	/* the consumer reads producer_pos with acquire, then the header */
	smp_store_release(&rb->producer_pos, end);
	raw_spin_unlock_irqrestore(&rb->lock, flags);
	return (void *)hdr + BPF_RINGBUF_HDR_SZ;
}

/* The ring a sample belongs to, from the page offset in its header. */
static struct kbpf_ringbuf *kbpf_ringbuf_of(struct kbpf_ringbuf_hdr *hdr)
{
	unsigned long page = (unsigned long)hdr & PAGE_MASK;

	return (void *)(page - ((unsigned long)hdr->pg_off << PAGE_SHIFT));
}

void kbpf_ringbuf_commit(void *sample, u64 flags, bool discard)
{
	struct kbpf_ringbuf_hdr *hdr = sample - BPF_RINGBUF_HDR_SZ;
	struct kbpf_ringbuf *rb = kbpf_ringbuf_of(hdr);
	unsigned long rec_pos, cons_pos;
	u32 len = hdr->len & ~BPF_RINGBUF_BUSY_BIT;

	if (discard)
		len |= BPF_RINGBUF_DISCARD_BIT;
	/* full barrier: the sample's bytes are visible before the header says so */
	xchg(&hdr->len, len);

	rec_pos = (void *)hdr - (void *)rb->data;
	cons_pos = smp_load_acquire(&rb->consumer_pos) & rb->mask;
	if (flags & BPF_RB_FORCE_WAKEUP)
		irq_work_queue(&rb->work);
	else if (cons_pos == rec_pos && !(flags & BPF_RB_NO_WAKEUP))
		irq_work_queue(&rb->work);
}

u64 kbpf_ringbuf_query(struct kbpf_map *map, u64 flags)
{
	struct kbpf_ringbuf *rb = kbpf_rb(map);

	switch (flags) {
	case BPF_RB_AVAIL_DATA:
		return kbpf_ringbuf_avail(rb);
	case BPF_RB_RING_SIZE:
		return rb->mask + 1;
	case BPF_RB_CONS_POS:
		return smp_load_acquire(&rb->consumer_pos);
	case BPF_RB_PROD_POS:
		return smp_load_acquire(&rb->producer_pos);
	default:
		return 0;
	}
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
