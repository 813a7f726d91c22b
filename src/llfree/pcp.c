// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU frame cache in front of the LLFree core, for orders below
 * LLFREE_PCP_ORDERS: a free pushes the frame on this CPU's stack for its
 * order, an allocation pops it, so the alloc+free pair that buddy's pcp
 * lists make cheap costs a lock-free core nothing here either.
 *
 * Honest: a cached frame stays allocated in the core but counts as free
 * everywhere the kernel looks (the hooks count it in NR_FREE_PAGES when it
 * is freed) and in /sys/kernel/mm/llfree/free; the cache is bounded by
 * pcp_frames per CPU and zone, and is emptied by drain_all_pages() and
 * drain_local_pages(), when a free finds its zone below the low watermark,
 * when a CPU goes away, and on release. The trade-off against LLFree's "no
 * hidden free memory" is in docs/llfree-module.md.
 *
 * Each CPU's cache has a busy flag, taken with a compare-and-swap, so that
 * a drain can empty it from another CPU. Its owner only tries to take it,
 * with preemption off; if it is held (an interrupt came in while this CPU
 * was working on its cache, or a drain is running) the frame simply goes
 * to or comes from the core. So the cache never disables interrupts, which
 * is most of what a lock would cost here (and all of it under UML).
 */
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <linux/processor.h>
#include <linux/slab.h>
#include <linux/vmstat.h>

#include "backend.h"

/* Upper bound of pcp_frames: 4 MiB per CPU and zone. */
#define LLFREE_PCP_MAX 1024

unsigned int llfree_pcp_frames = 256;
module_param_named(pcp_frames, llfree_pcp_frames, uint, 0444);
MODULE_PARM_DESC(pcp_frames,
		 "Frames of orders 0-3 cached per CPU and zone in front of LLFree (0 = off, max 1024, default 256)");

/**
 * llfree_pcp_check_param() - validate the pcp_frames module parameter.
 *
 * Return: 0, or -EINVAL if it is above the maximum.
 */
int llfree_pcp_check_param(void)
{
	if (llfree_pcp_frames > LLFREE_PCP_MAX) {
		pr_err("llfree: pcp_frames=%u above the maximum %u\n",
		       llfree_pcp_frames, LLFREE_PCP_MAX);
		return -EINVAL;
	}
	return 0;
}

/* Entries of the stack for @order: the frames budget split evenly. */
static unsigned int pcp_capacity(unsigned int order)
{
	return llfree_pcp_frames >> order;
}

/**
 * llfree_pcp_create() - give an instance its per-CPU caches.
 * @lz: the instance.
 *
 * With pcp_frames = 0 the instance gets none and every call below is a
 * no-op.
 *
 * Return: 0 or -ENOMEM.
 */
int llfree_pcp_create(struct llfree_zone *lz)
{
	unsigned int order, entries = 0;
	int cpu;

	if (!llfree_pcp_frames)
		return 0;
	for (order = 0; order < LLFREE_PCP_ORDERS; order++)
		entries += pcp_capacity(order);
	lz->pcp = alloc_percpu(struct llfree_pcp);
	if (!lz->pcp)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct llfree_pcp *pcp = per_cpu_ptr(lz->pcp, cpu);
		u64 *stack = kcalloc_node(entries, sizeof(*stack), GFP_KERNEL,
					  cpu_to_node(cpu));

		atomic_set(&pcp->busy, 0);
		if (!stack)
			return -ENOMEM;
		for (order = 0; order < LLFREE_PCP_ORDERS; order++) {
			pcp->frames[order] = stack;
			stack += pcp_capacity(order);
		}
	}
	return 0;
}

/**
 * llfree_pcp_destroy() - free the caches of an instance (drained or not
 * serving any more).
 * @lz: the instance.
 */
void llfree_pcp_destroy(struct llfree_zone *lz)
{
	int cpu;

	if (!lz->pcp)
		return;
	for_each_possible_cpu(cpu)
		kfree(per_cpu_ptr(lz->pcp, cpu)->frames[0]);
	free_percpu(lz->pcp);
	lz->pcp = NULL;
}

/* This CPU's cache, taken; NULL if it is busy. Preemption stays off. */
static struct llfree_pcp *pcp_try_own(struct llfree_zone *lz)
{
	struct llfree_pcp *pcp;
	int idle = 0;

