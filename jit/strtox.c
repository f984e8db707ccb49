// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_strtol / bpf_strtoul's parsing, portable so that the module's
 * helpers and the native tests share it. The rules are 6.1's
 * (__bpf_strtoull() in kernel/bpf/helpers.c, over lib/kstrtox.c): leading
 * white space, an optional '-', at most 63 more bytes, base 0 (from the
 * prefix: 0x hex, 0 octal, else decimal), 8, 10 or 16.
 */
#include "kbpf_core.h"

#define KBPF_STRTOX_BASE_MASK	0x1f	/* as 6.1: the low bits of flags */
#define KBPF_STRTOX_MAX		63	/* bytes parsed after the sign */

/* The kernel's isspace(): its ctype is Latin-1, so 0xa0 (no-break space) too. */
static bool kbpf_isspace(u8 c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

static int kbpf_digit(u8 c)
{
	u8 lc = c | 0x20;

	if (c >= '0' && c <= '9')
		return c - '0';
	if (lc >= 'a' && lc <= 'f')
		return lc - 'a' + 10;
	return 99;	/* no digit in any base */
}

/* Digits of s (NUL-terminated) in base; *overflow if the value passes 2^64 - 1. */
static u32 kbpf_parse_digits(const char *s, u32 base, u64 *res, bool *overflow)
{
	u64 v = 0;
	u32 n = 0;
	int d;

	*overflow = false;
	while ((d = kbpf_digit((u8)s[n])) < (int)base) {
		if (v > (~0ull - (u64)d) / base)
			*overflow = true;
		v = v * base + (u64)d;
		n++;
	}
	*res = v;
	return n;
}

/* Bytes consumed, or -EINVAL / -ERANGE; the magnitude and its sign. */
static int kbpf_strtoull(const char *buf, u32 len, u64 flags, u64 *res, bool *neg)
{
	u32 base = flags & KBPF_STRTOX_BASE_MASK, i = 0, n, digits;
	char str[KBPF_STRTOX_MAX + 1];
	const char *s = str;
	bool overflow;

	if (!len)
		return -EINVAL;
	if ((base != 0 && base != 8 && base != 10 && base != 16) ||
	    (flags & ~(u64)KBPF_STRTOX_BASE_MASK))
		return -EINVAL;
	while (i < len && kbpf_isspace((u8)buf[i]))
		i++;
	*neg = i < len && buf[i] == '-';
	if (*neg)
		i++;
	if (i == len)
		return -EINVAL;
	n = min(len - i, (u32)KBPF_STRTOX_MAX);
	memcpy(str, buf + i, n);
	str[n] = '\0';
	if (!base) {
		if (s[0] == '0')
			base = ((s[1] | 0x20) == 'x' && kbpf_digit((u8)s[2]) < 16) ? 16 : 8;
		else
			base = 10;
	}
	if (base == 16 && s[0] == '0' && (s[1] | 0x20) == 'x')
		s += 2;
	digits = kbpf_parse_digits(s, base, res, &overflow);
	if (overflow)
		return -ERANGE;
	if (!digits)
		return -EINVAL;
	return (int)(i + (u32)(s - str) + digits);
}

s64 kbpf_strtoul(const void *buf, u32 len, u64 flags, u64 *res)
{
	bool neg;
	u64 v;
	int n;

	*res = 0;
	n = kbpf_strtoull(buf, len, flags, &v, &neg);
	if (n < 0)
		return n;
	if (neg)
		return -EINVAL;
	*res = v;
	return n;
}

s64 kbpf_strtol(const void *buf, u32 len, u64 flags, s64 *res)
{
	bool neg;
	u64 v;
	int n;

	*res = 0;
	n = kbpf_strtoull(buf, len, flags, &v, &neg);
	if (n < 0)
		return n;
	/* as 6.1: -v must stay negative, v must stay positive */
	if (neg ? (v > (1ull << 63)) : (v >> 63))
		return -ERANGE;
	*res = neg ? (s64)(0 - v) : (s64)v;
	return n;
}
