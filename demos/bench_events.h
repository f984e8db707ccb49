/* SPDX-License-Identifier: GPL-2.0 */
/* Per-event overhead benchmark: constants shared by BPF and loader. */
#ifndef KBPF_DEMO_BENCH_EVENTS_H
#define KBPF_DEMO_BENCH_EVENTS_H

/* The probed function and tracepoint: getppid(2) is the workload. */
#define BENCH_KPROBE_FUNC	"__x64_sys_getppid"
#define BENCH_TRACEPOINT	"syscalls:sys_enter_getppid"

#endif /* KBPF_DEMO_BENCH_EVENTS_H */
