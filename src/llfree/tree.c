// SPDX-License-Identifier: GPL-2.0
/*
 * Tree entries. A core reserves a whole tree by moving its free counter into
 * its local slot; from then on it allocates without shared counter writes.
 * Frees by other cores land in the tree counter and are pulled back later.
 */
#include "tree.h"

/**
 * llf_tree_reserve() - reserve an unreserved tree whose counter is in range.
 * @tree: the tree entry.
 * @min: least free frames acceptable.
 * @max: most free frames acceptable.
 * @cls: class the tree serves from now on.
 * @taken: set to the free frames moved out of the tree.
 *
 * Return: true if reserved.
 */
bool llf_tree_reserve(u32 *tree, u32 min, u32 max, u32 cls, u32 *taken)
{
	u32 old = llf_load(tree);

	do {
		u32 free = llf_tree_free(old);

		if (llf_tree_is_reserved(old) || free < min || free > max)
			return false;
	} while (!llf_cas(tree, &old, llf_tree_make(0, true, cls)));
	*taken = llf_tree_free(old);
	return true;
}

/**
 * llf_tree_unreserve() - end a reservation, returning its unused frames.
 * @tree: the tree entry.
 * @frames: free frames the reservation still held.
 */
void llf_tree_unreserve(u32 *tree, u32 frames)
{
	u32 old = llf_load(tree);

	while (!llf_cas(tree, &old,
			llf_tree_make(llf_tree_free(old) + frames, false,
				      llf_tree_class(old))))
		;
}

/**
 * llf_tree_put() - add freed frames to a tree's counter.
 * @tree: the tree entry.
 * @frames: number of frames freed.
 */
void llf_tree_put(u32 *tree, u32 frames)
{
	llf_fetch_add(tree, frames);
}

/**
 * llf_tree_pull() - take the frames other cores freed into a reserved tree.
 * @tree: the tree entry.
 *
 * Return: the frames taken (0 if the tree is not reserved).
 */
u32 llf_tree_pull(u32 *tree)
{
	u32 old = llf_load(tree);

	do {
		if (!llf_tree_is_reserved(old) || !llf_tree_free(old))
			return 0;
	} while (!llf_cas(tree, &old, old & ~LLF_TREE_FREE_MASK));
	return llf_tree_free(old);
}
