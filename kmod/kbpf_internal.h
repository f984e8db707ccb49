/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the kernel side of kbpf: the object model (maps,
 * programs, their fds, ids and lifetime), the per-command entry points the
 * dispatcher calls, the map ops every map family implements, and the
 * kernel helper table.
 *
 * (Named kbpf_internal.h rather than kbpf.h so it never shadows the device
 * ABI header uapi/kbpf.h, which is on the include path.)
 */
#ifndef _KBPF_INTERNAL_H
#define _KBPF_INTERNAL_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/refcount.h>
#include <linux/workqueue.h>
#include <linux/uidgid.h>
#include <linux/fs.h>
#include <linux/string.h>
#include <linux/mm_types.h>
#include <linux/atomic.h>
#include <linux/sched/clock.h>
#include <linux/mutex.h>

#include "kbpf_core.h"
#include "../jit/kbpf_jit.h"

/* ---- Limits (kernel side; the core's limits are in kbpf_core.h) ------- *
 *
 * KBPF_ARRAY_MAX_VALUE_SIZE	ARRAY value_size above this is -E2BIG (as
 *				Linux 6.1 stable: INT_MAX, so round_up() of it
 *				cannot overflow; big arrays then fail with
 *				-ENOMEM when their memory cannot be had).
 * KBPF_HTAB_LINUX_ELEM_SIZE	HASH: key_size + value_size >= KMALLOC_MAX_SIZE
 *				minus this is -E2BIG. 48 is sizeof(struct
 *				htab_elem) in Linux 6.1 x86-64; we keep the
 *				kernel's number so the limit is identical.
 *	Linux 6.1 has no separate key_size limit for HASH at MAP_CREATE (the
 *	verifier limits what programs can pass, via the 512-byte stack), so
 *	neither do we.
 * KBPF_LOG_KBUF_MAX		the verifier log is written to a kernel buffer
 *				of min(log_size, this) bytes, then copied out.
 *				A log longer than this is reported truncated
 *				(-ENOSPC) even if the user buffer is larger.
 * KBPF_LICENSE_LEN		license string, as Linux (128, NUL included).
 */
#define KBPF_ARRAY_MAX_VALUE_SIZE	INT_MAX
#define KBPF_HTAB_LINUX_ELEM_SIZE	48
#define KBPF_LOG_KBUF_MAX		(16U << 20)
#define KBPF_LICENSE_LEN		128
/* log_level bits accepted, as Linux 6.1's BPF_LOG_MASK (LEVEL1|LEVEL2|STATS). */
#define KBPF_LOG_LEVEL_MASK		7U

/*
 * CHECK_ATTR: every byte of union bpf_attr after the last field a command
 * knows must be zero. field is a member designator, e.g. test.batch_size.
 */
#define KBPF_CHECK_ATTR(attr, field)					\
	(memchr_inv((void *)(attr) + offsetofend(union bpf_attr, field), 0, \
		    sizeof(*(attr)) - offsetofend(union bpf_attr, field)) != NULL)

/* ---- Maps ------------------------------------------------------------- */

struct kbpf_map;
struct poll_table_struct;

/*
 * One table per map family. All element ops may be called from program
 * context (rcu_read_lock held, migration disabled, possibly irqs off), so
 * they must not sleep. lookup returns a pointer to the value or NULL.
 */
