// SPDX-License-Identifier: GPL-2.0
/*
 * Memory for map contents: zeroed, charged to the creator's memcg, and
 * allowed to fail without a warning or the OOM killer, since its size is
 * the user's choice. Small areas come from kmalloc, the rest from vmalloc.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kbpf_internal.h"

/* Larger than this and kmalloc is not worth trying (Linux uses the same). */
#define KBPF_AREA_KMALLOC_MAX	(PAGE_SIZE << PAGE_ALLOC_COSTLY_ORDER)

void *kbpf_map_area_alloc(u64 size, int numa_node)
{
	const gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN;
	void *area;

	if (size >= SIZE_MAX - PAGE_SIZE)
		return NULL;
	if (size <= KBPF_AREA_KMALLOC_MAX) {
		area = kmalloc_node(size, gfp | __GFP_NORETRY, numa_node);
		if (area)
			return area;
	}
	/* vmalloc'd areas ignore numa_node: no node-aware gfp vmalloc is exported. */
	return __vmalloc(size, gfp | __GFP_RETRY_MAYFAIL);
}

void kbpf_map_area_free(void *area)
{
	kvfree(area);
}
