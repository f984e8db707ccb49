// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier corpus runner: every case of the kernel's test_verifier
 * (cases.c) goes through kbpf's verifier natively, as a privileged loader
 * (CAP_BPF + CAP_PERFMON, like test_verifier's privileged pass), and the
 * verdict is compared with the case's expected privileged result:
 *
 *   agree-accept   both accept          agree-reject   both reject
 *   precision-gap  kbpf rejects, the kernel accepts
 *   unsafe-accept  kbpf ACCEPTS, the kernel rejects: must be justified in
 *                  accepted_differences.txt, else it is a verifier bug
 *   not-run        the case cannot be posed to kbpf (program type, BTF, ...)
 *
 * Agree-accept socket filters are also run, like test_verifier's
 * BPF_PROG_TEST_RUN, in the interpreter and the JIT, and the return value is
 * compared with the case's retval (informational).
 *
 *   corpus_runner [-u] [-P] [-o results.txt] [-a accepted_differences.txt]
 *                 [-t substr] [-v] [-l]
 *   (-t: only cases whose descr or file name contains substr; -v: one line per
 *   case; -l: also print each verified case's full level-2 log)
 *
 * Each case's kbpf_verify call is timed (CLOCK_MONOTONIC; the microseconds
 * are a column of results.txt, a summary line gives total, median, p90 and
 * max: a figure, never pass/fail).
 *
 * -P verifies every posed case a second time with attr.no_prune (no state is
 * ever pruned; loops are still detected) and compares the verdicts:
 * "PASS/FAIL: corpus/pruning_same_verdicts". Only the no-prune run hitting
 * its budget (-E2BIG: without pruning, paths multiply) may differ; those
 * cases are listed by name. The no-prune pass has the full budget (it adds
 * ~16 s to the privileged pass under the sanitizers, 2026-12-08); -B n gives
 * it n instructions per case instead.
 *
 * -u is test_verifier's unprivileged pass: the loader has neither CAP_BPF
 * nor CAP_PERFMON, only the cases test_verifier runs unprivileged are posed
 * (socket filters and cgroup skb, not F_NEEDS_EFFICIENT_UNALIGNED_ACCESS),
 * the expected verdict is .result_unpriv when the case gives one, and
 * accepted programs are not test-run (the privileged pass does that). Its
 * lines are corpus/unpriv_no_unsafe_accepts and corpus/unpriv_parity.
 *
 * Prints a summary, then "PASS:/FAIL: corpus/no_unsafe_accepts" and
 * "PASS:/FAIL: corpus/parity"; exits 1 if either failed.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <ctype.h>
#include <unistd.h>
#include <time.h>
#include <arpa/inet.h>
#include "corpus.h"
#include "common.h"
#include "jitrun.h"

enum cls { C_AGREE_ACCEPT, C_AGREE_REJECT, C_GAP, C_UNSAFE, C_NOTRUN, C_NR };
static const char *const cls_name[C_NR] = {
	"agree-accept", "agree-reject", "precision-gap", "unsafe-accept", "not-run",
};

/* ---- fake maps, one set per case ------------------------------------------ */

/* Fake fds: FD_BASE + kind. */
#define FD_BASE 100
static struct kt_map *case_maps[FX_NR];
static struct kbpf_tail_target *case_slots[FX_NR][8];

static int corpus_map_from_fd(void *priv, s32 fd, const struct kbpf_map_desc **map)
{
	if (fd < FD_BASE || fd >= FD_BASE + FX_NR || !case_maps[fd - FD_BASE])
		return -EBADF;
	*map = &case_maps[fd - FD_BASE]->desc;
	return 0;
}

/* The dummy programs a PROG_ARRAY fixup holds (ret 42, a self tail call, ret 24). */
struct dummy {
	struct bpf_insn insns[8];
	struct kt_jit jit;
	struct kbpf_tail_target target;
};
static struct dummy dummies[2][3];

static int dump_log;	/* -l: print each run case's full (level 2) log */
static bool unpriv;	/* -u: the unprivileged pass */
static bool compare_prune;	/* -P */
static bool no_prune;	/* set around the second, no-prune verification (-P) */
static u64 verify_ns;	/* the last kbpf_verify call's duration */

static u32 no_prune_budget;	/* -B: the no-prune pass's budget (0: KBPF_VERIFY_BUDGET) */

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int verify(struct bpf_insn *insns, u32 cnt, u32 prog_type, char *log, u32 log_size,
		  struct kbpf_subprog *subs, u32 *sub_cnt)
{
	struct kbpf_verify_attr attr = {
		.insns = insns, .insn_cnt = cnt, .prog_type = prog_type,
		.bpf_capable = !unpriv, .perfmon_capable = !unpriv, .gpl_compatible = true,
		.log_level = log ? (dump_log ? KBPF_LOG_LEVEL2 : KBPF_LOG_LEVEL1) : 0, .log_buf = log,
		.log_size = log ? log_size : 0,
		.map_from_fd = corpus_map_from_fd, .map_value_addr = kt_map_value_addr,
		.subprogs = subs,
		.call_maps = cnt <= KT_MAX_PROG_INSNS ? kt_call_maps : NULL,
		.no_prune = no_prune, .budget = no_prune ? no_prune_budget : 0,
	};
	u64 t0;
	int err;

	if (log)
		log[0] = '\0';
	if (cnt <= KT_MAX_PROG_INSNS)
		memset(kt_call_maps, 0, sizeof(kt_call_maps));
	t0 = now_ns();
	err = kbpf_verify(&attr);
	verify_ns = now_ns() - t0;
	if (sub_cnt)
		*sub_cnt = attr.subprog_cnt;
	return err;
}

static void load_dummies(int which, int kind, const int keys[3], bool jit)
{
	static const int rets[3] = { 42, 41, 24 };
	int i;

	for (i = 0; i < 3; i++) {
		struct dummy *d = &dummies[which][i];
		struct kbpf_subprog subs[KBPF_MAX_SUBPROGS];
		u32 n = 2, sub_cnt = 0;

		memset(d->insns, 0, sizeof(d->insns));
		if (i == 1) {	/* r3 = own key; tail_call(ctx, map, r3); return 41 */
			struct bpf_insn p[] = {
				BPF_MOV64_IMM(BPF_REG_3, keys[1]),
				BPF_LD_MAP_FD(BPF_REG_2, FD_BASE + kind),
				BPF_EMIT_CALL(BPF_FUNC_tail_call),
				BPF_MOV64_IMM(BPF_REG_0, rets[i]),
				BPF_EXIT_INSN(),
			};
			memcpy(d->insns, p, sizeof(p));
			n = 6;
		} else {
			d->insns[0] = BPF_MOV64_IMM(BPF_REG_0, rets[i]);
			d->insns[1] = BPF_EXIT_INSN();
		}
		if (verify(d->insns, n, BPF_PROG_TYPE_SOCKET_FILTER, NULL, 0, subs, &sub_cnt))
			continue;	/* slot stays empty */
		d->target.insns = d->insns;
		d->target.jit_entry = NULL;
		if (jit && !kt_jit_load_subprogs(&d->jit, d->insns, n, subs, sub_cnt, false, 0))
			d->target.jit_entry = (u8 *)d->jit.mem + KBPF_JIT_TAIL_OFFSET;
		case_slots[kind][keys[i]] = &d->target;
	}
}

static void free_maps(void)
{
	int k, i, j;

	for (k = 0; k < FX_NR; k++) {
		kt_map_free(case_maps[k]);
		case_maps[k] = NULL;
		memset(case_slots[k], 0, sizeof(case_slots[k]));
	}
	for (i = 0; i < 2; i++)
		for (j = 0; j < 3; j++)
			kt_jit_unload(&dummies[i][j].jit);
}

static const struct kbpf_map_desc inner_meta_4_4_1 = {
	.map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 1,
	.is_meta = true,
};

/* Create the maps a case's fixups name and patch their fake fds in. */
static int setup_maps(const struct bpf_test *t, struct bpf_insn *prog, u32 len, bool jit)
{
	static const int keys1[3] = { 0, 1, 2 }, keys2[3] = { 7, 1, 2 };
	int k;

	for (k = 0; k < FX_NR; k++) {
		const struct corpus_fixup *d = &corpus_fixups[k];
		const int *fx = corpus_fixup_list(t, k);
		int i;

		if (!fx[0])
			continue;
		case_maps[k] = kt_map_new(d->type, d->key ? d->key : 1, d->value ? d->value : 1,
					  d->max ? d->max : 1);
		case_maps[k]->desc.key_size = d->key;
		case_maps[k]->desc.value_size = d->value;
		case_maps[k]->desc.max_entries = d->max;
		case_maps[k]->desc.map_flags = d->flags;
		if (d->type == BPF_MAP_TYPE_PROG_ARRAY)
			case_maps[k]->desc.tail_slots = case_slots[k];
		/* test_verifier's create_map_in_map(): inner ARRAY 4/4/1, none stored */
		if (d->type == BPF_MAP_TYPE_ARRAY_OF_MAPS)
			case_maps[k]->desc.inner_meta = &inner_meta_4_4_1;
		if (k == FX_ARRAY_48B || k == FX_ARRAY_RO || k == FX_ARRAY_WO) {
			/* the runner's update_map(): index = 28, foo[6] = 0xabcdef12 */
			struct test_val v = { .index = (6 + 1) * sizeof(int), .foo[6] = 0xabcdef12 };

			memcpy(case_maps[k]->values, &v, sizeof(v));
		}
		for (i = 0; i < MAX_FIXUPS && fx[i]; i++) {
			if ((u32)fx[i] >= len)
				return -1;
			prog[fx[i]].imm = FD_BASE + k;
		}
	}
	if (case_maps[FX_PROG1])
		load_dummies(0, FX_PROG1, keys1, jit);
	if (case_maps[FX_PROG2])
		load_dummies(1, FX_PROG2, keys2, jit);
	return 0;
}

/* ---- per-case evaluation --------------------------------------------------- */

struct result {
	const char *file;
	const char *descr;
	int idx;			/* within its file */
	enum cls cls;
	int err;
	const char *notrun;		/* not-run reason */
	char reason[200];		/* kbpf's last log line (rejections) */
	char run[120];			/* test-run outcome, accepted cases */
	bool allowed;			/* unsafe accept listed in accepted_differences */
	bool run_bad;
	u64 ns;				/* kbpf_verify's time (the verdict's call) */
	bool np_done;			/* -P: verified again without pruning */
	int np_err;			/* ... with this errno */
};

static char logbuf[1 << 20];
static struct bpf_insn *work;		/* MAX_TEST_INSNS */
static struct bpf_insn *fillbuf;	/* MAX_TEST_INSNS */

/* The last line of the log that is not the "processed ..." summary. */
static void last_line(const char *log, char *out, size_t size)
{
	const char *end = log + strlen(log), *s, *e;

	out[0] = '\0';
	while (end > log) {
		e = end;
		while (e > log && e[-1] == '\n')
			e--;
		s = e;
		while (s > log && s[-1] != '\n')
			s--;
		if (e > s && strncmp(s, "processed ", 10)) {
			snprintf(out, size, "%.*s", (int)(e - s), s);
			return;
		}
		end = s;
	}
}

static const char *prog_type_name(u32 t)
{
	static char buf[32];
	static const char *const names[] = {
		[BPF_PROG_TYPE_SOCKET_FILTER] = "socket_filter",
		[BPF_PROG_TYPE_KPROBE] = "kprobe", [BPF_PROG_TYPE_SCHED_CLS] = "sched_cls",
		[BPF_PROG_TYPE_SCHED_ACT] = "sched_act", [BPF_PROG_TYPE_TRACEPOINT] = "tracepoint",
		[BPF_PROG_TYPE_XDP] = "xdp", [BPF_PROG_TYPE_PERF_EVENT] = "perf_event",
		[BPF_PROG_TYPE_CGROUP_SKB] = "cgroup_skb", [BPF_PROG_TYPE_CGROUP_SOCK] = "cgroup_sock",
		[BPF_PROG_TYPE_LWT_IN] = "lwt_in", [BPF_PROG_TYPE_LWT_OUT] = "lwt_out",
		[BPF_PROG_TYPE_LWT_XMIT] = "lwt_xmit", [BPF_PROG_TYPE_SOCK_OPS] = "sock_ops",
		[BPF_PROG_TYPE_SK_SKB] = "sk_skb", [BPF_PROG_TYPE_CGROUP_DEVICE] = "cgroup_device",
		[BPF_PROG_TYPE_SK_MSG] = "sk_msg", [BPF_PROG_TYPE_RAW_TRACEPOINT] = "raw_tracepoint",
		[BPF_PROG_TYPE_CGROUP_SOCK_ADDR] = "cgroup_sock_addr",
		[BPF_PROG_TYPE_LWT_SEG6LOCAL] = "lwt_seg6local", [BPF_PROG_TYPE_LIRC_MODE2] = "lirc_mode2",
		[BPF_PROG_TYPE_SK_REUSEPORT] = "sk_reuseport", [BPF_PROG_TYPE_FLOW_DISSECTOR] = "flow_dissector",
		[BPF_PROG_TYPE_CGROUP_SYSCTL] = "cgroup_sysctl",
		[BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE] = "raw_tracepoint_writable",
		[BPF_PROG_TYPE_CGROUP_SOCKOPT] = "cgroup_sockopt", [BPF_PROG_TYPE_TRACING] = "tracing",
		[BPF_PROG_TYPE_STRUCT_OPS] = "struct_ops", [BPF_PROG_TYPE_EXT] = "ext",
		[BPF_PROG_TYPE_LSM] = "lsm", [BPF_PROG_TYPE_SK_LOOKUP] = "sk_lookup",
		[BPF_PROG_TYPE_SYSCALL] = "syscall",
	};

	if (t < ARRAY_SIZE(names) && names[t])
		return names[t];
	snprintf(buf, sizeof(buf), "type %u", t);
	return buf;
}

/* The socket-filter test-run context over a frame (as BPF_PROG_TEST_RUN builds it). */
static void fill_skb(struct kbpf_skb_ctx *c, const u8 *frame, u32 size)
{
	static const u8 lo_addr[6];
	u16 proto;

	memset(c, 0, sizeof(*c));
	c->skb.pkt_type = 0;					/* PACKET_HOST */
	if (memcmp(frame, lo_addr, 6))
		c->skb.pkt_type = (frame[0] & 1) ?
			(!memcmp(frame, "\xff\xff\xff\xff\xff\xff", 6) ? 1 : 2) : 3;
	memcpy(&proto, frame + 12, 2);
	if (((frame[12] << 8) | frame[13]) >= 0x600)
		c->skb.protocol = proto;
	else if (frame[14] == 0xff && frame[15] == 0xff)
		c->skb.protocol = htons(ETH_P_802_3);
	else
		c->skb.protocol = htons(ETH_P_802_2);
	c->skb.len = size - ETH_HLEN;
	c->skb.wire_len = c->skb.len;
	c->skb.ifindex = 1;					/* loopback */
	c->mac = frame;
	c->mac_len = ETH_HLEN;
	c->net = frame + ETH_HLEN;
	c->net_len = size - ETH_HLEN;
}

/* Run an accepted socket filter on each of the case's packets; compare retval. */
static void run_case(struct bpf_test *t, struct result *r, struct bpf_insn *prog, u32 len,
		     const struct kbpf_subprog *subs, u32 sub_cnt)
{
	struct kt_jit j;
	int runs = t->runs ? t->runs : 1, i, bad = 0, jerr;

	if (t->runs < 0) {
		snprintf(r->run, sizeof(r->run), "run: none (runs = -1)");
		return;
	}
	jerr = kt_jit_load_subprogs(&j, prog, len, subs, sub_cnt, false, 0);
	for (i = 0; i < runs && i < MAX_TEST_RUNS; i++) {
		struct kbpf_skb_ctx ctx;
		u32 want = t->retvals[i].retval, got_i, got_j = 0;

		fill_skb(&ctx, t->retvals[i].data, TEST_DATA_LEN);
		ctx.skb.cb[0] = 0;
		got_i = (u32)kbpf_interp_run(prog, kt_helpers, &ctx);
		fill_skb(&ctx, t->retvals[i].data, TEST_DATA_LEN);
		if (!jerr)
			got_j = (u32)j.fn(&ctx);
		if (want == (u32)POINTER_VALUE)
			continue;
		if (got_i != want || (!jerr && got_j != want)) {
			if (!bad)
				snprintf(r->run, sizeof(r->run),
					 "run %d/%d: retval want %#x, interp %#x, jit %s%#x", i + 1,
					 runs, want, got_i, jerr ? "(none) " : "", got_j);
			bad++;
		}
	}
	if (!bad)
		snprintf(r->run, sizeof(r->run), "run: %d ok (interp%s)", runs,
			 jerr ? ", jit failed" : " + jit");
	if (jerr && !bad)
		snprintf(r->run, sizeof(r->run), "run: %d ok interp, jit error %d", runs, jerr);
	r->run_bad = bad || jerr;
	kt_jit_unload(&j);
}

/* The verdict test_verifier expects in this pass (UNDEF: none). */
static enum corpus_result expected_result(const struct bpf_test *t)
{
	return unpriv && t->result_unpriv != UNDEF ? t->result_unpriv : t->result;
}

/* test_verifier's test_as_unpriv() on x86-64 (efficient unaligned access). */
static bool runs_unpriv(const struct bpf_test *t)
{
	return !(t->flags & F_NEEDS_EFFICIENT_UNALIGNED_ACCESS) &&
	       (!t->prog_type || t->prog_type == BPF_PROG_TYPE_SOCKET_FILTER ||
		t->prog_type == BPF_PROG_TYPE_CGROUP_SKB);
}

static void eval_case(struct bpf_test *t, struct result *r)
{
	enum corpus_result want = expected_result(t);
	bool kernel_accepts = want == ACCEPT || want == VERBOSE_ACCEPT;
	u32 prog_type = t->prog_type ? t->prog_type : BPF_PROG_TYPE_SOCKET_FILTER;
	struct kbpf_subprog subs[KBPF_MAX_SUBPROGS];
	struct bpf_insn *src = t->insns;
	u32 len, sub_cnt = 0;
	int err;

	if (t->fill_helper) {
		memset(fillbuf, 0, sizeof(*fillbuf) * MAX_TEST_INSNS);
		t->fill_insns = fillbuf;
		t->prog_len = 0;
		t->fill_helper(t);
		if (t->prog_len <= 0) {
			r->notrun = "generator produced no program";
			goto notrun;
		}
		src = fillbuf;
		len = t->prog_len;
	} else {
		len = corpus_prog_length(t->insns);
	}
	if (unpriv && !runs_unpriv(t)) {
		r->notrun = "not an unprivileged case (test_verifier runs it privileged only)";
		goto notrun;
	}
	if (prog_type != BPF_PROG_TYPE_SOCKET_FILTER && prog_type != BPF_PROG_TYPE_KPROBE &&
	    prog_type != BPF_PROG_TYPE_TRACEPOINT && prog_type != BPF_PROG_TYPE_RAW_TRACEPOINT &&
	    prog_type != BPF_PROG_TYPE_XDP && prog_type != BPF_PROG_TYPE_SCHED_CLS &&
	    prog_type != BPF_PROG_TYPE_SCHED_ACT) {
		static char why[128];

		/* one static buffer per type name is enough: classified below by string */
		snprintf(why, sizeof(why), "prog_type %s (no kbpf context rules yet)",
			 prog_type_name(prog_type));
		r->notrun = strdup(why);
		goto notrun;
	}
	if (t->btf_types[0] || t->func_info_cnt || t->fixup_kfunc_btf_id[0].kfunc) {
		r->notrun = "needs BTF (func_info, kfunc or raw BTF: not in kbpf_verify_attr)";
		goto notrun;
	}
	if (want == UNDEF) {
		r->notrun = unpriv ? "no expected unprivileged result" : "no expected privileged result";
		goto notrun;
	}

	if (compare_prune) {	/* first, as verification rewrites the program */
		memcpy(work, src, sizeof(*work) * len);
		if (!setup_maps(t, work, len, false)) {
			no_prune = true;
			r->np_err = verify(work, len, prog_type, NULL, 0, NULL, NULL);
			no_prune = false;
			r->np_done = true;
		}
		free_maps();
	}
	memcpy(work, src, sizeof(*work) * len);
	if (setup_maps(t, work, len, true)) {
		r->notrun = "fixup index outside the program";
		free_maps();
		goto notrun;
	}
	err = verify(work, len, prog_type, logbuf, sizeof(logbuf), subs, &sub_cnt);
	if (err == -ENOSPC) {	/* log too small: ask again without one */
		free_maps();
		memcpy(work, src, sizeof(*work) * len);
		setup_maps(t, work, len, true);
		err = verify(work, len, prog_type, NULL, 0, subs, &sub_cnt);
		snprintf(logbuf, sizeof(logbuf), "errno %d%s (log over 1 MiB, not kept)", err,
			 err == -E2BIG ? " E2BIG: verification budget or pending states" : "");
	}
	r->err = err;
	r->ns = verify_ns;
	if (dump_log)
		printf("---- %s: %s: err %d\n%s", r->file, r->descr, err, logbuf);
	if (err)
		last_line(logbuf, r->reason, sizeof(r->reason));
	if (!err && kernel_accepts) {
		r->cls = C_AGREE_ACCEPT;
		if (prog_type == BPF_PROG_TYPE_SOCKET_FILTER && !unpriv)	/* the runner's ctx */
			run_case(t, r, work, len, subs, sub_cnt);
	} else if (err && !kernel_accepts) {
		r->cls = C_AGREE_REJECT;
	} else if (err) {
		r->cls = C_GAP;
	} else {
		r->cls = C_UNSAFE;
	}
	free_maps();
	return;
notrun:
	r->cls = C_NOTRUN;
}

/* ---- allowlist --------------------------------------------------------------- */

static bool allowed(const struct result *r)
{
	return corpus_allowed(r->file, r->descr);
}

/* ---- summary ------------------------------------------------------------------- */

struct tally { char *key; char *example; int n; };

static void tally_add(struct tally **tv, int *tn, const char *key, const char *example)
{
	int i;

	for (i = 0; i < *tn; i++)
		if (!strcmp((*tv)[i].key, key)) {
			(*tv)[i].n++;
			return;
		}
	*tv = realloc(*tv, sizeof(**tv) * (*tn + 1));
	(*tv)[*tn].key = strdup(key);
	(*tv)[*tn].example = strdup(example ? example : "");
	(*tv)[*tn].n = 1;
	(*tn)++;
}

static int tally_cmp(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;

	return y->n != x->n ? y->n - x->n : strcmp(x->key, y->key);
}

/* Group log lines: numbers become N ("R3 !read_ok" and "R1 !read_ok" are one reason). */
static void normalize(const char *in, char *out, size_t size)
{
	size_t o = 0;

	while (*in && o + 2 < size) {
		if (isdigit((unsigned char)*in)) {
			out[o++] = 'N';
			while (isdigit((unsigned char)*in) || *in == 'x' ||
			       ((*in >= 'a' && *in <= 'f') && isdigit((unsigned char)in[-1])))
				in++;
			continue;
		}
		out[o++] = *in++;
	}
	out[o] = '\0';
}

static int ns_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The verification-time figure of the posed cases (not pass/fail). */
static void print_times(const struct result *res, int nres)
{
	u64 *ns = calloc(nres ? nres : 1, sizeof(*ns)), total = 0;
	int i, n = 0, imax = -1;

	for (i = 0; i < nres; i++) {
		if (res[i].cls == C_NOTRUN)
			continue;
		ns[n++] = res[i].ns;
		total += res[i].ns;
		if (imax < 0 || res[i].ns > res[imax].ns)
			imax = i;
	}
	if (n) {
		qsort(ns, n, sizeof(*ns), ns_cmp);
		printf("# corpus%s: verification time: total %llu ms over %d cases, median %llu us, "
		       "p90 %llu us, max %llu us (%s: %s)\n", unpriv ? " (unprivileged)" : "",
		       (unsigned long long)(total / 1000000), n,
		       (unsigned long long)(ns[n / 2] / 1000),
		       (unsigned long long)(ns[(n * 9) / 10] / 1000),
		       (unsigned long long)(ns[n - 1] / 1000), res[imax].file, res[imax].descr);
	}
	free(ns);
}

/*
 * -P: every posed case's verdict with pruning against its verdict without.
 * Pruning is sound only if it never changes a verdict; the one allowed
 * difference is the no-prune run running out of budget (-E2BIG).
 */
static bool prune_compare(const struct result *res, int nres, const char *pfx)
{
	int i, n = 0, same = 0, budget = 0, differ = 0;

	for (i = 0; i < nres; i++) {
		const struct result *r = &res[i];

		if (!r->np_done)
			continue;
		n++;
		if (!r->err == !r->np_err) {
			same++;
		} else if (r->np_err == -E2BIG) {
			budget++;
			printf("  without pruning, budget-limited: %s#%d: %s (pruned: %d)\n",
			       r->file, r->idx, r->descr, r->err);
		} else {
			differ++;
			printf("  PRUNING CHANGES THE VERDICT: %s#%d: %s (pruned: %d, not pruned: %d)\n",
			       r->file, r->idx, r->descr, r->err, r->np_err);
		}
	}
	printf("%s: corpus/%spruning_same_verdicts (%d cases: same %d, budget-limited without "
	       "pruning %d, differ %d)\n", differ || !n ? "FAIL" : "PASS", pfx, n, same, budget,
	       differ);
	return !differ && n;
}

static double pct(int a, int b)
{
	return b ? 100.0 * a / b : 0.0;
}

int main(int argc, char **argv)
{
	const char *out_path = "build/corpus/results.txt";
	const char *allow_path = "selftests/corpus/accepted_differences.txt";
	const char *filter = NULL, *file = "?";
	int verbose = 0, opt, file_idx = 0, nfiles = 0, bad_allow;
	struct result *res;
	int nres = 0, cnt[C_NR] = { 0 }, kacc = 0, krej = 0, unlisted = 0, run_bad = 0, runs = 0;
	struct tally *gaps = NULL, *notrun = NULL;
	int ngaps = 0, nnotrun = 0, i;
	const char *pfx;
	struct timespec t0, t1;
	FILE *out;
	bool parity_ok, prune_ok;

	while ((opt = getopt(argc, argv, "o:a:t:vluPB:")) != -1) {
		switch (opt) {
		case 'u': unpriv = true; break;
		case 'P': compare_prune = true; break;
		case 'B': no_prune_budget = strtoul(optarg, NULL, 0); break;
		case 'o': out_path = optarg; break;
		case 'a': allow_path = optarg; break;
		case 't': filter = optarg; break;
		case 'v': verbose++; break;
		case 'l': dump_log = 1; break;
		default:
			fprintf(stderr, "usage: %s [-u] [-P [-B budget]] [-o results] [-a allowlist] [-t substr] [-v] [-l]\n",
				argv[0]);
			return 2;
		}
	}
	pfx = unpriv ? "unpriv_" : "";
	bad_allow = corpus_load_allowlist(allow_path);
	work = calloc(MAX_TEST_INSNS, sizeof(*work));
	fillbuf = calloc(MAX_TEST_INSNS, sizeof(*fillbuf));
	res = calloc(corpus_ntests, sizeof(*res));
	clock_gettime(CLOCK_MONOTONIC, &t0);

	for (i = 0; i < (int)corpus_ntests; i++) {
		struct bpf_test *t = &corpus_tests[i];
		struct result *r;

		if (!t->descr) {	/* file marker */
			file = t->corpus_file ? t->corpus_file : "?";
			file_idx = 0;
			nfiles++;
			continue;
		}
		file_idx++;
		if (filter && !strstr(t->descr, filter) && !strstr(file, filter))
			continue;
		r = &res[nres++];
		r->file = file;
		r->descr = t->descr;
		r->idx = file_idx;
		eval_case(t, r);
		cnt[r->cls]++;
		if (r->cls != C_NOTRUN) {
			if (expected_result(t) == REJECT)
				krej++;
			else
				kacc++;
		}
		if (r->cls == C_UNSAFE) {
			r->allowed = allowed(r);
			unlisted += !r->allowed;
		}
		if (r->cls == C_GAP) {
			char key[200];

			normalize(r->reason[0] ? r->reason : "(empty log)", key, sizeof(key));
			tally_add(&gaps, &ngaps, key, r->reason);
		}
		if (r->cls == C_NOTRUN)
			tally_add(&notrun, &nnotrun, r->notrun, NULL);
		if (r->cls == C_AGREE_ACCEPT && r->run[0] && strncmp(r->run, "run: none", 9)) {
			runs++;
			run_bad += r->run_bad;
		}
		if (verbose)
			printf("%-13s %s: %s%s%s\n", cls_name[r->cls], r->file, r->descr,
			       r->reason[0] ? " -- " : "", r->reason);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	/* per-case list */
	out = fopen(out_path, "w");
	if (out) {
		fprintf(out, "# class\tfile#n\tdescr\tkbpf errno\tverify us\tdetail\n");
		for (i = 0; i < nres; i++) {
			struct result *r = &res[i];

			fprintf(out, "%s%s\t%s#%d\t%s\t%d\t", cls_name[r->cls],
				r->cls == C_UNSAFE ? (r->allowed ? "(allowed)" : "(UNLISTED)") : "",
				r->file, r->idx, r->descr, r->err);
			if (r->cls == C_NOTRUN)
				fprintf(out, "-\t");
			else
				fprintf(out, "%llu\t", (unsigned long long)(r->ns / 1000));
			fprintf(out, "%s%s\n",
				r->cls == C_NOTRUN ? r->notrun : r->reason, r->run);
		}
		fclose(out);
	} else {
		perror(out_path);
	}

	if (ngaps)
		qsort(gaps, ngaps, sizeof(*gaps), tally_cmp);
	if (nnotrun)
		qsort(notrun, nnotrun, sizeof(*notrun), tally_cmp);
	{
		int run = nres - cnt[C_NOTRUN];
		int agree = cnt[C_AGREE_ACCEPT] + cnt[C_AGREE_REJECT];

		printf("corpus%s: %d cases, kernel-agreement %.1f%% (accept %d/%d, reject %d/%d), "
		       "unsafe-accepts %d\n", unpriv ? " (unprivileged)" : "", nres, pct(agree, run), cnt[C_AGREE_ACCEPT], kacc,
		       cnt[C_AGREE_REJECT], krej, cnt[C_UNSAFE]);
		printf("  %d case files, %d cases run, %d not run; %.1f s\n", nfiles, run,
		       cnt[C_NOTRUN], (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
		for (i = 0; i < C_NR; i++)
			printf("  %-14s %5d  %5.1f%%\n", cls_name[i], cnt[i], pct(cnt[i], nres));
		printf("  not run, by reason:\n");
		for (i = 0; i < nnotrun; i++)
			printf("    %5d  %s\n", notrun[i].n, notrun[i].key);
		printf("  precision gaps, top reasons (kbpf's last log line):\n");
		for (i = 0; i < ngaps && i < 15; i++)
			printf("    %5d  %s\n", gaps[i].n, gaps[i].key);
		printf("  test runs of agree-accept cases: %d, retval mismatches or JIT errors: %d\n",
		       runs, run_bad);
		if (cnt[C_UNSAFE]) {
			printf("  unsafe accepts (%d not in %s):\n", unlisted, allow_path);
			for (i = 0; i < nres; i++)
				if (res[i].cls == C_UNSAFE)
					printf("    %s %s#%d: %s\n",
					       res[i].allowed ? "allowed " : "UNLISTED", res[i].file,
					       res[i].idx, res[i].descr);
		}
		for (i = 0; i < corpus_nallows; i++)
			if (!corpus_allows[i].used && !filter)
				printf("  note: allowlist entry matches no unsafe accept now: %s\n",
				       corpus_allows[i].key);
		printf("  per-case list: %s\n", out_path);
		print_times(res, nres);

		if (unlisted || bad_allow)
			printf("FAIL: corpus/%sno_unsafe_accepts (%d unsafe accepts not justified in %s%s)\n",
			       pfx, unlisted, allow_path, bad_allow ? "; malformed entries" : "");
		else
			printf("PASS: corpus/%sno_unsafe_accepts\n", pfx);
		parity_ok = nres > 0 && run + cnt[C_NOTRUN] == nres &&
			    cnt[C_AGREE_ACCEPT] + cnt[C_AGREE_REJECT] + cnt[C_GAP] + cnt[C_UNSAFE] == run &&
			    kacc + krej == run && (filter || nfiles > 0);
		if (parity_ok)
			printf("PASS: corpus/%sparity (%d cases: agreement %.1f%%, accept %d/%d, "
			       "reject %d/%d, gaps %d, unsafe %d, not run %d)\n", pfx, nres,
			       pct(agree, run), cnt[C_AGREE_ACCEPT], kacc, cnt[C_AGREE_REJECT],
			       krej, cnt[C_GAP], cnt[C_UNSAFE], cnt[C_NOTRUN]);
		else
			printf("FAIL: corpus/%sparity (counts do not add up or no case ran: %d cases)\n",
			       pfx, nres);
	}
	prune_ok = !compare_prune || prune_compare(res, nres, pfx);
	return (unlisted || bad_allow || !parity_ok || !prune_ok) ? 1 : 0;
}
