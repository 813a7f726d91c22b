// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of llfree.ko's page-allocator backend through the real hooks
 * (CONFIG_LLFREE_HOOKS): alloc_pages() and __free_pages() must reach LLFree,
 * accounting must stay truthful, and release must hand everything back.
 * Each case starts its own small backend, which the rest of the kernel uses
 * too while the case runs (see STAT_SLACK).
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/panic.h>
#include <linux/sched.h>
#include <linux/vmstat.h>

#include "backend.h"

/* drain_all_pages(), drain_local_pages(), zone_watermark_ok() (hook patch). */
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define TEST_PAGES (16ul << (20 - PAGE_SHIFT))
/* Metadata and the odd kernel allocation while a case runs. */
#define FREE_PAGES_SLACK 256
/*
 * The rest of the kernel keeps allocating while a case runs, from LLFree
 * too: the event counters are global sums that others only add to, and
 * others may hold some of the backend's frames when a case expects all of
 * them free. STAT_SLACK bounds others' events between two nearby reads,
 * OTHERS_SLACK the frames they hold at one time (up to 26 seen at a
 * release). Each check's signal is larger.
 */
#define STAT_SLACK 8
#define OTHERS_SLACK 32ul

static void backend_exit(void *arg)
{
	llfree_backend_release();
}

static void restore_pcp_frames(void *old)
{
	llfree_pcp_frames = (unsigned long)old;
}

/* Per-CPU cache size for the backend the case starts next. */
static void set_pcp_frames(struct kunit *test, unsigned int frames)
{
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, restore_pcp_frames,
			(void *)(unsigned long)llfree_pcp_frames), 0);
	llfree_pcp_frames = frames;
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

/* @got events counted where this case caused @want: others add a few. */
static void expect_events(struct kunit *test, u64 got, u64 want)
{
	KUNIT_EXPECT_GE(test, got, want);
	KUNIT_EXPECT_LE(test, got, want + STAT_SLACK);
}

/* All of the backend's frames are free but what others hold. */
static void expect_all_free(struct kunit *test)
{
	struct llfree_summary sum;

	llfree_backend_summary(&sum);
	KUNIT_EXPECT_LE(test, sum.free, TEST_PAGES);
	KUNIT_EXPECT_GE(test, sum.free, TEST_PAGES - OTHERS_SLACK);
}

static long free_pages_now(void)
{
	return global_zone_page_state(NR_FREE_PAGES);
}

/*
 * The populated zone after @zone (NULL: the first), or NULL: as
 * for_each_populated_zone(), whose helpers modules cannot use.
 */
static struct zone *next_populated_zone(struct zone *zone)
{
	int nid = zone ? zone_to_nid(zone) : first_online_node;
	int z = zone ? zone_idx(zone) + 1 : 0;

	for (; nid < MAX_NUMNODES; nid = next_online_node(nid), z = 0) {
		for (; z < MAX_NR_ZONES; z++) {
			zone = &NODE_DATA(nid)->node_zones[z];
			if (populated_zone(zone))
				return zone;
		}
	}
	return NULL;
}

/* The kernel's count of frames free in the backend, exact (snapshot). */
static long backend_free_stat(void)
{
	struct zone *zone = NULL;
	long sum = 0;

	while ((zone = next_populated_zone(zone)))
		sum += zone_page_state_snapshot(zone, NR_FREE_BACKEND_PAGES);
	return sum;
}

