// SPDX-License-Identifier: GPL-2.0
/*
 * Demo 4 loader: a netfilter UDP firewall (kbpf only: Linux 6.1 has no
 * netfilter program type, so the packets themselves are the oracle).
 *
 *	nf_firewall [-l label] [-p port] [-v]
 *
 * In a new network namespace with lo up: loads nf_firewall.bpf.c (section
 * "netfilter", registered with libbpf_register_prog_handler), attaches it at
 * IPv4 LOCAL_IN with a raw BPF_LINK_CREATE (libbpf 1.1 cannot), and sends
 * UDP over loopback from two source addresses to the blocked port and to an
 * open one. Assertions: the blocked port's receiver gets nothing, the open
 * port's receiver gets every packet, the per-source drop counts are exactly
 * what was sent to the blocked port from each source, and after the link is
 * closed the blocked port receives again.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/netfilter.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "demo.h"
#include "nf_firewall.h"

DEMO_EMBED_OBJ(nf_firewall_obj, DEMO_OBJ_PATH);

#define NF_FIREWALL_PRIORITY	0
#define NF_FIREWALL_DRAIN_MS	300	/* quiet time that ends a receive loop */
#define NF_FIREWALL_NSRC	2

/* What each source sends: to the blocked port and to the open one. */
static const struct {
	const char *addr;
	unsigned int to_blocked, to_open;
} sources[NF_FIREWALL_NSRC] = {
	{ "127.0.0.1", 20, 15 },
	{ "127.0.0.2", 7, 5 },
};

/* Receive until NF_FIREWALL_DRAIN_MS pass without a datagram; the count. */
static unsigned int udp_drain(int rx)
{
	struct pollfd pfd = { .fd = rx, .events = POLLIN };
	unsigned int n = 0;
	char buf[64];

	while (poll(&pfd, 1, NF_FIREWALL_DRAIN_MS) == 1)
		if (recv(rx, buf, sizeof(buf), 0) == 4)
			n++;
	return n;
}

static void print_drops(int fd)
{
	__u32 key, next, *prev = NULL;
	char addr[INET_ADDRSTRLEN];
	__u64 count;

	printf("%-16s %8s\n", "SOURCE", "DROPPED");
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (!bpf_map_lookup_elem(fd, &next, &count))
			printf("%-16s %8llu\n", inet_ntop(AF_INET, &next, addr, sizeof(addr)),
			       (unsigned long long)count);
		key = next;
		prev = &key;
	}
}

/* Number of keys in the map. */
static unsigned int map_entries(int fd)
{
	__u32 key, next, *prev = NULL;
	unsigned int n = 0;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		n++;
		key = next;
		prev = &key;
	}
	return n;
}

