// SPDX-License-Identifier: GPL-2.0
/* Writes generated seed inputs for fuzz_verifier (never committed). */
#include <stdio.h>
#include "progen.h"

int main(int argc, char **argv)
{
	static struct bpf_insn prog[KT_PROGEN_MAX_INSNS];
	unsigned int i, count = argc > 2 ? (unsigned int)atoi(argv[2]) : 64;
	char path[512];

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR [COUNT]\n", argv[0]);
		return 2;
	}
	for (i = 0; i < count; i++) {
		u32 n = kt_progen(1000 + i, 4 + i % 24, prog, 512);
		unsigned char hdr[2] = { 0, (unsigned char)(i & 1) };
		FILE *f;

		/* the fuzz maps use fd 5 for the generator's array: already so */
		snprintf(path, sizeof(path), "%s/seed-%04u", argv[1], i);
		f = fopen(path, "wb");
		if (!f)
			return 1;
		fwrite(hdr, 1, 2, f);
		fwrite(prog, sizeof(prog[0]), n, f);
		fclose(f);
	}
	return 0;
}
