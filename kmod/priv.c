// SPDX-License-Identifier: GPL-2.0
/*
 * Unprivileged BPF: the module's mirror of kernel.unprivileged_bpf_disabled.
 *
 *   /sys/module/kbpf/parameters/unprivileged_bpf_disabled
 *     0  loaders without CAP_BPF may create maps and load SOCKET_FILTER
 *        programs (the verifier then applies its unprivileged rules);
 *     1  disabled, and locked: it cannot be changed until the module is
 *        reloaded (as the sysctl, which stays 1 until reboot);
 *     2  disabled (default, as Debian's CONFIG_BPF_UNPRIV_DEFAULT_OFF);
 *        root may switch it to 0 or 1.
 *
 * Writing needs CAP_SYS_ADMIN, values outside 0..2 are -EINVAL, and leaving
 * state 1 is -EPERM, exactly as the sysctl's handler in Linux 6.1. The
 * device node stays 0600: an administrator who wants unprivileged loaders
 * also grants them access to /dev/kbpf (a udev rule or chmod).
 */
#include <linux/capability.h>
#include <linux/moduleparam.h>

#include "kbpf_internal.h"

#define KBPF_UNPRIV_ENABLED	0
#define KBPF_UNPRIV_LOCKED	1
#define KBPF_UNPRIV_DEFAULT	2

static DEFINE_MUTEX(kbpf_unpriv_lock);
static int unprivileged_bpf_disabled = KBPF_UNPRIV_DEFAULT;

static int kbpf_set_unpriv(const char *val, const struct kernel_param *kp)
{
	int n, err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = kstrtoint(val, 0, &n);
	if (err)
		return err;
	if (n < KBPF_UNPRIV_ENABLED || n > KBPF_UNPRIV_DEFAULT)
		return -EINVAL;

	mutex_lock(&kbpf_unpriv_lock);
	if (READ_ONCE(unprivileged_bpf_disabled) == KBPF_UNPRIV_LOCKED &&
	    n != KBPF_UNPRIV_LOCKED)
		err = -EPERM;
	else
		WRITE_ONCE(*(int *)kp->arg, n);
	mutex_unlock(&kbpf_unpriv_lock);
	return err;
}

static const struct kernel_param_ops kbpf_unpriv_ops = {
	.set = kbpf_set_unpriv,
	.get = param_get_int,
};

module_param_cb(unprivileged_bpf_disabled, &kbpf_unpriv_ops, &unprivileged_bpf_disabled, 0644);
MODULE_PARM_DESC(unprivileged_bpf_disabled,
		 "As kernel.unprivileged_bpf_disabled: 0 allowed, 1 disabled (locked), 2 disabled (default)");

/* May the caller create maps and load programs (the gate before any check)? */
bool kbpf_may_create_objects(void)
{
	return bpf_capable() || !READ_ONCE(unprivileged_bpf_disabled);
}
