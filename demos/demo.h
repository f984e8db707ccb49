/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the demo loaders (demos/<name>.c): the BPF object embedded in the
 * loader, result lines, and small libbpf conveniences.
 *
 * Every loader prints three kinds of lines:
 *   human-readable demo output (anything not matching the two below);
 *   "R <key> <value>"       a result the guest script compares between the
 *                           run on the guest kernel's bpf(2) and the run
 *                           under the kbpf shim (the kernel is the oracle);
 *   "PASS: <name>" / "FAIL: <name> (<reason>)"   the loader's own assertions.
 * Exit status: 0 if every assertion passed.
 */
#ifndef KBPF_DEMO_H
#define KBPF_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

/*
 * Embed a BPF ELF object into the loader's .rodata (no file to ship or find
 * in the guest). path must be a string literal, absolute or relative to
 * where the compiler runs; demos.mk passes it as -DDEMO_OBJ_PATH.
 */
#define DEMO_EMBED_OBJ(sym, path)					\
	__asm__(".pushsection .rodata\n"				\
		".balign 8\n"						\
		".global " #sym "\n" #sym ":\n"				\
		".incbin \"" path "\"\n"				\
		".global " #sym "_end\n" #sym "_end:\n"			\
		".popsection\n");					\
	extern const char sym[], sym##_end[]

struct demo {
	const char *name;	/* test name prefix, e.g. "demo_syscount" */
	const char *label;	/* backend label: "kbpf" or "kernel" */
	int failed;
};

/* Parse the common options (-l label) and set up libbpf logging. */
void demo_init(struct demo *d, const char *name, int argc, char **argv);

/* "PASS: <name>_<what>_<label>" or "FAIL: ... (<reason>)". */
void demo_check(struct demo *d, bool ok, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "R <key> <value>": a result compared across backends by the guest script. */
void demo_result(const char *key, unsigned long long value);

/* Open the embedded object; NULL (and a FAIL line) on error. */
struct bpf_object *demo_open(struct demo *d, const char *buf, size_t len);

/* bpf_object__load() with a PASS/FAIL line; returns its error. */
int demo_load(struct demo *d, struct bpf_object *obj);

/* Look up a map by name; NULL (and a FAIL line) if absent. */
struct bpf_map *demo_map(struct demo *d, struct bpf_object *obj, const char *name);

/* Move to a new network namespace and bring its lo up; 0 or -errno. */
int demo_netns_lo_up(void);

/* An IPv4 UDP socket bound to addr:port (port 0: any); -1 on error. */
int demo_udp_socket(const char *addr, int port);

/* Send n 4-byte datagrams from tx to 127.0.0.1:port; the number sent. */
unsigned int demo_udp_send(int tx, int port, unsigned int n);

/* Upstream's numbers (the design notes); 6.1's <linux/bpf.h> has neither. */
#define DEMO_PROG_TYPE_NETFILTER	32	/* BPF_PROG_TYPE_NETFILTER */
#define DEMO_ATTACH_NETFILTER		45	/* BPF_NETFILTER */

/*
 * Make libbpf 1.1 know SEC("netfilter") (it does not); call before opening
 * the object. 0 or a negative error.
 */
int demo_register_netfilter(void);

/*
 * BPF_LINK_CREATE for a netfilter program with a raw bpf(2) call (libbpf 1.1
 * has no netfilter link; the shim forwards the call). The link fd or -1.
 */
int demo_nf_link_create(int prog_fd, __u32 pf, __u32 hooknum, __s32 priority);

/* Exit status for main(). */
int demo_exit(const struct demo *d);

#endif /* KBPF_DEMO_H */
