// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the tree entries (src/llfree/tree.c): free counter,
 * reserved flag and class of a group of children.
 */
#include "llfree_test_util.h"

static void tree_entry_layout(struct kunit *test)
{
	u32 t = llf_tree_make(LLF_TREE_FRAMES, true, LLFREE_HUGE);

	/* A whole tree's frames fit the counter without touching the flags. */
	KUNIT_EXPECT_LE(test, LLF_TREE_FRAMES, LLF_TREE_FREE_MASK);
	KUNIT_EXPECT_EQ(test, llf_tree_free(t), LLF_TREE_FRAMES);
	KUNIT_EXPECT_TRUE(test, llf_tree_is_reserved(t));
	KUNIT_EXPECT_EQ(test, llf_tree_class(t), (u32)LLFREE_HUGE);
	t = llf_tree_make(0, false, LLFREE_MOVABLE);
	KUNIT_EXPECT_EQ(test, llf_tree_free(t), 0u);
	KUNIT_EXPECT_FALSE(test, llf_tree_is_reserved(t));
	KUNIT_EXPECT_EQ(test, llf_tree_class(t), (u32)LLFREE_MOVABLE);
}

static void tree_reserve(struct kunit *test)
{
	u32 t = llf_tree_make(100, false, LLFREE_IMMOVABLE);
	u32 taken = 0;

	KUNIT_EXPECT_TRUE(test, llf_tree_reserve(&t, 50, 200, LLFREE_MOVABLE,
						 &taken));
	KUNIT_EXPECT_EQ(test, taken, 100u);
	KUNIT_EXPECT_EQ(test, t, llf_tree_make(0, true, LLFREE_MOVABLE));

	/* The bounds are inclusive. */
	t = llf_tree_make(100, false, LLFREE_IMMOVABLE);
	KUNIT_EXPECT_TRUE(test, llf_tree_reserve(&t, 100, 100, LLFREE_HUGE,
						 &taken));
	KUNIT_EXPECT_EQ(test, taken, 100u);
	KUNIT_EXPECT_EQ(test, t, llf_tree_make(0, true, LLFREE_HUGE));
}

/* Already reserved, too empty or too full: refused, unchanged. */
static void tree_reserve_refusals(struct kunit *test)
{
	u32 taken = 1234;
	u32 t;

	t = llf_tree_make(100, true, LLFREE_MOVABLE);
	KUNIT_EXPECT_FALSE(test, llf_tree_reserve(&t, 0, LLF_TREE_FRAMES,
						  LLFREE_MOVABLE, &taken));
	KUNIT_EXPECT_EQ(test, t, llf_tree_make(100, true, LLFREE_MOVABLE));
	t = llf_tree_make(100, false, LLFREE_MOVABLE);
	KUNIT_EXPECT_FALSE(test, llf_tree_reserve(&t, 101, 200,
						  LLFREE_IMMOVABLE, &taken));
	KUNIT_EXPECT_FALSE(test, llf_tree_reserve(&t, 0, 99,
						  LLFREE_IMMOVABLE, &taken));
	KUNIT_EXPECT_EQ(test, t, llf_tree_make(100, false, LLFREE_MOVABLE));
	KUNIT_EXPECT_EQ(test, taken, 1234u);
}

static void tree_unreserve(struct kunit *test)
{
	u32 t = llf_tree_make(5, true, LLFREE_HUGE);

	llf_tree_unreserve(&t, 100);
	KUNIT_EXPECT_EQ(test, t, llf_tree_make(105, false, LLFREE_HUGE));

	t = llf_tree_make(0, true, LLFREE_MOVABLE);
	llf_tree_unreserve(&t, 0);
	KUNIT_EXPECT_EQ(test, t, llf_tree_make(0, false, LLFREE_MOVABLE));
}

static void tree_put(struct kunit *test)
{
	u32 t = llf_tree_make(7, true, LLFREE_MOVABLE);

	llf_tree_put(&t, 1);
	KUNIT_EXPECT_EQ(test, t, llf_tree_make(8, true, LLFREE_MOVABLE));
	t = llf_tree_make(LLF_TREE_FRAMES - 512, false, LLFREE_HUGE);
	llf_tree_put(&t, 512);
	KUNIT_EXPECT_EQ(test, t, llf_tree_make(LLF_TREE_FRAMES, false,
					       LLFREE_HUGE));
}

/* Only the owner of a reservation pulls; the flags stay. */
static void tree_pull(struct kunit *test)
{
	u32 t = llf_tree_make(7, true, LLFREE_MOVABLE);

	KUNIT_EXPECT_EQ(test, llf_tree_pull(&t), 7u);
	KUNIT_EXPECT_EQ(test, t, llf_tree_make(0, true, LLFREE_MOVABLE));
	KUNIT_EXPECT_EQ(test, llf_tree_pull(&t), 0u);
	KUNIT_EXPECT_EQ(test, t, llf_tree_make(0, true, LLFREE_MOVABLE));

	t = llf_tree_make(7, false, LLFREE_MOVABLE);
	KUNIT_EXPECT_EQ(test, llf_tree_pull(&t), 0u);
	KUNIT_EXPECT_EQ(test, t, llf_tree_make(7, false, LLFREE_MOVABLE));
}

static struct kunit_case llfree_tree_cases[] = {
	KUNIT_CASE(tree_entry_layout),
	KUNIT_CASE(tree_reserve),
	KUNIT_CASE(tree_reserve_refusals),
	KUNIT_CASE(tree_unreserve),
	KUNIT_CASE(tree_put),
	KUNIT_CASE(tree_pull),
	{}
};

static struct kunit_suite llfree_tree_suite = {
	.name = "llfree_tree",
	.test_cases = llfree_tree_cases,
};

kunit_test_suites(&llfree_tree_suite);
