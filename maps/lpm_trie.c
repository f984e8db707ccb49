// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_LPM_TRIE: longest-prefix match over keys that are a
 * struct bpf_lpm_trie_key (u32 prefixlen, then data_size bytes compared
 * big-endian, most significant bit first).
 *
 * A binary trie of path-compressed nodes: each node holds a prefix
 * (prefixlen bits of data) and two children chosen by the first bit after
 * the prefix. Nodes added only to split two branches are "intermediate":
 * they carry no value and always have both children. Readers walk the
 * trie under RCU with no lock; writers serialize on one raw spinlock
 * (irqs off) and replace nodes instead of editing them, freeing the old
 * ones after a grace period. Nodes are kmalloc'ed (GFP_ATOMIC) on update,
 * which is why Linux requires BPF_F_NO_PREALLOC, and so do we.
 *
 * As Debian's Linux 6.1 (with the stable fix): only an update that adds a
 * key counts against max_entries (-ENOSPC), replacing works on a full
 * trie, and BPF_EXIST on a missing key is -ENOENT first; get_next_key walks in post-order (more
 * specific prefixes first) and restarts from the first key when the key
 * given is not in the trie.
 */
#include <linux/bitops.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "kbpf_internal.h"

#define KBPF_LPM_CREATE_FLAGS	(BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | \
				 BPF_F_ACCESS_MASK)
#define KBPF_LPM_DATA_SIZE_MIN	1
#define KBPF_LPM_DATA_SIZE_MAX	256	/* 2048-bit prefixes */
/* sizeof(struct lpm_trie_node) in Linux 6.1 x86-64: its value limit. */
#define KBPF_LPM_LINUX_NODE_SIZE	40
#define KBPF_LPM_VAL_SIZE_MIN	1
#define KBPF_LPM_VAL_SIZE_MAX	(KMALLOC_MAX_SIZE - KBPF_LPM_DATA_SIZE_MAX - \
				 KBPF_LPM_LINUX_NODE_SIZE)
#define KBPF_LPM_KEY_SIZE(d)	(sizeof(struct bpf_lpm_trie_key) + (d))

#define KBPF_LPM_NODE_IM	1U	/* intermediate: no value */

struct kbpf_lpm_node {
	struct rcu_head rcu;
	struct kbpf_lpm_node __rcu *child[2];
	u32 prefixlen;
	u32 flags;
	u8 data[] __aligned(8);	/* data_size bytes, then the value */
};

struct kbpf_lpm_trie {
	struct kbpf_map map;	/* must be first */
	struct kbpf_lpm_node __rcu *root;
	raw_spinlock_t lock;
	u32 n_entries;		/* nodes with a value */
	u32 data_size;
	u32 max_prefixlen;
};

static struct kbpf_lpm_trie *kbpf_trie(struct kbpf_map *map)
{
	return container_of(map, struct kbpf_lpm_trie, map);
}

static int kbpf_lpm_bit(const u8 *data, u32 index)
{
	return !!(data[index / 8] & (1 << (7 - (index % 8))));
}

/* How many leading bits node and key share, at most both prefix lengths. */
static u32 kbpf_lpm_match(const struct kbpf_lpm_trie *trie,
			  const struct kbpf_lpm_node *node,
			  const struct bpf_lpm_trie_key *key)
{
	u32 limit = min(node->prefixlen, key->prefixlen);
	u32 i, len = 0;

	for (i = 0; i < trie->data_size && len < limit; i++) {
		u8 diff = node->data[i] ^ key->data[i];

		if (diff) {
			len += 8 - fls(diff);
			break;
		}
		len += 8;
	}
	return min(len, limit);
}

static void *kbpf_lpm_value(const struct kbpf_lpm_trie *trie,
			    struct kbpf_lpm_node *node)
{
	return node->data + trie->data_size;
}

static int kbpf_lpm_alloc_check(const union bpf_attr *attr)
{
	if (!bpf_capable())
		return -EPERM;
	if (attr->max_entries == 0 ||
	    !(attr->map_flags & BPF_F_NO_PREALLOC) ||
	    attr->map_flags & ~KBPF_LPM_CREATE_FLAGS ||
	    !bpf_map_flags_access_ok(attr->map_flags) ||
	    attr->key_size < KBPF_LPM_KEY_SIZE(KBPF_LPM_DATA_SIZE_MIN) ||
	    attr->key_size > KBPF_LPM_KEY_SIZE(KBPF_LPM_DATA_SIZE_MAX) ||
	    attr->value_size < KBPF_LPM_VAL_SIZE_MIN ||
	    attr->value_size > KBPF_LPM_VAL_SIZE_MAX)
		return -EINVAL;
	return 0;
}

