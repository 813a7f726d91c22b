// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the bit fields (src/llfree/bitfield.c): one 512-bit field
 * per 2 MiB child, orders 0..8.
 */
#include "llfree_test_util.h"

static void field_set(u64 *field, u64 word_value)
{
	u32 i;

	for (i = 0; i < LLF_FIELD_WORDS; i++)
		field[i] = word_value;
}

/* Exhaust an empty field with each order: exact count, aligned, disjoint. */
static void bitfield_alloc_exhaust_all_orders(struct kunit *test)
{
	u64 field[LLF_FIELD_WORDS], shadow[LLF_FIELD_WORDS], before[LLF_FIELD_WORDS];
	u32 order, i, n, pos;

	for (order = 0; order <= LLF_FIELD_MAX_ORDER; order++) {
		u32 size = 1u << order;

		field_set(field, 0);
		field_set(shadow, 0);
		for (n = 0;; n++) {
			pos = ~0u;
			if (llf_field_alloc(field, order, n * 37, false, &pos))
				break;
			KUNIT_ASSERT_LT(test, pos, LLFREE_CHILD_FRAMES);
			KUNIT_EXPECT_EQ_MSG(test, pos % size, 0u, "order %u", order);
			for (i = pos; i < pos + size; i++) {
				KUNIT_ASSERT_FALSE_MSG(test,
						       shadow[i / 64] >> (i % 64) & 1,
						       "order %u: bit %u twice",
						       order, i);
				shadow[i / 64] |= 1ull << (i % 64);
			}
		}
		KUNIT_EXPECT_EQ_MSG(test, n, LLFREE_CHILD_FRAMES / size,
				    "order %u", order);
		KUNIT_EXPECT_TRUE(test, llf_field_all(field, true));
		KUNIT_EXPECT_EQ(test, llf_field_count_free(field), 0u);

		/* The refused call changes nothing. */
		memcpy(before, field, sizeof(field));
		KUNIT_EXPECT_EQ(test, llf_field_alloc(field, order, 0, false, &pos),
				-LLFREE_ENOMEM);
		KUNIT_EXPECT_MEMEQ(test, field, before, sizeof(field));

		for (pos = 0; pos < LLFREE_CHILD_FRAMES; pos += size)
			KUNIT_EXPECT_EQ(test, llf_field_free(field, pos, order, false),
					0);
		KUNIT_EXPECT_TRUE(test, llf_field_all(field, false));
	}
}

/* An allocation sets exactly its 2^order bits. */
static void bitfield_alloc_sets_exact_bits(struct kunit *test)
{
	u64 field[LLF_FIELD_WORDS];
	u32 order, pos;

	for (order = 0; order <= LLF_FIELD_MAX_ORDER; order++) {
		u32 size = 1u << order;

		field_set(field, 0);
		KUNIT_ASSERT_EQ(test, llf_field_alloc(field, order, 0, true, &pos), 0);
		KUNIT_EXPECT_EQ(test, pos, 0u);
		KUNIT_EXPECT_EQ(test, llf_field_count_free(field),
				LLFREE_CHILD_FRAMES - size);
		KUNIT_EXPECT_FALSE(test, llf_field_is_free(field, 0, order));
		KUNIT_EXPECT_TRUE(test, llf_field_is_free(field, size, order));
		if (order < 6)
			KUNIT_EXPECT_EQ(test, field[0], (1ull << size) - 1);
		else
			KUNIT_EXPECT_EQ(test, field[size / 64 - 1], ~0ull);
		KUNIT_EXPECT_EQ(test, field[LLF_FIELD_WORDS - 1], 0ull);
	}
}

