// SPDX-License-Identifier: GPL-2.0
/* Shared by the corpus runners: see common.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

const struct corpus_fixup corpus_fixups[FX_NR] = {
	[FX_HASH_8B]	= { "hash_8b", BPF_MAP_TYPE_HASH, 8, 8, 1, BPF_F_NO_PREALLOC },
	[FX_HASH_48B]	= { "hash_48b", BPF_MAP_TYPE_HASH, 8, sizeof(struct test_val), 1,
			    BPF_F_NO_PREALLOC },
	[FX_HASH_16B]	= { "hash_16b", BPF_MAP_TYPE_HASH, 8, sizeof(struct other_val), 1,
			    BPF_F_NO_PREALLOC },
	[FX_ARRAY_48B]	= { "array_48b", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct test_val), 1, 0 },
	[FX_PROG1]	= { "prog1", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0 },
	[FX_PROG2]	= { "prog2", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 8, 0 },
	[FX_MAP_IN_MAP]	= { "map_in_map", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 1, 0 },
	[FX_CGROUP_STORAGE] = { "cgroup_storage", BPF_MAP_TYPE_CGROUP_STORAGE,
			    sizeof(struct bpf_cgroup_storage_key), TEST_DATA_LEN, 0, 0 },
	[FX_PERCPU_CGROUP_STORAGE] = { "percpu_cgroup_storage",
			    BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE,
			    sizeof(struct bpf_cgroup_storage_key), TEST_DATA_LEN, 0, 0 },
	[FX_SOCKMAP]	= { "sockmap", BPF_MAP_TYPE_SOCKMAP, 4, 4, 1, 0 },
	[FX_SOCKHASH]	= { "sockhash", BPF_MAP_TYPE_SOCKHASH, 4, 4, 1, 0 },
	[FX_XSKMAP]	= { "xskmap", BPF_MAP_TYPE_XSKMAP, 4, 4, 1, 0 },
	[FX_STACKTRACE]	= { "stacktrace", BPF_MAP_TYPE_STACK_TRACE, 4, 8, 1, 0 },
	/* the next three carry BTF in the kernel (bpf_spin_lock, bpf_timer, kptrs) */
	[FX_SPIN_LOCK]	= { "spin_lock", BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0 },
	[FX_ARRAY_RO]	= { "array_ro", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct test_val), 1,
			    BPF_F_RDONLY_PROG },
	[FX_ARRAY_WO]	= { "array_wo", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct test_val), 1,
			    BPF_F_WRONLY_PROG },
	[FX_ARRAY_SMALL] = { "array_small", BPF_MAP_TYPE_ARRAY, 4, 1, 1, 0 },
	[FX_SK_STORAGE]	= { "sk_storage", BPF_MAP_TYPE_SK_STORAGE, 4, 8, 0, BPF_F_NO_PREALLOC },
	[FX_EVENT_OUTPUT] = { "event_output", BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 1, 0 },
	[FX_REUSEPORT]	= { "reuseport_array", BPF_MAP_TYPE_REUSEPORT_SOCKARRAY, 4, 8, 1, 0 },
	[FX_RINGBUF]	= { "ringbuf", BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0 },
	[FX_TIMER]	= { "timer", BPF_MAP_TYPE_ARRAY, 4, 16, 1, 0 },
	[FX_KPTR]	= { "kptr", BPF_MAP_TYPE_ARRAY, 4, 24, 1, 0 },
};

const int *corpus_fixup_list(const struct bpf_test *t, int k)
{
	switch (k) {
	case FX_HASH_8B: return t->fixup_map_hash_8b;
	case FX_HASH_48B: return t->fixup_map_hash_48b;
	case FX_HASH_16B: return t->fixup_map_hash_16b;
	case FX_ARRAY_48B: return t->fixup_map_array_48b;
	case FX_PROG1: return t->fixup_prog1;
	case FX_PROG2: return t->fixup_prog2;
	case FX_MAP_IN_MAP: return t->fixup_map_in_map;
	case FX_CGROUP_STORAGE: return t->fixup_cgroup_storage;
	case FX_PERCPU_CGROUP_STORAGE: return t->fixup_percpu_cgroup_storage;
	case FX_SOCKMAP: return t->fixup_map_sockmap;
	case FX_SOCKHASH: return t->fixup_map_sockhash;
	case FX_XSKMAP: return t->fixup_map_xskmap;
	case FX_STACKTRACE: return t->fixup_map_stacktrace;
	case FX_SPIN_LOCK: return t->fixup_map_spin_lock;
	case FX_ARRAY_RO: return t->fixup_map_array_ro;
	case FX_ARRAY_WO: return t->fixup_map_array_wo;
	case FX_ARRAY_SMALL: return t->fixup_map_array_small;
	case FX_SK_STORAGE: return t->fixup_sk_storage_map;
	case FX_EVENT_OUTPUT: return t->fixup_map_event_output;
	case FX_REUSEPORT: return t->fixup_map_reuseport_array;
	case FX_RINGBUF: return t->fixup_map_ringbuf;
	case FX_TIMER: return t->fixup_map_timer;
	default: return t->fixup_map_kptr;
	}
}

__u32 corpus_prog_length(const struct bpf_insn *p)
{
	int n;

	for (n = MAX_INSNS - 1; n > 0; n--)
		if (p[n].code || p[n].imm)
			break;
	return n + 1;
}

/* accepted_differences.txt: "file: descr | justification", '#' comments. */
struct corpus_allow *corpus_allows;
int corpus_nallows;

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	memmove(s, s + strspn(s, " \t"), strlen(s + strspn(s, " \t")) + 1);
}

int corpus_load_allowlist(const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	int bad = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *bar;

		trim(line);
		if (!line[0] || line[0] == '#')
			continue;
		bar = strstr(line, " | ");
		if (!bar || !bar[3]) {
			fprintf(stderr, "%s: entry without \" | justification\": %s\n", path, line);
			bad++;
			continue;
		}
		*bar = '\0';
		corpus_allows = realloc(corpus_allows, sizeof(*corpus_allows) * (corpus_nallows + 1));
		corpus_allows[corpus_nallows].key = strdup(line);
		trim(corpus_allows[corpus_nallows].key);
		corpus_allows[corpus_nallows].why = strdup(bar + 3);
		corpus_allows[corpus_nallows].used = false;
		corpus_nallows++;
	}
	fclose(f);
	return bad;
}

bool corpus_allowed(const char *file, const char *descr)
{
	char key[512];
	int i;

	snprintf(key, sizeof(key), "%s: %s", file, descr);
	for (i = 0; i < corpus_nallows; i++)
		if (!strcmp(corpus_allows[i].key, key)) {
			corpus_allows[i].used = true;
			return true;
		}
	return false;
}