static struct kbpf_map *kbpf_lpm_alloc(const union bpf_attr *attr)
{
	struct kbpf_lpm_trie *trie;

	trie = kzalloc_node(sizeof(*trie), GFP_KERNEL_ACCOUNT | __GFP_NOWARN,
			    bpf_map_attr_numa_node(attr));
	if (!trie)
		return ERR_PTR(-ENOMEM);
	trie->data_size = attr->key_size -
			  offsetof(struct bpf_lpm_trie_key, data);
	trie->max_prefixlen = trie->data_size * 8;
	raw_spin_lock_init(&trie->lock);
	return &trie->map;
}

/* No reader is left: free bottom-up, one leaf at a time. */
static void kbpf_lpm_free(struct kbpf_map *map)
{
	struct kbpf_lpm_trie *trie = kbpf_trie(map);
	struct kbpf_lpm_node __rcu **slot;
	struct kbpf_lpm_node *node;

	for (;;) {
		slot = &trie->root;
		for (;;) {
			node = rcu_dereference_protected(*slot, 1);
			if (!node)
				goto out;
			if (rcu_access_pointer(node->child[0])) {
				slot = &node->child[0];
				continue;
			}
			if (rcu_access_pointer(node->child[1])) {
				slot = &node->child[1];
				continue;
			}
			kfree(node);
			RCU_INIT_POINTER(*slot, NULL);
			break;
		}
	}
out:
	kfree(trie);
}

/* Longest-prefix match; from programs and from the syscall. */
static void *kbpf_lpm_lookup(struct kbpf_map *map, const void *_key)
{
	struct kbpf_lpm_trie *trie = kbpf_trie(map);
	const struct bpf_lpm_trie_key *key = _key;
	struct kbpf_lpm_node *node, *found = NULL;

	if (key->prefixlen > trie->max_prefixlen)
		return NULL;

	for (node = rcu_dereference(trie->root); node;) {
		u32 matchlen = kbpf_lpm_match(trie, node, key);

		if (matchlen == trie->max_prefixlen) {
			found = node;
			break;
		}
		if (matchlen < node->prefixlen)
			break;
		if (!(node->flags & KBPF_LPM_NODE_IM))
			found = node;
		node = rcu_dereference(node->child[kbpf_lpm_bit(key->data,
								 node->prefixlen)]);
	}
	return found ? kbpf_lpm_value(trie, found) : NULL;
}

static struct kbpf_lpm_node *kbpf_lpm_node_alloc(struct kbpf_lpm_trie *trie,
						 const void *value)
{
	size_t size = sizeof(struct kbpf_lpm_node) + trie->data_size;
	struct kbpf_lpm_node *node;

	if (value)
		size += trie->map.desc.value_size;
	node = kmalloc_node(size, GFP_ATOMIC | __GFP_NOWARN, trie->map.numa_node);
	if (!node)
		return NULL;
	node->flags = 0;
	RCU_INIT_POINTER(node->child[0], NULL);
	RCU_INIT_POINTER(node->child[1], NULL);
	if (value)
		memcpy(kbpf_lpm_value(trie, node), value, trie->map.desc.value_size);
	return node;
}

/* A key is about to be added: count it, if there is room. */
static int kbpf_lpm_add_check(struct kbpf_lpm_trie *trie, u64 flags)
{
	if (flags == BPF_EXIST)
		return -ENOENT;
	if (trie->n_entries == trie->map.desc.max_entries)
		return -ENOSPC;
	trie->n_entries++;
	return 0;
}

