/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verifier corpus: the kernel's test_verifier cases
 * (tools/testing/selftests/bpf/verifier/NAME.c of linux-source-6.1, extracted at
 * build time by fetch.sh) compiled into one table. The case files are
 * designated initializers of a `struct bpf_test`; this header gives our own
 * definition of that struct (every field the 6.1 files use), the constants
 * they name, and the instruction macros (corpus_insn.h).
 */
#ifndef _KBPF_CORPUS_H
#define _KBPF_CORPUS_H

#include <stdint.h>
#include <stddef.h>
#include <limits.h>
#include <errno.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <linux/if_ether.h>
#include <linux/btf.h>
#include "corpus_insn.h"

/* Sizes, as the kernel's runner has them. */
#define MAX_INSNS		4096	/* BPF_MAXINSNS: insns[] of a case */
#define MAX_TEST_INSNS		1000000	/* generated (fill_helper) programs */
#define MAX_EXPECTED_INSNS	32
#define MAX_UNEXPECTED_INSNS	32
#define MAX_FIXUPS		8
#define MAX_TEST_RUNS		8
#define TEST_DATA_LEN		64
#define MAX_FUNC_INFOS		8
#define MAX_BTF_STRINGS		256
#define MAX_BTF_TYPES		256
/* retval that means "some pointer": not compared */
#define POINTER_VALUE		0xcafe4all

#define INSN_OFF_MASK		((__s16)0xFFFF)
#define INSN_IMM_MASK		((__s32)0xFFFFFFFF)
#define SKIP_INSNS()		BPF_RAW_INSN(0xde, 0xa, 0xd, 0xbeef, 0xdeadbeef)

/* .flags */
#define F_NEEDS_EFFICIENT_UNALIGNED_ACCESS	(1 << 0)
#define F_LOAD_WITH_STRICT_ALIGNMENT		(1 << 1)

/* Register aliases of the kernel's internal filter.h. */
#define BPF_REG_ARG1	BPF_REG_1
#define BPF_REG_ARG2	BPF_REG_2
#define BPF_REG_ARG3	BPF_REG_3
#define BPF_REG_ARG4	BPF_REG_4
#define BPF_REG_ARG5	BPF_REG_5
#define BPF_REG_CTX	BPF_REG_6
#define BPF_REG_FP	BPF_REG_10

#ifndef U32_MAX
#define U32_MAX		((__u32)~0U)
#endif
#ifndef U64_MAX
#define U64_MAX		((__u64)~0ULL)
#endif
#ifndef offsetofend
#define offsetofend(T, m)	(offsetof(T, m) + sizeof(((T *)0)->m))
#endif

/* Map values the fixups refer to (48 and 16 bytes). */
#define MAX_ENTRIES 11
struct test_val {
	unsigned int index;
	int foo[MAX_ENTRIES];
};

struct other_val {
	long long foo;
	long long bar;
};

struct kfunc_btf_id_pair {
	const char *kfunc;
	int insn_idx;
};

enum corpus_result { UNDEF = 0, ACCEPT, REJECT, VERBOSE_ACCEPT };

/* One run's input packet and expected return value (an untagged struct). */
#define CORPUS_TESTDATA_T					\
	struct {						\
		uint32_t retval, retval_unpriv;			\
		union {						\
			__u8 data[TEST_DATA_LEN];		\
			__u64 data64[TEST_DATA_LEN / 8];	\
		};						\
	}

