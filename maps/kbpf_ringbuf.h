/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF_MAP_TYPE_RINGBUF's ring (maps/ringbuf.c has the map: allocation,
 * mmap, poll). The producer side is here, inline, so that the helpers
 * (helpers/ringbuf_helpers.c) compile to one call each, as Linux's do.
 */
#ifndef _KBPF_RINGBUF_H
#define _KBPF_RINGBUF_H

#include <linux/irq_work.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "kbpf_internal.h"

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

static inline struct kbpf_ringbuf *kbpf_rb(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_ringbuf_map, map)->rb;
}

static inline unsigned long kbpf_ringbuf_avail(struct kbpf_ringbuf *rb)
{
	unsigned long cons = smp_load_acquire(&rb->consumer_pos);

	return smp_load_acquire(&rb->producer_pos) - cons;
}

/* Skip pending_pos past the records that are no longer busy. */
static inline unsigned long kbpf_ringbuf_settle_pending(struct kbpf_ringbuf *rb,
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
static inline void *kbpf_ringbuf_reserve(struct kbpf_map *map, u64 size)
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
	/*
	 * the ring holds at most size - 1 bytes, counted from the consumer
	 * and from the oldest record still busy
	 */
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
static inline struct kbpf_ringbuf *kbpf_ringbuf_of(struct kbpf_ringbuf_hdr *hdr)
{
	unsigned long page = (unsigned long)hdr & PAGE_MASK;

	return (void *)(page - ((unsigned long)hdr->pg_off << PAGE_SHIFT));
}

static inline void kbpf_ringbuf_commit(void *sample, u64 flags, bool discard)
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

static inline u64 kbpf_ringbuf_query(struct kbpf_map *map, u64 flags)
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

#endif /* _KBPF_RINGBUF_H */