struct kbpf_map_ops {
	/* Validate attr before allocating; returns 0 or -errno. */
	int (*alloc_check)(const union bpf_attr *attr);
	/* Allocate the map (kbpf_map fields are filled by the caller). */
	struct kbpf_map *(*alloc)(const union bpf_attr *attr);
	/* Free everything; no program or fd can reach the map any more. */
	void (*free)(struct kbpf_map *map);
	void *(*lookup)(struct kbpf_map *map, const void *key);
	int (*update)(struct kbpf_map *map, const void *key, const void *value,
		      u64 flags);
	int (*delete)(struct kbpf_map *map, const void *key);
	/* key NULL: first key. Returns 0, or -ENOENT after the last key. */
	int (*get_next_key)(struct kbpf_map *map, const void *key,
			    void *next_key);
	/* Optional: map the values into userspace (BPF_F_MMAPABLE). */
	int (*mmap)(struct kbpf_map *map, struct vm_area_struct *vma);
	/*
	 * Optional: poll()/epoll on the map fd (RINGBUF). Without it the fd
	 * reports EPOLLERR, as Linux.
	 */
	__poll_t (*poll)(struct kbpf_map *map, struct file *file,
			 struct poll_table_struct *pts);
	/* Optional: the last user fd closed (programs may still hold the map). */
	void (*release_uref)(struct kbpf_map *map);
	/*
	 * Optional, for the JIT: map_lookup_elem, map_update_elem and
	 * map_delete_elem as direct calls (KBPF_MAP_*_HELPER below).
	 */
	kbpf_helper_fn lookup_helper;
	kbpf_helper_fn update_helper;
	kbpf_helper_fn delete_helper;
	/* Optional, for the JIT: values in one flat area (inline lookups). */
	bool (*flat)(struct kbpf_map *map, void **base, u32 *stride);

	/*
	 * From here: the syscall side of the map types added in issue 4.
	 *
	 * percpu: from userspace a value is round_up(value_size, 8) bytes
	 * per possible CPU (kbpf_map_value_size()); lookup/update then go
	 * through copy_value/update_value, which must be set.
	 */
	bool percpu;
	/* Optional: the max_entries the map reports, if not attr's. */
	u32 (*max_entries)(const union bpf_attr *attr);
	/*
	 * Optional: BPF_MAP_LOOKUP_ELEM from the syscall, into value
	 * (kbpf_map_value_size() bytes). 0 or -errno. Called under
	 * rcu_read_lock. Without it: ops->lookup and a copy.
	 */
	int (*copy_value)(struct kbpf_map *map, const void *key, void *value);
	/* Optional: BPF_MAP_UPDATE_ELEM from the syscall. Without: ->update. */
	int (*update_value)(struct kbpf_map *map, const void *key,
			    const void *value, u64 flags);
	/* Optional: BPF_MAP_LOOKUP_AND_DELETE_ELEM (hash types). */
	int (*lookup_and_delete)(struct kbpf_map *map, const void *key,
				 void *value, u64 flags);
	/*
	 * Optional, QUEUE/STACK/BLOOM_FILTER; programs reach them through
	 * helpers. push: 0 or -errno; pop/peek fill value (value_size).
	 */
	int (*push)(struct kbpf_map *map, const void *value, u64 flags);
	int (*pop)(struct kbpf_map *map, void *value);
	int (*peek)(struct kbpf_map *map, void *value);
	/*
	 * Optional batch commands (NULL: -ENOTSUPP, as Linux). Called from
	 * the syscall (may sleep, no RCU held); write counts back to uattr.
	 */
	int (*lookup_batch)(struct kbpf_map *map, const union bpf_attr *attr,
			    union bpf_attr __user *uattr);
	int (*lookup_and_delete_batch)(struct kbpf_map *map,
				       const union bpf_attr *attr,
				       union bpf_attr __user *uattr);
	int (*update_batch)(struct kbpf_map *map, struct file *file,
			    const union bpf_attr *attr,
			    union bpf_attr __user *uattr);
	int (*delete_batch)(struct kbpf_map *map, const union bpf_attr *attr,
			    union bpf_attr __user *uattr);
	/*
	 * Optional, for maps whose entries belong to the map file they came
	 * through (PERF_EVENT_ARRAY, as Linux's map_fd_get_ptr with
	 * map_file): BPF_MAP_UPDATE_ELEM from the syscall (rcu_read_lock
	 * held; instead of ->update_value/->update), and every close of one
	 * of the map's files, before its user reference is dropped.
	 */
	int (*update_file)(struct kbpf_map *map, struct file *map_file,
			   const void *key, const void *value, u64 flags);
	void (*release_file)(struct kbpf_map *map, struct file *map_file);
};

