// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 JIT. Translates a verified program instruction by instruction.
 * Jump displacements come from the previous pass's layout; passes repeat
 * until the image stops changing size (it only ever shrinks: jumps start
 * long and become short), then a final pass writes the image and must
 * reproduce every offset of the last sizing pass exactly.
 *
 * Register mapping (R1-R5 are the SysV argument registers, so helper calls
 * need no shuffling, and R6-R9 live in callee-saved registers):
 *   R0 rax  R1 rdi  R2 rsi  R3 rdx  R4 rcx  R5 r8
 *   R6 rbx  R7 r13  R8 r14  R9 r15  R10 rbp
 *   r10 (AX) and r11 (AUX) are scratch.
 *
 * Frame: endbr64; xor eax, eax (tail-call count; nop2 in callees); push rbp;
 * mov rbp, rsp; [KBPF_JIT_TAIL_OFFSET] endbr64; sub rsp, stack; push rbx,
 * r13, r14, r15. A program that makes tail calls keeps the count in a
 * 16-byte slot below its stack, at [rbp - stack - 8].
 * The BPF stack is [rbp - stack, rbp); stack is rounded to 16 so helper
 * calls see an ABI-aligned rsp.
 *
 * Speculation fences (attr->spec_fence): an LFENCE at the start of every
 * instruction that follows or is the target of a conditional jump, after
 * every store, and after the JIT's own checks (tail-call index, count and
 * slot; inline ARRAY index; inline LD_ABS/IND bounds; the div/mod zero
 * test; the prologue's PKT_LEN choice). Stores the JIT makes to its own
 * frame with push/call are not fenced: their address is rsp, known early.
 */
#include "kbpf_jit.h"
#include "x86_emit.h"
#include "ops.h"

static const u8 kbpf_x86_reg[MAX_BPF_REG] = {
	[BPF_REG_0] = X86_RAX, [BPF_REG_1] = X86_RDI, [BPF_REG_2] = X86_RSI,
	[BPF_REG_3] = X86_RDX, [BPF_REG_4] = X86_RCX, [BPF_REG_5] = X86_R8,
	[BPF_REG_6] = X86_RBX, [BPF_REG_7] = X86_R13, [BPF_REG_8] = X86_R14,
	[BPF_REG_9] = X86_R15, [BPF_REG_10] = X86_RBP,
};

#define AX	X86_R10
#define AUX	X86_R11

/* x86 condition codes (low nibble of jcc). */
enum {
	CC_B = 0x2, CC_AE = 0x3, CC_E = 0x4, CC_NE = 0x5, CC_BE = 0x6, CC_A = 0x7,
	CC_NS = 0x9,
	CC_L = 0xc, CC_GE = 0xd, CC_LE = 0xe, CC_G = 0xf, CC_JMP = -1,
};

struct kbpf_jit_layout {
	u32 insn_cnt;
	u32 sub_cnt;
	u32 len;
	u32 *start;		/* per insn: first byte of its code */
	u32 *end;		/* per insn: one past its last byte */
	u32 *entry;		/* per function: its prologue */
	u32 *epi;		/* per function: its epilogue */
	u32 *cold;		/* per insn: its out-of-line slow path, or 0 */
	u8 *fence;		/* per insn: its code starts with LFENCE (spec_fence) */
	struct kbpf_subprog *sub;	/* functions, + end sentinel */
};

struct kbpf_jit_pass {
	struct kbpf_emit e;
	const struct kbpf_jit_attr *attr;
	const struct kbpf_jit_layout *prev;	/* jumps are sized from this */
	struct kbpf_jit_layout *cur;		/* this pass writes here */
	u32 sub;				/* function being emitted */
	u8 saved;				/* KBPF_JIT_SAVED_* registers it uses */
	bool tail_calls;			/* the program makes tail calls */
	u8 *image;				/* final address, emit pass only */
};

static u32 kbpf_blind_key(const struct kbpf_jit_attr *attr, u32 idx)
{
	u32 x = attr->blind_seed ^ (idx * 0x9e3779b9u);

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x | 1;
}

/*
 * Load an immediate the program chose into AX. With constant blinding the
 * value never appears in the image: AX = (imm ^ key) ^ key.
 */
static void kbpf_jit_imm_to_ax(struct kbpf_jit_pass *p, u32 idx, s32 imm)
{
	u32 key;

	if (!p->attr->blind) {
		kbpf_x86_mov_ri(&p->e, true, AX, imm);
		return;
	}
	key = kbpf_blind_key(p->attr, idx);
	kbpf_x86_mov_ri(&p->e, true, AX, (s32)((u32)imm ^ key));
	kbpf_x86_alu_ri(&p->e, X86_EXT_XOR, true, AX, (s32)key);
}

/* An LFENCE, when the program is built with speculation fences. */
static void kbpf_jit_fence(struct kbpf_jit_pass *p)
{
	if (p->attr->spec_fence)
		kbpf_x86_lfence(&p->e);
}

/* jmp/jcc rel8 with disp8 if it fits, else rel32 with disp32. */
static void kbpf_jit_emit_jump(struct kbpf_emit *e, int cc, s64 disp8, s64 disp32)
{
	if (disp8 >= -128 && disp8 <= 127) {
		kbpf_emit_u8(e, cc == CC_JMP ? 0xeb : (u8)(0x70 | cc));
		kbpf_emit_u8(e, (u8)disp8);
		return;
	}
	if (cc == CC_JMP) {
		kbpf_emit_u8(e, 0xe9);
	} else {
		kbpf_emit_u8(e, 0x0f);
		kbpf_emit_u8(e, (u8)(0x80 | cc));
	}
	kbpf_emit_u32(e, (u32)disp32);
}

/*
 * Jump (cc == CC_JMP) or jcc from the end of insn idx to image offset
 * target, both in the previous pass's layout. It must be the last thing insn
 * idx emits.
 */
static void kbpf_jit_jump(struct kbpf_jit_pass *p, int cc, u32 idx, u32 target)
{
	s64 disp = (s64)target - p->prev->end[idx];

	kbpf_jit_emit_jump(&p->e, cc, disp, disp);
}

/*
 * A jump from the middle of instruction idx's code (or of its cold stub,
 * cold = true) to target, sized from where it sat in the previous pass.
 */
static void kbpf_jit_jump_from(struct kbpf_jit_pass *p, int cc, u32 idx, bool cold, u32 target)
{
	const struct kbpf_jit_layout *l = p->prev;
	u32 base = cold ? l->cold[idx] : l->start[idx];
	u32 here = cold ? p->cur->cold[idx] : p->cur->start[idx];
	s64 at = (s64)base + (p->e.len - here);

	kbpf_jit_emit_jump(&p->e, cc, (s64)target - (at + 2),
			   (s64)target - (at + (cc == CC_JMP ? 5 : 6)));
}

