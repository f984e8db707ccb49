// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_OBJ_GET_INFO_BY_FD for maps and programs. info_len works as in
 * bpf(2): a shorter buffer gets a truncated struct, a longer one must have
 * a zero tail (-E2BIG otherwise), and the length used is written back.
 * Program info starts from the caller's struct, since its array fields
 * (map_ids, xlated_prog_insns, ...) are buffers the caller sized.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kbpf_internal.h"

static int kbpf_map_get_info(struct kbpf_map *map, const union bpf_attr *attr,
			     union bpf_attr __user *uattr)
{
	struct bpf_map_info __user *uinfo = u64_to_user_ptr(attr->info.info);
	u32 info_len = attr->info.info_len;
	struct bpf_map_info info;
	int err;

	err = kbpf_check_uarg_tail_zero(uinfo, sizeof(info), info_len);
	if (err)
		return err;
	info_len = min_t(u32, sizeof(info), info_len);

	memset(&info, 0, sizeof(info));
	info.type = map->desc.map_type;
	info.id = map->id;
	info.key_size = map->desc.key_size;
	info.value_size = map->desc.value_size;
	info.max_entries = map->desc.max_entries;
	info.map_flags = map->desc.map_flags;
	info.map_extra = map->map_extra;
	memcpy(info.name, map->name, sizeof(map->name));

	if (copy_to_user(uinfo, &info, info_len) ||
	    put_user(info_len, &uattr->info.info_len))
		return -EFAULT;
	return 0;
}

/* As Linux's set_info_rec_size(): record sizes must match ours if given. */
static int kbpf_set_info_rec_size(struct bpf_prog_info *info)
{
	if ((info->nr_func_info || info->func_info_rec_size) &&
	    info->func_info_rec_size != sizeof(struct bpf_func_info))
		return -EINVAL;
	if ((info->nr_line_info || info->line_info_rec_size) &&
	    info->line_info_rec_size != sizeof(struct bpf_line_info))
		return -EINVAL;
	if ((info->nr_jited_line_info || info->jited_line_info_rec_size) &&
	    info->jited_line_info_rec_size != sizeof(__u64))
		return -EINVAL;
	info->func_info_rec_size = sizeof(struct bpf_func_info);
	info->line_info_rec_size = sizeof(struct bpf_line_info);
	info->jited_line_info_rec_size = sizeof(__u64);
	return 0;
}

static int kbpf_prog_info_xlated(const struct kbpf_prog *prog,
				 struct bpf_prog_info *info)
{
	u32 ulen = info->xlated_prog_len;
	struct bpf_insn *insns;
	bool fault;

	info->xlated_prog_len = prog->len * sizeof(struct bpf_insn);
	if (!info->xlated_prog_len || !ulen)
		return 0;

	insns = kbpf_prog_dump_xlated(prog);
	if (!insns)
		return -ENOMEM;
	ulen = min(info->xlated_prog_len, ulen);
	fault = copy_to_user(u64_to_user_ptr(info->xlated_prog_insns), insns,
			     ulen);
	kvfree(insns);
	return fault ? -EFAULT : 0;
}

/*
 * JIT fields. kbpf emits all of a program's functions into one image, so it
 * reports one "function": the whole image, at its address. As Linux, the
 * bytes and the address are only shown to who may see kernel addresses
 * (bpf_dump_raw_ok: here CAP_SYSLOG); lengths are shown to all.
 */
static int kbpf_prog_info_funcs(const struct kbpf_prog *prog,
				struct bpf_prog_info *info)
{
	bool raw_ok = capable(CAP_SYSLOG);
	u32 ulen;

	ulen = info->jited_prog_len;
	info->jited_prog_len = prog->jit_len;
	if (prog->jit_len && ulen) {
		if (raw_ok) {
			ulen = min(ulen, prog->jit_len);
			if (copy_to_user(u64_to_user_ptr(info->jited_prog_insns),
					 prog->jit_image, ulen))
				return -EFAULT;
		} else {
			info->jited_prog_insns = 0;
		}
	}

