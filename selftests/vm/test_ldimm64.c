// SPDX-License-Identifier: GPL-2.0
/*
 * ld_imm64 with BPF_PSEUDO_MAP_VALUE (what libbpf's global data uses),
 * against the guest kernel: accepted and rejected alike, and the program
 * reads and writes the same bytes userspace then sees.
 */
#include "kbpf_test.h"

#define SF	BPF_PROG_TYPE_SOCKET_FILTER
#define LD_MAP_VALUE(d, fd, off) \
	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_VALUE, 0, fd), INSN(0, 0, 0, 0, off)

static const unsigned char host_mac[6];

static int load_value_prog(const struct backend *b, int fd, int off)
{
	struct bpf_insn p[] = {
		LD_MAP_VALUE(BPF_REG_1, fd, off),
		LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
		STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
		EXIT_INSN(),
	};

	return b_prog_load(b, SF, p, ARRAY_SIZE(p), "GPL", NULL, 0, NULL);
}

void test_ldimm64_map_value(void)
{
	struct trace t[2];
	int k;

	for (k = 0; k < 2; k++) {
		const struct backend *b = backends[k];
		unsigned char pkt[64];
		struct run_opts o = { .data = pkt, .data_size = sizeof(pkt), .repeat = 5 };
		__u64 val[2] = { 100, 200 };
		__u32 key = 0;
		int one, two, hash, fd, r;

		memset(&t[k], 0, sizeof(t[k]));
		make_packet(pkt, sizeof(pkt), host_mac, 0x0800);
		one = b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, 16, 1, 0, "global");
		two = b_map_create(b, BPF_MAP_TYPE_ARRAY, 4, 16, 2, 0, "two");
		hash = b_map_create(b, BPF_MAP_TYPE_HASH, 4, 16, 2, 0, "hash");
		REQUIRE(one >= 0 && two >= 0 && hash >= 0, "%s: map create", b->name);
		r = b_map_update(b, one, &key, val, BPF_ANY);
		tr(&t[k], r, 0, "init value");
		fd = load_value_prog(b, one, 8);
		tr(&t[k], fd, 0, "load, off 8 of a 1-element array");
		if (fd >= 0) {
			r = b_test_run(b, fd, &o);
			tr(&t[k], r, o.retval, "run x5: retval");
			r = b_map_lookup(b, one, &key, val);
			tr(&t[k], r, val[1], "value[1] after the runs");
			tr(&t[k], 0, val[0], "value[0] untouched");
			close(fd);
		}
		tr(&t[k], load_value_prog(b, one, 16), 0, "off 16 = value_size");
		tr(&t[k], load_value_prog(b, one, 12), 0, "off 12: 8-byte access past the end");
		tr(&t[k], load_value_prog(b, two, 0), 0, "2-element array");
		tr(&t[k], load_value_prog(b, hash, 0), 0, "hash map");
		tr(&t[k], load_value_prog(b, 9999, 0), 0, "bad fd");
		close(one);
		close(two);
		close(hash);
	}
	compare_traces(&t[0], &t[1]);
}
