// SPDX-License-Identifier: GPL-2.0
/*
 * llfree.ko: the LLFree allocator core, its KUnit suites and, on kernels
 * with the hook patch (CONFIG_LLFREE_HOOKS), the page-allocator backend.
 */
#include <linux/mm.h>
#include <linux/module.h>

#include "backend.h"
#include "platform.h"

static unsigned int size_mb;
module_param(size_mb, uint, 0444);
MODULE_PARM_DESC(size_mb,
		 "MiB of RAM to take from buddy and serve (overrides percent)");

static unsigned int percent = 25;
module_param(percent, uint, 0444);
MODULE_PARM_DESC(percent,
		 "Share of RAM to take from buddy when size_mb is 0 (1-90, default 25)");

/* Built in (the KUnit kernel), taking memory at boot must be asked for. */
static bool takeover = IS_MODULE(CONFIG_LLFREE);
module_param(takeover, bool, 0444);
MODULE_PARM_DESC(takeover,
		 "Serve page allocations at load (default: yes as a module)");

static unsigned long pages_to_take(void)
{
	if (size_mb)
		return (unsigned long)size_mb << (20 - PAGE_SHIFT);
	return totalram_pages() / 100 * percent;
}

static int __init llfree_module_init(void)
{
	int err;

	pr_info("llfree: allocator core loaded (%u children per tree)\n",
		1u << LLFREE_TREE_ORDER);
	if (!IS_ENABLED(CONFIG_LLFREE_HOOKS)) {
		pr_info("llfree: kernel lacks CONFIG_LLFREE_HOOKS; core only\n");
		return 0;
	}
	if (!size_mb && (percent < 1 || percent > 90)) {
		pr_err("llfree: percent=%u out of range 1-90\n", percent);
		return -EINVAL;
	}
	err = llfree_pcp_check_param();
	if (err)
		return err;
	err = llfree_backend_init();
	if (err)
		return err;
	err = llfree_stats_init();
	if (err)
		goto backend;
	if (takeover) {
		err = llfree_backend_start(pages_to_take());
		if (err)
			goto stats;
	}
	return 0;
stats:
	llfree_stats_exit();
backend:
	llfree_backend_exit();
	return err;
}

static void __exit llfree_module_exit(void)
{
	if (!IS_ENABLED(CONFIG_LLFREE_HOOKS))
		return;
	llfree_stats_exit();
	llfree_backend_exit();
}

module_init(llfree_module_init);
module_exit(llfree_module_exit);

MODULE_DESCRIPTION("LLFree lock-free page-frame allocator");
MODULE_LICENSE("GPL");
