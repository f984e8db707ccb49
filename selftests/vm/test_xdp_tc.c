// SPDX-License-Identifier: GPL-2.0
/*
 * XDP and TC programs through BPF_PROG_TEST_RUN, against the guest kernel:
 * direct packet access (read and write), the verdict, the packet that
 * comes back, and __sk_buff fields as TC sees them (L2 included).
 */
#include "kbpf_test.h"

static const unsigned char host_mac[6];

/* if (data + 14 > data_end) return 9; data[0] = 0xaa; return ethertype == IPv4 ? pass : drop */
static int load_pkt_prog(const struct backend *b, __u32 type, int off_data, int off_end,
			 int ret_ip, int ret_other, bool use_len)
{
	struct bpf_insn p[] = {
		LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, off_data),
		LDX_MEM(BPF_W, BPF_REG_3, BPF_REG_1, off_end),
		MOV64_REG(BPF_REG_4, BPF_REG_2), ALU64_IMM(BPF_ADD, BPF_REG_4, 14),
		JMP_REG(BPF_JGT, BPF_REG_4, BPF_REG_3, 9),
		ST_MEM(BPF_B, BPF_REG_2, 0, 0xaa),
		LDX_MEM(BPF_H, BPF_REG_5, BPF_REG_2, 12),
		MOV64_IMM(BPF_REG_0, ret_other),
		JMP_IMM(BPF_JNE, BPF_REG_5, 0x0008, 1),		/* htons(0x0800) on LE */
		MOV64_IMM(BPF_REG_0, ret_ip),
		use_len ? (struct bpf_insn)LDX_MEM(BPF_W, BPF_REG_6, BPF_REG_1, 0) :
			  (struct bpf_insn)MOV64_IMM(BPF_REG_6, 0),
		ALU64_IMM(BPF_LSH, BPF_REG_6, 8), ALU64_REG(BPF_OR, BPF_REG_0, BPF_REG_6),
		EXIT_INSN(),
		MOV64_IMM(BPF_REG_0, 9), EXIT_INSN(),
	};

	return b_prog_load(b, type, p, ARRAY_SIZE(p), "GPL", NULL, 0, NULL);
}

static void run_both(__u32 type, int off_data, int off_end, int ret_ip, int ret_other,
		     bool use_len)
{
	static const unsigned short types[] = { 0x0800, 0x86dd };
	struct trace t[2];
	int k;
	size_t i;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		int fd = load_pkt_prog(b, type, off_data, off_end, ret_ip, ret_other, use_len);

		memset(&t[k], 0, sizeof(t[k]));
		tr(&t[k], fd, 0, "load type %u", type);
		if (fd < 0)
			continue;
		for (i = 0; i < ARRAY_SIZE(types); i++) {
			unsigned char pkt[64], out[64];
			struct run_opts o = { .data = pkt, .data_size = sizeof(pkt), .data_out = out,
					      .data_size_out = sizeof(out) };
			unsigned long long sum = 0;
			size_t j;
			int r;

			make_packet(pkt, sizeof(pkt), host_mac, types[i]);
			memset(out, 0, sizeof(out));
			r = b_test_run(b, fd, &o);
			tr(&t[k], r, o.retval, "ethertype %#x: retval", types[i]);
			for (j = 0; j < sizeof(out); j++)
				sum = sum * 31 + out[j];
			tr(&t[k], 0, sum, "ethertype %#x: packet out", types[i]);
			tr(&t[k], 0, o.data_size_out, "ethertype %#x: size out", types[i]);
		}
		close(fd);
	}
	compare_traces(&t[0], &t[1]);
}

void test_xdp_test_run(void)
{
	run_both(BPF_PROG_TYPE_XDP, offsetof(struct xdp_md, data), offsetof(struct xdp_md, data_end),
		 2 /* XDP_PASS */, 1 /* XDP_DROP */, false);
}

void test_tc_test_run(void)
{
	run_both(BPF_PROG_TYPE_SCHED_CLS, offsetof(struct __sk_buff, data),
		 offsetof(struct __sk_buff, data_end), 0 /* TC_ACT_OK */, 2 /* TC_ACT_SHOT */,
		 true /* skb->len, L2 included for TC */);
}
