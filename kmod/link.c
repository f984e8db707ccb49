// SPDX-License-Identifier: GPL-2.0
/*
 * Link objects: the "bpf-link" anon-inode fd, references, ids, and the
 * commands that act on any link (LINK_UPDATE, LINK_DETACH, LINK_GET_NEXT_ID,
 * LINK_GET_FD_BY_ID). A link owns one attachment; it is undone when the
 * last reference goes (every fd holds one) or by LINK_DETACH. Also the
 * common runner of tracing programs (recursion guard, run context).
 */
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/idr.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "kbpf_internal.h"

static DEFINE_IDR(kbpf_link_idr);
static DEFINE_SPINLOCK(kbpf_link_idr_lock);
DEFINE_PER_CPU(int, kbpf_trace_active);

void kbpf_link_init(struct kbpf_link *link, u32 type, u32 attach_type,
		    const struct kbpf_link_ops *ops, struct kbpf_prog *prog)
{
	refcount_set(&link->refcnt, 1);
	link->type = type;
	link->attach_type = attach_type;
	link->ops = ops;
	RCU_INIT_POINTER(link->prog, prog);
	mutex_init(&link->mutex);
	atomic64_set(&link->misses, 0);
	kbpf_object_created();
}

static struct kbpf_prog *kbpf_link_prog(struct kbpf_link *link)
{
	return rcu_dereference_protected(link->prog, refcount_read(&link->refcnt) == 0 ||
					 lockdep_is_held(&link->mutex));
}

static void kbpf_link_release(struct kbpf_link *link)
{
	mutex_lock(&link->mutex);
	if (!link->released) {
		link->ops->release(link);
		link->released = true;
	}
	mutex_unlock(&link->mutex);
}

static void kbpf_link_free_id(struct kbpf_link *link)
{
	unsigned long flags;

	if (!link->id)
		return;
	spin_lock_irqsave(&kbpf_link_idr_lock, flags);
	idr_remove(&kbpf_link_idr, link->id);
	link->id = 0;
	spin_unlock_irqrestore(&kbpf_link_idr_lock, flags);
}

void kbpf_link_inc(struct kbpf_link *link)
{
	refcount_inc(&link->refcnt);
}

/* Process context only: release may sleep. */
void kbpf_link_put(struct kbpf_link *link)
{
	struct kbpf_prog *prog;

	if (!refcount_dec_and_test(&link->refcnt))
		return;
	kbpf_link_free_id(link);
	kbpf_link_release(link);
	/* No run is in progress any more (release's contract). */
	prog = kbpf_link_prog(link);
	if (prog)
		kbpf_prog_put(prog);
	mutex_destroy(&link->mutex);
	link->ops->dealloc(link);
	kbpf_object_destroyed();
}

/* The attachment failed: free the link; the caller keeps its program ref. */
void kbpf_link_abort(struct kbpf_link *link)
{
	link->released = true;
	RCU_INIT_POINTER(link->prog, NULL);
	kbpf_link_put(link);
}

static int kbpf_link_file_release(struct inode *inode, struct file *file)
{
	kbpf_link_put(file->private_data);
	return 0;
}

static const char *const kbpf_link_type_names[] = {
	[BPF_LINK_TYPE_RAW_TRACEPOINT]	= "raw_tracepoint",
	[BPF_LINK_TYPE_TRACING]		= "tracing",
	[BPF_LINK_TYPE_CGROUP]		= "cgroup",
	[BPF_LINK_TYPE_ITER]		= "iter",
	[BPF_LINK_TYPE_NETNS]		= "netns",
	[BPF_LINK_TYPE_XDP]		= "xdp",
	[BPF_LINK_TYPE_PERF_EVENT]	= "perf_event",
	[BPF_LINK_TYPE_KPROBE_MULTI]	= "kprobe_multi",
	[BPF_LINK_TYPE_STRUCT_OPS]	= "struct_ops",
	[KBPF_LINK_TYPE_NETFILTER]	= "netfilter",
};

/* As Linux's bpf_link_show_fdinfo(). */
static void kbpf_link_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct kbpf_link *link = file->private_data;
	char tag[BPF_TAG_SIZE * 2 + 1];
	const struct kbpf_prog *prog;
	u32 prog_id = 0;

	if (link->type < ARRAY_SIZE(kbpf_link_type_names) &&
	    kbpf_link_type_names[link->type])
		seq_printf(m, "link_type:\t%s\n", kbpf_link_type_names[link->type]);
	else
		seq_printf(m, "link_type:\t<%u>\n", link->type);
	seq_printf(m, "link_id:\t%u\n", link->id);

	rcu_read_lock();
	prog = rcu_dereference(link->prog);
	if (prog) {
		bin2hex(tag, prog->tag, sizeof(prog->tag));
		tag[sizeof(tag) - 1] = '\0';
		prog_id = prog->id;
	}
	rcu_read_unlock();
	if (prog)
		seq_printf(m, "prog_tag:\t%s\nprog_id:\t%u\n", tag, prog_id);
	if (link->ops->show_fdinfo)
		link->ops->show_fdinfo(link, m);
}

