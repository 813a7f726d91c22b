// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of llfree.ko's page-allocator backend through the real hooks
 * (CONFIG_LLFREE_HOOKS): alloc_pages() and __free_pages() must reach LLFree,
 * accounting must stay truthful, and release must hand everything back.
 * Each case starts its own small backend; the kernel is otherwise idle.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/panic.h>
#include <linux/vmstat.h>

#include "backend.h"

#define TEST_PAGES (16ul << (20 - PAGE_SHIFT))
/* Metadata and the odd kernel allocation while a case runs. */
#define FREE_PAGES_SLACK 256

static void backend_exit(void *arg)
{
	llfree_backend_release();
}

static void start(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, llfree_backend_start(TEST_PAGES), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, backend_exit,
							NULL), 0);
}

static struct llfree_counters counters(void)
{
	struct llfree_counters c;

	llfree_backend_counters(&c);
	return c;
}

static long free_pages_now(void)
{
	return global_zone_page_state(NR_FREE_PAGES);
}

static void hook_start_keeps_memfree(struct kunit *test)
{
	long before = free_pages_now();
	struct llfree_summary sum;

	start(test);
	llfree_backend_summary(&sum);
	KUNIT_EXPECT_TRUE(test, sum.running);
	KUNIT_EXPECT_EQ(test, sum.managed, TEST_PAGES);
	KUNIT_EXPECT_EQ(test, sum.free, TEST_PAGES);
	/* Taken from buddy, donated back through the hook: still free. */
	KUNIT_EXPECT_LT(test, abs(free_pages_now() - before), FREE_PAGES_SLACK);
	KUNIT_EXPECT_EQ(test, llfree_backend_inspect(true, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, llfree_backend_start(TEST_PAGES), -EALREADY);
}

/* Allocate and free one block of @order; LLFree must serve both. */
static void roundtrip(struct kunit *test, unsigned int order, gfp_t gfp)
{
	struct llfree_counters before = counters(), after;
	struct llfree_summary sum;
	struct page *page;

	page = alloc_pages(gfp, order);
	KUNIT_ASSERT_NOT_NULL(test, page);
	after = counters();
	KUNIT_EXPECT_EQ(test, after.alloc[order], before.alloc[order] + 1);
	llfree_backend_summary(&sum);
	KUNIT_EXPECT_LE(test, sum.free, TEST_PAGES - (1ul << order));
	__free_pages(page, order);
	after = counters();
	KUNIT_EXPECT_EQ(test, after.free[order], before.free[order] + 1);
	KUNIT_EXPECT_EQ(test, after.free_error, before.free_error);
}

static void hook_serves_orders(struct kunit *test)
{
	struct llfree_counters before, after;

	start(test);
	before = counters();
	roundtrip(test, 0, GFP_KERNEL);
	roundtrip(test, 0, GFP_HIGHUSER_MOVABLE);
	roundtrip(test, 3, GFP_KERNEL);
	roundtrip(test, 9, GFP_KERNEL | __GFP_COMP);
	roundtrip(test, 10, GFP_KERNEL);
	after = counters();
	KUNIT_EXPECT_GE(test, after.class[LLFREE_MOVABLE],
			before.class[LLFREE_MOVABLE] + 1);
	KUNIT_EXPECT_GE(test, after.class[LLFREE_HUGE],
			before.class[LLFREE_HUGE] + 2);
	KUNIT_EXPECT_EQ(test, llfree_backend_inspect(true, NULL, NULL), 0);
}

/* A non-compound block split into pages comes back page by page. */
static void hook_split_page(struct kunit *test)
{
	struct llfree_counters before, after;
	struct page *page;
	int i;

	start(test);
	before = counters();
	page = alloc_pages(GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, page);
	split_page(page, 2);
	for (i = 0; i < 4; i++)
		__free_page(page + i);
	after = counters();
	KUNIT_EXPECT_EQ(test, after.alloc[2], before.alloc[2] + 1);
	KUNIT_EXPECT_EQ(test, after.free[0], before.free[0] + 4);
	KUNIT_EXPECT_EQ(test, after.free_error, before.free_error);
}

/* Empty LLFree falls back to buddy; one free makes it serve again. */
static void hook_fallback_when_empty(struct kunit *test)
{
	struct page **pages;
	struct llfree_counters before, after;
	struct llfree_summary sum;
	unsigned long i, n = 0;

	/* Before starting: the array itself must not come from LLFree. */
	pages = kunit_kcalloc(test, TEST_PAGES + 64, sizeof(*pages),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	start(test);
	before = counters();
	for (i = 0; i < TEST_PAGES + 64; i++) {
		pages[n] = alloc_page(GFP_KERNEL);
		if (pages[n])
			n++;
	}
	after = counters();
	llfree_backend_summary(&sum);
	KUNIT_EXPECT_EQ(test, sum.free, 0ul);
	KUNIT_EXPECT_GT(test, after.fallback, before.fallback);
	for (i = 0; i < n; i++)
		__free_page(pages[i]);
	llfree_backend_summary(&sum);
	KUNIT_EXPECT_EQ(test, sum.free, TEST_PAGES);
	roundtrip(test, 0, GFP_KERNEL);
}

/* Release with a page out: it is handed over and later freed to buddy. */
static void hook_release_hands_over(struct kunit *test)
{
	long before = free_pages_now();
	struct llfree_counters c;
	struct llfree_summary sum;
	struct page *page;

	KUNIT_ASSERT_EQ(test, llfree_backend_start(TEST_PAGES), 0);
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	llfree_backend_release();
	llfree_backend_summary(&sum);
	KUNIT_EXPECT_FALSE(test, sum.running);
	c = counters();
	__free_page(page);
	KUNIT_EXPECT_EQ(test, counters().free[0], c.free[0]);
	KUNIT_EXPECT_LT(test, abs(free_pages_now() - before), FREE_PAGES_SLACK);
	/* And the backend can be started again. */
	start(test);
	roundtrip(test, 0, GFP_KERNEL);
}

/*
 * LLFREE_FAST_FREE: a tail page in a state the kernel's free checks reject
 * (PG_private left set) no longer stops a high-order free of our frames, and
 * the flag is still reset. With the checks, the block would be reported as a
 * bad page and leaked instead of reaching LLFree.
 */
static void hook_fast_free_skips_tail_checks(struct kunit *test)
{
	bool tainted = test_taint(TAINT_BAD_PAGE);
	struct llfree_counters before, after;
	struct page *page;

	if (!IS_ENABLED(CONFIG_LLFREE_FAST_FREE) || !IS_ENABLED(CONFIG_DEBUG_VM))
		kunit_skip(test, "needs LLFREE_FAST_FREE and DEBUG_VM (page checks)");
	start(test);
	before = counters();
	page = alloc_pages(GFP_KERNEL, 3);
	KUNIT_ASSERT_NOT_NULL(test, page);
	SetPagePrivate(page + 5);
	__free_pages(page, 3);
	after = counters();
	KUNIT_EXPECT_EQ(test, after.free[3], before.free[3] + 1);
	KUNIT_EXPECT_FALSE(test, PagePrivate(page + 5));
	KUNIT_EXPECT_EQ(test, test_taint(TAINT_BAD_PAGE), tainted);
	KUNIT_EXPECT_EQ(test, llfree_backend_inspect(true, NULL, NULL), 0);
}

static struct kunit_case hook_backend_cases[] = {
	KUNIT_CASE(hook_start_keeps_memfree),
	KUNIT_CASE(hook_serves_orders),
	KUNIT_CASE(hook_split_page),
	KUNIT_CASE(hook_fallback_when_empty),
	KUNIT_CASE(hook_release_hands_over),
	KUNIT_CASE(hook_fast_free_skips_tail_checks),
	{}
};

static struct kunit_suite hook_backend_suite = {
	.name = "llfree_hook_backend",
	.test_cases = hook_backend_cases,
};

kunit_test_suites(&hook_backend_suite);
