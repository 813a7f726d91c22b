/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-core reservations: for each class, the reserved tree and the free
 * frames taken from it, packed into one 64-bit word so that allocation,
 * frees into the own tree, stealing and draining are all single CAS
 * operations; plus a next-fit hint (a frame number) that needs no atomicity.
 */
#ifndef LLFREE_LOCAL_H
#define LLFREE_LOCAL_H

#include "platform.h"

#define LLF_SLOT_FREE_MASK 0x1fffffull
#define LLF_SLOT_PRESENT (1ull << 21)
#define LLF_SLOT_TREE_SHIFT 32

struct llf_local {
	u64 slot[LLFREE_CLASSES];
	u64 hint[LLFREE_CLASSES];
	/* One cache line per core: no false sharing between cores. */
	u64 pad[LLFREE_META_ALIGN / sizeof(u64) - 2 * LLFREE_CLASSES];
};

static inline u64 llf_slot_make(u64 tree, u32 free)
{
	return (tree << LLF_SLOT_TREE_SHIFT) | LLF_SLOT_PRESENT | free;
}

static inline bool llf_slot_present(u64 s)
{
	return s & LLF_SLOT_PRESENT;
}

static inline u32 llf_slot_free(u64 s)
{
	return s & LLF_SLOT_FREE_MASK;
}

static inline u64 llf_slot_tree(u64 s)
{
	return s >> LLF_SLOT_TREE_SHIFT;
}

bool llf_local_take(u64 *slot, u32 frames, u64 *tree);
bool llf_local_put(u64 *slot, u64 tree, u32 frames);
u64 llf_local_swap(u64 *slot, u64 next);
bool llf_local_steal(u64 *slot, u32 min, u64 *stolen);

#endif /* LLFREE_LOCAL_H */
