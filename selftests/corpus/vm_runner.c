// SPDX-License-Identifier: GPL-2.0
/*
 * corpus_vm: the kernel's test_verifier cases (cases.c) loaded in the guest
 * through /dev/kbpf and through the guest kernel's bpf(2), in the same boot,
 * with real maps for the fixups, as test_verifier's privileged pass loads
 * them (prog type, expected attach type, prog_flags BPF_F_TEST_RND_HI32 plus
 * the case's alignment flags). Per case:
 *
 *   agree-accept / agree-reject   both backends say the same
 *   gap       kbpf rejects what the kernel accepts (precision, reported)
 *   unsafe    kbpf accepts what the kernel rejects: must be listed in
 *             accepted_differences.txt, else corpus_vm/no_unsafe_accepts fails
 *   not-run   a program type kbpf has no context rules for, BTF, a map either
 *             side cannot create (listed by reason)
 *
 * Time: every load asks for log_level BPF_LOG_STATS (4), whose summary has
 * each verifier's own "verification time N usec" (6.1's and kbpf's measure
 * the same span: from the start of the check to the end of the walk); the
 * sums over the cases are the verification-time ratio. The whole PROG_LOAD
 * (copying, verification, fixups, JIT: both JITs on, as test_verifier
 * runs) is timed too with CLOCK_MONOTONIC, the two sides taking turns to go
 * first. Processed instructions: prog info verified_insns of the programs
 * both accept. These are figures ("# corpus_vm: ..."), never pass/fail.
 *
 *   corpus_vm [-o results.txt] [-a accepted_differences.txt] [-t substr] [-v]
 *
 * Prints PASS:/FAIL: corpus_vm/no_unsafe_accepts and corpus_vm/verdicts (the
 * kernel must load every case the way test_verifier expects it to, or the
 * comparison means nothing: a case where it does not is listed and fails).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include "corpus.h"
#include "common.h"
#include "uapi/kbpf.h"

#define VM_LOG_SIZE	(1 << 16)

enum cls { C_AGREE_ACCEPT, C_AGREE_REJECT, C_GAP, C_UNSAFE, C_NOTRUN, C_NR };
static const char *const cls_name[C_NR] = {
	"agree-accept", "agree-reject", "precision-gap", "unsafe-accept", "not-run",
};

static int kbpf_fd = -1;

/* bpf(2) semantics on side 0 (kbpf) or 1 (the kernel): >= 0 or -errno. */
static long side_call(int side, int cmd, union bpf_attr *a)
{
	long r;

	if (side == 0) {
		struct kbpf_call c = { .cmd = cmd, .size = sizeof(*a),
				       .attr = (__u64)(unsigned long)a };

		r = ioctl(kbpf_fd, KBPF_IOC_CALL, &c);
	} else {
		r = syscall(__NR_bpf, cmd, a, sizeof(*a));
	}
	return r < 0 ? -errno : r;
}

static int map_create(int side, const struct corpus_fixup *d, int inner)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = d->type;
	a.key_size = d->key;
	a.value_size = d->value;
	a.max_entries = d->max;
	a.map_flags = d->flags;
	a.inner_map_fd = inner;
	return (int)side_call(side, BPF_MAP_CREATE, &a);
}

struct side_maps { int fd[FX_NR]; };

static void maps_close(struct side_maps *m)
{
	int k;

	for (k = 0; k < FX_NR; k++)
		if (m->fd[k] > 0)
			close(m->fd[k]);
}

/*
 * Create the case's fixup maps on side and patch their fds into prog.
 * Returns 0, or -errno of the map that failed (*what: its fixup name).
 */
static int maps_setup(int side, const struct bpf_test *t, struct bpf_insn *prog, __u32 len,
		      struct side_maps *m, const char **what)
{
	static const struct corpus_fixup inner = { "inner", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0 };
	int k, i, in;