struct kbpf_map {
	/*
	 * Must be first: the verifier rewrites ld_imm64 map fds to &map->desc
	 * and helpers receive that pointer in r1.
	 */
	struct kbpf_map_desc desc;
	const struct kbpf_map_ops *ops;
	refcount_t refcnt;		/* one per fd or pin, one per using program */
	atomic_t usercnt;		/* fds and pins: see ops->release_uref */
	u32 id;				/* 0 until published in the idr */
	int numa_node;
	u64 map_extra;
	char name[BPF_OBJ_NAME_LEN];
	struct rcu_work free_work;	/* last put -> RCU grace period -> free */
	/*
	 * BPF_MAP_FREEZE: once frozen, syscall writes fail with -EPERM.
	 * writecnt counts writable mmaps and syscall writes in flight;
	 * freezing needs it at zero (-EBUSY), under freeze_mutex.
	 */
	struct mutex freeze_mutex;
	atomic64_t writecnt;
	bool frozen;
};

static inline struct kbpf_map *kbpf_map_from_desc(const struct kbpf_map_desc *desc)
{
	return container_of((struct kbpf_map_desc *)desc, struct kbpf_map, desc);
}

/*
 * A map op's int as programs get it from map_update_elem/map_delete_elem:
 * zero-extended, as 6.1's JIT and interpreter hand the op's int over
 * (-E2BIG is 0x00000000fffffff9); see helpers/map_helpers.c.
 */
static inline u64 kbpf_helper_int_ret(int v)
{
	return (u32)v;
}

static inline struct kbpf_map *kbpf_helper_arg_map(u64 r1)
{
	return kbpf_map_from_desc((const struct kbpf_map_desc *)(unsigned long)r1);
}

/*
 * A map family's element op wrapped as a helper (kbpf_helper_fn) that the
 * JIT calls directly when the map is known at the call site, as 6.1's
 * fixup turns map_*_elem calls into direct calls of the map's ops: no
 * indirect call through ops, and op can be inlined into the wrapper.
 */
#define KBPF_MAP_LOOKUP_HELPER(name, op)				\
static u64 name(u64 map, u64 key, u64 r3, u64 r4, u64 r5)		\
{									\
	return (unsigned long)op(kbpf_helper_arg_map(map),		\
				 (const void *)(unsigned long)key);	\
}
#define KBPF_MAP_UPDATE_HELPER(name, op)				\
static u64 name(u64 map, u64 key, u64 value, u64 flags, u64 r5)	\
{									\
	return kbpf_helper_int_ret(op(kbpf_helper_arg_map(map),		\
				      (const void *)(unsigned long)key,	\
				      (const void *)(unsigned long)value, \
				      flags));				\
}
#define KBPF_MAP_DELETE_HELPER(name, op)				\
static u64 name(u64 map, u64 key, u64 r3, u64 r4, u64 r5)		\
{									\
	return kbpf_helper_int_ret(op(kbpf_helper_arg_map(map),		\
				      (const void *)(unsigned long)key));	\
}

/* maps/registry.c */
const struct kbpf_map_ops *kbpf_map_type_ops(u32 map_type);
extern const struct kbpf_map_ops kbpf_array_map_ops;
extern const struct kbpf_map_ops kbpf_htab_map_ops;
extern const struct kbpf_map_ops kbpf_stackmap_ops;
extern const struct kbpf_map_ops kbpf_prog_array_map_ops;
extern const struct kbpf_map_ops kbpf_percpu_array_map_ops;
extern const struct kbpf_map_ops kbpf_htab_percpu_map_ops;
extern const struct kbpf_map_ops kbpf_htab_lru_map_ops;
extern const struct kbpf_map_ops kbpf_htab_lru_percpu_map_ops;
extern const struct kbpf_map_ops kbpf_queue_map_ops;
extern const struct kbpf_map_ops kbpf_stack_map_ops;
extern const struct kbpf_map_ops kbpf_bloom_map_ops;
extern const struct kbpf_map_ops kbpf_lpm_trie_map_ops;
extern const struct kbpf_map_ops kbpf_ringbuf_map_ops;
extern const struct kbpf_map_ops kbpf_perf_event_array_map_ops;
extern const struct kbpf_map_ops kbpf_array_of_maps_map_ops;