static int kbpf_lpm_update(struct kbpf_map *map, const void *_key,
			   const void *value, u64 flags)
{
	struct kbpf_lpm_trie *trie = kbpf_trie(map);
	const struct bpf_lpm_trie_key *key = _key;
	struct kbpf_lpm_node *node, *im_node = NULL, *new_node = NULL;
	struct kbpf_lpm_node __rcu **slot;
	unsigned long irqflags;
	u32 matchlen = 0;
	int err = 0;

	if (unlikely(flags > BPF_EXIST))
		return -EINVAL;
	if (key->prefixlen > trie->max_prefixlen)
		return -EINVAL;

	raw_spin_lock_irqsave(&trie->lock, irqflags);

	new_node = kbpf_lpm_node_alloc(trie, value);
	if (!new_node) {
		err = -ENOMEM;
		goto out;
	}
	new_node->prefixlen = key->prefixlen;
	memcpy(new_node->data, key->data, trie->data_size);

	/* Walk down while the node's whole prefix matches and is shorter. */
	slot = &trie->root;
	while ((node = rcu_dereference_protected(*slot,
					lockdep_is_held(&trie->lock)))) {
		matchlen = kbpf_lpm_match(trie, node, key);
		if (node->prefixlen != matchlen ||
		    node->prefixlen == key->prefixlen ||
		    node->prefixlen == trie->max_prefixlen)
			break;
		slot = &node->child[kbpf_lpm_bit(key->data, node->prefixlen)];
	}

	/* An empty slot: the new node goes there. */
	if (!node) {
		err = kbpf_lpm_add_check(trie, flags);
		if (err)
			goto out;
		rcu_assign_pointer(*slot, new_node);
		goto out;
	}

	/* The same prefix: replace the node (a real or intermediate one). */
	if (node->prefixlen == matchlen) {
		if (!(node->flags & KBPF_LPM_NODE_IM)) {
			if (flags == BPF_NOEXIST) {
				err = -EEXIST;
				goto out;
			}
		} else {
			err = kbpf_lpm_add_check(trie, flags);
			if (err)
				goto out;
		}
		RCU_INIT_POINTER(new_node->child[0],
				 rcu_access_pointer(node->child[0]));
		RCU_INIT_POINTER(new_node->child[1],
				 rcu_access_pointer(node->child[1]));
		rcu_assign_pointer(*slot, new_node);
		kfree_rcu(node, rcu);
		goto out;
	}

	err = kbpf_lpm_add_check(trie, flags);
	if (err)
		goto out;

	/* The new prefix covers node's: it becomes node's parent. */
	if (matchlen == key->prefixlen) {
		rcu_assign_pointer(new_node->child[kbpf_lpm_bit(node->data, matchlen)],
				   node);
		rcu_assign_pointer(*slot, new_node);
		goto out;
	}

	/* They diverge: an intermediate node holds both. */
	im_node = kbpf_lpm_node_alloc(trie, NULL);
	if (!im_node) {
		trie->n_entries--;
		err = -ENOMEM;
		goto out;
	}
	im_node->prefixlen = matchlen;
	im_node->flags |= KBPF_LPM_NODE_IM;
	memcpy(im_node->data, node->data, trie->data_size);
	if (kbpf_lpm_bit(key->data, matchlen)) {
		rcu_assign_pointer(im_node->child[0], node);
		rcu_assign_pointer(im_node->child[1], new_node);
	} else {
		rcu_assign_pointer(im_node->child[0], new_node);
		rcu_assign_pointer(im_node->child[1], node);
	}
	rcu_assign_pointer(*slot, im_node);

out:
	if (err) {
		kfree(new_node);
		kfree(im_node);
	}
	raw_spin_unlock_irqrestore(&trie->lock, irqflags);
	return err;
}

static int kbpf_lpm_delete(struct kbpf_map *map, const void *_key)
{
	struct kbpf_lpm_trie *trie = kbpf_trie(map);
	const struct bpf_lpm_trie_key *key = _key;
	struct kbpf_lpm_node __rcu **trim, **trim2;
	struct kbpf_lpm_node *node, *parent;
	unsigned long irqflags;
	u32 matchlen = 0;
	int err = 0;

	if (key->prefixlen > trie->max_prefixlen)
		return -EINVAL;

	raw_spin_lock_irqsave(&trie->lock, irqflags);

	/* Find the exact node, its slot, its parent and the parent's slot. */
	trim = &trie->root;
	trim2 = trim;
	parent = NULL;
	while ((node = rcu_dereference_protected(*trim,
					lockdep_is_held(&trie->lock)))) {
		matchlen = kbpf_lpm_match(trie, node, key);
		if (node->prefixlen != matchlen ||
		    node->prefixlen == key->prefixlen)
			break;
		parent = node;
		trim2 = trim;
		trim = &node->child[kbpf_lpm_bit(key->data, node->prefixlen)];
	}

	if (!node || node->prefixlen != key->prefixlen ||
	    node->prefixlen != matchlen || (node->flags & KBPF_LPM_NODE_IM)) {
		err = -ENOENT;
		goto out;
	}
	trie->n_entries--;

	/* Two children: it stays, as an intermediate node. */
	if (rcu_access_pointer(node->child[0]) &&
	    rcu_access_pointer(node->child[1])) {
		node->flags |= KBPF_LPM_NODE_IM;
		goto out;
	}

	/*
	 * A leaf under an intermediate parent: the parent goes too, and its
	 * other child takes its place (intermediate nodes keep two children).
	 */
	if (parent && (parent->flags & KBPF_LPM_NODE_IM) &&
	    !rcu_access_pointer(node->child[0]) &&
	    !rcu_access_pointer(node->child[1])) {
		if (node == rcu_access_pointer(parent->child[0]))
			rcu_assign_pointer(*trim2,
					   rcu_access_pointer(parent->child[1]));
		else
			rcu_assign_pointer(*trim2,
					   rcu_access_pointer(parent->child[0]));
		kfree_rcu(parent, rcu);
		kfree_rcu(node, rcu);
		goto out;
	}

	/* Zero or one child: the child (or nothing) takes its slot. */
	if (rcu_access_pointer(node->child[0]))
		rcu_assign_pointer(*trim, rcu_access_pointer(node->child[0]));
	else if (rcu_access_pointer(node->child[1]))
		rcu_assign_pointer(*trim, rcu_access_pointer(node->child[1]));
	else
		RCU_INIT_POINTER(*trim, NULL);
	kfree_rcu(node, rcu);
out:
	raw_spin_unlock_irqrestore(&trie->lock, irqflags);
	return err;
}