const struct file_operations kbpf_link_fops = {
	.owner		= THIS_MODULE,
	.show_fdinfo	= kbpf_link_show_fdinfo,
	.release	= kbpf_link_file_release,
	.llseek		= noop_llseek,
};

/* Consumes the caller's reference on success. */
int kbpf_link_new_fd(struct kbpf_link *link)
{
	return anon_inode_getfd("bpf-link", &kbpf_link_fops, link,
				O_RDWR | O_CLOEXEC);
}

int kbpf_link_publish(struct kbpf_link *link)
{
	int id, fd;

	idr_preload(GFP_KERNEL);
	spin_lock_bh(&kbpf_link_idr_lock);
	id = idr_alloc_cyclic(&kbpf_link_idr, link, 1, INT_MAX, GFP_ATOMIC);
	if (id > 0)
		link->id = id;
	spin_unlock_bh(&kbpf_link_idr_lock);
	idr_preload_end();
	if (id < 0) {
		fd = id;
		goto err_put;
	}
	fd = kbpf_link_new_fd(link);
	if (fd < 0)
		goto err_put;
	return fd;

err_put:
	/* The caller keeps its program reference; the link drops its own. */
	kbpf_prog_inc(rcu_dereference_protected(link->prog, true));
	kbpf_link_put(link);
	return fd;
}

struct kbpf_link *kbpf_link_get(int fd)
{
	struct fd f = fdget(fd);
	struct kbpf_link *link;

	if (!f.file)
		return ERR_PTR(-EBADF);
	if (f.file->f_op != &kbpf_link_fops) {
		fdput(f);
		return ERR_PTR(-EINVAL);
	}
	link = f.file->private_data;
	kbpf_link_inc(link);
	fdput(f);
	return link;
}

/* ---- tracing runs ---------------------------------------------------- */

/*
 * Run link's program on ctx, with the run context set for helpers. The
 * caller holds kbpf_trace_begin().
 */
void kbpf_link_run_guarded(struct kbpf_link *link, const void *ctx, u64 cookie,
			   u64 func_ip, struct pt_regs *regs)
{
	struct kbpf_run_ctx rc = { .cookie = cookie, .func_ip = func_ip, .regs = regs };
	struct kbpf_prog *prog;
#ifdef CONFIG_BPF_SYSCALL
	struct bpf_run_ctx *old;
#endif

	rcu_read_lock();
	migrate_disable();
	prog = rcu_dereference(link->prog);
#ifdef CONFIG_BPF_SYSCALL
	old = current->bpf_ctx;
	current->bpf_ctx = &rc.base;
#endif
	kbpf_prog_run(prog, ctx);
#ifdef CONFIG_BPF_SYSCALL
	current->bpf_ctx = old;
#endif
	migrate_enable();
	rcu_read_unlock();
}

void kbpf_link_run_trace(struct kbpf_link *link, const void *ctx, u64 cookie,
			 u64 func_ip, struct pt_regs *regs)
{
	if (likely(kbpf_trace_begin()))
		kbpf_link_run_guarded(link, ctx, cookie, func_ip, regs);
	else
		atomic64_inc(&link->misses);
	kbpf_trace_end();
}

/* ---- commands -------------------------------------------------------- */

