/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interface between the verifier's passes. */
#ifndef _KBPF_VERIFIER_H
#define _KBPF_VERIFIER_H

#include "kbpf_core.h"
#include "tnum.h"

/* Abstract type of a register or of a spilled stack slot. */
enum kbpf_reg_type {
	KBPF_NOT_INIT = 0,
	KBPF_SCALAR,
	KBPF_PTR_TO_CTX,
	KBPF_PTR_TO_STACK,
	KBPF_CONST_PTR_TO_MAP,
	KBPF_PTR_TO_MAP_VALUE,
	KBPF_PTR_TO_MAP_VALUE_OR_NULL,
	KBPF_PTR_TO_PACKET,		/* packet data; range: bytes checked */
	KBPF_PTR_TO_PACKET_END,		/* one past the packet's data */
	KBPF_PTR_TO_PACKET_META,	/* metadata before data; data is its end */
	KBPF_PTR_TO_ALLOC_MEM,		/* mem_size bytes a helper allocated (ringbuf) */
	KBPF_PTR_TO_ALLOC_MEM_OR_NULL,
	/*
	 * A socket a lookup helper found, read as a struct bpf_sock; a
	 * sock_common is one that may not be a full socket (request and
	 * timewait sockets), with only the bpf_sock fields they all have.
	 */
	KBPF_PTR_TO_SOCKET,
	KBPF_PTR_TO_SOCKET_OR_NULL,
	KBPF_PTR_TO_SOCK_COMMON,
	KBPF_PTR_TO_SOCK_COMMON_OR_NULL,
};

/* Pointer types that may be NULL until a "== 0" / "!= 0" test. */
static inline bool kbpf_type_may_be_null(u8 type)
{
	return type == KBPF_PTR_TO_MAP_VALUE_OR_NULL || type == KBPF_PTR_TO_ALLOC_MEM_OR_NULL ||
	       type == KBPF_PTR_TO_SOCKET_OR_NULL || type == KBPF_PTR_TO_SOCK_COMMON_OR_NULL;
}

/* What a maybe-NULL pointer type is once the test says it is not NULL. */
static inline u8 kbpf_type_non_null(u8 type)
{
	switch (type) {
	case KBPF_PTR_TO_MAP_VALUE_OR_NULL:
		return KBPF_PTR_TO_MAP_VALUE;
	case KBPF_PTR_TO_ALLOC_MEM_OR_NULL:
		return KBPF_PTR_TO_ALLOC_MEM;
	case KBPF_PTR_TO_SOCKET_OR_NULL:
		return KBPF_PTR_TO_SOCKET;
	case KBPF_PTR_TO_SOCK_COMMON_OR_NULL:
		return KBPF_PTR_TO_SOCK_COMMON;
	}
	return type;
}

/*
 * A register's abstract value. For a scalar, var_off and the bounds are its
 * value. For a pointer, off is the constant offset from its base and
 * var_off/bounds the variable part added to it (only map values have one
 * today). The 32-bit bounds describe the low half.
 */
struct kbpf_reg {
	u8 type;			/* enum kbpf_reg_type */
	u8 frameno;			/* PTR_TO_STACK: whose frame */
	s32 off;			/* pointer: constant offset */
	u32 id;				/* OR_NULL, PACKET: copies share it */
	u32 range;			/* PACKET: [base, base + range) verified */
	u32 ref_obj_id;			/* the reference it holds (copies share it), or 0 */
	u32 mem_size;			/* ALLOC_MEM: bytes it points to */
	const struct kbpf_map_desc *map;
	struct kbpf_tnum var_off;
	s64 smin, smax;
	u64 umin, umax;
	s32 s32_min, s32_max;
	u32 u32_min, u32_max;
};

/* What each byte of the stack holds. */
enum kbpf_slot_type {
	KBPF_STACK_INVALID = 0,		/* never written */
	KBPF_STACK_MISC,		/* some scalar bytes */
	KBPF_STACK_SPILL,		/* part of a spilled register */
};

#define KBPF_STACK_SLOTS	(KBPF_STACK_SIZE / 8)

/* Pointer offsets, fixed or variable, beyond this are refused (Linux: BPF_MAX_VAR_OFF). */
#define KBPF_MAX_PTR_OFF	(1 << 29)

/* One function activation: its registers and its stack. */
struct kbpf_frame {
	struct kbpf_reg regs[MAX_BPF_REG];
	u8 stack_type[KBPF_STACK_SIZE];			/* by byte, [0] is fp-512 */
	struct kbpf_reg spill[KBPF_STACK_SLOTS];	/* by 8-byte slot */
	u32 callsite;					/* insn that called us */
	u32 subprog;
};

struct kbpf_checkpoint;

/* A reference the program holds: its id (ref_obj_id of its pointers), where taken. */
struct kbpf_ref {
	u32 id;
	u32 insn_idx;
};

