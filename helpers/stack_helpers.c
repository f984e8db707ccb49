// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_get_stackid() and bpf_get_stack(): the stack of the traced event,
 * walked the way perf walks it for 6.1's BPF, so both give the same frames
 * for the same event:
 *  - kernel stacks start at the run's regs (struct kbpf_run_ctx): a
 *    kprobe's exception regs give regs->ip, then the unwinder from those
 *    regs; the caller regs perf gives a tracepoint's overflow handler give
 *    the frames above regs->sp. Without regs (raw tracepoints) the frames
 *    above the helper, as 6.1's raw tracepoint helpers do; the frames
 *    between the program and the tracepoint are then kbpf's runner rather
 *    than the kernel's. Regs
 *    from user mode (syscall tracepoints get the syscall's user regs)
 *    have no kernel stack;
 *  - user stacks follow frame pointers from the task's user regs with
 *    nofault reads, stopping at the first unreadable frame (64-bit tasks;
 *    6.1 also walks 32-bit compat frames, kbpf does not).
 * Frames are collected into a per-CPU buffer, one per context level (task,
 * softirq, irq, NMI), with preemption off.
 */
#include <linux/bpf.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched/task_stack.h>
#include <linux/uaccess.h>
#include <asm/unwind.h>

#include "kbpf_internal.h"
#include "kbpf_helpers.h"

#define KBPF_STACK_CONTEXTS	4	/* interrupt_context_level() values */

struct kbpf_callchain {
	u64 ip[KBPF_STACK_MAX_FRAMES];
};

static DEFINE_PER_CPU(struct kbpf_callchain, kbpf_callchains[KBPF_STACK_CONTEXTS]);

/* Kernel frames from regs, or (regs NULL) from above the helper's frame. */
static u32 kbpf_stack_kernel(struct pt_regs *regs, unsigned long *frame, u64 *ips, u32 max)
{
	struct unwind_state state;
	unsigned long addr;
	u32 n = 0;

	if (!max || (regs && user_mode(regs)))	/* e.g. syscall tracepoints */
		return 0;
	if (regs && (regs->flags & X86_EFLAGS_FIXED)) {
		/* real exception regs (a kprobe's): the probed ip, then its callers */
		ips[n++] = regs->ip;
		unwind_start(&state, current, regs, NULL);
	} else {
		/* caller regs (perf's for tracepoints), or the helper's own frame */
		unwind_start(&state, current, NULL, regs ? (unsigned long *)regs->sp : frame);
	}
	for (; n < max && !unwind_done(&state); unwind_next_frame(&state)) {
		addr = unwind_get_return_address(&state);
		if (!addr)
			break;
		ips[n++] = addr;
	}
	return n;
}

/* User frames of the current task. */
static u32 kbpf_stack_user(struct pt_regs *regs, u64 *ips, u32 max)
{
	const void __user *fp;
	u32 n = 0;

	if (!regs || !user_mode(regs))
		regs = current->mm ? task_pt_regs(current) : NULL;
	if (!regs || !max || (regs->flags & X86_VM_MASK))
		return 0;
	ips[n++] = regs->ip;
	fp = (const void __user *)regs->bp;
	while (n < max) {
		struct {
			u64 next;
			u64 ret;
		} f;

		if (copy_from_user_nofault(&f, fp, sizeof(f)))
			break;
		ips[n++] = f.ret;
		fp = (const void __user *)(unsigned long)f.next;
	}
	return n;
}

static struct pt_regs *kbpf_stack_regs(void)
{
	struct kbpf_run_ctx *rc = kbpf_run_ctx_current();

	return rc ? rc->regs : NULL;
}

/* The run's user or kernel frames (frame: the calling helper's frame). */
static u32 kbpf_stack_collect(u64 *ips, u32 max, bool user, unsigned long *frame)
{
	struct pt_regs *regs = kbpf_stack_regs();

	return user ? kbpf_stack_user(regs, ips, max) : kbpf_stack_kernel(regs, frame, ips, max);
}

/* Call with preemption off; the buffer is valid until it is turned back on. */
static u64 *kbpf_stack_buf(void)
{
	return this_cpu_ptr(&kbpf_callchains[interrupt_context_level() %
					      KBPF_STACK_CONTEXTS])->ip;
}

/* long bpf_get_stackid(void *ctx, struct bpf_map *map, u64 flags) */
noinline u64 kbpf_helper_get_stackid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_map *map = kbpf_map_from_desc((const struct kbpf_map_desc *)(unsigned long)r2);
	unsigned long *frame = __builtin_frame_address(0);
	u32 skip = r3 & BPF_F_SKIP_FIELD_MASK, max, nr;
	bool user = r3 & BPF_F_USER_STACK;
	long ret;
	u64 *ips;

	if (r3 & ~(u64)(BPF_F_SKIP_FIELD_MASK | BPF_F_USER_STACK | BPF_F_FAST_STACK_CMP |
			BPF_F_REUSE_STACKID))
		return (u64)-EINVAL;
	max = min_t(u32, kbpf_stackmap_max_frames(map) + skip, KBPF_STACK_MAX_FRAMES);
	preempt_disable();
	ips = kbpf_stack_buf();
	nr = kbpf_stack_collect(ips, max, user, frame);
	if (nr <= skip)
		ret = -EFAULT;		/* nothing left after the skip */
	else
		ret = kbpf_stackmap_get_id(map, ips + skip, min(nr, max) - skip, r3);
	preempt_enable();
	return (u64)ret;
}

/* long bpf_get_stack(void *ctx, void *buf, u32 size, u64 flags) */
noinline u64 kbpf_helper_get_stack(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	unsigned long *frame = __builtin_frame_address(0);
	void *buf = (void *)(unsigned long)r2;
	u32 size = r3, skip = r4 & BPF_F_SKIP_FIELD_MASK, elem, num, max, nr;
	bool user = r4 & BPF_F_USER_STACK, build_id = r4 & BPF_F_USER_BUILD_ID;
	long err = -EINVAL;
	u64 *ips;

	if (r4 & ~(u64)(BPF_F_SKIP_FIELD_MASK | BPF_F_USER_STACK | BPF_F_USER_BUILD_ID))
		goto clear;
	if (!user && build_id)
		goto clear;
	elem = build_id ? sizeof(struct bpf_stack_build_id) : sizeof(u64);
	if (size % elem)
		goto clear;
	num = size / elem;
	max = min_t(u32, num + skip, KBPF_STACK_MAX_FRAMES);
	preempt_disable();
	ips = kbpf_stack_buf();
	nr = kbpf_stack_collect(ips, max, user, frame);
	if (nr < skip) {
		preempt_enable();
		err = -EFAULT;
		goto clear;
	}
	nr = min(nr - skip, num);
	if (build_id)
		kbpf_stackmap_ip_frames(buf, ips + skip, nr);
	else
		memcpy(buf, ips + skip, nr * sizeof(u64));
	preempt_enable();
	memset(buf + nr * elem, 0, size - nr * elem);
	return nr * elem;
clear:
	memset(buf, 0, size);
	return (u64)err;
}
