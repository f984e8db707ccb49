// SPDX-License-Identifier: GPL-2.0
/*
 * bench_vm: in ONE boot, each benchmark program is loaded into kbpf
 * (/dev/kbpf) and into the guest kernel (bpf(2)) and run with
 * BPF_PROG_TEST_RUN and a large repeat on both. Reported: the mean
 * `duration` of each side and the ratio kbpf/kernel, for kbpf JIT vs kernel
 * JIT and for kbpf interpreter vs kernel interpreter. Under TCG only the
 * ratios mean anything; absolute ns are printed as context.
 *
 * The JIT switches (net.core.bpf_jit_enable, kbpf's jit_enable module
 * parameter) are set before the programs of a mode are loaded; whether each
 * program really ended up JITed is read back from its fdinfo (prog_jited).
 * Both sides must return the same retval, which must also equal the C
 * reference; a mismatch is printed loudly and makes the exit status 1.
 * The times themselves are never judged.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include "uapi/kbpf.h"
#include "programs.h"
#include "map_programs.h"

#define KERNEL_JIT_SYSCTL	"/proc/sys/net/core/bpf_jit_enable"
#define KBPF_JIT_PARAM		"/sys/module/kbpf/parameters/jit_enable"
/* Each timed TEST_RUN aims at about this long (guest time), best of ROUNDS. */
#define TARGET_NS		150000000ull
#define ROUNDS			3
#define CALIB_REPEAT		20

enum { KBPF, KERN, NSIDES };
static const char *const side_name[NSIDES] = { "kbpf", "kernel" };
static int dev_fd = -1;
static int failures;

