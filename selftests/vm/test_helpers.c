// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers from programs, against the guest kernel: queue/stack push, pop
 * and peek from a socket filter; probe_read_kernel of a bad address;
 * trace_printk reaching the trace buffer.
 */
#include <fcntl.h>
#include "kbpf_test.h"

#define SF	BPF_PROG_TYPE_SOCKET_FILTER

static const unsigned char host_mac[6];

static int run_once(const struct backend *b, int fd, __u32 *ret)
{
	unsigned char pkt[64];
	struct run_opts o = { .data = pkt, .data_size = sizeof(pkt) };
	int err;

	make_packet(pkt, sizeof(pkt), host_mac, 0x0800);
	err = b_test_run(b, fd, &o);
	*ret = o.retval;
	return err;
}

/* push 3 values from a program into a queue and a stack, then pop one back */
void test_helper_queue_stack(void)
{
	struct trace t[2];
	int k, type;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];

		memset(&t[k], 0, sizeof(t[k]));
		for (type = BPF_MAP_TYPE_QUEUE; type <= BPF_MAP_TYPE_STACK; type++) {
			__u64 v;
			__u32 ret = 0;
			int m, fd, r, i;

			m = b_map_create(b, type, 0, 8, 4, 0, "qs");
			REQUIRE(m >= 0, "%s: create: %s", b->name, kt_res(m));
			{
				struct bpf_insn p[] = {
					/* push 10, 20, 30; pop into fp-16; return it */
					ST_MEM(BPF_DW, BPF_REG_10, -8, 10), LD_MAP_FD(BPF_REG_1, m),
					MOV64_REG(BPF_REG_2, BPF_REG_10), ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
					MOV64_IMM(BPF_REG_3, 0), CALL(BPF_FUNC_map_push_elem),
					ST_MEM(BPF_DW, BPF_REG_10, -8, 20), LD_MAP_FD(BPF_REG_1, m),
					MOV64_REG(BPF_REG_2, BPF_REG_10), ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
					MOV64_IMM(BPF_REG_3, 0), CALL(BPF_FUNC_map_push_elem),
					ST_MEM(BPF_DW, BPF_REG_10, -8, 30), LD_MAP_FD(BPF_REG_1, m),
					MOV64_REG(BPF_REG_2, BPF_REG_10), ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
					MOV64_IMM(BPF_REG_3, 0), CALL(BPF_FUNC_map_push_elem),
					LD_MAP_FD(BPF_REG_1, m), MOV64_REG(BPF_REG_2, BPF_REG_10),
					ALU64_IMM(BPF_ADD, BPF_REG_2, -16), CALL(BPF_FUNC_map_pop_elem),
					JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),
					LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -16), EXIT_INSN(),
					MOV64_IMM(BPF_REG_0, 99), EXIT_INSN(),
				};

				fd = b_prog_load(b, SF, p, ARRAY_SIZE(p), "GPL", NULL, 0, NULL);
			}
			tr(&t[k], fd, 0, "load (map type %d)", type);
			if (fd < 0) {
				close(m);
				continue;
			}
			r = run_once(b, fd, &ret);
			tr(&t[k], r, ret, "run: popped value");
			for (i = 0; i < 3; i++) {
				union bpf_attr a;

				memset(&a, 0, sizeof(a));
				a.map_fd = m;
				a.value = (__u64)(unsigned long)&v;
				v = 0;
				r = (int)b_call(b, BPF_MAP_LOOKUP_AND_DELETE_ELEM, &a);
				tr(&t[k], r, r ? 0 : v, "userspace pop %d", i);
			}
			close(fd);
			close(m);
		}
	}
	compare_traces(&t[0], &t[1]);
}

