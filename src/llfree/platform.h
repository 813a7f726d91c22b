/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The allocator core is portable: everything that differs between the kernel
 * and user space (atomics, bit tricks, cache flushes) comes from one of the two
 * headers below, and nothing else in the core tests for __KERNEL__.
 */
#ifndef LLFREE_PLATFORM_H
#define LLFREE_PLATFORM_H

#include <llfree/llfree.h>

#ifdef __KERNEL__
#include "platform_kernel.h"
#else
#include "platform_user.h"
#endif

/* Children (2 MiB each) per tree: 2^LLFREE_TREE_ORDER, default 8 = 16 MiB. */
#ifndef LLFREE_TREE_ORDER
#define LLFREE_TREE_ORDER 3
#endif

#endif /* LLFREE_PLATFORM_H */
