/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the user-space test and benchmark programs. */
#ifndef LLFREE_TOOL_UTIL_H
#define LLFREE_TOOL_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llfree/llfree.h>

#include "../include/xorshift.h"

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
