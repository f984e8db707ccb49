// SPDX-License-Identifier: GPL-2.0
/* Shared loader code for the demos (see demo.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include "uapi/kbpf.h"
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

int demo_netns_lo_up(void)
{
	struct ifreq ifr;
	int s, err;

	if (unshare(CLONE_NEWNET))
		return -errno;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	err = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (!err) {
		ifr.ifr_flags |= IFF_UP;
		err = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	err = err ? -errno : 0;
	close(s);
	return err;
}

int demo_register_netfilter(void)
{
	LIBBPF_OPTS(libbpf_prog_handler_opts, opts);
	static bool registered;
	int id;

	if (registered)
		return 0;
	id = libbpf_register_prog_handler("netfilter", DEMO_PROG_TYPE_NETFILTER,
					  DEMO_ATTACH_NETFILTER, &opts);
	if (id < 0)
		return id;
	registered = true;
	return 0;
}

int demo_nf_link_create(int prog_fd, __u32 pf, __u32 hooknum, __s32 priority)
{
	struct kbpf_link_create_netfilter nf = { pf, hooknum, priority, 0 };
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.attach_type = DEMO_ATTACH_NETFILTER;
	memcpy(&attr.link_create.kprobe_multi, &nf, sizeof(nf));
	return syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
}

/* A UDP socket bound to addr:port (port 0: any). */
int demo_udp_socket(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return -1;
	inet_pton(AF_INET, addr, &sin.sin_addr);
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin))) {
		close(s);
		return -1;
	}
	return s;
}

/* Send n datagrams from tx to 127.0.0.1:port; the number sent. */
unsigned int demo_udp_send(int tx, int port, unsigned int n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	unsigned int i, sent = 0;

	for (i = 0; i < n; i++)
		if (sendto(tx, "kbpf", 4, 0, (struct sockaddr *)&to, sizeof(to)) == 4)
			sent++;
	return sent;
}
