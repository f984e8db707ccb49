// SPDX-License-Identifier: GPL-2.0
/*
 * bpf(2) and /dev/kbpf call helpers shared by the in-VM tests.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "kbpf_test.h"

static int dev_fd = -1;

int kbpf_dev(void)
{
	if (dev_fd < 0) {
		dev_fd = open(KBPF_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		REQUIRE(dev_fd >= 0, "open %s: %s", KBPF_DEVICE_PATH, strerror(errno));
	}
	return dev_fd;
}

void kbpf_dev_close(void)
{
	if (dev_fd >= 0)
		close(dev_fd);
	dev_fd = -1;
}

long kbpf_call(int cmd, void *attr, unsigned int size)
{
	struct kbpf_call call = {
		.cmd = cmd,
		.size = size,
		.attr = (__u64)(unsigned long)attr,
	};

	return ioctl(kbpf_dev(), KBPF_IOC_CALL, &call);
}

long sys_bpf(int cmd, void *attr, unsigned int size)
{
	return syscall(__NR_bpf, cmd, attr, size);
}

bool kt_kernel_as_kbpf;

static long call_kbpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	if (kt_kernel_as_kbpf)
		return sys_bpf(cmd, attr, size);
	return kbpf_call(cmd, attr, size);
}

static long call_kernel(int cmd, union bpf_attr *attr, unsigned int size)
{
	return sys_bpf(cmd, attr, size);
}

const struct backend be_kbpf = { "kbpf", call_kbpf };
const struct backend be_kernel = { "kernel", call_kernel };
const struct backend *const backends[2] = { &be_kbpf, &be_kernel };

const char *kt_errname(int e)
{
	static char buf[32];

	switch (e) {
#define E(x) case x: return #x
	E(EPERM); E(ENOENT); E(ESRCH); E(EINTR); E(EIO); E(E2BIG); E(EBADF);
	E(EAGAIN); E(ENOMEM); E(EACCES); E(EFAULT); E(EBUSY); E(EEXIST);
	E(ENODEV); E(EINVAL); E(ENOSPC); E(ENOTTY); E(ERANGE); E(ENOSYS);
	E(EOPNOTSUPP); E(ELOOP); E(ENXIO);
	E(ENOTDIR); E(EISDIR); E(EMFILE); E(EOVERFLOW); E(EBADFD);
#undef E
	case 524: return "ENOTSUPP";
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

const char *kt_res(long r)
{
	static char bufs[4][48];
	static int i;
	char *b = bufs[i++ & 3];

	if (r < 0)
		snprintf(b, 48, "-%s", kt_errname((int)-r));
	else
		snprintf(b, 48, "%ld", r);
	return b;
}

long b_call(const struct backend *b, int cmd, union bpf_attr *attr)
{
	long r = b->call(cmd, attr, sizeof(*attr));

	return r < 0 ? -errno : r;
}

int b_map_create(const struct backend *b, __u32 type, __u32 ksz, __u32 vsz,
		 __u32 max, __u32 flags, const char *name)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = ksz;
	a.value_size = vsz;
	a.max_entries = max;
	a.map_flags = flags;
	if (name)
		strncpy(a.map_name, name, sizeof(a.map_name) - 1);
	return b_call(b, BPF_MAP_CREATE, &a);
}

int b_map_elem(const struct backend *b, int cmd, int fd, const void *key,
	       const void *val, __u64 flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (__u64)(unsigned long)key;
	a.value = (__u64)(unsigned long)val;
	a.flags = flags;
	return b_call(b, cmd, &a);
}

int b_map_update(const struct backend *b, int fd, const void *key,
		 const void *val, __u64 flags)
{
	return b_map_elem(b, BPF_MAP_UPDATE_ELEM, fd, key, val, flags);
}

int b_map_lookup(const struct backend *b, int fd, const void *key, void *val)
{
	return b_map_elem(b, BPF_MAP_LOOKUP_ELEM, fd, key, val, 0);
}

int b_map_lookup_flags(const struct backend *b, int fd, const void *key,
		       void *val, __u64 flags)
{
	return b_map_elem(b, BPF_MAP_LOOKUP_ELEM, fd, key, val, flags);
}

int b_map_delete(const struct backend *b, int fd, const void *key)
{
	return b_map_elem(b, BPF_MAP_DELETE_ELEM, fd, key, NULL, 0);
}

int b_map_next_key(const struct backend *b, int fd, const void *key, void *next)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (__u64)(unsigned long)key;
	a.next_key = (__u64)(unsigned long)next;
	return b_call(b, BPF_MAP_GET_NEXT_KEY, &a);
}

int b_prog_load(const struct backend *b, __u32 type, const struct bpf_insn *insns,
		__u32 cnt, const char *license, char *log, __u32 log_size,
		const char *name)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.insns = (__u64)(unsigned long)insns;
	a.insn_cnt = cnt;
	a.license = (__u64)(unsigned long)license;
	if (log && log_size) {
		a.log_buf = (__u64)(unsigned long)log;
		a.log_size = log_size;
		a.log_level = 1;
		log[0] = 0;
	}
	if (name)
		strncpy(a.prog_name, name, sizeof(a.prog_name) - 1);
	return b_call(b, BPF_PROG_LOAD, &a);
}

int b_test_run(const struct backend *b, int prog_fd, struct run_opts *o)
{
	union bpf_attr a;
	int r;

	memset(&a, 0, sizeof(a));
	a.test.prog_fd = prog_fd;
	a.test.data_in = (__u64)(unsigned long)o->data;
	a.test.data_size_in = o->data_size;
	a.test.data_out = (__u64)(unsigned long)o->data_out;
	a.test.data_size_out = o->data_size_out;
	a.test.ctx_in = (__u64)(unsigned long)o->ctx;
	a.test.ctx_size_in = o->ctx_size;
	a.test.ctx_out = (__u64)(unsigned long)o->ctx_out;
	a.test.ctx_size_out = o->ctx_size_out;
	a.test.repeat = o->repeat;
	r = b_call(b, BPF_PROG_TEST_RUN, &a);
	o->retval = a.test.retval;
	o->duration = a.test.duration;
	o->data_size_out = a.test.data_size_out;
	o->ctx_size_out = a.test.ctx_size_out;
	return r;
}

int b_obj_info(const struct backend *b, int fd, void *info, __u32 *info_len)
{
	union bpf_attr a;
	int r;

	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = *info_len;
	a.info.info = (__u64)(unsigned long)info;
	r = b_call(b, BPF_OBJ_GET_INFO_BY_FD, &a);
	*info_len = a.info.info_len;
	return r;
}

int b_next_id(const struct backend *b, int cmd, __u32 start, __u32 *next)
{
	union bpf_attr a;
	int r;

	memset(&a, 0, sizeof(a));
	a.start_id = start;
	r = b_call(b, cmd, &a);
	*next = a.next_id;
	return r;
}

int b_fd_by_id(const struct backend *b, int cmd, __u32 id)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	if (cmd == BPF_MAP_GET_FD_BY_ID)
		a.map_id = id;
	else
		a.prog_id = id;
	return b_call(b, cmd, &a);
}

int b_ids(const struct backend *b, int cmd, __u32 *ids, int n)
{
	__u32 id = 0, next;
	int cnt = 0, guard = 0;

	while (b_next_id(b, cmd, id, &next) == 0 && guard++ < 100000) {
		REQUIRE(next > id, "%s GET_NEXT_ID(%u) returned %u (not increasing)",
			b->name, id, next);
		if (cnt < n)
			ids[cnt] = next;
		cnt++;
		id = next;
	}
	return cnt < n ? cnt : n;
}

bool b_has_id(const struct backend *b, int cmd, __u32 id)
{
	__u32 ids[4096];
	int i, n = b_ids(b, cmd, ids, 4096);

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

__u32 b_map_id(const struct backend *b, int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	int r;

	memset(&info, 0, sizeof(info));
	r = b_obj_info(b, fd, &info, &len);
	REQUIRE(r == 0, "%s OBJ_GET_INFO_BY_FD(map fd %d): %s", b->name, fd, kt_res(r));
	return info.id;
}

__u32 b_prog_id(const struct backend *b, int fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int r;

	memset(&info, 0, sizeof(info));
	r = b_obj_info(b, fd, &info, &len);
	REQUIRE(r == 0, "%s OBJ_GET_INFO_BY_FD(prog fd %d): %s", b->name, fd, kt_res(r));
	return info.id;
}

bool fdinfo_get(int fd, const char *key, char *val, size_t len)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char *v;

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		v = line + klen + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		v[strcspn(v, "\n")] = 0;
		snprintf(val, len, "%s", v);
		found = true;
		break;
	}
	fclose(f);
	return found;
}

const struct bpf_insn prog_ret1[2] = {
	MOV64_IMM(BPF_REG_0, 1),
	EXIT_INSN(),
};

int build_counter_prog(struct bpf_insn *out, int map_fd, int key_off, bool ret_count)
{
	struct bpf_insn head_ctx[] = {
		LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_1, key_off),
		STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, -4),
	};
	struct bpf_insn head_zero[] = {
		ST_MEM(BPF_W, BPF_REG_10, -4, 0),
	};
	struct bpf_insn body[] = {
		MOV64_REG(BPF_REG_2, BPF_REG_10),
		ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		LD_MAP_FD(BPF_REG_1, map_fd),
		CALL(BPF_FUNC_map_lookup_elem),
		MOV64_IMM(BPF_REG_6, 0),
		JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),
		LDX_MEM(BPF_DW, BPF_REG_6, BPF_REG_0, 0),
		ALU64_IMM(BPF_ADD, BPF_REG_6, 1),
		STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_6, 0),
		MOV64_IMM(BPF_REG_0, 1),
	};
	struct bpf_insn tail_count[] = {
		MOV64_REG(BPF_REG_0, BPF_REG_6),
		EXIT_INSN(),
	};
	struct bpf_insn tail_one[] = {
		EXIT_INSN(),
	};
	int n = 0;

	if (key_off >= 0) {
		memcpy(out, head_ctx, sizeof(head_ctx));
		n += ARRAY_SIZE(head_ctx);
	} else {
		memcpy(out, head_zero, sizeof(head_zero));
		n += ARRAY_SIZE(head_zero);
	}
	memcpy(out + n, body, sizeof(body));
	n += ARRAY_SIZE(body);
	if (ret_count) {
		memcpy(out + n, tail_count, sizeof(tail_count));
		n += ARRAY_SIZE(tail_count);
	} else {
		memcpy(out + n, tail_one, sizeof(tail_one));
		n += ARRAY_SIZE(tail_one);
	}
	return n;
}

void make_packet(unsigned char *buf, size_t len, const unsigned char dst[6],
		 unsigned short ethertype)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	memcpy(buf, dst, 6);
	memcpy(buf + 6, "\x02\x00\x00\x00\x00\x01", 6);
	buf[12] = ethertype >> 8;
	buf[13] = ethertype & 0xff;
}

void tr(struct trace *t, long res, unsigned long long val, const char *fmt, ...)
{
	va_list ap;

	if (t->n >= (int)ARRAY_SIZE(t->e))
		kt_fatal(__FILE__, __LINE__, "trace overflow");
	va_start(ap, fmt);
	vsnprintf(t->e[t->n].what, sizeof(t->e[t->n].what), fmt, ap);
	va_end(ap);
	t->e[t->n].res = res;
	t->e[t->n].val = res < 0 ? 0 : val;
	t->n++;
}

void compare_traces(const struct trace *kb, const struct trace *kr)
{
	int i, bad = 0;

	for (i = 0; i < kb->n && i < kr->n; i++) {
		long a = kb->e[i].res, b = kr->e[i].res;

		/* KT_VERBOSE=1: every step, to see what a comparison covered */
		if (getenv("KT_VERBOSE"))
			kt_info("step %d %s: kbpf %s/%#llx kernel %s/%#llx", i, kb->e[i].what,
				kt_res(a), kb->e[i].val, kt_res(b), kr->e[i].val);

		if (strcmp(kb->e[i].what, kr->e[i].what)) {
			kt_fail(__FILE__, __LINE__, "trace diverged at step %d: kbpf '%s', kernel '%s'",
				i, kb->e[i].what, kr->e[i].what);
			return;
		}
		if ((a < 0 ? a : 0) != (b < 0 ? b : 0)) {
			kt_fail(__FILE__, __LINE__, "step %d %s: kbpf %s, kernel %s",
				i, kb->e[i].what, kt_res(a), kt_res(b));
			bad++;
		} else if (kb->e[i].val != kr->e[i].val) {
			kt_fail(__FILE__, __LINE__, "step %d %s: kbpf value %llu, kernel value %llu",
				i, kb->e[i].what, kb->e[i].val, kr->e[i].val);
			bad++;
		}
	}
	if (kb->n != kr->n)
		kt_fail(__FILE__, __LINE__, "trace length: kbpf %d steps, kernel %d", kb->n, kr->n);
	if (!bad && kb->n == kr->n)
		kt_info("%d steps identical to the kernel", kb->n);
}