/* maps/array.c: get_next_key of the array-shaped maps (keys 0..max_entries-1). */
int kbpf_array_get_next_key(struct kbpf_map *map, const void *key, void *next_key);
/* maps/fd_array.c: MAP_CREATE checks of the fd arrays (Linux's fd_array_map_alloc_check). */
int kbpf_fd_array_alloc_check(const union bpf_attr *attr, u32 extra_flags);
/* *index = the u32 key, clamped below max_entries under speculation; false past it. */
bool kbpf_fd_array_index(const struct kbpf_map *map, const void *key, u32 *index);
/* maps/perf_event_array.c: the event behind index (BPF_F_CURRENT_CPU: this CPU's), or ERR_PTR. */
struct perf_event *kbpf_perf_event_array_event(struct kbpf_map *map, u64 index);

/* maps/batch.c: Linux's generic batch commands, over the element ops. */
int kbpf_generic_lookup_batch(struct kbpf_map *map, const union bpf_attr *attr,
			      union bpf_attr __user *uattr);
int kbpf_generic_update_batch(struct kbpf_map *map, struct file *file,
			      const union bpf_attr *attr,
			      union bpf_attr __user *uattr);
int kbpf_generic_delete_batch(struct kbpf_map *map, const union bpf_attr *attr,
			      union bpf_attr __user *uattr);

struct kbpf_prog;
/* maps/prog_array.c: may prog share this PROG_ARRAY (type, JIT)? */
bool kbpf_prog_array_compatible(struct kbpf_map *map, const struct kbpf_prog *prog);

/*
 * A map's raw spinlock, from any context programs run in: irqs off; in
 * NMI only a trylock (-EBUSY when it is held: the NMI may have interrupted
 * the holder on this CPU).
 */
static inline int kbpf_map_lock_irqsave(raw_spinlock_t *lock, unsigned long *flags)
{
	if (in_nmi())
		return raw_spin_trylock_irqsave(lock, *flags) ? 0 : -EBUSY;
	raw_spin_lock_irqsave(lock, *flags);
	return 0;
}

/*
 * maps/stackmap.c. KBPF_STACK_MAX_FRAMES is the deepest stack kbpf
 * records: 6.1's default kernel.perf_event_max_stack (that sysctl is not
 * exported to modules, so kbpf does not follow changes to it).
 */
#define KBPF_STACK_MAX_FRAMES	127
u32 kbpf_stackmap_max_frames(const struct kbpf_map *map);
long kbpf_stackmap_get_id(struct kbpf_map *map, const u64 *ips, u32 nr, u64 flags);
void kbpf_stackmap_ip_frames(struct bpf_stack_build_id *out, const u64 *ips, u32 nr);

/* maps/area.c: large zeroed map memory, accounted, may fail quietly. */
void *kbpf_map_area_alloc(u64 size, int numa_node);
void kbpf_map_area_free(void *area);

/* kmod/map_obj.c */
extern const struct file_operations kbpf_map_fops;
void kbpf_map_init_from_attr(struct kbpf_map *map, const union bpf_attr *attr);
void kbpf_map_inc(struct kbpf_map *map);
bool kbpf_map_inc_not_zero(struct kbpf_map *map);
void kbpf_map_put(struct kbpf_map *map);
void kbpf_map_inc_uref(struct kbpf_map *map);
void kbpf_map_put_uref(struct kbpf_map *map);
/* Adds a user reference; consumes the caller's reference on success. */
int kbpf_map_new_fd(struct kbpf_map *map, int f_flags);
struct kbpf_map *kbpf_map_from_file(struct file *file);
u32 kbpf_map_value_size(const struct kbpf_map *map);
/* The fd's FMODE_CAN_READ/WRITE, less WRITE once the map is frozen. */
fmode_t kbpf_map_sys_perms(struct kbpf_map *map, struct file *file);
void kbpf_map_write_active_inc(struct kbpf_map *map);
void kbpf_map_write_active_dec(struct kbpf_map *map);
/* The element commands as the syscall runs them (also used by batches). */
int kbpf_map_copy_value(struct kbpf_map *map, const void *key, void *value);
int kbpf_map_update_value(struct kbpf_map *map, const void *key,
			  const void *value, u64 flags);

