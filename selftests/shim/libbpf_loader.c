// SPDX-License-Identifier: GPL-2.0
/*
 * kbpf-libbpf-loader: an ordinary libbpf 1.1 program (dynamically linked,
 * nothing kbpf-specific in it) used to test the LD_PRELOAD shim in the VM.
 *
 *   kbpf-libbpf-loader [PIN_DIR]       -> the kernel's bpf(2)
 *   LD_PRELOAD=libkbpf-preload.so kbpf-libbpf-loader [PIN_DIR]   -> /dev/kbpf
 *
 * PIN_DIR (default /sys/fs/bpf) is where objects are pinned: a bpffs for
 * the kernel, a kbpffs (/sys/fs/kbpf) for kbpf.
 *
 *   kbpf-libbpf-loader --write-elf FILE   writes the BPF ELF object it
 *   loads (see build_elf()) to FILE, for bpftool prog load, and exits.
 *
 * It prints one line per step on stdout, "R <step> <result>", made only of
 * values that must be the same on any correct bpf(2) (errnos, values read
 * back, info fields; never fds or ids themselves), so the two runs can be
 * compared line by line. Lines "P <probe> <result>" report libbpf's feature
 * probes (informational: kbpf does not implement every type). libbpf's own
 * messages go to stderr.
 *
 * Exit status: 0 if it ran to the end (whatever the results), 1 on a crash-
 * free early stop (a step a later step depends on failed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elf.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	fprintf(stderr, "libbpf: ");
	return vfprintf(stderr, fmt, ap);
}

/* "ok" for >= 0, or the errno name of a libbpf (-errno) result. */
static const char *res(long r)
{
	static char buf[8][32];
	static int i;
	char *b = buf[i++ & 7];
	const char *n;

	if (r >= 0)
		return "ok";
	n = -r == 524 ? "ENOTSUPP" : strerrorname_np((int)-r);
	snprintf(b, 32, "-%s", n ? n : "E?");
	return b;
}

static void R(const char *step, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void R(const char *step, const char *fmt, ...)
{
	va_list ap;

	printf("R %s ", step);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static int hash_fd = -1, cnt_fd = -1, prog_fd = -1;
static const char *pin_dir = "/sys/fs/bpf";

/* pin_dir/name (one static buffer per call site is enough here) */
static const char *pin_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", pin_dir, name);
	return buf;
}

static void maps(void)
{
	__u32 k, keys[32], n = 0, next, *prev = NULL;
	__u64 v;
	char list[256] = "";
	int r, afd;

	hash_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "shim_hash", 4, 8, 16, NULL);
	R("map_create_hash", "%s", res(hash_fd));
	r = bpf_map_create(BPF_MAP_TYPE_HASH, "shim_bad", 0, 8, 16, NULL);
	R("map_create_key0", "%s", res(r));
	r = bpf_map_create(BPF_MAP_TYPE_ARRAY, "shim_bad", 4, 8, 0, NULL);
	R("map_create_max0", "%s", res(r));
	if (hash_fd < 0)
		return;
	for (k = 1; k <= 5; k++) {
		v = k * 100;
		r = bpf_map_update_elem(hash_fd, &k, &v, BPF_ANY);
		R("map_update", "k=%u %s", k, res(r));
	}
	k = 3;
	v = 1;
	R("map_update_noexist_dup", "%s", res(bpf_map_update_elem(hash_fd, &k, &v, BPF_NOEXIST)));
	k = 99;
	R("map_update_exist_missing", "%s", res(bpf_map_update_elem(hash_fd, &k, &v, BPF_EXIST)));
	R("map_update_bad_flags", "%s", res(bpf_map_update_elem(hash_fd, &k, &v, 77)));
	k = 3;
	v = 0;
	r = bpf_map_lookup_elem(hash_fd, &k, &v);
	R("map_lookup", "%s v=%llu", res(r), (unsigned long long)v);
	k = 42;
	R("map_lookup_missing", "%s", res(bpf_map_lookup_elem(hash_fd, &k, &v)));
	k = 2;
	R("map_delete", "%s", res(bpf_map_delete_elem(hash_fd, &k)));
	R("map_delete_again", "%s", res(bpf_map_delete_elem(hash_fd, &k)));
	while (n < 32 && (r = bpf_map_get_next_key(hash_fd, prev, &next)) == 0) {
		keys[n] = next;
		prev = &keys[n++];
	}
	qsort(keys, n, sizeof(keys[0]), cmp_u32);
	for (k = 0; k < n; k++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%u", k ? "," : "", keys[k]);
	R("map_get_next_key", "keys=%s end=%s", list, res(r));

	afd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "shim_arr", 4, 8, 4, NULL);
	R("map_create_array", "%s", res(afd));
	if (afd >= 0) {
		k = 4;
		v = 7;
		R("array_update_oob", "%s", res(bpf_map_update_elem(afd, &k, &v, BPF_ANY)));
		k = 1;
		R("array_update", "%s", res(bpf_map_update_elem(afd, &k, &v, BPF_ANY)));
		v = 0;
		r = bpf_map_lookup_elem(afd, &k, &v);
		R("array_lookup", "%s v=%llu", res(r), (unsigned long long)v);
		R("array_delete", "%s", res(bpf_map_delete_elem(afd, &k)));
		close(afd);
	}

	cnt_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "shim_cnt", 4, 8, 8, NULL);
	R("map_create_cnt", "%s", res(cnt_fd));
	/* skb->len in TEST_RUN is the packet less its Ethernet header. */
	for (k = 50; cnt_fd >= 0 && k <= 86; k += 36) {
		v = 0;
		R("cnt_init", "k=%u %s", k, res(bpf_map_update_elem(cnt_fd, &k, &v, BPF_ANY)));
	}
}

