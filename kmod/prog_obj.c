// SPDX-License-Identifier: GPL-2.0
/*
 * Program objects: allocation, references, the "bpf-prog" anon-inode fd
 * and its fdinfo. A program holds one reference on each map it uses; they
 * are dropped when the program is freed, after an RCU grace period, so a
 * program that is still running keeps its maps.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/filter.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kbpf_internal.h"

struct kbpf_prog *kbpf_prog_alloc(u32 insn_cnt)
{
	struct kbpf_prog *prog;

	prog = kzalloc(sizeof(*prog), GFP_KERNEL_ACCOUNT);
	if (!prog)
		return NULL;
	prog->insns = kvmalloc_array(insn_cnt, sizeof(struct bpf_insn),
				     GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!prog->insns) {
		kfree(prog);
		return NULL;
	}
	prog->len = insn_cnt;
	refcount_set(&prog->refcnt, 1);
	kbpf_object_created();
	return prog;
}

/* Free now: for a program that never ran and has no id. */
void kbpf_prog_free(struct kbpf_prog *prog)
{
	u32 i;

	kbpf_prog_jit_free(prog);
	for (i = 0; i < prog->used_map_cnt; i++)
		kbpf_map_put(prog->used_maps[i]);
	kvfree(prog->insns);
	kfree(prog);
	kbpf_object_destroyed();
}

static void kbpf_prog_free_deferred(struct work_struct *work)
{
	kbpf_prog_free(container_of(to_rcu_work(work), struct kbpf_prog,
				    free_work));
}

void kbpf_prog_inc(struct kbpf_prog *prog)
{
	refcount_inc(&prog->refcnt);
}

bool kbpf_prog_inc_not_zero(struct kbpf_prog *prog)
{
	return refcount_inc_not_zero(&prog->refcnt);
}

void kbpf_prog_put(struct kbpf_prog *prog)
{
	if (!refcount_dec_and_test(&prog->refcnt))
		return;
	kbpf_prog_free_id(prog);
	INIT_RCU_WORK(&prog->free_work, kbpf_prog_free_deferred);
	kbpf_defer_free(&prog->free_work);
}

static int kbpf_prog_release(struct inode *inode, struct file *file)
{
	kbpf_prog_put(file->private_data);
	return 0;
}

static void kbpf_prog_show_fdinfo(struct seq_file *m, struct file *file)
{
	const struct kbpf_prog *prog = file->private_data;
	char tag[sizeof(prog->tag) * 2 + 1];
	/* "memlock" as Linux counts it: its struct bpf_prog, page-rounded. */
	u64 memlock = round_up(bpf_prog_size(prog->len), PAGE_SIZE);

	bin2hex(tag, prog->tag, sizeof(prog->tag));
	tag[sizeof(tag) - 1] = '\0';
	seq_printf(m,
		   "prog_type:\t%u\n"
		   "prog_jited:\t%u\n"
		   "prog_tag:\t%s\n"
		   "memlock:\t%llu\n"
		   "prog_id:\t%u\n"
		   "run_time_ns:\t%llu\n"
		   "run_cnt:\t%llu\n"
		   "recursion_misses:\t%llu\n"
		   "verified_insns:\t%u\n"
		   "kbpf_jit_blinded:\t%u\n"
		   "kbpf_jit_fenced:\t%u\n",
		   prog->type, prog->jited ? 1 : 0, tag, memlock, prog->id,
		   (u64)atomic64_read(&prog->run_time_ns),
		   (u64)atomic64_read(&prog->run_cnt), 0ULL, prog->verified_insns,
		   prog->jit_blinded ? 1 : 0, prog->jit_spec_fenced ? 1 : 0);
}

const struct file_operations kbpf_prog_fops = {
	.owner		= THIS_MODULE,
	.show_fdinfo	= kbpf_prog_show_fdinfo,
	.release	= kbpf_prog_release,
	.llseek		= noop_llseek,
};

/* Consumes the caller's reference on success. */
int kbpf_prog_new_fd(struct kbpf_prog *prog)
{
	return anon_inode_getfd("bpf-prog", &kbpf_prog_fops, prog,
				O_RDWR | O_CLOEXEC);
}

struct kbpf_prog *kbpf_prog_from_file(struct file *file)
{
	if (file->f_op != &kbpf_prog_fops)
		return ERR_PTR(-EINVAL);
	return file->private_data;
}

/* A reference on the program behind fd: -EBADF, -EINVAL if not a program. */
struct kbpf_prog *kbpf_prog_get(int fd)
{
	struct fd f = fdget(fd);
	struct kbpf_prog *prog;

	if (!f.file)
		return ERR_PTR(-EBADF);
	prog = kbpf_prog_from_file(f.file);
	if (!IS_ERR(prog))
		kbpf_prog_inc(prog);
	fdput(f);
	return prog;
}