/* ---- Programs --------------------------------------------------------- */

struct kbpf_prog {
	refcount_t refcnt;		/* one per fd, pin or link */
	u32 id;
	u32 type;			/* enum bpf_prog_type */
	u32 expected_attach_type;	/* enum bpf_attach_type, as loaded */
	u32 len;			/* instructions */
	u32 stack_depth;
	u32 verified_insns;
	bool gpl_compatible;
	u8 tag[BPF_TAG_SIZE];
	char name[BPF_OBJ_NAME_LEN];
	kuid_t uid;			/* creator */
	u64 load_time;			/* boottime ns */
	u32 used_map_cnt;
	struct kbpf_map *used_maps[KBPF_MAX_USED_MAPS];	/* one ref each */
	struct bpf_insn *insns;		/* verified, as run */
	/* Where tail calls enter it (maps/prog_array.c slots point here). */
	struct kbpf_tail_target tail;
	/* JIT image (kmod/jit.c): NULL when the program is interpreted. */
	kbpf_jited_fn jited;
	void *jit_image;
	u32 jit_len;
	bool jit_blinded;
	bool jit_spec_fenced;		/* built with spec_fence (spec_harden) */
	/* BPF_ENABLE_STATS accounting (kmod/stats.c) */
	atomic64_t run_time_ns;
	atomic64_t run_cnt;
	struct rcu_work free_work;
};

/* kmod/prog_obj.c */
extern const struct file_operations kbpf_prog_fops;
struct kbpf_prog *kbpf_prog_alloc(u32 insn_cnt);
void kbpf_prog_free(struct kbpf_prog *prog);	/* never-published prog */
void kbpf_prog_inc(struct kbpf_prog *prog);
bool kbpf_prog_inc_not_zero(struct kbpf_prog *prog);
void kbpf_prog_put(struct kbpf_prog *prog);
int kbpf_prog_new_fd(struct kbpf_prog *prog);
struct kbpf_prog *kbpf_prog_get(int fd);	/* ref or ERR_PTR */
struct kbpf_prog *kbpf_prog_from_file(struct file *file);

/* kmod/prog_tag.c */
int kbpf_prog_calc_tag(const struct bpf_insn *insns, u32 len,
		       u8 tag[BPF_TAG_SIZE]);
struct bpf_insn *kbpf_prog_dump_xlated(const struct kbpf_prog *prog);

/* kmod/exec_mem.c: executable memory and the kernel symbols it needs. */
int kbpf_exec_mem_init(void);
bool kbpf_exec_mem_available(void);
void *kbpf_exec_alloc(u32 size);
int kbpf_exec_protect(void *image, u32 size);
void kbpf_exec_free(void *image, u32 size);

/* kmod/jit.c */
int kbpf_prog_jit(struct kbpf_prog *prog, const struct kbpf_subprog *subs, u32 sub_cnt,
		  const struct kbpf_map_desc *const *call_maps);
void kbpf_prog_jit_free(struct kbpf_prog *prog);

/* kmod/stats.c */
extern atomic_t kbpf_stats_users;
int kbpf_cmd_enable_stats(union bpf_attr *attr);

/* helpers/table.c; run with rcu_read_lock held and migration disabled. */
extern const kbpf_helper_fn kbpf_helper_fns[KBPF_FUNC_MAX];

static inline u32 kbpf_prog_run_raw(const struct kbpf_prog *prog, const void *ctx)
{
	kbpf_jited_fn fn = smp_load_acquire(&prog->jited);

	if (fn)
		return (u32)fn(ctx);
	return (u32)kbpf_interp_run(prog->insns, kbpf_helper_fns, ctx);
}

