// SPDX-License-Identifier: GPL-2.0
/*
 * kbpffs: kbpf's own pinning filesystem, with bpffs semantics.
 *
 *	mount -t kbpffs none /sys/fs/kbpf
 *
 * Every mount is a new, empty instance (like bpffs). Directories, symlinks
 * and hard links work as on bpffs; a regular file is a pinned object (a
 * program, map or link) and its inode holds one reference on it, dropped
 * when the inode is destroyed (last unlink with no user left, or umount).
 * Names containing a '.' are refused (-EPERM), as bpffs reserves them.
 * open() of a pinned object is -EIO (bpffs shows maps with BTF as text;
 * kbpf has no BTF). BPF_OBJ_PIN / BPF_OBJ_GET are kmod/pin.c.
 *
 * The superblock reports BPF_FS_MAGIC so that unmodified libbpf and
 * bpftool, which statfs() a pin path and insist on that magic, accept it
 * (see README, "Pinning"). The filesystem type is owned by this module:
 * a mounted instance pins kbpf.ko, so every pinned object is released
 * (at umount) before the module can go.
 */
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/kobject.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "kbpf_internal.h"

/* The superblock magic statfs() reports: bpffs's, see the header comment. */
#define KBPFFS_MAGIC		BPF_FS_MAGIC
/* The mount point the module creates under /sys/fs. */
#define KBPFFS_SYSFS_DIR	"kbpf"

static const struct inode_operations kbpffs_dir_iops;
/* The inode operations tell the kind of pinned object (i_private). */
static const struct inode_operations kbpffs_prog_iops = { };
static const struct inode_operations kbpffs_map_iops = { };
static const struct inode_operations kbpffs_link_iops = { };

static const struct inode_operations *kbpffs_obj_iops(enum kbpf_obj_type type)
{
	switch (type) {
	case KBPF_OBJ_PROG:
		return &kbpffs_prog_iops;
	case KBPF_OBJ_MAP:
		return &kbpffs_map_iops;
	case KBPF_OBJ_LINK:
		return &kbpffs_link_iops;
	default:
		return NULL;
	}
}

static enum kbpf_obj_type kbpffs_inode_type(const struct inode *inode)
{
	if (inode->i_op == &kbpffs_prog_iops)
		return KBPF_OBJ_PROG;
	if (inode->i_op == &kbpffs_map_iops)
		return KBPF_OBJ_MAP;
	if (inode->i_op == &kbpffs_link_iops)
		return KBPF_OBJ_LINK;
	return KBPF_OBJ_NONE;
}

static struct inode *kbpffs_new_inode(struct super_block *sb,
				      const struct inode *dir, umode_t mode)
{
	struct inode *inode;

	switch (mode & S_IFMT) {
	case S_IFDIR:
	case S_IFREG:
	case S_IFLNK:
		break;
	default:
		return ERR_PTR(-EINVAL);
	}
	inode = new_inode(sb);
	if (!inode)
		return ERR_PTR(-ENOSPC);
	inode->i_ino = get_next_ino();
	inode->i_atime = current_time(inode);
	inode->i_mtime = inode->i_atime;
	inode->i_ctime = inode->i_atime;
	inode_init_owner(&init_user_ns, inode, dir, mode);
	return inode;
}

/* The new inode goes live under dentry; the dentry stays until unlink. */
static void kbpffs_instantiate(struct dentry *dentry, struct inode *inode,
			       struct inode *dir)
{
	d_instantiate(dentry, inode);
	dget(dentry);
	dir->i_mtime = current_time(dir);
	dir->i_ctime = dir->i_mtime;
}

static int kbpffs_mkdir(struct user_namespace *mnt_userns, struct inode *dir,
			struct dentry *dentry, umode_t mode)
{
	struct inode *inode;

	inode = kbpffs_new_inode(dir->i_sb, dir, mode | S_IFDIR);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	inode->i_op = &kbpffs_dir_iops;
	inode->i_fop = &simple_dir_operations;
	inc_nlink(inode);
	inc_nlink(dir);
	kbpffs_instantiate(dentry, inode, dir);
	return 0;
}

static int kbpffs_symlink(struct user_namespace *mnt_userns, struct inode *dir,
			  struct dentry *dentry, const char *target)
{
	struct inode *inode;
	char *link;

