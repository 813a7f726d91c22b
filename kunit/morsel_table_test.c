// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for building and freeing morsel tables (src/morsel/table.c):
 * sparse population, holes, discard, limits, and counters back to zero.
 */
#include <linux/highmem.h>
#include <linux/sizes.h>
#include "morsel_test_util.h"

static u64 morsel_test_pages(struct morsel *m)
{
	return atomic_long_read(&m->pages);
}

static u64 morsel_test_tables(struct morsel *m)
{
	return atomic_long_read(&m->tables);
}

/* The last page of every level needs one table per level. */
static void morsel_table_one_page_per_level(struct kunit *test)
{
	struct morsel_test_counts before = morsel_test_counts();
	u32 top = morsel_l5() ? MORSEL_LEVEL_P4D : MORSEL_LEVEL_PUD;
	u32 level;

	for (level = MORSEL_LEVEL_PTE; level <= top; level++) {
		u64 span = morsel_span(level);
		struct morsel *m = morsel_test_new(test, level, span, 0);

		KUNIT_EXPECT_EQ(test, morsel_test_tables(m), 1ULL);
		KUNIT_EXPECT_EQ(test, morsel_populate(m, span - PAGE_SIZE, PAGE_SIZE), 0);
		KUNIT_EXPECT_EQ(test, morsel_test_pages(m), 1ULL);
		KUNIT_EXPECT_EQ(test, morsel_test_tables(m), (u64)level);
		KUNIT_EXPECT_EQ(test, morsel_test_tables(m),
				morsel_tables_for(level, PAGE_SIZE));
		morsel_put(m);
	}
	morsel_test_expect_counts(test, before);
}

static void morsel_table_sparse_fill_discard(struct kunit *test)
{
	struct morsel_test_counts before = morsel_test_counts();
	struct morsel *m = morsel_test_new(test, MORSEL_LEVEL_PMD, SZ_1G,
					   MORSEL_F_WRITABLE);
	struct page *page, *again;
	u32 *p;

	KUNIT_EXPECT_EQ(test, morsel_populate(m, 0, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, morsel_populate(m, SZ_1G - PAGE_SIZE, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, morsel_test_pages(m), 2ULL);
	KUNIT_EXPECT_EQ(test, morsel_test_tables(m), 3ULL);

	down_read(&m->rwsem);
	/* A hole in a present PTE table and one without a PTE table. */
	KUNIT_EXPECT_EQ(test, morsel_fill(m, PAGE_SIZE, false, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, morsel_fill(m, SZ_2M, false, NULL), -ENOENT);
	KUNIT_ASSERT_EQ(test, morsel_fill(m, 0, false, &page), 0);
	p = kmap_local_page(page);
	KUNIT_EXPECT_EQ(test, p[0], 0u);
	KUNIT_EXPECT_EQ(test, p[PAGE_SIZE / 4 - 1], 0u);
	p[1] = 0xabcd;
	kunmap_local(p);
	KUNIT_ASSERT_EQ(test, morsel_fill(m, 0, true, &again), 0);
	KUNIT_EXPECT_PTR_EQ(test, page, again);
	put_page(again);
	put_page(page);
	up_read(&m->rwsem);
	KUNIT_EXPECT_EQ(test, morsel_test_pages(m), 2ULL);

	down_write(&m->rwsem);
	morsel_revoke_locked(m);
	morsel_discard_locked(m, 0, SZ_2M);
	up_write(&m->rwsem);
	KUNIT_EXPECT_EQ(test, morsel_test_pages(m), 1ULL);
	KUNIT_EXPECT_EQ(test, morsel_test_tables(m), 3ULL);

	/* Refilled after a discard: zero again. */
	down_read(&m->rwsem);
	KUNIT_ASSERT_EQ(test, morsel_fill(m, 0, true, &page), 0);
	p = kmap_local_page(page);
	KUNIT_EXPECT_EQ(test, p[1], 0u);
	kunmap_local(p);
	put_page(page);
	up_read(&m->rwsem);

	KUNIT_EXPECT_EQ(test, morsel_destroy(m), 0);
	KUNIT_EXPECT_EQ(test, morsel_test_pages(m), 0ULL);
	KUNIT_EXPECT_EQ(test, morsel_test_tables(m), 0ULL);
	KUNIT_EXPECT_EQ(test, morsel_destroy(m), -EIDRM);
	KUNIT_EXPECT_EQ(test, morsel_populate(m, 0, PAGE_SIZE), -EIDRM);
	morsel_put(m);
	morsel_test_expect_counts(test, before);
}

static void morsel_table_page_limit(struct kunit *test)
{
	struct morsel_test_counts before = morsel_test_counts();
	unsigned long saved = morsel_max_pages_per_user;
	struct morsel *m = morsel_test_new(test, MORSEL_LEVEL_PTE, SZ_2M, 0);

	morsel_max_pages_per_user = 2;
	KUNIT_EXPECT_EQ(test, morsel_populate(m, 0, 3 * PAGE_SIZE), -EDQUOT);
	KUNIT_EXPECT_EQ(test, morsel_test_pages(m), 2ULL);
	morsel_max_pages_per_user = saved;
	KUNIT_EXPECT_EQ(test, morsel_populate(m, 0, 3 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, morsel_test_pages(m), 3ULL);
	morsel_put(m);
	morsel_test_expect_counts(test, before);
}

static void morsel_table_wrprotect(struct kunit *test)
{
	struct morsel_test_counts before = morsel_test_counts();
	struct morsel *m = morsel_test_new(test, MORSEL_LEVEL_PTE, SZ_2M,
					   MORSEL_F_WRITABLE);

	KUNIT_EXPECT_TRUE(test, morsel_leaves_writable(m));
	KUNIT_EXPECT_EQ(test, morsel_populate(m, 0, SZ_64K), 0);
	KUNIT_EXPECT_EQ(test, morsel_seal(m, MORSEL_SEAL_WRITE), 0);
	KUNIT_EXPECT_FALSE(test, morsel_leaves_writable(m));
	KUNIT_EXPECT_EQ(test, m->seals, MORSEL_SEAL_WRITE);
	KUNIT_EXPECT_EQ(test, morsel_seal(m, MORSEL_SEAL_DISCARD), 0);
	KUNIT_EXPECT_EQ(test, m->seals, MORSEL_SEAL_ALL);
	morsel_put(m);
	morsel_test_expect_counts(test, before);
}

static struct kunit_case morsel_table_cases[] = {
	KUNIT_CASE(morsel_table_one_page_per_level),
	KUNIT_CASE(morsel_table_sparse_fill_discard),
	KUNIT_CASE(morsel_table_page_limit),
	KUNIT_CASE(morsel_table_wrprotect),
	{}
};

static struct kunit_suite morsel_table_suite = {
	.name = "morsel_table",
	.test_cases = morsel_table_cases,
};
kunit_test_suites(&morsel_table_suite);
