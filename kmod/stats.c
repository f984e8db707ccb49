// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_ENABLE_STATS: while any "bpf-stats" fd is open, every program run is
 * timed into the program's run_time_ns / run_cnt (bpf_prog_info, fdinfo).
 */
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>

#include "kbpf_internal.h"

atomic_t kbpf_stats_users = ATOMIC_INIT(0);

static int kbpf_stats_release(struct inode *inode, struct file *file)
{
	atomic_dec(&kbpf_stats_users);
	return 0;
}

static const struct file_operations kbpf_stats_fops = {
	.owner		= THIS_MODULE,
	.release	= kbpf_stats_release,
};

int kbpf_cmd_enable_stats(union bpf_attr *attr)
{
	int fd;

	if (KBPF_CHECK_ATTR(attr, enable_stats.type))
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (attr->enable_stats.type != BPF_STATS_RUN_TIME)
		return -EINVAL;
	if (atomic_inc_return(&kbpf_stats_users) == INT_MAX) {
		atomic_dec(&kbpf_stats_users);
		return -EBUSY;
	}
	fd = anon_inode_getfd("bpf-stats", &kbpf_stats_fops, NULL, O_CLOEXEC);
	if (fd < 0)
		atomic_dec(&kbpf_stats_users);
	return fd;
}
