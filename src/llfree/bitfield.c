// SPDX-License-Identifier: GPL-2.0
/*
 * Bit fields: the frame-granular lower level. Each 512-bit field covers one
 * 2 MiB child and fills exactly one cache line, so a CPU allocating small
 * frames in its reserved tree touches one line per child.
 */
#include "bitfield.h"

#define WORD_BITS 64u

/* Bits at positions that are multiples of 2^order, for orders 0..6. */
static const u64 aligned_starts[] = {
	0xffffffffffffffffull, 0x5555555555555555ull, 0x1111111111111111ull,
	0x0101010101010101ull, 0x0001000100010001ull, 0x0000000100000001ull,
	0x0000000000000001ull,
};

static u64 range_mask(u32 bit, u32 order)
{
	if (order >= 6)
		return ~0ull;
	return ((1ull << (1u << order)) - 1) << bit;
}

/*
 * Return the positions in @word where an aligned run of 2^@order clear bits
 * starts: shift-and-fold the free bits so that bit i survives only when all
 * bits i..i+2^order-1 are clear.
 */
static u64 free_runs(u64 word, u32 order)
{
	u64 free = ~word;
	u32 i;

	for (i = 0; i < order; i++)
		free &= free >> (1u << i);
	return free & aligned_starts[order];
}

static bool alloc_in_word(u64 *field, u32 w, u32 order, bool persist,
			  u32 *pos)
{
	u64 old = llf_load(&field[w]);

	for (;;) {
		u64 runs = free_runs(old, order);
		u32 bit;

		if (!runs)
			return false;
		bit = llf_ctz64(runs);
		if (llf_cas(&field[w], &old, old | range_mask(bit, order))) {
			if (persist)
				llf_flush(&field[w]);
			*pos = w * WORD_BITS + bit;
			return true;
		}
	}
}

/*
 * Orders 7 and 8 take 2 or 4 whole words. There is no CAS wider than a word,
 * so the words are claimed one by one, first word first; if a later one was
 * taken meanwhile, the earlier ones are released again (last first) so that
 * a failed attempt leaves exactly what it found. Persistent recovery relies
 * on that order: a group's first word says how far an operation got.
 */
static bool claim_words(u64 *field, u32 first, u32 count, bool persist)
{
	u32 i;

	for (i = 0; i < count; i++) {
		u64 expected = 0;

		if (!llf_cas(&field[first + i], &expected, ~0ull))
			break;
		if (persist)
			llf_flush(&field[first + i]);
	}
	if (i == count)
		return true;
	while (i--) {
		llf_store(&field[first + i], 0ull);
		if (persist)
			llf_flush(&field[first + i]);
	}
	return false;
}

/**
 * llf_field_find_words() - find a free aligned word group for order 7 or 8.
 * @field: the child's bit field.
 * @order: 7 or 8.
 * @hint: frame position near which to start.
 *
 * Return: the group's first word index, or -LLFREE_ENOMEM.
 */
int llf_field_find_words(u64 *field, u32 order, u32 hint)
{
	u32 count = 1u << (order - 6);
	u32 groups = LLF_FIELD_WORDS / count;
	u32 start = (hint % LLFREE_CHILD_FRAMES) / WORD_BITS / count;
	u32 i, j;

	for (i = 0; i < groups; i++) {
		u32 first = ((start + i) % groups) * count;

		for (j = 0; j < count; j++)
			if (llf_load(&field[first + j]))
				break;
		if (j == count)
			return first;
	}
	return -LLFREE_ENOMEM;
}

/**
 * llf_field_claim_words() - allocate the word group found for order 7 or 8.
 * @field: the child's bit field.
 * @first: first word of the group.
 * @order: 7 or 8.
 * @persist: write back each word as it is claimed.
 *
 * Return: true if all words were free and are now allocated; false with the
 * field unchanged otherwise.
 */
bool llf_field_claim_words(u64 *field, u32 first, u32 order, bool persist)
{
	return claim_words(field, first, 1u << (order - 6), persist);
}

static int alloc_multiword(u64 *field, u32 order, u32 hint, bool persist,
			   u32 *pos)
{
	u32 tries;

	/* Each failed claim lost a word to another CPU: bounded retries. */
	for (tries = 0; tries < LLF_FIELD_WORDS; tries++) {
		int first = llf_field_find_words(field, order, hint);

		if (first < 0)
			return first;
		if (llf_field_claim_words(field, first, order, persist)) {
			*pos = first * WORD_BITS;
			return 0;
		}
	}
	return -LLFREE_ENOMEM;
}

/**
 * llf_field_alloc() - allocate 2^@order aligned frames in one bit field.
 * @field: the child's bit field (LLF_FIELD_WORDS words).
 * @order: 0..LLF_FIELD_MAX_ORDER.
 * @hint: frame position (0..511) near which to start searching.
 * @persist: write back modified cache lines.
 * @pos: set to the first allocated position on success.
 *
 * Return: 0, or -LLFREE_ENOMEM with the field unchanged.
 */
