// SPDX-License-Identifier: GPL-2.0
/*
 * smp_stress: everything at once on every vCPU, then exact invariants.
 *
 * Run by `make check` in the -smp 4 boot (suite vm-smp), after
 * smp_map_counts. It ends by unloading and reloading kbpf.ko.
 *
 * Traffic (fixed amounts, so the expected counts are exact):
 *   syscaller: STRESS_SYSCALLS getppid() calls. Two raw_tp links on
 *     sys_enter ("anchors", attached before any thread starts) count the
 *     getppid calls of this process into counters[0] and counters[1];
 *   sender: STRESS_PACKETS UDP datagrams to 127.0.0.1:STRESS_PORT, in a
 *     netns of its own. One netfilter link on LOCAL_OUT counts them, into
 *     counters[2] under program A and counters[3] under program B.
 * Churn, on until both traffic threads are done (at least STRESS_MIN_ROUNDS
 * rounds each):
 *   updater: LINK_UPDATE of the netfilter link A -> B -> A ... with
 *     BPF_F_REPLACE and the right old program, and once a round with the
 *     wrong one (-EPERM, the link unchanged);
 *   linker: loads a raw_tp program counting into counters[4], opens a
 *     sys_enter link, closes the program fd (the link holds the last
 *     reference), lets it run, closes the link;
 *   objects: creates a HASH map, updates it, loads a socket filter using
 *     it, runs it once with TEST_RUN, closes both;
 *   pinner: pins the counters map, an anchor program and an anchor link on
 *     kbpffs, gets each back with OBJ_GET, compares ids, unpins;
 *   rmmod: delete_module("kbpf", O_NONBLOCK) every STRESS_RMMOD_US; each
 *     must fail with EWOULDBLOCK/EBUSY, since this process holds objects.
 *
 * Invariants at the end:
 *   counters[0] == counters[1] == STRESS_SYSCALLS: every event seen once
 *     by each anchor while links came and went beside them;
 *   counters[2] + counters[3] == datagrams sent: no packet missed or run
 *     twice across the LINK_UPDATEs;
 *   counters[4] <= STRESS_SYSCALLS (the churned links ran only while
 *     attached);
 *   every call of every thread succeeded (or failed exactly as expected);
 *   no pin is left, and once every fd is closed no map, prog or link id
 *     is listed that was not listed before the test (nothing leaked; ids
 *     are allocated cyclically, and frees may be deferred, so the lists
 *     are polled for up to 5 s);
 *   then kbpf.ko unloads (every probe and hook gone) and loads again.
 *
 * kbpf only: netfilter links, LINK_UPDATE of them and kbpffs have no 6.1
 * counterpart, and the counts above are exact by construction.
 *
 * Under TCG, patching code while another vCPU runs it can hang the guest
 * (see churn() in test_attach.c): the anchors flip the tracepoint's static
 * key and static call, and the netfilter link its hook key, before any
 * thread starts, and the churned sys_enter link only joins them.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include "kbpf_test.h"
#include "attach.h"

#define STRESS_SYSCALLS		200000
#define STRESS_PACKETS		40000
#define STRESS_MIN_ROUNDS	20	/* per churn thread, and on until traffic ends */
#define STRESS_RMMOD_US		2000
#define STRESS_PORT		4343
#define STRESS_COUNTERS		5
#define STRESS_IDS		4096	/* the id lists compared before and after */
#define STRESS_PIN_PREFIX	KBPF_FS_DIR "/kt_stress"

enum { TH_SYSCALLER, TH_SENDER, TH_UPDATER, TH_LINKER, TH_OBJECTS, TH_PINNER, TH_RMMOD, TH_NR };
static const char *const th_name[TH_NR] = {
	"syscaller", "sender", "updater", "linker", "objects", "pinner", "rmmod",
};

struct stress {
	int counters;		/* ARRAY, STRESS_COUNTERS x u64 */
	int anchor_prog[2], anchor_link[2];
	int nf_prog[2], nf_link;
	struct udp_pair udp;
	int traffic_left;	/* traffic threads still running */
	pthread_barrier_t start;
};

struct stress_thread {
	struct stress *s;
	pthread_t tid;
	unsigned long ops;	/* rounds, calls or datagrams done */
	unsigned long sent;	/* sender: datagrams sendto() accepted */
	char err[256];
};

