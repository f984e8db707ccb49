// SPDX-License-Identifier: GPL-2.0
/*
 * The ring buffer helpers (maps/ringbuf.c does the work). r1 is the map's
 * struct kbpf_map_desc where a map is taken; the verifier guarantees it is
 * a RINGBUF, and that submit/discard get exactly a pointer ringbuf_reserve
 * returned and that has not been released. Errors reach programs as
 * 64-bit negative numbers, as Linux's BPF_CALL helpers return them.
 */
#include "../maps/kbpf_ringbuf.h"
#include "kbpf_helpers.h"

/* The only flags output/submit/discard know. */
#define KBPF_RB_WAKEUP_FLAGS	(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)

static inline struct kbpf_map *kbpf_rb_map(u64 r1)
{
	return kbpf_map_from_desc((const struct kbpf_map_desc *)(unsigned long)r1);
}

/* void *bpf_ringbuf_reserve(void *ringbuf, u64 size, u64 flags): no flags yet */
u64 kbpf_helper_ringbuf_reserve(u64 map, u64 size, u64 flags, u64 r4, u64 r5)
{
	if (unlikely(flags))
		return 0;
	return (unsigned long)kbpf_ringbuf_reserve(kbpf_rb_map(map), size);
}

/* void bpf_ringbuf_submit(void *data, u64 flags) */
u64 kbpf_helper_ringbuf_submit(u64 sample, u64 flags, u64 r3, u64 r4, u64 r5)
{
	kbpf_ringbuf_commit((void *)(unsigned long)sample, flags, false);
	return 0;
}

/* void bpf_ringbuf_discard(void *data, u64 flags) */
u64 kbpf_helper_ringbuf_discard(u64 sample, u64 flags, u64 r3, u64 r4, u64 r5)
{
	kbpf_ringbuf_commit((void *)(unsigned long)sample, flags, true);
	return 0;
}

/* long bpf_ringbuf_output(void *ringbuf, void *data, u64 size, u64 flags) */
u64 kbpf_helper_ringbuf_output(u64 map, u64 data, u64 size, u64 flags, u64 r5)
{
	void *rec;

	if (unlikely(flags & ~KBPF_RB_WAKEUP_FLAGS))
		return (u64)-EINVAL;
	rec = kbpf_ringbuf_reserve(kbpf_rb_map(map), size);
	if (!rec)
		return (u64)-EAGAIN;
	memcpy(rec, (const void *)(unsigned long)data, size);
	kbpf_ringbuf_commit(rec, flags, false);
	return 0;
}

/* u64 bpf_ringbuf_query(void *ringbuf, u64 flags) */
u64 kbpf_helper_ringbuf_query(u64 map, u64 flags, u64 r3, u64 r4, u64 r5)
{
	return kbpf_ringbuf_query(kbpf_rb_map(map), flags);
}
