/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel flavour of the platform layer: see platform.h. */
#ifndef LLFREE_PLATFORM_KERNEL_H
#define LLFREE_PLATFORM_KERNEL_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/irqflags.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/processor.h>
#include <linux/string.h>
#include <asm/cacheflush.h>

#ifdef CONFIG_LLFREE_TREE_HUGE_ORDER
#define LLFREE_TREE_ORDER CONFIG_LLFREE_TREE_HUGE_ORDER
#endif

#define LLF_CACHELINE L1_CACHE_BYTES

/*
 * Loads acquire and stores release, pairing with each other and with CAS and
 * RMW, which are full barriers (x86 LOCK prefix).
 */
#define llf_load(p) smp_load_acquire(p)
/* Release: pairs with the acquire in llf_load(). */
#define llf_store(p, v) smp_store_release(p, v)
#define llf_cas(p, expp, v) try_cmpxchg(p, expp, v)
#define llf_fetch_add(p, v) ((typeof(*(p)))(xadd(p, v)))
#define llf_relax() cpu_relax()
/*
 * The one place a CPU may wait for another (splitting a huge frame) runs
 * with interrupts off, so that the wait is a few stores long and never on
 * an interrupted splitter of the same CPU.
 */
#define llf_irq_save(flags) local_irq_save(flags)
#define llf_irq_restore(flags) local_irq_restore(flags)

static inline u32 llf_popcount64(u64 x)
{
	return hweight64(x);
}

/* Index of the lowest set bit; x must not be zero. */
static inline u32 llf_ctz64(u64 x)
{
	return __ffs64(x);
}

/*
 * Write back the cache line holding @p (persistent mode only). User-Mode
 * Linux (an x86_64 host process) has no clflush_cache_range(), but the
 * instruction itself is unprivileged.
 */
#ifdef CONFIG_UML
static inline void llf_flush(const void *p)
{
	asm volatile ("clflush %0" : "+m" (*(volatile char *)p));
}
#else
static inline void llf_flush(const void *p)
{
	clflush_cache_range((void *)p, 1);
}
#endif

/* Order earlier flushes before later stores. */
static inline void llf_fence(void)
{
	/* Orders the flushes above before any later store. */
	wmb();
}

#endif /* LLFREE_PLATFORM_KERNEL_H */
