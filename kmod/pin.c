// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_OBJ_PIN and BPF_OBJ_GET, as 6.1: a pinned object is a kbpffs file
 * (kmod/kbpffs.c) whose inode holds one reference on the object (a map's
 * also counts as a user reference, like an fd). Neither command needs a
 * capability: pinning needs the object's fd, getting needs permission on
 * the file (read, write or both, from file_flags).
 */
#include <linux/file.h>
#include <linux/uaccess.h>

#include "kbpf_internal.h"

/* file_flags BPF_OBJ_GET accepts (6.1's BPF_OBJ_FLAG_MASK). */
#define KBPF_OBJ_GET_FLAGS	(BPF_F_RDONLY | BPF_F_WRONLY)

/*
 * Object references by kind. uref: a map's reference also counts as a
 * user of the map (an fd or a pin), as 6.1's bpf_map_inc_with_uref().
 */
void kbpf_obj_ref(void *obj, enum kbpf_obj_type type, bool uref)
{
	switch (type) {
	case KBPF_OBJ_PROG:
		kbpf_prog_inc(obj);
		break;
	case KBPF_OBJ_MAP:
		kbpf_map_inc(obj);
		if (uref)
			kbpf_map_inc_uref(obj);
		break;
	case KBPF_OBJ_LINK:
		kbpf_link_inc(obj);
		break;
	default:
		WARN_ON_ONCE(1);
	}
}

/* Process context: a link's last put undoes its attachment. */
void kbpf_obj_unref(void *obj, enum kbpf_obj_type type, bool uref)
{
	switch (type) {
	case KBPF_OBJ_PROG:
		kbpf_prog_put(obj);
		break;
	case KBPF_OBJ_MAP:
		if (uref)
			kbpf_map_put_uref(obj);
		kbpf_map_put(obj);
		break;
	case KBPF_OBJ_LINK:
		kbpf_link_put(obj);
		break;
	default:
		WARN_ON_ONCE(1);
	}
}

/*
 * A reference on the kbpf object behind ufd. As 6.1, anything else (a
 * closed fd included) is -EINVAL.
 */
static void *kbpf_pin_obj_from_fd(u32 ufd, enum kbpf_obj_type *type)
{
	struct fd f = fdget(ufd);
	void *obj = ERR_PTR(-EINVAL);

	if (!f.file)
		return obj;
	if (f.file->f_op == &kbpf_map_fops)
		*type = KBPF_OBJ_MAP;
	else if (f.file->f_op == &kbpf_prog_fops)
		*type = KBPF_OBJ_PROG;
	else if (f.file->f_op == &kbpf_link_fops)
		*type = KBPF_OBJ_LINK;
	else
		goto out;
	obj = f.file->private_data;
	kbpf_obj_ref(obj, *type, true);
out:
	fdput(f);
	return obj;
}

int kbpf_cmd_obj_pin(const union bpf_attr *attr)
{
	enum kbpf_obj_type type;
	void *obj;
	int err;

	if (KBPF_CHECK_ATTR(attr, file_flags) || attr->file_flags)
		return -EINVAL;
	obj = kbpf_pin_obj_from_fd(attr->bpf_fd, &type);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	/* On success the new inode owns the reference. */
	err = kbpffs_pin(u64_to_user_ptr(attr->pathname), obj, type);
	if (err)
		kbpf_obj_unref(obj, type, true);
	return err;
}

int kbpf_cmd_obj_get(const union bpf_attr *attr)
{
	enum kbpf_obj_type type;
	int f_flags, fd;
	void *obj;

	if (KBPF_CHECK_ATTR(attr, file_flags) || attr->bpf_fd ||
	    attr->file_flags & ~KBPF_OBJ_GET_FLAGS)
		return -EINVAL;
	f_flags = kbpf_get_file_flag(attr->file_flags);
	if (f_flags < 0)
		return f_flags;

	obj = kbpffs_get(u64_to_user_ptr(attr->pathname), f_flags, &type);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	/*
	 * The new fd takes over the reference (a map's fd adds its user
	 * reference itself; a program's fd is always O_RDWR).
	 */
	switch (type) {
	case KBPF_OBJ_PROG:
		fd = kbpf_prog_new_fd(obj);
		break;
	case KBPF_OBJ_MAP:
		fd = kbpf_map_new_fd(obj, f_flags);
		break;
	case KBPF_OBJ_LINK:
		fd = f_flags == O_RDWR ? kbpf_link_new_fd(obj) : -EINVAL;
		break;
	default:
		fd = -ENOENT;
	}
	if (fd < 0)
		kbpf_obj_unref(obj, type, false);
	return fd;
}