static void progs(void)
{
	/* count[skb->len]++ if present; return skb->len * 2 */
	struct bpf_insn insns[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0),
		INSN(BPF_LDX | BPF_MEM | BPF_W, 0, 6, offsetof(struct __sk_buff, len), 0),
		INSN(BPF_STX | BPF_MEM | BPF_W, 10, 0, -4, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4),
		INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, cnt_fd),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3, 0),
		INSN(BPF_LDX | BPF_MEM | BPF_DW, 1, 0, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, 1),
		INSN(BPF_STX | BPF_MEM | BPF_DW, 0, 1, 0, 0),
		INSN(BPF_LDX | BPF_MEM | BPF_W, 0, 6, offsetof(struct __sk_buff, len), 0),
		INSN(BPF_ALU64 | BPF_MUL | BPF_K, 0, 0, 0, 2),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	struct bpf_insn bad_r0[] = { INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0) };
	struct bpf_insn bad_op[] = {
		INSN(0xff, 0, 0, 0, 0), INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	static char log[65536];
	LIBBPF_OPTS(bpf_prog_load_opts, lopts, .log_buf = log, .log_size = sizeof(log),
		    .log_level = 1);
	LIBBPF_OPTS(bpf_prog_load_opts, ropts, .log_buf = log, .log_size = sizeof(log),
		    .log_level = 1);
	unsigned char pkt[128], out[256];
	unsigned int lens[] = { 64, 100, 64, 77 };
	__u32 k, i;
	__u64 v;
	int r;

	if (cnt_fd < 0)
		return;
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "shim_prog", "GPL", insns,
				sizeof(insns) / sizeof(insns[0]), &lopts);
	R("prog_load", "%s", res(prog_fd));
	if (prog_fd < 0)
		fprintf(stderr, "verifier log:\n%s\n", log);

	log[0] = 0;
	r = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "shim_bad", "GPL", bad_r0, 1, &ropts);
	R("prog_load_uninit_r0", "%s", res(r));
	fprintf(stderr, "uninit_r0 log: %.200s\n", log);
	r = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "shim_bad", "GPL", bad_op, 2, NULL);
	R("prog_load_bad_opcode", "%s", res(r));
	r = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "shim_bad", "GPL", insns, 0, NULL);
	R("prog_load_no_insns", "%s", res(r));
	if (prog_fd < 0)
		return;

	memset(pkt, 0, sizeof(pkt));
	for (i = 0; i < 12; i++)
		pkt[i] = 0x10 + i;
	pkt[12] = 0x08;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt, .data_size_in = lens[i],
			    .data_out = out, .data_size_out = sizeof(out), .repeat = 1 + i);
		r = bpf_prog_test_run_opts(prog_fd, &topts);
		R("test_run", "len=%u repeat=%u %s retval=%u size_out=%u", lens[i], 1 + i,
		  res(r), topts.retval, topts.data_size_out);
	}
	{
		/* data_out too small: -ENOSPC with the full size reported. */
		LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt, .data_size_in = 64,
			    .data_out = out, .data_size_out = 10);
		r = bpf_prog_test_run_opts(prog_fd, &topts);
		R("test_run_small_out", "%s retval=%u size_out=%u", res(r), topts.retval,
		  topts.data_size_out);
	}
	{
		LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt, .data_size_in = 5);
		R("test_run_short_pkt", "%s", res(bpf_prog_test_run_opts(prog_fd, &topts)));
	}
	for (k = 50; k <= 86; k += 36) {
		v = ~0ULL;
		r = bpf_map_lookup_elem(cnt_fd, &k, &v);
		R("counter", "k=%u %s v=%llu", k, res(r), (unsigned long long)v);
	}
}

