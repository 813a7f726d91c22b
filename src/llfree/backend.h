/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llfree.ko's page-allocator backend: one LLFree instance per zone over the
 * chunks the module took from buddy, served through the hook patch's
 * page_backend_ops. Private to the module.
 */
#ifndef LLFREE_BACKEND_H
#define LLFREE_BACKEND_H

#include <linux/mmzone.h>
#include <linux/percpu.h>
#include <linux/atomic.h>
#include <linux/types.h>

#include <llfree/llfree.h>

/* Memory is taken from buddy in chunks of LLFree's largest order (4 MiB). */
#define LLFREE_CHUNK_ORDER LLFREE_MAX_ORDER
#define LLFREE_CHUNK_PAGES (1ul << LLFREE_CHUNK_ORDER)

/* Orders the per-CPU cache keeps: 0..3, like buddy's cheap orders. */
#define LLFREE_PCP_ORDERS 4

/**
 * struct llfree_pcp - one CPU's frame cache of one instance (pcp.c).
 * @busy: held (1) by whoever works on the cache: its CPU, or a drain.
 * @count: frames on each order's stack.
 * @cached: 4 KiB frames cached, all orders.
 * @frames: a stack of frame numbers per order.
 */
struct llfree_pcp {
	atomic_t busy;
	unsigned int count[LLFREE_PCP_ORDERS];
	unsigned long cached;
	u64 *frames[LLFREE_PCP_ORDERS];
};

/**
 * struct llfree_zone - one LLFree instance over the module's memory in a zone.
 * @zone: the zone whose pages it serves.
 * @base_pfn: PFN of frame 0 (chunk aligned, so frame alignment is PFN
 *	alignment).
 * @alloc: the allocator; frames outside owned chunks stay allocated in it.
 * @owned: one bit per chunk of the span: donated to this instance.
 * @chunks: number of owned chunks.
 * @exhausted: orders LLFree could not serve since the last free; the hook
 *	asks for every allocation in every zone, so declining must be cheap.
 * @meta: metadata buffers of @alloc.
 * @pcp: per-CPU frame caches, NULL when pcp_frames is 0.
 */
struct llfree_zone {
	struct zone *zone;
	unsigned long base_pfn;
	struct llfree alloc;
	unsigned long *owned;
	unsigned long chunks;
	unsigned long exhausted;
	struct llfree_meta meta;
	struct llfree_pcp __percpu *pcp;
};

/**
 * struct llfree_counters - per-CPU event counts, summed when read. The
 * alloc, free and class counts are bumped without protection against
 * interrupts (like the kernel's vm events): they may rarely lose one.
 * @alloc: blocks handed out, by order.
 * @free: blocks taken back, by order.
 * @class: blocks handed out, by allocation class.
 * @fallback: requests declined (empty or fragmented) and left to buddy.
 * @free_error: frees LLFree refused (double or partial frees).
 */
struct llfree_counters {
	u64 alloc[LLFREE_MAX_ORDER + 1];
	u64 free[LLFREE_MAX_ORDER + 1];
	u64 class[LLFREE_CLASSES];
	u64 fallback;
	u64 free_error;
};

DECLARE_PER_CPU(struct llfree_counters, llfree_counters);

/**
 * struct llfree_summary - the backend at a glance.
 * @running: serving allocations.
 * @managed: frames taken from buddy.
 * @free: of those, free in LLFree.
 * @free_huge: free 2 MiB frames.
 * @cached: of @free, frames in the per-CPU caches.
 */
struct llfree_summary {
	bool running;
	unsigned long managed;
	unsigned long free;
	unsigned long free_huge;
	unsigned long cached;
};

int llfree_backend_init(void);
void llfree_backend_exit(void);
int llfree_backend_start(unsigned long pages);
void llfree_backend_release(void);
void llfree_backend_summary(struct llfree_summary *sum);
int llfree_backend_inspect(bool validate, llfree_print_fn print, void *arg);
void llfree_backend_counters(struct llfree_counters *sum);

bool llfree_backend_give_back(struct llfree_zone *lz, u64 frame,
			      unsigned int order);

/* The pcp_frames module parameter; the hook tests set it per case. */
extern unsigned int llfree_pcp_frames;

int llfree_pcp_check_param(void);
int llfree_pcp_create(struct llfree_zone *lz);
void llfree_pcp_destroy(struct llfree_zone *lz);
bool llfree_pcp_get(struct llfree_zone *lz, unsigned int order, u64 *frame);
bool llfree_pcp_put(struct llfree_zone *lz, unsigned int order, u64 frame);
void llfree_pcp_drain_cpu(struct llfree_zone *lz, int cpu);
unsigned long llfree_pcp_cached(struct llfree_zone *lz);

int llfree_stats_init(void);
void llfree_stats_exit(void);

#endif /* LLFREE_BACKEND_H */
