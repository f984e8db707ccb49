// SPDX-License-Identifier: GPL-2.0
/*
 * Helper arguments: memory + size pairs, per-type and per-capability
 * availability, and which maps each helper takes.
 */
#include "harness.h"
#include "kbpf_insn.h"

#define R0 BPF_REG_0
#define R1 BPF_REG_1
#define R2 BPF_REG_2
#define R3 BPF_REG_3
#define R4 BPF_REG_4
#define R5 BPF_REG_5
#define R6 BPF_REG_6
#define R10 BPF_REG_10
#define MAXI 48
#define Q_FD 9		/* fake QUEUE, value 8 */
#define H_FD 10		/* fake HASH */
#define KP BPF_PROG_TYPE_KPROBE
#define SF BPF_PROG_TYPE_SOCKET_FILTER
#define TC BPF_PROG_TYPE_SCHED_CLS

struct hcase {
	const char *name;
	u32 type;
	bool perfmon;
	struct bpf_insn insns[MAXI];
	int err;
	const char *log;
};

#define H(n, t, pm, e, l, ...) { .name = n, .type = t, .perfmon = pm, .err = (e), .log = (l), \
	.insns = { __VA_ARGS__ } }
/* r0 = bpf_<fn>(ctx, fp - 48: a zeroed bpf_sock_tuple, its size, 0, 0) */
#define SK_LOOKUP(fn) \
	KI_MOV64_IMM(R2, 0), KI_STX_MEM(BPF_DW, R10, R2, -8), KI_STX_MEM(BPF_DW, R10, R2, -16), \
	KI_STX_MEM(BPF_DW, R10, R2, -24), KI_STX_MEM(BPF_DW, R10, R2, -32), \
	KI_STX_MEM(BPF_DW, R10, R2, -40), KI_STX_MEM(BPF_DW, R10, R2, -48), \
	KI_MOV64_REG(R2, R10), KI_ALU64_IMM(BPF_ADD, R2, -48), \
	KI_MOV64_IMM(R3, sizeof(struct bpf_sock_tuple)), KI_MOV64_IMM(R4, 0), \
	KI_MOV64_IMM(R5, 0), KI_CALL(BPF_FUNC_ ## fn)
/* SK_LOOKUP, then return 0 if nothing was found; the socket in R0 and R6 */
#define SK_FOUND(fn) \
	SK_LOOKUP(fn), KI_MOV64_REG(R6, R0), KI_JMP_IMM(BPF_JNE, R0, 0, 2), \
	KI_MOV64_IMM(R0, 0), KI_EXIT()
#define SK_RELEASE_R6 KI_MOV64_REG(R1, R6), KI_CALL(BPF_FUNC_sk_release)
#define SKF(f) offsetof(struct bpf_sock, f)
/* r1 = fp - 16 */
#define BUF16 KI_MOV64_REG(R1, R10), KI_ALU64_IMM(BPF_ADD, R1, -16)

static const struct hcase cases[] = {
	H("comm_fills_stack", KP, false, 0, NULL, BUF16, KI_MOV64_IMM(R2, 16),
	  KI_CALL(BPF_FUNC_get_current_comm), KI_LDX_MEM(BPF_DW, R0, R10, -16),
	  KI_LDX_MEM(BPF_DW, R0, R10, -8), KI_EXIT()),
	H("comm_past_fp", KP, false, -EACCES, "invalid indirect access", BUF16,
	  KI_MOV64_IMM(R2, 17), KI_CALL(BPF_FUNC_get_current_comm), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("comm_zero_size", KP, false, -EACCES, "invalid zero-sized read", BUF16,
	  KI_MOV64_IMM(R2, 0), KI_CALL(BPF_FUNC_get_current_comm), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("comm_not_in_socket_filter", SF, false, -EINVAL, "invalid func", BUF16,
	  KI_MOV64_IMM(R2, 16), KI_CALL(BPF_FUNC_get_current_comm), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("uninit_read_without_helper", KP, false, -EACCES, "invalid read from stack",
	  KI_LDX_MEM(BPF_DW, R0, R10, -16), KI_EXIT()),
	H("probe_read_bounded_size", SF, true, 0, NULL,
	  KI_LDX_MEM(BPF_W, R2, R1, 0), KI_ALU64_IMM(BPF_AND, R2, 15), BUF16,
	  KI_MOV64_IMM(R3, 0), KI_CALL(BPF_FUNC_probe_read_kernel), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("probe_read_size_too_big", SF, true, -EACCES, "invalid indirect access",
	  KI_LDX_MEM(BPF_W, R2, R1, 0), KI_ALU64_IMM(BPF_AND, R2, 31), BUF16,
	  KI_MOV64_IMM(R3, 0), KI_CALL(BPF_FUNC_probe_read_kernel), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("probe_read_unbounded_size", SF, true, -EACCES, "unbounded memory access",
	  KI_LDX_MEM(BPF_W, R2, R1, 0), BUF16, KI_MOV64_IMM(R3, 0),
	  KI_CALL(BPF_FUNC_probe_read_kernel), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("probe_read_needs_perfmon", SF, false, -EINVAL, "invalid func", BUF16,
	  KI_MOV64_IMM(R2, 8), KI_MOV64_IMM(R3, 0), KI_CALL(BPF_FUNC_probe_read_kernel),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("printk_fmt_initialised", SF, true, 0, NULL, KI_ST_MEM(BPF_DW, R10, -8, 0x0a6968),
	  KI_MOV64_REG(R1, R10), KI_ALU64_IMM(BPF_ADD, R1, -8), KI_MOV64_IMM(R2, 8),
	  KI_CALL(BPF_FUNC_trace_printk), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("printk_needs_perfmon", SF, false, -EINVAL, "invalid func", KI_MOV64_REG(R1, R10),
	  KI_ALU64_IMM(BPF_ADD, R1, -8), KI_MOV64_IMM(R2, 8), KI_CALL(BPF_FUNC_trace_printk),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("push_to_queue", SF, false, 0, NULL, KI_ST_MEM(BPF_DW, R10, -8, 7), KI_LD_MAP_FD(R1, Q_FD),
	  KI_MOV64_REG(R2, R10), KI_ALU64_IMM(BPF_ADD, R2, -8), KI_MOV64_IMM(R3, 0),
	  KI_CALL(BPF_FUNC_map_push_elem), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("pop_fills_stack", SF, false, 0, NULL, KI_LD_MAP_FD(R1, Q_FD), KI_MOV64_REG(R2, R10),
	  KI_ALU64_IMM(BPF_ADD, R2, -8), KI_CALL(BPF_FUNC_map_pop_elem),
	  KI_LDX_MEM(BPF_DW, R0, R10, -8), KI_EXIT()),
	H("lookup_on_queue", SF, false, -EACCES, "size=0",
	  KI_ST_MEM(BPF_W, R10, -4, 0), KI_LD_MAP_FD(R1, Q_FD), KI_MOV64_REG(R2, R10),
	  KI_ALU64_IMM(BPF_ADD, R2, -4), KI_CALL(BPF_FUNC_map_lookup_elem), KI_MOV64_IMM(R0, 0),
	  KI_EXIT()),
	H("push_to_hash", SF, false, -EINVAL, "cannot pass map_type 1",
	  KI_ST_MEM(BPF_DW, R10, -8, 7), KI_LD_MAP_FD(R1, H_FD), KI_MOV64_REG(R2, R10),
	  KI_ALU64_IMM(BPF_ADD, R2, -8), KI_MOV64_IMM(R3, 0), KI_CALL(BPF_FUNC_map_push_elem),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("peek_on_hash", SF, false, -EINVAL, "cannot pass map_type 1", KI_LD_MAP_FD(R1, H_FD),
	  KI_MOV64_REG(R2, R10), KI_ALU64_IMM(BPF_ADD, R2, -8), KI_CALL(BPF_FUNC_map_peek_elem),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("pid_tgid_in_kprobe", KP, false, 0, NULL, KI_CALL(BPF_FUNC_get_current_pid_tgid),
	  KI_EXIT()),
	H("pid_tgid_not_in_socket_filter", SF, false, -EINVAL, "invalid func",
	  KI_CALL(BPF_FUNC_get_current_pid_tgid), KI_EXIT()),
	/* csum_diff: memory or NULL, NULL only with size 0 (6.1's PTR_MAYBE_NULL) */
	H("csum_diff_null_size_zero", TC, false, 0, NULL, KI_MOV64_IMM(R1, 0), KI_MOV64_IMM(R2, 0),
	  KI_MOV64_IMM(R3, 0), KI_MOV64_IMM(R4, 0), KI_MOV64_IMM(R5, 0),
	  KI_CALL(BPF_FUNC_csum_diff), KI_EXIT()),
	H("csum_diff_null_size_four", TC, false, -EACCES, "R1 type=scalar", KI_MOV64_IMM(R1, 0),
	  KI_MOV64_IMM(R2, 4), KI_MOV64_IMM(R3, 0), KI_MOV64_IMM(R4, 0), KI_MOV64_IMM(R5, 0),
	  KI_CALL(BPF_FUNC_csum_diff), KI_EXIT()),
	H("csum_diff_null_size_maybe_four", TC, false, -EACCES, "R1 type=scalar",
	  KI_LDX_MEM(BPF_W, R2, R1, 0), KI_ALU64_IMM(BPF_AND, R2, 4), KI_MOV64_IMM(R1, 0),
	  KI_MOV64_IMM(R3, 0), KI_MOV64_IMM(R4, 0), KI_MOV64_IMM(R5, 0),
	  KI_CALL(BPF_FUNC_csum_diff), KI_EXIT()),
	H("csum_diff_nonzero_scalar", TC, false, -EACCES, "expected=fp, pkt, map_value, mem, NULL",
	  KI_MOV64_IMM(R1, 8), KI_MOV64_IMM(R2, 0), KI_MOV64_IMM(R3, 0), KI_MOV64_IMM(R4, 0),
	  KI_MOV64_IMM(R5, 0), KI_CALL(BPF_FUNC_csum_diff), KI_EXIT()),
	H("csum_diff_stack_then_null", TC, false, 0, NULL, KI_ST_MEM(BPF_DW, R10, -8, 1),
	  KI_MOV64_REG(R1, R10), KI_ALU64_IMM(BPF_ADD, R1, -8), KI_MOV64_IMM(R2, 8),
	  KI_MOV64_IMM(R3, 0), KI_MOV64_IMM(R4, 0), KI_MOV64_IMM(R5, 0),
	  KI_CALL(BPF_FUNC_csum_diff), KI_EXIT()),
	H("csum_diff_stack_past_fp", TC, false, -EACCES, "invalid indirect access",
	  KI_ST_MEM(BPF_DW, R10, -8, 1), KI_MOV64_REG(R1, R10), KI_ALU64_IMM(BPF_ADD, R1, -8),
	  KI_MOV64_IMM(R2, 12), KI_MOV64_IMM(R3, 0), KI_MOV64_IMM(R4, 0), KI_MOV64_IMM(R5, 0),
	  KI_CALL(BPF_FUNC_csum_diff), KI_EXIT()),
	H("csum_diff_uninit_stack", TC, false, -EACCES, "invalid read from stack",
	  KI_MOV64_IMM(R1, 0), KI_MOV64_IMM(R2, 0), KI_MOV64_REG(R3, R10),
	  KI_ALU64_IMM(BPF_ADD, R3, -8), KI_MOV64_IMM(R4, 8), KI_MOV64_IMM(R5, 0),
	  KI_CALL(BPF_FUNC_csum_diff), KI_EXIT()),
	H("csum_diff_not_in_socket_filter", SF, false, -EINVAL, "invalid func", KI_MOV64_IMM(R1, 0),
	  KI_MOV64_IMM(R2, 0), KI_MOV64_IMM(R3, 0), KI_MOV64_IMM(R4, 0), KI_MOV64_IMM(R5, 0),
	  KI_CALL(BPF_FUNC_csum_diff), KI_EXIT()),
	/* get_cgroup_classid(ctx): TC only, and the ctx itself */
	H("cgroup_classid_tc", TC, false, 0, NULL, KI_CALL(BPF_FUNC_get_cgroup_classid),
	  KI_EXIT()),
	H("cgroup_classid_not_ctx", TC, false, -EACCES, "expected=ctx", KI_MOV64_REG(R1, R10),
	  KI_CALL(BPF_FUNC_get_cgroup_classid), KI_EXIT()),
	H("cgroup_classid_not_in_socket_filter", SF, false, -EINVAL, "invalid func",
	  KI_CALL(BPF_FUNC_get_cgroup_classid), KI_EXIT()),
	/* get_hash_recalc(ctx): TC only, and the ctx itself (here: after a spill and fill) */
	H("hash_recalc_tc", TC, false, 0, NULL, KI_STX_MEM(BPF_DW, R10, R1, -8),
	  KI_LDX_MEM(BPF_DW, R1, R10, -8), KI_CALL(BPF_FUNC_get_hash_recalc), KI_EXIT()),
	H("hash_recalc_not_ctx", TC, false, -EACCES, "expected=ctx", KI_MOV64_REG(R1, R10),
	  KI_CALL(BPF_FUNC_get_hash_recalc), KI_EXIT()),
	H("hash_recalc_not_in_socket_filter", SF, false, -EINVAL, "invalid func",
	  KI_CALL(BPF_FUNC_get_hash_recalc), KI_EXIT()),
	/* csum_update(ctx, csum): TC */
	H("csum_update_tc", TC, false, 0, NULL, KI_MOV64_IMM(R2, 0), KI_CALL(BPF_FUNC_csum_update),
	  KI_EXIT()),
	H("csum_update_not_ctx", TC, false, -EACCES, "expected=ctx", KI_MOV64_IMM(R1, 0),
	  KI_MOV64_IMM(R2, 0), KI_CALL(BPF_FUNC_csum_update), KI_EXIT()),
	H("csum_update_not_in_xdp", BPF_PROG_TYPE_XDP, false, -EINVAL, "invalid func",
	  KI_MOV64_IMM(R2, 0), KI_CALL(BPF_FUNC_csum_update), KI_EXIT()),
	/* a 32-bit difference with a pointer: a number, for CAP_PERFMON only (6.1) */
	H("ptr_sub32_perfmon", SF, true, 0, NULL, KI_MOV64_REG(R2, R10), KI_MOV64_IMM(R3, 5),
	  KI_ALU32_REG(BPF_SUB, R2, R3), KI_MOV64_REG(R0, R2), KI_EXIT()),
	H("ptr_sub32_from_scalar_perfmon", SF, true, 0, NULL, KI_MOV64_IMM(R0, 5),
	  KI_ALU32_REG(BPF_SUB, R0, R10), KI_EXIT()),
	H("ptr_sub32_without_perfmon", SF, false, -EACCES, "32-bit pointer arithmetic prohibited",
	  KI_MOV64_REG(R2, R10), KI_MOV64_IMM(R3, 5), KI_ALU32_REG(BPF_SUB, R2, R3),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("ptr_add32_perfmon", SF, true, -EACCES, "32-bit pointer arithmetic prohibited",
	  KI_MOV64_REG(R2, R10), KI_MOV64_IMM(R3, 5), KI_ALU32_REG(BPF_ADD, R2, R3),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("ptr_sub32_is_no_pointer", SF, true, -EACCES, "invalid mem access 'scalar'",
	  KI_MOV64_REG(R2, R10), KI_MOV64_IMM(R3, 8), KI_ALU32_REG(BPF_SUB, R2, R3),
	  KI_LDX_MEM(BPF_DW, R0, R2, 0), KI_EXIT()),
	/* get_stack returns at most its size (6.1): usable as the next size */
	H("get_stack_ret_bounded", KP, true, 0, NULL, KI_MOV64_REG(R6, R1), BUF16,
	  KI_MOV64_REG(R2, R1), KI_MOV64_REG(R1, R6), KI_MOV64_IMM(R3, 16), KI_MOV64_IMM(R4, 0),
	  KI_CALL(BPF_FUNC_get_stack), KI_JMP_IMM(BPF_JSLT, R0, 1, 5), KI_MOV64_REG(R2, R0), BUF16,
	  KI_MOV64_IMM(R3, 0), KI_CALL(BPF_FUNC_probe_read_kernel), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("get_stack_ret_too_big_for_next", KP, true, -EACCES, "invalid indirect access",
	  KI_MOV64_REG(R6, R1), BUF16, KI_MOV64_REG(R2, R1), KI_MOV64_REG(R1, R6),
	  KI_MOV64_IMM(R3, 16), KI_MOV64_IMM(R4, 0), KI_CALL(BPF_FUNC_get_stack),
	  KI_JMP_IMM(BPF_JSLT, R0, 1, 5), KI_MOV64_REG(R2, R0), KI_MOV64_REG(R1, R10),
	  KI_ALU64_IMM(BPF_ADD, R1, -8), KI_MOV64_IMM(R3, 0), KI_CALL(BPF_FUNC_probe_read_kernel),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	/* sockets: a reference each, NULL-checked, read-only bpf_sock fields */
	H("sk_lookup_release", TC, false, 0, NULL, SK_FOUND(sk_lookup_tcp), SK_RELEASE_R6,
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("sk_lookup_udp_xdp", BPF_PROG_TYPE_XDP, false, 0, NULL, SK_FOUND(sk_lookup_udp),
	  SK_RELEASE_R6, KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("sk_lookup_leak", TC, false, -EINVAL, "Unreleased reference", SK_FOUND(sk_lookup_tcp),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("sk_release_unchecked", TC, false, -EACCES, "R1 type=sock_or_null expected=sock_common",
	  SK_LOOKUP(sk_lookup_tcp), KI_MOV64_REG(R1, R0), KI_CALL(BPF_FUNC_sk_release),
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	/* released copies: unreadable, or (CAP_PERFMON) numbers */
	H("sk_release_twice", TC, false, -EACCES, "R6 !read_ok",
	  SK_FOUND(sk_lookup_tcp), SK_RELEASE_R6, SK_RELEASE_R6, KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("sk_release_twice_perfmon", TC, true, -EACCES, "R1 type=scalar expected=sock_common",
	  SK_FOUND(sk_lookup_tcp), SK_RELEASE_R6, SK_RELEASE_R6, KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("sk_use_after_release", TC, true, -EACCES, "invalid mem access 'scalar'",
	  SK_FOUND(sk_lookup_tcp), SK_RELEASE_R6, KI_LDX_MEM(BPF_W, R0, R6, SKF(family)),
	  KI_EXIT()),
	H("sk_release_not_a_socket", TC, false, -EACCES, "R1 type=fp expected=sock_common",
	  KI_MOV64_REG(R1, R10), KI_CALL(BPF_FUNC_sk_release), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("sk_read_fields", TC, false, 0, NULL, SK_FOUND(sk_lookup_tcp),
	  KI_LDX_MEM(BPF_W, R1, R6, SKF(family)), KI_LDX_MEM(BPF_B, R1, R6, SKF(state)),
	  KI_LDX_MEM(BPF_H, R1, R6, SKF(dst_port)), KI_LDX_MEM(BPF_W, R1, R6, SKF(dst_port)),
	  KI_LDX_MEM(BPF_B, R1, R6, SKF(dst_ip6[1]) + 3), KI_LDX_MEM(BPF_W, R1, R6, SKF(mark)),
	  SK_RELEASE_R6, KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("sk_read_64bit", TC, false, -EACCES, "invalid sock access off=0 size=8",
	  SK_FOUND(sk_lookup_tcp), KI_LDX_MEM(BPF_DW, R1, R6, 0), SK_RELEASE_R6,
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("sk_read_port_padding", TC, false, -EACCES, "invalid sock access off=50 size=2",
	  SK_FOUND(sk_lookup_tcp), KI_LDX_MEM(BPF_H, R1, R6, SKF(dst_port) + 2), SK_RELEASE_R6,
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("sk_read_narrow_mark", TC, false, -EACCES, "invalid sock access off=16 size=2",
	  SK_FOUND(sk_lookup_tcp), KI_LDX_MEM(BPF_H, R1, R6, SKF(mark)), SK_RELEASE_R6,
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("sk_read_past_end", TC, false, -EACCES, "invalid sock access off=80 size=4",
	  SK_FOUND(sk_lookup_tcp), KI_LDX_MEM(BPF_W, R1, R6, sizeof(struct bpf_sock)),
	  SK_RELEASE_R6, KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("sk_write_field", TC, false, -EACCES, "R6 cannot write into sock",
	  SK_FOUND(sk_lookup_tcp), KI_ST_MEM(BPF_W, R6, SKF(mark), 1), SK_RELEASE_R6,
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("sk_pointer_arith", TC, false, -EACCES, "R6 pointer arithmetic on sock prohibited",
	  SK_FOUND(sk_lookup_tcp), KI_ALU64_IMM(BPF_ADD, R6, 4), SK_RELEASE_R6,
	  KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("skc_read_common_field", TC, false, 0, NULL, SK_FOUND(skc_lookup_tcp),
	  KI_LDX_MEM(BPF_W, R1, R6, SKF(src_port)), SK_RELEASE_R6, KI_MOV64_IMM(R0, 0),
	  KI_EXIT()),
	H("skc_read_full_socket_field", TC, false, -EACCES,
	  "invalid sock_common access off=16 size=4", SK_FOUND(skc_lookup_tcp),
	  KI_LDX_MEM(BPF_W, R1, R6, SKF(mark)), SK_RELEASE_R6, KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("sk_lookup_tuple_past_fp", TC, false, -EACCES, "invalid indirect access",
	  KI_MOV64_REG(R2, R10), KI_ALU64_IMM(BPF_ADD, R2, -8),
	  KI_MOV64_IMM(R3, sizeof(struct bpf_sock_tuple)), KI_MOV64_IMM(R4, 0),
	  KI_MOV64_IMM(R5, 0), KI_CALL(BPF_FUNC_sk_lookup_tcp), KI_MOV64_IMM(R0, 0), KI_EXIT()),
	H("sk_lookup_not_in_socket_filter", SF, false, -EINVAL, "invalid func",
	  SK_LOOKUP(sk_lookup_tcp), KI_MOV64_IMM(R0, 0), KI_EXIT()),
};

/* RFC 1071, 16 bits at a time: an independent reference for csum_diff. */
static u16 kt_inet_csum(const u8 *p, u32 len)
{
	u32 sum = 0, i;

	for (i = 0; i < len; i += 2)
		sum += (u32)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

/* Fold a 32-bit ones' complement sum to 16 bits, in network order like the data. */
static u16 kt_fold(u32 csum)
{
	csum = (csum & 0xffff) + (csum >> 16);
	csum = (csum & 0xffff) + (csum >> 16);
	return (u16)csum;
}

/*
 * kbpf_csum_diff agrees with RFC 1071 on an IPv4 header, a word diffed
 * against itself cancels, and sizes 6.1 refuses are -EINVAL.
 */
static int test_csum_diff_values(void)
{
	u8 hdr[20] = { 0x45, 0, 0, 0x54, 0x12, 0x34, 0x40, 0, 64, 1, 0, 0,
		       10, 0, 0, 1, 192, 168, 7, 9 };
	u8 big[516] = { 0 };
	u16 want, got;
	s64 r;

	want = kt_inet_csum(hdr, sizeof(hdr));
	hdr[10] = want >> 8;
	hdr[11] = want & 0xff;
	KT_EXPECT(kt_inet_csum(hdr, sizeof(hdr)) == 0, "reference checksum does not verify");
	r = kbpf_csum_diff(NULL, 0, hdr, sizeof(hdr), 0);
	KT_EXPECT(r >= 0 && r <= 0xffffffffll, "csum_diff = %lld", (long long)r);
	got = kt_fold((u32)r);
	KT_EXPECT(got == 0xffff, "header with its checksum sums to %#x, want 0xffff", got);
	/*
	 * changing the TTL: the diff of the old and new word, seeded with the
	 * old sum, gives the new sum (all in memory order, as the helper
	 * loads words; so the checksum field is read and written that way)
	 */
	{
		u8 old[4], neu[4];
		u16 field;

		memcpy(old, hdr + 8, 4);
		hdr[8] = 63;
		memcpy(neu, hdr + 8, 4);
		memcpy(&field, hdr + 10, 2);
		r = kbpf_csum_diff(old, 4, neu, 4, (u16)~field);
		KT_EXPECT(r >= 0, "csum_diff = %lld", (long long)r);
		field = (u16)~kt_fold((u32)r);
		memcpy(hdr + 10, &field, 2);
		got = kt_inet_csum(hdr, sizeof(hdr));
		KT_EXPECT(got == 0, "updated header does not verify (%#x)", got);
	}
	r = kbpf_csum_diff(hdr, 4, hdr, 4, 0);
	KT_EXPECT(r >= 0 && kt_fold((u32)r) == 0xffff, "x - x = %#llx", (long long)r);
	KT_EXPECT(kbpf_csum_diff(NULL, 0, NULL, 0, 0) == 0, "empty sum not 0");
	KT_EXPECT(kbpf_csum_diff(hdr, 2, NULL, 0, 0) == -EINVAL, "size 2 accepted");
	KT_EXPECT(kbpf_csum_diff(NULL, 0, hdr, 6, 0) == -EINVAL, "size 6 accepted");
	KT_EXPECT(kbpf_csum_diff(big, 256, big, 260, 0) == -EINVAL, "516 bytes accepted");
	KT_EXPECT(kbpf_csum_diff(big, 256, big, 256, 0) >= 0, "512 bytes refused");
	return 0;
}

/* 6.1's strtol/strtoul rules (kernel/bpf/helpers.c, lib/kstrtox.c), case by case. */
static int test_strtox_values(void)
{
	static const struct {
		const char *s;
		u64 flags;
		bool is_signed;
		s64 ret;
		u64 res;
	} t[] = {
		{ " -12", 0, true, 4, (u64)-12 },
		{ "0x1f", 0, false, 4, 31 },
		{ "0x1f", 16, false, 4, 31 },
		{ "0x", 0, false, 1, 0 },		/* "0", then 'x' ends it */
		{ "017", 0, false, 3, 15 },
		{ "17z", 10, false, 2, 17 },
		{ "99", 8, false, -EINVAL, 0 },
		{ "abc", 16, false, 3, 0xabc },
		{ "12", 2, false, -EINVAL, 0 },		/* no such base */
		{ "12", 0x20, false, -EINVAL, 0 },	/* flags past the base */
		{ "  ", 0, false, -EINVAL, 0 },
		{ "-", 0, false, -EINVAL, 0 },
		{ "-1", 0, false, -EINVAL, 0 },		/* strtoul: no sign */
		{ "18446744073709551615", 0, false, 20, ~0ull },
		{ "18446744073709551616", 0, false, -ERANGE, 0 },
		{ "9223372036854775807", 0, true, 19, 0x7fffffffffffffffull },
		{ "9223372036854775808", 0, true, -ERANGE, 0 },
		{ "-9223372036854775808", 0, true, 20, 1ull << 63 },
		{ "-9223372036854775809", 0, true, -ERANGE, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		u64 res = 42;
		s64 ret;

		ret = t[i].is_signed ? kbpf_strtol(t[i].s, strlen(t[i].s), t[i].flags, (s64 *)&res) :
				       kbpf_strtoul(t[i].s, strlen(t[i].s), t[i].flags, &res);
		KT_EXPECT(ret == t[i].ret && res == t[i].res, "%s(\"%s\", %#llx) = %lld, res %#llx",
			  t[i].is_signed ? "strtol" : "strtoul", t[i].s,
			  (unsigned long long)t[i].flags, (long long)ret, (unsigned long long)res);
	}
	/* len bounds the string: no NUL needed, and nothing past it is read */
	{
		u64 res;

		KT_EXPECT(kbpf_strtoul("1234", 2, 0, &res) == 2 && res == 12, "len 2: %llu",
			  (unsigned long long)res);
		KT_EXPECT(kbpf_strtoul("1234", 0, 0, &res) == -EINVAL, "len 0 accepted");
	}
	return 0;
}

static int run_hcase(const void *arg)
{
	const struct hcase *c = arg;
	struct bpf_insn prog[MAXI];
	struct kbpf_verify_attr va = {
		.insns = prog, .prog_type = c->type, .bpf_capable = true,
		.perfmon_capable = c->perfmon, .gpl_compatible = true,
		.map_from_fd = kt_map_from_fd,
	};
	static char log[8192];
	u32 n = MAXI;
	int err;

	memcpy(prog, c->insns, sizeof(prog));
	while (n && !prog[n - 1].code && !(n >= 2 && prog[n - 2].code == (BPF_LD | BPF_DW | BPF_IMM)))
		n--;
	va.insn_cnt = n;
	va.log_level = 1;
	va.log_buf = log;
	va.log_size = sizeof(log);
	err = kbpf_verify(&va);
	KT_EXPECT(err == c->err, "verify %d, want %d: %s", err, c->err, log);
	KT_EXPECT(!c->log || strstr(log, c->log), "log lacks '%s': %s", c->log, log);
	return 0;
}

static void all(void)
{
	char name[96];
	size_t i;

	kt_fds[Q_FD] = kt_map_new(BPF_MAP_TYPE_ARRAY, 4, 8, 4);
	kt_fds[Q_FD]->desc.map_type = BPF_MAP_TYPE_QUEUE;
	kt_fds[Q_FD]->desc.key_size = 0;
	kt_fds[H_FD] = kt_map_new(BPF_MAP_TYPE_HASH, 4, 8, 4);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(name, sizeof(name), "helpers/%s", cases[i].name);
		kt_run_arg(name, run_hcase, &cases[i]);
	}
	kt_run("helpers/csum_diff_values", test_csum_diff_values);
	kt_run("helpers/strtox_values", test_strtox_values);
	kt_map_free(kt_fds[Q_FD]);
	kt_map_free(kt_fds[H_FD]);
}

int main(int argc, char **argv)
{
	return kt_main(argc, argv, all);
}
