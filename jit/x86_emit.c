// SPDX-License-Identifier: GPL-2.0
/* x86-64 encoding layers; see x86_emit.h. */
#include "x86_emit.h"

void kbpf_emit_bytes(struct kbpf_emit *e, const u8 *b, u32 n)
{
	if (e->err)
		return;
	if (e->buf) {
		if (e->len + n > e->cap) {
			e->err = -E2BIG;
			return;
		}
		memcpy(e->buf + e->len, b, n);
	}
	e->len += n;
}

void kbpf_emit_u8(struct kbpf_emit *e, u8 b)
{
	kbpf_emit_bytes(e, &b, 1);
}

void kbpf_emit_u16(struct kbpf_emit *e, u16 v)
{
	u8 b[2] = { (u8)v, (u8)(v >> 8) };

	kbpf_emit_bytes(e, b, 2);
}

void kbpf_emit_u32(struct kbpf_emit *e, u32 v)
{
	u8 b[4] = { (u8)v, (u8)(v >> 8), (u8)(v >> 16), (u8)(v >> 24) };

	kbpf_emit_bytes(e, b, 4);
}

void kbpf_emit_u64(struct kbpf_emit *e, u64 v)
{
	kbpf_emit_u32(e, (u32)v);
	kbpf_emit_u32(e, (u32)(v >> 32));
}

void kbpf_emit_rex(struct kbpf_emit *e, bool w, u8 reg, u8 rm, bool force)
{
	u8 rex = 0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((rm & 8) ? 1 : 0);

	if (rex != 0x40 || force)
		kbpf_emit_u8(e, rex);
}

void kbpf_emit_modrm_reg(struct kbpf_emit *e, u8 reg, u8 rm)
{
	kbpf_emit_u8(e, 0xc0 | ((reg & 7) << 3) | (rm & 7));
}

void kbpf_emit_modrm_mem(struct kbpf_emit *e, u8 reg, u8 base, s32 disp)
{
	u8 r = (reg & 7) << 3, b = base & 7;

	/* rbp/r13 have no mod=00 form; rsp/r12 would need a SIB byte. */
	if ((base & 7) == X86_RSP) {
		if (!e->err)
			e->err = -EINVAL;
		return;
	}
	if (disp == 0 && b != X86_RBP) {
		kbpf_emit_u8(e, 0x00 | r | b);
	} else if (disp >= -128 && disp <= 127) {
		kbpf_emit_u8(e, 0x40 | r | b);
		kbpf_emit_u8(e, (u8)disp);
	} else {
		kbpf_emit_u8(e, 0x80 | r | b);
		kbpf_emit_u32(e, (u32)disp);
	}
}

void kbpf_x86_alu_rr(struct kbpf_emit *e, u8 opc, bool is64, u8 dst, u8 src)
{
	kbpf_emit_rex(e, is64, src, dst, false);
	kbpf_emit_u8(e, opc);
	kbpf_emit_modrm_reg(e, src, dst);
}

void kbpf_x86_alu_ri(struct kbpf_emit *e, u8 ext, bool is64, u8 dst, s32 imm)
{
	kbpf_emit_rex(e, is64, 0, dst, false);
	if (imm >= -128 && imm <= 127) {
		kbpf_emit_u8(e, 0x83);
		kbpf_emit_modrm_reg(e, ext, dst);
		kbpf_emit_u8(e, (u8)imm);
	} else if (dst == X86_RAX) {
		/* The short accumulator form: op eax/rax, imm32. */
		kbpf_emit_u8(e, (u8)((ext << 3) | 5));
		kbpf_emit_u32(e, (u32)imm);
	} else {
		kbpf_emit_u8(e, 0x81);
		kbpf_emit_modrm_reg(e, ext, dst);
		kbpf_emit_u32(e, (u32)imm);
	}
}

void kbpf_x86_mov_rr(struct kbpf_emit *e, bool is64, u8 dst, u8 src)
{
	kbpf_x86_alu_rr(e, 0x89, is64, dst, src);
}

void kbpf_x86_mov_ri(struct kbpf_emit *e, bool is64, u8 dst, s32 imm)
{
	if (imm == 0) {
		/* xor r32, r32 clears all 64 bits */
		kbpf_x86_alu_rr(e, X86_OP_XOR, false, dst, dst);
		return;
	}
	if (is64 && imm < 0) {
		kbpf_emit_rex(e, true, 0, dst, false);
		kbpf_emit_u8(e, 0xc7);
		kbpf_emit_modrm_reg(e, 0, dst);
		kbpf_emit_u32(e, (u32)imm);
		return;
	}
	/* mov r32, imm32 zero-extends, which is right for both widths here. */
	kbpf_emit_rex(e, false, 0, dst, false);
	kbpf_emit_u8(e, 0xb8 | (dst & 7));
	kbpf_emit_u32(e, (u32)imm);
}

