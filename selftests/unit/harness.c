// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "harness.h"

static const char *kt_filter;
static int kt_passed, kt_failed;
static char kt_reason[512];

int kt_failf(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(kt_reason, sizeof(kt_reason), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(kt_reason + n, sizeof(kt_reason) - n, fmt, ap);
	va_end(ap);
	return -1;
}

static void kt_report(const char *name, int err)
{
	if (err) {
		kt_failed++;
		printf("FAIL: %s (%s)\n", name, kt_reason);
	} else {
		kt_passed++;
		printf("PASS: %s\n", name);
	}
	fflush(stdout);
}

void kt_run(const char *name, int (*fn)(void))
{
	if (kt_filter && !strstr(name, kt_filter))
		return;
	kt_reason[0] = '\0';
	kt_report(name, fn());
}

void kt_run_arg(const char *name, int (*fn)(const void *), const void *arg)
{
	if (kt_filter && !strstr(name, kt_filter))
		return;
	kt_reason[0] = '\0';
	kt_report(name, fn(arg));
}

int kt_main(int argc, char **argv, void (*all)(void))
{
	if (argc == 3 && !strcmp(argv[1], "-t"))
		kt_filter = argv[2];
	all();
	fprintf(stderr, "%d passed, %d failed\n", kt_passed, kt_failed);
	/* With a filter, a binary none of whose tests match has nothing to say. */
	if (kt_passed + kt_failed == 0 && !kt_filter) {
		printf("FAIL: %s (no test ran)\n", argv[0]);
		return 1;
	}
	return kt_failed ? 1 : 0;
}

/* ---- fake maps ---- */

struct kt_map *kt_fds[KT_MAX_FDS];

struct kt_map *kt_map_new(u32 type, u32 key_size, u32 value_size, u32 max_entries)
{
	struct kt_map *m = calloc(1, sizeof(*m));

	m->desc.map_type = type;
	m->desc.key_size = key_size;
	m->desc.value_size = value_size;
	m->desc.max_entries = max_entries;
	m->keys = calloc(max_entries, key_size);
	/* values 8-byte aligned, as the module lays them out */
	m->values = aligned_alloc(8, (size_t)max_entries * ((value_size + 7) & ~7u));
	memset(m->values, 0, (size_t)max_entries * ((value_size + 7) & ~7u));
	m->used = calloc(max_entries, sizeof(bool));
	if (type == BPF_MAP_TYPE_ARRAY)
		memset(m->used, 1, max_entries * sizeof(bool));
	return m;
}

void kt_map_free(struct kt_map *m)
{
	if (!m)
		return;
	free(m->keys);
	free(m->values);
	free(m->used);
	free(m);
}

static void *kt_value(struct kt_map *m, u32 i)
{
	return m->values + (size_t)i * ((m->desc.value_size + 7) & ~7u);
}

static s64 kt_slot(struct kt_map *m, const void *key, bool alloc)
{
	u32 i;

	if (m->desc.map_type == BPF_MAP_TYPE_ARRAY) {
		u32 idx;

		memcpy(&idx, key, 4);
		return idx < m->desc.max_entries ? (s64)idx : -1;
	}
	for (i = 0; i < m->desc.max_entries; i++)
		if (m->used[i] && !memcmp(m->keys + (size_t)i * m->desc.key_size, key,
					  m->desc.key_size))
			return i;
	if (!alloc)
		return -1;
	for (i = 0; i < m->desc.max_entries; i++)
		if (!m->used[i]) {
			m->used[i] = true;
			memcpy(m->keys + (size_t)i * m->desc.key_size, key, m->desc.key_size);
			return i;
		}
	return -1;
}

void *kt_map_lookup(struct kt_map *m, const void *key)
{
	s64 i = kt_slot(m, key, false);

	return i < 0 ? NULL : kt_value(m, (u32)i);
}

static u64 kt_lookup_fn(u64 map, u64 key, u64 a3, u64 a4, u64 a5)
{
	/* map-in-maps here hold no inner map (as test_verifier's): NULL */
	if (((struct kt_map *)(uintptr_t)map)->desc.inner_meta)
		return 0;
	return (u64)(uintptr_t)kt_map_lookup((struct kt_map *)(uintptr_t)map,
					     (const void *)(uintptr_t)key);
}

static u64 kt_update_fn(u64 map, u64 key, u64 value, u64 flags, u64 a5)
{
	struct kt_map *m = (struct kt_map *)(uintptr_t)map;
	s64 i = kt_slot(m, (const void *)(uintptr_t)key, true);

	if (i < 0)
		return (u32)-E2BIG;	/* zero-extended, as Linux 6.1 */
	memcpy(kt_value(m, (u32)i), (const void *)(uintptr_t)value, m->desc.value_size);
	return 0;
}

static u64 kt_delete_fn(u64 map, u64 key, u64 a3, u64 a4, u64 a5)
{
	struct kt_map *m = (struct kt_map *)(uintptr_t)map;
	s64 i = kt_slot(m, (const void *)(uintptr_t)key, false);

	if (i < 0 || m->desc.map_type == BPF_MAP_TYPE_ARRAY)
		return (u32)(i < 0 ? -ENOENT : -EINVAL);
	m->used[i] = false;
	return 0;
}

/* Deterministic stand-ins for time, randomness and CPU helpers. */
static u64 kt_counter_fn(u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	static u64 n = 1000;

	return n += 7;
}

static u64 kt_zero_fn(u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	return 0;
}

static u64 kt_skb_load_bytes_fn(u64 ctx, u64 off, u64 to, u64 len, u64 a5)
{
	return (u64)kbpf_skb_load_bytes((const void *)(uintptr_t)ctx, (u32)off,
					(void *)(uintptr_t)to, (u32)len);
}

static u64 kt_strtol_fn(u64 buf, u64 len, u64 flags, u64 res, u64 a5)
{
	return (u64)kbpf_strtol((const void *)(uintptr_t)buf, (u32)len, flags,
				(s64 *)(uintptr_t)res);
}

static u64 kt_strtoul_fn(u64 buf, u64 len, u64 flags, u64 res, u64 a5)
{
	return (u64)kbpf_strtoul((const void *)(uintptr_t)buf, (u32)len, flags,
				 (u64 *)(uintptr_t)res);
}

static u64 kt_enotsupp_fn(u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	return (u64)(s64)-524;	/* ENOTSUPP */
}

static u64 kt_csum_diff_fn(u64 from, u64 from_size, u64 to, u64 to_size, u64 seed)
{
	return (u64)kbpf_csum_diff((const void *)(uintptr_t)from, (u32)from_size,
				   (const void *)(uintptr_t)to, (u32)to_size, (u32)seed);
}

/*
 * Fake ringbuf helpers, strict enough to be an oracle for the verifier's
 * reference tracking: samples come from a small pool of slots (a program
 * may hold several at once), each live from reserve to submit/discard.
 * Committing anything but a live sample counts in kt_rb_misuse;
 * kt_rb_outstanding counts live samples; kt_rb_within() says whether
 * bytes lie inside a live sample's reserved size.
 */
#define KT_RB_SLOTS	8
#define KT_RB_SLOT_SIZE	4096
int kt_rb_outstanding, kt_rb_misuse;

static struct {
	u64 buf[KT_RB_SLOT_SIZE / 8];
	u64 size;
	bool live;
} kt_rb_slots[KT_RB_SLOTS];

void kt_rb_reset(void)
{
	memset(kt_rb_slots, 0, sizeof(kt_rb_slots));
	kt_rb_outstanding = 0;
	kt_rb_misuse = 0;
}

bool kt_rb_within(const void *p, u32 size)
{
	uintptr_t a = (uintptr_t)p;
	int i;

	for (i = 0; i < KT_RB_SLOTS; i++) {
		uintptr_t b = (uintptr_t)kt_rb_slots[i].buf;

		if (kt_rb_slots[i].live && a >= b && a + size >= a &&
		    a + size <= b + kt_rb_slots[i].size)
			return true;
	}
	return false;
}

static u64 kt_rb_reserve_fn(u64 map, u64 size, u64 flags, u64 a4, u64 a5)
{
	int i;

	if (flags || size > KT_RB_SLOT_SIZE)
		return 0;
	for (i = 0; i < KT_RB_SLOTS; i++) {
		if (kt_rb_slots[i].live)
			continue;
		kt_rb_slots[i].live = true;
		kt_rb_slots[i].size = size;
		kt_rb_outstanding++;
		return (u64)(uintptr_t)kt_rb_slots[i].buf;
	}
	return 0;	/* "no room" */
}

static u64 kt_rb_commit_fn(u64 sample, u64 flags, u64 a3, u64 a4, u64 a5)
{
	int i;

	for (i = 0; i < KT_RB_SLOTS; i++) {
		if (sample != (u64)(uintptr_t)kt_rb_slots[i].buf || !kt_rb_slots[i].live)
			continue;
		kt_rb_slots[i].live = false;
		kt_rb_outstanding--;
		return 0;
	}
	kt_rb_misuse++;
	return 0;
}

static u64 kt_rb_output_fn(u64 map, u64 data, u64 size, u64 flags, u64 a5)
{
	if (flags & ~(u64)(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP))
		return (u64)-EINVAL;
	return size > KT_RB_SLOT_SIZE ? (u64)-EAGAIN : 0;
}

static u64 kt_rb_query_fn(u64 map, u64 flags, u64 a3, u64 a4, u64 a5)
{
	const struct kbpf_map_desc *m = (const void *)(uintptr_t)map;

	return flags == BPF_RB_RING_SIZE ? m->max_entries : 0;
}

static u64 kt_enoent_fn(u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	return (u64)-ENOENT;
}

kbpf_helper_fn kt_helpers[KBPF_FUNC_MAX] = {
	[BPF_FUNC_ringbuf_reserve] = kt_rb_reserve_fn,
	[BPF_FUNC_ringbuf_submit] = kt_rb_commit_fn,
	[BPF_FUNC_ringbuf_discard] = kt_rb_commit_fn,
	[BPF_FUNC_ringbuf_output] = kt_rb_output_fn,
	[BPF_FUNC_ringbuf_query] = kt_rb_query_fn,
	[BPF_FUNC_skb_load_bytes] = kt_skb_load_bytes_fn,
	[BPF_FUNC_csum_diff] = kt_csum_diff_fn,
	[BPF_FUNC_get_cgroup_classid] = kt_zero_fn,	/* no net_cls here */
	[BPF_FUNC_strtol] = kt_strtol_fn,
	[BPF_FUNC_strtoul] = kt_strtoul_fn,
	[BPF_FUNC_csum_update] = kt_enotsupp_fn,	/* no checksum state, as the module */
	/* no socket tables here: lookups find nothing */
	[BPF_FUNC_sk_lookup_tcp] = kt_zero_fn,
	[BPF_FUNC_sk_lookup_udp] = kt_zero_fn,
	[BPF_FUNC_skc_lookup_tcp] = kt_zero_fn,
	[BPF_FUNC_sk_release] = kt_zero_fn,
	[BPF_FUNC_ktime_get_ns] = kt_counter_fn,
	[BPF_FUNC_ktime_get_boot_ns] = kt_counter_fn,
	[BPF_FUNC_ktime_get_coarse_ns] = kt_counter_fn,
	[BPF_FUNC_jiffies64] = kt_counter_fn,
	[BPF_FUNC_get_prandom_u32] = kt_counter_fn,
	[BPF_FUNC_get_smp_processor_id] = kt_zero_fn,
	[BPF_FUNC_get_numa_node_id] = kt_zero_fn,
	[BPF_FUNC_map_lookup_elem] = kt_lookup_fn,
	[BPF_FUNC_map_update_elem] = kt_update_fn,
	[BPF_FUNC_map_delete_elem] = kt_delete_fn,
	/* no perf events here: every PERF_EVENT_ARRAY slot is empty, as in test_verifier */
	[BPF_FUNC_perf_event_output] = kt_enoent_fn,
	[KBPF_FUNC_skb_event_output] = kt_enoent_fn,
	[KBPF_FUNC_xdp_event_output] = kt_enoent_fn,
};

int kt_map_value_addr(void *priv, const struct kbpf_map_desc *map, u32 off, u64 *addr)
{
	if (map->map_type != BPF_MAP_TYPE_ARRAY)
		return -EINVAL;
	if (map->max_entries != 1)
		return -524;	/* ENOTSUPP, as Linux */
	if (off >= map->value_size)
		return -EINVAL;
	*addr = (u64)(uintptr_t)((struct kt_map *)map)->values + off;
	return 0;
}

int kt_map_from_fd(void *priv, s32 fd, const struct kbpf_map_desc **map)
{
	if (fd < 0 || fd >= KT_MAX_FDS || !kt_fds[fd])
		return -EBADF;
	*map = &kt_fds[fd]->desc;
	return 0;
}

const struct kbpf_map_desc *kt_call_maps[KT_MAX_PROG_INSNS];

int kt_verify(struct bpf_insn *insns, u32 cnt, char *logbuf, u32 logsize)
{
	return kt_verify_subprogs(insns, cnt, logbuf, logsize, NULL, NULL);
}

bool kt_perfmon = true;
bool kt_no_prune;

int kt_verify_subprogs(struct bpf_insn *insns, u32 cnt, char *logbuf, u32 logsize,
		       struct kbpf_subprog *subs, u32 *sub_cnt)
{
	struct kbpf_verify_attr attr = {
		.insns = insns,
		.insn_cnt = cnt,
		.prog_type = BPF_PROG_TYPE_SOCKET_FILTER,
		.bpf_capable = true,
		.perfmon_capable = kt_perfmon,
		.gpl_compatible = true,
		.log_level = logbuf ? 1 : 0,
		.log_buf = logbuf,
		.log_size = logbuf ? logsize : 0,
		.map_from_fd = kt_map_from_fd,
		.map_value_addr = kt_map_value_addr,
		.subprogs = subs,
		.call_maps = kt_call_maps,
		.no_prune = kt_no_prune,
		.budget = kt_no_prune ? KT_NO_PRUNE_BUDGET : 0,
	};
	int err;

	if (logbuf)
		logbuf[0] = '\0';
	if (cnt > KT_MAX_PROG_INSNS)
		return -E2BIG;
	memset(kt_call_maps, 0, sizeof(kt_call_maps));
	err = kbpf_verify(&attr);
	if (sub_cnt)
		*sub_cnt = attr.subprog_cnt;
	return err;
}

/* JIT callbacks: a direct HASH lookup, and ARRAY values as a flat area. */
static kbpf_helper_fn kt_map_helper(const struct kbpf_map_desc *map, u32 func_id)
{
	if (map->map_type == BPF_MAP_TYPE_HASH && func_id == BPF_FUNC_map_lookup_elem)
		return kt_lookup_fn;
	return NULL;
}

static bool kt_map_flat(const struct kbpf_map_desc *map, void **base, u32 *stride)
{
	struct kt_map *m = (struct kt_map *)map;

	if (map->map_type != BPF_MAP_TYPE_ARRAY)
		return false;
	*base = m->values;
	*stride = (map->value_size + 7) & ~7u;
	return true;
}

kbpf_helper_fn (*const kt_jit_map_helper)(const struct kbpf_map_desc *, u32) = kt_map_helper;
bool (*const kt_jit_map_flat)(const struct kbpf_map_desc *, void **, u32 *) = kt_map_flat;