/* The possible CPUs (per-CPU map values come one per possible CPU). */
int kt_possible_cpus(void)
{
	static int n;
	char buf[64];
	int lo, hi, fd, len;
	char *p;

	if (n)
		return n;
	fd = open("/sys/devices/system/cpu/possible", O_RDONLY);
	REQUIRE(fd >= 0, "open cpu/possible");
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	REQUIRE(len > 0, "read cpu/possible");
	buf[len] = 0;
	for (p = buf; *p;) {
		if (sscanf(p, "%d-%d", &lo, &hi) == 2)
			n += hi - lo + 1;
		else if (sscanf(p, "%d", &lo) == 1)
			n++;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	REQUIRE(n > 0 && n <= KT_MAX_CPUS, "%d possible CPUs", n);
	return n;
}

/* Write val to /sys/module/kbpf/parameters/<name>; 0 or -errno. */
static int kt_write_file(const char *path, const char *val)
{
	FILE *f;
	int err;

	f = fopen(path, "w");
	if (!f)
		return -errno;
	err = fputs(val, f) < 0 ? -EIO : 0;
	if (fclose(f))
		err = -errno;
	return err;
}

int kt_set_param(const char *name, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/kbpf/parameters/%s", name);
	return kt_write_file(path, val);
}

int kt_set_sysctl(const char *name, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	return kt_write_file(path, val);
}

/* <linux/capability.h> v3 layout, declared here to stay within libc + bpf.h. */
struct kt_cap_header { __u32 version; int pid; };
struct kt_cap_data { __u32 effective, permitted, inheritable; };
#define KT_CAP_VERSION_3	0x20080522

void kt_set_caps(__u64 caps)
{
	struct kt_cap_header h = { KT_CAP_VERSION_3, 0 };
	struct kt_cap_data d[2];

	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (__u32)caps;
	d[1].effective = d[1].permitted = (__u32)(caps >> 32);
	REQUIRE(syscall(SYS_capset, &h, d) == 0, "capset(%#llx): %s",
		(unsigned long long)caps, strerror(errno));
}

__u32 b_link_id(const struct backend *b, int fd, __u32 *type)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (b_obj_info(b, fd, &info, &len) < 0)
		return 0;
	if (type)
		*type = info.type;
	return info.id;
}