#define TH_FAIL(t, ...) do {						\
	if (!(t)->err[0])						\
		snprintf((t)->err, sizeof((t)->err), __VA_ARGS__);	\
} while (0)

static bool traffic_done(const struct stress *s)
{
	return !__atomic_load_n(&s->traffic_left, __ATOMIC_ACQUIRE);
}

static bool churn_more(struct stress_thread *t)
{
	return !t->err[0] && (t->ops < STRESS_MIN_ROUNDS || !traffic_done(t->s));
}

/* p[n..]: if (r0) atomic counters[key] += 1; return 'ret'. */
static int emit_inc_exit(struct bpf_insn *p, int n, int ret)
{
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_1, 1);
	p[n++] = (struct bpf_insn)ATOMIC_ADD64(BPF_REG_0, BPF_REG_1, 0);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_0, ret);
	p[n++] = (struct bpf_insn)EXIT_INSN();
	return n;
}

/* raw_tp sys_enter: getppid of this process -> counters[key] += 1. */
static int load_tp_counter(int map, int key)
{
	struct bpf_insn p[32];
	int n = 0, nr_jmp, pid_jmp;

	p[n++] = (struct bpf_insn)LDX_MEM(BPF_DW, BPF_REG_6, BPF_REG_1, 8);	/* args[1]: nr */
	nr_jmp = n;
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JNE, BPF_REG_6, SYS_getppid, 0);	/* to out */
	p[n++] = (struct bpf_insn)CALL(BPF_FUNC_get_current_pid_tgid);
	p[n++] = (struct bpf_insn)ALU64_IMM(BPF_RSH, BPF_REG_0, 32);
	pid_jmp = n;
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JNE, BPF_REG_0, getpid(), 0);	/* to out */
	n = emit_lookup_key(p, n, map, key);
	n = emit_inc_exit(p, n, 0);
	p[nr_jmp].off = n - (nr_jmp + 1);
	p[pid_jmp].off = n - (pid_jmp + 1);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_0, 0);
	p[n++] = (struct bpf_insn)EXIT_INSN();
	return load_ex(&be_kbpf, RAW_TP, p, n, 0);
}

/* netfilter: UDP to STRESS_PORT (IPv4, 20-byte header) -> counters[key] += 1; accept. */
static int load_nf_counter(int map, int key)
{
	struct bpf_insn p[32];
	int n = 0, i, first;

	p[n++] = (struct bpf_insn)LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 0);	/* data */
	p[n++] = (struct bpf_insn)LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, 8);	/* data_end */
	p[n++] = (struct bpf_insn)MOV64_REG(BPF_REG_4, BPF_REG_2);
	p[n++] = (struct bpf_insn)ALU64_IMM(BPF_ADD, BPF_REG_4, 24);
	first = n;
	p[n++] = (struct bpf_insn)JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 0);	/* to out */
	p[n++] = (struct bpf_insn)LDX_MEM(BPF_B, BPF_REG_5, BPF_REG_2, 9);
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JNE, BPF_REG_5, 17, 0);	/* to out */
	p[n++] = (struct bpf_insn)LDX_MEM(BPF_H, BPF_REG_5, BPF_REG_2, 22);
	p[n++] = (struct bpf_insn)JMP_IMM(BPF_JNE, BPF_REG_5, htons(STRESS_PORT), 0);
	n = emit_lookup_key(p, n, map, key);
	n = emit_inc_exit(p, n, 1);
	for (i = first; i < first + 5; i += 2)
		p[i].off = n - (i + 1);
	p[n++] = (struct bpf_insn)MOV64_IMM(BPF_REG_0, 1);
	p[n++] = (struct bpf_insn)EXIT_INSN();
	return load_ex(&be_kbpf, NETFILTER, p, n, ATTACH_NF);
}

/* ---- threads ------------------------------------------------------------- */

static void traffic_end(struct stress *s)
{
	__atomic_sub_fetch(&s->traffic_left, 1, __ATOMIC_RELEASE);
}

static void *syscaller(void *arg)
{
	struct stress_thread *t = arg;

	pthread_barrier_wait(&t->s->start);
	for (; t->ops < STRESS_SYSCALLS; t->ops++)
		syscall(SYS_getppid);
	traffic_end(t->s);
	return NULL;
}

