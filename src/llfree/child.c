// SPDX-License-Identifier: GPL-2.0
/*
 * Child entries. The counter is taken before bits are searched and given
 * back after bits are cleared, so it never exceeds the clear bits: a full
 * counter (512) proves that nobody is working in the field, which is what
 * makes the single-CAS huge allocation safe, and the field it leaves behind
 * is all clear, which is why a huge free need not touch it.
 */
#include "child.h"

/**
 * llf_child_take() - reserve @frames free frames of a child for a bit search.
 * @child: the child entry.
 * @frames: number of frames (2^order, order < 9).
 *
 * Small allocations make the child's contents non-zero, so the zeroed flag
 * is dropped here.
 *
 * Return: true if the counter was decremented.
 */
bool llf_child_take(u16 *child, u32 frames)
{
	u16 old = llf_load(child);

	do {
		if (llf_child_is_huge(old) || llf_child_free(old) < frames)
			return false;
	} while (!llf_cas(child, &old,
			  (u16)((old - frames) & ~LLF_CHILD_ZEROED)));
	return true;
}

/**
 * llf_child_put() - return @frames to a child's counter.
 * @child: the child entry.
 * @frames: number of frames freed or not used after all.
 */
void llf_child_put(u16 *child, u32 frames)
{
	llf_fetch_add(child, (u16)frames);
}

/**
 * llf_child_take_huge() - allocate the whole child as one 2 MiB frame.
 * @child: the child entry (a pending intent is kept).
 * @zeroed: set to whether its contents were known zero.
 * @persist: write back the entry (the huge flag is persistent state).
 *
 * Return: true on success.
 */
bool llf_child_take_huge(u16 *child, bool *zeroed, bool persist)
{
	u16 old = llf_load(child);

	do {
		if (llf_child_is_huge(old) ||
		    llf_child_free(old) != LLFREE_CHILD_FRAMES)
			return false;
	} while (!llf_cas(child, &old,
			  (u16)(LLF_CHILD_HUGE | (old & LLF_CHILD_INTENT))));
	if (persist)
		llf_flush(child);
	*zeroed = llf_child_is_zeroed(old);
	return true;
}

/**
 * llf_child_put_huge() - free a child allocated as one huge frame.
 * @child: the child entry.
 * @zeroed: the caller guarantees the contents are zero.
 * @persist: write back the entry.
 *
 * Only the entry changes (the bits of a huge child are clear), so a free
 * that finds the child no longer huge, or being split, is refused without
 * having touched anything.
 *
 * Return: 0, or -LLFREE_ENOTALLOC if the child is not a whole huge frame.
 */
int llf_child_put_huge(u16 *child, bool zeroed, bool persist)
{
	u16 next = LLFREE_CHILD_FRAMES | (zeroed ? LLF_CHILD_ZEROED : 0);
	u16 old = llf_load(child);

	do {
		if (!llf_child_is_huge(old) || llf_child_is_splitting(old))
			return -LLFREE_ENOTALLOC;
	} while (!llf_cas(child, &old, next));
	if (persist)
		llf_flush(child);
	return 0;
}

/**
 * llf_child_split_begin() - start turning a huge frame into small frames.
 * @child: the child entry.
 * @persist: write back the entry.
 *
 * Concurrent frees of different parts race here and exactly one wins; the
 * winner fills the bit field and calls llf_child_split_end(). Allocations
 * never take a splitting child (its counter is 0 and it is still huge).
 *
 * Return: true if this call started the split.
 */
bool llf_child_split_begin(u16 *child, bool persist)
{
	u16 old = llf_load(child);

	do {
		if (!llf_child_is_huge(old) || llf_child_is_splitting(old))
			return false;
	} while (!llf_cas(child, &old, (u16)(old | LLF_CHILD_SPLIT)));
	if (persist)
		llf_flush(child);
	return true;
}

/**
 * llf_child_split_end() - the bits are all set: 512 allocated small frames.
 * @child: the child entry, marked by llf_child_split_begin().
 * @persist: write back the entry.
 */
void llf_child_split_end(u16 *child, bool persist)
{
	u16 old = llf_load(child);

	/* A pending intent (persistent mode) is kept for its owner. */
	while (!llf_cas(child, &old, (u16)(old & LLF_CHILD_INTENT)))
		;
	if (persist)
		llf_flush(child);
}

/**
 * llf_child_mark() - record the multi-part operation about to start here.
 * @child: the child entry.
 * @intent: LLF_INTENT_PAIR or llf_intent_words().
 * @wait: spin while another operation holds the mark (frees must happen);
 *	otherwise give up.
 *
 * Persistent mode only; the mark is written back before the operation's
 * first store so that recovery can finish or undo it as a whole.
 *
 * Return: true once marked.
 */
bool llf_child_mark(u16 *child, u32 intent, bool wait)
{
	u16 old = llf_load(child);

	for (;;) {
		if (old & LLF_CHILD_INTENT) {
			if (!wait)
				return false;
			llf_relax();
			old = llf_load(child);
			continue;
		}
		if (llf_cas(child, &old,
			    (u16)(old | intent << LLF_CHILD_INTENT_SHIFT)))
			break;
	}
	llf_flush(child);
	return true;
}

/**
 * llf_child_unmark() - the marked operation is complete.
 * @child: the child entry.
 */
void llf_child_unmark(u16 *child)
{
	u16 old = llf_load(child);

	while (!llf_cas(child, &old, (u16)(old & ~LLF_CHILD_INTENT)))
		;
	llf_flush(child);
}
