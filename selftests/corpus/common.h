/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the native corpus runner (runner.c) and the in-VM one (vm_runner.c)
 * share: the fixup maps test_verifier creates for a case, the allowlist of
 * justified differences, the program length of a case.
 */
#ifndef _KBPF_CORPUS_COMMON_H
#define _KBPF_CORPUS_COMMON_H

#include <stdbool.h>
#include "corpus.h"

enum fixup_kind {
	FX_HASH_8B, FX_HASH_48B, FX_HASH_16B, FX_ARRAY_48B, FX_PROG1, FX_PROG2,
	FX_MAP_IN_MAP, FX_CGROUP_STORAGE, FX_PERCPU_CGROUP_STORAGE, FX_SOCKMAP,
	FX_SOCKHASH, FX_XSKMAP, FX_STACKTRACE, FX_SPIN_LOCK, FX_ARRAY_RO, FX_ARRAY_WO,
	FX_ARRAY_SMALL, FX_SK_STORAGE, FX_EVENT_OUTPUT, FX_REUSEPORT, FX_RINGBUF,
	FX_TIMER, FX_KPTR, FX_NR,
};

/* What each fixup list means (the kernel runner's create_map calls). */
struct corpus_fixup {
	const char *name;
	__u32 type, key, value, max, flags;
};
extern const struct corpus_fixup corpus_fixups[FX_NR];
/* The case's instruction indexes for fixup kind k (0-terminated). */
const int *corpus_fixup_list(const struct bpf_test *t, int k);

/* The instructions of a non-generated case (trailing zero insns dropped). */
__u32 corpus_prog_length(const struct bpf_insn *p);

/* accepted_differences.txt: "file: descr | justification", '#' comments. */
struct corpus_allow { char *key; char *why; bool used; };
extern struct corpus_allow *corpus_allows;
extern int corpus_nallows;
/* Load path (missing: empty); returns the number of malformed lines. */
int corpus_load_allowlist(const char *path);
/* Is "file: descr" listed? Marks the entry used. */
bool corpus_allowed(const char *file, const char *descr);

#endif
