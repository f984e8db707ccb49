// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF interpreter: the fallback backend and the reference every other
 * backend is checked against. It trusts the verifier: every memory access,
 * jump target and helper id has been proved valid before it runs.
 */
#include "kbpf_core.h"
#include "ops.h"

/* Atomic read-modify-write on program memory (BPF_STX | BPF_ATOMIC). */
static u64 kbpf_atomic(const struct bpf_insn *insn, void *ptr, u64 src, u64 r0,
		       u64 *fetched)
{
	bool w64 = BPF_SIZE(insn->code) == BPF_DW;
	s32 op = insn->imm & ~BPF_FETCH;
	u64 old;

	if (insn->imm == BPF_CMPXCHG) {
		if (w64) {
			u64 expected = r0;

			__atomic_compare_exchange_n((u64 *)ptr, &expected, src, false,
						    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
			return expected;
		} else {
			u32 expected = (u32)r0;

			__atomic_compare_exchange_n((u32 *)ptr, &expected, (u32)src, false,
						    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
			return expected;
		}
	}
	if (insn->imm == BPF_XCHG) {
		if (w64)
			return __atomic_exchange_n((u64 *)ptr, src, __ATOMIC_SEQ_CST);
		return __atomic_exchange_n((u32 *)ptr, (u32)src, __ATOMIC_SEQ_CST);
	}
	if (w64) {
		u64 *p = ptr;

		switch (op) {
		case BPF_ADD: old = __atomic_fetch_add(p, src, __ATOMIC_SEQ_CST); break;
		case BPF_AND: old = __atomic_fetch_and(p, src, __ATOMIC_SEQ_CST); break;
		case BPF_OR:  old = __atomic_fetch_or(p, src, __ATOMIC_SEQ_CST); break;
		default:      old = __atomic_fetch_xor(p, src, __ATOMIC_SEQ_CST); break;
		}
	} else {
		u32 *p = ptr, s = (u32)src;

		switch (op) {
		case BPF_ADD: old = __atomic_fetch_add(p, s, __ATOMIC_SEQ_CST); break;
		case BPF_AND: old = __atomic_fetch_and(p, s, __ATOMIC_SEQ_CST); break;
		case BPF_OR:  old = __atomic_fetch_or(p, s, __ATOMIC_SEQ_CST); break;
		default:      old = __atomic_fetch_xor(p, s, __ATOMIC_SEQ_CST); break;
		}
	}
	*fetched = insn->imm & BPF_FETCH;
	return old;
}

/*
 * A checked build (userspace fuzzing only: -DKBPF_INTERP_CHECKED) asks
 * kbpf_interp_check() about every load and store before it happens, so a
 * verifier bug that lets a program stray shows up as a report, not as
 * silent corruption.
 */
#ifdef KBPF_INTERP_CHECKED
void kbpf_interp_check(const void *stack, const void *p, u32 size, bool write);
#define KBPF_CHECK_ACCESS(stack, p, size, write) kbpf_interp_check(stack, p, size, write)
#define kbpf_interp_run kbpf_interp_run_checked
#else
#define KBPF_CHECK_ACCESS(stack, p, size, write) do { } while (0)
#endif

/*
 * Loads and stores may be misaligned (map values and ringbuf samples are
 * not aligned for the program, as on Linux x86 without strict alignment):
 * a fixed-size memcpy is one plain move on x86 and is defined C anywhere.
 */
static u64 kbpf_load(const void *p, u32 size)
{
	u8 b;
	u16 h;
	u32 w;
	u64 d;

	switch (size) {
	case 1:	__builtin_memcpy(&b, p, 1); return b;
	case 2:	__builtin_memcpy(&h, p, 2); return h;
	case 4:	__builtin_memcpy(&w, p, 4); return w;
	default: __builtin_memcpy(&d, p, 8); return d;
	}
}

static void kbpf_store(void *p, u32 size, u64 v)
{
	u8 b = (u8)v;
	u16 h = (u16)v;
	u32 w = (u32)v;

	switch (size) {
	case 1:	__builtin_memcpy(p, &b, 1); break;
	case 2:	__builtin_memcpy(p, &h, 2); break;
	case 4:	__builtin_memcpy(p, &w, 4); break;
	default: __builtin_memcpy(p, &v, 8); break;
	}
}

/* What a bpf-to-bpf call saves: where to return, and the callee-saved regs. */
struct kbpf_interp_frame {
	const struct bpf_insn *ret;
	u64 saved[5];		/* R6-R9 and R10 */
};

/*
 * One flat stack serves every frame: a callee's frame pointer sits below its
 * caller's frame by the caller's (16-byte rounded) stack size, which the
 * verifier stored in the call's off field, and which it proved to fit.
 */
u64 kbpf_interp_run(const struct bpf_insn *insns, const kbpf_helper_fn *helpers,
		    const void *ctx)
{
	u64 stack[KBPF_STACK_SIZE / sizeof(u64)];
	struct kbpf_interp_frame frames[KBPF_MAX_CALL_FRAMES - 1];
	u64 reg[MAX_BPF_REG] = { 0 };
	const struct bpf_insn *insn = insns;
	u32 depth = 0, tail_calls = 0;

	reg[BPF_REG_1] = (u64)(uintptr_t)ctx;
	reg[BPF_REG_10] = (u64)(uintptr_t)&stack[ARRAY_SIZE(stack)];

	for (;; insn++) {
		u8 code = insn->code;
		u64 *dst = &reg[insn->dst_reg];
		u64 src = BPF_SRC(code) == BPF_X ? reg[insn->src_reg] : (u64)(s64)insn->imm;
		u32 size = kbpf_size_bytes(code);

		switch (BPF_CLASS(code)) {
		case BPF_ALU:
		case BPF_ALU64: {
			bool is64 = BPF_CLASS(code) == BPF_ALU64;

			if (BPF_OP(code) == BPF_END)
				*dst = kbpf_endian(BPF_SRC(code) == BPF_TO_BE, insn->imm, *dst);
			else
				*dst = kbpf_alu(BPF_OP(code), is64, *dst, src);
			break;
		}
		case BPF_JMP:
		case BPF_JMP32:
			switch (BPF_OP(code)) {
			case BPF_JA:
				insn += insn->off;
				break;
			case KBPF_INSN_TAIL_CALL & 0xf0: {
				/* R1 ctx, R2 prog array, R3 index; a miss falls through. */
				const struct kbpf_map_desc *m = (const void *)(uintptr_t)reg[2];
				const struct kbpf_tail_target *t;
				u32 idx = (u32)reg[3];

				if (idx >= m->max_entries || tail_calls >= KBPF_MAX_TAIL_CALL_CNT)
					break;
				t = __atomic_load_n(&m->tail_slots[idx], __ATOMIC_ACQUIRE);
				if (!t)
					break;
				tail_calls++;
				reg[BPF_REG_10] = (u64)(uintptr_t)&stack[ARRAY_SIZE(stack)];
				insn = t->insns - 1;
				break;
			}
			case BPF_EXIT:
				if (!depth)
					return reg[BPF_REG_0];
				depth--;
				memcpy(&reg[BPF_REG_6], frames[depth].saved,
				       sizeof(frames[depth].saved));
				insn = frames[depth].ret;
				break;
			case BPF_CALL:
				if (insn->src_reg == BPF_PSEUDO_CALL) {
					frames[depth].ret = insn;
					memcpy(frames[depth].saved, &reg[BPF_REG_6],
					       sizeof(frames[depth].saved));
					depth++;
					reg[BPF_REG_10] -= (u16)insn->off;
					insn += insn->imm;
					break;
				}
				reg[BPF_REG_0] = helpers[insn->imm](reg[1], reg[2], reg[3],
								    reg[4], reg[5]);
				break;
			default:
				if (kbpf_jmp_taken(BPF_OP(code), BPF_CLASS(code) == BPF_JMP32,
						   *dst, src))
					insn += insn->off;
				break;
			}
			break;
		case BPF_LD:
			if (BPF_MODE(code) == BPF_IMM) {
				*dst = (u32)insn[0].imm | ((u64)(u32)insn[1].imm << 32);
				insn++;
				break;
			}
			/* LD_ABS / LD_IND: R6 is the context; a miss ends the program with 0. */
			src = kbpf_ld_pkt((const void *)(uintptr_t)reg[BPF_REG_6],
					  BPF_MODE(code) == BPF_IND ?
					  (s32)(reg[insn->src_reg] + (s64)insn->imm) : insn->imm,
					  size);
			if (src & KBPF_LD_PKT_FAIL)
				return 0;
			reg[BPF_REG_0] = src;
			break;
		case BPF_LDX:
			KBPF_CHECK_ACCESS(stack, (const void *)(uintptr_t)(reg[insn->src_reg] + insn->off),
					  size, false);
			*dst = kbpf_load((const void *)(uintptr_t)(reg[insn->src_reg] + insn->off),
					 size);
			break;
		case BPF_ST:
			KBPF_CHECK_ACCESS(stack, (void *)(uintptr_t)(*dst + insn->off), size, true);
			kbpf_store((void *)(uintptr_t)(*dst + insn->off), size, (u64)(s64)insn->imm);
			break;
		case BPF_STX: {
			void *p = (void *)(uintptr_t)(*dst + insn->off);
			u64 fetch = 0, old;

			KBPF_CHECK_ACCESS(stack, p, size, true);
			if (BPF_MODE(code) != BPF_ATOMIC) {
				kbpf_store(p, size, reg[insn->src_reg]);
				break;
			}
			old = kbpf_atomic(insn, p, reg[insn->src_reg], reg[BPF_REG_0], &fetch);
			if (insn->imm == BPF_CMPXCHG)
				reg[BPF_REG_0] = old;
			else if (fetch || insn->imm == BPF_XCHG)
				reg[insn->src_reg] = old;
			break;
		}
		}
	}
}
