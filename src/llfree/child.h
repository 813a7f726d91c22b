/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Child entries: one 16-bit word per 2 MiB child holding its free-frame
 * counter, whether it is allocated as one huge frame, and whether its
 * contents are known zero. Order 9 is one CAS here.
 */
#ifndef LLFREE_CHILD_H
#define LLFREE_CHILD_H

#include "platform.h"

#define LLF_CHILD_FREE_MASK 0x3ffu
#define LLF_CHILD_HUGE 0x400u
#define LLF_CHILD_ZEROED 0x800u

static inline u32 llf_child_free(u16 c)
{
	return c & LLF_CHILD_FREE_MASK;
}

static inline bool llf_child_is_huge(u16 c)
{
	return c & LLF_CHILD_HUGE;
}

static inline bool llf_child_is_zeroed(u16 c)
{
	return c & LLF_CHILD_ZEROED;
}

bool llf_child_take(u16 *child, u32 frames);
void llf_child_put(u16 *child, u32 frames);
bool llf_child_take_huge(u16 *child, bool *zeroed, bool persist);
int llf_child_put_huge(u16 *child, bool zeroed, bool persist);
bool llf_child_split(u16 *child, bool persist);

#endif /* LLFREE_CHILD_H */
