// SPDX-License-Identifier: GPL-2.0
/*
 * Per-core reservation slots. Every change is one CAS on the packed slot
 * word, so an interrupt allocating on the same core, a thread sharing the
 * core index, or another core stealing the reservation can never make the
 * counter disagree with the tree it belongs to.
 */
#include "local.h"

/**
 * llf_local_take() - take @frames from the slot's reservation.
 * @slot: the slot word.
 * @frames: number of frames needed.
 * @tree: set to the reserved tree.
 *
 * Return: true if the reservation held enough frames.
 */
bool llf_local_take(u64 *slot, u32 frames, u64 *tree)
{
	u64 old = llf_load(slot);

	do {
		if (!llf_slot_present(old) || llf_slot_free(old) < frames)
			return false;
	} while (!llf_cas(slot, &old, old - frames));
	*tree = llf_slot_tree(old);
	return true;
}

/**
 * llf_local_put() - give frames back to the slot if it still reserves @tree.
 * @slot: the slot word.
 * @tree: the tree the frames belong to.
 * @frames: number of frames.
 *
 * Return: true if added; false if the slot reserves another tree (or none),
 * in which case the caller must return the frames to the tree itself.
 */
bool llf_local_put(u64 *slot, u64 tree, u32 frames)
{
	u64 old = llf_load(slot);

	do {
		if (!llf_slot_present(old) || llf_slot_tree(old) != tree)
			return false;
	} while (!llf_cas(slot, &old, old + frames));
	return true;
}

/**
 * llf_local_swap() - install a new reservation.
 * @slot: the slot word.
 * @next: the new slot value (0 for none).
 *
 * Return: the previous value, whose reservation the caller must end.
 */
u64 llf_local_swap(u64 *slot, u64 next)
{
	u64 old = llf_load(slot);

	while (!llf_cas(slot, &old, next))
		;
	return old;
}

/**
 * llf_local_steal() - take another core's reservation away from it.
 * @slot: the victim's slot word.
 * @min: least free frames worth stealing.
 * @stolen: set to the previous slot value.
 *
 * Return: true if stolen; the tree stays reserved, now for the caller.
 */
bool llf_local_steal(u64 *slot, u32 min, u64 *stolen)
{
	u64 old = llf_load(slot);

	do {
		if (!llf_slot_present(old) || llf_slot_free(old) < min)
			return false;
	} while (!llf_cas(slot, &old, 0ull));
	*stolen = old;
	return true;
}