static void info_and_ids(void)
{
	struct bpf_prog_info pinfo;
	struct bpf_map_info minfo;
	__u32 len, id, next, map_ids[4], own_map_id = 0, own_prog_id = 0;
	char tag[2 * BPF_TAG_SIZE + 1];
	int r, fd, found, i;

	if (cnt_fd >= 0) {
		memset(&minfo, 0, sizeof(minfo));
		len = sizeof(minfo);
		r = bpf_obj_get_info_by_fd(cnt_fd, &minfo, &len);
		own_map_id = minfo.id;
		R("map_info", "%s len=%u type=%u id_set=%d key=%u value=%u max=%u flags=%#x name=%s",
		  res(r), len, minfo.type, minfo.id != 0, minfo.key_size, minfo.value_size,
		  minfo.max_entries, minfo.map_flags, minfo.name);
		/* A short buffer: the kernel writes only what fits. */
		memset(&minfo, 0, sizeof(minfo));
		len = 8;
		r = bpf_obj_get_info_by_fd(cnt_fd, &minfo, &len);
		R("map_info_short", "%s len=%u type=%u", res(r), len, minfo.type);
	}
	if (prog_fd < 0)
		return;
	memset(&pinfo, 0, sizeof(pinfo));
	memset(map_ids, 0, sizeof(map_ids));
	pinfo.nr_map_ids = 4;
	pinfo.map_ids = (__u64)(unsigned long)map_ids;
	len = sizeof(pinfo);
	r = bpf_obj_get_info_by_fd(prog_fd, &pinfo, &len);
	own_prog_id = pinfo.id;
	for (i = 0; i < BPF_TAG_SIZE; i++)
		sprintf(tag + 2 * i, "%02x", pinfo.tag[i]);
	/*
	 * xlated_prog_len is compared only as "non-zero" (as the in-VM suite
	 * does): 6.1 counts its own rewrites (e.g. the inlined HASH lookup,
	 * +2 insns here), kbpf reports the program as loaded.
	 */
	R("prog_info", "%s len=%u type=%u id_set=%d name=%s tag=%s nr_map_ids=%u map_id_ok=%d "
	  "gpl=%u uid=%u load_time_set=%d xlated_set=%d",
	  res(r), len, pinfo.type, pinfo.id != 0, pinfo.name, tag, pinfo.nr_map_ids,
	  map_ids[0] == own_map_id && own_map_id, pinfo.gpl_compatible, pinfo.created_by_uid,
	  pinfo.load_time != 0, pinfo.xlated_prog_len != 0);
	fprintf(stderr, "prog_info: xlated_prog_len=%u jited_prog_len=%u\n",
		pinfo.xlated_prog_len, pinfo.jited_prog_len);
	R("info_bad_fd", "%s", res(bpf_obj_get_info_by_fd(12345, &pinfo, &len)));

	/* Walk the prog ids; ours must be there. */
	found = 0;
	id = 0;
	while ((r = bpf_prog_get_next_id(id, &next)) == 0) {
		if (next == own_prog_id)
			found = 1;
		if (next <= id)
			break;
		id = next;
	}
	R("prog_get_next_id", "found=%d end=%s", found, res(r));
	found = 0;
	id = 0;
	while ((r = bpf_map_get_next_id(id, &next)) == 0) {
		if (next == own_map_id)
			found = 1;
		if (next <= id)
			break;
		id = next;
	}
	R("map_get_next_id", "found=%d end=%s", found, res(r));

	fd = bpf_prog_get_fd_by_id(own_prog_id);
	R("prog_get_fd_by_id", "%s", res(fd));
	if (fd >= 0) {
		memset(&pinfo, 0, sizeof(pinfo));
		len = sizeof(pinfo);
		r = bpf_obj_get_info_by_fd(fd, &pinfo, &len);
		R("prog_by_id_info", "%s same_id=%d name=%s", res(r), pinfo.id == own_prog_id,
		  pinfo.name);
		close(fd);
	}
	fd = bpf_map_get_fd_by_id(own_map_id);
	R("map_get_fd_by_id", "%s", res(fd));
	if (fd >= 0) {
		__u32 k = 50;
		__u64 v = 0;

		r = bpf_map_lookup_elem(fd, &k, &v);
		R("map_by_id_lookup", "%s v=%llu", res(r), (unsigned long long)v);
		close(fd);
	}
	R("prog_get_fd_by_bad_id", "%s", res(bpf_prog_get_fd_by_id(0x7ffffff0)));
	R("map_get_fd_by_bad_id", "%s", res(bpf_map_get_fd_by_id(0x7ffffff0)));
}

