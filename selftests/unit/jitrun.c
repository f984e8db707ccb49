// SPDX-License-Identifier: GPL-2.0
/* Run the JIT in userspace: emit into RW memory, then make it RX and call it. */
#include <sys/mman.h>
#include "jitrun.h"

int kt_jit_load(struct kt_jit *j, const struct bpf_insn *insns, u32 cnt, u32 stack_depth,
		bool blind, u32 seed)
{
	struct kbpf_jit_attr attr = {
		.insns = insns, .insn_cnt = cnt, .stack_depth = stack_depth,
		.helpers = kt_helpers, .far_calls = true, .blind = blind, .blind_seed = seed,
	};
	u32 *addrs = calloc(cnt, sizeof(*addrs));
	int err;

	memset(j, 0, sizeof(*j));
	if (!addrs)
		return -ENOMEM;
	err = kbpf_jit_size(&attr, addrs, &j->len);
	if (err)
		goto out;
	j->mem = mmap(NULL, j->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (j->mem == MAP_FAILED) {
		j->mem = NULL;
		err = -ENOMEM;
		goto out;
	}
	err = kbpf_jit_emit(&attr, addrs, j->mem, j->len);
	if (!err && mprotect(j->mem, j->len, PROT_READ | PROT_EXEC))
		err = -errno;
	if (err) {
		munmap(j->mem, j->len);
		j->mem = NULL;
		goto out;
	}
	j->fn = (kbpf_jited_fn)j->mem;
out:
	free(addrs);
	return err;
}

void kt_jit_unload(struct kt_jit *j)
{
	if (j->mem)
		munmap(j->mem, j->len);
	memset(j, 0, sizeof(*j));
}
