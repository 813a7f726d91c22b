/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the user-space test and benchmark programs. */
#ifndef LLFREE_TOOL_UTIL_H
#define LLFREE_TOOL_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llfree/llfree.h>

/* xorshift64: fast, seedable, good enough to pick orders and victims. */
static inline u64 next_rand(u64 *state)
{
	u64 x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* Zeroed metadata buffer with the alignment llfree_init() requires. */
static inline void *xalloc(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, LLFREE_META_ALIGN, size ? size : 1)) {
		fprintf(stderr, "out of memory (%zu bytes)\n", size);
		exit(2);
	}
	memset(p, 0, size);
	return p;
}

#endif /* LLFREE_TOOL_UTIL_H */
