// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf.ko: module init/exit and the /dev/kbpf misc device. One ioctl,
 * KBPF_IOC_CALL, carries one bpf(2) call (see uapi/kbpf.h). Also registers
 * kbpffs, the pinning filesystem (kmod/kbpffs.c).
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "kbpf.h"
#include "kbpf_internal.h"

static long kbpf_dev_ioctl(struct file *file, unsigned int ioc,
			   unsigned long arg)
{
	struct kbpf_call call;

	if (ioc != KBPF_IOC_CALL)
		return -ENOTTY;
	if (copy_from_user(&call, (void __user *)arg, sizeof(call)))
		return -EFAULT;
	return kbpf_sys_bpf(call.cmd, u64_to_user_ptr(call.attr), call.size);
}

static const struct file_operations kbpf_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= kbpf_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice kbpf_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= KBPF_DEVICE_NAME,
	.fops	= &kbpf_dev_fops,
	.mode	= 0600,
};

static int __init kbpf_init(void)
{
	int err;

	err = kbpf_objects_init();
	if (err)
		return err;
	/* Without executable memory, programs still run: interpreted. */
	if (kbpf_exec_mem_init())
		pr_warn("no JIT: programs will be interpreted\n");

	err = kbpf_links_init();
	if (err)
		goto err_objects;
	err = misc_register(&kbpf_miscdev);
	if (err)
		goto err_links;
	err = kbpffs_init();
	if (err)
		goto err_misc;

	pr_info("loaded, %s ready\n", KBPF_DEVICE_PATH);
	return 0;

err_misc:
	misc_deregister(&kbpf_miscdev);
err_links:
	kbpf_links_exit();
err_objects:
	kbpf_objects_exit();
	return err;
}

static void __exit kbpf_exit(void)
{
	/* No kbpffs is mounted (each pins us), so no pin is left. */
	kbpffs_exit();
	misc_deregister(&kbpf_miscdev);
	/* No link is left (each holds an fd or a pin); free what links share. */
	kbpf_links_exit();
	/* No fd is open (each pins us); wait for deferred frees and RCU. */
	kbpf_objects_exit();
	pr_info("unloaded\n");
}

module_init(kbpf_init);
module_exit(kbpf_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kbpf: the BPF subsystem as a loadable module, over /dev/kbpf");
MODULE_AUTHOR("kbpf developers");
