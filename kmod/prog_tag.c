// SPDX-License-Identifier: GPL-2.0
/*
 * What a program looks like from outside: its tag (the same SHA-1 based
 * tag Linux computes, so `bpftool prog` and the kernel agree on it), and
 * the translated instructions OBJ_GET_INFO_BY_FD dumps.
 */
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <crypto/sha1.h>
#include <asm/unaligned.h>

#include "kbpf_internal.h"

static bool kbpf_is_ld_imm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/*
 * SHA-1 over the original instructions, with the map fds of ld_imm64 (and
 * the offset of BPF_PSEUDO_MAP_VALUE) zeroed since they mean nothing
 * outside the loading process. The tag is the first 8 bytes of the digest.
 */
int kbpf_prog_calc_tag(const struct bpf_insn *insns, u32 len,
		       u8 tag[BPF_TAG_SIZE])
{
	u32 psize = len * sizeof(struct bpf_insn);
	u32 raw_size = round_up(psize + 1 + sizeof(__be64), SHA1_BLOCK_SIZE);
	u32 digest[SHA1_DIGEST_WORDS];
	u32 ws[SHA1_WORKSPACE_WORDS];
	__be32 result[SHA1_DIGEST_WORDS];
	bool was_ld_map = false;
	u32 i, bsize, blocks;
	struct bpf_insn *dst;
	u8 *raw, *bits, *todo;

	raw = vmalloc(raw_size);
	if (!raw)
		return -ENOMEM;

	dst = (struct bpf_insn *)raw;
	for (i = 0; i < len; i++) {
		dst[i] = insns[i];
		if (!was_ld_map && kbpf_is_ld_imm64(&dst[i]) &&
		    (dst[i].src_reg == BPF_PSEUDO_MAP_FD ||
		     dst[i].src_reg == BPF_PSEUDO_MAP_VALUE)) {
			was_ld_map = true;
			dst[i].imm = 0;
		} else if (was_ld_map && dst[i].code == 0 &&
			   dst[i].dst_reg == 0 && dst[i].src_reg == 0 &&
			   dst[i].off == 0) {
			was_ld_map = false;
			dst[i].imm = 0;
		} else {
			was_ld_map = false;
		}
	}

	/* Standard SHA-1 padding: 0x80, zeros, then the bit length. */
	memset(raw + psize, 0, raw_size - psize);
	raw[psize] = 0x80;
	bsize = round_up(psize + 1, SHA1_BLOCK_SIZE);
	blocks = bsize / SHA1_BLOCK_SIZE;
	if (bsize - (psize + 1) >= sizeof(__be64)) {
		bits = raw + bsize - sizeof(__be64);
	} else {
		bits = raw + bsize + SHA1_BLOCK_SIZE - sizeof(__be64);
		blocks++;
	}
	put_unaligned_be64((u64)psize << 3, bits);

	sha1_init(digest);
	memset(ws, 0, sizeof(ws));
	for (todo = raw; blocks--; todo += SHA1_BLOCK_SIZE)
		sha1_transform(digest, (const char *)todo, ws);
	for (i = 0; i < SHA1_DIGEST_WORDS; i++)
		result[i] = cpu_to_be32(digest[i]);
	memcpy(tag, result, BPF_TAG_SIZE);

	memzero_explicit(ws, sizeof(ws));
	vfree(raw);
	return 0;
}

/*
 * The instructions as run, for BPF_OBJ_GET_INFO_BY_FD: a map reference
 * the verifier turned into a kernel pointer is shown as Linux shows it,
 * src_reg BPF_PSEUDO_MAP_FD with the map's id, never the pointer.
 */
struct bpf_insn *kbpf_prog_dump_xlated(const struct kbpf_prog *prog)
{
	struct bpf_insn *insns;
	u32 i, m;

	insns = kvmalloc_array(prog->len, sizeof(*insns), GFP_USER);
	if (!insns)
		return NULL;
	memcpy(insns, prog->insns, prog->len * sizeof(*insns));

	for (i = 0; i < prog->len; i++) {
		u64 imm;

		/* Undo the verifier's call fixups, as Linux's dump does. */
		if (insns[i].code == KBPF_INSN_TAIL_CALL) {
			insns[i].code = BPF_JMP | BPF_CALL;
			insns[i].imm = BPF_FUNC_tail_call;
			continue;
		}
		if (insns[i].code == (BPF_JMP | BPF_CALL) &&
		    insns[i].src_reg == BPF_PSEUDO_CALL) {
			insns[i].off = 0;
			continue;
		}
		if (i + 1 >= prog->len || !kbpf_is_ld_imm64(&insns[i]))
			continue;
		imm = ((u64)(u32)insns[i + 1].imm << 32) | (u32)insns[i].imm;
		for (m = 0; m < prog->used_map_cnt; m++) {
			struct kbpf_map *map = prog->used_maps[m];
			void *base;
			u32 stride;

			if (insns[i].src_reg == BPF_PSEUDO_MAP_VALUE) {
				/* the value address back to (map id, offset) */
				if (!map->ops->flat || !map->ops->flat(map, &base, &stride) ||
				    imm < (u64)(unsigned long)base ||
				    imm >= (u64)(unsigned long)base + map->desc.value_size)
					continue;
				insns[i].imm = map->id;
				insns[i + 1].imm = (u32)(imm - (u64)(unsigned long)base);
				break;
			}
			if (imm != (u64)(unsigned long)&map->desc)
				continue;
			insns[i].src_reg = BPF_PSEUDO_MAP_FD;
			insns[i].imm = prog->used_maps[m]->id;
			insns[i + 1].imm = 0;
			break;
		}
		i++;
	}
	return insns;
}
