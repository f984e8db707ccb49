// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf-demo: a minimal loader for /dev/kbpf.
 *
 * Creates a HASH map (u32 skb->len -> u64 count), loads a SOCKET_FILTER
 * program (raw instructions) that counts packets per length, runs it with
 * BPF_PROG_TEST_RUN on a few packets, and prints the return values and the
 * map contents (walked with BPF_MAP_GET_NEXT_KEY). The same program then runs
 * on the guest kernel's own BPF through bpf(2), for comparison.
 *
 * Exit status: 0 if everything worked and both agree, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include "uapi/kbpf.h"

#define INSN(c, d, s, o, i) \
	{ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) }

static int dev_fd = -1;

/* bpf(2) through the device, or the real syscall for the kernel run. */
static long call(bool kernel, int cmd, union bpf_attr *attr)
{
	struct kbpf_call c = {
		.cmd = cmd,
		.size = sizeof(*attr),
		.attr = (__u64)(unsigned long)attr,
	};

	if (kernel)
		return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
	return ioctl(dev_fd, KBPF_IOC_CALL, &c);
}

static const char *who(bool kernel)
{
	return kernel ? "kernel bpf(2)" : "kbpf";
}

#define NPKT 6
static const unsigned int pkt_len[NPKT] = { 64, 64, 128, 64, 1514, 128 };

struct result {
	__u32 retval[NPKT];
	__u32 keys[NPKT];
	__u64 counts[NPKT];
	int nkeys;
};

static int run(bool kernel, struct result *res)
{
	static char log[65536];
	static unsigned char pkt[1514];
	union bpf_attr a;
	int map_fd, prog_fd, i, err;
	__u32 key, next;
	bool first;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_HASH;
	a.key_size = sizeof(__u32);
	a.value_size = sizeof(__u64);
	a.max_entries = 64;
	strcpy(a.map_name, "demo_counts");
	map_fd = call(kernel, BPF_MAP_CREATE, &a);
	if (map_fd < 0) {
		fprintf(stderr, "%s: BPF_MAP_CREATE: %s\n", who(kernel), strerror(errno));
		return -1;
	}

	struct bpf_insn insns[] = {
		/* key = skb->len */
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0),
		INSN(BPF_LDX | BPF_W | BPF_MEM, BPF_REG_1, BPF_REG_6, 0,
		     offsetof(struct __sk_buff, len)),
		INSN(BPF_STX | BPF_W | BPF_MEM, BPF_REG_10, BPF_REG_1, -4, 0),
		/* v = bpf_map_lookup_elem(map, &key) */
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
		INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map_fd),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		/* if (!v) goto insert */
		INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 5, 0),
		/* return ++*v */
		INSN(BPF_LDX | BPF_DW | BPF_MEM, BPF_REG_1, BPF_REG_0, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_1, 0, 0, 1),
		INSN(BPF_STX | BPF_DW | BPF_MEM, BPF_REG_0, BPF_REG_1, 0, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_0, BPF_REG_1, 0, 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		/* insert: one = 1; bpf_map_update_elem(map, &key, &one, BPF_NOEXIST); return 1 */
		INSN(BPF_ST | BPF_DW | BPF_MEM, BPF_REG_10, 0, -16, 1),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, -16),
		INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map_fd),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, BPF_NOEXIST),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_update_elem),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (__u64)(unsigned long)insns;
	a.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	a.license = (__u64)(unsigned long)"GPL";
	a.log_buf = (__u64)(unsigned long)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	strcpy(a.prog_name, "demo_count");
	log[0] = 0;
	prog_fd = call(kernel, BPF_PROG_LOAD, &a);
	if (prog_fd < 0) {
		fprintf(stderr, "%s: BPF_PROG_LOAD: %s\n--- verifier log ---\n%s\n",
			who(kernel), strerror(errno), log);
		close(map_fd);
		return -1;
	}

	for (i = 0; i < NPKT; i++) {
		unsigned int j;

		for (j = 0; j < pkt_len[i]; j++)
			pkt[j] = (unsigned char)j;
		memset(pkt, 0xff, 6);			/* broadcast */
		pkt[12] = 0x08;				/* IPv4 */
		pkt[13] = 0x00;
		memset(&a, 0, sizeof(a));
		a.test.prog_fd = prog_fd;
		a.test.data_in = (__u64)(unsigned long)pkt;
		a.test.data_size_in = pkt_len[i];
		a.test.repeat = 1;
		if (call(kernel, BPF_PROG_TEST_RUN, &a) < 0) {
			fprintf(stderr, "%s: BPF_PROG_TEST_RUN (packet %d): %s\n", who(kernel), i,
				strerror(errno));
			goto fail;
		}
		res->retval[i] = a.test.retval;
	}

	res->nkeys = 0;
	first = true;
	for (;;) {
		memset(&a, 0, sizeof(a));
		a.map_fd = map_fd;
		a.key = first ? 0 : (__u64)(unsigned long)&key;
		a.next_key = (__u64)(unsigned long)&next;
		if (call(kernel, BPF_MAP_GET_NEXT_KEY, &a) < 0) {
			if (errno == ENOENT)
				break;
			fprintf(stderr, "%s: BPF_MAP_GET_NEXT_KEY: %s\n", who(kernel), strerror(errno));
			goto fail;
		}
		if (res->nkeys == NPKT) {
			fprintf(stderr, "%s: more keys than packets\n", who(kernel));
			goto fail;
		}
		first = false;
		key = next;
		memset(&a, 0, sizeof(a));
		a.map_fd = map_fd;
		a.key = (__u64)(unsigned long)&key;
		a.value = (__u64)(unsigned long)&res->counts[res->nkeys];
		if (call(kernel, BPF_MAP_LOOKUP_ELEM, &a) < 0) {
			fprintf(stderr, "%s: BPF_MAP_LOOKUP_ELEM(%u): %s\n", who(kernel), key,
				strerror(errno));
			goto fail;
		}
		res->keys[res->nkeys++] = key;
	}
	/* sort by key: the two hash tables need not iterate in the same order */
	for (i = 1; i < res->nkeys; i++) {
		int j;

		for (j = i; j > 0 && res->keys[j - 1] > res->keys[j]; j--) {
			__u32 tk = res->keys[j];
			__u64 tc = res->counts[j];

			res->keys[j] = res->keys[j - 1];
			res->counts[j] = res->counts[j - 1];
			res->keys[j - 1] = tk;
			res->counts[j - 1] = tc;
		}
	}
	err = 0;
	goto out;
