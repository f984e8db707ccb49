// SPDX-License-Identifier: GPL-2.0
/* The benchmark programs' label assembler (see kb_asm.h). */
#include <string.h>
#include "kbpf_insn.h"
#include "kb_asm.h"

void kb_asm_init(struct kb_asm *a, struct bpf_insn *insns)
{
	memset(a, 0, sizeof(*a));
	a->insns = insns;
	memset(a->label, -1, sizeof(a->label));
}

void kb_asm_emit(struct kb_asm *a, struct bpf_insn insn)
{
	if (a->n < KB_MAX_INSNS)
		a->insns[a->n] = insn;
	a->n++;
}

void kb_asm_jump(struct kb_asm *a, struct bpf_insn insn, int l, bool call)
{
	if (a->nfix < KB_MAX_FIXUPS) {
		a->fix[a->nfix].at = a->n;
		a->fix[a->nfix].label = l;
		a->fix[a->nfix].call = call;
	}
	a->nfix++;
	kb_asm_emit(a, insn);
}

void kb_asm_label(struct kb_asm *a, int l)
{
	if (l >= 0 && l < KB_MAX_LABELS)
		a->label[l] = a->n;
}

void kb_asm_ld_map(struct kb_asm *a, int reg, int fd)
{
	struct bpf_insn two[] = { KI_LD_MAP_FD(reg, fd) };

	kb_asm_emit(a, two[0]);
	kb_asm_emit(a, two[1]);
}

void kb_asm_ret(struct kb_asm *a, int v)
{
	kb_asm_emit(a, KI_MOV64_IMM(BPF_REG_0, v));
	kb_asm_emit(a, KI_EXIT());
}

int kb_asm_end(struct kb_asm *a)
{
	int i;

	if (a->n > KB_MAX_INSNS || a->nfix > KB_MAX_FIXUPS)
		return -1;
	for (i = 0; i < a->nfix; i++) {
		int l = a->fix[i].label, at = a->fix[i].at, to;

		if (l < 0 || l >= KB_MAX_LABELS || a->label[l] < 0)
			return -1;
		to = a->label[l];
		if (a->fix[i].call)
			a->insns[at].imm = to - (at + 1);
		else
			a->insns[at].off = (__s16)(to - (at + 1));
	}
	return a->n;
}
