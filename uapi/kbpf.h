/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kbpf device ABI: bpf(2), carried over one ioctl on /dev/kbpf.
 *
 *	struct kbpf_call call = { .cmd = BPF_MAP_CREATE, .size = sizeof(attr),
 *				  .attr = (__u64)(unsigned long)&attr };
 *	ioctl(fd, KBPF_IOC_CALL, &call);
 *
 * behaves exactly like syscall(__NR_bpf, cmd, &attr, size): same command
 * numbers, same union bpf_attr (from <linux/bpf.h>), same errno values, and
 * results written back into the caller's attr. The ioctl returns what bpf(2)
 * returns (a new fd, 0, or -1 with errno).
 */
#ifndef _UAPI_KBPF_H
#define _UAPI_KBPF_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define KBPF_DEVICE_NAME	"kbpf"
#define KBPF_DEVICE_PATH	"/dev/kbpf"

struct kbpf_call {
	__u32		cmd;	/* enum bpf_cmd */
	__u32		size;	/* size of the attr the caller passes */
	__aligned_u64	attr;	/* user pointer to union bpf_attr */
};

#define KBPF_IOC_MAGIC	0xBF
#define KBPF_IOC_CALL	_IOW(KBPF_IOC_MAGIC, 1, struct kbpf_call)

#endif /* _UAPI_KBPF_H */
