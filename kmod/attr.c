// SPDX-License-Identifier: GPL-2.0
/*
 * Small pieces of bpf(2) attribute handling shared by several commands:
 * the "unknown tail must be zero" rule, object names, and map/fd access
 * flags.
 */
#include <linux/ctype.h>
#include <linux/uaccess.h>
#include <linux/fcntl.h>

#include "kbpf_internal.h"

/*
 * A struct from userspace may be larger than the one we know if its tail
 * is all zero (newer userspace, nothing asked of us we do not understand).
 * Same rules as bpf(2): more than a page is -E2BIG, a non-zero tail is
 * -E2BIG, an unreadable tail is -EFAULT.
 */
int kbpf_check_uarg_tail_zero(const void __user *uaddr, size_t expected,
			      size_t actual)
{
	int res;

	if (unlikely(actual > PAGE_SIZE))
		return -E2BIG;
	if (actual <= expected)
		return 0;
	res = check_zeroed_user(uaddr + expected, actual - expected);
	if (res < 0)
		return res;
	return res ? 0 : -E2BIG;
}

/*
 * Copy an object name (map_name, prog_name): only [A-Za-z0-9_.], and it
 * must be NUL-terminated within size bytes. Returns the length or -EINVAL.
 */
int kbpf_obj_name_cpy(char *dst, const char *src, unsigned int size)
{
	unsigned int i;

	memset(dst, 0, size);
	for (i = 0; i < size && src[i]; i++) {
		if (!isalnum(src[i]) && src[i] != '_' && src[i] != '.')
			return -EINVAL;
		dst[i] = src[i];
	}
	if (i == size)
		return -EINVAL;
	return i;
}

/* BPF_F_RDONLY / BPF_F_WRONLY to the open flags of a map fd. */
int kbpf_get_file_flag(u32 flags)
{
	if ((flags & BPF_F_RDONLY) && (flags & BPF_F_WRONLY))
		return -EINVAL;
	if (flags & BPF_F_RDONLY)
		return O_RDONLY;
	if (flags & BPF_F_WRONLY)
		return O_WRONLY;
	return O_RDWR;
}
