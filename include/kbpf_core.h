/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface between the portable core (verifier/, jit/, helpers/protos.c)
 * and whoever embeds it: kbpf.ko, or the native userspace library used by the
 * unit tests. Every limit kbpf enforces on programs is named here.
 */
#ifndef _KBPF_CORE_H
#define _KBPF_CORE_H

#include "kbpf_env.h"

/* ---- Limits ---------------------------------------------------------- */

/* Program size, as Linux: BPF_MAXINSNS for loaders without CAP_BPF. */
#define KBPF_MAX_INSNS_UNPRIV		4096
/* Program size for CAP_BPF loaders (Linux: BPF_COMPLEXITY_LIMIT_INSNS). */
#define KBPF_MAX_INSNS			1000000
/* Instructions the verifier may process before giving up (-E2BIG). */
#define KBPF_VERIFY_BUDGET		1000000
/* Pending branch states the verifier may hold (Linux: BPF_COMPLEXITY_LIMIT_JMP_SEQ). */
#define KBPF_VERIFY_MAX_PENDING		8192
/* Their array's first size; it doubles as needed (small programs pay little). */
#define KBPF_VERIFY_PENDING_INIT	64
/*
 * States kept for pruning, in all and per instruction. Past these the walk
 * stays sound, it just prunes less (a state costs ~6 KiB per call frame).
 */
#define KBPF_VERIFY_MAX_STATES		4096
#define KBPF_VERIFY_MAX_STATES_PER_INSN	32
/*
 * Memory the verifier's saved states may take, bytes: the pending branch
 * states (past it the program is refused, -E2BIG, as for too many pending
 * jumps) and, apart, the states kept for pruning (past it none is kept).
 * A state costs one struct kbpf_frame (~6.5 KiB) per call frame, so 8192
 * pending states eight frames deep would take 430 MiB: without these a
 * CAP_BPF loader could drive a small machine out of memory.
 */
#define KBPF_VERIFY_MAX_PENDING_BYTES	(64u << 20)
#define KBPF_VERIFY_MAX_KEPT_BYTES	(64u << 20)
/* Stack of one program frame, bytes (Linux: MAX_BPF_STACK). */
#define KBPF_STACK_SIZE			512
/* Distinct maps one program may reference (Linux: MAX_USED_MAPS). */
#define KBPF_MAX_USED_MAPS		64
/* Verifier log buffer, bytes (Linux 6.1: 128 .. UINT_MAX >> 2). */
#define KBPF_LOG_MIN_SIZE		128
#define KBPF_LOG_MAX_SIZE		(0xffffffffu >> 2)
/* Functions in one program: the main one and its bpf-to-bpf callees. */
#define KBPF_MAX_SUBPROGS		256
/* Nested bpf-to-bpf calls, the main function included (Linux: MAX_CALL_FRAMES). */
#define KBPF_MAX_CALL_FRAMES		8
/* log_level bits, as Linux 6.1 (not in the uapi header). */
#define KBPF_LOG_LEVEL1			1	/* each instruction as walked */
#define KBPF_LOG_LEVEL2			2	/* more detail */
#define KBPF_LOG_STATS			4	/* summary statistics */
#define KBPF_LOG_MASK			7
/* Tail calls one run may make (Linux: MAX_TAIL_CALL_CNT). */
#define KBPF_MAX_TAIL_CALL_CNT		33
/* Program types newer than Linux 6.1's uapi, with upstream's numbers. */
#define KBPF_PROG_TYPE_NETFILTER	32
#define KBPF_ATTACH_NETFILTER		45
#define KBPF_LINK_TYPE_NETFILTER	10
/* Packet offsets beyond this are never proved safe (Linux: MAX_PACKET_OFF). */
#define KBPF_MAX_PACKET_OFF		0xffff
/* Context sizes the verifier allows reads in (the module must provide them). */
#define KBPF_PT_REGS_SIZE		168	/* struct pt_regs, x86-64 */
#define KBPF_TRACEPOINT_CTX_SIZE	2048	/* Linux: PERF_MAX_TRACE_SIZE */
#define KBPF_RAW_TP_MAX_ARGS		12	/* Linux: MAX_BPF_FUNC_ARGS */
/*
 * References (e.g. ringbuf samples) one verifier state may hold at once.
 * Linux has no fixed limit; a program needing more is rejected (-E2BIG).
 */
#define KBPF_MAX_REFS			64
/*
 * Helper ids: Linux 6.1's enum bpf_func_id, then kbpf-private ids. Where
 * 6.1 gives one helper id another implementation per program type (its
 * per-type func_proto), the verifier's fixup (verifier.c) turns the call
 * into the variant's private id. Programs cannot name a private id: it
 * has no prototype.
 */
