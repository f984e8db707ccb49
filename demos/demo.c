// SPDX-License-Identifier: GPL-2.0
/* Shared loader code for the demos (see demo.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "demo.h"

static int demo_verbose;

/* libbpf's warnings go to stderr; its info/debug chatter only with -v. */
static int demo_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN && !demo_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void demo_init(struct demo *d, const char *name, int argc, char **argv)
{
	int i;

	d->name = name;
	d->label = "kernel";
	d->failed = 0;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-l") && i + 1 < argc)
			d->label = argv[++i];
		else if (!strcmp(argv[i], "-v"))
			demo_verbose = 1;
	}
	libbpf_set_print(demo_libbpf_print);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

void demo_check(struct demo *d, bool ok, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS: %s_%s_%s\n", d->name, what, d->label);
		return;
	}
	d->failed++;
	printf("FAIL: %s_%s_%s (", d->name, what, d->label);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(")\n");
}

void demo_result(const char *key, unsigned long long value)
{
	printf("R %s %llu\n", key, value);
}

struct bpf_object *demo_open(struct demo *d, const char *buf, size_t len)
{
	struct bpf_object *obj;

	obj = bpf_object__open_mem(buf, len, NULL);
	if (!obj)
		demo_check(d, false, "open", "bpf_object__open_mem: %s", strerror(errno));
	return obj;
}

int demo_load(struct demo *d, struct bpf_object *obj)
{
	int err = bpf_object__load(obj);

	demo_check(d, !err, "load", "bpf_object__load: %s", strerror(-err));
	return err;
}

struct bpf_map *demo_map(struct demo *d, struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	if (!map)
		demo_check(d, false, "map", "no map %s in the object", name);
	return map;
}

int demo_exit(const struct demo *d)
{
	return d->failed ? 1 : 0;
}