/* Call C function fn (rel32 in the module, movabs + call in userspace). */
static void kbpf_jit_call_fn(struct kbpf_jit_pass *p, u64 fn)
{
	struct kbpf_emit *e = &p->e;
	s64 rel;

	if (p->attr->far_calls) {
		kbpf_emit_u8(e, 0x48);			/* movabs rax, fn */
		kbpf_emit_u8(e, 0xb8);
		kbpf_emit_u64(e, fn);
		kbpf_emit_u8(e, 0xff);			/* call *rax */
		kbpf_emit_u8(e, 0xd0);
		return;
	}
	kbpf_emit_u8(e, 0xe8);
	rel = p->image ? (s64)(fn - (u64)(uintptr_t)(p->image + e->len + 4)) : 0;
	if (rel < -0x80000000ll || rel > 0x7fffffffll) {
		if (!e->err)
			e->err = -ERANGE;
		return;
	}
	kbpf_emit_u32(e, (u32)rel);
}

/* Patch a forward rel8 emitted at pos to land at the current position. */
static void kbpf_jit_patch8(struct kbpf_emit *e, u32 pos)
{
	if (e->buf && !e->err)
		e->buf[pos] = (u8)(e->len - pos - 1);
}

/* jcc rel8 to be patched; returns the displacement's position. */
static u32 kbpf_jit_jcc8(struct kbpf_emit *e, int cc)
{
	kbpf_emit_u8(e, (u8)(0x70 | cc));
	kbpf_emit_u8(e, 0);
	return e->len - 1;
}

/*
 * Callee-saved registers: a function saves only those of rbx, r13, r14,
 * r15 whose BPF register (R6-R9) it mentions, as Linux's JIT does; bit i
 * of kbpf_jit_pass.saved is R6 + i. Bit 4 is r12, which holds PKT_LEN (see
 * kbpf_jit_ld_pkt) in a main function that uses LD_ABS/LD_IND.
 */
#define PKT_LEN			X86_R12
#define KBPF_JIT_SAVED_PKT_LEN	(1u << 4)

static const u8 kbpf_jit_saved_reg[5] = { X86_RBX, X86_R13, X86_R14, X86_R15, PKT_LEN };

static u8 kbpf_jit_used_saved(const struct kbpf_jit_pass *p)
{
	const struct kbpf_jit_layout *l = p->cur;
	u32 i, end = l->sub[p->sub + 1].start;
	u8 used = 0;

	for (i = l->sub[p->sub].start; i < end; i++) {
		const struct bpf_insn *insn = &p->attr->insns[i];

		if (insn->dst_reg >= BPF_REG_6 && insn->dst_reg <= BPF_REG_9)
			used |= 1 << (insn->dst_reg - BPF_REG_6);
		if (insn->src_reg >= BPF_REG_6 && insn->src_reg <= BPF_REG_9)
			used |= 1 << (insn->src_reg - BPF_REG_6);
		/* LD_ABS/IND read the context from R6 */
		if (BPF_CLASS(insn->code) == BPF_LD && BPF_MODE(insn->code) != BPF_IMM)
			used |= 1 | (p->sub ? 0 : KBPF_JIT_SAVED_PKT_LEN);
	}
	return used;
}

static void kbpf_jit_push_saved(struct kbpf_jit_pass *p)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(kbpf_jit_saved_reg); i++)
		if (p->saved & (1 << i))
			kbpf_x86_push(&p->e, kbpf_jit_saved_reg[i]);
}

static void kbpf_jit_pop_saved(struct kbpf_jit_pass *p)
{
	u32 i;

	for (i = ARRAY_SIZE(kbpf_jit_saved_reg); i-- > 0;)
		if (p->saved & (1 << i))
			kbpf_x86_pop(&p->e, kbpf_jit_saved_reg[i]);
}

/* The tail-call count's slot (main function only): just below the BPF stack. */
static s32 kbpf_jit_tcc_off(const struct kbpf_jit_pass *p)
{
	return -(s32)(((p->cur->sub[0].stack_depth + 15) & ~15u) + 8);
}

/*
 * PKT_LEN = the bytes LD_ABS/LD_IND may read inline: the context's net_len,
 * or 0 for a TC context (data set), whose offsets are relative to L2 and go
 * through kbpf_ld_pkt. Loaded once from the context in rdi (R1 at entry,
 * and at a tail call's entry too); the verifier allows LD_ABS/IND only in
 * a program without bpf-to-bpf calls, where R6 is that same context, and
 * a socket filter's packet does not change while it runs.
 *   mov r12d, [rdi+net_len]; cmp qword [rdi+data], 0; je 1f; xor r12d, r12d; 1:
 */
static void kbpf_jit_load_pkt_len(struct kbpf_jit_pass *p)
{
	struct kbpf_emit *e = &p->e;
	static const u8 je3_xor_r12d[] = { 0x74, 0x03, 0x45, 0x31, 0xe4 };

	kbpf_x86_load(e, 4, PKT_LEN, X86_RDI, offsetof(struct kbpf_skb_ctx, net_len));
	kbpf_emit_rex(e, true, 0, X86_RDI, false);
	kbpf_emit_u8(e, 0x83);
	kbpf_emit_modrm_mem(e, X86_EXT_CMP, X86_RDI, offsetof(struct kbpf_skb_ctx, data));
	kbpf_emit_u8(e, 0);
	kbpf_emit_bytes(e, je3_xor_r12d, sizeof(je3_xor_r12d));
	/* r12 bounds every inline LD_ABS/IND: no use of it before the je resolves */
	kbpf_jit_fence(p);
}

static void kbpf_jit_prologue(struct kbpf_jit_pass *p, u32 stack)
{
	struct kbpf_emit *e = &p->e;
	static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	static const u8 xor_eax[] = { 0x31, 0xc0 }, nop2[] = { 0x66, 0x90 };

	/* A valid indirect-branch target under IBT; a nop elsewhere. */
	kbpf_emit_bytes(e, endbr64, sizeof(endbr64));
	kbpf_emit_bytes(e, p->sub ? nop2 : xor_eax, 2);
	kbpf_x86_push(e, X86_RBP);
	kbpf_x86_mov_rr(e, true, X86_RBP, X86_RSP);
	/* KBPF_JIT_TAIL_OFFSET: where tail calls come in */
	kbpf_emit_bytes(e, endbr64, sizeof(endbr64));
	if (p->tail_calls)
		stack += 16;
	/* Keep rsp 16-byte aligned at helper calls whatever we push. */
	if (__builtin_popcount(p->saved) & 1)
		stack += 8;
	if (stack) {
		kbpf_emit_u8(e, 0x48);				/* sub rsp, imm32 */
		kbpf_emit_u8(e, 0x81);
		kbpf_emit_modrm_reg(e, X86_EXT_SUB, X86_RSP);
		kbpf_emit_u32(e, stack);
	}
	if (p->tail_calls) {	/* the count, at [rbp - frame - 8] */
		kbpf_x86_store_r(e, 4, X86_RBP, kbpf_jit_tcc_off(p), X86_RAX);
		/* the tail call's load of it must not bypass this store */
		kbpf_jit_fence(p);
	}
	kbpf_jit_push_saved(p);
	if (p->saved & KBPF_JIT_SAVED_PKT_LEN)
		kbpf_jit_load_pkt_len(p);
}

