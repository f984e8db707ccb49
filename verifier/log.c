// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier log, written into a caller-provided buffer, with Linux 6.1's
 * rules: text past the end is dropped, the buffer stays NUL-terminated, and
 * a log that reaches log_size - 1 bytes is "full", which bpf(2) reports as
 * -ENOSPC whatever the verdict. Level 1 keeps only the path to an error:
 * each instruction's lines are rewound once it verifies.
 */
#include "verifier.h"

void kbpf_vlog(struct kbpf_venv *env, const char *fmt, ...)
{
	u32 room;
	va_list ap;
	int n;

	if (!env->log_buf || !env->log_size || env->log_len + 1 >= env->log_size)
		return;
	room = env->log_size - env->log_len;
	va_start(ap, fmt);
	n = vsnprintf(env->log_buf + env->log_len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	env->log_len = (u32)n >= room ? env->log_size - 1 : env->log_len + n;
}

bool kbpf_vlog_full(const struct kbpf_venv *env)
{
	return env->log_buf && env->log_size && env->log_len + 1 >= env->log_size;
}

void kbpf_vlog_rewind(struct kbpf_venv *env, u32 pos)
{
	if (!env->log_buf || pos >= env->log_len)
		return;
	env->log_len = pos;
	env->log_buf[pos] = '\0';
}

/* The bounds that say something, as Linux prints them. */
static void kbpf_print_bounds(struct kbpf_venv *env, const struct kbpf_reg *r)
{
	const char *sep = "";

	if (r->smin != (s64)(1ull << 63)) {
		kbpf_vlog(env, "smin=%lld", (long long)r->smin);
		sep = ",";
	}
	if (r->smax != (s64)~(1ull << 63)) {
		kbpf_vlog(env, "%ssmax=%lld", sep, (long long)r->smax);
		sep = ",";
	}
	if (r->umin) {
		kbpf_vlog(env, "%sumin=%llu", sep, (unsigned long long)r->umin);
		sep = ",";
	}
	if (r->umax != ~0ull) {
		kbpf_vlog(env, "%sumax=%llu", sep, (unsigned long long)r->umax);
		sep = ",";
	}
	if (!kbpf_tnum_is_unknown(r->var_off))
		kbpf_vlog(env, "%svar_off=(%#llx; %#llx)", sep,
			  (unsigned long long)r->var_off.value, (unsigned long long)r->var_off.mask);
}

static void kbpf_print_reg(struct kbpf_venv *env, const struct kbpf_reg *r)
{
	const struct kbpf_map_desc *m = r->map;

	switch (r->type) {
	case KBPF_SCALAR:
		if (kbpf_tnum_is_const(r->var_off)) {
			kbpf_vlog(env, "%lld", (long long)r->var_off.value);
			return;
		}
		kbpf_vlog(env, "scalar(");
		kbpf_print_bounds(env, r);
		kbpf_vlog(env, ")");
		return;
	case KBPF_PTR_TO_CTX:
		kbpf_vlog(env, "ctx(off=%d,imm=0)", r->off);
		return;
	case KBPF_PTR_TO_STACK:
		if (kbpf_tnum_is_const(r->var_off)) {
			kbpf_vlog(env, "fp%d", r->off);
			return;
		}
		kbpf_vlog(env, "fp(off=%d,smin=%lld,smax=%lld,var_off=(%#llx; %#llx))", r->off,
			  (long long)r->smin, (long long)r->smax,
			  (unsigned long long)r->var_off.value, (unsigned long long)r->var_off.mask);
		return;
	case KBPF_CONST_PTR_TO_MAP:
		kbpf_vlog(env, "map_ptr(off=%d,ks=%u,vs=%u,imm=0)", r->off, m->key_size,
			  m->value_size);
		return;
	case KBPF_PTR_TO_MAP_VALUE:
		kbpf_vlog(env, "map_value(off=%d,ks=%u,vs=%u", r->off, m->key_size, m->value_size);
		if (kbpf_tnum_is_const(r->var_off)) {
			kbpf_vlog(env, ",imm=%llu)", (unsigned long long)r->var_off.value);
			return;
		}
		kbpf_vlog(env, ",");
		kbpf_print_bounds(env, r);
		kbpf_vlog(env, ")");
		return;
	case KBPF_PTR_TO_MAP_VALUE_OR_NULL:
		kbpf_vlog(env, "map_value_or_null(id=%u,off=%d,ks=%u,vs=%u,imm=0)", r->id, r->off,
			  m->key_size, m->value_size);
		return;
	case KBPF_PTR_TO_PACKET:
	case KBPF_PTR_TO_PACKET_META:
		kbpf_vlog(env, "%s(id=%u,off=%d,r=%u", r->type == KBPF_PTR_TO_PACKET ? "pkt" : "pkt_meta",
			  r->id, r->off, r->range);
		if (!kbpf_tnum_is_const(r->var_off)) {
			kbpf_vlog(env, ",");
			kbpf_print_bounds(env, r);
		}
		kbpf_vlog(env, ")");
		return;
	case KBPF_PTR_TO_PACKET_END:
		kbpf_vlog(env, "pkt_end()");
		return;
	case KBPF_PTR_TO_SOCKET:
	case KBPF_PTR_TO_SOCKET_OR_NULL:
	case KBPF_PTR_TO_SOCK_COMMON:
	case KBPF_PTR_TO_SOCK_COMMON_OR_NULL:
		kbpf_vlog(env, "%s(id=%u,ref_obj_id=%u,off=%d,imm=0)", kbpf_reg_type_name(r->type),
			  r->id, r->ref_obj_id, r->off);
		return;
	case KBPF_PTR_TO_ALLOC_MEM:
	case KBPF_PTR_TO_ALLOC_MEM_OR_NULL:
		kbpf_vlog(env, "%s(id=%u,ref_obj_id=%u,off=%d", kbpf_reg_type_name(r->type), r->id,
			  r->ref_obj_id, r->off);
		if (!kbpf_tnum_is_const(r->var_off)) {
			kbpf_vlog(env, ",");
			kbpf_print_bounds(env, r);
		}
		kbpf_vlog(env, ",imm=0)");
		return;
	}
}

/* The current frame as Linux prints it: "R1=ctx(off=0,imm=0) R10=fp0 fp-8=mmmmmmmm". */
void kbpf_print_state(struct kbpf_venv *env)
{
	const struct kbpf_frame *f = env->cur->frame[env->cur->curframe];
	const char *sep = "";
	u32 i, slot;

	if (env->cur->curframe)
		kbpf_vlog(env, "frame%u: ", env->cur->curframe);
	for (i = 0; i < MAX_BPF_REG; i++) {
		if (f->regs[i].type == KBPF_NOT_INIT)
			continue;
		kbpf_vlog(env, "%sR%u=", sep, i);
		kbpf_print_reg(env, &f->regs[i]);
		sep = " ";
	}
	for (slot = KBPF_STACK_SLOTS; slot-- > 0;) {
		const u8 *t = &f->stack_type[slot * 8];
		s32 off = (s32)(slot * 8) - KBPF_STACK_SIZE;

		if (t[0] == KBPF_STACK_SPILL) {
			kbpf_vlog(env, "%sfp%d=", sep, off);
			kbpf_print_reg(env, &f->spill[slot]);
			sep = " ";
			continue;
		}
		for (i = 0; i < 8 && t[i] == KBPF_STACK_INVALID; i++)
			;
		if (i == 8)
			continue;
		kbpf_vlog(env, "%sfp%d=", sep, off);
		for (i = 0; i < 8; i++)
			kbpf_vlog(env, "%c", t[7 - i] == KBPF_STACK_INVALID ? '?' : 'm');
		sep = " ";
	}
	kbpf_vlog(env, "\n");
}

const char *kbpf_reg_type_name(u8 type)
{
	static const char * const names[] = {
		[KBPF_NOT_INIT] = "?",
		[KBPF_SCALAR] = "scalar",
		[KBPF_PTR_TO_CTX] = "ctx",
		[KBPF_PTR_TO_STACK] = "fp",
		[KBPF_CONST_PTR_TO_MAP] = "map_ptr",
		[KBPF_PTR_TO_MAP_VALUE] = "map_value",
		[KBPF_PTR_TO_MAP_VALUE_OR_NULL] = "map_value_or_null",
		[KBPF_PTR_TO_PACKET] = "pkt",
		[KBPF_PTR_TO_PACKET_END] = "pkt_end",
		[KBPF_PTR_TO_PACKET_META] = "pkt_meta",
		[KBPF_PTR_TO_ALLOC_MEM] = "alloc_mem",
		[KBPF_PTR_TO_ALLOC_MEM_OR_NULL] = "alloc_mem_or_null",
		[KBPF_PTR_TO_SOCKET] = "sock",
		[KBPF_PTR_TO_SOCKET_OR_NULL] = "sock_or_null",
		[KBPF_PTR_TO_SOCK_COMMON] = "sock_common",
		[KBPF_PTR_TO_SOCK_COMMON_OR_NULL] = "sock_common_or_null",
	};

	return type < ARRAY_SIZE(names) ? names[type] : "invalid";
}