static inline u32 kbpf_prog_run(struct kbpf_prog *prog, const void *ctx)
{
	u64 start;
	u32 ret;

	if (likely(!atomic_read(&kbpf_stats_users)))
		return kbpf_prog_run_raw(prog, ctx);
	start = sched_clock();
	ret = kbpf_prog_run_raw(prog, ctx);
	atomic64_add(sched_clock() - start, &prog->run_time_ns);
	atomic64_inc(&prog->run_cnt);
	return ret;
}

/* The SOCKET_FILTER context, struct kbpf_skb_ctx, is the core's (kbpf_core.h). */

/* ---- Objects: ids and deferred freeing (kmod/objects.c, kmod/ids.c) --- */

int kbpf_objects_init(void);
void kbpf_objects_exit(void);
void kbpf_object_created(void);
void kbpf_object_destroyed(void);
void kbpf_defer_free(struct rcu_work *work);

int kbpf_map_alloc_id(struct kbpf_map *map);
void kbpf_map_free_id(struct kbpf_map *map);
int kbpf_prog_alloc_id(struct kbpf_prog *prog);
void kbpf_prog_free_id(struct kbpf_prog *prog);

/* ---- Attr helpers (kmod/attr.c) ---------------------------------------- */

int kbpf_check_uarg_tail_zero(const void __user *uaddr, size_t expected,
			      size_t actual);
int kbpf_obj_name_cpy(char *dst, const char *src, unsigned int size);
int kbpf_get_file_flag(u32 flags);

/* ---- Commands (one per bpf(2) cmd) ------------------------------------- */

int kbpf_sys_bpf(u32 cmd, union bpf_attr __user *uattr, u32 size);
/* priv.c: the unprivileged_bpf_disabled gate for MAP_CREATE and PROG_LOAD. */
bool kbpf_may_create_objects(void);

int kbpf_cmd_map_create(union bpf_attr *attr);
int kbpf_cmd_map_lookup_elem(union bpf_attr *attr);
int kbpf_cmd_map_update_elem(union bpf_attr *attr);
int kbpf_cmd_map_delete_elem(union bpf_attr *attr);
int kbpf_cmd_map_get_next_key(union bpf_attr *attr);
int kbpf_cmd_map_lookup_and_delete_elem(union bpf_attr *attr);
int kbpf_cmd_map_freeze(const union bpf_attr *attr);
int kbpf_cmd_map_batch(const union bpf_attr *attr, union bpf_attr __user *uattr,
		       u32 cmd);
int kbpf_cmd_prog_load(union bpf_attr *attr);
int kbpf_cmd_prog_test_run(const union bpf_attr *attr,
			   union bpf_attr __user *uattr);
int kbpf_cmd_map_get_next_id(const union bpf_attr *attr,
			     union bpf_attr __user *uattr);
int kbpf_cmd_prog_get_next_id(const union bpf_attr *attr,
			      union bpf_attr __user *uattr);
int kbpf_cmd_map_get_fd_by_id(const union bpf_attr *attr);
int kbpf_cmd_prog_get_fd_by_id(const union bpf_attr *attr);
int kbpf_cmd_obj_get_info_by_fd(const union bpf_attr *attr,
				union bpf_attr __user *uattr);

/* kmod/test_run.c */
int kbpf_test_run_xdp(struct kbpf_prog *prog, const union bpf_attr *attr,
		      union bpf_attr __user *uattr);
int kbpf_test_run_skb(struct kbpf_prog *prog, const union bpf_attr *attr,
		      union bpf_attr __user *uattr);

/* ---- Helpers (helpers/map_helpers.c) ----------------------------------- */

u64 kbpf_helper_map_lookup_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_map_update_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
u64 kbpf_helper_map_delete_elem(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);

/* ---- Links and attach points (kmod/link*.c, kmod/attach_*.c) --------- */

struct kbpf_link;
struct seq_file;

/*
 * One table per link type. A link holds one program reference for its
 * whole life (replaced by BPF_LINK_UPDATE). release() undoes the
 * attachment and must not return while a run of the link's program can
 * still be in progress (unregister + tracepoint_synchronize_unregister()
 * / synchronize_rcu()); it is called at most once, from process context,
 * either by BPF_LINK_DETACH or when the last reference goes.
 */