static void *sender(void *arg)
{
	struct stress_thread *t = arg;
	struct udp_pair *u = &t->s->udp;
	char buf[8];

	pthread_barrier_wait(&t->s->start);
	for (; t->ops < STRESS_PACKETS; t->ops++) {
		if (sendto(u->tx, "kbpf", 4, 0, (struct sockaddr *)&u->to, u->to_len) == 4)
			t->sent++;
		else
			TH_FAIL(t, "sendto %lu: %s", t->ops, strerror(errno));
		while (recv(u->rx, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
	}
	traffic_end(t->s);
	return NULL;
}

static void *updater(void *arg)
{
	struct stress_thread *t = arg;
	struct stress *s = t->s;
	int cur = 0, r;

	pthread_barrier_wait(&s->start);
	while (churn_more(t)) {
		r = link_update(&be_kbpf, s->nf_link, s->nf_prog[cur], s->nf_prog[!cur],
				BPF_F_REPLACE);
		if (r != -EPERM)
			TH_FAIL(t, "round %lu: update with the wrong old prog: %s, want -EPERM",
				t->ops, kt_res(r));
		r = link_update(&be_kbpf, s->nf_link, s->nf_prog[!cur], s->nf_prog[cur],
				BPF_F_REPLACE);
		if (r)
			TH_FAIL(t, "round %lu: update: %s", t->ops, kt_res(r));
		cur = !cur;
		t->ops++;
		usleep(1000);
	}
	return NULL;
}

static void *linker(void *arg)
{
	struct stress_thread *t = arg;
	int prog, link;

	pthread_barrier_wait(&t->s->start);
	while (churn_more(t)) {
		prog = load_tp_counter(t->s->counters, 4);
		if (prog < 0) {
			TH_FAIL(t, "round %lu: load: %s", t->ops, kt_res(prog));
			break;
		}
		link = b_raw_tp_open(&be_kbpf, "sys_enter", prog);
		close(prog);
		if (link < 0) {
			TH_FAIL(t, "round %lu: raw_tp open: %s", t->ops, kt_res(link));
			break;
		}
		usleep(3000);
		close(link);
		t->ops++;
	}
	return NULL;
}

static void *objects(void *arg)
{
	struct stress_thread *t = arg;
	struct bpf_insn p[16];
	__u32 key;
	__u64 val;
	int map, prog, n, r;

	pthread_barrier_wait(&t->s->start);
	while (churn_more(t)) {
		map = b_map_create(&be_kbpf, BPF_MAP_TYPE_HASH, 4, 8, 16, 0, "kt_stress");
		if (map < 0) {
			TH_FAIL(t, "round %lu: map create: %s", t->ops, kt_res(map));
			break;
		}
		for (key = 0; key < 4; key++) {
			val = t->ops + key;
			r = b_map_update(&be_kbpf, map, &key, &val, BPF_ANY);
			if (r)
				TH_FAIL(t, "round %lu: update: %s", t->ops, kt_res(r));
		}
		n = build_counter_prog(p, map, -1, true);
		prog = b_prog_load(&be_kbpf, BPF_PROG_TYPE_SOCKET_FILTER, p, n, "GPL", NULL, 0,
				   "kt_stress");
		if (prog < 0) {
			TH_FAIL(t, "round %lu: load: %s", t->ops, kt_res(prog));
		} else {
			__u32 retval = 0;

			r = b_run_frame(&be_kbpf, prog, &retval);
			/* build_counter_prog returns the new count of key 0 */
			if (r || retval != t->ops + 1)
				TH_FAIL(t, "round %lu: test_run: %s, retval %u, want %lu", t->ops,
					kt_res(r), retval, t->ops + 1);
			close(prog);
		}
		close(map);
		t->ops++;
	}
	return NULL;
}

static void pin_get_check(struct stress_thread *t, int fd, const char *kind)
{
	char path[128];
	__u32 want, got;
	long r, g;

	snprintf(path, sizeof(path), "%s_%s_%lu", STRESS_PIN_PREFIX, kind, t->ops);
	r = b_pin(&be_kbpf, fd, path);
	if (r) {
		TH_FAIL(t, "round %lu: pin %s: %s", t->ops, kind, kt_res(r));
		return;
	}
	g = b_get(&be_kbpf, path, 0);
	if (g < 0) {
		TH_FAIL(t, "round %lu: get %s: %s", t->ops, kind, kt_res(g));
	} else {
		want = kind[0] == 'm' ? b_map_id(&be_kbpf, fd) : kind[0] == 'p' ?
			b_prog_id(&be_kbpf, fd) : b_link_id(&be_kbpf, fd, NULL);
		got = kind[0] == 'm' ? b_map_id(&be_kbpf, g) : kind[0] == 'p' ?
			b_prog_id(&be_kbpf, g) : b_link_id(&be_kbpf, g, NULL);
		if (!want || want != got)
			TH_FAIL(t, "round %lu: %s id %u, got back %u", t->ops, kind, want, got);
		close(g);
	}
	if (unlink(path))
		TH_FAIL(t, "round %lu: unlink %s: %s", t->ops, path, strerror(errno));
}

static void *pinner(void *arg)
{
	struct stress_thread *t = arg;
	struct stress *s = t->s;

	pthread_barrier_wait(&s->start);
	while (churn_more(t)) {
		pin_get_check(t, s->counters, "map");
		pin_get_check(t, s->anchor_prog[t->ops & 1], "prog");
		pin_get_check(t, t->ops & 1 ? s->anchor_link[0] : s->nf_link, "link");
		t->ops++;
	}
	return NULL;
}

static void *rmmod(void *arg)
{
	struct stress_thread *t = arg;
	long r;

	pthread_barrier_wait(&t->s->start);
	while (churn_more(t)) {
		r = kt_delete_module();
		if (!kt_module_busy(r))
			TH_FAIL(t, "attempt %lu: delete_module: %s, want EWOULDBLOCK/EBUSY",
				t->ops, kt_res(r));
		t->ops++;
		usleep(STRESS_RMMOD_US);
	}
	return NULL;
}

static void *(*const th_fn[TH_NR])(void *) = {
	syscaller, sender, updater, linker, objects, pinner, rmmod,
};

/* ---- invariants ---------------------------------------------------------- */

static const int id_cmds[3] = { BPF_MAP_GET_NEXT_ID, BPF_PROG_GET_NEXT_ID, BPF_LINK_GET_NEXT_ID };
static const char *const id_kind[3] = { "map", "prog", "link" };

struct id_set {
	int n[3];
	__u32 ids[3][STRESS_IDS];
};

static void id_snapshot(struct id_set *v)
{
	int k;

	for (k = 0; k < 3; k++)
		v->n[k] = b_ids(&be_kbpf, id_cmds[k], v->ids[k], STRESS_IDS);
}

/*
 * Is every id of after also in before? Ids are allocated cyclically, so an
 * object the test made and leaked has an id before did not hold; objects
 * of earlier tests may still be going away (before holds more). On false,
 * *kind and *id name the first stray.
 */
static bool id_subset(const struct id_set *after, const struct id_set *before, int *kind,
		      __u32 *id)
{
	int i, j;

	for (*kind = 0; *kind < 3; ++*kind)
		for (i = 0; i < after->n[*kind]; i++) {
			for (j = 0; j < before->n[*kind]; j++)
				if (before->ids[*kind][j] == after->ids[*kind][i])
					break;
			if (j == before->n[*kind]) {
				*id = after->ids[*kind][i];
				return false;
			}
		}
	return true;
}

static int pins_left(void)
{
	DIR *d = opendir(KBPF_FS_DIR);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, "kt_stress", 9);
	closedir(d);
	return n;
}

static void stress_setup(struct stress *s)
{
	int k;

	s->counters = b_map_create(&be_kbpf, BPF_MAP_TYPE_ARRAY, 4, 8, STRESS_COUNTERS, 0,
				   "kt_stress");
	REQUIRE(s->counters >= 0, "counters: %s", kt_res(s->counters));
	for (k = 0; k < 2; k++) {
		s->anchor_prog[k] = load_tp_counter(s->counters, k);
		REQUIRE(s->anchor_prog[k] >= 0, "anchor %d: load", k);
		s->anchor_link[k] = b_raw_tp_open(&be_kbpf, "sys_enter", s->anchor_prog[k]);
		REQUIRE(s->anchor_link[k] >= 0, "anchor %d: open: %s", k,
			kt_res(s->anchor_link[k]));
		s->nf_prog[k] = load_nf_counter(s->counters, 2 + k);
		REQUIRE(s->nf_prog[k] >= 0, "netfilter prog %d: load", k);
	}
	netns_lo_up();
	udp_pair_open(&s->udp, AF_INET, STRESS_PORT);
	s->nf_link = nf_link(s->nf_prog[0], NFPROTO_IPV4, HOOK_LOCAL_OUT, 0);
	REQUIRE(s->nf_link >= 0, "netfilter link: %s", kt_res(s->nf_link));
	s->traffic_left = 2;
}

static void stress_teardown(struct stress *s)
{
	int k;

	for (k = 0; k < 2; k++) {
		close(s->anchor_link[k]);
		close(s->anchor_prog[k]);
		close(s->nf_prog[k]);
	}
	close(s->nf_link);
	close(s->counters);
	close(s->udp.rx);
	close(s->udp.tx);
}

void test_smp_stress(void)
{
	static struct stress_thread th[TH_NR];
	static struct id_set before, after;
	struct stress s;
	struct timespec t0, t1;
	__u64 c[STRESS_COUNTERS];
	__u32 key, stray = 0;
	int t, k = 0, i;
	bool same = false;

	memset(&s, 0, sizeof(s));
	memset(th, 0, sizeof(th));
	if (!kt_kernel_as_kbpf)
		kbpf_dev();	/* open the device once, before the threads share it */
	id_snapshot(&before);
	REQUIRE(before.n[0] >= 0 && before.n[1] >= 0 && before.n[2] >= 0, "id lists");
	REQUIRE(pins_left() == 0, "%s has kt_stress* entries already", KBPF_FS_DIR);
	stress_setup(&s);

	REQUIRE(pthread_barrier_init(&s.start, NULL, TH_NR) == 0, "barrier");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (t = 0; t < TH_NR; t++) {
		th[t].s = &s;
		REQUIRE(pthread_create(&th[t].tid, NULL, th_fn[t], &th[t]) == 0, "pthread_create");
	}
	for (t = 0; t < TH_NR; t++)
		pthread_join(th[t].tid, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_barrier_destroy(&s.start);

	for (t = 0; t < TH_NR; t++)
		CHECK(!th[t].err[0], "%s: %s", th_name[t], th[t].err);
	for (key = 0; key < STRESS_COUNTERS; key++) {
		c[key] = 0;
		CHECK(b_map_lookup(&be_kbpf, s.counters, &key, &c[key]) == 0, "counter %u", key);
	}
	CHECK(c[0] == STRESS_SYSCALLS && c[1] == STRESS_SYSCALLS,
	      "anchors counted %llu and %llu getppid calls, made %d",
	      (unsigned long long)c[0], (unsigned long long)c[1], STRESS_SYSCALLS);
	CHECK(c[2] + c[3] == th[TH_SENDER].sent,
	      "netfilter counted %llu + %llu datagrams across %lu updates, sent %lu",
	      (unsigned long long)c[2], (unsigned long long)c[3], th[TH_UPDATER].ops,
	      th[TH_SENDER].sent);
	CHECK(c[4] <= STRESS_SYSCALLS, "churned links counted %llu of %d calls",
	      (unsigned long long)c[4], STRESS_SYSCALLS);
	CHECK(pins_left() == 0, "%d kt_stress* pins left in %s", pins_left(), KBPF_FS_DIR);
	kt_info("%d threads, %.1f s: %lu getppid (anchors %llu, %llu; churned links %llu), "
		"%lu datagrams (prog A %llu, B %llu), %lu link updates, %lu link open/close, "
		"%lu map+prog create/run/close, %lu pin/get/unpin rounds (x3), "
		"%lu delete_module attempts refused", TH_NR,
		(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, th[TH_SYSCALLER].ops,
		(unsigned long long)c[0], (unsigned long long)c[1], (unsigned long long)c[4],
		th[TH_SENDER].sent, (unsigned long long)c[2], (unsigned long long)c[3],
		th[TH_UPDATER].ops, th[TH_LINKER].ops, th[TH_OBJECTS].ops, th[TH_PINNER].ops,
		th[TH_RMMOD].ops);

	stress_teardown(&s);
	/* Frees may be deferred (RCU, workqueues): poll for up to 5 s. */
	for (i = 0; i < 250; i++) {
		id_snapshot(&after);
		same = id_subset(&after, &before, &k, &stray);
		if (same)
			break;
		usleep(20000);
	}
	CHECK(same, "%s id %u, made by the test, still there 5 s after every fd was closed",
	      same ? "" : id_kind[k], stray);
	kt_module_unload();
	kt_module_load();
}