/* ---- pinning: bpf_obj_pin / bpf_obj_get ------------------------------------- */

static void pins(void)
{
	char cnt_path[256], prog_path[256], tmp[256];
	LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
	unsigned char pkt[64] = { 0 };
	struct statfs sf;
	__u32 k = 50;
	__u64 v;
	int r, fd;

	r = statfs(pin_dir, &sf);
	R("pin_dir_magic", "%s bpf_fs=%d", res(r ? -errno : 0), !r && sf.f_type == BPF_FS_MAGIC);
	if (cnt_fd < 0 || prog_fd < 0)
		return;
	pin_path(cnt_path, sizeof(cnt_path), "shim_cnt");
	pin_path(prog_path, sizeof(prog_path), "shim_prog");
	R("obj_pin_map", "%s", res(bpf_obj_pin(cnt_fd, cnt_path)));
	R("obj_pin_map_again", "%s", res(bpf_obj_pin(cnt_fd, cnt_path)));
	R("obj_pin_prog", "%s", res(bpf_obj_pin(prog_fd, prog_path)));
	R("obj_pin_not_bpffs", "%s", res(bpf_obj_pin(cnt_fd, "/tmp/shim_cnt")));
	R("obj_pin_dot_name", "%s", res(bpf_obj_pin(cnt_fd, pin_path(tmp, sizeof(tmp), "a.b"))));
	R("obj_get_missing", "%s", res(bpf_obj_get(pin_path(tmp, sizeof(tmp), "shim_none"))));

	fd = bpf_obj_get(cnt_path);
	R("obj_get_map", "%s", res(fd));
	if (fd >= 0) {
		v = ~0ULL;
		r = bpf_map_lookup_elem(fd, &k, &v);
		R("obj_get_map_lookup", "%s v=%llu", res(r), (unsigned long long)v);
		close(fd);
	}
	fd = bpf_obj_get_opts(cnt_path, &ro);
	R("obj_get_map_rdonly", "%s", res(fd));
	if (fd >= 0) {
		v = 1;
		R("obj_get_map_rdonly_update", "%s", res(bpf_map_update_elem(fd, &k, &v, BPF_ANY)));
		close(fd);
	}
	fd = bpf_obj_get(prog_path);
	R("obj_get_prog", "%s", res(fd));
	if (fd >= 0) {
		LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt, .data_size_in = sizeof(pkt));
		r = bpf_prog_test_run_opts(fd, &topts);
		R("obj_get_prog_test_run", "%s retval=%u", res(r), topts.retval);
		close(fd);
	}
	R("unpin_map", "%s", res(unlink(cnt_path) ? -errno : 0));
	R("unpin_prog", "%s", res(unlink(prog_path) ? -errno : 0));
	R("obj_get_unpinned", "%s", res(bpf_obj_get(cnt_path)));
}

/* ---- a BPF ELF object built in memory, for bpf_object__load() ---------------- */

struct elf_img {
	unsigned char buf[4096];
	size_t len;
};