	link = kstrdup(target, GFP_USER | __GFP_NOWARN);
	if (!link)
		return -ENOMEM;
	inode = kbpffs_new_inode(dir->i_sb, dir, S_IRWXUGO | S_IFLNK);
	if (IS_ERR(inode)) {
		kfree(link);
		return PTR_ERR(inode);
	}
	inode->i_op = &simple_symlink_inode_operations;
	inode->i_link = link;
	kbpffs_instantiate(dentry, inode, dir);
	return 0;
}

/* Names with a dot are reserved, as on bpffs (unless the dir is mode 0). */
static struct dentry *kbpffs_lookup(struct inode *dir, struct dentry *dentry,
				    unsigned int flags)
{
	if ((dir->i_mode & S_IALLUGO) && strchr(dentry->d_name.name, '.'))
		return ERR_PTR(-EPERM);
	return simple_lookup(dir, dentry, flags);
}

static const struct inode_operations kbpffs_dir_iops = {
	.lookup		= kbpffs_lookup,
	.mkdir		= kbpffs_mkdir,
	.symlink	= kbpffs_symlink,
	.rmdir		= simple_rmdir,
	.rename		= simple_rename,
	.link		= simple_link,
	.unlink		= simple_unlink,
};

/* A pinned object is not a readable file (bpffs: -EIO without BTF). */
static int kbpffs_obj_open(struct inode *inode, struct file *file)
{
	return -EIO;
}

static const struct file_operations kbpffs_obj_fops = {
	.owner	= THIS_MODULE,
	.open	= kbpffs_obj_open,
};

struct kbpffs_pin_arg {
	void *obj;
	enum kbpf_obj_type type;
};

/* vfs_mkobj() callback: the inode takes over the caller's reference. */
static int kbpffs_mkobj(struct dentry *dentry, umode_t mode, void *arg)
{
	const struct kbpffs_pin_arg *pin = arg;
	struct inode *dir = d_inode(dentry->d_parent);
	struct inode *inode;

	inode = kbpffs_new_inode(dir->i_sb, dir, mode);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	inode->i_op = kbpffs_obj_iops(pin->type);
	inode->i_fop = &kbpffs_obj_fops;
	inode->i_private = pin->obj;
	kbpffs_instantiate(dentry, inode, dir);
	return 0;
}

int kbpffs_pin(const char __user *pathname, void *obj, enum kbpf_obj_type type)
{
	struct kbpffs_pin_arg pin = { .obj = obj, .type = type };
	struct dentry *dentry;
	struct path path;
	umode_t mode;
	int err;

	if (!kbpffs_obj_iops(type))
		return -EPERM;
	dentry = user_path_create(AT_FDCWD, pathname, &path, 0);
	if (IS_ERR(dentry))
		return PTR_ERR(dentry);

	mode = S_IFREG | ((S_IRUSR | S_IWUSR) & ~current_umask());
	err = security_path_mknod(&path, dentry, mode, 0);
	if (err)
		goto out;
	/* Only into a kbpffs directory (bpffs: -EPERM elsewhere). */
	if (d_inode(path.dentry)->i_op != &kbpffs_dir_iops) {
		err = -EPERM;
		goto out;
	}
	err = vfs_mkobj(dentry, mode, kbpffs_mkobj, &pin);
out:
	done_path_create(&path, dentry);
	return err;
}

void *kbpffs_get(const char __user *pathname, int f_flags,
		 enum kbpf_obj_type *type)
{
	struct inode *inode;
	struct path path;
	void *obj;
	int err;

	err = user_path_at(AT_FDCWD, pathname, LOOKUP_FOLLOW, &path);
	if (err)
		return ERR_PTR(err);
	inode = d_backing_inode(path.dentry);
	err = path_permission(&path, ACC_MODE(f_flags));
	if (err)
		goto out;
	/* Anything but a pinned kbpf object, on any filesystem: -EACCES. */
	*type = kbpffs_inode_type(inode);
	if (*type == KBPF_OBJ_NONE) {
		err = -EACCES;
		goto out;
	}
	obj = inode->i_private;
	kbpf_obj_ref(obj, *type, false);
	touch_atime(&path);
	path_put(&path);
	return obj;
out:
	path_put(&path);
	return ERR_PTR(err);
}

/* Process context (iput): the object's put may sleep (link release). */
static void kbpffs_destroy_inode(struct inode *inode)
{
	enum kbpf_obj_type type = kbpffs_inode_type(inode);

	if (type != KBPF_OBJ_NONE)
		kbpf_obj_unref(inode->i_private, type, true);
}

