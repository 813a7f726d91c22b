// SPDX-License-Identifier: GPL-2.0
/*
 * llfree.ko: the LLFree allocator core and its KUnit suites. The takeover of
 * page-allocator memory through the hook patch builds on this module.
 */
#include <linux/module.h>

#include "platform.h"

static int __init llfree_module_init(void)
{
	pr_info("llfree: allocator core loaded (%u children per tree)\n",
		1u << LLFREE_TREE_ORDER);
	return 0;
}

static void __exit llfree_module_exit(void)
{
}

module_init(llfree_module_init);
module_exit(llfree_module_exit);

MODULE_DESCRIPTION("LLFree lock-free page-frame allocator");
MODULE_LICENSE("GPL");