static size_t elf_put(struct elf_img *e, const void *p, size_t n, size_t align)
{
	size_t off = (e->len + align - 1) & ~(align - 1);

	memset(e->buf + e->len, 0, off - e->len);
	memcpy(e->buf + off, p, n);
	e->len = off + n;
	return off;
}

/*
 * ELF64 relocatable, EM_BPF: section "socket" with one global function
 * "shim_obj_prog" (r0 = skb->len; exit), "license" = "GPL", a symbol table.
 * No BTF: libbpf loads such objects without it.
 */
static size_t build_elf(struct elf_img *e)
{
	static const char strtab[] =
		"\0.strtab\0socket\0license\0.symtab\0shim_obj_prog\0_license";
	enum { S_STRTAB = 1, S_SOCKET = 9, S_LICENSE = 16, S_SYMTAB = 24,
	       S_PROG = 32, S_LIC = 46 };
	struct bpf_insn prog[] = {
		INSN(BPF_LDX | BPF_MEM | BPF_W, 0, 1, offsetof(struct __sk_buff, len), 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	Elf64_Sym syms[3] = {
		{ 0 },
		{ .st_name = S_PROG, .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
		  .st_shndx = 3, .st_size = sizeof(prog) },
		{ .st_name = S_LIC, .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT),
		  .st_shndx = 4, .st_size = 4 },
	};
	Elf64_Shdr sh[6];
	Elf64_Ehdr eh;
	size_t o_str, o_prog, o_lic, o_sym, o_sh;

	memset(e, 0, sizeof(*e));
	memset(sh, 0, sizeof(sh));
	e->len = sizeof(eh);
	o_str = elf_put(e, strtab, sizeof(strtab), 1);
	o_prog = elf_put(e, prog, sizeof(prog), 8);
	o_lic = elf_put(e, "GPL", 4, 1);
	o_sym = elf_put(e, syms, sizeof(syms), 8);
	/* [1] .strtab (also the section-name table) */
	sh[1] = (Elf64_Shdr){ .sh_name = S_STRTAB, .sh_type = SHT_STRTAB, .sh_offset = o_str,
			      .sh_size = sizeof(strtab), .sh_addralign = 1 };
	/* [2] .symtab */
	sh[2] = (Elf64_Shdr){ .sh_name = S_SYMTAB, .sh_type = SHT_SYMTAB, .sh_offset = o_sym,
			      .sh_size = sizeof(syms), .sh_link = 1, .sh_info = 1,
			      .sh_addralign = 8, .sh_entsize = sizeof(Elf64_Sym) };
	/* [3] socket */
	sh[3] = (Elf64_Shdr){ .sh_name = S_SOCKET, .sh_type = SHT_PROGBITS,
			      .sh_flags = SHF_ALLOC | SHF_EXECINSTR, .sh_offset = o_prog,
			      .sh_size = sizeof(prog), .sh_addralign = 8 };
	/* [4] license */
	sh[4] = (Elf64_Shdr){ .sh_name = S_LICENSE, .sh_type = SHT_PROGBITS,
			      .sh_flags = SHF_ALLOC | SHF_WRITE, .sh_offset = o_lic,
			      .sh_size = 4, .sh_addralign = 1 };
	o_sh = elf_put(e, sh, 5 * sizeof(sh[0]), 8);

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_REL;
	eh.e_machine = EM_BPF;
	eh.e_version = EV_CURRENT;
	eh.e_shoff = o_sh;
	eh.e_ehsize = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 5;
	eh.e_shstrndx = 1;
	memcpy(e->buf, &eh, sizeof(eh));
	return e->len;
}

static void object(void)
{
	static struct elf_img img;
	struct bpf_object *obj;
	struct bpf_program *p;
	unsigned char pkt[60] = { 0 };
	size_t n = build_elf(&img);
	int r, fd;

	obj = bpf_object__open_mem(img.buf, n, NULL);
	r = libbpf_get_error(obj);
	R("object_open_mem", "%s", res(r));
	if (r)
		return;
	r = bpf_object__load(obj);
	R("object_load", "%s", res(r));
	p = bpf_object__find_program_by_name(obj, "shim_obj_prog");
	fd = p ? bpf_program__fd(p) : -ENOENT;
	R("object_prog_fd", "%s type=%u", res(fd), p ? bpf_program__type(p) : 0);
	if (fd >= 0) {
		LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt, .data_size_in = sizeof(pkt));
		r = bpf_prog_test_run_opts(fd, &topts);
		R("object_test_run", "%s retval=%u", res(r), topts.retval);
	}
	if (p) {
		/* libbpf's own pinning checks the fs magic of the directory. */
		char path[256];

		pin_path(path, sizeof(path), "shim_obj_prog");
		R("program_pin", "%s", res(bpf_program__pin(p, path)));
		fd = bpf_obj_get(path);
		R("program_pin_get", "%s", res(fd));
		if (fd >= 0) {
			LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt,
				    .data_size_in = sizeof(pkt));
			r = bpf_prog_test_run_opts(fd, &topts);
			R("program_pin_test_run", "%s retval=%u", res(r), topts.retval);
			close(fd);
		}
		R("program_unpin", "%s", res(bpf_program__unpin(p, path)));
	}
	bpf_object__close(obj);
}