long b_pin(const struct backend *b, int fd, const char *path)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.bpf_fd = fd;
	a.pathname = (__u64)(unsigned long)path;
	return b_call(b, BPF_OBJ_PIN, &a);
}

long b_get(const struct backend *b, const char *path, __u32 flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.pathname = (__u64)(unsigned long)path;
	a.file_flags = flags;
	return b_call(b, BPF_OBJ_GET, &a);
}

/* ---- module lifetime ---------------------------------------------------- */

long kt_delete_module(void)
{
	return syscall(SYS_delete_module, "kbpf", O_NONBLOCK) ? -errno : 0;
}

bool kt_module_busy(long r)
{
	return r == -EWOULDBLOCK || r == -EBUSY;
}

void kt_module_unload(void)
{
	struct stat st;
	long r = 0;
	int i;

	kbpf_dev_close();
	REQUIRE(umount(KBPF_FS_DIR) == 0, "umount %s: %s", KBPF_FS_DIR, strerror(errno));
	/* Frees may be deferred (RCU, workqueues): retry for up to 5 s. */
	for (i = 0; i < 250; i++) {
		r = kt_delete_module();
		if (!kt_module_busy(r))
			break;
		usleep(20000);
	}
	REQUIRE(r == 0, "delete_module after closing every fd: %s (%d tries)", kt_res(r), i + 1);
	if (i)
		kt_info("delete_module succeeded after %d tries", i + 1);
	for (i = 0; i < 100 && stat(KBPF_DEVICE_PATH, &st) == 0; i++)
		usleep(20000);
	REQUIRE(stat(KBPF_DEVICE_PATH, &st) < 0, "%s still exists after unload",
		KBPF_DEVICE_PATH);
}