struct bpf_test {
	const char *descr;
	struct bpf_insn insns[MAX_INSNS];
	struct bpf_insn *fill_insns;		/* set by fill_helper */
	struct bpf_insn expected_insns[MAX_EXPECTED_INSNS];
	struct bpf_insn unexpected_insns[MAX_UNEXPECTED_INSNS];
	int fixup_map_hash_8b[MAX_FIXUPS];
	int fixup_map_hash_48b[MAX_FIXUPS];
	int fixup_map_hash_16b[MAX_FIXUPS];
	int fixup_map_array_48b[MAX_FIXUPS];
	int fixup_map_sockmap[MAX_FIXUPS];
	int fixup_map_sockhash[MAX_FIXUPS];
	int fixup_map_xskmap[MAX_FIXUPS];
	int fixup_map_stacktrace[MAX_FIXUPS];
	int fixup_prog1[MAX_FIXUPS];
	int fixup_prog2[MAX_FIXUPS];
	int fixup_map_in_map[MAX_FIXUPS];
	int fixup_cgroup_storage[MAX_FIXUPS];
	int fixup_percpu_cgroup_storage[MAX_FIXUPS];
	int fixup_map_spin_lock[MAX_FIXUPS];
	int fixup_map_array_ro[MAX_FIXUPS];
	int fixup_map_array_wo[MAX_FIXUPS];
	int fixup_map_array_small[MAX_FIXUPS];
	int fixup_sk_storage_map[MAX_FIXUPS];
	int fixup_map_event_output[MAX_FIXUPS];
	int fixup_map_reuseport_array[MAX_FIXUPS];
	int fixup_map_ringbuf[MAX_FIXUPS];
	int fixup_map_timer[MAX_FIXUPS];
	int fixup_map_kptr[MAX_FIXUPS];
	struct kfunc_btf_id_pair fixup_kfunc_btf_id[MAX_FIXUPS];
	const char *errstr;			/* expected log fragments, tab-separated */
	const char *errstr_unpriv;
	uint32_t insn_processed;
	int prog_len;				/* set by fill_helper */
	enum corpus_result result, result_unpriv;
	enum bpf_prog_type prog_type;		/* 0: SOCKET_FILTER */
	uint8_t flags;				/* F_* or BPF_F_* prog_flags */
	void (*fill_helper)(struct bpf_test *self);
	int runs;				/* 0: one run, -1: none */
	union {
		CORPUS_TESTDATA_T;
		CORPUS_TESTDATA_T retvals[MAX_TEST_RUNS];
	};
	enum bpf_attach_type expected_attach_type;
	const char *kfunc;
	struct bpf_func_info func_info[MAX_FUNC_INFOS];
	int func_info_cnt;
	char btf_strings[MAX_BTF_STRINGS];
	__u32 btf_types[MAX_BTF_TYPES];		/* ends with BTF_END_RAW */
	/* ours: a marker entry between case files (descr == NULL) */
	const char *corpus_file;
};

/* The table (cases.c) and the program generators (fill.c). */
extern struct bpf_test corpus_tests[];
extern const unsigned int corpus_ntests;

void bpf_fill_ld_abs_vlan_push_pop(struct bpf_test *self);
void bpf_fill_jump_around_ld_abs(struct bpf_test *self);
void bpf_fill_rand_ld_dw(struct bpf_test *self);
void bpf_fill_scale(struct bpf_test *self);
void bpf_fill_torturous_jumps(struct bpf_test *self);
void bpf_fill_big_prog_with_loop_1(struct bpf_test *self);

/* Minimal BTF encoders for the few cases that carry raw BTF (never loaded). */
#define BTF_END_RAW			0xdeadbeef
#define BTF_INFO_ENC(kind, kflag, vlen)	((!!(kflag) << 31) | ((kind) << 24) | ((vlen) & 0xffff))
#define BTF_TYPE_ENC(name, info, sz)	(name), (info), (sz)
#define BTF_INT_ENC(enc, bits_off, nr_bits) ((enc) << 24 | (bits_off) << 16 | (nr_bits))
#define BTF_TYPE_INT_ENC(name, enc, bits_off, bits, sz) \
	BTF_TYPE_ENC(name, BTF_INFO_ENC(BTF_KIND_INT, 0, 0), sz), BTF_INT_ENC(enc, bits_off, bits)
#define BTF_PTR_ENC(type)		BTF_TYPE_ENC(0, BTF_INFO_ENC(BTF_KIND_PTR, 0, 0), type)
#define BTF_FUNC_PROTO_ENC(ret, n)	BTF_TYPE_ENC(0, BTF_INFO_ENC(BTF_KIND_FUNC_PROTO, 0, n), ret)
#define BTF_FUNC_PROTO_ARG_ENC(name, type) (name), (type)
#define BTF_FUNC_ENC(name, proto)	BTF_TYPE_ENC(name, BTF_INFO_ENC(BTF_KIND_FUNC, 0, 0), proto)
#define BTF_STRUCT_ENC(name, n, sz)	BTF_TYPE_ENC(name, BTF_INFO_ENC(BTF_KIND_STRUCT, 0, n), sz)
#define BTF_MEMBER_ENC(name, type, off)	(name), (type), (off)

#endif