/* ---- ring buffer through libbpf's ring_buffer__* ------------------------------ */

struct rb_seen {
	int n;
	unsigned long long hash;
	unsigned long long sum;		/* of the first u64 of each record */
};

static int rb_sample(void *ctx, void *data, size_t size)
{
	struct rb_seen *s = ctx;
	const unsigned char *c = data;
	size_t i;

	s->n++;
	s->hash = (s->hash ^ size) * 1099511628211ull;
	for (i = 0; i < size; i++)
		s->hash = (s->hash ^ c[i]) * 1099511628211ull;
	if (size >= 8)
		s->sum += *(const unsigned long long *)data;
	return 0;
}

/* One TEST_RUN of fd on a zeroed packet of len bytes; the result, retval in *ret. */
static int rb_test_run(int fd, __u32 len, __u32 *ret)
{
	static unsigned char pkt[128];
	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt, .data_size_in = len);
	int r = bpf_prog_test_run_opts(fd, &topts);

	*ret = topts.retval;
	return r;
}

/*
 * A socket filter that per run submits {skb->len, 0xabcd} (16 bytes),
 * discards one 8-byte sample, and outputs 12 bytes {skb->len u64, 0x77
 * u32}; returns 0, or 1 when a reservation fails. libbpf's ring_buffer__new()
 * maps the ring and adds the map fd to its epoll set; ring_buffer__poll()
 * waits for the wakeup and hands each committed record to the callback.
 */