static void kbpf_jit_epilogue(struct kbpf_jit_pass *p)
{
	struct kbpf_emit *e = &p->e;

	kbpf_jit_pop_saved(p);
	kbpf_emit_u8(e, 0xc9);		/* leave */
	kbpf_emit_u8(e, 0xc3);		/* ret */
}

/* Shift dst by src (a register) or by imm: x86 masks the count like BPF. */
static void kbpf_jit_shift(struct kbpf_jit_pass *p, u8 op, bool is64, u8 dst, bool by_reg,
			   u8 src, s32 imm)
{
	struct kbpf_emit *e = &p->e;
	u8 ext = op == BPF_LSH ? 4 : op == BPF_RSH ? 5 : 7;
	u8 target = dst;

	if (!by_reg) {
		kbpf_emit_rex(e, is64, 0, dst, false);
		kbpf_emit_u8(e, 0xc1);
		kbpf_emit_modrm_reg(e, ext, dst);
		kbpf_emit_u8(e, (u8)imm);
		return;
	}
	/* The count must be in cl, which holds BPF R4. */
	if (src != X86_RCX) {
		kbpf_x86_mov_rr(e, true, AUX, X86_RCX);
		if (dst == X86_RCX)
			target = AUX;
		kbpf_x86_mov_rr(e, true, X86_RCX, src);
	}
	kbpf_emit_rex(e, is64, 0, target, false);
	kbpf_emit_u8(e, 0xd3);
	kbpf_emit_modrm_reg(e, ext, target);
	if (src != X86_RCX) {
		if (dst == X86_RCX && !is64)
			kbpf_x86_mov_rr(e, false, AUX, AUX);
		kbpf_x86_mov_rr(e, true, X86_RCX, AUX);
	}
}

/*
 * Unsigned div/mod with BPF's zero rules: x/0 = 0, x%0 = x (low 32 bits,
 * zero-extended, for ALU32). The divisor goes to AUX first, so dst or src
 * being rax/rdx does not matter; rax/rdx are saved around the divide.
 */
static void kbpf_jit_divmod(struct kbpf_jit_pass *p, u8 op, bool is64, u8 dst, u8 divisor_reg)
{
	struct kbpf_emit *e = &p->e;
	u32 zero_at, done_at;

	if (divisor_reg != AUX)
		kbpf_x86_mov_rr(e, true, AUX, divisor_reg);
	kbpf_x86_push(e, X86_RAX);
	kbpf_x86_push(e, X86_RDX);
	kbpf_x86_alu_rr(e, X86_OP_TEST, is64, AUX, AUX);
	kbpf_emit_u8(e, 0x74);				/* jz zero */
	zero_at = e->len;
	kbpf_emit_u8(e, 0);
	kbpf_x86_mov_rr(e, is64, X86_RAX, dst);
	kbpf_x86_alu_rr(e, X86_OP_XOR, false, X86_RDX, X86_RDX);
	kbpf_emit_rex(e, is64, 0, AUX, false);		/* div r11 */
	kbpf_emit_u8(e, 0xf7);
	kbpf_emit_modrm_reg(e, 6, AUX);
	kbpf_x86_mov_rr(e, true, AX, op == BPF_DIV ? X86_RAX : X86_RDX);
	kbpf_emit_u8(e, 0xeb);				/* jmp done */
	done_at = e->len;
	kbpf_emit_u8(e, 0);
	if (e->buf && !e->err)
		e->buf[zero_at] = (u8)(e->len - zero_at - 1);
	if (op == BPF_DIV)
		kbpf_x86_alu_rr(e, X86_OP_XOR, false, AX, AX);
	else
		kbpf_x86_mov_rr(e, is64, AX, dst);
	if (e->buf && !e->err)
		e->buf[done_at] = (u8)(e->len - done_at - 1);
	/*
	 * Both ways meet here. A mispredicted "divisor is zero" would hand on
	 * x % 0 = x where the verifier knows x % y < y: fence the merge.
	 */
	kbpf_jit_fence(p);
	kbpf_x86_pop(e, X86_RDX);
	kbpf_x86_pop(e, X86_RAX);
	kbpf_x86_mov_rr(e, true, dst, AX);
}

static void kbpf_jit_alu(struct kbpf_jit_pass *p, u32 idx, const struct bpf_insn *insn)
{
	struct kbpf_emit *e = &p->e;
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;
	bool by_reg = BPF_SRC(insn->code) == BPF_X;
	u8 op = BPF_OP(insn->code);
	u8 dst = kbpf_x86_reg[insn->dst_reg];
	u8 src = kbpf_x86_reg[insn->src_reg];
	s32 imm = insn->imm;

	/* Blinding: every immediate operand goes through AX instead. */
	if (!by_reg && p->attr->blind && op != BPF_END && op != BPF_NEG &&
	    op != BPF_LSH && op != BPF_RSH && op != BPF_ARSH) {
		kbpf_jit_imm_to_ax(p, idx, imm);
		by_reg = true;
		src = AX;
	}

	switch (op) {
	case BPF_MOV:
		if (by_reg)
			kbpf_x86_mov_rr(e, is64, dst, src);
		else
			kbpf_x86_mov_ri(e, is64, dst, imm);
		return;
	case BPF_ADD: case BPF_SUB: case BPF_AND: case BPF_OR: case BPF_XOR: {
		static const u8 rr[] = { [BPF_ADD >> 4] = X86_OP_ADD, [BPF_SUB >> 4] = X86_OP_SUB,
			[BPF_AND >> 4] = X86_OP_AND, [BPF_OR >> 4] = X86_OP_OR,
			[BPF_XOR >> 4] = X86_OP_XOR };
		static const u8 ri[] = { [BPF_ADD >> 4] = X86_EXT_ADD, [BPF_SUB >> 4] = X86_EXT_SUB,
			[BPF_AND >> 4] = X86_EXT_AND, [BPF_OR >> 4] = X86_EXT_OR,
			[BPF_XOR >> 4] = X86_EXT_XOR };

		if (by_reg)
			kbpf_x86_alu_rr(e, rr[op >> 4], is64, dst, src);
		else
			kbpf_x86_alu_ri(e, ri[op >> 4], is64, dst, imm);
		return;
	}
	case BPF_MUL:
		if (!by_reg) {
			/* imul dst, dst, imm32 */
			kbpf_emit_rex(e, is64, dst, dst, false);
			kbpf_emit_u8(e, 0x69);
			kbpf_emit_modrm_reg(e, dst, dst);
			kbpf_emit_u32(e, (u32)imm);
			return;
		}
		kbpf_emit_rex(e, is64, dst, src, false);	/* imul dst, src */
		kbpf_emit_u8(e, 0x0f);
		kbpf_emit_u8(e, 0xaf);
		kbpf_emit_modrm_reg(e, dst, src);
		return;
	case BPF_DIV:
	case BPF_MOD:
		if (!by_reg) {
			kbpf_x86_mov_ri(e, true, AUX, imm);
			src = AUX;
		}
		kbpf_jit_divmod(p, op, is64, dst, src);
		return;
	case BPF_LSH: case BPF_RSH: case BPF_ARSH:
		kbpf_jit_shift(p, op, is64, dst, by_reg, src, imm);
		return;
	case BPF_NEG:
		kbpf_emit_rex(e, is64, 0, dst, false);
		kbpf_emit_u8(e, 0xf7);
		kbpf_emit_modrm_reg(e, 3, dst);
		return;
	case BPF_END:
		if (BPF_SRC(insn->code) == BPF_TO_LE) {
			if (imm == 16) {			/* movzx dst32, dst16 */
				kbpf_emit_rex(e, false, dst, dst, false);
				kbpf_emit_u8(e, 0x0f);
				kbpf_emit_u8(e, 0xb7);
				kbpf_emit_modrm_reg(e, dst, dst);
			} else if (imm == 32) {
				kbpf_x86_mov_rr(e, false, dst, dst);
			}
			return;
		}
		if (imm == 16) {
			/* rol dst16, 8; movzx dst32, dst16 */
			kbpf_emit_u8(e, 0x66);
			kbpf_emit_rex(e, false, 0, dst, false);
			kbpf_emit_u8(e, 0xc1);
			kbpf_emit_modrm_reg(e, 0, dst);
			kbpf_emit_u8(e, 8);
			kbpf_emit_rex(e, false, dst, dst, false);
			kbpf_emit_u8(e, 0x0f);
			kbpf_emit_u8(e, 0xb7);
			kbpf_emit_modrm_reg(e, dst, dst);
			return;
		}
		kbpf_emit_rex(e, imm == 64, 0, dst, false);	/* bswap */
		kbpf_emit_u8(e, 0x0f);
		kbpf_emit_u8(e, 0xc8 | (dst & 7));
		return;
	}
	if (!e->err)
		e->err = -EINVAL;
}

