// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for morsel level and span arithmetic (src/morsel/level.c),
 * with 4-level (P4D folded) and 5-level paging in the same boot.
 */
#include <kunit/test.h>
#include <linux/sizes.h>
#include "../src/morsel/level.h"

static void morsel_level_check_modes(struct kunit *test)
{
	u32 level;

	for (level = MORSEL_LEVEL_PTE; level <= MORSEL_LEVEL_PUD; level++) {
		KUNIT_EXPECT_EQ(test, morsel_level_check(level, false), 0);
		KUNIT_EXPECT_EQ(test, morsel_level_check(level, true), 0);
	}
	KUNIT_EXPECT_EQ(test, morsel_level_check(MORSEL_LEVEL_P4D, true), 0);
	KUNIT_EXPECT_EQ(test, morsel_level_check(MORSEL_LEVEL_P4D, false),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, morsel_level_check(0, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, morsel_level_check(5, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, morsel_level_check(~0u, false), -EINVAL);
}

static void morsel_level_spans(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, morsel_span(MORSEL_LEVEL_PTE), (u64)SZ_2M);
	KUNIT_EXPECT_EQ(test, morsel_span(MORSEL_LEVEL_PMD), (u64)SZ_1G);
	KUNIT_EXPECT_EQ(test, morsel_span(MORSEL_LEVEL_PUD), 512ULL << 30);
	KUNIT_EXPECT_EQ(test, morsel_span(MORSEL_LEVEL_P4D), 256ULL << 40);
	KUNIT_EXPECT_EQ(test, morsel_entry_shift(MORSEL_LEVEL_PTE), PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, morsel_entry_shift(MORSEL_LEVEL_PMD), PMD_SHIFT);
	KUNIT_EXPECT_EQ(test, morsel_entry_shift(MORSEL_LEVEL_PUD), PUD_SHIFT);
	KUNIT_EXPECT_EQ(test, morsel_entry_shift(MORSEL_LEVEL_P4D), 39u);
	KUNIT_EXPECT_EQ(test, morsel_span_shift(MORSEL_LEVEL_P4D), 48u);
}

static void morsel_level_indexes(struct kunit *test)
{
	u64 off = (3ULL << 39) | (5ULL << 30) | (7ULL << 21) | (9ULL << 12) | 123;

	KUNIT_EXPECT_EQ(test, morsel_table_index(MORSEL_LEVEL_PTE, off), 9u);
	KUNIT_EXPECT_EQ(test, morsel_table_index(MORSEL_LEVEL_PMD, off), 7u);
	KUNIT_EXPECT_EQ(test, morsel_table_index(MORSEL_LEVEL_PUD, off), 5u);
	KUNIT_EXPECT_EQ(test, morsel_table_index(MORSEL_LEVEL_P4D, off), 3u);
	KUNIT_EXPECT_EQ(test, morsel_table_index(MORSEL_LEVEL_PTE, SZ_2M - 1), 511u);
	KUNIT_EXPECT_EQ(test, morsel_table_index(MORSEL_LEVEL_PTE, SZ_2M), 0u);
}

static void morsel_level_addresses(struct kunit *test)
{
	u64 pud = morsel_span(MORSEL_LEVEL_PUD), p4d = morsel_span(MORSEL_LEVEL_P4D);

	KUNIT_EXPECT_EQ(test, morsel_user_limit(false), (1ULL << 47) - PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, morsel_user_limit(true), (1ULL << 56) - PAGE_SIZE);

	KUNIT_EXPECT_TRUE(test, morsel_addr_ok(MORSEL_LEVEL_PTE, SZ_2M, false));
	KUNIT_EXPECT_FALSE(test, morsel_addr_ok(MORSEL_LEVEL_PTE, SZ_2M + PAGE_SIZE, false));
	KUNIT_EXPECT_FALSE(test, morsel_addr_ok(MORSEL_LEVEL_PMD, SZ_2M, true));
	/* 255 PUD spans fit below 2^47 - 4 KiB, the 256th does not. */
	KUNIT_EXPECT_TRUE(test, morsel_addr_ok(MORSEL_LEVEL_PUD, 254 * pud, false));
	KUNIT_EXPECT_FALSE(test, morsel_addr_ok(MORSEL_LEVEL_PUD, 255 * pud, false));
	KUNIT_EXPECT_TRUE(test, morsel_addr_ok(MORSEL_LEVEL_PUD, 255 * pud, true));
	KUNIT_EXPECT_FALSE(test, morsel_addr_ok(MORSEL_LEVEL_P4D, p4d, false));
	KUNIT_EXPECT_TRUE(test, morsel_addr_ok(MORSEL_LEVEL_P4D, p4d, true));
	KUNIT_EXPECT_TRUE(test, morsel_addr_ok(MORSEL_LEVEL_P4D, 254 * p4d, true));
	KUNIT_EXPECT_FALSE(test, morsel_addr_ok(MORSEL_LEVEL_P4D, 255 * p4d, true));
	KUNIT_EXPECT_FALSE(test, morsel_addr_ok(MORSEL_LEVEL_PTE, ~0ULL << 21, true));
}

static void morsel_level_links(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, morsel_link_entry(MORSEL_LEVEL_PTE, false), MORSEL_LINK_PMD);
	KUNIT_EXPECT_EQ(test, morsel_link_entry(MORSEL_LEVEL_PTE, true), MORSEL_LINK_PMD);
	KUNIT_EXPECT_EQ(test, morsel_link_entry(MORSEL_LEVEL_PMD, false), MORSEL_LINK_PUD);
	KUNIT_EXPECT_EQ(test, morsel_link_entry(MORSEL_LEVEL_PMD, true), MORSEL_LINK_PUD);
	/* Folded P4D: the PUD-table morsel's link is the PGD entry. */
	KUNIT_EXPECT_EQ(test, morsel_link_entry(MORSEL_LEVEL_PUD, false), MORSEL_LINK_PGD);
	KUNIT_EXPECT_EQ(test, morsel_link_entry(MORSEL_LEVEL_PUD, true), MORSEL_LINK_P4D);
	KUNIT_EXPECT_EQ(test, morsel_link_entry(MORSEL_LEVEL_P4D, true), MORSEL_LINK_PGD);
}