static void hook_start_keeps_memfree(struct kunit *test)
{
	long before = free_pages_now();
	struct llfree_summary sum;

	start(test);
	llfree_backend_summary(&sum);
	KUNIT_EXPECT_TRUE(test, sum.running);
	KUNIT_EXPECT_EQ(test, sum.managed, TEST_PAGES);
	/*
	 * All free, but for what the rest of the kernel (other CPUs, the
	 * loader of this module) took since the backend began serving.
	 */
	KUNIT_EXPECT_LE(test, sum.free, TEST_PAGES);
	KUNIT_EXPECT_GT(test, sum.free, TEST_PAGES - FREE_PAGES_SLACK);
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
	expect_events(test, after.alloc[order] - before.alloc[order], 1);
	llfree_backend_summary(&sum);
	KUNIT_EXPECT_LE(test, sum.free, TEST_PAGES - (1ul << order));
	__free_pages(page, order);
	after = counters();
	expect_events(test, after.free[order] - before.free[order], 1);
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
	/* No per-CPU caches: another CPU's would hide free frames from us. */
	set_pcp_frames(test, 0);
	start(test);
	before = counters();
	for (i = 0; i < TEST_PAGES + 64; i++) {
		pages[n] = alloc_page(GFP_KERNEL);
		if (pages[n])
			n++;
	}
	after = counters();
	llfree_backend_summary(&sum);
	KUNIT_EXPECT_EQ(test, n, TEST_PAGES + 64);
	KUNIT_EXPECT_LE(test, sum.free, OTHERS_SLACK);
	KUNIT_EXPECT_GE(test, after.alloc[0] - before.alloc[0],
			TEST_PAGES - OTHERS_SLACK);
	KUNIT_EXPECT_GT(test, after.fallback, before.fallback);
	for (i = 0; i < n; i++)
		__free_page(pages[i]);
	expect_all_free(test);
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
	expect_events(test, after.free[3] - before.free[3], 1);
	KUNIT_EXPECT_FALSE(test, PagePrivate(page + 5));
	KUNIT_EXPECT_EQ(test, test_taint(TAINT_BAD_PAGE), tainted);
	KUNIT_EXPECT_EQ(test, llfree_backend_inspect(true, NULL, NULL), 0);
}

/*
 * A free LLFree refuses leaves the block allocated, so nothing may count it
 * as free memory: here 64 double frees (of pages freed once, still free in
 * LLFree; the per-CPU cache, which cannot tell, is off). The kernel's count
 * of backend-free frames must move with LLFree's own, not with the frees.
 */
#define REFUSED 64
static void hook_refused_free_not_counted(struct kunit *test)
{
	struct llfree_counters before, after;
	struct llfree_summary s0, s1;
	struct page *pages[REFUSED];
	long stat0, stat1;
	int i;

	set_pcp_frames(test, 0);
	start(test);
	for (i = 0; i < REFUSED; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	for (i = 0; i < REFUSED; i++)
		__free_page(pages[i]);
	before = counters();
	llfree_backend_summary(&s0);
	stat0 = backend_free_stat();
	for (i = 0; i < REFUSED; i++) {
		set_page_count(pages[i], 1);
		__free_page(pages[i]);
	}
	after = counters();
	llfree_backend_summary(&s1);
	stat1 = backend_free_stat();
	KUNIT_EXPECT_EQ(test, after.free_error, before.free_error + REFUSED);
	KUNIT_EXPECT_LT(test, after.free[0] - before.free[0], REFUSED / 2ull);
	KUNIT_EXPECT_LT(test, abs((stat1 - stat0) - (long)(s1.free - s0.free)),
			REFUSED / 2);
	KUNIT_EXPECT_EQ(test, llfree_backend_inspect(true, NULL, NULL), 0);
}

/*
 * Buddy's watermark checks see only buddy's free pages: a mark between
 * buddy's own free pages and all free pages of a zone (backend included)
 * must fail, one below buddy's own must pass (issue 11, 4b).
 */
static void hook_watermark_ignores_backend(struct kunit *test)
{
	struct zone *zone = NULL;
	int checked = 0;

	start(test);
	while ((zone = next_populated_zone(zone))) {
		long backend = zone_page_state_snapshot(zone,
							NR_FREE_BACKEND_PAGES);
		long free = zone_page_state_snapshot(zone, NR_FREE_PAGES);
		long buddy = free - backend -
			     (long)READ_ONCE(zone->nr_free_highatomic);

		if (backend < 1024)
			continue;
		checked++;
		KUNIT_EXPECT_FALSE_MSG(test,
				       zone_watermark_ok(zone, 0, buddy + backend / 2,
							 zone_idx(zone), 0),
				       "zone %s: backend frames counted as buddy's",
				       zone->name);
		KUNIT_EXPECT_TRUE_MSG(test,
				      zone_watermark_ok(zone, 0, buddy - 512,
							zone_idx(zone), 0),
				      "zone %s: buddy's own pages not counted",
				      zone->name);
	}
	KUNIT_EXPECT_GT(test, checked, 0);
}

/* The kernel counts exactly LLFree's free frames as the backend's. */
static void hook_backend_stat_matches(struct kunit *test)
{
	struct llfree_summary sum;
	struct page *page;
	long stat0 = backend_free_stat();

	start(test);
	llfree_backend_summary(&sum);
	KUNIT_EXPECT_LT(test, abs(backend_free_stat() - stat0 - (long)sum.free),
			STAT_SLACK);
	page = alloc_pages(GFP_KERNEL, 9);
	KUNIT_ASSERT_NOT_NULL(test, page);
	llfree_backend_summary(&sum);
	KUNIT_EXPECT_LT(test, abs(backend_free_stat() - stat0 - (long)sum.free),
			STAT_SLACK);
	__free_pages(page, 9);
	llfree_backend_release();
	KUNIT_EXPECT_EQ(test, backend_free_stat(), stat0);
}

/*
 * Frames in the per-CPU cache count as free (LLFree's summary and the
 * kernel's counters), and drain_all_pages() and drain_local_pages() give
 * them back to the core. Were they not counted, a drain would raise the
 * free count by the PCP_TEST frames cached, far more than STAT_SLACK.
 */
#define PCP_TEST 32
static void hook_pcp_counts_free_and_drains(struct kunit *test)
{
	struct llfree_summary sum, drained;
	struct page *pages[PCP_TEST];
	long stat0 = backend_free_stat();
	int i;

	set_pcp_frames(test, 64);
	start(test);
	migrate_disable();
	for (i = 0; i < PCP_TEST; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i])
			break;
	}
	while (i--)
		__free_page(pages[i]);
	llfree_backend_summary(&sum);
	KUNIT_EXPECT_GE(test, sum.cached, (unsigned long)PCP_TEST - STAT_SLACK);
	expect_all_free(test);
	KUNIT_EXPECT_LT(test, abs(backend_free_stat() - stat0 - (long)sum.free),
			STAT_SLACK);
	preempt_disable();
	drain_local_pages(NULL);
	preempt_enable();
	migrate_enable();
	llfree_backend_summary(&drained);
	KUNIT_EXPECT_LT(test, drained.cached, (unsigned long)STAT_SLACK);
	KUNIT_EXPECT_LT(test, abs((long)drained.free - (long)sum.free),
			STAT_SLACK);

	for (i = 0; i < PCP_TEST; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, pages[i]);
	}
	for (i = 0; i < PCP_TEST; i++)
		__free_page(pages[i]);
	llfree_backend_summary(&sum);
	KUNIT_EXPECT_GT(test, sum.cached, 0ul);
	drain_all_pages(NULL);
	llfree_backend_summary(&drained);
	KUNIT_EXPECT_LT(test, drained.cached, (unsigned long)STAT_SLACK);
	KUNIT_EXPECT_LT(test, abs((long)drained.free - (long)sum.free),
			STAT_SLACK);
	expect_all_free(test);
	KUNIT_EXPECT_EQ(test, llfree_backend_inspect(true, NULL, NULL), 0);
}