static void ringbuf(void)
{
	struct rb_seen seen = { 0, 1469598103934665603ull, 0 };
	struct ring_buffer *rb;
	int m, fd, r, i, total = 0;
	__u32 ret;

	m = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "shim_rb", 0, 0, 4096, NULL);
	R("ringbuf_create", "%s", res(m));
	if (m < 0)
		return;
	{
		struct bpf_insn p[] = {
			INSN(BPF_LDX | BPF_MEM | BPF_W, 6, 1, offsetof(struct __sk_buff, len), 0),
			/* r0 = reserve(m, 16, 0); if !r0 return 1 */
			INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, m), INSN(0, 0, 0, 0, 0),
			INSN(BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 16),
			INSN(BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, 0),
			INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_reserve),
			INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 26, 0),
			INSN(BPF_STX | BPF_MEM | BPF_DW, 0, 6, 0, 0),
			INSN(BPF_ST | BPF_MEM | BPF_DW, 0, 0, 8, 0xabcd),
			INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 0, 0, 0),
			INSN(BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 0),
			INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_submit),
			/* discard an 8-byte sample */
			INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, m), INSN(0, 0, 0, 0, 0),
			INSN(BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 8),
			INSN(BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, 0),
			INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_reserve),
			INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 15, 0),
			INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 0, 0, 0),
			INSN(BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 0),
			INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_discard),
			/* output {skb->len, 0x77} (12 bytes) from the stack */
			INSN(BPF_STX | BPF_MEM | BPF_DW, 10, 6, -16, 0),
			INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, 0x77),
			INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, m), INSN(0, 0, 0, 0, 0),
			INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),
			INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -16),
			INSN(BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, 12),
			INSN(BPF_ALU64 | BPF_MOV | BPF_K, 4, 0, 0, 0),
			INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_output),
			INSN(BPF_JMP | BPF_JNE | BPF_K, 0, 0, 2, 0),
			INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
			INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1),
			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		};

		fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "shim_rb", "GPL", p,
				   sizeof(p) / sizeof(p[0]), NULL);
	}
	R("ringbuf_prog_load", "%s", res(fd));
	rb = ring_buffer__new(m, rb_sample, &seen, NULL);
	r = libbpf_get_error(rb);
	R("ringbuf_new", "%s", res(r));
	if (fd < 0 || r) {
		if (fd >= 0)
			close(fd);
		close(m);
		return;
	}
	R("ringbuf_poll_empty", "%d", ring_buffer__poll(rb, 0));
	/* 120 runs of 64 bytes, polled after each: the 4096-byte ring wraps */
	for (i = 0; i < 120; i++) {
		r = rb_test_run(fd, 60 + i % 64, &ret);
		if (r || ret) {
			R("ringbuf_run_failed", "%d %s retval=%u", i, res(r), ret);
			break;
		}
		r = ring_buffer__poll(rb, 2000);
		if (r != 2) {
			R("ringbuf_poll_after_run", "%d %s", i, res(r));
			break;
		}
		total += r;
	}
	R("ringbuf_polled", "%d records, hash %llx, sum %llu", total, seen.hash, seen.sum);
	/* three runs without polling, then one consume takes all six */
	for (i = 0; i < 3; i++) {
		r = rb_test_run(fd, 100, &ret);
		R("ringbuf_run_unpolled", "%s retval=%u", res(r), ret);
	}
	R("ringbuf_consume", "%d", ring_buffer__consume(rb));
	R("ringbuf_seen", "%d records, hash %llx", seen.n, seen.hash);
	R("ringbuf_poll_drained", "%d", ring_buffer__poll(rb, 100));
	ring_buffer__free(rb);
	close(fd);
	close(m);
}

/* ---- perf buffer through libbpf's perf_buffer__* ------------------------------ */

static void pb_sample(void *ctx, int cpu, void *data, __u32 size)
{
	struct rb_seen *s = ctx;

	(void)cpu;
	rb_sample(s, data, size);
}

static void pb_lost(void *ctx, int cpu, __u64 cnt)
{
	(void)ctx;
	R("perfbuf_lost", "cpu %d: %llu", cpu, (unsigned long long)cnt);
}

/*
 * libbpf's perf_buffer__new() on a PERF_EVENT_ARRAY: it opens a BPF output
 * event per CPU (a plain perf_event_open) and stores each fd in the map; a
 * socket filter outputs {skb->len u64, 0x5a u32} plus 6 packet bytes
 * (BPF_F_CTXLEN_MASK) on the current CPU per TEST_RUN, and returns the
 * helper's result.
 */
