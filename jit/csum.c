// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_csum_diff's arithmetic, portable so that the module's helper and the
 * native tests compute the same thing.
 */
#include "kbpf_core.h"

/* 6.1's scratch buffer: MAX_BPF_STACK bytes of 32-bit words. */
#define KBPF_CSUM_DIFF_MAX	512

/* The next 32-bit word of p, in memory order (packet data may be unaligned). */
static u32 kbpf_csum_word(const u8 *p)
{
	u32 w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/*
 * Linux builds ~from[] then to[] in a buffer and runs csum_partial() over
 * it with seed. A ones' complement sum is the same whatever the grouping:
 * adding every 32-bit word into 64 bits (at most 129 words, no overflow)
 * and folding the carries back in gives the value x86-64's csum_partial
 * returns, which is 0 only when every input is 0, just like this fold.
 */
s64 kbpf_csum_diff(const void *from, u32 from_size, const void *to, u32 to_size, u32 seed)
{
	u64 sum = seed;
	u32 i;

	if (((from_size | to_size) & 3) || (u64)from_size + to_size > KBPF_CSUM_DIFF_MAX)
		return -EINVAL;
	for (i = 0; i < from_size; i += 4)
		sum += (u32)~kbpf_csum_word((const u8 *)from + i);
	for (i = 0; i < to_size; i += 4)
		sum += kbpf_csum_word((const u8 *)to + i);
	while (sum >> 32)
		sum = (sum & 0xffffffffu) + (sum >> 32);
	return (s64)sum;
}
