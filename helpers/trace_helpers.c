// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers that read memory the program does not own, report on the
 * current task, or print to the trace buffer. Faults never oops: the
 * nofault copies return an error, and the destination is zeroed.
 */
#include <linux/cred.h>
#include <linux/cgroup.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/kernel.h>
#include <linux/trace.h>

#include "kbpf_internal.h"
#include "kbpf_helpers.h"

static u64 kbpf_read_kernel(void *dst, u32 size, const void *src)
{
	long err = copy_from_kernel_nofault(dst, src, size);

	if (err)
		memset(dst, 0, size);
	return (u64)(s64)err;
}

static u64 kbpf_read_user(void *dst, u32 size, const void __user *src)
{
	long err = copy_from_user_nofault(dst, src, size);

	if (err)
		memset(dst, 0, size);
	return (u64)(s64)err;
}

/*
 * A NUL-terminated string, at most size bytes with the NUL; returns the
 * length including the NUL, or -EFAULT (dst then holds an empty string).
 * Byte by byte: 6.1 exports no nofault string copy to modules.
 */
static u64 kbpf_read_str(char *dst, u32 size, const void *src, bool user)
{
	u32 i;

	if (!size)
		return 0;
	for (i = 0; i + 1 < size; i++) {
		long err = user ? copy_from_user_nofault(&dst[i], (const char __user *)src + i, 1) :
			   copy_from_kernel_nofault(&dst[i], (const char *)src + i, 1);

		if (err) {
			memset(dst, 0, size);
			return (u64)(s64)-EFAULT;
		}
		if (!dst[i])
			return i + 1;
	}
	dst[i] = '\0';
	return i + 1;
}

u64 kbpf_helper_probe_read_kernel(u64 dst, u64 size, u64 src, u64 r4, u64 r5)
{
	return kbpf_read_kernel((void *)(unsigned long)dst, (u32)size,
				(const void *)(unsigned long)src);
}

u64 kbpf_helper_probe_read_user(u64 dst, u64 size, u64 src, u64 r4, u64 r5)
{
	return kbpf_read_user((void *)(unsigned long)dst, (u32)size,
			      (const void __user *)(unsigned long)src);
}

u64 kbpf_helper_probe_read_kernel_str(u64 dst, u64 size, u64 src, u64 r4, u64 r5)
{
	return kbpf_read_str((char *)(unsigned long)dst, (u32)size,
			     (const void *)(unsigned long)src, false);
}

u64 kbpf_helper_probe_read_user_str(u64 dst, u64 size, u64 src, u64 r4, u64 r5)
{
	return kbpf_read_str((char *)(unsigned long)dst, (u32)size,
			     (const void *)(unsigned long)src, true);
}

/* The old forms guess: user addresses below TASK_SIZE, kernel above. */
u64 kbpf_helper_probe_read(u64 dst, u64 size, u64 src, u64 r4, u64 r5)
{
	if (src < TASK_SIZE_MAX)
		return kbpf_helper_probe_read_user(dst, size, src, r4, r5);
	return kbpf_helper_probe_read_kernel(dst, size, src, r4, r5);
}

u64 kbpf_helper_probe_read_str(u64 dst, u64 size, u64 src, u64 r4, u64 r5)
{
	return kbpf_read_str((char *)(unsigned long)dst, (u32)size,
			     (const void *)(unsigned long)src, src < TASK_SIZE_MAX);
}

u64 kbpf_helper_get_current_pid_tgid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return (u64)current->tgid << 32 | (u32)current->pid;
}

u64 kbpf_helper_get_current_uid_gid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	kuid_t uid;
	kgid_t gid;

	current_uid_gid(&uid, &gid);
	return (u64)from_kgid(&init_user_ns, gid) << 32 | from_kuid(&init_user_ns, uid);
}

u64 kbpf_helper_get_current_comm(u64 buf, u64 size, u64 r3, u64 r4, u64 r5)
{
	char *dst = (char *)(unsigned long)buf;

	__get_task_comm(dst, size, current);
	return 0;
}

u64 kbpf_helper_get_current_task(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return (unsigned long)current;
}

/*
 * The attach point's view of this run (struct kbpf_run_ctx, set by the
 * link runner): the probed function's entry and the link's cookie. A run
 * that did not come from a kbpf link sees 0 (the table only lets
 * KPROBE / TRACEPOINT programs call these, and those run only from links).
 */
u64 kbpf_helper_get_func_ip(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_run_ctx *rc = kbpf_run_ctx_current();

	return rc ? rc->func_ip : 0;
}

u64 kbpf_helper_get_attach_cookie(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct kbpf_run_ctx *rc = kbpf_run_ctx_current();

	return rc ? rc->cookie : 0;
}

