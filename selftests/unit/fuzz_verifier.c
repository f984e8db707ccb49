// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary bytes as a program. The verifier must never
 * crash, hang or leak on them (ASan/UBSan/LSan watch). When it accepts
 * one, the program runs in a checked interpreter, where every load and
 * store must fall inside memory the program may reach (the stack, the
 * context, the packet, map values), and then in the JIT, which must agree
 * with the interpreter on r0 and on all memory.
 *
 * Input: byte 0 picks the program type, byte 1 bit 0 CAP_PERFMON, the rest
 * are instructions (at most FUZZ_MAX_INSNS).
 */
#include <stdlib.h>
#include "harness.h"
#include "jitrun.h"
#include "kbpf.h"

#define FUZZ_MAX_INSNS	512
#define PKT_LEN		64

static const u32 fuzz_types[] = {
	BPF_PROG_TYPE_SOCKET_FILTER, KBPF_PROG_TYPE_NETFILTER, BPF_PROG_TYPE_KPROBE,
	BPF_PROG_TYPE_XDP, BPF_PROG_TYPE_SCHED_CLS,
};
static bool pkt_writes_ok;

static struct {
	struct kbpf_skb_ctx skb;
	struct kbpf_nf_ctx nf;
	struct kbpf_xdp_ctx xdp;
	u8 regs[KBPF_PT_REGS_SIZE];
	u8 pkt[14 + PKT_LEN];
} mem;

static const void *cur_ctx;
static size_t cur_ctx_size;

static bool within(const void *p, u32 size, const void *base, size_t len)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;

	return a >= b && a + size <= b + len && a + size >= a;
}

void kbpf_interp_check(const void *stack, const void *p, u32 size, bool write);
void kbpf_interp_check(const void *stack, const void *p, u32 size, bool write)
{
	int i;

	if (within(p, size, stack, KBPF_STACK_SIZE) || within(p, size, cur_ctx, cur_ctx_size))
		return;
	if ((!write || pkt_writes_ok) && within(p, size, mem.pkt, sizeof(mem.pkt)))
		return;
	/* ringbuf samples: only live ones, only their reserved bytes */
	if (kt_rb_within(p, size))
		return;
	for (i = 0; i < KT_MAX_FDS; i++) {
		struct kt_map *m = kt_fds[i];

		if (m && m->values && within(p, size, m->values,
				(size_t)m->desc.max_entries * ((m->desc.value_size + 7) & ~7u)))
			return;
	}
	fprintf(stderr, "checked interpreter: %s of %u bytes at %p is outside every region\n",
		write ? "write" : "read", size, p);
	abort();
}

u64 kbpf_interp_run_checked(const struct bpf_insn *insns, const kbpf_helper_fn *helpers,
			    const void *ctx);

static u64 fixed_fn(u64 a, u64 b, u64 c, u64 d, u64 e)
{
	return 12345;
}

static void setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	kt_fds[3] = kt_map_new(BPF_MAP_TYPE_HASH, 4, 8, 4);
	kt_fds[4] = kt_map_new(BPF_MAP_TYPE_ARRAY, 4, 8, 4);
	kt_fds[5] = kt_map_new(BPF_MAP_TYPE_ARRAY, 4, 8, 4);
	kt_fds[8] = kt_map_new(BPF_MAP_TYPE_ARRAY, 4, 16, 1);
	/* a ringbuf (no values: programs reach it through the fake helpers) */
	kt_fds[6] = calloc(1, sizeof(*kt_fds[6]));
	kt_fds[6]->desc.map_type = BPF_MAP_TYPE_RINGBUF;
	kt_fds[6]->desc.max_entries = 4096;
	/* deterministic stand-ins, so two runs can be compared */
	kt_helpers[BPF_FUNC_ktime_get_ns] = fixed_fn;
	kt_helpers[BPF_FUNC_ktime_get_boot_ns] = fixed_fn;
	kt_helpers[BPF_FUNC_ktime_get_coarse_ns] = fixed_fn;
	kt_helpers[BPF_FUNC_jiffies64] = fixed_fn;
	kt_helpers[BPF_FUNC_get_prandom_u32] = fixed_fn;
}

