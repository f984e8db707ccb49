// SPDX-License-Identifier: GPL-2.0
/*
 * Per-event overhead benchmark loader (make bench; a measurement, never a
 * test).
 *
 *	bench_events -l kernel|kbpf [-n N] [-r R] [-v]
 *
 * For each probe the backend can attach, times R rounds of N events without
 * a program, then with the minimal program of bench_events.bpf.c attached,
 * then again without; the best round of each is printed as
 *	"B <probe> base <ns per event>" and "B <probe> prog <ns per event>".
 * The guest script (vm-bench.sh) runs the loader on the guest kernel and
 * under the shim on kbpf, alternately, and prints the ratio of the per-event
 * overheads (prog - base). Probes and the events that drive them:
 *	kprobe      __x64_sys_getppid: getppid(2); kbpf through a kprobe_multi
 *	            link, the kernel through libbpf's perf kprobe (6.1 has no
 *	            CONFIG_FPROBE)
 *	raw_tp      sys_enter: getppid(2) (BPF_RAW_TRACEPOINT_OPEN on both)
 *	tracepoint  syscalls:sys_enter_getppid: getppid(2); the kernel through
 *	            libbpf's perf tracepoint, kbpf through its event link
 *	netfilter   IPv4 LOCAL_IN, accepts everything: one UDP datagram over
 *	            loopback in a new netns (kbpf only: 6.1 has no netfilter
 *	            programs)
 * The only assertion: with a program attached, it ran at least once per
 * event (a FAIL line and exit status 1 otherwise).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/netfilter.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "uapi/kbpf.h"
#include "demo.h"
#include "bench_events.h"

DEMO_EMBED_OBJ(bench_events_obj, DEMO_OBJ_PATH);

#define BENCH_DEFAULT_N		20000
#define BENCH_DEFAULT_ROUNDS	5
#define BENCH_UDP_PORT		9000
#define BENCH_DRAIN_EVERY	32	/* datagrams between receive-queue drains */

struct bench_env {
	int rx, tx;	/* netfilter workload sockets */
	int ncpus;
};

typedef void (*workload_fn)(struct bench_env *env, unsigned int n);

static void getppid_loop(struct bench_env *env, unsigned int n)
{
	unsigned int i;

	(void)env;
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
}