/* The search starts in the word of the hint and wraps around. */
static void bitfield_alloc_hint(struct kunit *test)
{
	u64 field[LLF_FIELD_WORDS];
	u32 order, pos;

	for (order = 0; order <= 6; order++) {
		field_set(field, 0);
		KUNIT_ASSERT_EQ(test, llf_field_alloc(field, order, 200, false, &pos),
				0);
		KUNIT_EXPECT_EQ_MSG(test, pos / 64, 3u, "order %u", order);
	}

	/* Word 7 is full: wrap to word 0. */
	field_set(field, 0);
	field[7] = ~0ull;
	KUNIT_ASSERT_EQ(test, llf_field_alloc(field, 0, 500, false, &pos), 0);
	KUNIT_EXPECT_LT(test, pos, 64u);

	/* Orders 7 and 8: the aligned word group holding the hint. */
	field_set(field, 0);
	KUNIT_ASSERT_EQ(test, llf_field_alloc(field, 7, 300, false, &pos), 0);
	KUNIT_EXPECT_EQ(test, pos, 256u);
	field_set(field, 0);
	KUNIT_ASSERT_EQ(test, llf_field_alloc(field, 8, 300, false, &pos), 0);
	KUNIT_EXPECT_EQ(test, pos, 256u);
	field_set(field, 0);
	field[6] = 1;
	KUNIT_ASSERT_EQ(test, llf_field_alloc(field, 7, 450, false, &pos), 0);
	KUNIT_EXPECT_EQ(test, pos, 0u);
}

/* Free bits that do not form an aligned run do not satisfy the order. */
static void bitfield_alloc_needs_aligned_run(struct kunit *test)
{
	u64 field[LLF_FIELD_WORDS], before[LLF_FIELD_WORDS];
	u32 pos;

	/* Every other bit free: 256 free frames, no free pair. */
	field_set(field, 0x5555555555555555ull);
	memcpy(before, field, sizeof(field));
	KUNIT_EXPECT_EQ(test, llf_field_alloc(field, 1, 0, false, &pos),
			-LLFREE_ENOMEM);
	KUNIT_EXPECT_MEMEQ(test, field, before, sizeof(field));
	KUNIT_EXPECT_EQ(test, llf_field_alloc(field, 0, 0, false, &pos), 0);
	KUNIT_EXPECT_EQ(test, pos, 1u);

	/* Bits 1 and 2 free: a pair, but not an aligned one. */
	field_set(field, ~0ull);
	field[4] = ~0x6ull;
	memcpy(before, field, sizeof(field));
	KUNIT_EXPECT_EQ(test, llf_field_alloc(field, 1, 0, false, &pos),
			-LLFREE_ENOMEM);
	KUNIT_EXPECT_MEMEQ(test, field, before, sizeof(field));

	/* 64 free bits straddling two words are no order-6 run. */
	field_set(field, ~0ull);
	field[2] = 0x00000000ffffffffull;
	field[3] = 0xffffffff00000000ull;
	KUNIT_EXPECT_EQ(test, llf_field_alloc(field, 6, 0, false, &pos),
			-LLFREE_ENOMEM);
	KUNIT_EXPECT_EQ(test, llf_field_alloc(field, 5, 0, false, &pos), 0);
	KUNIT_EXPECT_EQ(test, pos, 2 * 64 + 32u);
}

/*
 * Orders 7/8 need whole free words. A group whose first word is free but a
 * later one is not must be skipped without touching the free word.
 */
static void bitfield_multiword_partial_group(struct kunit *test)
{
	u64 field[LLF_FIELD_WORDS], before[LLF_FIELD_WORDS];
	u32 pos;

	field_set(field, ~0ull);
	field[0] = 0;
	field[1] = 1ull << 63;
	memcpy(before, field, sizeof(field));
	KUNIT_EXPECT_EQ(test, llf_field_alloc(field, 7, 0, true, &pos),
			-LLFREE_ENOMEM);
	KUNIT_EXPECT_MEMEQ(test, field, before, sizeof(field));

	/* Same with a free group behind it: word 0 stays free. */
	field[2] = 0;
	field[3] = 0;
	KUNIT_ASSERT_EQ(test, llf_field_alloc(field, 7, 0, false, &pos), 0);
	KUNIT_EXPECT_EQ(test, pos, 128u);
	KUNIT_EXPECT_EQ(test, field[0], 0ull);
	KUNIT_EXPECT_EQ(test, field[1], 1ull << 63);

	/* Order 8: three free words and one bit in the fourth, twice. */
	field_set(field, 0);
	field[3] = 1ull << 63;
	field[7] = 1;
	memcpy(before, field, sizeof(field));
	KUNIT_EXPECT_EQ(test, llf_field_alloc(field, 8, 0, false, &pos),
			-LLFREE_ENOMEM);
	KUNIT_EXPECT_MEMEQ(test, field, before, sizeof(field));
	KUNIT_EXPECT_EQ(test, llf_field_alloc(field, 7, 0, false, &pos), 0);
	KUNIT_EXPECT_EQ(test, pos, 0u);
}

