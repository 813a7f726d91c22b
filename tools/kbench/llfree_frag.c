// SPDX-License-Identifier: GPL-2.0
/*
 * llfree_frag.ko: the kernel side of `make bench-frag`.
 *
 * hold_mb=N at load takes N MiB from buddy in 4 MiB blocks and keeps them
 * until unload, so that buddy manages the same amount of free memory in the
 * buddy phase as llfree.ko does in the LLFree phase. Writing 1 to
 * /sys/module/llfree_frag/parameters/count allocates 2 MiB frames without
 * reclaim or compaction until none is left, reports how many it got and
 * frees them:
 *   llfree_frag: counted N free 2 MiB frames
 */
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#define HOLD_ORDER MAX_PAGE_ORDER

static LIST_HEAD(held);
static unsigned int hold_mb;
module_param(hold_mb, uint, 0444);
MODULE_PARM_DESC(hold_mb, "MiB to take from buddy and hold until unload");

static void free_list(struct list_head *list, unsigned int order)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, list, lru) {
		list_del(&page->lru);
		__free_pages(page, order);
	}
}

/* What the allocator can hand out now: no reclaim, no compaction. */
static int count_set(const char *val, const struct kernel_param *kp)
{
	LIST_HEAD(list);
	unsigned long n = 0;
	bool go;
	int ret = kstrtobool(val, &go);

	if (ret || !go)
		return ret ? ret : -EINVAL;
	for (;;) {
		struct page *page = alloc_pages(__GFP_NOWARN | __GFP_COMP, 9);

		if (!page)
			break;
		list_add(&page->lru, &list);
		if (!(++n % 256))
			cond_resched();
	}
	free_list(&list, 9);
	pr_info("llfree_frag: counted %lu free 2 MiB frames\n", n);
	return 0;
}

static const struct kernel_param_ops count_ops = {
	.set = count_set,
};
module_param_cb(count, &count_ops, NULL, 0200);
MODULE_PARM_DESC(count, "Write 1: count the 2 MiB frames that can be allocated");

static int __init llfree_frag_init(void)
{
	unsigned long want = (unsigned long)hold_mb << (20 - PAGE_SHIFT);
	unsigned long got = 0;

	while (got < want) {
		struct page *page = alloc_pages(GFP_KERNEL | __GFP_NORETRY |
						__GFP_NOWARN, HOLD_ORDER);

		if (!page)
			break;
		list_add(&page->lru, &held);
		got += 1ul << HOLD_ORDER;
	}
	pr_info("llfree_frag: holding %lu MiB\n", got >> (20 - PAGE_SHIFT));
	return 0;
}

static void __exit llfree_frag_exit(void)
{
	free_list(&held, HOLD_ORDER);
}

module_init(llfree_frag_init);
module_exit(llfree_frag_exit);

MODULE_DESCRIPTION("Fragmentation benchmark helper: hold memory, count free 2 MiB frames");
MODULE_LICENSE("GPL");
