// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the child entries (src/llfree/child.c): free counter,
 * huge flag and zeroed flag of one 2 MiB child.
 */
#include "llfree_test_util.h"

#define FULL ((u16)LLFREE_CHILD_FRAMES)

static void child_accessors(struct kunit *test)
{
	u16 c = FULL | LLF_CHILD_ZEROED;

	KUNIT_EXPECT_EQ(test, llf_child_free(c), LLFREE_CHILD_FRAMES);
	KUNIT_EXPECT_TRUE(test, llf_child_is_zeroed(c));
	KUNIT_EXPECT_FALSE(test, llf_child_is_huge(c));
	c = LLF_CHILD_HUGE;
	KUNIT_EXPECT_EQ(test, llf_child_free(c), 0u);
	KUNIT_EXPECT_TRUE(test, llf_child_is_huge(c));
	KUNIT_EXPECT_FALSE(test, llf_child_is_zeroed(c));
	/* The counter field holds 0..512 without touching the flags. */
	KUNIT_EXPECT_EQ(test, LLFREE_CHILD_FRAMES & ~LLF_CHILD_FREE_MASK, 0u);
	KUNIT_EXPECT_EQ(test, LLF_CHILD_FREE_MASK & (LLF_CHILD_HUGE | LLF_CHILD_ZEROED),
			0u);
}

static void child_take_put(struct kunit *test)
{
	u16 c = FULL;

	KUNIT_EXPECT_TRUE(test, llf_child_take(&c, 1));
	KUNIT_EXPECT_EQ(test, c, FULL - 1);
	KUNIT_EXPECT_TRUE(test, llf_child_take(&c, FULL - 1));
	KUNIT_EXPECT_EQ(test, c, 0);
	KUNIT_EXPECT_FALSE(test, llf_child_take(&c, 1));
	KUNIT_EXPECT_EQ(test, c, 0);

	llf_child_put(&c, 5);
	KUNIT_EXPECT_EQ(test, c, 5);
	KUNIT_EXPECT_FALSE(test, llf_child_take(&c, 6));
	KUNIT_EXPECT_EQ(test, c, 5);
	KUNIT_EXPECT_TRUE(test, llf_child_take(&c, 5));
	KUNIT_EXPECT_EQ(test, c, 0);
	llf_child_put(&c, FULL);
	KUNIT_EXPECT_EQ(test, c, FULL);
	KUNIT_EXPECT_TRUE(test, llf_child_take(&c, 256));
	KUNIT_EXPECT_EQ(test, c, 256);
}

/* Small allocations make the contents non-zero. */
static void child_take_clears_zeroed(struct kunit *test)
{
	u16 c = FULL | LLF_CHILD_ZEROED;

	KUNIT_EXPECT_TRUE(test, llf_child_take(&c, 1));
	KUNIT_EXPECT_EQ(test, c, FULL - 1);
	llf_child_put(&c, 1);
	KUNIT_EXPECT_EQ(test, c, FULL);
	KUNIT_EXPECT_FALSE(test, llf_child_is_zeroed(c));

	/* A refused take keeps the flag. */
	c = 3 | LLF_CHILD_ZEROED;
	KUNIT_EXPECT_FALSE(test, llf_child_take(&c, 4));
	KUNIT_EXPECT_EQ(test, c, 3 | LLF_CHILD_ZEROED);
}

static void child_take_refuses_huge(struct kunit *test)
{
	u16 c = LLF_CHILD_HUGE;

	KUNIT_EXPECT_FALSE(test, llf_child_take(&c, 1));
	KUNIT_EXPECT_EQ(test, c, LLF_CHILD_HUGE);
	KUNIT_EXPECT_FALSE(test, llf_child_take(&c, 0));
	KUNIT_EXPECT_EQ(test, c, LLF_CHILD_HUGE);
}

static void child_take_huge(struct kunit *test)
{
	bool zeroed = true;
	u16 c = FULL;

	KUNIT_EXPECT_TRUE(test, llf_child_take_huge(&c, &zeroed, false));
	KUNIT_EXPECT_FALSE(test, zeroed);
	KUNIT_EXPECT_EQ(test, c, LLF_CHILD_HUGE);

	c = FULL | LLF_CHILD_ZEROED;
	KUNIT_EXPECT_TRUE(test, llf_child_take_huge(&c, &zeroed, true));
	KUNIT_EXPECT_TRUE(test, zeroed);
	KUNIT_EXPECT_EQ(test, c, LLF_CHILD_HUGE);

	/* One frame missing, or already huge: refused, unchanged. */
	c = (FULL - 1) | LLF_CHILD_ZEROED;
	KUNIT_EXPECT_FALSE(test, llf_child_take_huge(&c, &zeroed, false));
	KUNIT_EXPECT_EQ(test, c, (FULL - 1) | LLF_CHILD_ZEROED);
	c = 0;
	KUNIT_EXPECT_FALSE(test, llf_child_take_huge(&c, &zeroed, false));
	KUNIT_EXPECT_EQ(test, c, 0);
	c = LLF_CHILD_HUGE;
	KUNIT_EXPECT_FALSE(test, llf_child_take_huge(&c, &zeroed, true));
	KUNIT_EXPECT_EQ(test, c, LLF_CHILD_HUGE);
}