	preempt_disable();
	pcp = this_cpu_ptr(lz->pcp);
	if (atomic_try_cmpxchg_acquire(&pcp->busy, &idle, 1))
		return pcp;
	preempt_enable();
	return NULL;
}

static void pcp_release(struct llfree_pcp *pcp)
{
	atomic_set_release(&pcp->busy, 0);
}

static void pcp_unown(struct llfree_pcp *pcp)
{
	pcp_release(pcp);
	preempt_enable();
}

/**
 * llfree_pcp_get() - take a cached frame of @order on this CPU.
 * @lz: the instance.
 * @order: below LLFREE_PCP_ORDERS.
 * @frame: set to the frame.
 *
 * Return: true if the cache had one.
 */
bool llfree_pcp_get(struct llfree_zone *lz, unsigned int order, u64 *frame)
{
	struct llfree_pcp *pcp = pcp_try_own(lz);
	bool hit = false;

	if (!pcp)
		return false;
	if (pcp->count[order]) {
		*frame = pcp->frames[order][--pcp->count[order]];
		WRITE_ONCE(pcp->cached, pcp->cached - (1u << order));
		hit = true;
	}
	pcp_unown(pcp);
	return hit;
}

/* Give every frame of one CPU's cache back to the core; cache held. */
static void pcp_empty(struct llfree_zone *lz, struct llfree_pcp *pcp)
{
	unsigned int order;

	for (order = 0; order < LLFREE_PCP_ORDERS; order++)
		while (pcp->count[order])
			llfree_backend_give_back(lz, pcp->frames[order]
						 [--pcp->count[order]], order);
	WRITE_ONCE(pcp->cached, 0);
}

/**
 * llfree_pcp_put() - cache a frame of @order that is being freed.
 * @lz: the instance.
 * @order: below LLFREE_PCP_ORDERS.
 * @frame: the frame, allocated in the core.
 *
 * A zone below its low watermark gets its memory back in the core, where
 * every CPU can allocate it: the frame is not cached and this CPU's cache
 * is emptied.
 *
 * Return: true if cached; false if the caller must free it to the core.
 */
bool llfree_pcp_put(struct llfree_zone *lz, unsigned int order, u64 frame)
{
	struct llfree_pcp *pcp;
	bool cached = false;

	if (zone_page_state(lz->zone, NR_FREE_PAGES) <
	    low_wmark_pages(lz->zone)) {
		pcp = pcp_try_own(lz);
		if (pcp) {
			pcp_empty(lz, pcp);
			pcp_unown(pcp);
		}
		return false;
	}
	pcp = pcp_try_own(lz);
	if (!pcp)
		return false;
	if (pcp->count[order] < pcp_capacity(order)) {
		pcp->frames[order][pcp->count[order]++] = frame;
		WRITE_ONCE(pcp->cached, pcp->cached + (1u << order));
		cached = true;
	}
	pcp_unown(pcp);
	return cached;
}

/**
 * llfree_pcp_drain_cpu() - give one CPU's cached frames back to the core.
 * @lz: the instance.
 * @cpu: the CPU (any; it may be offline).
 */
void llfree_pcp_drain_cpu(struct llfree_zone *lz, int cpu)
{
	struct llfree_pcp *pcp;
	int idle;

	if (!lz->pcp)
		return;
	pcp = per_cpu_ptr(lz->pcp, cpu);
	/*
	 * The owner holds the cache only for a few stores with preemption
	 * off; a drain of this CPU's own cache never runs inside that.
	 */
	for (;;) {
		idle = 0;
		if (atomic_try_cmpxchg_acquire(&pcp->busy, &idle, 1))
			break;
		cpu_relax();
	}
	pcp_empty(lz, pcp);
	pcp_release(pcp);
}

/**
 * llfree_pcp_cached() - frames cached over all CPUs of an instance.
 * @lz: the instance.
 *
 * Return: the sum (a snapshot while CPUs allocate and free).
 */
unsigned long llfree_pcp_cached(struct llfree_zone *lz)
{
	unsigned long sum = 0;
	int cpu;

	if (!lz->pcp)
		return 0;
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(lz->pcp, cpu)->cached);
	return sum;
}
