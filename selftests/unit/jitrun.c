// SPDX-License-Identifier: GPL-2.0
/* Run the JIT in userspace: emit into RW memory, then make it RX and call it. */
#include <sys/mman.h>
#include "jitrun.h"

int kt_jit_load_opts(struct kt_jit *j, const struct bpf_insn *insns, u32 cnt,
		     const struct kbpf_subprog *subs, u32 sub_cnt, const struct kt_jit_opts *o)
{
	struct kbpf_jit_attr attr = {
		.insns = insns, .insn_cnt = cnt, .subprogs = subs, .subprog_cnt = sub_cnt,
		.helpers = kt_helpers, .far_calls = true, .blind = o->blind, .blind_seed = o->seed,
		.spec_fence = o->fence,
		/* what the last kt_verify*() found, so map calls get specialised */
		.call_maps = cnt <= KT_MAX_PROG_INSNS ? kt_call_maps : NULL,
		.map_helper = kt_jit_map_helper, .map_flat = kt_jit_map_flat,
	};
	struct kbpf_jit_layout *layout = NULL;
	int err;

	memset(j, 0, sizeof(*j));
	err = kbpf_jit_size(&attr, &layout, &j->len);
	if (err)
		goto out;
	j->mem = mmap(NULL, j->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (j->mem == MAP_FAILED) {
		j->mem = NULL;
		err = -ENOMEM;
		goto out;
	}
	err = kbpf_jit_emit(&attr, layout, j->mem, j->len);
	if (!err && mprotect(j->mem, j->len, PROT_READ | PROT_EXEC))
		err = -errno;
	if (err) {
		munmap(j->mem, j->len);
		j->mem = NULL;
		goto out;
	}
	j->fn = (kbpf_jited_fn)j->mem;
	if (o->keep_layout) {
		j->layout = layout;
		layout = NULL;
	}
out:
	kbpf_jit_layout_free(layout);
	return err;
}

int kt_jit_load_subprogs(struct kt_jit *j, const struct bpf_insn *insns, u32 cnt,
			 const struct kbpf_subprog *subs, u32 sub_cnt, bool blind, u32 seed)
{
	struct kt_jit_opts o = { .blind = blind, .seed = seed };

	return kt_jit_load_opts(j, insns, cnt, subs, sub_cnt, &o);
}

int kt_jit_load(struct kt_jit *j, const struct bpf_insn *insns, u32 cnt, u32 stack_depth,
		bool blind, u32 seed)
{
	struct kbpf_subprog sub = { .start = 0, .stack_depth = stack_depth };

	return kt_jit_load_subprogs(j, insns, cnt, &sub, 1, blind, seed);
}

void kt_jit_unload(struct kt_jit *j)
{
	if (j->mem)
		munmap(j->mem, j->len);
	kbpf_jit_layout_free(j->layout);
	memset(j, 0, sizeof(*j));
}