struct kbpf_link_ops {
	void (*release)(struct kbpf_link *link);
	void (*dealloc)(struct kbpf_link *link);	/* free the container */
	/* BPF_LINK_DETACH allowed (else -EOPNOTSUPP, as 6.1's tracing links) */
	bool detachable;
	/* BPF_LINK_UPDATE allowed (else -EINVAL, as 6.1's tracing links) */
	bool updatable;
	/* Optional: type-specific fdinfo lines and bpf_link_info fields. */
	void (*show_fdinfo)(const struct kbpf_link *link, struct seq_file *m);
	int (*fill_info)(const struct kbpf_link *link, struct bpf_link_info *info);
};

struct kbpf_link {
	refcount_t refcnt;		/* one per fd or pin */
	u32 id;				/* 0 until published in the idr */
	u32 type;			/* enum bpf_link_type */
	u32 attach_type;		/* enum bpf_attach_type */
	const struct kbpf_link_ops *ops;
	/*
	 * The program the attachment runs: read once per run with
	 * rcu_dereference() (runs happen under RCU), swapped under mutex by
	 * BPF_LINK_UPDATE; the old one is put after the swap (programs are
	 * freed after an RCU grace period).
	 */
	struct kbpf_prog __rcu *prog;
	struct mutex mutex;		/* update vs detach */
	bool released;			/* ops->release() done */
	atomic64_t misses;		/* runs skipped (recursion) */
};

/*
 * The per-run context of tracing programs, for helpers (get_attach_cookie,
 * get_func_ip): while a KPROBE / TRACEPOINT / RAW_TRACEPOINT program runs
 * from a link, current->bpf_ctx points at the base of one of these (on
 * the runner's stack; the previous value is restored after the run, so
 * nesting with the kernel's own BPF is fine). Helpers use
 * kbpf_run_ctx_current(), which is NULL outside such a run.
 *	cookie	 the attach cookie (kprobe_multi cookies[i]; the bpf_cookie of
 *		 a kbpf event link; 0 for raw tracepoints)
 *	func_ip	 kprobes: the probed function's address (0 when the probe has
 *		 an offset, as Linux); 0 for tracepoints
 *	regs	 where stacks start (get_stackid, get_stack): the probe's
 *		 pt_regs, or the caller regs perf hands a tracepoint's
 *		 overflow handler; NULL for raw tracepoints
 */
struct kbpf_run_ctx {
	struct bpf_run_ctx base;
	u64 cookie;
	u64 func_ip;
	struct pt_regs *regs;
};

static inline struct kbpf_run_ctx *kbpf_run_ctx_current(void)
{
#ifdef CONFIG_BPF_SYSCALL
	return current->bpf_ctx ?
	       container_of(current->bpf_ctx, struct kbpf_run_ctx, base) : NULL;
#else
	return NULL;
#endif
}

/* kmod/link.c */
extern const struct file_operations kbpf_link_fops;
int kbpf_links_init(void);
void kbpf_links_exit(void);
/* Takes over the caller's reference on prog. */
void kbpf_link_init(struct kbpf_link *link, u32 type, u32 attach_type,
		    const struct kbpf_link_ops *ops, struct kbpf_prog *prog);
/*
 * Publish an attached link: id + "bpf-link" fd, which then owns the
 * program reference given to kbpf_link_init(). On failure the link is
 * released and freed (ops->release, ops->dealloc), -errno is returned and
 * the caller still owns its program reference.
 */
int kbpf_link_publish(struct kbpf_link *link);
/* Attaching failed after kbpf_link_init(): free it, the caller keeps prog. */
void kbpf_link_abort(struct kbpf_link *link);
void kbpf_link_inc(struct kbpf_link *link);
void kbpf_link_put(struct kbpf_link *link);
struct kbpf_link *kbpf_link_get(int fd);	/* ref or ERR_PTR */
int kbpf_link_new_fd(struct kbpf_link *link);
/*
 * Tracing runs: the caller's probe context has preemption disabled.
 * kbpf_trace_begin() is false when a tracing program already runs on this
 * CPU (the run is skipped and counted, as Linux's bpf_prog_active);
 * kbpf_trace_end() must follow either way.
 */