#define KBPF_FUNC_skb_event_output	__BPF_FUNC_MAX_ID	/* perf_event_output, skb */
#define KBPF_FUNC_xdp_event_output	(__BPF_FUNC_MAX_ID + 1)	/* perf_event_output, XDP */
#define KBPF_FUNC_MAX			(__BPF_FUNC_MAX_ID + 2)

/* ---- Maps, as the core sees them ------------------------------------ */

/*
 * The module embeds this as the first member of its struct kbpf_map. After
 * verification, an ld_imm64 with src_reg == BPF_PSEUDO_MAP_FD holds a pointer
 * to this descriptor, and helpers receive that pointer in their map argument.
 */
struct kbpf_tail_target;

struct kbpf_map_desc {
	u32 map_type;
	u32 key_size;
	u32 value_size;
	u32 max_entries;
	u32 map_flags;
	/*
	 * BPF_MAP_TYPE_PROG_ARRAY: max_entries slots, each NULL or the program
	 * a tail call to that index enters. Slots change under RCU; runners
	 * read them with acquire semantics.
	 */
	struct kbpf_tail_target **tail_slots;
	/*
	 * ARRAY_OF_MAPS / HASH_OF_MAPS: what every inner map looks like (a
	 * template: type, sizes, flags, max_entries; is_meta set, no map
	 * behind it). A lookup in the outer map gives a program the inner
	 * map's own desc, which the verifier checks against this.
	 */
	const struct kbpf_map_desc *inner_meta;
	bool is_meta;
};

/* What a tail call enters: a program's code, for each backend. */
struct kbpf_tail_target {
	const struct bpf_insn *insns;	/* the interpreter's entry */
	const void *jit_entry;		/* image + KBPF_JIT_TAIL_OFFSET, or NULL */
};

/* ---- Helpers ---------------------------------------------------------- */

typedef u64 (*kbpf_helper_fn)(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);

enum kbpf_arg_type {
	KBPF_ARG_NONE = 0,		/* argument unused */
	KBPF_ARG_ANYTHING,		/* any initialised scalar */
	KBPF_ARG_CONST_MAP_PTR,		/* a map from ld_imm64 */
	KBPF_ARG_PTR_TO_MAP_KEY,	/* key_size readable bytes */
	KBPF_ARG_PTR_TO_MAP_VALUE,	/* value_size readable bytes */
	KBPF_ARG_PTR_TO_CTX,		/* the program's context, unmodified */
	KBPF_ARG_PTR_TO_UNINIT_MAP_VALUE, /* value_size writable bytes (pop, peek) */
	KBPF_ARG_PTR_TO_MEM,		/* readable bytes; size in the next argument */
	KBPF_ARG_PTR_TO_UNINIT_MEM,	/* writable bytes; size in the next argument */
	KBPF_ARG_CONST_SIZE,		/* size of the previous argument, > 0 */
	KBPF_ARG_CONST_SIZE_OR_ZERO,	/* size of the previous argument, >= 0 */
	KBPF_ARG_CONST_ALLOC_SIZE_OR_ZERO, /* a known constant: size of the returned memory */
	KBPF_ARG_PTR_TO_ALLOC_MEM,	/* memory a helper allocated, unmoved (offset 0) */
	/* as PTR_TO_MEM, or NULL (a known 0) when its size is 0 (Linux: PTR_MAYBE_NULL) */
	KBPF_ARG_PTR_TO_MEM_OR_NULL,
	/* a socket from a lookup helper, not NULL, unmoved (Linux: ..._SOCK_COMMON) */
	KBPF_ARG_PTR_TO_SOCK_COMMON,
	/* 8 writable bytes, 8-aligned (Linux: FIXED_SIZE_MEM | MEM_UNINIT | MEM_ALIGNED) */
	KBPF_ARG_PTR_TO_LONG,
};

/* Helpers only some program types may call (bit 1 << prog_type). */
#define KBPF_TYPE_BIT(t)		(1ull << (t))
#define KBPF_TYPES_TRACING		(KBPF_TYPE_BIT(BPF_PROG_TYPE_KPROBE) | \
					 KBPF_TYPE_BIT(BPF_PROG_TYPE_TRACEPOINT) | \
					 KBPF_TYPE_BIT(BPF_PROG_TYPE_RAW_TRACEPOINT))
/* Largest size a helper memory argument may have (Linux: BPF_MAX_VAR_SIZ). */
#define KBPF_MAX_VAR_SIZE		(1 << 29)