	memset(m, 0, sizeof(*m));
	for (k = 0; k < FX_NR; k++) {
		const int *fx = corpus_fixup_list(t, k);

		if (!fx[0])
			continue;
		*what = corpus_fixups[k].name;
		in = 0;
		if (corpus_fixups[k].type == BPF_MAP_TYPE_ARRAY_OF_MAPS) {
			/* test_verifier's create_map_in_map(): an ARRAY 4/4/1 template */
			in = map_create(side, &inner, 0);
			if (in < 0)
				return in;
		}
		m->fd[k] = map_create(side, &corpus_fixups[k], in);
		if (in > 0)
			close(in);
		if (m->fd[k] < 0)
			return m->fd[k];
		for (i = 0; i < MAX_FIXUPS && fx[i]; i++) {
			if ((__u32)fx[i] >= len)
				return -ERANGE;
			prog[fx[i]].imm = m->fd[k];
		}
	}
	return 0;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

struct load {
	long fd;		/* >= 0 accepted, else -errno */
	__u64 ns;		/* the PROG_LOAD call */
	__u64 verify_us;	/* the log's "verification time" (0: none) */
	__u32 verified_insns;
	char why[160];		/* the last log line, for rejections */
};

static void last_line(const char *log, char *out, size_t size)
{
	const char *end = log + strlen(log), *p;

	while (end > log && end[-1] == '\n')
		end--;
	for (p = end; p > log && p[-1] != '\n'; p--)
		;
	snprintf(out, size, "%.*s", (int)(end - p), p);
}

static void prog_load(int side, const struct bpf_test *t, const struct bpf_insn *prog,
		      __u32 len, struct load *l)
{
	static char log[VM_LOG_SIZE];
	union bpf_attr a;
	__u64 t0;

	memset(&a, 0, sizeof(a));
	a.prog_type = t->prog_type ? t->prog_type : BPF_PROG_TYPE_SOCKET_FILTER;
	a.expected_attach_type = t->expected_attach_type;
	a.insns = (__u64)(unsigned long)prog;
	a.insn_cnt = len;
	a.license = (__u64)(unsigned long)"GPL";
	a.prog_flags = BPF_F_TEST_RND_HI32;
	if (t->flags & F_LOAD_WITH_STRICT_ALIGNMENT)
		a.prog_flags |= BPF_F_STRICT_ALIGNMENT;
	if (t->flags & F_NEEDS_EFFICIENT_UNALIGNED_ACCESS)
		a.prog_flags |= BPF_F_ANY_ALIGNMENT;
	if (t->flags & ~3)
		a.prog_flags |= t->flags;
	log[0] = '\0';
	a.log_buf = (__u64)(unsigned long)log;
	a.log_size = sizeof(log);
	a.log_level = 4;	/* BPF_LOG_STATS: the summary lines only */
	t0 = now_ns();
	l->fd = side_call(side, BPF_PROG_LOAD, &a);
	l->ns = now_ns() - t0;
	l->why[0] = '\0';
	l->verified_insns = 0;
	{
		const char *vt = strstr(log, "verification time ");

		l->verify_us = vt ? strtoull(vt + 18, NULL, 10) : 0;
	}
	if (l->fd >= 0) {
		struct bpf_prog_info info;
		union bpf_attr ia;

		memset(&info, 0, sizeof(info));
		memset(&ia, 0, sizeof(ia));
		ia.info.bpf_fd = (__u32)l->fd;
		ia.info.info_len = sizeof(info);
		ia.info.info = (__u64)(unsigned long)&info;
		if (!side_call(side, BPF_OBJ_GET_INFO_BY_FD, &ia))
			l->verified_insns = info.verified_insns;
		close((int)l->fd);
		return;
	}
	/* again with the level-1 log, for the reason */
	log[0] = '\0';
	a.log_level = 1;
	side_call(side, BPF_PROG_LOAD, &a);
	last_line(log, l->why, sizeof(l->why));
}

/* The program types kbpf has context rules for (as the native runner). */
static bool type_posed(__u32 type)
{
	switch (type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		return true;
	}
	return false;
}

/* MemAvailable in MiB (progress lines: the guest is small). */
static long mem_avail_mib(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb / 1024;
}

static struct bpf_insn *work[2], *fillbuf;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const char *out_path = "/tmp/corpus-vm.txt", *allow_path = "accepted_differences.txt";
	const char *filter = NULL, *file = "?";
	int opt, i, side, verbose = 0, cnt[C_NR] = { 0 }, unlisted = 0, kexp = 0, n = 0;
	__u64 ns[2] = { 0, 0 }, insns[2] = { 0, 0 }, vus[2] = { 0, 0 };
	double *ratio = calloc(corpus_ntests, sizeof(double));
	int nratio = 0;
	int both_acc = 0;
	FILE *out;