static void udp_loop(struct bench_env *env, unsigned int n)
{
	unsigned int i;
	char buf[16];

	for (i = 0; i < n; i += BENCH_DRAIN_EVERY) {
		demo_udp_send(env->tx, BENCH_UDP_PORT, BENCH_DRAIN_EVERY);
		while (recv(env->rx, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
	}
}

struct probe {
	const char *name;
	const char *prog_kbpf, *prog_kernel;	/* NULL: not on this backend */
	workload_fn work;
};

static const struct probe probes[] = {
	{ "kprobe", "kprobe_multi", "kprobe_perf", getppid_loop },
	{ "raw_tp", "raw_tp", "raw_tp", getppid_loop },
	{ "tracepoint", "tracepoint", "tracepoint", getppid_loop },
	{ "netfilter", "nf_accept", NULL, udp_loop },
};
#define NPROBES (sizeof(probes) / sizeof(probes[0]))

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Best of rounds runs of n events, in ns per event. */
static double best_of(struct bench_env *env, workload_fn work, unsigned int n,
		      unsigned int rounds)
{
	double best = 0, t;
	unsigned int r;

	for (r = 0; r < rounds; r++) {
		t = now_ns();
		work(env, n);
		t = (now_ns() - t) / n;
		if (!r || t < best)
			best = t;
	}
	return best;
}

static __u64 hits_total(struct bpf_map *hits, int ncpus)
{
	__u64 vals[ncpus], sum = 0;
	__u32 key = 0;
	int i;

	if (bpf_map_lookup_elem(bpf_map__fd(hits), &key, vals))
		return 0;
	for (i = 0; i < ncpus; i++)
		sum += vals[i];
	return sum;
}

/* kbpf's event link for a TRACEPOINT program (uapi/kbpf.h), a raw bpf(2). */
static int kbpf_tracepoint_link(int prog_fd, const char *name)
{
	struct kbpf_link_create_event ev = { .name = (unsigned long)name };
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.target_fd = KBPF_TARGET_EVENT;
	attr.link_create.attach_type = BPF_PERF_EVENT;
	memcpy(&attr.link_create.perf_event, &ev, sizeof(ev));
	return syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
}

struct attachment {
	struct bpf_link *link;	/* libbpf's, or */
	int fd;			/* a raw link fd */
};

static int attach(const struct probe *p, struct bpf_program *prog, bool kbpf,
		  struct attachment *a)
{
	a->link = NULL;
	a->fd = -1;
	if (!strcmp(p->name, "netfilter"))
		a->fd = demo_nf_link_create(bpf_program__fd(prog), NFPROTO_IPV4,
					    NF_INET_LOCAL_IN, 0);
	else if (kbpf && !strcmp(p->name, "tracepoint"))
		a->fd = kbpf_tracepoint_link(bpf_program__fd(prog), BENCH_TRACEPOINT);
	else
		return (a->link = bpf_program__attach(prog)) ? 0 : -1;
	return a->fd >= 0 ? 0 : -1;
}

static void detach(struct attachment *a)
{
	bpf_link__destroy(a->link);
	if (a->fd >= 0)
		close(a->fd);
}

static void run_probe(struct demo *d, struct bench_env *env, const struct probe *p,
		      struct bpf_object *obj, struct bpf_map *hits, bool kbpf,
		      unsigned int n, unsigned int rounds)
{
	const char *prog_name = kbpf ? p->prog_kbpf : p->prog_kernel;
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, prog_name);
	struct attachment a;
	double base, base2, with;
	__u64 before, events;

	base = best_of(env, p->work, n, rounds);
	if (attach(p, prog, kbpf, &a)) {
		demo_check(d, false, p->name, "attach %s: %s", prog_name, strerror(errno));
		return;
	}
	before = hits_total(hits, env->ncpus);
	with = best_of(env, p->work, n, rounds);
	events = hits_total(hits, env->ncpus) - before;
	detach(&a);
	base2 = best_of(env, p->work, n, rounds);
	if (base2 < base)
		base = base2;
	demo_check(d, events >= (__u64)n * rounds, p->name, "%llu program runs for %u events",
		   (unsigned long long)events, n * rounds);
	printf("%-10s %s: %8.1f ns/event without, %8.1f with a program (%llu runs)\n",
	       p->name, d->label, base, with, (unsigned long long)events);
	printf("B %s base %.1f\nB %s prog %.1f\n", p->name, base, p->name, with);
}

int main(int argc, char **argv)
{
	unsigned int n = BENCH_DEFAULT_N, rounds = BENCH_DEFAULT_ROUNDS, i;
	struct bench_env env = { .rx = -1, .tx = -1 };
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	struct bpf_map *hits;
	struct demo d;
	bool kbpf;
	int err;

	demo_init(&d, "bench_events", argc, argv);
	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < (unsigned int)argc)
			n = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-r") && i + 1 < (unsigned int)argc)
			rounds = strtoul(argv[++i], NULL, 0);
	}
	n = (n + BENCH_DRAIN_EVERY - 1) / BENCH_DRAIN_EVERY * BENCH_DRAIN_EVERY;
	kbpf = !strcmp(d.label, "kbpf");
	env.ncpus = libbpf_num_possible_cpus();

	err = demo_netns_lo_up();
	env.rx = demo_udp_socket("127.0.0.1", BENCH_UDP_PORT);
	env.tx = demo_udp_socket("127.0.0.1", 0);
	if (err || env.ncpus <= 0 || env.rx < 0 || env.tx < 0) {
		demo_check(&d, false, "setup", "netns, sockets or CPU count: %s", strerror(errno));
		goto out;
	}
	if (demo_register_netfilter()) {
		demo_check(&d, false, "setup", "libbpf_register_prog_handler failed");
		goto out;
	}
	obj = demo_open(&d, bench_events_obj, bench_events_obj_end - bench_events_obj);
	if (!obj)
		goto out;
	bpf_object__for_each_program(prog, obj) {
		bool wanted = false;

		for (i = 0; i < NPROBES; i++) {
			const char *name = kbpf ? probes[i].prog_kbpf : probes[i].prog_kernel;

			if (name && !strcmp(name, bpf_program__name(prog)))
				wanted = true;
		}
		bpf_program__set_autoload(prog, wanted);
	}
	if (demo_load(&d, obj))
		goto out;
	hits = demo_map(&d, obj, "hits");
	if (!hits)
		goto out;
	for (i = 0; i < NPROBES; i++)
		if (kbpf ? probes[i].prog_kbpf : probes[i].prog_kernel)
			run_probe(&d, &env, &probes[i], obj, hits, kbpf, n, rounds);
out:
	bpf_object__close(obj);
	if (env.rx >= 0)
		close(env.rx);
	if (env.tx >= 0)
		close(env.tx);
	return demo_exit(&d);
}