static const void *reset(u32 type)
{
	int i;

	memset(&mem, 0, sizeof(mem));
	for (i = 0; i < (int)sizeof(mem.pkt); i++)
		mem.pkt[i] = (u8)(i * 13 + 5);
	for (i = 0; i < KT_MAX_FDS; i++) {
		struct kt_map *m = kt_fds[i];

		if (m && m->values)
			memset(m->values, 0, (size_t)m->desc.max_entries *
			       ((m->desc.value_size + 7) & ~7u));
	}
	kt_rb_reset();
	pkt_writes_ok = type == BPF_PROG_TYPE_XDP || type == BPF_PROG_TYPE_SCHED_CLS;
	switch (type) {
	case BPF_PROG_TYPE_XDP:
		mem.xdp.data = (u64)(uintptr_t)mem.pkt;
		mem.xdp.data_end = mem.xdp.data + sizeof(mem.pkt);
		mem.xdp.data_meta = mem.xdp.data;
		cur_ctx = &mem.xdp;
		cur_ctx_size = sizeof(mem.xdp);	/* rewritten loads read the pointers */
		break;
	case KBPF_PROG_TYPE_NETFILTER:
		mem.nf.data = (u64)(uintptr_t)mem.pkt + 14;
		mem.nf.data_end = mem.nf.data + PKT_LEN;
		mem.nf.len = PKT_LEN;
		cur_ctx = &mem.nf;
		cur_ctx_size = sizeof(mem.nf);
		break;
	case BPF_PROG_TYPE_KPROBE:
		cur_ctx = mem.regs;
		cur_ctx_size = sizeof(mem.regs);
		break;
	default:
		mem.skb.data = (u64)(uintptr_t)mem.pkt;
		mem.skb.data_end = mem.skb.data + sizeof(mem.pkt);
		mem.skb.skb.len = PKT_LEN;
		mem.skb.mac = mem.pkt;
		mem.skb.mac_len = 14;
		mem.skb.net = mem.pkt + 14;
		mem.skb.net_len = PKT_LEN;
		cur_ctx = &mem.skb;
		cur_ctx_size = sizeof(mem.skb);
		break;
	}
	return cur_ctx;
}

static u8 snapshot[5][64];

static void take(void)
{
	int i;

	for (i = 0; i < 4; i++) {
		struct kt_map *m = kt_fds[i == 3 ? 8 : 3 + i];
		size_t len = (size_t)m->desc.max_entries * ((m->desc.value_size + 7) & ~7u);

		memcpy(snapshot[i], m->values, len < sizeof(snapshot[i]) ? len : sizeof(snapshot[i]));
	}
	memcpy(snapshot[4], mem.pkt, sizeof(snapshot[4]));
}

/* Every sample reserved was submitted or discarded, exactly once. */
static void rb_check(const char *who)
{
	if (!kt_rb_outstanding && !kt_rb_misuse)
		return;
	fprintf(stderr, "%s: %d ringbuf samples leaked, %d bad commits\n", who,
		kt_rb_outstanding, kt_rb_misuse);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bpf_insn prog[FUZZ_MAX_INSNS];
	static struct kbpf_subprog subs[KBPF_MAX_SUBPROGS];
	u8 before[5][64];
	struct kbpf_verify_attr va;
	u32 n, type;
	struct kt_jit_opts jo;
	struct kt_jit j;
	u64 r_interp, r_jit;
	int i;

	setup();
	if (size < 2 + 8)
		return 0;
	type = fuzz_types[data[0] % ARRAY_SIZE(fuzz_types)];
	n = (u32)((size - 2) / 8);
	if (n > FUZZ_MAX_INSNS)
		n = FUZZ_MAX_INSNS;
	memcpy(prog, data + 2, n * 8);
	memset(&va, 0, sizeof(va));
	va.insns = prog;
	va.insn_cnt = n;
	va.prog_type = type;
	va.budget = 100000;	/* a tenth of the real budget: more inputs per second */
	/*
	 * data[1]: bit 0: CAP_PERFMON; bit 1 clear: CAP_BPF (set: neither,
	 * unprivileged); bits 2 and 3: JIT options, below.
	 */
	va.bpf_capable = !(data[1] & 2);
	va.perfmon_capable = va.bpf_capable && (data[1] & 1);
	va.gpl_compatible = true;
	va.map_from_fd = kt_map_from_fd;
	va.map_value_addr = kt_map_value_addr;
	va.subprogs = subs;
	va.call_maps = n <= KT_MAX_PROG_INSNS ? kt_call_maps : NULL;
	if (kbpf_verify(&va))
		return 0;
	/* accepted: it must stay in bounds, and give back every ringbuf sample once... */
	r_interp = kbpf_interp_run_checked(prog, kt_helpers, reset(type));
	rb_check("interpreter");
	/*
	 * ...and both backends must agree, unless it may read uninitialised
	 * stack (CAP_PERFMON), whose bytes differ between them.
	 */
	if (va.perfmon_capable)
		return 0;
	take();
	memcpy(before, snapshot, sizeof(before));
	/*
	 * The JIT as the module builds it for this loader: fenced (spec_harden
	 * 1, the default, fences loaders without CAP_PERFMON) unless bit 2
	 * says spec_harden=0; bit 3: constant blinding (jit_harden).
	 */
	memset(&jo, 0, sizeof(jo));
	jo.fence = !(data[1] & 4);
	jo.blind = data[1] & 8;
	jo.seed = 0x9e3779b9u * (data[1] | 1);
	if (kt_jit_load_opts(&j, prog, n, subs, va.subprog_cnt, &jo))
		abort();	/* the JIT must take every verified program */
	r_jit = j.fn(reset(type));
	kt_jit_unload(&j);
	rb_check("JIT");
	take();
	for (i = 0; i < 5; i++)
		if (memcmp(before[i], snapshot[i], sizeof(snapshot[i])))
			abort();
	if (r_interp != r_jit) {
		fprintf(stderr, "interp r0 %#llx, jit r0 %#llx\n", (unsigned long long)r_interp,
			(unsigned long long)r_jit);
		abort();
	}
	return 0;
}