fail:
	err = -1;
out:
	close(prog_fd);
	close(map_fd);
	return err;
}

int main(void)
{
	struct result kb, kr;
	bool same = true;
	int i, rk, rr;

	setvbuf(stdout, NULL, _IOLBF, 0);
	dev_fd = open(KBPF_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0) {
		fprintf(stderr, "kbpf-demo: open %s: %s (is kbpf.ko loaded?)\n", KBPF_DEVICE_PATH,
			strerror(errno));
		return 1;
	}
	printf("kbpf-demo: SOCKET_FILTER counting packets per skb->len in a HASH map\n");
	memset(&kb, 0, sizeof(kb));
	memset(&kr, 0, sizeof(kr));
	rk = run(false, &kb);
	rr = run(true, &kr);

	printf("\n%-8s %-8s %-14s %-14s\n", "packet", "bytes", "kbpf retval", "kernel retval");
	for (i = 0; i < NPKT; i++) {
		char a[16] = "-", b[16] = "-";

		if (!rk)
			snprintf(a, sizeof(a), "%u", kb.retval[i]);
		if (!rr)
			snprintf(b, sizeof(b), "%u", kr.retval[i]);
		printf("%-8d %-8u %-14s %-14s\n", i, pkt_len[i], a, b);
		if (!rk && !rr && kb.retval[i] != kr.retval[i])
			same = false;
	}
	printf("\nmap contents (skb->len -> packets):\n");
	if (!rk)
		for (i = 0; i < kb.nkeys; i++)
			printf("  kbpf:   len %5u -> %llu\n", kb.keys[i],
			       (unsigned long long)kb.counts[i]);
	if (!rr)
		for (i = 0; i < kr.nkeys; i++)
			printf("  kernel: len %5u -> %llu\n", kr.keys[i],
			       (unsigned long long)kr.counts[i]);
	if (!rk && !rr) {
		if (kb.nkeys != kr.nkeys)
			same = false;
		for (i = 0; i < kb.nkeys && i < kr.nkeys; i++)
			if (kb.keys[i] != kr.keys[i] || kb.counts[i] != kr.counts[i])
				same = false;
	}
	close(dev_fd);
	if (rk) {
		printf("\nresult: FAILED on kbpf (see the error above)\n");
		return 1;
	}
	if (rr) {
		printf("\nresult: kbpf ran; the kernel's run failed, nothing to compare\n");
		return 1;
	}
	printf("\nresult: %s\n", same ? "kbpf and the guest kernel agree" :
	       "MISMATCH between kbpf and the guest kernel");
	return same ? 0 : 1;
}