int main(int argc, char **argv)
{
	int port = NF_FIREWALL_DEFAULT_PORT, open_port, link_fd = -1, i, err;
	int rx_blocked = -1, rx_open = -1, tx[NF_FIREWALL_NSRC] = { -1, -1 };
	unsigned int sent_open = 0, got_blocked, got_open;
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	struct bpf_map *dropped, *rodata;
	__u16 port_cfg;
	struct demo d;
	__u64 count;
	__u32 key;

	demo_init(&d, "demo_nf_firewall", argc, argv);
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-p") && i + 1 < argc)
			port = atoi(argv[++i]);
	open_port = port - 1;
	port_cfg = port;

	err = demo_netns_lo_up();
	demo_check(&d, !err, "netns", "new netns with lo up: %s", strerror(-err));
	rx_blocked = demo_udp_socket("127.0.0.1", port);
	rx_open = demo_udp_socket("127.0.0.1", open_port);
	for (i = 0; i < NF_FIREWALL_NSRC; i++)
		tx[i] = demo_udp_socket(sources[i].addr, 0);
	if (err || rx_blocked < 0 || rx_open < 0 || tx[0] < 0 || tx[1] < 0) {
		demo_check(&d, false, "sockets", "%s", strerror(errno));
		goto out;
	}
	/* Without the firewall, the blocked port receives. */
	demo_udp_send(tx[0], port, 1);
	got_blocked = udp_drain(rx_blocked);
	demo_check(&d, got_blocked == 1, "before_attach", "%u of 1 datagram arrived", got_blocked);

	if (demo_register_netfilter()) {
		demo_check(&d, false, "open", "libbpf_register_prog_handler failed");
		goto out;
	}
	obj = demo_open(&d, nf_firewall_obj, nf_firewall_obj_end - nf_firewall_obj);
	if (!obj)
		goto out;
	/* blocked_port is the only .rodata variable. */
	rodata = bpf_object__find_map_by_name(obj, ".rodata");
	if (!rodata || bpf_map__value_size(rodata) != sizeof(port_cfg) ||
	    bpf_map__set_initial_value(rodata, &port_cfg, sizeof(port_cfg))) {
		demo_check(&d, false, "open", "no 2-byte .rodata (blocked_port) in the object");
		goto out;
	}
	if (demo_load(&d, obj))
		goto out;
	dropped = demo_map(&d, obj, "dropped");
	prog = bpf_object__find_program_by_name(obj, "udp_firewall");
	if (!dropped || !prog)
		goto out;
	link_fd = demo_nf_link_create(bpf_program__fd(prog), NFPROTO_IPV4, NF_INET_LOCAL_IN,
				      NF_FIREWALL_PRIORITY);
	demo_check(&d, link_fd >= 0, "attach", "BPF_LINK_CREATE netfilter: %s", strerror(errno));
	if (link_fd < 0)
		goto out;

	printf("firewall: dropping UDP to port %d at IPv4 LOCAL_IN\n", port);
	for (i = 0; i < NF_FIREWALL_NSRC; i++) {
		unsigned int a = demo_udp_send(tx[i], port, sources[i].to_blocked);
		unsigned int b = demo_udp_send(tx[i], open_port, sources[i].to_open);

		printf("  from %-10s: %u to port %d, %u to port %d\n", sources[i].addr,
		       a, port, b, open_port);
		sent_open += b;
	}
	got_blocked = udp_drain(rx_blocked);
	got_open = udp_drain(rx_open);
	printf("received: %u on port %d, %u on port %d\n", got_blocked, port, got_open, open_port);
	print_drops(bpf_map__fd(dropped));

	demo_check(&d, got_blocked == 0, "blocked_port", "%u datagrams got through", got_blocked);
	demo_check(&d, got_open == sent_open, "open_port", "%u of %u datagrams arrived",
		   got_open, sent_open);
	for (i = 0; i < NF_FIREWALL_NSRC; i++) {
		char what[32];

		inet_pton(AF_INET, sources[i].addr, &key);
		if (bpf_map_lookup_elem(bpf_map__fd(dropped), &key, &count))
			count = 0;
		snprintf(what, sizeof(what), "count_src%d", i + 1);
		demo_check(&d, count == sources[i].to_blocked, what, "dropped[%s] = %llu, expected %u",
			   sources[i].addr, (unsigned long long)count, sources[i].to_blocked);
	}
	demo_check(&d, map_entries(bpf_map__fd(dropped)) == NF_FIREWALL_NSRC, "count_sources",
		   "%u sources in the map, expected %d", map_entries(bpf_map__fd(dropped)),
		   NF_FIREWALL_NSRC);

	/* Closing the link's last fd detaches: the port receives again. */
	close(link_fd);
	link_fd = -1;
	demo_udp_send(tx[1], port, 1);
	got_blocked = udp_drain(rx_blocked);
	demo_check(&d, got_blocked == 1, "after_close", "%u of 1 datagram arrived", got_blocked);
out:
	if (link_fd >= 0)
		close(link_fd);
	bpf_object__close(obj);
	for (i = 0; i < NF_FIREWALL_NSRC; i++)
		if (tx[i] >= 0)
			close(tx[i]);
	if (rx_open >= 0)
		close(rx_open);
	if (rx_blocked >= 0)
		close(rx_blocked);
	return demo_exit(&d);
}