DECLARE_PER_CPU(int, kbpf_trace_active);

static inline bool kbpf_trace_begin(void)
{
	return this_cpu_inc_return(kbpf_trace_active) == 1;
}

static inline void kbpf_trace_end(void)
{
	this_cpu_dec(kbpf_trace_active);
}
void kbpf_link_run_trace(struct kbpf_link *link, const void *ctx, u64 cookie,
			 u64 func_ip, struct pt_regs *regs);
/* The same, for a caller that already holds kbpf_trace_begin(). */
void kbpf_link_run_guarded(struct kbpf_link *link, const void *ctx, u64 cookie,
			   u64 func_ip, struct pt_regs *regs);
/*
 * Type-specific bpf_link_info fields (uapi kbpf_link_info_*) sit where
 * 6.1's union starts (the kernel builds with -fno-strict-aliasing).
 */
#define KBPF_LINK_INFO_U(info)	((void *)&(info)->raw_tracepoint)
/* BPF_OBJ_GET_INFO_BY_FD on a link (kmod/link.c). */
int kbpf_link_info(struct kbpf_link *link, const union bpf_attr *attr,
		   union bpf_attr __user *uattr);

int kbpf_cmd_link_create(const union bpf_attr *attr);
int kbpf_cmd_link_update(const union bpf_attr *attr);
int kbpf_cmd_link_detach(const union bpf_attr *attr);
int kbpf_cmd_link_get_fd_by_id(const union bpf_attr *attr);
int kbpf_cmd_link_get_next_id(const union bpf_attr *attr,
			      union bpf_attr __user *uattr);
int kbpf_cmd_raw_tracepoint_open(const union bpf_attr *attr);

/*
 * The attach points: return a link fd (which owns the caller's program
 * reference) or -errno (the caller still owns it).
 */
int kbpf_kprobe_multi_attach(const union bpf_attr *attr, struct kbpf_prog *prog);
int kbpf_kprobe_event_attach(const char *name, u64 cookie, u32 flags,
			     struct kbpf_prog *prog);
int kbpf_raw_tp_attach(const char __user *uname, struct kbpf_prog *prog);
int kbpf_perf_tp_attach(const char *name, u32 id, u64 cookie,
			struct kbpf_prog *prog);
int kbpf_perf_tp_init(void);
void kbpf_perf_tp_exit(void);
int kbpf_nf_attach(const union bpf_attr *attr, struct kbpf_prog *prog);

/* ---- Pinning (kmod/kbpffs.c, kmod/pin.c) ------------------------------ */

enum kbpf_obj_type {
	KBPF_OBJ_NONE,
	KBPF_OBJ_PROG,
	KBPF_OBJ_MAP,
	KBPF_OBJ_LINK,
};

/* kmod/pin.c: take / drop a reference by kind (uref: see the file). */
void kbpf_obj_ref(void *obj, enum kbpf_obj_type type, bool uref);
void kbpf_obj_unref(void *obj, enum kbpf_obj_type type, bool uref);
int kbpf_cmd_obj_pin(const union bpf_attr *attr);
int kbpf_cmd_obj_get(const union bpf_attr *attr);

/* kmod/kbpffs.c */
int kbpffs_init(void);
void kbpffs_exit(void);
/* Pin obj at pathname; on success the new inode owns the (uref) reference. */
int kbpffs_pin(const char __user *pathname, void *obj, enum kbpf_obj_type type);
/* The object pinned at pathname, with a new (non-uref) reference. */
void *kbpffs_get(const char __user *pathname, int f_flags,
		 enum kbpf_obj_type *type);

/* kmod/exec_mem.c: a kernel symbol's address, 0 if unknown. */
unsigned long kbpf_ksym_addr(const char *name);

#endif /* _KBPF_INTERNAL_H */