static long bpf_call(int side, int cmd, union bpf_attr *attr)
{
	struct kbpf_call c = {
		.cmd = cmd, .size = sizeof(*attr), .attr = (__u64)(unsigned long)attr,
	};

	if (side == KERN)
		return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
	return ioctl(dev_fd, KBPF_IOC_CALL, &c);
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static int read_int(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (buf[0] == 'Y')
		return 1;
	if (buf[0] == 'N')
		return 0;
	return atoi(buf);
}

/* prog_jited from /proc/self/fdinfo/<fd>, or -1. */
static int fd_jited(int fd)
{
	char path[64], line[128];
	FILE *f;
	int v = -1;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "prog_jited: %d", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* Create a map of spec on side and insert entries 0..nfill-1 of fill. */
static int make_map(int side, const struct kb_map_spec *spec, __u32 nfill,
		    void (*fill)(__u32 i, void *key, void *value))
{
	__u8 key[KB_MAP_KEY_MAX], value[KB_MAP_VALUE_MAX];
	union bpf_attr a;
	__u32 i;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_type = spec->type;
	a.key_size = spec->key_size;
	a.value_size = spec->value_size;
	a.max_entries = spec->max_entries;
	a.map_flags = spec->flags;
	strcpy(a.map_name, "bench");
	fd = bpf_call(side, BPF_MAP_CREATE, &a);
	if (fd < 0) {
		printf("FAIL: %s: BPF_MAP_CREATE (type %u): %s\n", side_name[side], spec->type,
		       strerror(errno));
		return -1;
	}
	for (i = 0; i < nfill; i++) {
		fill(i, key, value);
		memset(&a, 0, sizeof(a));
		a.map_fd = fd;
		a.key = (__u64)(unsigned long)key;
		a.value = (__u64)(unsigned long)value;
		if (bpf_call(side, BPF_MAP_UPDATE_ELEM, &a)) {
			printf("FAIL: %s: BPF_MAP_UPDATE_ELEM: %s\n", side_name[side],
			       strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

static int load_prog(int side, const char *name,
		     int (*build)(struct bpf_insn *insns, int map_fd), int map_fd)
{
	static struct bpf_insn insns[KB_MAX_INSNS];
	static char log[1 << 16];
	union bpf_attr a;
	int cnt, fd;

	cnt = build(insns, map_fd);
	if (cnt < 0) {
		printf("FAIL: %s: program does not assemble\n", name);
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (__u64)(unsigned long)insns;
	a.insn_cnt = cnt;
	a.license = (__u64)(unsigned long)"GPL";
	strncpy(a.prog_name, name, sizeof(a.prog_name) - 1);
	fd = bpf_call(side, BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	printf("FAIL: %s: %s: BPF_PROG_LOAD: %s\n", side_name[side], name, strerror(errno));
	a.log_level = 1;
	a.log_buf = (__u64)(unsigned long)log;
	a.log_size = sizeof(log);
	log[0] = '\0';
	fd = bpf_call(side, BPF_PROG_LOAD, &a);
	if (fd >= 0)
		close(fd);
	printf("---- verifier log (tail) ----\n%s\n",
	       strlen(log) > 3000 ? log + strlen(log) - 3000 : log);
	return -1;
}

static int test_run(int side, int fd, const void *pkt, __u32 repeat, __u32 *retval,
		    __u32 *duration)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.test.prog_fd = fd;
	a.test.data_in = (__u64)(unsigned long)pkt;
	a.test.data_size_in = KB_PKT_LEN;
	a.test.repeat = repeat;
	if (bpf_call(side, BPF_PROG_TEST_RUN, &a)) {
		printf("FAIL: %s: BPF_PROG_TEST_RUN: %s\n", side_name[side], strerror(errno));
		return -1;
	}
	*retval = a.test.retval;
	*duration = a.test.duration;
	return 0;
}

struct result {
	const char *name;
	bool ok;
	const char *todo;		/* not measured: why */
	int jited[NSIDES];
	__u32 retval[NSIDES];
	__u32 repeat;
	double ns[NSIDES];
	char check[32];			/* map table: the contents check */
};

/* What the C twin of the program returns on pkt (program 4: the known sum). */
static __u32 c_expected(const struct kb_prog *kp, const __u8 *pkt)
{
	struct kb_input in = {
		.mac = pkt, .net = pkt + KB_ETH_HLEN, .net_len = KB_NET_LEN,
		.len = KB_NET_LEN,
	};

	if (kp->uses_map)		/* no map in here: the sum is known */
		return kb_lookup_expect();
	return kp->c_ref(&in);
}

/*
 * Time the program loaded as fd[] on both sides: calibrate the repeat so
 * the slower side takes ~TARGET_NS, then ROUNDS runs per side (alternating
 * which goes first), best duration kept. Every run's retval must equal
 * expect on both sides. Fills res (jited is the caller's).
 */
static void time_pair(const char *mode, const int fd[NSIDES], const __u8 *pkt,
		      __u32 expect, struct result *res)
{
	__u32 dur[NSIDES], ret;
	double worst = 1;
	int s, r;

	memset(&res->ns, 0, sizeof(res->ns));
	res->ok = false;
	if (fd[KBPF] < 0 || fd[KERN] < 0) {
		failures++;
		return;
	}
	for (s = 0; s < NSIDES; s++) {
		if (test_run(s, fd[s], pkt, CALIB_REPEAT, &res->retval[s], &dur[s]))
			goto fail;
		if (dur[s] > worst)
			worst = dur[s];
	}
	if (res->retval[KBPF] != res->retval[KERN] || res->retval[KERN] != expect) {
		printf("!!!!!! MISMATCH (%s, %s): kbpf retval %#x, kernel retval %#x, "
		       "C reference %#x !!!!!!\n", mode, res->name, res->retval[KBPF],
		       res->retval[KERN], expect);
		failures++;
	}
	res->repeat = (__u32)(TARGET_NS / worst);
	if (res->repeat < CALIB_REPEAT)
		res->repeat = CALIB_REPEAT;
	res->ns[KBPF] = res->ns[KERN] = 1e30;
	for (r = 0; r < ROUNDS; r++)
		for (s = 0; s < NSIDES; s++) {
			/* alternate which side goes first */
			int side = (r & 1) ? NSIDES - 1 - s : s;

			if (test_run(side, fd[side], pkt, res->repeat, &ret, &dur[side]))
				goto fail;
			if (ret != res->retval[side]) {
				printf("!!!!!! MISMATCH (%s, %s): %s retval changed %#x -> %#x\n",
				       mode, res->name, side_name[side], res->retval[side], ret);
				failures++;
			}
			if (dur[side] < res->ns[side])
				res->ns[side] = dur[side];
		}
	res->ok = true;
	return;
fail:
	failures++;
}

/* Load every program on both sides (after the switches are set), then time. */
static void run_mode(const char *mode, const __u8 *pkt, struct result *res)
{
	static const struct kb_map_spec spec = {
		BPF_MAP_TYPE_HASH, 4, 8, KB_MAP_MAX, 0,
	};
	int map_fd[NSIDES], fd[KB_NPROGS][NSIDES];
	int p, s;

	for (s = 0; s < NSIDES; s++)
		map_fd[s] = make_map(s, &spec, KB_MAP_KEYS, kb_fill_lookup);
	for (p = 0; p < KB_NPROGS; p++)
		for (s = 0; s < NSIDES; s++) {
			fd[p][s] = map_fd[s] >= 0 || !kb_progs[p].uses_map ?
				   load_prog(s, kb_progs[p].name, kb_progs[p].build, map_fd[s]) :
				   -1;
			res[p].jited[s] = fd[p][s] >= 0 ? fd_jited(fd[p][s]) : -1;
		}

	for (p = 0; p < KB_NPROGS; p++) {
		res[p].name = kb_progs[p].name;
		time_pair(mode, fd[p], pkt, c_expected(&kb_progs[p], pkt), &res[p]);
	}

	for (p = 0; p < KB_NPROGS; p++)
		for (s = 0; s < NSIDES; s++)
			if (fd[p][s] >= 0)
				close(fd[p][s]);
	for (s = 0; s < NSIDES; s++)
		if (map_fd[s] >= 0)
			close(map_fd[s]);
}

/* ---- the map table ---------------------------------------------------- */

struct map_dump {
	__u32 n;
	__u8 key[KB_MAP_MAX][KB_MAP_KEY_MAX];
	__u8 value[KB_MAP_MAX][KB_MAP_VALUE_MAX];
};

/* Every entry of the map (GET_NEXT_KEY from the start, then LOOKUP). */
static int dump_map(int side, int fd, const struct kb_map_spec *spec, struct map_dump *d)
{
	__u8 key[KB_MAP_KEY_MAX];
	union bpf_attr a;
	bool first = true;

	d->n = 0;
	for (;;) {
		memset(&a, 0, sizeof(a));
		a.map_fd = fd;
		a.key = first ? 0 : (__u64)(unsigned long)key;
		a.next_key = (__u64)(unsigned long)d->key[d->n];
		if (bpf_call(side, BPF_MAP_GET_NEXT_KEY, &a))
			break;
		memset(&a, 0, sizeof(a));
		a.map_fd = fd;
		a.key = (__u64)(unsigned long)d->key[d->n];
		a.value = (__u64)(unsigned long)d->value[d->n];
		if (bpf_call(side, BPF_MAP_LOOKUP_ELEM, &a)) {
			printf("FAIL: %s: lookup of a key GET_NEXT_KEY gave: %s\n",
			       side_name[side], strerror(errno));
			return -1;
		}
		memcpy(key, d->key[d->n], spec->key_size);
		first = false;
		if (++d->n == KB_MAP_MAX)
			break;
	}
	if (errno != ENOENT && d->n < KB_MAP_MAX) {
		printf("FAIL: %s: BPF_MAP_GET_NEXT_KEY: %s\n", side_name[side], strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * After the timed runs: the two maps must hold the same entries, or (LRU)
 * each side's entries must be plausible on their own. Fills res->check.
 */
static bool check_maps(const char *mode, const struct kb_map_bench *mb,
		       const int map_fd[NSIDES], struct result *res)
{
	static struct map_dump d[NSIDES];
	const struct kb_map_spec *spec = &mb->map;
	__u32 i, j;
	int s;

	for (s = 0; s < NSIDES; s++)
		if (dump_map(s, map_fd[s], spec, &d[s]))
			return false;
	if (mb->value_ok) {
		for (s = 0; s < NSIDES; s++) {
			if (!d[s].n || d[s].n > spec->max_entries)
				goto bad;
			for (i = 0; i < d[s].n; i++)
				if (!mb->value_ok(d[s].key[i], d[s].value[i]))
					goto bad;
		}
		snprintf(res->check, sizeof(res->check), "valid %u/%u", d[KBPF].n, d[KERN].n);
		return true;
	}
	s = KBPF;
	if (d[KBPF].n != d[KERN].n)
		goto bad;
	for (i = 0; i < d[KBPF].n; i++) {
		for (j = 0; j < d[KERN].n; j++)
			if (!memcmp(d[KBPF].key[i], d[KERN].key[j], spec->key_size))
				break;
		if (j == d[KERN].n ||
		    memcmp(d[KBPF].value[i], d[KERN].value[j], spec->value_size))
			goto bad;
	}
	snprintf(res->check, sizeof(res->check), "same %u", d[KBPF].n);
	return true;
bad:
	printf("!!!!!! MISMATCH (%s, %s): final map contents (kbpf %u entries, kernel %u; "
	       "%s side) !!!!!!\n", mode, mb->name, d[KBPF].n, d[KERN].n,
	       mb->value_ok ? side_name[s] : "kbpf vs kernel");
	snprintf(res->check, sizeof(res->check), "MISMATCH");
	return false;
}

/* Each map benchmark on a fresh map per side, loaded after the switches. */
static void run_map_mode(const char *mode, const __u8 *pkt, struct result *res)
{
	int b, s;

	for (b = 0; b < KB_NMAP_BENCHES; b++) {
		const struct kb_map_bench *mb = &kb_map_benches[b];
		int map_fd[NSIDES], fd[NSIDES];

		memset(&res[b], 0, sizeof(res[b]));
		res[b].name = mb->name;
		res[b].todo = mb->todo;
		if (!mb->build)
			continue;
		for (s = 0; s < NSIDES; s++) {
			map_fd[s] = make_map(s, &mb->map, mb->nfill, mb->fill);
			fd[s] = map_fd[s] >= 0 ? load_prog(s, mb->name, mb->build, map_fd[s]) : -1;
			res[b].jited[s] = fd[s] >= 0 ? fd_jited(fd[s]) : -1;
		}
		time_pair(mode, fd, pkt, mb->expect(), &res[b]);
		if (res[b].ok && !check_maps(mode, mb, map_fd, &res[b]))
			failures++;
		for (s = 0; s < NSIDES; s++) {
			if (fd[s] >= 0)
				close(fd[s]);
			if (map_fd[s] >= 0)
				close(map_fd[s]);
		}
	}
}

static const char *jited_str(int j);

/*
 * ringbuf reserve+submit: KB_RB_RECORDS reservations of 16 bytes per run,
 * each written and submitted (default flags); returns 0, or how many were
 * left when one failed (a loop with a failure counter would need the
 * kernel's precision tracking to prune; kbpf's verifier has none yet).
 * Before every timed run the consumer jumps to the producer through the
 * mmap'ed pages, so each run starts on an empty ring; the ring is sized so
 * that the largest repeat allowed never fills it.
 */
#define KB_RB_RECORDS	100
#define KB_RB_REC_BYTES	(16 + 8)			/* sample + header */
#define KB_RB_SIZE	(32u << 20)
#define KB_RB_MAX_REPEAT (KB_RB_SIZE / 2 / (KB_RB_RECORDS * KB_RB_REC_BYTES))

struct rb_side {
	int map, prog;
	volatile unsigned long *cons, *prod;
};

static int rb_setup(int side, struct rb_side *r)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_RINGBUF;
	a.max_entries = KB_RB_SIZE;
	r->map = bpf_call(side, BPF_MAP_CREATE, &a);
	if (r->map < 0) {
		printf("FAIL: %s: ringbuf BPF_MAP_CREATE: %s\n", side_name[side], strerror(errno));
		return -1;
	}
	r->cons = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, r->map, 0);
	r->prod = mmap(NULL, 4096, PROT_READ, MAP_SHARED, r->map, 4096);
	if (r->cons == MAP_FAILED || r->prod == MAP_FAILED) {
		printf("FAIL: %s: ringbuf mmap: %s\n", side_name[side], strerror(errno));
		return -1;
	}
	{
		struct bpf_insn p[] = {
			{ BPF_LDX | BPF_MEM | BPF_W, 6, 1, 0, 0 },	/* r6 = skb->len */
			{ BPF_ALU64 | BPF_MOV | BPF_K, 7, 0, 0, 0 },	/* r7 = i */
			{ BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, r->map }, { 0 },
			{ BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 16 },
			{ BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, 0 },
			{ BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_reserve },
			/* no room: return the reservations still to do (never, here) */
			{ BPF_JMP | BPF_JNE | BPF_K, 0, 0, 3, 0 },
			{ BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, KB_RB_RECORDS },
			{ BPF_ALU64 | BPF_SUB | BPF_X, 0, 7, 0, 0 },
			{ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 },
			{ BPF_STX | BPF_MEM | BPF_DW, 0, 6, 0, 0 },
			{ BPF_STX | BPF_MEM | BPF_DW, 0, 7, 8, 0 },
			{ BPF_ALU64 | BPF_MOV | BPF_X, 1, 0, 0, 0 },
			{ BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 0 },
			{ BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_submit },
			{ BPF_ALU64 | BPF_ADD | BPF_K, 7, 0, 0, 1 },
			{ BPF_JMP | BPF_JLT | BPF_K, 7, 0, -16, KB_RB_RECORDS },
			{ BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0 },
			{ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 },
		};

		memset(&a, 0, sizeof(a));
		a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		a.insns = (__u64)(unsigned long)p;
		a.insn_cnt = sizeof(p) / sizeof(p[0]);
		a.license = (__u64)(unsigned long)"GPL";
		strcpy(a.prog_name, "rb_reserve");
		r->prog = bpf_call(side, BPF_PROG_LOAD, &a);
		if (r->prog < 0) {
			static char log[1 << 16];

			printf("FAIL: %s: ringbuf BPF_PROG_LOAD: %s\n", side_name[side],
			       strerror(errno));
			a.log_level = 1;
			a.log_buf = (__u64)(unsigned long)log;
			a.log_size = sizeof(log);
			if (bpf_call(side, BPF_PROG_LOAD, &a) < 0)
				printf("---- verifier log (tail) ----\n%s\n",
				       strlen(log) > 3000 ? log + strlen(log) - 3000 : log);
			return -1;
		}
	}
	return 0;
}

/* One timed run on an emptied ring; the program must not have failed. */
static int rb_run(int side, const struct rb_side *rb, const __u8 *pkt, __u32 repeat,
		  __u32 *dur)
{
	__u32 ret;

	*rb->cons = *rb->prod;
	if (test_run(side, rb->prog, pkt, repeat, &ret, dur))
		return -1;
	if (ret) {
		printf("!!!!!! MISMATCH (ringbuf): %s: %u reservations failed !!!!!!\n",
		       side_name[side], ret);
		return -1;
	}
	return 0;
}

/* The kbpf/kernel figure for ringbuf reserve+submit, in the current JIT mode. */
static void bench_ringbuf(const __u8 *pkt)
{
	struct rb_side rb[NSIDES] = { { -1, -1, MAP_FAILED, MAP_FAILED },
				      { -1, -1, MAP_FAILED, MAP_FAILED } };
	double ns[NSIDES] = { 1e30, 1e30 }, worst = 1;
	__u32 repeat, dur;
	int s, r, jited[NSIDES];

	for (s = 0; s < NSIDES; s++) {
		if (rb_setup(s, &rb[s]))
			goto fail;
		jited[s] = fd_jited(rb[s].prog);
	}
	for (s = 0; s < NSIDES; s++) {
		if (rb_run(s, &rb[s], pkt, CALIB_REPEAT, &dur))
			goto fail;
		if (dur > worst)
			worst = dur;
	}
	repeat = (__u32)(TARGET_NS / worst);
	if (repeat < CALIB_REPEAT)
		repeat = CALIB_REPEAT;
	if (repeat > KB_RB_MAX_REPEAT)
		repeat = KB_RB_MAX_REPEAT;
	for (r = 0; r < ROUNDS; r++)
		for (s = 0; s < NSIDES; s++) {
			int side = (r & 1) ? NSIDES - 1 - s : s;

			if (rb_run(side, &rb[side], pkt, repeat, &dur))
				goto fail;
			if (dur < ns[side])
				ns[side] = dur;
		}
	printf("\nringbuf: %d x (reserve 16 bytes, write, submit) per run, JIT mode\n",
	       KB_RB_RECORDS);
	printf("%-12s %9s %12s %12s %11s  %-14s\n", "program", "repeat", "kbpf ns",
	       "kernel ns", "kbpf/kernel", "ran as k/K");
	printf("%-12s %9u %12.0f %12.0f %10.2fx  %s/%s\n", "rb_reserve", repeat, ns[KBPF],
	       ns[KERN], ns[KBPF] / ns[KERN], jited_str(jited[KBPF]), jited_str(jited[KERN]));
	goto out;
fail:
	failures++;
out:
	for (s = 0; s < NSIDES; s++) {
		if (rb[s].prog >= 0)
			close(rb[s].prog);
		if (rb[s].cons != MAP_FAILED)
			munmap((void *)rb[s].cons, 4096);
		if (rb[s].prod != MAP_FAILED)
			munmap((void *)rb[s].prod, 4096);
		if (rb[s].map >= 0)
			close(rb[s].map);
	}
}

static const char *jited_str(int j)
{
	return j == 1 ? "jit" : j == 0 ? "interp" : "?";
}

static void print_mode(const char *title, const struct result *res, int n, bool maps,
		       bool split_ok, int want_jited)
{
	int p;

	printf("\n%s\n", title);
	printf("%-12s %9s %12s %12s %11s  %-14s %s\n", maps ? "map op" : "program",
	       "repeat", "kbpf ns", "kernel ns", "kbpf/kernel", "ran as k/K",
	       maps ? "retval     contents" : "retval");
	for (p = 0; p < n; p++) {
		const struct result *r = &res[p];
		char ran[32], ret[24];

		if (r->todo) {
			printf("%-12s %9s %12s %12s %11s  TODO: %s\n", r->name, "-", "-", "-",
			       "-", r->todo);
			continue;
		}
		snprintf(ran, sizeof(ran), "%s/%s", jited_str(r->jited[KBPF]),
			 jited_str(r->jited[KERN]));
		if (!r->ok) {
			printf("%-12s %9s %12s %12s %11s  %-14s\n", r->name, "-",
			       "-", "-", "(failed)", ran);
			continue;
		}
		snprintf(ret, sizeof(ret), "%#x%s", r->retval[KBPF],
			 r->retval[KBPF] == r->retval[KERN] ? "" : "!=");
		printf("%-12s %9u %12.0f %12.0f %10.2fx  %-14s %-*s%s%s\n", r->name,
		       r->repeat, r->ns[KBPF], r->ns[KERN], r->ns[KBPF] / r->ns[KERN], ran,
		       maps ? 10 : 0, ret, maps ? " " : "", maps ? r->check : "");
		if (split_ok && (r->jited[KBPF] != want_jited || r->jited[KERN] != want_jited))
			printf("  note: %s did not run in the requested mode (see 'ran as')\n",
			       r->name);
	}
}

static const char *jit_title(bool split_ok, const char *what)
{
	static char buf[160];

	snprintf(buf, sizeof(buf), "%s, %s", what,
		 split_ok ? "JIT: kbpf JIT vs kernel JIT (bpf_jit_enable=1, kbpf jit_enable=1)" :
			    "kernel JIT (bpf_jit_enable=1) vs kbpf in its default mode");
	return buf;
}

static const char *interp_title(bool split_ok, bool kernel_interp_ok, const char *what)
{
	static char buf[160];

	snprintf(buf, sizeof(buf), "%s, %s", what,
		 split_ok ? (kernel_interp_ok ?
			     "Interpreter: kbpf interp vs kernel interp (bpf_jit_enable=0, kbpf jit_enable=0)" :
			     "kbpf interp (jit_enable=0) vs kernel: its JIT could not be turned off") :
			    "kernel interpreter (bpf_jit_enable=0) vs kbpf in its default mode");
	return buf;
}

static void usage(const char *argv0)
{
	printf("usage: %s [progs|maps]   (default: both tables)\n", argv0);
}

int main(int argc, char **argv)
{
	static __u8 pkt[KB_PKT_LEN];
	static struct result res_jit[KB_NPROGS], res_interp[KB_NPROGS];
	static struct result map_jit[KB_NMAP_BENCHES], map_interp[KB_NMAP_BENCHES];
	bool do_progs = true, do_maps = true;
	int kjit0, kbpf_param, err;
	bool kernel_interp_ok = true, split_ok;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "progs") && strcmp(argv[1], "maps"))) {
		usage(argv[0]);
		return 2;
	}
	if (argc == 2) {
		do_progs = !strcmp(argv[1], "progs");
		do_maps = !do_progs;
	}

	kb_make_packet(pkt);
	dev_fd = open(KBPF_DEVICE_PATH, O_RDWR);
	if (dev_fd < 0) {
		printf("FAIL: open %s: %s\n", KBPF_DEVICE_PATH, strerror(errno));
		return 1;
	}
	kjit0 = read_int(KERNEL_JIT_SYSCTL);
	kbpf_param = read_int(KBPF_JIT_PARAM);
	split_ok = kbpf_param >= 0;

	printf("=== kbpf bench (VM: BPF_PROG_TEST_RUN duration, TCG) ===\n");
	printf("packet: %d bytes (Eth/IPv4/TCP); each figure: best of %d runs of `repeat`, "
	       "repeat sized for ~%llu ms\n", KB_PKT_LEN, ROUNDS, TARGET_NS / 1000000);
	printf("kernel %s = %d at boot\n", KERNEL_JIT_SYSCTL, kjit0);
	if (split_ok)
		printf("kbpf %s = %d at boot\n", KBPF_JIT_PARAM, kbpf_param);
	else
		printf("kbpf JIT/interp split unavailable: %s does not exist; kbpf runs in its "
		       "default mode in both tables (see 'ran as')\n", KBPF_JIT_PARAM);

	/* ---- JIT vs JIT ---- */
	err = write_file(KERNEL_JIT_SYSCTL, "1");
	if (err)
		printf("warning: writing 1 to %s: %s\n", KERNEL_JIT_SYSCTL, strerror(-err));
	if (split_ok && (err = write_file(KBPF_JIT_PARAM, "1")))
		printf("warning: writing 1 to %s: %s\n", KBPF_JIT_PARAM, strerror(-err));
	if (do_progs)
		run_mode("jit", pkt, res_jit);
	if (do_maps)
		run_map_mode("jit", pkt, map_jit);
	if (do_maps)
		bench_ringbuf(pkt);

	/* ---- interpreter vs interpreter ---- */
	err = write_file(KERNEL_JIT_SYSCTL, "0");
	if (err || read_int(KERNEL_JIT_SYSCTL) != 0) {
		printf("kernel interpreter unavailable: writing 0 to %s: %s (read back %d; "
		       "CONFIG_BPF_JIT_ALWAYS_ON?)\n", KERNEL_JIT_SYSCTL,
		       err ? strerror(-err) : "accepted", read_int(KERNEL_JIT_SYSCTL));
		kernel_interp_ok = false;
	} else {
		printf("kernel: writing 0 to %s worked (no CONFIG_BPF_JIT_ALWAYS_ON)\n",
		       KERNEL_JIT_SYSCTL);
	}
	if (split_ok && (err = write_file(KBPF_JIT_PARAM, "0")))
		printf("warning: writing 0 to %s: %s\n", KBPF_JIT_PARAM, strerror(-err));
	if (do_progs)
		run_mode("interp", pkt, res_interp);
	if (do_maps)
		run_map_mode("interp", pkt, map_interp);
	if (kjit0 >= 0) {
		char v[16];

		snprintf(v, sizeof(v), "%d", kjit0);
		write_file(KERNEL_JIT_SYSCTL, v);
	}
	if (split_ok) {
		char v[16];

		snprintf(v, sizeof(v), "%d", kbpf_param);
		write_file(KBPF_JIT_PARAM, v);
	}

	if (do_progs) {
		print_mode(jit_title(split_ok, "Programs"), res_jit, KB_NPROGS, false,
			   split_ok, 1);
		print_mode(interp_title(split_ok, kernel_interp_ok, "Programs"), res_interp,
			   KB_NPROGS, false, split_ok, 0);
	}
	if (do_maps) {
		printf("\nMap operations: %d per run, inside the program; 'contents' compares "
		       "the final maps (LRU: each side's entries valid, count kbpf/kernel)\n",
		       KB_MAP_OPS);
		print_mode(jit_title(split_ok, "Maps"), map_jit, KB_NMAP_BENCHES, true,
			   split_ok, 1);
		print_mode(interp_title(split_ok, kernel_interp_ok, "Maps"), map_interp,
			   KB_NMAP_BENCHES, true, split_ok, 0);
	}
	printf("('ran as' = prog_jited from fdinfo, kbpf/kernel; ns are guest TCG time, "
	       "only the ratios count)\n");
	if (failures)
		printf("\n!!!!!! %d failure(s) or mismatch(es) above !!!!!!\n", failures);
	printf("=== end ===\n");
	return failures ? 1 : 0;
}