enum kbpf_ret_type {
	KBPF_RET_INTEGER = 0,
	KBPF_RET_VOID,
	KBPF_RET_PTR_TO_MAP_VALUE_OR_NULL,
	/* NULL, or memory of the size the ALLOC_SIZE argument gave */
	KBPF_RET_PTR_TO_ALLOC_MEM_OR_NULL,
	/* NULL, or a socket read as a struct bpf_sock (a full one, or any kind) */
	KBPF_RET_PTR_TO_SOCKET_OR_NULL,
	KBPF_RET_PTR_TO_SOCK_COMMON_OR_NULL,
};

struct kbpf_helper_proto {
	const char *name;
	u8 ret;				/* enum kbpf_ret_type */
	u8 arg[5];			/* enum kbpf_arg_type */
	bool gpl_only;
	bool perfmon;			/* needs CAP_PERFMON (Linux: bpf_base_func_proto) */
	bool capbpf;			/* needs CAP_BPF (the same function's middle tier) */
	bool pkt_access;		/* may take packet pointers as memory arguments */
	/*
	 * Reference tracking: acquire, the returned pointer (when not NULL)
	 * is a reference the program must give back on every path;
	 * release_arg, the argument (1-5) that gives one back (0: none).
	 */
	bool acquire;
	u8 release_arg;
	/*
	 * An integer result of at most the size argument's largest value,
	 * or a negative errno (bytes written; 6.1's do_refine_retval_range())
	 */
	bool ret_le_size;
	u64 types;			/* KBPF_TYPE_BIT()s that may call it; 0: all */
	/* map types this helper takes; 0: any map but those limited to other helpers */
	u64 map_types;
};

/* The declarative table the verifier reads (helpers/protos.c). */
const struct kbpf_helper_proto *kbpf_helper_proto(u32 func_id, u32 prog_type);
/* The id a verified call to func_id runs as from prog_type (a KBPF_FUNC_* variant or func_id). */
u32 kbpf_helper_variant(u32 func_id, u32 prog_type);
/* Map types that only the helpers naming them in map_types may take. */
bool kbpf_map_type_restricted(u32 map_type);

/*
 * After verification, a call to bpf_tail_call is rewritten to this internal
 * opcode (as Linux does), which both backends execute inline. Userspace can
 * never load it: the decoder rejects the 0xf0 jump op.
 */
#define KBPF_INSN_TAIL_CALL		(BPF_JMP | 0xf0)

/* ---- Verifier --------------------------------------------------------- */

/* One function of a program, as the verifier found it. */
struct kbpf_subprog {
	u32 start;			/* index of its first instruction */
	u32 stack_depth;		/* bytes of stack it uses */
};

struct kbpf_verify_attr {
	/* in */
	struct bpf_insn *insns;		/* rewritten in place on success */
	u32 insn_cnt;
	u32 prog_type;
	/*
	 * The loader's capabilities, as Linux's env->bpf_capable and
	 * allow_ptr_leaks/bypass_spec_v1: without CAP_BPF no loops, no
	 * bpf-to-bpf calls and fewer helpers; without CAP_PERFMON no pointer
	 * leaks, no uninitialised stack reads, bounded pointer arithmetic,
	 * and the dead arm of every settled branch is verified too.
	 */
	bool bpf_capable;		/* CAP_BPF or CAP_SYS_ADMIN */
	bool perfmon_capable;		/* CAP_PERFMON or CAP_SYS_ADMIN */
	bool gpl_compatible;		/* license allows gpl_only helpers */
	u32 budget;			/* instructions to process; 0: KBPF_VERIFY_BUDGET */
	/*
	 * Test only: never prune. States are still kept while their paths are
	 * walked (infinite-loop detection compares against live ancestors),
	 * but a state is never matched against a finished one, so every path
	 * is walked to its end (the corpus runner's -P compares verdicts).
	 */
	bool no_prune;
	u32 log_level;			/* 0: no log */
	char *log_buf;			/* kernel-side buffer, log_size bytes */
	u32 log_size;
	/*
	 * Resolve an ld_imm64 map fd. Returns 0 and a descriptor that stays
	 * valid until the program is freed, or a negative errno.
	 */
	int (*map_from_fd)(void *priv, s32 fd, const struct kbpf_map_desc **map);
	/*
	 * ld_imm64 BPF_PSEUDO_MAP_VALUE: the address of byte off of the map's
	 * value (ARRAY of one element), or a negative errno. NULL: unsupported.
	 */
	int (*map_value_addr)(void *priv, const struct kbpf_map_desc *map, u32 off, u64 *addr);
	void *priv;
	/*
	 * Optional: an array of KBPF_MAX_SUBPROGS entries the verifier fills
	 * with the program's functions (the JIT needs it), or NULL.
	 */
	struct kbpf_subprog *subprogs;
	/*
	 * Optional: insn_cnt entries; for each helper call that takes a map,
	 * the map if it is the same on every path, else NULL (the JIT calls
	 * such helpers directly, or inlines array lookups).
	 */
	const struct kbpf_map_desc **call_maps;
	/* out */
	u32 subprog_cnt;
	u32 stack_depth;		/* bytes of stack the main function uses */
	u32 log_used;			/* bytes written, including the NUL */
	bool log_truncated;
	u32 insn_processed;
};

