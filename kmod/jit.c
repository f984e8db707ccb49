// SPDX-License-Identifier: GPL-2.0
/*
 * JIT glue: module parameters, compiling a verified program into
 * executable memory, and freeing it. When the JIT is off, unavailable or
 * fails, the program runs in the interpreter, unless it must be fenced
 * against speculation: the interpreter has no fences, so then the load
 * fails with -ENOTSUPP (as Linux with CONFIG_BPF_JIT_ALWAYS_ON).
 *
 * Parameters (/sys/module/kbpf/parameters/, writable at runtime; they apply
 * to programs loaded afterwards):
 *   jit_enable  1 (default): JIT-compile; 0: interpret.
 *   jit_harden  as net.core.bpf_jit_harden: 0 off (default), 1 constant
 *               blinding for loaders without CAP_BPF, 2 for everyone.
 *   spec_harden Spectre v1/v4 fences (kbpf_jit_attr.spec_fence): 0 off,
 *               1 (default) loaders without CAP_PERFMON, as Linux's
 *               bypass_spec_v1/v4, 2 everyone.
 */
#include <linux/capability.h>
#include <linux/moduleparam.h>
#include <linux/random.h>

#include "kbpf_internal.h"

static bool jit_enable = true;
module_param(jit_enable, bool, 0644);
MODULE_PARM_DESC(jit_enable, "JIT-compile programs loaded from now on (0: interpreter)");

static int kbpf_set_harden(const char *val, const struct kernel_param *kp)
{
	int n, err;

	err = kstrtoint(val, 0, &n);
	if (err)
		return err;
	if (n < 0 || n > 2)
		return -EINVAL;
	*(int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops kbpf_harden_ops = {
	.set = kbpf_set_harden,
	.get = param_get_int,
};

static int jit_harden;
module_param_cb(jit_harden, &kbpf_harden_ops, &jit_harden, 0644);
MODULE_PARM_DESC(jit_harden, "Constant blinding: 0 off, 1 unprivileged loaders, 2 all (as bpf_jit_harden)");

static int spec_harden = 1;
module_param_cb(spec_harden, &kbpf_harden_ops, &spec_harden, 0644);
MODULE_PARM_DESC(spec_harden, "LFENCE after branches and stores: 0 off, 1 loaders without CAP_PERFMON (default), 2 all");

static bool kbpf_blinding_wanted(void)
{
	int harden = READ_ONCE(jit_harden);

	return harden == 2 || (harden == 1 && !bpf_capable());
}

/* The loader is current: who may bypass Spectre mitigations is Linux's rule. */
static bool kbpf_spec_fence_wanted(void)
{
	int harden = READ_ONCE(spec_harden);

	return harden == 2 || (harden == 1 && !perfmon_capable());
}

static kbpf_helper_fn kbpf_jit_map_helper(const struct kbpf_map_desc *desc, u32 func_id)
{
	const struct kbpf_map *map = kbpf_map_from_desc(desc);

	switch (func_id) {
	case BPF_FUNC_map_lookup_elem:
		return map->ops->lookup_helper;
	case BPF_FUNC_map_update_elem:
		return map->ops->update_helper;
	case BPF_FUNC_map_delete_elem:
		return map->ops->delete_helper;
	default:
		return NULL;
	}
}

static bool kbpf_jit_map_flat(const struct kbpf_map_desc *desc, void **base, u32 *stride)
{
	struct kbpf_map *map = kbpf_map_from_desc(desc);

	return map->ops->flat && map->ops->flat(map, base, stride);
}

/*
 * Compile prog (already verified and fixed up). subs are the verifier's
 * functions. A program without fences falls back to the interpreter
 * whatever goes wrong, and this returns 0. One that needs fences
 * (spec_harden) has no such fallback: -ENOTSUPP if it is not JIT-compiled.
 */
int kbpf_prog_jit(struct kbpf_prog *prog, const struct kbpf_subprog *subs, u32 sub_cnt,
		  const struct kbpf_map_desc *const *call_maps)
{
	struct kbpf_jit_attr attr = {
		.insns		= prog->insns,
		.insn_cnt	= prog->len,
		.subprogs	= subs,
		.subprog_cnt	= sub_cnt,
		.stack_depth	= prog->stack_depth,
		.helpers	= kbpf_helper_fns,
		.far_calls	= false,
		.blind		= kbpf_blinding_wanted(),
		.blind_seed	= get_random_u32(),
		.spec_fence	= kbpf_spec_fence_wanted(),
		.call_maps	= call_maps,
		.map_helper	= kbpf_jit_map_helper,
		.map_flat	= kbpf_jit_map_flat,
	};
	struct kbpf_jit_layout *layout = NULL;
	void *image;
	u32 len;
	int err;

	err = -ENOTSUPP;
	if (!READ_ONCE(jit_enable) || !kbpf_exec_mem_available())
		goto fallback;
	err = kbpf_jit_size(&attr, &layout, &len);
	if (err)
		goto fallback;
	err = -ENOMEM;
	image = kbpf_exec_alloc(len);
	if (!image)
		goto fallback;
	err = kbpf_jit_emit(&attr, layout, image, len);
	if (!err)
		err = kbpf_exec_protect(image, len);
	if (err) {
		kbpf_exec_free(image, len);
		goto fallback;
	}
	kbpf_jit_layout_free(layout);
	prog->jit_image = image;
	prog->jit_len = len;
	prog->jit_blinded = attr.blind;
	prog->jit_spec_fenced = attr.spec_fence;
	prog->tail.jit_entry = (u8 *)image + KBPF_JIT_TAIL_OFFSET;
	/* Publish last: runners pick the image up only once it is complete. */
	smp_store_release(&prog->jited, (kbpf_jited_fn)image);
	return 0;

fallback:
	kbpf_jit_layout_free(layout);
	if (attr.spec_fence) {
		pr_debug("JIT off or failed (%d), program %s needs fences: load fails\n", err,
			 prog->name);
		return -ENOTSUPP;
	}
	if (err != -ENOTSUPP)
		pr_debug("JIT failed (%d), program %s runs in the interpreter\n", err, prog->name);
	return 0;
}

/* Process context, once no CPU can be running the program. */
void kbpf_prog_jit_free(struct kbpf_prog *prog)
{
	kbpf_exec_free(prog->jit_image, prog->jit_len);
	prog->jit_image = NULL;
	prog->jited = NULL;
	prog->tail.jit_entry = NULL;
}
