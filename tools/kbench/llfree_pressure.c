// SPDX-License-Identifier: GPL-2.0
/*
 * llfree_pressure.ko: the watermark and reserve rules of the page-frame
 * backend (docs/hooks.md) under pressure, with llfree.ko holding most of
 * RAM. Loaded by tools/vm/pressure-test.sh; reports one line per check:
 *   llfree_pressure: PASS NAME   or   llfree_pressure: FAIL NAME: why
 *
 * - atomic-order3, atomic-order9: high-order GFP_ATOMIC requests are
 *   served (the backend's memory holds no watermark reserve);
 * - dma32: GFP_DMA32 requests get DMA32 pages;
 * - lowmem-reserve: Normal-capable GFP_NOWAIT requests until the first
 *   failure leave the DMA32 backend its lowmem_reserve for Normal, and a
 *   GFP_DMA32 request then still succeeds.
 */
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/vmstat.h>

#define NAME "llfree_pressure: "
/* Pages the per-CPU vmstat deltas may hide from zone_page_state(). */
#define RESERVE_SLACK 64

static void report(bool ok, const char *name, const char *why)
{
	if (ok)
		pr_info(NAME "PASS %s\n", name);
	else
		pr_info(NAME "FAIL %s: %s\n", name, why);
}

static void free_list(struct list_head *list, unsigned int order)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, list, lru) {
		list_del(&page->lru);
		__free_pages(page, order);
	}
}

/* Up to @max blocks of @order with @gfp; returns how many were served. */
static unsigned long grab(struct list_head *list, gfp_t gfp,
			  unsigned int order, unsigned long max)
{
	unsigned long n;

	for (n = 0; n < max; n++) {
		struct page *page = alloc_pages(gfp | __GFP_NOWARN, order);

		if (!page)
			break;
		list_add(&page->lru, list);
		if (!(n % 1024))
			cond_resched();
	}
	return n;
}

static void check_atomic(void)
{
	LIST_HEAD(list);
	unsigned long n;

	n = grab(&list, GFP_ATOMIC, 3, 64);
	free_list(&list, 3);
	report(n > 0, "atomic-order3", "no order-3 GFP_ATOMIC block");
	n = grab(&list, GFP_ATOMIC | __GFP_COMP, 9, 16);
	free_list(&list, 9);
	report(n > 0, "atomic-order9", "no order-9 GFP_ATOMIC block");
}

#ifdef CONFIG_ZONE_DMA32
/* The first populated zone of @type (for_each_populated_zone() is not exported). */
static struct zone *zone_of(enum zone_type type)
{
	int nid;

	for_each_online_node(nid) {
		struct zone *zone = &NODE_DATA(nid)->node_zones[type];

		if (populated_zone(zone))
			return zone;
	}
	return NULL;
}

static void check_dma32(void)
{
	LIST_HEAD(list);
	struct page *page;
	unsigned long n, wrong = 0;

	n = grab(&list, GFP_KERNEL | GFP_DMA32, 0, 1024);
	list_for_each_entry(page, &list, lru)
		if (page_zonenum(page) != ZONE_DMA32)
			wrong++;
	free_list(&list, 0);
	report(n == 1024 && !wrong, "dma32",
	       wrong ? "page outside ZONE_DMA32" : "GFP_DMA32 request failed");
}

static void check_lowmem_reserve(void)
{
	struct zone *dma32 = zone_of(ZONE_DMA32);
	LIST_HEAD(list);
	LIST_HEAD(extra);
	long start, left, keep;
	unsigned long n;

	if (!dma32 || !zone_of(ZONE_NORMAL)) {
		pr_info(NAME "SKIP lowmem-reserve: needs DMA32 and Normal zones\n");
		return;
	}
	start = zone_page_state_snapshot(dma32, NR_FREE_BACKEND_PAGES);
	keep = min_t(long, start, dma32->lowmem_reserve[ZONE_NORMAL]);
	n = grab(&list, GFP_NOWAIT, 0, totalram_pages());
	left = zone_page_state_snapshot(dma32, NR_FREE_BACKEND_PAGES);
	pr_info(NAME "lowmem-reserve: %lu pages taken; DMA32 backend free %ld -> %ld, reserve for Normal %ld\n",
		n, start, left, (long)dma32->lowmem_reserve[ZONE_NORMAL]);
	/*
	 * The hook compares with zone_page_state(), which lags the exact
	 * count by the per-CPU vmstat deltas (as buddy's own fast checks do).
	 */
	report(left >= keep - RESERVE_SLACK, "lowmem-reserve",
	       "Normal-capable requests drained the DMA32 backend's reserve");
	n = grab(&extra, GFP_NOWAIT | GFP_DMA32, 0, 1);
	report(n == 1, "lowmem-reserve-dma32",
	       "no GFP_DMA32 page left after the Normal-capable requests");
	free_list(&extra, 0);
	free_list(&list, 0);
}
#else
/* No DMA32 zone (User-Mode Linux builds this module too). */
static void check_dma32(void)
{
	pr_info(NAME "SKIP dma32: no ZONE_DMA32\n");
}

static void check_lowmem_reserve(void)
{
	pr_info(NAME "SKIP lowmem-reserve: no ZONE_DMA32\n");
}
#endif

static int __init llfree_pressure_init(void)
{
	check_atomic();
	check_dma32();
	check_lowmem_reserve();
	pr_info(NAME "done\n");
	return 0;
}

static void __exit llfree_pressure_exit(void)
{
}

module_init(llfree_pressure_init);
module_exit(llfree_pressure_exit);

MODULE_DESCRIPTION("Watermark and reserve rules of the page-frame backend under pressure");
MODULE_LICENSE("GPL");
