/* SPDX-License-Identifier: GPL-2.0 */
/* Demo 4, netfilter UDP firewall: constants shared by BPF and loader. */
#ifndef KBPF_DEMO_NF_FIREWALL_H
#define KBPF_DEMO_NF_FIREWALL_H

#define NF_FIREWALL_MAX_SOURCES	1024
#define NF_FIREWALL_DEFAULT_PORT	9999

/* Upstream's numbers (the design notes); 6.1's <linux/bpf.h> has neither. */
#define NF_FIREWALL_PROG_TYPE	32	/* BPF_PROG_TYPE_NETFILTER */
#define NF_FIREWALL_ATTACH_TYPE	45	/* BPF_NETFILTER */

#endif /* KBPF_DEMO_NF_FIREWALL_H */