int llf_field_alloc(u64 *field, u32 order, u32 hint, bool persist, u32 *pos)
{
	u32 start = (hint % LLFREE_CHILD_FRAMES) / WORD_BITS;
	u32 i;

	if (order > 6)
		return alloc_multiword(field, order, hint, persist, pos);

	for (i = 0; i < LLF_FIELD_WORDS; i++) {
		u32 w = (start + i) % LLF_FIELD_WORDS;

		if (alloc_in_word(field, w, order, persist, pos))
			return 0;
	}
	return -LLFREE_ENOMEM;
}

/* Classify the bits of a range in one word: all set, none set, or mixed. */
static int range_state(u64 word, u64 mask)
{
	if ((word & mask) == mask)
		return 0;
	return (word & mask) ? -LLFREE_EPARTIAL : -LLFREE_ENOTALLOC;
}

static int free_words(u64 *field, u32 first, u32 count, bool persist)
{
	u32 i;
	int state = range_state(llf_load(&field[first]), ~0ull);

	/* Check the whole range first: a refused free must change nothing. */
	for (i = 1; i < count; i++)
		if (range_state(llf_load(&field[first + i]), ~0ull) != state)
			return -LLFREE_EPARTIAL;
	if (state)
		return state;

	/* Last word first: recovery follows the group's first word. */
	for (i = count; i-- > 0;) {
		u64 expected = ~0ull;

		if (!llf_cas(&field[first + i], &expected, 0ull))
			break;
		if (persist)
			llf_flush(&field[first + i]);
	}
	if (i == (u32)-1)
		return 0;
	/* A racing free of the same frames: put back what this call cleared. */
	while (++i < count) {
		llf_store(&field[first + i], ~0ull);
		if (persist)
			llf_flush(&field[first + i]);
	}
	return -LLFREE_EPARTIAL;
}

/**
 * llf_field_free() - free 2^@order frames at @pos.
 * @field: the child's bit field.
 * @pos: first position, aligned to the order (checked by the caller).
 * @order: 0..LLF_FIELD_MAX_ORDER.
 * @persist: write back modified cache lines.
 *
 * Return: 0; -LLFREE_ENOTALLOC if none of the frames is allocated;
 * -LLFREE_EPARTIAL if only some are. The field is unchanged on error.
 */
int llf_field_free(u64 *field, u32 pos, u32 order, bool persist)
{
	u32 w = pos / WORD_BITS;
	u64 mask = range_mask(pos % WORD_BITS, order);
	u64 old;

	if (order > 6)
		return free_words(field, w, 1u << (order - 6), persist);

	old = llf_load(&field[w]);
	for (;;) {
		int state = range_state(old, mask);

		if (state)
			return state;
		if (llf_cas(&field[w], &old, old & ~mask))
			break;
	}
	if (persist)
		llf_flush(&field[w]);
	return 0;
}

/* Whether every bit of the range is set (@allocated) or clear. */
static bool range_all(u64 *field, u32 pos, u32 order, bool allocated)
{
	u32 w = pos / WORD_BITS;
	u32 count = order > 6 ? 1u << (order - 6) : 1;
	u64 mask = range_mask(pos % WORD_BITS, order);
	u64 want = allocated ? mask : 0;
	u32 i;

	for (i = 0; i < count; i++)
		if ((llf_load(&field[w + i]) & mask) != want)
			return false;
	return true;
}

/**
 * llf_field_is_free() - whether every frame of the range is free.
 * @field: the child's bit field.
 * @pos: first position, aligned to the order.
 * @order: 0..LLF_FIELD_MAX_ORDER.
 *
 * Return: true if all bits of the range are clear.
 */
bool llf_field_is_free(u64 *field, u32 pos, u32 order)
{
	return range_all(field, pos, order, false);
}

/**
 * llf_field_is_allocated() - whether every frame of the range is allocated.
 * @field: the child's bit field.
 * @pos: first position, aligned to the order.
 * @order: 0..LLF_FIELD_MAX_ORDER.
 *
 * Return: true if all bits of the range are set.
 */
bool llf_field_is_allocated(u64 *field, u32 pos, u32 order)
{
	return range_all(field, pos, order, true);
}

/**
 * llf_field_count_free() - number of free frames in a bit field.
 * @field: the child's bit field.
 *
 * Return: count of clear bits.
 */
u32 llf_field_count_free(u64 *field)
{
	u32 free = 0;
	u32 i;

	for (i = 0; i < LLF_FIELD_WORDS; i++)
		free += WORD_BITS - llf_popcount64(llf_load(&field[i]));
	return free;
}

/**
 * llf_field_fill() - mark a whole field allocated or free.
 * @field: the child's bit field.
 * @allocated: set (true) or clear (false) every bit.
 * @persist: write back the cache line.
 */
void llf_field_fill(u64 *field, bool allocated, bool persist)
{
	u32 i;

	for (i = 0; i < LLF_FIELD_WORDS; i++)
		llf_store(&field[i], allocated ? ~0ull : 0ull);
	if (persist)
		llf_flush(field);
}

/**
 * llf_field_all() - whether a field is entirely allocated or entirely free.
 * @field: the child's bit field.
 * @allocated: the state to test for.
 *
 * Return: true if every bit equals @allocated.
 */
bool llf_field_all(u64 *field, bool allocated)
{
	u64 want = allocated ? ~0ull : 0ull;
	u32 i;

	for (i = 0; i < LLF_FIELD_WORDS; i++)
		if (llf_load(&field[i]) != want)
			return false;
	return true;
}