/* After an RCU grace period: RCU path walks may still read i_link. */
static void kbpffs_free_inode(struct inode *inode)
{
	if (S_ISLNK(inode->i_mode))
		kfree(inode->i_link);
	free_inode_nonrcu(inode);
}

static int kbpffs_show_options(struct seq_file *m, struct dentry *root)
{
	umode_t mode = d_inode(root)->i_mode & S_IALLUGO & ~S_ISVTX;

	if (mode != S_IRWXUGO)
		seq_printf(m, ",mode=%o", mode);
	return 0;
}

static const struct super_operations kbpffs_super_ops = {
	.statfs		= simple_statfs,
	.drop_inode	= generic_delete_inode,
	.show_options	= kbpffs_show_options,
	.destroy_inode	= kbpffs_destroy_inode,
	.free_inode	= kbpffs_free_inode,
};

/* ---- mounting ---------------------------------------------------------- */

enum { KBPFFS_OPT_MODE };

static const struct fs_parameter_spec kbpffs_params[] = {
	fsparam_u32oct("mode", KBPFFS_OPT_MODE),
	{}
};

struct kbpffs_mount_opts {
	umode_t mode;
};

/* As bpffs: "mode=" is known, anything else is ignored ("source" kept). */
static int kbpffs_parse_param(struct fs_context *fc, struct fs_parameter *param)
{
	struct kbpffs_mount_opts *opts = fc->fs_private;
	struct fs_parse_result result;
	int opt;

	opt = fs_parse(fc, kbpffs_params, param, &result);
	if (opt == -ENOPARAM) {
		opt = vfs_parse_fs_param_source(fc, param);
		return opt == -ENOPARAM ? 0 : opt;
	}
	if (opt < 0)
		return opt;
	if (opt == KBPFFS_OPT_MODE)
		opts->mode = result.uint_32 & S_IALLUGO;
	return 0;
}

static int kbpffs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	static const struct tree_descr no_files[] = { { "" } };
	struct kbpffs_mount_opts *opts = fc->fs_private;
	struct inode *root;
	int err;

	err = simple_fill_super(sb, KBPFFS_MAGIC, no_files);
	if (err)
		return err;
	sb->s_op = &kbpffs_super_ops;
	root = d_inode(sb->s_root);
	root->i_op = &kbpffs_dir_iops;
	root->i_mode &= ~S_IALLUGO;
	root->i_mode |= S_ISVTX | opts->mode;
	return 0;
}

static int kbpffs_get_tree(struct fs_context *fc)
{
	return get_tree_nodev(fc, kbpffs_fill_super);
}

static void kbpffs_free_fc(struct fs_context *fc)
{
	kfree(fc->fs_private);
}

static const struct fs_context_operations kbpffs_context_ops = {
	.free		= kbpffs_free_fc,
	.parse_param	= kbpffs_parse_param,
	.get_tree	= kbpffs_get_tree,
};

static int kbpffs_init_fs_context(struct fs_context *fc)
{
	struct kbpffs_mount_opts *opts;

	opts = kzalloc(sizeof(*opts), GFP_KERNEL);
	if (!opts)
		return -ENOMEM;
	opts->mode = S_IRWXUGO;
	fc->fs_private = opts;
	fc->ops = &kbpffs_context_ops;
	return 0;
}

static struct file_system_type kbpffs_type = {
	.owner			= THIS_MODULE,
	.name			= "kbpffs",
	.init_fs_context	= kbpffs_init_fs_context,
	.parameters		= kbpffs_params,
	/* Evicts every inode, and so drops every pinned object. */
	.kill_sb		= kill_litter_super,
};

int kbpffs_init(void)
{
	int err;

	err = sysfs_create_mount_point(fs_kobj, KBPFFS_SYSFS_DIR);
	if (err)
		return err;
	err = register_filesystem(&kbpffs_type);
	if (err)
		goto err_mount_point;
	return 0;

err_mount_point:
	sysfs_remove_mount_point(fs_kobj, KBPFFS_SYSFS_DIR);
	return err;
}

/* No instance is mounted (each one pins the module). */
void kbpffs_exit(void)
{
	unregister_filesystem(&kbpffs_type);
	sysfs_remove_mount_point(fs_kobj, KBPFFS_SYSFS_DIR);
}