static void kbpf_jit_atomic(struct kbpf_jit_pass *p, const struct bpf_insn *insn)
{
	struct kbpf_emit *e = &p->e;
	bool is64 = BPF_SIZE(insn->code) == BPF_DW;
	u8 dst = kbpf_x86_reg[insn->dst_reg], src = kbpf_x86_reg[insn->src_reg];
	s32 op = insn->imm & ~BPF_FETCH;
	u8 rdst, rsrc;
	u32 loop;

	switch (insn->imm) {
	case BPF_ADD: case BPF_AND: case BPF_OR: case BPF_XOR:
		/* lock op [dst+off], src */
		kbpf_emit_u8(e, 0xf0);
		kbpf_emit_rex(e, is64, src, dst, false);
		kbpf_emit_u8(e, op == BPF_ADD ? X86_OP_ADD : op == BPF_AND ? X86_OP_AND :
			     op == BPF_OR ? X86_OP_OR : X86_OP_XOR);
		kbpf_emit_modrm_mem(e, src, dst, insn->off);
		return;
	case BPF_ADD | BPF_FETCH:
		/* lock xadd [dst+off], src: src gets the old value, zero-extended */
		kbpf_emit_u8(e, 0xf0);
		kbpf_emit_rex(e, is64, src, dst, false);
		kbpf_emit_u8(e, 0x0f);
		kbpf_emit_u8(e, 0xc1);
		kbpf_emit_modrm_mem(e, src, dst, insn->off);
		return;
	case BPF_XCHG:
		kbpf_emit_rex(e, is64, src, dst, false);
		kbpf_emit_u8(e, 0x87);
		kbpf_emit_modrm_mem(e, src, dst, insn->off);
		return;
	case BPF_CMPXCHG:
		/* lock cmpxchg [dst+off], src compares with and loads into rax (R0) */
		kbpf_emit_u8(e, 0xf0);
		kbpf_emit_rex(e, is64, src, dst, false);
		kbpf_emit_u8(e, 0x0f);
		kbpf_emit_u8(e, 0xb1);
		kbpf_emit_modrm_mem(e, src, dst, insn->off);
		if (!is64)	/* on success eax is not written: zero-extend */
			kbpf_x86_mov_rr(e, false, X86_RAX, X86_RAX);
		return;
	}
	/*
	 * Fetching and/or/xor: a cmpxchg loop on rax. R0 is kept in AX, which
	 * also stands in for dst or src when they are R0.
	 */
	kbpf_x86_mov_rr(e, true, AX, X86_RAX);
	rdst = dst == X86_RAX ? AX : dst;
	rsrc = src == X86_RAX ? AX : src;
	loop = e->len;
	kbpf_x86_load(e, is64 ? 8 : 4, X86_RAX, rdst, insn->off);
	kbpf_x86_mov_rr(e, is64, AUX, X86_RAX);
	kbpf_x86_alu_rr(e, op == BPF_AND ? X86_OP_AND : op == BPF_OR ? X86_OP_OR : X86_OP_XOR,
			is64, AUX, rsrc);
	kbpf_emit_u8(e, 0xf0);
	kbpf_emit_rex(e, is64, AUX, rdst, false);
	kbpf_emit_u8(e, 0x0f);
	kbpf_emit_u8(e, 0xb1);
	kbpf_emit_modrm_mem(e, AUX, rdst, insn->off);
	kbpf_emit_u8(e, 0x75);				/* jne loop */
	kbpf_emit_u8(e, (u8)(loop - (e->len + 1)));
	if (src == X86_RAX) {
		/* R0 is the fetch destination: it keeps the old value. */
		return;
	}
	kbpf_x86_mov_rr(e, true, src, X86_RAX);
	kbpf_x86_mov_rr(e, true, X86_RAX, AX);
}

static void kbpf_jit_cond_jmp(struct kbpf_jit_pass *p, u32 idx, const struct bpf_insn *insn)
{
	struct kbpf_emit *e = &p->e;
	bool is64 = BPF_CLASS(insn->code) == BPF_JMP;
	u8 op = BPF_OP(insn->code);
	u8 dst = kbpf_x86_reg[insn->dst_reg];
	u8 src = kbpf_x86_reg[insn->src_reg];
	bool by_reg = BPF_SRC(insn->code) == BPF_X;
	int cc;

	if (!by_reg && p->attr->blind && insn->imm) {
		kbpf_jit_imm_to_ax(p, idx, insn->imm);
		by_reg = true;
		src = AX;
	}
	if (op == BPF_JSET) {
		if (by_reg) {
			kbpf_x86_alu_rr(e, X86_OP_TEST, is64, dst, src);
		} else {
			/* test dst, imm32 (sign-extended for 64-bit) */
			kbpf_emit_rex(e, is64, 0, dst, false);
			kbpf_emit_u8(e, 0xf7);
			kbpf_emit_modrm_reg(e, 0, dst);
			kbpf_emit_u32(e, (u32)insn->imm);
		}
	} else if (by_reg) {
		kbpf_x86_alu_rr(e, X86_OP_CMP, is64, dst, src);
	} else {
		kbpf_x86_alu_ri(e, X86_EXT_CMP, is64, dst, insn->imm);
	}
	switch (op) {
	case BPF_JEQ:	cc = CC_E; break;
	case BPF_JNE:	cc = CC_NE; break;
	case BPF_JSET:	cc = CC_NE; break;
	case BPF_JGT:	cc = CC_A; break;
	case BPF_JGE:	cc = CC_AE; break;
	case BPF_JLT:	cc = CC_B; break;
	case BPF_JLE:	cc = CC_BE; break;
	case BPF_JSGT:	cc = CC_G; break;
	case BPF_JSGE:	cc = CC_GE; break;
	case BPF_JSLT:	cc = CC_L; break;
	default:	cc = CC_LE; break;
	}
	kbpf_jit_jump(p, cc, idx, p->prev->start[idx + 1 + insn->off]);
}

