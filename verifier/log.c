// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier log, written into a caller-provided buffer. When the buffer
 * fills, the rest is dropped, the text stays NUL-terminated and the result
 * is marked truncated (bpf(2) then reports -ENOSPC).
 */
#include "verifier.h"

void kbpf_vlog(struct kbpf_venv *env, const char *fmt, ...)
{
	u32 room;
	va_list ap;
	int n;

	if (!env->log_buf || !env->log_size)
		return;
	if (env->log_len + 1 >= env->log_size) {
		env->log_truncated = true;
		return;
	}
	room = env->log_size - env->log_len;
	va_start(ap, fmt);
	n = vsnprintf(env->log_buf + env->log_len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((u32)n >= room) {
		env->log_len = env->log_size - 1;
		env->log_truncated = true;
	} else {
		env->log_len += n;
	}
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
	};

	return type < ARRAY_SIZE(names) ? names[type] : "invalid";
}