	ulen = info->nr_jited_ksyms;
	info->nr_jited_ksyms = 1;
	if (ulen) {
		u64 addr = raw_ok ? (u64)(unsigned long)prog->jit_image : 0;

		if (put_user(addr, (u64 __user *)u64_to_user_ptr(info->jited_ksyms)))
			return -EFAULT;
	}

	ulen = info->nr_jited_func_lens;
	info->nr_jited_func_lens = 1;
	if (ulen && put_user(raw_ok ? prog->jit_len : 0,
			     (u32 __user *)u64_to_user_ptr(info->jited_func_lens)))
		return -EFAULT;

	info->btf_id = 0;
	info->attach_btf_id = 0;
	info->attach_btf_obj_id = 0;
	info->nr_func_info = 0;
	info->nr_line_info = 0;
	info->nr_jited_line_info = 0;

	ulen = info->nr_prog_tags;
	info->nr_prog_tags = 1;
	if (ulen && copy_to_user(u64_to_user_ptr(info->prog_tags), prog->tag,
				 BPF_TAG_SIZE))
		return -EFAULT;
	return 0;
}

static int kbpf_prog_get_info(struct kbpf_prog *prog, const union bpf_attr *attr,
			      union bpf_attr __user *uattr)
{
	struct bpf_prog_info __user *uinfo = u64_to_user_ptr(attr->info.info);
	u32 info_len = attr->info.info_len;
	struct bpf_prog_info info;
	u32 i, ulen;
	int err;

	err = kbpf_check_uarg_tail_zero(uinfo, sizeof(info), info_len);
	if (err)
		return err;
	info_len = min_t(u32, sizeof(info), info_len);

	memset(&info, 0, sizeof(info));
	if (copy_from_user(&info, uinfo, info_len))
		return -EFAULT;

	info.type = prog->type;
	info.id = prog->id;
	info.load_time = prog->load_time;
	info.created_by_uid = from_kuid_munged(current_user_ns(), prog->uid);
	info.gpl_compatible = prog->gpl_compatible;
	memcpy(info.tag, prog->tag, sizeof(prog->tag));
	memcpy(info.name, prog->name, sizeof(prog->name));

	ulen = info.nr_map_ids;
	info.nr_map_ids = prog->used_map_cnt;
	ulen = min(info.nr_map_ids, ulen);
	for (i = 0; i < ulen; i++) {
		u32 __user *ids = u64_to_user_ptr(info.map_ids);

		if (put_user(prog->used_maps[i]->id, &ids[i]))
			return -EFAULT;
	}

	err = kbpf_set_info_rec_size(&info);
	if (err)
		return err;

	info.run_time_ns = atomic64_read(&prog->run_time_ns);
	info.run_cnt = atomic64_read(&prog->run_cnt);
	info.recursion_misses = 0;
	info.verified_insns = prog->verified_insns;

	if (!bpf_capable()) {
		info.jited_prog_len = 0;
		info.xlated_prog_len = 0;
		info.nr_jited_ksyms = 0;
		info.nr_jited_func_lens = 0;
		info.nr_func_info = 0;
		info.nr_line_info = 0;
		info.nr_jited_line_info = 0;
		goto done;
	}

	err = kbpf_prog_info_xlated(prog, &info);
	if (err)
		return err;
	err = kbpf_prog_info_funcs(prog, &info);
	if (err)
		return err;

done:
	if (copy_to_user(uinfo, &info, info_len) ||
	    put_user(info_len, &uattr->info.info_len))
		return -EFAULT;
	return 0;
}

int kbpf_cmd_obj_get_info_by_fd(const union bpf_attr *attr,
				union bpf_attr __user *uattr)
{
	struct fd f;
	int err;

	if (KBPF_CHECK_ATTR(attr, info.info))
		return -EINVAL;

	f = fdget(attr->info.bpf_fd);
	if (!f.file)
		return -EBADFD;

	if (f.file->f_op == &kbpf_prog_fops)
		err = kbpf_prog_get_info(f.file->private_data, attr, uattr);
	else if (f.file->f_op == &kbpf_map_fops)
		err = kbpf_map_get_info(f.file->private_data, attr, uattr);
	else if (f.file->f_op == &kbpf_link_fops)
		err = kbpf_link_info(f.file->private_data, attr, uattr);
	else
		err = -EINVAL;

	fdput(f);
	return err;
}