/*
 * Verify a program. On success, returns 0 and leaves the program ready to
 * run: map fds in ld_imm64 are replaced by kbpf_map_desc pointers, and each
 * bpf-to-bpf call carries in its off field the 16-byte-rounded stack size of
 * the calling function (how far the callee's frame pointer sits below the
 * caller's). Errors:
 * -EINVAL malformed program, -EACCES unsafe program, -E2BIG too complex,
 * -ENOMEM, -ENOSPC the log was truncated, or what map_from_fd returned.
 */
int kbpf_verify(struct kbpf_verify_attr *attr);

/* ---- Execution -------------------------------------------------------- */

/*
 * The context of a socket filter. Programs get a pointer to skb, a real
 * struct __sk_buff that kbpf fills; the packet pointers after it serve
 * LD_ABS/LD_IND and are beyond what the verifier lets a program read.
 */
struct kbpf_skb_ctx {
	struct __sk_buff skb;	/* first: the program's ctx points here */
	const u8 *mac;		/* link-layer header (SKF_LL_OFF base) */
	const u8 *net;		/* network header: LD_ABS offset 0, SKF_NET_OFF base */
	u32 mac_len;		/* bytes from mac to net */
	u32 net_len;		/* bytes from net to the end of the packet */
	/*
	 * Direct packet access (TC programs): loads of __sk_buff's u32 data,
	 * data_end and data_meta are rewritten by the verifier into 8-byte
	 * loads of these.
	 */
	u64 data;
	u64 data_end;
	u64 data_meta;
};

/* The context of XDP programs: the uapi struct, then the real pointers. */
struct kbpf_xdp_ctx {
	struct xdp_md md;	/* first: the program's ctx points here */
	u64 data;		/* xdp_md.data/data_end/data_meta loads read these */
	u64 data_end;
	u64 data_meta;
};

/* kbpf_ld_pkt() result when the bytes are not in the packet. */
#define KBPF_LD_PKT_FAIL	(1ull << 63)

/*
 * BPF_LD | BPF_ABS / BPF_IND: size (1, 2 or 4) bytes at offset off of the
 * packet, as a host-order number (the packet holds network order). Offsets
 * from SKF_NET_OFF / SKF_LL_OFF reach the network / link-layer header.
 * Returns KBPF_LD_PKT_FAIL when out of bounds: the program then returns 0.
 */
u64 kbpf_ld_pkt(const void *ctx, s32 off, u32 size);

/*
 * bpf_skb_load_bytes(ctx, off, to, len): len bytes from skb->data + off
 * (the network header for socket filters, the Ethernet header for TC); 0,
 * or -EFAULT with to zeroed.
 */
s64 kbpf_skb_load_bytes(const void *ctx, u32 off, void *to, u32 len);

/*
 * bpf_csum_diff(from, from_size, to, to_size, seed): the 32-bit ones'
 * complement sum of seed, the complement of each 32-bit word of from and
 * each word of to (as 6.1's csum_partial over its scratch buffer), or
 * -EINVAL when a size is not a multiple of 4 or both exceed 512 bytes.
 */
s64 kbpf_csum_diff(const void *from, u32 from_size, const void *to, u32 to_size, u32 seed);

/*
 * bpf_strtol / bpf_strtoul(buf, len, flags, res): the number at the start
 * of buf[0, len) in base flags (0: from its prefix) into *res (0 on
 * error); bytes consumed, or -EINVAL / -ERANGE (6.1's rules).
 */
s64 kbpf_strtol(const void *buf, u32 len, u64 flags, s64 *res);
s64 kbpf_strtoul(const void *buf, u32 len, u64 flags, u64 *res);

/*
 * Run a verified program in the interpreter. helpers has KBPF_FUNC_MAX
 * entries, indexed by helper id; the verifier only lets a program call ids
 * that kbpf_helper_proto() knows.
 */
u64 kbpf_interp_run(const struct bpf_insn *insns, const kbpf_helper_fn *helpers,
		    const void *ctx);

#endif /* _KBPF_CORE_H */