void kt_module_load(void)
{
	struct stat st;
	int ko, i;

	ko = open("/kbpf.ko", O_RDONLY | O_CLOEXEC);
	REQUIRE(ko >= 0, "open /kbpf.ko: %s", strerror(errno));
	REQUIRE(syscall(SYS_finit_module, ko, "", 0) == 0, "finit_module(/kbpf.ko): %s",
		strerror(errno));
	close(ko);
	for (i = 0; i < 100 && stat(KBPF_DEVICE_PATH, &st) < 0; i++)
		usleep(20000);
	REQUIRE(stat(KBPF_DEVICE_PATH, &st) == 0, "%s missing after reload", KBPF_DEVICE_PATH);
	/* A new, empty kbpffs instance. */
	REQUIRE(mount("none", KBPF_FS_DIR, "kbpffs", 0, NULL) == 0, "mount -t kbpffs %s: %s",
		KBPF_FS_DIR, strerror(errno));
}

void trace_both(void (*seq)(const struct backend *, struct trace *), struct trace t[2])
{
	int k;

	for (k = 0; k < 2; k++) {
		memset(&t[k], 0, sizeof(t[k]));
		seq(backends[k], &t[k]);
	}
}

int b_run_frame(const struct backend *b, int prog, __u32 *retval)
{
	unsigned char pkt[64];
	struct run_opts o;
	int r;

	make_packet(pkt, sizeof(pkt), (const unsigned char *)"\x02\0\0\0\0\1", 0x0800);
	memset(&o, 0, sizeof(o));
	o.data = pkt;
	o.data_size = sizeof(pkt);
	o.repeat = 1;
	r = b_test_run(b, prog, &o);
	*retval = o.retval;
	return r;
}
