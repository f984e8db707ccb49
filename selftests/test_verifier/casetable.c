// SPDX-License-Identifier: GPL-2.0
/*
 * Prints the case table of the kernel's test_verifier (host side, for
 * report.sh): one line per case,
 *   index<TAB>prog_type<TAB>result<TAB>features<TAB>descr
 * where features lists what the case needs beyond instructions (btf, kfunc,
 * and each fixup_map_* / fixup_* array it uses). Built from the unmodified
 * test_verifier.c, #included with its main() renamed; it makes no bpf call.
 */
#define main test_verifier_main
#include "test_verifier.c"
#undef main

#define F(field) do { if (t->field[0]) printf(",%s", #field + 6); } while (0)

int main(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		struct bpf_test *t = &tests[i];
		const char *d;

		printf("%u\t%d\t%d\t-", i, t->prog_type ? (int)t->prog_type : 1,
		       (int)t->result);
		if (t->btf_types[0])
			printf(",btf");
		if (t->func_info_cnt)
			printf(",func_info");
		if (t->kfunc)
			printf(",attach_btf");
		if (t->fixup_kfunc_btf_id[0].kfunc)
			printf(",kfunc");
		F(fixup_map_hash_8b); F(fixup_map_hash_48b); F(fixup_map_hash_16b);
		F(fixup_map_array_48b); F(fixup_map_sockmap); F(fixup_map_sockhash);
		F(fixup_map_xskmap); F(fixup_map_stacktrace); F(fixup_prog1);
		F(fixup_prog2); F(fixup_map_in_map); F(fixup_cgroup_storage);
		F(fixup_percpu_cgroup_storage); F(fixup_map_spin_lock);
		F(fixup_map_array_ro); F(fixup_map_array_wo); F(fixup_map_array_small);
		F(fixup_sk_storage_map); F(fixup_map_event_output);
		F(fixup_map_reuseport_array); F(fixup_map_ringbuf);
		F(fixup_map_timer); F(fixup_map_kptr);
		if (t->fill_helper)
			printf(",fill");
		printf("\t");
		for (d = t->descr; *d; d++)
			putchar(*d == '\t' || *d == '\n' ? ' ' : *d);
		printf("\n");
	}
	return 0;
}