static void morsel_level_table_counts(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, morsel_tables_for(MORSEL_LEVEL_PTE, PAGE_SIZE), 1ULL);
	KUNIT_EXPECT_EQ(test, morsel_tables_for(MORSEL_LEVEL_PMD, SZ_1G), 513ULL);
	KUNIT_EXPECT_EQ(test, morsel_tables_for(MORSEL_LEVEL_PMD, SZ_2M + PAGE_SIZE), 3ULL);
	KUNIT_EXPECT_EQ(test, morsel_tables_for(MORSEL_LEVEL_PUD, SZ_4M), 4ULL);
	KUNIT_EXPECT_EQ(test, morsel_tables_for(MORSEL_LEVEL_P4D, SZ_2M + PAGE_SIZE), 5ULL);
	KUNIT_EXPECT_EQ(test, morsel_tables_for(MORSEL_LEVEL_P4D, SZ_1G + SZ_2M), 517ULL);
}

static struct kunit_case morsel_level_cases[] = {
	KUNIT_CASE(morsel_level_check_modes),
	KUNIT_CASE(morsel_level_spans),
	KUNIT_CASE(morsel_level_indexes),
	KUNIT_CASE(morsel_level_addresses),
	KUNIT_CASE(morsel_level_links),
	KUNIT_CASE(morsel_level_table_counts),
	{}
};

static struct kunit_suite morsel_level_suite = {
	.name = "morsel_level",
	.test_cases = morsel_level_cases,
};
kunit_test_suites(&morsel_level_suite);
