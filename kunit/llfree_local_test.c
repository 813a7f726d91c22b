// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the per-core reservation slots (src/llfree/local.c).
 */
#include "llfree_test_util.h"

static void local_slot_layout(struct kunit *test)
{
	u64 s = llf_slot_make(5, LLF_TREE_FRAMES);

	KUNIT_EXPECT_TRUE(test, llf_slot_present(s));
	KUNIT_EXPECT_EQ(test, llf_slot_tree(s), 5ull);
	KUNIT_EXPECT_EQ(test, llf_slot_free(s), LLF_TREE_FRAMES);
	KUNIT_EXPECT_LE(test, LLF_TREE_FRAMES, LLF_SLOT_FREE_MASK);
	/* Tree 0 with nothing left is still a reservation. */
	s = llf_slot_make(0, 0);
	KUNIT_EXPECT_NE(test, s, 0ull);
	KUNIT_EXPECT_TRUE(test, llf_slot_present(s));
	KUNIT_EXPECT_FALSE(test, llf_slot_present(0));
	/* Slots are separate cache lines per core. */
	KUNIT_EXPECT_EQ(test, sizeof(struct llf_local) % LLFREE_META_ALIGN, 0u);
}

static void local_take(struct kunit *test)
{
	u64 s = llf_slot_make(3, 10);
	u64 tree = 99;

	KUNIT_EXPECT_TRUE(test, llf_local_take(&s, 4, &tree));
	KUNIT_EXPECT_EQ(test, tree, 3ull);
	KUNIT_EXPECT_EQ(test, s, llf_slot_make(3, 6));
	KUNIT_EXPECT_TRUE(test, llf_local_take(&s, 6, &tree));
	KUNIT_EXPECT_EQ(test, s, llf_slot_make(3, 0));

	/* Not enough, or no reservation: refused, unchanged. */
	s = llf_slot_make(3, 6);
	tree = 99;
	KUNIT_EXPECT_FALSE(test, llf_local_take(&s, 7, &tree));
	KUNIT_EXPECT_EQ(test, s, llf_slot_make(3, 6));
	s = 0;
	KUNIT_EXPECT_FALSE(test, llf_local_take(&s, 1, &tree));
	KUNIT_EXPECT_EQ(test, s, 0ull);
	KUNIT_EXPECT_EQ(test, tree, 99ull);
}

static void local_put(struct kunit *test)
{
	u64 s = llf_slot_make(3, 6);

	KUNIT_EXPECT_TRUE(test, llf_local_put(&s, 3, 4));
	KUNIT_EXPECT_EQ(test, s, llf_slot_make(3, 10));

	/* Another tree, or none reserved (tree 0 matches the empty slot's
	 * tree field): the caller must use the tree counter.
	 */
	KUNIT_EXPECT_FALSE(test, llf_local_put(&s, 4, 1));
	KUNIT_EXPECT_EQ(test, s, llf_slot_make(3, 10));
	s = 0;
	KUNIT_EXPECT_FALSE(test, llf_local_put(&s, 0, 1));
	KUNIT_EXPECT_EQ(test, s, 0ull);
}

static void local_swap(struct kunit *test)
{
	u64 s = llf_slot_make(1, 2);

	KUNIT_EXPECT_EQ(test, llf_local_swap(&s, llf_slot_make(7, 8)),
			llf_slot_make(1, 2));
	KUNIT_EXPECT_EQ(test, s, llf_slot_make(7, 8));
	KUNIT_EXPECT_EQ(test, llf_local_swap(&s, 0), llf_slot_make(7, 8));
	KUNIT_EXPECT_EQ(test, s, 0ull);
}

static void local_steal(struct kunit *test)
{
	u64 s = llf_slot_make(2, 10);
	u64 old = 0;

	KUNIT_EXPECT_FALSE(test, llf_local_steal(&s, 11, &old));
	KUNIT_EXPECT_EQ(test, s, llf_slot_make(2, 10));
	KUNIT_EXPECT_TRUE(test, llf_local_steal(&s, 10, &old));
	KUNIT_EXPECT_EQ(test, old, llf_slot_make(2, 10));
	KUNIT_EXPECT_EQ(test, s, 0ull);
	old = 5;
	KUNIT_EXPECT_FALSE(test, llf_local_steal(&s, 0, &old));
	KUNIT_EXPECT_EQ(test, s, 0ull);
	KUNIT_EXPECT_EQ(test, old, 5ull);
}

static struct kunit_case llfree_local_cases[] = {
	KUNIT_CASE(local_slot_layout),
	KUNIT_CASE(local_take),
	KUNIT_CASE(local_put),
	KUNIT_CASE(local_swap),
	KUNIT_CASE(local_steal),
	{}
};

static struct kunit_suite llfree_local_suite = {
	.name = "llfree_local",
	.test_cases = llfree_local_cases,
};

kunit_test_suites(&llfree_local_suite);