int kbpf_cmd_link_update(const union bpf_attr *attr)
{
	struct kbpf_prog *new_prog, *old_prog = NULL, *cur;
	struct kbpf_link *link;
	u32 flags = attr->link_update.flags;
	int err;

	if (KBPF_CHECK_ATTR(attr, link_update.old_prog_fd))
		return -EINVAL;
	if (flags & ~BPF_F_REPLACE)
		return -EINVAL;

	link = kbpf_link_get(attr->link_update.link_fd);
	if (IS_ERR(link))
		return PTR_ERR(link);
	new_prog = kbpf_prog_get(attr->link_update.new_prog_fd);
	if (IS_ERR(new_prog)) {
		err = PTR_ERR(new_prog);
		goto out_link;
	}
	if (flags & BPF_F_REPLACE) {
		old_prog = kbpf_prog_get(attr->link_update.old_prog_fd);
		if (IS_ERR(old_prog)) {
			err = PTR_ERR(old_prog);
			old_prog = NULL;
			goto out_progs;
		}
	} else if (attr->link_update.old_prog_fd) {
		err = -EINVAL;
		goto out_progs;
	}

	err = -EINVAL;
	if (!link->ops->updatable)
		goto out_progs;

	mutex_lock(&link->mutex);
	cur = kbpf_link_prog(link);
	if (link->released)
		err = -ENOLINK;
	else if (old_prog && old_prog != cur)
		err = -EPERM;
	else if (new_prog->type != cur->type ||
		 new_prog->expected_attach_type != cur->expected_attach_type)
		err = -EINVAL;
	else
		err = 0;
	if (!err) {
		/* The attachment reads link->prog once per run, under RCU. */
		rcu_assign_pointer(link->prog, new_prog);
		kbpf_prog_put(cur);
	}
	mutex_unlock(&link->mutex);

out_progs:
	if (old_prog)
		kbpf_prog_put(old_prog);
	if (err)
		kbpf_prog_put(new_prog);
out_link:
	kbpf_link_put(link);
	return err;
}

int kbpf_cmd_link_detach(const union bpf_attr *attr)
{
	struct kbpf_link *link;
	int err = 0;

	if (KBPF_CHECK_ATTR(attr, link_detach.link_fd))
		return -EINVAL;
	link = kbpf_link_get(attr->link_detach.link_fd);
	if (IS_ERR(link))
		return PTR_ERR(link);
	if (link->ops->detachable)
		kbpf_link_release(link);
	else
		err = -EOPNOTSUPP;
	kbpf_link_put(link);
	return err;
}

int kbpf_cmd_link_get_next_id(const union bpf_attr *attr,
			      union bpf_attr __user *uattr)
{
	u32 next_id = attr->start_id;
	int err = 0;

	if (KBPF_CHECK_ATTR(attr, next_id) || next_id >= INT_MAX)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	next_id++;
	spin_lock_bh(&kbpf_link_idr_lock);
	if (!idr_get_next(&kbpf_link_idr, &next_id))
		err = -ENOENT;
	spin_unlock_bh(&kbpf_link_idr_lock);
	if (!err)
		err = put_user(next_id, &uattr->next_id);
	return err;
}

int kbpf_cmd_link_get_fd_by_id(const union bpf_attr *attr)
{
	struct kbpf_link *link;
	int fd;

	if (KBPF_CHECK_ATTR(attr, link_id))
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	spin_lock_bh(&kbpf_link_idr_lock);
	link = attr->link_id ? idr_find(&kbpf_link_idr, attr->link_id) : NULL;
	if (link && !refcount_inc_not_zero(&link->refcnt))
		link = NULL;
	spin_unlock_bh(&kbpf_link_idr_lock);
	if (!link)
		return -ENOENT;

	fd = kbpf_link_new_fd(link);
	if (fd < 0)
		kbpf_link_put(link);
	return fd;
}

int kbpf_links_init(void)
{
	return kbpf_perf_tp_init();
}

/* Every link is gone by now (each fd pins the module). */
void kbpf_links_exit(void)
{
	kbpf_perf_tp_exit();
	idr_destroy(&kbpf_link_idr);
}

/* BPF_OBJ_GET_INFO_BY_FD on a link, as Linux's bpf_link_get_info_by_fd(). */
int kbpf_link_info(struct kbpf_link *link, const union bpf_attr *attr,
		   union bpf_attr __user *uattr)
{
	struct bpf_link_info __user *uinfo = u64_to_user_ptr(attr->info.info);
	u32 info_len = attr->info.info_len;
	struct bpf_link_info info;
	struct kbpf_prog *prog;
	int err;

	err = kbpf_check_uarg_tail_zero(uinfo, sizeof(info), info_len);
	if (err)
		return err;
	info_len = min_t(u32, sizeof(info), info_len);

	memset(&info, 0, sizeof(info));
	if (copy_from_user(&info, uinfo, info_len))
		return -EFAULT;

	mutex_lock(&link->mutex);
	prog = kbpf_link_prog(link);
	info.type = link->type;
	info.id = link->id;
	info.prog_id = prog ? prog->id : 0;
	mutex_unlock(&link->mutex);
	if (link->ops->fill_info) {
		err = link->ops->fill_info(link, &info);
		if (err)
			return err;
	}

	if (copy_to_user(uinfo, &info, info_len) ||
	    put_user(info_len, &uattr->info.info_len))
		return -EFAULT;
	return 0;
}