/*
 * The word-group claim itself: when a later word of the group is taken
 * (by a racing CPU), the words already claimed are released again.
 */
static void bitfield_claim_words_undo(struct kunit *test)
{
	u64 field[LLF_FIELD_WORDS], before[LLF_FIELD_WORDS];
	u32 w;

	field_set(field, 0);
	KUNIT_EXPECT_EQ(test, llf_field_find_words(field, 7, 300), 4);
	KUNIT_EXPECT_EQ(test, llf_field_find_words(field, 8, 300), 4);

	/* Order 7: word 0 claimable, word 1 not. */
	field[1] = 1ull << 40;
	memcpy(before, field, sizeof(field));
	KUNIT_EXPECT_FALSE(test, llf_field_claim_words(field, 0, 7, true));
	KUNIT_EXPECT_MEMEQ(test, field, before, sizeof(field));
	KUNIT_EXPECT_EQ(test, llf_field_find_words(field, 7, 0), 2);

	/* Order 8: three words claimable, the last not. */
	field_set(field, 0);
	field[7] = 1ull << 63;
	memcpy(before, field, sizeof(field));
	KUNIT_EXPECT_FALSE(test, llf_field_claim_words(field, 4, 8, false));
	KUNIT_EXPECT_MEMEQ(test, field, before, sizeof(field));
	KUNIT_EXPECT_EQ(test, llf_field_find_words(field, 8, 511), 0);

	/* No free group at all. */
	for (w = 0; w < LLF_FIELD_WORDS; w += 2)
		field[w + 1] = 1;
	KUNIT_EXPECT_EQ(test, llf_field_find_words(field, 7, 0), -LLFREE_ENOMEM);

	/* A free group is claimed whole. */
	field_set(field, 0);
	KUNIT_EXPECT_TRUE(test, llf_field_claim_words(field, 2, 7, true));
	KUNIT_EXPECT_EQ(test, field[2], ~0ull);
	KUNIT_EXPECT_EQ(test, field[3], ~0ull);
	KUNIT_EXPECT_EQ(test, llf_field_count_free(field), LLFREE_CHILD_FRAMES - 128);
}

/* Refused frees: none set, some set; nothing changes. */
static void bitfield_free_refusals(struct kunit *test)
{
	u64 field[LLF_FIELD_WORDS], before[LLF_FIELD_WORDS];
	u32 order, pos;

	for (order = 0; order <= LLF_FIELD_MAX_ORDER; order++) {
		u32 size = 1u << order;

		/* Never allocated. */
		field_set(field, 0);
		KUNIT_EXPECT_EQ_MSG(test, llf_field_free(field, size, order, false),
				    -LLFREE_ENOTALLOC, "order %u", order);
		KUNIT_EXPECT_TRUE(test, llf_field_all(field, false));

		/* Double free. */
		KUNIT_ASSERT_EQ(test, llf_field_alloc(field, order, 0, false, &pos),
				0);
		KUNIT_EXPECT_EQ(test, llf_field_free(field, pos, order, false), 0);
		KUNIT_EXPECT_EQ_MSG(test, llf_field_free(field, pos, order, false),
				    -LLFREE_ENOTALLOC, "order %u", order);
		KUNIT_EXPECT_TRUE(test, llf_field_all(field, false));

		/* Only the last frame of the range allocated. */
		field_set(field, 0);
		field[(size - 1) / 64] = 1ull << ((size - 1) % 64);
		memcpy(before, field, sizeof(field));
		KUNIT_EXPECT_EQ_MSG(test, llf_field_free(field, 0, order, false),
				    order ? -LLFREE_EPARTIAL : 0, "order %u", order);
		if (order)
			KUNIT_EXPECT_MEMEQ(test, field, before, sizeof(field));

		/* Everything but the last frame allocated. */
		field_set(field, ~0ull);
		field[(size - 1) / 64] &= ~(1ull << ((size - 1) % 64));
		memcpy(before, field, sizeof(field));
		if (order) {
			KUNIT_EXPECT_EQ_MSG(test,
					    llf_field_free(field, 0, order, false),
					    -LLFREE_EPARTIAL, "order %u", order);
			KUNIT_EXPECT_MEMEQ(test, field, before, sizeof(field));
		}
	}

	/* Orders 7/8: first word allocated, the next one not at all. */
	field_set(field, 0);
	field[4] = ~0ull;
	memcpy(before, field, sizeof(field));
	KUNIT_EXPECT_EQ(test, llf_field_free(field, 256, 7, false),
			-LLFREE_EPARTIAL);
	KUNIT_EXPECT_EQ(test, llf_field_free(field, 256, 8, true),
			-LLFREE_EPARTIAL);
	KUNIT_EXPECT_MEMEQ(test, field, before, sizeof(field));
}

