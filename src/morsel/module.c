// SPDX-License-Identifier: GPL-2.0
/*
 * morsel.ko: page-table subtrees as shareable memory objects (Morsels,
 * DIMES'23) on a kernel with the morsel hooks (CONFIG_MORSEL_HOOKS).
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <xen/xen.h>
#include "morsel.h"

#define CREATE_TRACE_POINTS
#include "morsel_trace.h"

/* Not given at load: a quarter of RAM (morsel_init()). */
#define MORSEL_PAGES_AUTO	ULONG_MAX
unsigned long morsel_max_pages_per_user = MORSEL_PAGES_AUTO;
module_param_named(max_pages_per_user, morsel_max_pages_per_user, ulong, 0644);
MODULE_PARM_DESC(max_pages_per_user,
		 "Pages (data and page tables) all morsels created by one user may pin (default: a quarter of RAM; 0: no limit; memcg limits still apply)");

unsigned int morsel_max_morsels_per_user = 1024;
module_param_named(max_morsels_per_user, morsel_max_morsels_per_user, uint, 0644);
MODULE_PARM_DESC(max_morsels_per_user,
		 "Morsels one user may have at a time (0: no limit; default 1024)");

static int __init morsel_init(void)
{
	int ret;

	/* Xen PV pins page tables per pgd: a shared subtree cannot be. */
	if (xen_pv_domain()) {
		pr_err("morsel: not supported in a Xen PV guest\n");
		return -ENODEV;
	}
	/* Morsel memory cannot be reclaimed: no user may pin all of it. */
	if (morsel_max_pages_per_user == MORSEL_PAGES_AUTO)
		morsel_max_pages_per_user = totalram_pages() / 4;
	ret = morsel_fs_init();
	if (ret)
		return ret;
	ret = morsel_stats_init();
	if (ret)
		goto err_fs;
	ret = morsel_dev_init();
	if (ret)
		goto err_stats;
	pr_info("morsel: /dev/morsel ready, %d-level paging\n", morsel_l5() ? 5 : 4);
	return 0;
err_stats:
	morsel_stats_exit();
err_fs:
	morsel_fs_exit();
	return ret;
}

static void __exit morsel_exit(void)
{
	morsel_dev_exit();
	morsel_stats_exit();
	morsel_fs_exit();
}

module_init(morsel_init);
module_exit(morsel_exit);
MODULE_DESCRIPTION("Morsels: page-table subtrees as shareable memory objects");
MODULE_LICENSE("GPL");
