// SPDX-License-Identifier: GPL-2.0
/*
 * Executable memory for JIT images, and every kernel symbol kbpf must look
 * up because 6.1 does not export it. All such lookups live here.
 *
 * kallsyms_lookup_name itself is not exported: a kprobe registered on it
 * yields its address. Through it we reach module_alloc (memory in module
 * space, within rel32 reach of kbpf's helpers, RW and NX) and the
 * set_memory_* calls that turn an image read-only and executable once it
 * is written: the image is never writable and executable at once.
 */
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "kbpf_internal.h"

static unsigned long (*kbpf_kallsyms_lookup_name)(const char *name);
static void *(*kbpf_module_alloc)(unsigned long size);
static void (*kbpf_module_memfree)(void *region);
static int (*kbpf_set_memory_ro)(unsigned long addr, int numpages);
static int (*kbpf_set_memory_rw)(unsigned long addr, int numpages);
static int (*kbpf_set_memory_x)(unsigned long addr, int numpages);
static int (*kbpf_set_memory_nx)(unsigned long addr, int numpages);

static int kbpf_find_kallsyms(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	int err;

	err = register_kprobe(&kp);
	if (err) {
		pr_warn("cannot find kallsyms_lookup_name (kprobe: %d); JIT disabled\n", err);
		return err;
	}
	kbpf_kallsyms_lookup_name = (void *)kp.addr;
	unregister_kprobe(&kp);
	return 0;
}

#define KBPF_LOOKUP(var, name) ({					\
	var = (void *)kbpf_kallsyms_lookup_name(name);			\
	if (!var)							\
		pr_warn("kernel symbol %s not found; JIT disabled\n", name); \
	var != NULL; })

int kbpf_exec_mem_init(void)
{
	if (kbpf_find_kallsyms())
		return -ENOENT;
	if (!KBPF_LOOKUP(kbpf_module_alloc, "module_alloc") ||
	    !KBPF_LOOKUP(kbpf_module_memfree, "module_memfree") ||
	    !KBPF_LOOKUP(kbpf_set_memory_ro, "set_memory_ro") ||
	    !KBPF_LOOKUP(kbpf_set_memory_rw, "set_memory_rw") ||
	    !KBPF_LOOKUP(kbpf_set_memory_x, "set_memory_x") ||
	    !KBPF_LOOKUP(kbpf_set_memory_nx, "set_memory_nx")) {
		kbpf_module_alloc = NULL;
		return -ENOENT;
	}
	return 0;
}

bool kbpf_exec_mem_available(void)
{
	return kbpf_module_alloc != NULL;
}

/* size bytes of writable, non-executable memory in module space. */
void *kbpf_exec_alloc(u32 size)
{
	if (!kbpf_module_alloc || !size)
		return NULL;
	return kbpf_module_alloc(PAGE_ALIGN(size));
}

/* The image is complete: read-only, then executable. */
int kbpf_exec_protect(void *image, u32 size)
{
	int pages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	int err;

	err = kbpf_set_memory_ro((unsigned long)image, pages);
	if (!err)
		err = kbpf_set_memory_x((unsigned long)image, pages);
	return err;
}

/* Undo kbpf_exec_protect (either step) and free. Process context. */
void kbpf_exec_free(void *image, u32 size)
{
	int pages = PAGE_ALIGN(size) >> PAGE_SHIFT;

	if (!image)
		return;
	kbpf_set_memory_nx((unsigned long)image, pages);
	kbpf_set_memory_rw((unsigned long)image, pages);
	kbpf_module_memfree(image);
}

/*
 * Any other kernel symbol kbpf needs (attach points: the raw tracepoint
 * table __start__bpf_raw_tp/__stop__bpf_raw_tp). 0 if not found.
 */
unsigned long kbpf_ksym_addr(const char *name)
{
	return kbpf_kallsyms_lookup_name ? kbpf_kallsyms_lookup_name(name) : 0;
}
