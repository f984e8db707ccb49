// SPDX-License-Identifier: GPL-2.0
/*
 * The map helpers, as programs call them: r1 is the struct kbpf_map_desc
 * the verifier put there (the first member of our struct kbpf_map), the
 * other arguments are what helpers/protos.c declares. Programs run under
 * rcu_read_lock, which keeps looked-up values alive; map ops never sleep.
 */
#include <linux/rcupdate.h>

#include "kbpf_internal.h"
#include "kbpf_helpers.h"

/* void *bpf_map_lookup_elem(struct bpf_map *map, const void *key) */
u64 kbpf_helper_map_lookup_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = kbpf_helper_arg_map(r1);

	WARN_ON_ONCE(!rcu_read_lock_held());
	return (unsigned long)map->ops->lookup(map, (const void *)(unsigned long)r2);
}

/*
 * update and delete return the map op's int as Linux 6.1 hands it to
 * programs: its 6.1 JIT and interpreter call the int-returning op directly,
 * so an error reaches R0 zero-extended (-E2BIG is 0x00000000fffffff9, not
 * a negative 64-bit number). Programs written against 6.1 see the same
 * here (kbpf_helper_int_ret); the in-VM differential test checks it
 * against the guest kernel.
 */

/* long bpf_map_update_elem(map, const void *key, const void *value, u64 flags) */
u64 kbpf_helper_map_update_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = kbpf_helper_arg_map(r1);

	WARN_ON_ONCE(!rcu_read_lock_held());
	return kbpf_helper_int_ret(map->ops->update(map, (const void *)(unsigned long)r2,
						    (const void *)(unsigned long)r3, r4));
}

/* long bpf_map_delete_elem(struct bpf_map *map, const void *key) */
u64 kbpf_helper_map_delete_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = kbpf_helper_arg_map(r1);

	WARN_ON_ONCE(!rcu_read_lock_held());
	return kbpf_helper_int_ret(map->ops->delete(map, (const void *)(unsigned long)r2));
}

/* long bpf_map_push_elem(map, const void *value, u64 flags): queue, stack, bloom */
u64 kbpf_helper_map_push_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = kbpf_helper_arg_map(r1);

	return kbpf_helper_int_ret(map->ops->push(map, (const void *)(unsigned long)r2, r3));
}

/* long bpf_map_pop_elem(map, void *value) */
u64 kbpf_helper_map_pop_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = kbpf_helper_arg_map(r1);

	return kbpf_helper_int_ret(map->ops->pop(map, (void *)(unsigned long)r2));
}

/* long bpf_map_peek_elem(map, void *value) */
u64 kbpf_helper_map_peek_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = kbpf_helper_arg_map(r1);

	return kbpf_helper_int_ret(map->ops->peek(map, (void *)(unsigned long)r2));
}
