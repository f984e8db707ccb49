/* SPDX-License-Identifier: GPL-2.0 */
/* Counting helper shared by the demo BPF programs (included by *.bpf.c). */
#ifndef KBPF_DEMO_COUNT_BPF_H
#define KBPF_DEMO_COUNT_BPF_H

/*
 * Return the u64 counter at map[key], inserting init (whose first 8 bytes
 * are the counter, 0) if the key is new. NULL if the map is full. A lost
 * insert race (another CPU added the key first) finds the winner's entry.
 */
static __always_inline __u64 *counter_of(void *map, const void *key, const void *init)
{
	__u64 *val;

	val = bpf_map_lookup_elem(map, key);
	if (val)
		return val;
	bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	return bpf_map_lookup_elem(map, key);
}

/* Add one to the u64 at map[key] (a value of just the counter). */
static __always_inline void count_one(void *map, const void *key)
{
	__u64 zero = 0, *val = counter_of(map, key, &zero);

	if (val)
		__sync_fetch_and_add(val, 1);
}

#endif /* KBPF_DEMO_COUNT_BPF_H */