struct kbpf_state {
	u32 insn_idx;
	u32 curframe;
	struct kbpf_frame *frame[KBPF_MAX_CALL_FRAMES];
	struct kbpf_checkpoint *cp;	/* the last checkpoint on this path */
	/* references held on this path, in the order acquired (refs.c) */
	u32 ref_cnt;
	struct kbpf_ref refs[KBPF_MAX_REFS];
};

/*
 * A state kept at a prune point. branches counts what still runs below it:
 * live paths whose last checkpoint it is, and its unfinished children.
 * Once 0, every path from it was verified, and a new state it contains can
 * be pruned; while > 0 it is an ancestor of the current path (a loop).
 */
struct kbpf_checkpoint {
	struct kbpf_state *st;
	u32 branches;
	u32 hit;			/* times it pruned a path */
	u32 miss;			/* times it was compared in vain */
	struct kbpf_checkpoint *parent;
	struct kbpf_checkpoint *next;	/* same instruction */
};

/* Per-instruction facts gathered by the passes. */
struct kbpf_insn_aux {
	const struct kbpf_map_desc *map;	/* ld_imm64 map fd / value target */
	u64 value_addr;				/* ld_imm64 map value: the address */
	bool seen;				/* reachable in the CFG */
	bool walked;				/* some verified path runs it */
	bool ld_imm64_tail;			/* second half of an ld_imm64 */
	u16 subprog;				/* function it belongs to */
	u16 live_in;				/* R0-R9 that may be read from here */
	bool prune_point;			/* keep states here */
	const struct kbpf_map_desc *call_map;	/* helper call: its map arg */
	s32 ctx_rewrite;			/* ctx pointer field load: new off + 1 */
	u8 mem_base;				/* load/store: base type seen first */
	bool call_map_mixed;			/* ... differs between paths */
};

struct kbpf_venv {
	struct kbpf_verify_attr *attr;
	struct bpf_insn *insns;
	u32 insn_cnt;
	struct kbpf_insn_aux *aux;
	/* log */
	char *log_buf;
	u32 log_size;
	u32 log_len;
	/* walk */
	struct kbpf_state *cur;
	struct kbpf_state **pending;
	u32 pending_cnt;
	u32 pending_cap;			/* grows to KBPF_VERIFY_MAX_PENDING */
	u64 pending_bytes;			/* their frames (state.c) */
	u64 kept_bytes;				/* states kept for pruning (prune.c) */
	u32 id_gen;
	u32 insn_processed;
	bool call_pkt_access;			/* the helper being checked may */
	/* pruning (prune.c) */
	struct kbpf_checkpoint **explored;	/* per instruction */
	u32 *explored_cnt;
	u32 states_kept;			/* now */
	u32 states_total;			/* ever kept */
	u32 states_peak;			/* most kept at once */
	u32 states_pruned;
	/* functions */
	u32 subprog_cnt;
	struct kbpf_subprog subprog[KBPF_MAX_SUBPROGS + 1];	/* + end sentinel */
};

/* The frame executing now, and its registers. */
static inline struct kbpf_frame *kbpf_cur_frame(struct kbpf_venv *env)
{
	return env->cur->frame[env->cur->curframe];
}

static inline struct kbpf_reg *kbpf_cur_regs(struct kbpf_venv *env)
{
	return kbpf_cur_frame(env)->regs;
}

/* log.c */
__printf(2, 3) void kbpf_vlog(struct kbpf_venv *env, const char *fmt, ...);
const char *kbpf_reg_type_name(u8 type);
bool kbpf_vlog_full(const struct kbpf_venv *env);
void kbpf_vlog_rewind(struct kbpf_venv *env, u32 pos);
void kbpf_print_state(struct kbpf_venv *env);
/* disasm.c: "idx: (code) text" for insn idx, in the kernel's notation. */
void kbpf_disasm(struct kbpf_venv *env, u32 idx);

/* decode.c: syntax of every instruction, ld_imm64 pairs, map fds. */
int kbpf_decode(struct kbpf_venv *env);
/* subprog.c: function boundaries, calls, combined stack depth. */
int kbpf_find_subprogs(struct kbpf_venv *env);
int kbpf_check_stack_chains(struct kbpf_venv *env);
void kbpf_note_stack_depth(struct kbpf_venv *env, u32 frameno, s32 off);
/* cfg.c: jump targets, fall-off, unreachable instructions. */
int kbpf_check_cfg(struct kbpf_venv *env);
/* ctx.c: may the program access [off, off + size) of its context? */
int kbpf_check_ctx_access(struct kbpf_venv *env, u32 prog_type, s32 off, u32 size,
			  bool write, u8 *loaded_type, s32 *rewrite_off);
/* ctx.c: may the program load [off, off + size) through a socket pointer reg? */
int kbpf_check_sock_access(struct kbpf_venv *env, u32 regno, const struct kbpf_reg *reg,
			   s32 off, u32 size, bool write);