/* A part of a larger allocation may be freed (split_page semantics). */
static void bitfield_free_sub_range(struct kunit *test)
{
	u64 field[LLF_FIELD_WORDS];
	u32 pos;

	field_set(field, 0);
	KUNIT_ASSERT_EQ(test, llf_field_alloc(field, 8, 0, false, &pos), 0);
	KUNIT_EXPECT_EQ(test, llf_field_free(field, pos + 64, 6, false), 0);
	KUNIT_EXPECT_EQ(test, llf_field_free(field, pos + 128, 7, false), 0);
	KUNIT_EXPECT_EQ(test, llf_field_free(field, pos + 3, 0, false), 0);
	KUNIT_EXPECT_EQ(test, llf_field_count_free(field),
			LLFREE_CHILD_FRAMES - 256 + 64 + 128 + 1);
	KUNIT_EXPECT_TRUE(test, llf_field_is_free(field, pos + 3, 0));
	KUNIT_EXPECT_FALSE(test, llf_field_is_free(field, pos + 2, 0));
}

static void bitfield_is_free_count_fill(struct kunit *test)
{
	u64 field[LLF_FIELD_WORDS];
	u32 order;

	llf_field_fill(field, true, false);
	KUNIT_EXPECT_TRUE(test, llf_field_all(field, true));
	KUNIT_EXPECT_FALSE(test, llf_field_all(field, false));
	KUNIT_EXPECT_EQ(test, llf_field_count_free(field), 0u);

	llf_field_fill(field, false, true);
	KUNIT_EXPECT_TRUE(test, llf_field_all(field, false));
	KUNIT_EXPECT_FALSE(test, llf_field_all(field, true));
	KUNIT_EXPECT_EQ(test, llf_field_count_free(field), LLFREE_CHILD_FRAMES);
	for (order = 0; order <= LLF_FIELD_MAX_ORDER; order++)
		KUNIT_EXPECT_TRUE(test, llf_field_is_free(field, 0, order));

	/* One allocated frame (the last) is seen by every enclosing order. */
	field[7] = 1ull << 63;
	KUNIT_EXPECT_EQ(test, llf_field_count_free(field),
			LLFREE_CHILD_FRAMES - 1);
	KUNIT_EXPECT_FALSE(test, llf_field_all(field, false));
	KUNIT_EXPECT_FALSE(test, llf_field_all(field, true));
	for (order = 0; order <= LLF_FIELD_MAX_ORDER; order++) {
		u32 size = 1u << order;

		KUNIT_EXPECT_FALSE_MSG(test,
				       llf_field_is_free(field, 512 - size, order),
				       "order %u", order);
		KUNIT_EXPECT_TRUE_MSG(test, llf_field_is_free(field, 0, order),
				      "order %u", order);
	}
	KUNIT_EXPECT_TRUE(test, llf_field_is_free(field, 510, 0));
	KUNIT_EXPECT_TRUE(test, llf_field_is_free(field, 508, 1));
}

static struct kunit_case llfree_bitfield_cases[] = {
	KUNIT_CASE(bitfield_alloc_exhaust_all_orders),
	KUNIT_CASE(bitfield_alloc_sets_exact_bits),
	KUNIT_CASE(bitfield_alloc_hint),
	KUNIT_CASE(bitfield_alloc_needs_aligned_run),
	KUNIT_CASE(bitfield_multiword_partial_group),
	KUNIT_CASE(bitfield_claim_words_undo),
	KUNIT_CASE(bitfield_free_refusals),
	KUNIT_CASE(bitfield_free_sub_range),
	KUNIT_CASE(bitfield_is_free_count_fill),
	{}
};

static struct kunit_suite llfree_bitfield_suite = {
	.name = "llfree_bitfield",
	.test_cases = llfree_bitfield_cases,
};

kunit_test_suites(&llfree_bitfield_suite);
