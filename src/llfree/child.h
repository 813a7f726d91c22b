/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Child entries: one 16-bit word per 2 MiB child holding its free-frame
 * counter, whether it is allocated as one huge frame, and whether its
 * contents are known zero. Order 9 is one CAS here, and only here: the bit
 * field of a huge child stays clear, so huge frames cost the same however
 * much memory is managed.
 */
#ifndef LLFREE_CHILD_H
#define LLFREE_CHILD_H

#include "platform.h"

#define LLF_CHILD_FREE_MASK 0x3ffu
#define LLF_CHILD_HUGE 0x400u
#define LLF_CHILD_ZEROED 0x800u
/*
 * Persistent mode only: which multi-part operation is in flight in this
 * child, so that recovery can make it whole. 1-4: the order-7 word group
 * 0-3, 5-6: the order-8 group 0-1, 7: an order-10 pair starting here.
 */
#define LLF_CHILD_INTENT_SHIFT 12
#define LLF_CHILD_INTENT (7u << LLF_CHILD_INTENT_SHIFT)
#define LLF_INTENT_PAIR 7u
/*
 * With LLF_CHILD_HUGE: a free of part of the huge frame is filling the bit
 * field (all allocated) before the child becomes 512 small frames.
 */
#define LLF_CHILD_SPLIT 0x8000u

static inline u32 llf_child_free(u16 c)
{
	return c & LLF_CHILD_FREE_MASK;
}

static inline bool llf_child_is_huge(u16 c)
{
	return c & LLF_CHILD_HUGE;
}

static inline bool llf_child_is_splitting(u16 c)
{
	return c & LLF_CHILD_SPLIT;
}

static inline bool llf_child_is_zeroed(u16 c)
{
	return c & LLF_CHILD_ZEROED;
}

static inline u32 llf_child_intent(u16 c)
{
	return (c & LLF_CHILD_INTENT) >> LLF_CHILD_INTENT_SHIFT;
}

/* Intent value for the word group of order 7 or 8 starting at @word. */
static inline u32 llf_intent_words(u32 word, u32 order)
{
	return order == 7 ? 1 + word / 2 : 5 + word / 4;
}

/* First word and word count of a word-group intent (1-6). */
static inline u32 llf_intent_first_word(u32 intent)
{
	return intent <= 4 ? (intent - 1) * 2 : (intent - 5) * 4;
}

static inline u32 llf_intent_word_count(u32 intent)
{
	return intent <= 4 ? 2 : 4;
}

bool llf_child_take(u16 *child, u32 frames);
void llf_child_put(u16 *child, u32 frames);
bool llf_child_take_huge(u16 *child, bool *zeroed, bool persist);
int llf_child_put_huge(u16 *child, bool zeroed, bool persist);
bool llf_child_split_begin(u16 *child, bool persist);
void llf_child_split_end(u16 *child, bool persist);
bool llf_child_mark(u16 *child, u32 intent, bool wait);
void llf_child_unmark(u16 *child);

#endif /* LLFREE_CHILD_H */