u64 kbpf_helper_get_current_cgroup_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct cgroup *cgrp;
	u64 id;

	rcu_read_lock();
	cgrp = task_dfl_cgroup(current);
	id = cgroup_id(cgrp);
	rcu_read_unlock();
	return id;
}

/*
 * bpf_trace_printk(fmt, fmt_size, a1, a2, a3): up to three arguments, the
 * conversions Linux allows (%d %i %u %x %X %ld %lu %lx %lld %llu %llx %p
 * %c %s %%; %s reads a kernel string safely). The line goes to the
 * kernel's trace buffer, read at /sys/kernel/tracing/trace_pipe.
 */
#define KBPF_PRINTK_MAX		256

static DEFINE_PER_CPU(char[KBPF_PRINTK_MAX], kbpf_printk_buf);
static DEFINE_PER_CPU(char[3][64], kbpf_printk_strs);

/* Format into out (KBPF_PRINTK_MAX bytes) and print it; -EINVAL on a bad format. */
static u64 kbpf_format(char *out, char (*strs)[64], const char *fmt, u32 fmt_size,
		       const u64 *args)
{
	u32 i, n = 0, arg = 0, o = 0;

	for (i = 0; i + 1 < fmt_size && o + 1 < KBPF_PRINTK_MAX; i++) {
		char spec[8];
		u32 k = 0;
		int w;

		if (fmt[i] != '%') {
			out[o++] = fmt[i];
			continue;
		}
		if (fmt[i + 1] == '%') {
			out[o++] = '%';
			i++;
			continue;
		}
		if (arg >= 3)
			return (u64)(s64)-EINVAL;
		spec[k++] = '%';
		while (k < 5 && fmt[i + 1] == 'l')
			spec[k++] = fmt[++i];
		if (i + 1 >= fmt_size)
			return (u64)(s64)-EINVAL;
		spec[k++] = fmt[++i];
		spec[k] = '\0';
		switch (spec[k - 1]) {
		case 'd': case 'i':
			w = snprintf(out + o, KBPF_PRINTK_MAX - o, "%lld",
				     k == 2 ? (long long)(int)args[arg] : (long long)args[arg]);
			break;
		case 'u':
			w = snprintf(out + o, KBPF_PRINTK_MAX - o, "%llu",
				     k == 2 ? (unsigned long long)(u32)args[arg] :
				     (unsigned long long)args[arg]);
			break;
		case 'x': case 'X':
			w = snprintf(out + o, KBPF_PRINTK_MAX - o, spec[k - 1] == 'x' ? "%llx" : "%llX",
				     k == 2 ? (unsigned long long)(u32)args[arg] :
				     (unsigned long long)args[arg]);
			break;
		case 'p':
			w = snprintf(out + o, KBPF_PRINTK_MAX - o, "0x%llx",
				     (unsigned long long)args[arg]);
			break;
		case 'c':
			w = snprintf(out + o, KBPF_PRINTK_MAX - o, "%c", (char)args[arg]);
			break;
		case 's':
			kbpf_read_str(strs[n], sizeof(strs[n]), (const void *)(unsigned long)args[arg],
				      args[arg] < TASK_SIZE_MAX);
			w = snprintf(out + o, KBPF_PRINTK_MAX - o, "%s", strs[n]);
			n++;
			break;
		default:
			return (u64)(s64)-EINVAL;
		}
		arg++;
		if (w > 0)
			o = min_t(u32, o + w, KBPF_PRINTK_MAX - 1);
	}
	out[o] = '\0';
	__trace_printk(_THIS_IP_, "%s", out);
	return o;
}

/* Called when a program that calls trace_printk is loaded. */
void kbpf_trace_printk_prepare(void)
{
	trace_printk_init_buffers();
}

u64 kbpf_helper_trace_printk(u64 fmt_ptr, u64 fmt_size, u64 a1, u64 a2, u64 a3)
{
	const char *fmt = (const char *)(unsigned long)fmt_ptr;
	u64 args[3] = { a1, a2, a3 };
	char (*strs)[64];
	char *out;
	u64 ret;

	if (!fmt_size || fmt[fmt_size - 1])
		return (u64)(s64)-EINVAL;	/* must be a NUL-terminated string */
	/* this CPU's buffers; no other program may run here meanwhile */
	preempt_disable();
	out = *this_cpu_ptr(&kbpf_printk_buf);
	strs = *this_cpu_ptr(&kbpf_printk_strs);
	ret = kbpf_format(out, strs, fmt, (u32)fmt_size, args);
	preempt_enable();
	return ret;
}