/* A fault in probe_read_kernel returns an error and zeroes the buffer. */
void test_helper_probe_read_fault(void)
{
	__u32 ret[2] = { 0, 0 };
	int k;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		struct bpf_insn p[] = {
			ST_MEM(BPF_DW, BPF_REG_10, -8, 0x55),
			MOV64_REG(BPF_REG_1, BPF_REG_10), ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
			MOV64_IMM(BPF_REG_2, 8), MOV64_IMM(BPF_REG_3, 16),	/* address 16 */
			CALL(BPF_FUNC_probe_read_kernel),
			/* return (r0 < 0) * 1000 + the buffer's low byte */
			MOV64_IMM(BPF_REG_6, 0), JMP_IMM(BPF_JSGE, BPF_REG_0, 0, 1),
			MOV64_IMM(BPF_REG_6, 1000),
			LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_10, -8),
			ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6), EXIT_INSN(),
		};
		int fd = b_prog_load(b, SF, p, ARRAY_SIZE(p), "GPL", NULL, 0, NULL);

		REQUIRE(fd >= 0, "%s: load: %s", b->name, kt_res(fd));
		REQUIRE(!run_once(b, fd, &ret[k]), "%s: run", b->name);
		close(fd);
	}
	SAME_VAL("error flag + zeroed byte", ret[0], ret[1]);
	CHECK(ret[0] == 1000, "kbpf: %u, want 1000 (error, buffer zeroed)", ret[0]);
}

static bool trace_contains(const char *needle)
{
	static char buf[1 << 16];
	ssize_t n;
	int fd = open("/sys/kernel/tracing/trace", O_RDONLY);

	if (fd < 0)
		fd = open("/sys/kernel/debug/tracing/trace", O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

/* bpf_trace_printk lands in the kernel's trace buffer, formatted. */
void test_helper_trace_printk(void)
{
	const struct backend *b = backends[0];
	/* "kbpf %d\n" as little-endian stack words */
	struct bpf_insn p[] = {
		MOV64_IMM(BPF_REG_1, 0x6670626b), STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, -16),
		MOV64_IMM(BPF_REG_1, 0x0a642520), STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, -12),
		ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		MOV64_REG(BPF_REG_1, BPF_REG_10), ALU64_IMM(BPF_ADD, BPF_REG_1, -16),
		MOV64_IMM(BPF_REG_2, 9), MOV64_IMM(BPF_REG_3, 4242),
		CALL(BPF_FUNC_trace_printk), EXIT_INSN(),
	};
	__u32 ret = 0;
	int fd;

	fd = b_prog_load(b, SF, p, ARRAY_SIZE(p), "GPL", NULL, 0, NULL);
	REQUIRE(fd >= 0, "load: %s", kt_res(fd));
	REQUIRE(!run_once(b, fd, &ret), "run");
	CHECK(ret == 10, "trace_printk returned %u, want 10 (\"kbpf 4242\\n\")", ret);
	CHECK(trace_contains("kbpf 4242"), "\"kbpf 4242\" not in the trace buffer");
	close(fd);
}

/* bpf_skb_load_bytes from a socket filter: in range, at the edge, past it. */
void test_helper_skb_load_bytes(void)
{
	static const int offs[] = { 0, 2, 46, 47, 60, -1 };
	struct trace t[2];
	size_t i;
	int k;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];

		memset(&t[k], 0, sizeof(t[k]));
		for (i = 0; i < ARRAY_SIZE(offs); i++) {
			struct bpf_insn p[] = {
				MOV64_IMM(BPF_REG_2, offs[i]),
				MOV64_REG(BPF_REG_3, BPF_REG_10), ALU64_IMM(BPF_ADD, BPF_REG_3, -8),
				MOV64_IMM(BPF_REG_4, 4), CALL(BPF_FUNC_skb_load_bytes),
				JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
				ALU64_IMM(BPF_AND, BPF_REG_0, 0xffff), EXIT_INSN(),
				LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_10, -8), EXIT_INSN(),
			};
			__u32 ret = 0;
			int fd = b_prog_load(b, SF, p, ARRAY_SIZE(p), "GPL", NULL, 0, NULL);

			tr(&t[k], fd, 0, "load, offset %d", offs[i]);
			if (fd < 0)
				continue;
			tr(&t[k], run_once(b, fd, &ret), ret, "run, offset %d", offs[i]);
			close(fd);
		}
	}
	compare_traces(&t[0], &t[1]);
}