/* Cached frames are served again, and release leaves none behind. */
static void hook_pcp_serves_and_releases(struct kunit *test)
{
	struct llfree_counters before, after;
	long before_free = free_pages_now();
	struct page *page;
	int i;

	set_pcp_frames(test, 64);
	start(test);
	before = counters();
	for (i = 0; i < 100; i++) {
		page = alloc_pages(GFP_KERNEL, i % 4);
		KUNIT_ASSERT_NOT_NULL(test, page);
		__free_pages(page, i % 4);
	}
	after = counters();
	expect_events(test, after.alloc[0] - before.alloc[0], 25);
	expect_events(test, after.free[3] - before.free[3], 25);
	KUNIT_EXPECT_EQ(test, after.free_error, before.free_error);
	llfree_backend_release();
	KUNIT_EXPECT_LT(test, abs(free_pages_now() - before_free),
			FREE_PAGES_SLACK);
}

static struct kunit_case hook_backend_cases[] = {
	KUNIT_CASE(hook_start_keeps_memfree),
	KUNIT_CASE(hook_serves_orders),
	KUNIT_CASE(hook_split_page),
	KUNIT_CASE(hook_fallback_when_empty),
	KUNIT_CASE(hook_release_hands_over),
	KUNIT_CASE(hook_fast_free_skips_tail_checks),
	KUNIT_CASE(hook_refused_free_not_counted),
	KUNIT_CASE(hook_backend_stat_matches),
	KUNIT_CASE(hook_watermark_ignores_backend),
	KUNIT_CASE(hook_pcp_counts_free_and_drains),
	KUNIT_CASE(hook_pcp_serves_and_releases),
	{}
};

static struct kunit_suite hook_backend_suite = {
	.name = "llfree_hook_backend",
	.test_cases = hook_backend_cases,
};

kunit_test_suites(&hook_backend_suite);