static void child_put_huge(struct kunit *test)
{
	u16 c = LLF_CHILD_HUGE;

	KUNIT_EXPECT_EQ(test, llf_child_put_huge(&c, false, false), 0);
	KUNIT_EXPECT_EQ(test, c, FULL);
	c = LLF_CHILD_HUGE;
	KUNIT_EXPECT_EQ(test, llf_child_put_huge(&c, true, true), 0);
	KUNIT_EXPECT_EQ(test, c, FULL | LLF_CHILD_ZEROED);

	/* Double free and free of a small child: refused, unchanged. */
	KUNIT_EXPECT_EQ(test, llf_child_put_huge(&c, false, false),
			-LLFREE_ENOTALLOC);
	KUNIT_EXPECT_EQ(test, c, FULL | LLF_CHILD_ZEROED);
	c = 100;
	KUNIT_EXPECT_EQ(test, llf_child_put_huge(&c, true, false),
			-LLFREE_ENOTALLOC);
	KUNIT_EXPECT_EQ(test, c, 100);
	c = 0;
	KUNIT_EXPECT_EQ(test, llf_child_put_huge(&c, false, true),
			-LLFREE_ENOTALLOC);
	KUNIT_EXPECT_EQ(test, c, 0);
}

/*
 * A split marks the huge frame, then ends as 512 allocated small frames;
 * while it runs, nothing takes the child and a whole-frame free is refused.
 */
static void child_split(struct kunit *test)
{
	bool zeroed;
	u16 c = FULL | LLF_CHILD_ZEROED;

	KUNIT_ASSERT_TRUE(test, llf_child_take_huge(&c, &zeroed, false));
	KUNIT_EXPECT_TRUE(test, llf_child_split_begin(&c, true));
	KUNIT_EXPECT_EQ(test, c, LLF_CHILD_HUGE | LLF_CHILD_SPLIT);
	KUNIT_EXPECT_TRUE(test, llf_child_is_splitting(c));
	/* Only the first of two splits wins. */
	KUNIT_EXPECT_FALSE(test, llf_child_split_begin(&c, false));
	KUNIT_EXPECT_FALSE(test, llf_child_take(&c, 1));
	KUNIT_EXPECT_FALSE(test, llf_child_take_huge(&c, &zeroed, false));
	KUNIT_EXPECT_EQ(test, llf_child_put_huge(&c, false, false),
			-LLFREE_ENOTALLOC);
	KUNIT_EXPECT_EQ(test, c, LLF_CHILD_HUGE | LLF_CHILD_SPLIT);
	llf_child_split_end(&c, true);
	KUNIT_EXPECT_EQ(test, c, 0);
	KUNIT_EXPECT_FALSE(test, llf_child_split_begin(&c, false));

	/* A pending intent survives the split. */
	c = LLF_CHILD_HUGE | LLF_INTENT_PAIR << LLF_CHILD_INTENT_SHIFT;
	KUNIT_EXPECT_TRUE(test, llf_child_split_begin(&c, false));
	llf_child_split_end(&c, false);
	KUNIT_EXPECT_EQ(test, c, LLF_INTENT_PAIR << LLF_CHILD_INTENT_SHIFT);

	/* Not huge: nothing to split. */
	c = 7;
	KUNIT_EXPECT_FALSE(test, llf_child_split_begin(&c, false));
	KUNIT_EXPECT_EQ(test, c, 7);
	llf_child_put(&c, 1);
	KUNIT_EXPECT_EQ(test, c, 8);
}

static struct kunit_case llfree_child_cases[] = {
	KUNIT_CASE(child_accessors),
	KUNIT_CASE(child_take_put),
	KUNIT_CASE(child_take_clears_zeroed),
	KUNIT_CASE(child_take_refuses_huge),
	KUNIT_CASE(child_take_huge),
	KUNIT_CASE(child_put_huge),
	KUNIT_CASE(child_split),
	{}
};

static struct kunit_suite llfree_child_suite = {
	.name = "llfree_child",
	.test_cases = llfree_child_cases,
};

kunit_test_suites(&llfree_child_suite);
