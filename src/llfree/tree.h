/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tree entries: one 32-bit word per group of 2^LLFREE_TREE_ORDER children
 * with the tree's free counter, whether a core has reserved it, and the
 * class it last served. A reserved tree's counter only holds frees made by
 * other cores since the reservation; the owner pulls them back when short.
 */
#ifndef LLFREE_TREE_H
#define LLFREE_TREE_H

#include "platform.h"

#define LLF_TREE_CHILDREN (1u << LLFREE_TREE_ORDER)
#define LLF_TREE_FRAMES (LLF_TREE_CHILDREN * LLFREE_CHILD_FRAMES)
#define LLF_TREE_FREE_MASK 0xfffffu
#define LLF_TREE_RESERVED 0x100000u
#define LLF_TREE_CLASS_SHIFT 21

static inline u32 llf_tree_free(u32 t)
{
	return t & LLF_TREE_FREE_MASK;
}

static inline bool llf_tree_is_reserved(u32 t)
{
	return t & LLF_TREE_RESERVED;
}

static inline u32 llf_tree_class(u32 t)
{
	return t >> LLF_TREE_CLASS_SHIFT;
}

static inline u32 llf_tree_make(u32 free, bool reserved, u32 cls)
{
	return free | (reserved ? LLF_TREE_RESERVED : 0) |
	       (cls << LLF_TREE_CLASS_SHIFT);
}

bool llf_tree_reserve(u32 *tree, u32 min, u32 max, u32 cls, u32 *taken);
void llf_tree_unreserve(u32 *tree, u32 frames);
void llf_tree_put(u32 *tree, u32 frames);
u32 llf_tree_pull(u32 *tree);

#endif /* LLFREE_TREE_H */