/* ctx.c: may programs of this type write packet data? */
bool kbpf_pkt_writable(u32 prog_type);
/* ctx.c: the values R0 may hold at exit, or false if any value is fine. */
bool kbpf_return_range(u32 prog_type, s64 *lo, s64 *hi);
/* mem.c: loads and stores through a pointer register. */
int kbpf_check_mem(struct kbpf_venv *env, u32 regno, s32 off, u32 size, bool write,
		   const struct kbpf_reg *value, struct kbpf_reg *loaded);
int kbpf_check_map_value_range(struct kbpf_venv *env, u32 regno, const struct kbpf_reg *reg,
			       s32 off, u32 size);
int kbpf_check_alloc_mem_range(struct kbpf_venv *env, u32 regno, const struct kbpf_reg *reg,
			       s32 off, u32 size);
/* Bytes of the slot whose 8 stack types start at t that hold a spill (0 or its size). */
u32 kbpf_spill_size(const u8 *t);
int kbpf_check_stack_read_range(struct kbpf_venv *env, u32 frameno, s32 off, u32 size,
				const char *what);
/* stack_var.c: stack accesses through a pointer with a variable offset (off: + reg->off). */
int kbpf_stack_var_write(struct kbpf_venv *env, u32 regno, const struct kbpf_reg *reg,
			 s32 off, u32 size);
int kbpf_stack_var_read(struct kbpf_venv *env, u32 regno, const struct kbpf_reg *reg,
			s32 off, u32 size, struct kbpf_reg *loaded);
int kbpf_stack_var_helper(struct kbpf_venv *env, u32 regno, const struct kbpf_reg *reg,
			  u32 size, bool write);
/* Byte b (0 is fp-512) is overwritten: the spill of its slot, if any, is lost. */
void kbpf_stack_drop_spill(struct kbpf_frame *f, u32 b);
/* state.c */
struct kbpf_state *kbpf_state_new(void);
struct kbpf_state *kbpf_state_dup(const struct kbpf_state *s);
/* Bytes a saved state takes (its struct and frames), for the memory limits. */
u64 kbpf_state_bytes(const struct kbpf_state *s);
void kbpf_state_free(struct kbpf_state *s);
int kbpf_push_frame(struct kbpf_state *s);
void kbpf_pop_frame(struct kbpf_state *s);
int kbpf_push_state(struct kbpf_venv *env, struct kbpf_state *s);
struct kbpf_state *kbpf_pop_state(struct kbpf_venv *env);
void kbpf_free_pending(struct kbpf_venv *env);
/* refs.c: reference tracking (acquire/release helpers). */
int kbpf_acquire_ref(struct kbpf_venv *env, u32 insn_idx);
/* Drop reference id from st's table; false if it is not held. */
bool kbpf_drop_ref(struct kbpf_state *st, u32 id);
/* Release id: drop it and invalidate every register and spill holding it. */
int kbpf_release_ref(struct kbpf_venv *env, u32 id);
bool kbpf_ref_held(const struct kbpf_state *st, u32 id);
/* Rejects (with the log line) when references are still held. */
int kbpf_check_ref_leak(struct kbpf_venv *env);
/* bounds.c: the scalar domain */
void kbpf_mark_unknown(struct kbpf_reg *reg);
void kbpf_mark_known(struct kbpf_reg *reg, u64 val);
void kbpf_ptr_var_zero(struct kbpf_reg *reg);
bool kbpf_reg_is_const(const struct kbpf_reg *reg);
void kbpf_reg_sync(struct kbpf_reg *reg);
bool kbpf_reg_is_empty(const struct kbpf_reg *reg);
void kbpf_scalar_alu(struct kbpf_reg *dst, const struct kbpf_reg *src, u8 op, bool is64);
void kbpf_scalar_unary(struct kbpf_reg *dst, u8 op, bool is64, bool to_be, s32 bits);
void kbpf_scalar_mov32(struct kbpf_reg *dst, const struct kbpf_reg *src);
int kbpf_branch_taken(const struct kbpf_reg *d, const struct kbpf_reg *s, u8 op, bool is32);
void kbpf_branch_refine(struct kbpf_reg *t_dst, struct kbpf_reg *t_src, struct kbpf_reg *f_dst,
			struct kbpf_reg *f_src, u8 op, bool is32, bool *t_ok, bool *f_ok);
/* liveness.c: which registers each instruction's future may read. */
int kbpf_compute_liveness(struct kbpf_venv *env);
/* prune.c */
int kbpf_prune_init(struct kbpf_venv *env);
void kbpf_prune_free(struct kbpf_venv *env);
/* At a prune point: 1 prune this path, 0 go on, or a negative errno. */
int kbpf_is_state_visited(struct kbpf_venv *env, u32 idx);
/* The current path ended (exit or pruned). */
void kbpf_path_done(struct kbpf_checkpoint *cp);
/* check.c: the abstract interpretation over all paths. */
int kbpf_do_check(struct kbpf_venv *env);

#endif /* _KBPF_VERIFIER_H */