/* Index of the function that starts at insn start. */
static u32 kbpf_jit_sub_at(const struct kbpf_jit_layout *l, u32 start)
{
	u32 lo = 0, hi = l->sub_cnt;

	while (hi - lo > 1) {
		u32 mid = (lo + hi) / 2;

		if (l->sub[mid].start <= start)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * map_lookup_elem on an ARRAY known at this call site, inline (as Linux's
 * array_map_gen_lookup): r0 = index < max_entries ? base + index * stride
 * : NULL, with R2 pointing at the u32 index. R1-R5 are dead after a call.
 */
static void kbpf_jit_array_lookup(struct kbpf_jit_pass *p, const struct kbpf_map_desc *map,
				  void *base, u32 stride)
{
	struct kbpf_emit *e = &p->e;
	u32 null_at, done_at;

	kbpf_x86_load(e, 4, X86_RAX, X86_RSI, 0);
	kbpf_x86_alu_ri(e, X86_EXT_CMP, false, X86_RAX, (s32)map->max_entries);
	null_at = kbpf_jit_jcc8(e, CC_AE);
	/* the index is in range only once the jae has resolved */
	kbpf_jit_fence(p);
	if (stride && !(stride & (stride - 1))) {
		kbpf_emit_u8(e, 0x48);				/* shl rax, log2 */
		kbpf_emit_u8(e, 0xc1);
		kbpf_emit_modrm_reg(e, 4, X86_RAX);
		kbpf_emit_u8(e, (u8)__builtin_ctz(stride));
	} else {
		kbpf_emit_u8(e, 0x48);				/* imul rax, rax, stride */
		kbpf_emit_u8(e, 0x69);
		kbpf_emit_modrm_reg(e, X86_RAX, X86_RAX);
		kbpf_emit_u32(e, stride);
	}
	kbpf_x86_mov_r_u64(e, AUX, (u64)(uintptr_t)base);
	kbpf_x86_alu_rr(e, X86_OP_ADD, true, X86_RAX, AUX);
	kbpf_emit_u8(e, 0xeb);					/* jmp done */
	kbpf_emit_u8(e, 0);
	done_at = e->len - 1;
	kbpf_jit_patch8(e, null_at);
	kbpf_x86_alu_rr(e, X86_OP_XOR, false, X86_RAX, X86_RAX);
	kbpf_jit_patch8(e, done_at);
}

/* A map helper whose map is known here: inline or direct. True if emitted. */
static bool kbpf_jit_map_call(struct kbpf_jit_pass *p, u32 idx, const struct bpf_insn *insn)
{
	const struct kbpf_jit_attr *a = p->attr;
	const struct kbpf_map_desc *map;
	kbpf_helper_fn fn;
	void *base;
	u32 stride;

	if (insn->src_reg || !a->call_maps || !a->call_maps[idx])
		return false;
	map = a->call_maps[idx];
	if (insn->imm == BPF_FUNC_map_lookup_elem && map->map_type == BPF_MAP_TYPE_ARRAY &&
	    a->map_flat && a->map_flat(map, &base, &stride) && stride <= 0x7fffffff) {
		kbpf_jit_array_lookup(p, map, base, stride);
		return true;
	}
	fn = a->map_helper ? a->map_helper(map, insn->imm) : NULL;
	if (!fn)
		return false;
	kbpf_jit_call_fn(p, (u64)(uintptr_t)fn);
	return true;
}

static void kbpf_jit_call(struct kbpf_jit_pass *p, u32 idx, const struct bpf_insn *insn)
{
	struct kbpf_emit *e = &p->e;
	u64 fn;
	s64 rel;

	if (kbpf_jit_map_call(p, idx, insn))
		return;
	if (insn->src_reg == BPF_PSEUDO_CALL) {
		/* call rel32 to the callee's prologue, from the end of this insn */
		u32 sub = kbpf_jit_sub_at(p->prev, idx + 1 + insn->imm);

		kbpf_emit_u8(e, 0xe8);
		kbpf_emit_u32(e, (u32)((s64)p->prev->entry[sub] - p->prev->end[idx]));
		return;
	}
	fn = (u64)(uintptr_t)p->attr->helpers[insn->imm];

	if (p->attr->far_calls) {
		kbpf_emit_u8(e, 0x48);			/* movabs rax, fn */
		kbpf_emit_u8(e, 0xb8);
		kbpf_emit_u64(e, fn);
		kbpf_emit_u8(e, 0xff);			/* call *rax */
		kbpf_emit_u8(e, 0xd0);
		return;
	}
	kbpf_emit_u8(e, 0xe8);
	rel = p->image ? (s64)(fn - (u64)(uintptr_t)(p->image + e->len + 4)) : 0;
	if (rel < -0x80000000ll || rel > 0x7fffffffll) {
		if (!e->err)
			e->err = -ERANGE;
		return;
	}
	kbpf_emit_u32(e, (u32)rel);
}

/*
 * Tail call: R1 ctx (rdi), R2 prog array (rsi), R3 index (rdx). If the index
 * is in range, the count below the limit and the slot holds a JIT-compiled
 * program, leave this frame and jump into that program with the count + 1
 * in eax. Otherwise fall through, as Linux does.
 */
static void kbpf_jit_tail_call(struct kbpf_jit_pass *p)
{
	struct kbpf_emit *e = &p->e;
	s32 tcc = kbpf_jit_tcc_off(p);
	static const u8 load_slot[] = { 0x4d, 0x8b, 0x1c, 0xd3 };	/* mov r11, [r11+rdx*8] */
	static const u8 jmp_r11[] = { 0x41, 0xff, 0xe3 };
	u32 out[5], n = 0, i;

	kbpf_x86_mov_rr(e, false, X86_RDX, X86_RDX);	/* the index is a u32 */
	kbpf_emit_u8(e, 0x3b);				/* cmp edx, max_entries */
	kbpf_emit_modrm_mem(e, X86_RDX, X86_RSI, offsetof(struct kbpf_map_desc, max_entries));
	out[n++] = kbpf_jit_jcc8(e, CC_AE);
	/* no slot load with an index the jae has not yet checked */
	kbpf_jit_fence(p);
	kbpf_x86_load(e, 4, X86_RAX, X86_RBP, tcc);
	kbpf_x86_alu_ri(e, X86_EXT_CMP, false, X86_RAX, KBPF_MAX_TAIL_CALL_CNT);
	out[n++] = kbpf_jit_jcc8(e, CC_AE);
	kbpf_x86_load(e, 8, AUX, X86_RSI, offsetof(struct kbpf_map_desc, tail_slots));
	kbpf_emit_bytes(e, load_slot, sizeof(load_slot));
	kbpf_x86_alu_rr(e, X86_OP_TEST, true, AUX, AUX);
	out[n++] = kbpf_jit_jcc8(e, CC_E);
	kbpf_x86_load(e, 8, AUX, AUX, offsetof(struct kbpf_tail_target, jit_entry));
	kbpf_x86_alu_rr(e, X86_OP_TEST, true, AUX, AUX);
	out[n++] = kbpf_jit_jcc8(e, CC_E);
	/* nor a jump past a count or slot check that has not resolved */
	kbpf_jit_fence(p);
	kbpf_x86_alu_ri(e, X86_EXT_ADD, false, X86_RAX, 1);
	kbpf_jit_pop_saved(p);
	kbpf_x86_mov_rr(e, true, X86_RSP, X86_RBP);
	kbpf_emit_bytes(e, jmp_r11, sizeof(jmp_r11));
	for (i = 0; i < n; i++)
		kbpf_jit_patch8(e, out[i]);
}

/*
 * LD_ABS / LD_IND. The common case is inline: a non-negative offset whose
 * bytes lie in the packet's network part, i.e. off + size <= PKT_LEN (r12,
 * loaded by the prologue), is loaded straight from kbpf_skb_ctx->net and
 * byte-swapped. Everything else (negative SKF_* offsets, out of bounds, TC
 * contexts where PKT_LEN is 0) calls kbpf_ld_pkt(R6, off, size), and a miss
 * there returns 0 from the program. That call is a cold stub placed after
 * the function's epilogue, so the fast path has no taken branch:
 *   IND: mov esi, src / lea esi, [src+imm]; lea r11, [rsi+size];
 *        cmp r11, r12; ja cold; add rsi, [rbx+net]; load [rsi]; bswap
 *   ABS: cmp r12, imm+size; jb cold; mov rsi, [rbx+net]; load [rsi+imm]
 * R1-R5 are dead here (the verifier cleared them), so rsi, rdx and rdi are
 * free; the offset goes in esi.
 */
static bool kbpf_jit_ld_pkt_inline(const struct kbpf_jit_pass *p, const struct bpf_insn *insn)
{
	u32 size = kbpf_size_bytes(insn->code);

	if (BPF_CLASS(insn->code) != BPF_LD || BPF_MODE(insn->code) == BPF_IMM ||
	    !(p->saved & KBPF_JIT_SAVED_PKT_LEN))
		return false;
	return BPF_MODE(insn->code) == BPF_IND ||
	       (insn->imm >= 0 && insn->imm <= (s32)(0x7fffffff - size));
}

static void kbpf_jit_ld_pkt_swap(struct kbpf_emit *e, u32 size)
{
	if (size == 2) {
		static const u8 rol_ax8[] = { 0x66, 0xc1, 0xc0, 0x08 };
		static const u8 movzx_eax_ax[] = { 0x0f, 0xb7, 0xc0 };

		kbpf_emit_bytes(e, rol_ax8, sizeof(rol_ax8));
		kbpf_emit_bytes(e, movzx_eax_ax, sizeof(movzx_eax_ax));
	} else if (size == 4) {
		kbpf_emit_u8(e, 0x0f);				/* bswap eax */
		kbpf_emit_u8(e, 0xc8);
	}
}

/* The call to kbpf_ld_pkt, with esi already set; falls through on a hit. */
static void kbpf_jit_ld_pkt_call(struct kbpf_jit_pass *p, u32 size)
{
	kbpf_x86_mov_rr(&p->e, true, X86_RDI, X86_RBX);
	kbpf_x86_mov_ri(&p->e, false, X86_RDX, (s32)size);
	kbpf_jit_call_fn(p, (u64)(uintptr_t)kbpf_ld_pkt);
	kbpf_x86_alu_rr(&p->e, X86_OP_TEST, true, X86_RAX, X86_RAX);
}

static void kbpf_jit_ld_pkt(struct kbpf_jit_pass *p, u32 idx, const struct bpf_insn *insn)
{
	struct kbpf_emit *e = &p->e;
	u32 size = kbpf_size_bytes(insn->code);
	bool ind = BPF_MODE(insn->code) == BPF_IND;
	s64 disp;

	if (ind) {
		u8 src = kbpf_x86_reg[insn->src_reg];

		if (insn->imm) {			/* lea esi, [src+imm] */
			kbpf_emit_rex(e, false, X86_RSI, src, false);
			kbpf_emit_u8(e, 0x8d);
			kbpf_emit_modrm_mem(e, X86_RSI, src, insn->imm);
		} else {
			kbpf_x86_mov_rr(e, false, X86_RSI, src);
		}
	}
	if (kbpf_jit_ld_pkt_inline(p, insn)) {
		if (ind) {
			kbpf_emit_rex(e, true, AUX, X86_RSI, false);	/* lea r11, [rsi+size] */
			kbpf_emit_u8(e, 0x8d);
			kbpf_emit_modrm_mem(e, AUX, X86_RSI, (s32)size);
			kbpf_x86_alu_rr(e, X86_OP_CMP, true, AUX, PKT_LEN);
			kbpf_jit_jump_from(p, CC_A, idx, false, p->prev->cold[idx]);
			kbpf_jit_fence(p);	/* in bounds only once the ja resolves */
			kbpf_emit_rex(e, true, X86_RSI, X86_RBX, false);	/* add rsi, [rbx+net] */
			kbpf_emit_u8(e, 0x03);
			kbpf_emit_modrm_mem(e, X86_RSI, X86_RBX,
					    offsetof(struct kbpf_skb_ctx, net));
			kbpf_x86_load(e, size, X86_RAX, X86_RSI, 0);
		} else {
			kbpf_x86_alu_ri(e, X86_EXT_CMP, true, PKT_LEN, insn->imm + (s32)size);
			kbpf_jit_jump_from(p, CC_B, idx, false, p->prev->cold[idx]);
			kbpf_jit_fence(p);	/* in bounds only once the jb resolves */
			kbpf_x86_load(e, 8, X86_RSI, X86_RBX, offsetof(struct kbpf_skb_ctx, net));
			kbpf_x86_load(e, size, X86_RAX, X86_RSI, insn->imm);
		}
		kbpf_jit_ld_pkt_swap(e, size);
		return;
	}
	if (!ind)
		kbpf_x86_mov_ri(e, false, X86_RSI, insn->imm);
	kbpf_jit_ld_pkt_call(p, size);
	/* jns over "xor eax, eax; jmp epilogue"; the jmp's size is kbpf_jit_jump's */
	disp = (s64)p->prev->epi[p->sub] - p->prev->end[idx];
	kbpf_emit_u8(e, 0x79);
	kbpf_emit_u8(e, (u8)(2 + (disp >= -128 && disp <= 127 ? 2 : 5)));
	kbpf_x86_alu_rr(e, X86_OP_XOR, false, X86_RAX, X86_RAX);
	kbpf_jit_jump(p, CC_JMP, idx, p->prev->epi[p->sub]);
}

/*
 * The cold stub of an inline LD_ABS/LD_IND: the call, then back to the
 * instruction's end on a hit, or "return 0" on a miss. The value comes back
 * already in host order, so nothing is swapped here.
 */
static void kbpf_jit_ld_pkt_cold(struct kbpf_jit_pass *p, u32 idx, const struct bpf_insn *insn)
{
	p->cur->cold[idx] = p->e.len;
	if (BPF_MODE(insn->code) != BPF_IND)
		kbpf_x86_mov_ri(&p->e, false, X86_RSI, insn->imm);
	kbpf_jit_ld_pkt_call(p, kbpf_size_bytes(insn->code));
	kbpf_jit_jump_from(p, CC_NS, idx, true, p->prev->end[idx]);
	kbpf_x86_alu_rr(&p->e, X86_OP_XOR, false, X86_RAX, X86_RAX);
	kbpf_jit_jump_from(p, CC_JMP, idx, true, p->prev->epi[p->sub]);
}

static void kbpf_jit_insn(struct kbpf_jit_pass *p, u32 idx)
{
	const struct bpf_insn *insn = &p->attr->insns[idx];
	struct kbpf_emit *e = &p->e;
	u8 dst = kbpf_x86_reg[insn->dst_reg], src = kbpf_x86_reg[insn->src_reg];
	u32 size = kbpf_size_bytes(insn->code);

	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		kbpf_jit_alu(p, idx, insn);
		return;
	case BPF_LD: {
		u64 v = (u32)insn[0].imm | ((u64)(u32)insn[1].imm << 32);

		if (BPF_MODE(insn->code) != BPF_IMM) {
			kbpf_jit_ld_pkt(p, idx, insn);
			return;
		}

		if (p->attr->blind && !insn[0].src_reg) {
			u64 key = ((u64)kbpf_blind_key(p->attr, idx) << 32) |
				  kbpf_blind_key(p->attr, idx + 1);

			kbpf_x86_mov_r_u64(e, dst, v ^ key);
			kbpf_x86_mov_r_u64(e, AX, key);
			kbpf_x86_alu_rr(e, X86_OP_XOR, true, dst, AX);
			return;
		}
		kbpf_x86_mov_r_u64(e, dst, v);
		return;
	}
	case BPF_LDX:
		kbpf_x86_load(e, size, dst, src, insn->off);
		return;
	case BPF_ST:
		if (p->attr->blind && insn->imm) {
			kbpf_jit_imm_to_ax(p, idx, insn->imm);
			kbpf_x86_store_r(e, size, dst, insn->off, AX);
		} else {
			kbpf_x86_store_i(e, size, dst, insn->off, insn->imm);
		}
		kbpf_jit_fence(p);	/* Spectre v4: no later load bypasses it */
		return;
	case BPF_STX:
		if (BPF_MODE(insn->code) == BPF_ATOMIC)
			kbpf_jit_atomic(p, insn);
		else
			kbpf_x86_store_r(e, size, dst, insn->off, src);
		kbpf_jit_fence(p);	/* as BPF_ST; after an atomic, also its loop's exit */
		return;
	case BPF_JMP:
	case BPF_JMP32:
		switch (BPF_OP(insn->code)) {
		case BPF_JA:
			if (insn->off)
				kbpf_jit_jump(p, CC_JMP, idx, p->prev->start[idx + 1 + insn->off]);
			return;
		case BPF_EXIT:
			/* A function's last instruction falls into its epilogue. */
			if (idx + 1 != p->cur->sub[p->sub + 1].start)
				kbpf_jit_jump(p, CC_JMP, idx, p->prev->epi[p->sub]);
			return;
		case BPF_CALL:
			kbpf_jit_call(p, idx, insn);
			return;
		case KBPF_INSN_TAIL_CALL & 0xf0:
			kbpf_jit_tail_call(p);
			return;
		default:
			kbpf_jit_cond_jmp(p, idx, insn);
			return;
		}
	}
	if (!e->err)
		e->err = -EINVAL;
}

/* One pass over the program, sized from p->prev, recorded in p->cur. */
static int kbpf_jit_pass(struct kbpf_jit_pass *p)
{
	struct kbpf_jit_layout *l = p->cur;
	u32 i, k;

	for (i = 0; i < p->attr->insn_cnt && !p->tail_calls; i++)
		p->tail_calls = p->attr->insns[i].code == KBPF_INSN_TAIL_CALL;

	for (k = 0; k < l->sub_cnt; k++) {
		p->sub = k;
		p->saved = kbpf_jit_used_saved(p);
		l->entry[k] = p->e.len;
		kbpf_jit_prologue(p, (l->sub[k].stack_depth + 15) & ~15u);
		for (i = l->sub[k].start; i < l->sub[k + 1].start; i++) {
			l->start[i] = p->e.len;
			if (l->fence && l->fence[i])
				kbpf_x86_lfence(&p->e);
			kbpf_jit_insn(p, i);
			if (p->attr->insns[i].code == (BPF_LD | BPF_IMM | BPF_DW)) {
				l->end[i] = p->e.len;
				i++;
				l->start[i] = p->e.len;
			}
			l->end[i] = p->e.len;
		}
		l->epi[k] = p->e.len;
		kbpf_jit_epilogue(p);
		for (i = l->sub[k].start; i < l->sub[k + 1].start; i++)
			if (kbpf_jit_ld_pkt_inline(p, &p->attr->insns[i]))
				kbpf_jit_ld_pkt_cold(p, i, &p->attr->insns[i]);
	}
	l->len = p->e.len;
	return p->e.err;
}

void kbpf_jit_layout_free(struct kbpf_jit_layout *l)
{
	if (!l)
		return;
	kbpf_free(l->start);
	kbpf_free(l->end);
	kbpf_free(l->entry);
	kbpf_free(l->epi);
	kbpf_free(l->cold);
	kbpf_free(l->fence);
	kbpf_free(l->sub);
	kbpf_free(l);
}

/* A conditional jump: JMP/JMP32 other than ja, call, exit and the tail call. */
static bool kbpf_jit_is_cond_jmp(const struct bpf_insn *insn)
{
	u8 op = BPF_OP(insn->code);

	if (BPF_CLASS(insn->code) != BPF_JMP && BPF_CLASS(insn->code) != BPF_JMP32)
		return false;
	return op != BPF_JA && op != BPF_CALL && op != BPF_EXIT &&
	       insn->code != KBPF_INSN_TAIL_CALL;
}

static void kbpf_jit_mark_fence(const struct kbpf_jit_attr *attr, u8 *fence, s64 idx)
{
	if (idx >= 0 && idx < attr->insn_cnt)
		fence[idx] = 1;
}

/*
 * spec_fence: the instructions whose code starts with an LFENCE. Both
 * successors of every conditional jump, so that neither runs before the
 * condition resolves, and the instruction after an LD_ABS/LD_IND, where
 * its slow path's "jns" (the packet load's own check) lands.
 */
static void kbpf_jit_mark_fences(const struct kbpf_jit_attr *attr, u8 *fence)
{
	u32 i;

	for (i = 0; i < attr->insn_cnt; i++) {
		const struct bpf_insn *insn = &attr->insns[i];

		if (kbpf_jit_is_cond_jmp(insn)) {
			kbpf_jit_mark_fence(attr, fence, (s64)i + 1);
			kbpf_jit_mark_fence(attr, fence, (s64)i + 1 + insn->off);
		} else if (BPF_CLASS(insn->code) == BPF_LD && BPF_MODE(insn->code) != BPF_IMM) {
			kbpf_jit_mark_fence(attr, fence, (s64)i + 1);
		}
	}
}

static struct kbpf_jit_layout *kbpf_jit_layout_new(const struct kbpf_jit_attr *attr)
{
	struct kbpf_jit_layout *l = kbpf_zalloc(sizeof(*l));
	u32 n = attr->subprog_cnt ? attr->subprog_cnt : 1;

	if (!l)
		return NULL;
	l->insn_cnt = attr->insn_cnt;
	l->sub_cnt = n;
	l->start = kbpf_zalloc(sizeof(u32) * attr->insn_cnt);
	l->end = kbpf_zalloc(sizeof(u32) * attr->insn_cnt);
	l->entry = kbpf_zalloc(sizeof(u32) * n);
	l->epi = kbpf_zalloc(sizeof(u32) * n);
	l->cold = kbpf_zalloc(sizeof(u32) * attr->insn_cnt);
	l->sub = kbpf_zalloc(sizeof(*l->sub) * (n + 1));
	if (attr->spec_fence)
		l->fence = kbpf_zalloc(attr->insn_cnt);
	if (!l->start || !l->end || !l->entry || !l->epi || !l->cold || !l->sub ||
	    (attr->spec_fence && !l->fence)) {
		kbpf_jit_layout_free(l);
		return NULL;
	}
	if (l->fence)
		kbpf_jit_mark_fences(attr, l->fence);
	if (attr->subprog_cnt) {
		memcpy(l->sub, attr->subprogs, sizeof(*l->sub) * n);
	} else {
		l->sub[0].start = 0;
		l->sub[0].stack_depth = attr->stack_depth;
	}
	l->sub[n].start = attr->insn_cnt;
	return l;
}

static bool kbpf_jit_layout_equal(const struct kbpf_jit_layout *a,
				  const struct kbpf_jit_layout *b)
{
	return a->len == b->len &&
	       !memcmp(a->start, b->start, sizeof(u32) * a->insn_cnt) &&
	       !memcmp(a->end, b->end, sizeof(u32) * a->insn_cnt) &&
	       !memcmp(a->entry, b->entry, sizeof(u32) * a->sub_cnt) &&
	       !memcmp(a->epi, b->epi, sizeof(u32) * a->sub_cnt) &&
	       !memcmp(a->cold, b->cold, sizeof(u32) * a->insn_cnt);
}

static void kbpf_jit_layout_copy(struct kbpf_jit_layout *dst, const struct kbpf_jit_layout *src)
{
	dst->len = src->len;
	memcpy(dst->start, src->start, sizeof(u32) * src->insn_cnt);
	memcpy(dst->end, src->end, sizeof(u32) * src->insn_cnt);
	memcpy(dst->entry, src->entry, sizeof(u32) * src->sub_cnt);
	memcpy(dst->epi, src->epi, sizeof(u32) * src->sub_cnt);
	memcpy(dst->cold, src->cold, sizeof(u32) * src->insn_cnt);
}

static int kbpf_jit_check_attr(const struct kbpf_jit_attr *attr)
{
	u32 k;

	if (!attr->insn_cnt || attr->stack_depth > KBPF_STACK_SIZE ||
	    attr->subprog_cnt > KBPF_MAX_SUBPROGS)
		return -EINVAL;
	for (k = 0; k < attr->subprog_cnt; k++) {
		if (attr->subprogs[k].stack_depth > KBPF_STACK_SIZE ||
		    attr->subprogs[k].start >= attr->insn_cnt ||
		    (k && attr->subprogs[k].start <= attr->subprogs[k - 1].start) ||
		    (!k && attr->subprogs[k].start))
			return -EINVAL;
	}
	return 0;
}

int kbpf_jit_size(const struct kbpf_jit_attr *attr, struct kbpf_jit_layout **layout, u32 *len)
{
	struct kbpf_jit_layout *prev, *cur;
	struct kbpf_jit_pass p;
	u32 i, k, pass, o = 0;
	/* fences add up to three LFENCEs to an instruction (a tail call's two + leading) */
	u32 est = KBPF_JIT_MAX_INSN_BYTES + (attr->spec_fence ? 3 * KBPF_X86_LFENCE_LEN : 0);
	int err;

	err = kbpf_jit_check_attr(attr);
	if (err)
		return err;
	prev = kbpf_jit_layout_new(attr);
	cur = kbpf_jit_layout_new(attr);
	err = -ENOMEM;
	if (!prev || !cur)
		goto out;
	/* A layout no real image exceeds: every jump starts in its long form. */
	for (k = 0; k < prev->sub_cnt; k++) {
		prev->entry[k] = o;
		o += est;
		for (i = prev->sub[k].start; i < prev->sub[k + 1].start; i++) {
			prev->start[i] = o;
			o += est;
			prev->end[i] = o;
		}
		prev->epi[k] = o;
		o += est;
		for (i = prev->sub[k].start; i < prev->sub[k + 1].start; i++) {
			prev->cold[i] = o;
			o += est;
		}
	}
	prev->len = o;

	err = -E2BIG;	/* unless it converges */
	for (pass = 0; pass < KBPF_JIT_MAX_PASSES; pass++) {
		int perr;

		memset(&p, 0, sizeof(p));
		p.attr = attr;
		p.prev = prev;
		p.cur = cur;
		perr = kbpf_jit_pass(&p);
		if (perr) {
			err = perr;
			break;
		}
		if (kbpf_jit_layout_equal(prev, cur)) {
			*len = cur->len;
			*layout = cur;
			cur = NULL;
			err = 0;
			break;
		}
		kbpf_jit_layout_copy(prev, cur);
	}
out:
	kbpf_jit_layout_free(prev);
	kbpf_jit_layout_free(cur);
	return err;
}

int kbpf_jit_emit(const struct kbpf_jit_attr *attr, const struct kbpf_jit_layout *layout,
		  u8 *buf, u32 len)
{
	struct kbpf_jit_layout *cur;
	struct kbpf_jit_pass p;
	int err;

	if (!layout || layout->insn_cnt != attr->insn_cnt || layout->len != len)
		return -EINVAL;
	cur = kbpf_jit_layout_new(attr);
	if (!cur)
		return -ENOMEM;
	memset(&p, 0, sizeof(p));
	p.attr = attr;
	p.prev = layout;
	p.cur = cur;
	p.e.buf = buf;
	p.e.cap = len;
	p.image = buf;
	err = kbpf_jit_pass(&p);
	/* The final pass must reproduce the sized layout byte for byte. */
	if (!err && !kbpf_jit_layout_equal(layout, cur))
		err = -EFAULT;
	kbpf_jit_layout_free(cur);
	return err;
}

s64 kbpf_jit_insn_offset(const struct kbpf_jit_layout *layout, u32 idx)
{
	if (!layout || idx >= layout->insn_cnt)
		return -1;
	return layout->start[idx];
}
