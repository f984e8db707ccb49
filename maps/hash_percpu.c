// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_PERCPU_HASH: the hash table of hash.c whose elements each
 * own a per-CPU area of round_up(value_size, 8) bytes. A program sees and
 * writes the value of the CPU it runs on; the syscall reads and writes all
 * possible CPUs' values in CPU order. A key a program inserts starts with
 * its value on that CPU and zeroes on the others. Preallocated by default
 * (areas included); BPF_F_NO_PREALLOC allocates both per insert.
 */
#include <linux/cpumask.h>
#include <linux/percpu.h>

#include "kbpf_htab.h"

/* onallcpus: the syscall's value (all CPUs); else this CPU's, value_size. */
void kbpf_htab_pcpu_copy_in(struct kbpf_htab *htab, void __percpu *pptr,
			    const void *value, bool onallcpus)
{
	u32 size = round_up(htab->map.desc.value_size, 8);
	unsigned int cpu;
	u32 off = 0;

	if (!onallcpus) {
		memcpy(this_cpu_ptr(pptr), value, htab->map.desc.value_size);
		return;
	}
	for_each_possible_cpu(cpu) {
		memcpy(per_cpu_ptr(pptr, cpu), value + off, size);
		off += size;
	}
}

/* A new element: from a program, the other CPUs' values start zeroed. */
void kbpf_htab_pcpu_init(struct kbpf_htab *htab, void __percpu *pptr,
			 const void *value, bool onallcpus)
{
	u32 size = round_up(htab->map.desc.value_size, 8);
	unsigned int cpu;

	if (!onallcpus)
		for_each_possible_cpu(cpu)
			memset(per_cpu_ptr(pptr, cpu), 0, size);
	kbpf_htab_pcpu_copy_in(htab, pptr, value, onallcpus);
}

void kbpf_htab_pcpu_copy_out(struct kbpf_htab *htab, void __percpu *pptr,
			     void *value)
{
	u32 size = round_up(htab->map.desc.value_size, 8);
	unsigned int cpu;
	u32 off = 0;

	for_each_possible_cpu(cpu) {
		memcpy(value + off, per_cpu_ptr(pptr, cpu), size);
		off += size;
	}
}

/* Programs: this CPU's value. */
void *kbpf_htab_percpu_lookup(struct kbpf_map *map, const void *key)
{
	struct kbpf_htab *htab = kbpf_htab(map);
	struct kbpf_htab_elem *l = kbpf_htab_lookup_elem(htab, key);

	return l ? this_cpu_ptr(l->pptr) : NULL;
}

static int kbpf_htab_percpu_update(struct kbpf_map *map, const void *key,
				   const void *value, u64 flags)
{
	return kbpf_htab_update_common(map, key, value, flags, false);
}

KBPF_MAP_LOOKUP_HELPER(kbpf_htab_percpu_lookup_helper, kbpf_htab_percpu_lookup)
KBPF_MAP_UPDATE_HELPER(kbpf_htab_percpu_update_helper, kbpf_htab_percpu_update)

const struct kbpf_map_ops kbpf_htab_percpu_map_ops = {
	.alloc_check	= kbpf_htab_alloc_check,
	.alloc		= kbpf_htab_alloc,
	.free		= kbpf_htab_free,
	.lookup		= kbpf_htab_percpu_lookup,
	.lookup_helper	= kbpf_htab_percpu_lookup_helper,
	.update		= kbpf_htab_percpu_update,
	.update_helper	= kbpf_htab_percpu_update_helper,
	.delete		= kbpf_htab_delete,
	.get_next_key	= kbpf_htab_get_next_key,
	.percpu		= true,
	.copy_value	= kbpf_htab_copy_value,
	.update_value	= kbpf_htab_update_value,
	.lookup_and_delete = kbpf_htab_lookup_and_delete,
	.lookup_batch	= kbpf_htab_lookup_batch,
	.lookup_and_delete_batch = kbpf_htab_lookup_and_delete_batch,
	.update_batch	= kbpf_generic_update_batch,
	.delete_batch	= kbpf_generic_delete_batch,
};
