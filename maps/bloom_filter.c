// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_BLOOM_FILTER: a bit array, sized as Linux 6.1 sizes it
 * (max_entries * nr_hash_funcs * 7 / 5 bits, rounded up to a power of
 * two, at least BITS_PER_LONG, at most 2^32), and nr_hash_funcs seeded
 * jhashes of the value (map_extra bits 0-3; 0 means 5). push adds a value
 * (flags must be BPF_ANY), peek tests it: 0 if maybe present, -ENOENT if
 * surely absent. There are no keys and no deletion. Bits are set with
 * atomic bitops, so no lock is needed.
 */
#include <linux/bitops.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "kbpf_internal.h"

#define KBPF_BLOOM_CREATE_FLAGS	(BPF_F_NUMA_NODE | BPF_F_ZERO_SEED | \
				 BPF_F_ACCESS_MASK)
/* map_extra: the low 4 bits are the number of hash functions. */
#define KBPF_BLOOM_NR_HASH_MASK	0xfULL
#define KBPF_BLOOM_DEFAULT_NR_HASH	5
/* Bit arrays above this many bits become the full 2^32 bits. */
#define KBPF_BLOOM_MAX_POW2_BITS	(1UL << 31)

struct kbpf_bloom {
	struct kbpf_map map;	/* must be first */
	u32 bitset_mask;
	u32 hash_seed;
	u32 aligned_u32_count;	/* value_size / 4 if a multiple of 4, else 0 */
	u32 nr_hash_funcs;
	unsigned long bitset[];
};

static struct kbpf_bloom *kbpf_bloom(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_bloom, map);
}

static u32 kbpf_bloom_hash(const struct kbpf_bloom *bloom, const void *value,
			   u32 index)
{
	u32 h;

	if (bloom->aligned_u32_count)
		h = jhash2(value, bloom->aligned_u32_count,
			   bloom->hash_seed + index);
	else
		h = jhash(value, bloom->map.desc.value_size,
			  bloom->hash_seed + index);
	return h & bloom->bitset_mask;
}

static int kbpf_bloom_alloc_check(const union bpf_attr *attr)
{
	if (!bpf_capable())
		return -EPERM;
	if (attr->key_size != 0 || attr->value_size == 0 ||
	    attr->max_entries == 0 ||
	    attr->map_flags & ~KBPF_BLOOM_CREATE_FLAGS ||
	    !bpf_map_flags_access_ok(attr->map_flags) ||
	    attr->map_extra & ~KBPF_BLOOM_NR_HASH_MASK)
		return -EINVAL;
	return 0;
}

static struct kbpf_map *kbpf_bloom_alloc(const union bpf_attr *attr)
{
	u32 bitset_bytes, bitset_mask, nr_hash_funcs, nr_bits;
	struct kbpf_bloom *bloom;

	nr_hash_funcs = attr->map_extra ?: KBPF_BLOOM_DEFAULT_NR_HASH;
	if (check_mul_overflow(attr->max_entries, nr_hash_funcs, &nr_bits) ||
	    check_mul_overflow(nr_bits / 5, (u32)7, &nr_bits) ||
	    nr_bits > KBPF_BLOOM_MAX_POW2_BITS) {
		bitset_bytes = BITS_TO_BYTES((u64)U32_MAX);
		bitset_mask = U32_MAX;
	} else {
		if (nr_bits <= BITS_PER_LONG)
			nr_bits = BITS_PER_LONG;
		else
			nr_bits = roundup_pow_of_two(nr_bits);
		bitset_bytes = BITS_TO_BYTES(nr_bits);
		bitset_mask = nr_bits - 1;
	}
	bitset_bytes = roundup(bitset_bytes, sizeof(unsigned long));

	bloom = kbpf_map_area_alloc(sizeof(*bloom) + (u64)bitset_bytes,
				    bpf_map_attr_numa_node(attr));
	if (!bloom)
		return ERR_PTR(-ENOMEM);
	bloom->nr_hash_funcs = nr_hash_funcs;
	bloom->bitset_mask = bitset_mask;
	if ((attr->value_size & (sizeof(u32) - 1)) == 0)
		bloom->aligned_u32_count = attr->value_size / sizeof(u32);
	if (!(attr->map_flags & BPF_F_ZERO_SEED))
		bloom->hash_seed = get_random_u32();
	return &bloom->map;
}

static void kbpf_bloom_free(struct kbpf_map *map)
{
	kbpf_map_area_free(kbpf_bloom(map));
}

static int kbpf_bloom_peek(struct kbpf_map *map, void *value)
{
	struct kbpf_bloom *bloom = kbpf_bloom(map);
	u32 i;

	for (i = 0; i < bloom->nr_hash_funcs; i++)
		if (!test_bit(kbpf_bloom_hash(bloom, value, i), bloom->bitset))
			return -ENOENT;
	return 0;
}

static int kbpf_bloom_push(struct kbpf_map *map, const void *value, u64 flags)
{
	struct kbpf_bloom *bloom = kbpf_bloom(map);
	u32 i;

	if (flags != BPF_ANY)
		return -EINVAL;
	for (i = 0; i < bloom->nr_hash_funcs; i++)
		set_bit(kbpf_bloom_hash(bloom, value, i), bloom->bitset);
	return 0;
}

static int kbpf_bloom_pop(struct kbpf_map *map, void *value)
{
	return -EOPNOTSUPP;
}

/*
 * Linux's lookup returns ERR_PTR(-EINVAL) (its verifier never lets a
 * program call it); ours returns NULL so that a program can never
 * dereference an error pointer.
 */
static void *kbpf_bloom_lookup(struct kbpf_map *map, const void *key)
{
	return NULL;
}

static int kbpf_bloom_update(struct kbpf_map *map, const void *key,
			     const void *value, u64 flags)
{
	return -EINVAL;
}

static int kbpf_bloom_delete(struct kbpf_map *map, const void *key)
{
	return -EOPNOTSUPP;
}

static int kbpf_bloom_get_next_key(struct kbpf_map *map, const void *key,
				   void *next_key)
{
	return -EOPNOTSUPP;
}

const struct kbpf_map_ops kbpf_bloom_map_ops = {
	.alloc_check	= kbpf_bloom_alloc_check,
	.alloc		= kbpf_bloom_alloc,
	.free		= kbpf_bloom_free,
	.lookup		= kbpf_bloom_lookup,
	.update		= kbpf_bloom_update,
	.delete		= kbpf_bloom_delete,
	.get_next_key	= kbpf_bloom_get_next_key,
	.push		= kbpf_bloom_push,
	.pop		= kbpf_bloom_pop,
	.peek		= kbpf_bloom_peek,
};