void kbpf_x86_mov_r_u64(struct kbpf_emit *e, u8 dst, u64 imm)
{
	if (imm <= 0xffffffffull) {
		kbpf_x86_mov_ri(e, false, dst, (s32)(u32)imm);
	} else if ((s64)imm >= -0x80000000ll && (s64)imm < 0) {
		kbpf_x86_mov_ri(e, true, dst, (s32)imm);
	} else {
		kbpf_emit_rex(e, true, 0, dst, false);
		kbpf_emit_u8(e, 0xb8 | (dst & 7));
		kbpf_emit_u64(e, imm);
	}
}

void kbpf_x86_load(struct kbpf_emit *e, u32 size, u8 dst, u8 base, s32 off)
{
	switch (size) {
	case 1:	/* movzx r32, byte */
		kbpf_emit_rex(e, false, dst, base, false);
		kbpf_emit_u8(e, 0x0f);
		kbpf_emit_u8(e, 0xb6);
		break;
	case 2:	/* movzx r32, word */
		kbpf_emit_rex(e, false, dst, base, false);
		kbpf_emit_u8(e, 0x0f);
		kbpf_emit_u8(e, 0xb7);
		break;
	case 4:
		kbpf_emit_rex(e, false, dst, base, false);
		kbpf_emit_u8(e, 0x8b);
		break;
	default:
		kbpf_emit_rex(e, true, dst, base, false);
		kbpf_emit_u8(e, 0x8b);
		break;
	}
	kbpf_emit_modrm_mem(e, dst, base, off);
}

void kbpf_x86_store_r(struct kbpf_emit *e, u32 size, u8 base, s32 off, u8 src)
{
	switch (size) {
	case 1:
		/* A REX prefix makes sil/dil/bpl/spl addressable. */
		kbpf_emit_rex(e, false, src, base, src >= 4);
		kbpf_emit_u8(e, 0x88);
		break;
	case 2:
		kbpf_emit_u8(e, 0x66);
		kbpf_emit_rex(e, false, src, base, false);
		kbpf_emit_u8(e, 0x89);
		break;
	case 4:
		kbpf_emit_rex(e, false, src, base, false);
		kbpf_emit_u8(e, 0x89);
		break;
	default:
		kbpf_emit_rex(e, true, src, base, false);
		kbpf_emit_u8(e, 0x89);
		break;
	}
	kbpf_emit_modrm_mem(e, src, base, off);
}

void kbpf_x86_store_i(struct kbpf_emit *e, u32 size, u8 base, s32 off, s32 imm)
{
	switch (size) {
	case 1:
		kbpf_emit_rex(e, false, 0, base, false);
		kbpf_emit_u8(e, 0xc6);
		kbpf_emit_modrm_mem(e, 0, base, off);
		kbpf_emit_u8(e, (u8)imm);
		return;
	case 2:
		kbpf_emit_u8(e, 0x66);
		kbpf_emit_rex(e, false, 0, base, false);
		kbpf_emit_u8(e, 0xc7);
		kbpf_emit_modrm_mem(e, 0, base, off);
		kbpf_emit_u16(e, (u16)imm);
		return;
	default:
		kbpf_emit_rex(e, size == 8, 0, base, false);
		kbpf_emit_u8(e, 0xc7);
		kbpf_emit_modrm_mem(e, 0, base, off);
		kbpf_emit_u32(e, (u32)imm);
		return;
	}
}

void kbpf_x86_push(struct kbpf_emit *e, u8 reg)
{
	kbpf_emit_rex(e, false, 0, reg, false);
	kbpf_emit_u8(e, 0x50 | (reg & 7));
}

void kbpf_x86_pop(struct kbpf_emit *e, u8 reg)
{
	kbpf_emit_rex(e, false, 0, reg, false);
	kbpf_emit_u8(e, 0x58 | (reg & 7));
}

void kbpf_x86_lfence(struct kbpf_emit *e)
{
	static const u8 lfence[KBPF_X86_LFENCE_LEN] = { 0x0f, 0xae, 0xe8 };

	kbpf_emit_bytes(e, lfence, sizeof(lfence));
}