	while ((opt = getopt(argc, argv, "o:a:t:v")) != -1) {
		switch (opt) {
		case 'o': out_path = optarg; break;
		case 'a': allow_path = optarg; break;
		case 't': filter = optarg; break;
		case 'v': verbose++; break;
		default:
			fprintf(stderr, "usage: %s [-o results] [-a allowlist] [-t substr] [-v]\n",
				argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	kbpf_fd = open(KBPF_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (kbpf_fd < 0) {
		printf("FAIL: corpus_vm/verdicts (open %s: %s)\n", KBPF_DEVICE_PATH, strerror(errno));
		return 1;
	}
	if (corpus_load_allowlist(allow_path))
		printf("# corpus_vm: malformed lines in %s\n", allow_path);
	out = fopen(out_path, "w");
	work[0] = calloc(MAX_TEST_INSNS, sizeof(struct bpf_insn));
	work[1] = calloc(MAX_TEST_INSNS, sizeof(struct bpf_insn));
	fillbuf = calloc(MAX_TEST_INSNS, sizeof(struct bpf_insn));
	if (!out || !work[0] || !work[1] || !fillbuf) {
		printf("FAIL: corpus_vm/verdicts (setup: %s)\n", strerror(errno));
		return 1;
	}
	fprintf(out, "# class\tfile#n\tdescr\tkbpf\tkernel\tkbpf_verify_us\tkernel_verify_us\t"
		"kbpf_load_ns\tkernel_load_ns\treason\n");

	for (i = 0; i < (int)corpus_ntests; i++) {
		static int file_idx;
		struct bpf_test *t = &corpus_tests[i];
		enum corpus_result want = t->result;
		struct side_maps maps[2];
		struct load l[2];
		const char *notrun = NULL, *what = "";
		struct bpf_insn *src = t->insns;
		enum cls c;
		__u32 len;
		int first, err;

		if (!t->descr) {
			file = t->corpus_file ? t->corpus_file : "?";
			file_idx = 0;
			continue;
		}
		file_idx++;
		if (filter && !strstr(t->descr, filter) && !strstr(file, filter))
			continue;
		if (t->fill_helper) {
			memset(fillbuf, 0, sizeof(*fillbuf) * MAX_TEST_INSNS);
			t->fill_insns = fillbuf;
			t->prog_len = 0;
			t->fill_helper(t);
			src = fillbuf;
			len = t->prog_len > 0 ? (__u32)t->prog_len : 0;
		} else {
			len = corpus_prog_length(t->insns);
		}
		if (!type_posed(t->prog_type ? t->prog_type : BPF_PROG_TYPE_SOCKET_FILTER))
			notrun = "program type without kbpf context rules";
		else if (t->btf_types[0] || t->func_info_cnt || t->fixup_kfunc_btf_id[0].kfunc ||
			 t->fixup_map_spin_lock[0] || t->fixup_map_timer[0] || t->fixup_map_kptr[0])
			notrun = "needs BTF";
		else if (want == UNDEF)
			notrun = "no expected privileged result";
		else if (!len)
			notrun = "generator produced no program";
		if (notrun) {
			fprintf(out, "not-run\t%s#%d\t%s\t\t\t\t\t\t\t%s\n", file, file_idx, t->descr, notrun);
			cnt[C_NOTRUN]++;
			continue;
		}
		err = 0;
		for (side = 0; side < 2 && !err; side++) {
			memcpy(work[side], src, sizeof(struct bpf_insn) * len);
			err = maps_setup(side, t, work[side], len, &maps[side], &what);
			if (err)
				maps_close(&maps[side]);
		}
		if (err) {
			if (side == 2)
				maps_close(&maps[0]);
			fprintf(out, "not-run\t%s#%d\t%s\t\t\t\t\t\t\tmap %s on %s: %d\n", file, file_idx,
				t->descr, what, side == 1 ? "kbpf" : "the kernel", err);
			cnt[C_NOTRUN]++;
			continue;
		}
		first = n++ & 1;	/* take turns going first */
		prog_load(first, t, work[first], len, &l[first]);
		prog_load(!first, t, work[!first], len, &l[!first]);
		maps_close(&maps[0]);
		maps_close(&maps[1]);

		if ((l[1].fd >= 0) != (want == ACCEPT || want == VERBOSE_ACCEPT)) {
			kexp++;
			printf("# corpus_vm: kernel %s %s#%d (%s), test_verifier expects %s: %s\n",
			       l[1].fd >= 0 ? "accepts" : "rejects", file, file_idx, t->descr,
			       want == REJECT ? "REJECT" : "ACCEPT", l[1].why);
		}
		if (l[0].fd >= 0 && l[1].fd >= 0)
			c = C_AGREE_ACCEPT;
		else if (l[0].fd < 0 && l[1].fd < 0)
			c = C_AGREE_REJECT;
		else if (l[0].fd < 0)
			c = C_GAP;
		else
			c = C_UNSAFE;
		cnt[c]++;
		if (c == C_UNSAFE && !corpus_allowed(file, t->descr)) {
			unlisted++;
			printf("# corpus_vm: UNSAFE: kbpf accepts %s#%d (%s); the kernel: %s\n", file,
			       file_idx, t->descr, l[1].why);
		}
		if (c == C_GAP && verbose)
			printf("# corpus_vm: gap %s#%d (%s): %s\n", file, file_idx, t->descr, l[0].why);
		for (side = 0; side < 2; side++) {
			ns[side] += l[side].ns;
			vus[side] += l[side].verify_us;
		}
		if (ratio && l[0].verify_us && l[1].verify_us)
			ratio[nratio++] = (double)l[0].verify_us / l[1].verify_us;
		if (c == C_AGREE_ACCEPT) {
			both_acc++;
			insns[0] += l[0].verified_insns;
			insns[1] += l[1].verified_insns;
		}
		fprintf(out, "%s\t%s#%d\t%s\t%ld\t%ld\t%llu\t%llu\t%llu\t%llu\t%s\n", cls_name[c],
			file, file_idx, t->descr, l[0].fd >= 0 ? 0 : l[0].fd,
			l[1].fd >= 0 ? 0 : l[1].fd, (unsigned long long)l[0].verify_us,
			(unsigned long long)l[1].verify_us, (unsigned long long)l[0].ns,
			(unsigned long long)l[1].ns,
			c == C_GAP ? l[0].why : c == C_UNSAFE || c == C_AGREE_REJECT ? l[1].why : "");
		if ((n % 100) == 0)
			printf("# corpus_vm: %d cases loaded on both sides, %ld MiB available\n", n,
			       mem_avail_mib());
	}
	fclose(out);

	printf("# corpus_vm: %d cases on both sides: agree-accept %d, agree-reject %d, "
	       "gaps %d, unsafe %d (%d unlisted); not run %d (see %s)\n", n,
	       cnt[C_AGREE_ACCEPT], cnt[C_AGREE_REJECT], cnt[C_GAP], cnt[C_UNSAFE], unlisted,
	       cnt[C_NOTRUN], out_path);
	printf("# corpus_vm: verification time, all %d cases: kbpf %.1f ms, kernel %.1f ms, "
	       "kbpf/kernel %.2fx\n", n, vus[0] / 1e3, vus[1] / 1e3,
	       vus[1] ? (double)vus[0] / vus[1] : 0.0);
	if (nratio) {
		qsort(ratio, nratio, sizeof(*ratio), cmp_double);
		printf("# corpus_vm: verification time per case, kbpf/kernel over %d cases: "
		       "p10 %.2fx, median %.2fx, p90 %.2fx\n", nratio, ratio[nratio / 10],
		       ratio[nratio / 2], ratio[nratio * 9 / 10]);
	}
	printf("# corpus_vm: PROG_LOAD time (verifier, fixups, JIT), all %d cases: kbpf %.1f ms, "
	       "kernel %.1f ms, kbpf/kernel %.2fx\n", n, ns[0] / 1e6, ns[1] / 1e6,
	       ns[1] ? (double)ns[0] / ns[1] : 0.0);
	printf("# corpus_vm: processed insns (verified_insns) of the %d both accept: "
	       "kbpf %llu, kernel %llu, kbpf/kernel %.2fx\n", both_acc,
	       (unsigned long long)insns[0], (unsigned long long)insns[1],
	       insns[1] ? (double)insns[0] / insns[1] : 0.0);
	printf("%s: corpus_vm/no_unsafe_accepts (%d unsafe accepts, %d not justified)\n",
	       unlisted ? "FAIL" : "PASS", cnt[C_UNSAFE], unlisted);
	printf("%s: corpus_vm/verdicts (%d cases: %d disagreements with the guest kernel: "
	       "%d gaps, %d unsafe; kernel unlike test_verifier's expectation: %d)\n",
	       kexp || !n ? "FAIL" : "PASS", n, cnt[C_GAP] + cnt[C_UNSAFE], cnt[C_GAP],
	       cnt[C_UNSAFE], kexp);
	return unlisted || kexp || !n;
}