static void perfbuf(void)
{
	struct rb_seen seen = { 0, 1469598103934665603ull, 0 };
	struct perf_buffer *pb;
	int m, fd, r, i, total = 0;
	__u32 ret;

	m = bpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, "shim_pb", 4, 4,
			   libbpf_num_possible_cpus(), NULL);
	R("perfbuf_create", "%s", res(m));
	if (m < 0)
		return;
	{
		struct bpf_insn p[] = {
			INSN(BPF_LDX | BPF_MEM | BPF_W, 6, 1, 0, 0),	/* r6 = skb->len */
			INSN(BPF_STX | BPF_MEM | BPF_DW, 10, 6, -16, 0),
			INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, 0x5a),
			INSN(BPF_LD | BPF_DW | BPF_IMM, 2, BPF_PSEUDO_MAP_FD, 0, m), INSN(0, 0, 0, 0, 0),
			/* r3 = BPF_F_CURRENT_CPU | 6 << 32 */
			INSN(BPF_LD | BPF_DW | BPF_IMM, 3, 0, 0, (int)BPF_F_CURRENT_CPU),
			INSN(0, 0, 0, 0, 6),
			INSN(BPF_ALU64 | BPF_MOV | BPF_X, 4, 10, 0, 0),
			INSN(BPF_ALU64 | BPF_ADD | BPF_K, 4, 0, 0, -16),
			INSN(BPF_ALU64 | BPF_MOV | BPF_K, 5, 0, 0, 12),
			INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_perf_event_output),
			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		};

		fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "shim_pb", "GPL", p,
				   sizeof(p) / sizeof(p[0]), NULL);
	}
	R("perfbuf_prog_load", "%s", res(fd));
	pb = perf_buffer__new(m, 8, pb_sample, pb_lost, &seen, NULL);
	r = libbpf_get_error(pb);
	R("perfbuf_new", "%s", res(r));
	if (fd < 0 || r) {
		if (fd >= 0)
			close(fd);
		close(m);
		return;
	}
	R("perfbuf_poll_empty", "%d", perf_buffer__poll(pb, 0));
	for (i = 0; i < 50; i++) {
		r = rb_test_run(fd, 60 + i % 64, &ret);
		if (r || ret) {
			R("perfbuf_run_failed", "%d %s retval=%d", i, res(r), (int)ret);
			break;
		}
		r = perf_buffer__poll(pb, 2000);
		if (r < 1) {
			R("perfbuf_poll_after_run", "%d %s", i, res(r));
			break;
		}
		total += r;
	}
	R("perfbuf_polled", "%d wakeups, %d records, hash %llx, sum %llu", total, seen.n,
	  seen.hash, seen.sum);
	for (i = 0; i < 3; i++) {
		r = rb_test_run(fd, 100, &ret);
		R("perfbuf_run_unpolled", "%s retval=%d", res(r), (int)ret);
	}
	R("perfbuf_consume", "%d", perf_buffer__consume(pb));
	R("perfbuf_seen", "%d records, hash %llx", seen.n, seen.hash);
	perf_buffer__free(pb);
	close(fd);
	close(m);
}

/* ---- feature probes (informational) ------------------------------------------ */

static void probes(void)
{
	/* A minimal raw BTF: header + one "int" type, no strings but "". */
	static const struct {
		__u16 magic; __u8 version, flags; __u32 hdr_len;
		__u32 type_off, type_len, str_off, str_len;
		__u32 name_off, info, size, int_data;
		char str[5];
	} btf = { 0xeB9F, 1, 0, 24, 0, 16, 16, 5,
		  1, 1u << 24 /* BTF_KIND_INT */, 4, 32, "\0int" };
	static const int helpers[] = { BPF_FUNC_map_lookup_elem, BPF_FUNC_ktime_get_ns,
		BPF_FUNC_tail_call, BPF_FUNC_get_prandom_u32, BPF_FUNC_skb_load_bytes,
		BPF_FUNC_trace_printk, BPF_FUNC_ringbuf_output };
	unsigned int t, i;
	int r;

	for (t = 1; t <= BPF_PROG_TYPE_SYSCALL; t++) {
		r = libbpf_probe_bpf_prog_type(t, NULL);
		printf("P prog_type %s %d\n", libbpf_bpf_prog_type_str(t) ?: "?", r);
	}
	for (t = 1; t <= BPF_MAP_TYPE_USER_RINGBUF; t++) {
		r = libbpf_probe_bpf_map_type(t, NULL);
		printf("P map_type %s %d\n", libbpf_bpf_map_type_str(t) ?: "?", r);
	}
	for (i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
		r = libbpf_probe_bpf_helper(BPF_PROG_TYPE_SOCKET_FILTER, helpers[i], NULL);
		printf("P helper socket_filter/%d %d\n", helpers[i], r);
	}
	r = bpf_btf_load(&btf, offsetof(typeof(btf), str) + sizeof(btf.str), NULL);
	printf("P btf_load %s\n", res(r));
	if (r >= 0)
		close(r);
	fflush(stdout);
}

static int write_elf(const char *path)
{
	static struct elf_img img;
	size_t n = build_elf(&img);
	FILE *f = fopen(path, "w");

	if (!f || fwrite(img.buf, 1, n, f) != n) {
		perror(path);
		return 1;
	}
	return fclose(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "--write-elf"))
		return write_elf(argv[2]);
	if (argc > 1)
		pin_dir = argv[1];
	libbpf_set_print(libbpf_print);
	setvbuf(stdout, NULL, _IOLBF, 0);
	maps();
	progs();
	info_and_ids();
	pins();
	object();
	ringbuf();
	perfbuf();
	probes();
	R("end", "reached");
	return 0;
}