/* Post-order: a node's subtrees before the node itself. */
static int kbpf_lpm_get_next_key(struct kbpf_map *map, const void *_key,
				 void *_next_key)
{
	struct kbpf_lpm_trie *trie = kbpf_trie(map);
	const struct bpf_lpm_trie_key *key = _key;
	struct bpf_lpm_trie_key *next_key = _next_key;
	struct kbpf_lpm_node *node, *next_node = NULL, *parent, *search_root;
	struct kbpf_lpm_node **stack = NULL;
	int err = 0, sp = -1;

	search_root = rcu_dereference(trie->root);
	if (!search_root)
		return -ENOENT;
	if (!key || key->prefixlen > trie->max_prefixlen)
		goto find_leftmost;

	stack = kmalloc_array(trie->max_prefixlen + 1, sizeof(*stack),
			      GFP_ATOMIC | __GFP_NOWARN);
	if (!stack)
		return -ENOMEM;

	for (node = search_root; node;) {
		u32 matchlen;

		stack[++sp] = node;
		matchlen = kbpf_lpm_match(trie, node, key);
		if (node->prefixlen != matchlen ||
		    node->prefixlen == key->prefixlen)
			break;
		node = rcu_dereference(node->child[kbpf_lpm_bit(key->data,
								 node->prefixlen)]);
	}
	if (!node || node->prefixlen != key->prefixlen ||
	    (node->flags & KBPF_LPM_NODE_IM))
		goto find_leftmost;

	/* Found: the next node in post-order after it. */
	node = stack[sp];
	while (sp > 0) {
		parent = stack[sp - 1];
		if (rcu_dereference(parent->child[0]) == node) {
			search_root = rcu_dereference(parent->child[1]);
			if (search_root)
				goto find_leftmost;
		}
		if (!(parent->flags & KBPF_LPM_NODE_IM)) {
			next_node = parent;
			goto do_copy;
		}
		node = parent;
		sp--;
	}
	err = -ENOENT;
	goto out;

find_leftmost:
	/* The first real node in post-order under search_root. */
	for (node = search_root; node;) {
		if (node->flags & KBPF_LPM_NODE_IM) {
			node = rcu_dereference(node->child[0]);
		} else {
			next_node = node;
			node = rcu_dereference(node->child[0]);
			if (!node)
				node = rcu_dereference(next_node->child[1]);
		}
	}
do_copy:
	if (!next_node) {	/* cannot happen: IM nodes have two children */
		err = -ENOENT;
		goto out;
	}
	next_key->prefixlen = next_node->prefixlen;
	memcpy(next_key->data, next_node->data, trie->data_size);
out:
	kfree(stack);
	return err;
}

KBPF_MAP_LOOKUP_HELPER(kbpf_lpm_lookup_helper, kbpf_lpm_lookup)
KBPF_MAP_UPDATE_HELPER(kbpf_lpm_update_helper, kbpf_lpm_update)
KBPF_MAP_DELETE_HELPER(kbpf_lpm_delete_helper, kbpf_lpm_delete)

const struct kbpf_map_ops kbpf_lpm_trie_map_ops = {
	.alloc_check	= kbpf_lpm_alloc_check,
	.alloc		= kbpf_lpm_alloc,
	.free		= kbpf_lpm_free,
	.lookup		= kbpf_lpm_lookup,
	.lookup_helper	= kbpf_lpm_lookup_helper,
	.update		= kbpf_lpm_update,
	.update_helper	= kbpf_lpm_update_helper,
	.delete		= kbpf_lpm_delete,
	.delete_helper	= kbpf_lpm_delete_helper,
	.get_next_key	= kbpf_lpm_get_next_key,
};
