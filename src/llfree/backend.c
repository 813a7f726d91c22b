// SPDX-License-Identifier: GPL-2.0
/*
 * llfree.ko as page-frame backend: take 4 MiB chunks from buddy, donate them
 * to a per-zone LLFree instance through the free hook (so every free frame
 * has been through free_pages_prepare()), serve alloc_pages() from them, and
 * hand everything back on release. The hooks do the zone accounting, so
 * MemFree stays truthful while frames move between buddy and LLFree.
 */
#include <linux/cpuhotplug.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/llfree_hooks.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "backend.h"

#define CREATE_TRACE_POINTS
#include "llfree_trace.h"

DEFINE_PER_CPU(struct llfree_counters, llfree_counters);

/* Instances by node and zone index (NULL where the module has no memory). */
static struct llfree_zone **llfree_zones;
static unsigned int llfree_nr_zone_slots;

static bool routing;
static bool registered;
static DEFINE_MUTEX(backend_lock);

static unsigned int slot_of(struct zone *zone)
{
	return zone_to_nid(zone) * MAX_NR_ZONES + zone_idx(zone);
}

static struct llfree_zone *instance_of(struct zone *zone)
{
	return llfree_zones[slot_of(zone)];
}

/* Keep long-lived kernel memory, movable user memory and huge frames apart. */
static u32 class_of(unsigned int order, int migratetype)
{
	if (order >= LLFREE_CHILD_ORDER)
		return LLFREE_HUGE;
	return migratetype == MIGRATE_MOVABLE ? LLFREE_MOVABLE :
						LLFREE_IMMOVABLE;
}

static struct page *backend_alloc(struct zone *zone, unsigned int order,
				  gfp_t gfp_mask, int migratetype)
{
	struct llfree_zone *lz;
	struct llfree_frame frame;
	u32 cls = class_of(order, migratetype);
	bool cached = false;

	if (!READ_ONCE(routing))
		return NULL;
	lz = instance_of(zone);
	if (!lz)
		return NULL;
	if (order < LLFREE_PCP_ORDERS && lz->pcp &&
	    llfree_pcp_get(lz, order, &frame.frame)) {
		cached = true;
		goto out;
	}
	if (test_bit(order, &lz->exhausted)) {
		trace_llfree_fallback(order, "exhausted");
		goto fallback;
	}
	if (__llfree_alloc(&lz->alloc, raw_smp_processor_id(), order, cls,
			   &frame)) {
		/* Skip the full search and steal path until a frame comes back. */
		set_bit(order, &lz->exhausted);
		trace_llfree_exhausted(zone->name, order);
		trace_llfree_fallback(order, "empty");
		goto fallback;
	}
out:
	/* Statistics: like the kernel's vm events, racy but cheap. */
	raw_cpu_inc(llfree_counters.alloc[order]);
	raw_cpu_inc(llfree_counters.class[cls]);
	trace_llfree_alloc(lz->base_pfn + frame.frame, order, cls, cached);
	return pfn_to_page(lz->base_pfn + frame.frame);
fallback:
	this_cpu_inc(llfree_counters.fallback);
	return NULL;
}

/**
 * llfree_backend_give_back() - free a block to the LLFree core.
 * @lz: its instance.
 * @frame: first frame.
 * @order: its order.
 *
 * Return: true, or false if LLFree refused the free (counted and logged):
 * the block then stays allocated.
 */
bool llfree_backend_give_back(struct llfree_zone *lz, u64 frame,
			      unsigned int order)
{
	int err = __llfree_free(&lz->alloc, raw_smp_processor_id(), frame,
				order, 0);

	if (err) {
		/*
		 * Still ours: giving a frame LLFree tracks to buddy would let
		 * both hand it out.
		 */
		this_cpu_inc(llfree_counters.free_error);
		pr_err_ratelimited("llfree: refused free of pfn %#llx order %u: %s\n",
				   lz->base_pfn + frame, order,
				   llfree_strerror(err));
		return false;
	}
	/* Read first: the common case writes nothing to the shared line. */
	if (READ_ONCE(lz->exhausted))
		WRITE_ONCE(lz->exhausted, 0);
	return true;
}

/*
 * The hook calls this only for blocks in chunks registered with
 * page_backend_own(), all of which belong to an instance. Returning false
 * refuses the free: the kernel leaves the block allocated and uncounted.
 */
static bool backend_free(struct page *page, unsigned int order)
{
	struct llfree_zone *lz = instance_of(page_zone(page));
	u64 frame = page_to_pfn(page) - lz->base_pfn;
	bool cached = order < LLFREE_PCP_ORDERS && lz->pcp &&
		      READ_ONCE(routing) && llfree_pcp_put(lz, order, frame);

	if (!cached && !llfree_backend_give_back(lz, frame, order)) {
		trace_llfree_free(page_to_pfn(page), order, false, true);
		return false;
	}
	raw_cpu_inc(llfree_counters.free[order]);
	trace_llfree_free(page_to_pfn(page), order, cached, false);
	return true;
}

/* Empty the per-CPU caches of @zone (all zones if NULL). */
static void backend_drain(struct zone *zone, bool all_cpus)
{
	unsigned int i;
	int cpu;

	for (i = 0; i < llfree_nr_zone_slots; i++) {
		struct llfree_zone *lz = llfree_zones[i];

		if (!lz || (zone && lz->zone != zone))
			continue;
		if (!all_cpus) {
			llfree_pcp_drain_cpu(lz, raw_smp_processor_id());
			continue;
		}
		for_each_possible_cpu(cpu)
			llfree_pcp_drain_cpu(lz, cpu);
	}
}

/*
 * LLFREE_FAST_FREE: high-order frees of our frames skip the kernel's check
 * of every tail page's struct page. LLFree still refuses a free that does
 * not match its bits (order, alignment, allocation state).
 */
static const struct page_backend_ops backend_ops = {
	.alloc = backend_alloc,
	.free = backend_free,
	.drain = backend_drain,
	.vouch_tail_pages = IS_ENABLED(CONFIG_LLFREE_FAST_FREE),
};

/* The instance holding a PFN in an owned chunk, or NULL. */
static struct llfree_zone *owner_of(unsigned long pfn)
{
	struct llfree_zone *lz = instance_of(page_zone(pfn_to_page(pfn)));
	u64 frame;

	if (!lz || pfn < lz->base_pfn)
		return NULL;
	frame = pfn - lz->base_pfn;
	if (frame >= llfree_frames(&lz->alloc) ||
	    !test_bit(frame >> LLFREE_CHUNK_ORDER, lz->owned))
		return NULL;
	return lz;
}

static void destroy_instance(struct llfree_zone *lz)
{
	llfree_pcp_destroy(lz);
	llfree_uninit(&lz->alloc);
	vfree(lz->meta.local);
	vfree(lz->meta.trees);
	vfree(lz->meta.lower);
	bitmap_free(lz->owned);
	kfree(lz);
}

static void destroy_instances(void)
{
	unsigned int i;

	for (i = 0; i < llfree_nr_zone_slots; i++) {
		if (llfree_zones[i])
			destroy_instance(llfree_zones[i]);
		llfree_zones[i] = NULL;
	}
}

/* Every frame of the span starts allocated; owned chunks are donated. */
static struct llfree_zone *create_instance(struct zone *zone)
{
	unsigned long base = round_down(zone->zone_start_pfn,
					LLFREE_CHUNK_PAGES);
	unsigned long end = round_up(zone_end_pfn(zone), LLFREE_CHUNK_PAGES);
	struct llfree_meta_size size;
	struct llfree_zone *lz;
	int err;

	if (llfree_metadata_size(nr_cpu_ids, end - base, &size))
		return NULL;
	lz = kzalloc(sizeof(*lz), GFP_KERNEL);
	if (!lz)
		return NULL;
	lz->zone = zone;
	lz->base_pfn = base;
	/* vmalloc memory is page aligned, more than LLFREE_META_ALIGN. */
	lz->meta.local = vzalloc(size.local);
	lz->meta.trees = vzalloc(size.trees);
	lz->meta.lower = vzalloc(size.lower);
	lz->owned = bitmap_zalloc((end - base) / LLFREE_CHUNK_PAGES,
				  GFP_KERNEL);
	if (!lz->meta.local || !lz->meta.trees || !lz->meta.lower ||
	    !lz->owned)
		goto fail;
	err = llfree_init(&lz->alloc, nr_cpu_ids, end - base,
			  LLFREE_INIT_ALLOCATED, false, &lz->meta);
	if (err) {
		pr_err("llfree: init for zone %s failed: %s\n", zone->name,
		       llfree_strerror(err));
		goto fail;
	}
	if (llfree_pcp_create(lz))
		goto fail;
	return lz;
fail:
	destroy_instance(lz);
	return NULL;
}

static struct llfree_zone *instance_for(struct zone *zone)
{
	unsigned int slot = slot_of(zone);

	if (!llfree_zones[slot])
		llfree_zones[slot] = create_instance(zone);
	return llfree_zones[slot];
}

/* ISA DMA memory is scarce and only useful to the few who ask for it. */
static bool zone_usable(struct zone *zone)
{
#ifdef CONFIG_ZONE_DMA
	if (zone_idx(zone) == ZONE_DMA)
		return false;
#endif
	return true;
}

/* Take chunks round-robin from the nodes with memory until @want or none. */
static unsigned long take_chunks(struct page **chunks, unsigned long want)
{
	gfp_t gfp = GFP_KERNEL | __GFP_THISNODE | __GFP_NORETRY |
		    __GFP_NOWARN;
	nodemask_t nodes = node_states[N_MEMORY];
	unsigned long got = 0;
	int nid;

	while (got < want && !nodes_empty(nodes)) {
		for_each_node_mask(nid, nodes) {
			struct page *page;

			if (got == want)
				break;
			page = alloc_pages_node(nid, gfp, LLFREE_CHUNK_ORDER);
			if (!page || !zone_usable(page_zone(page)) ||
			    !instance_for(page_zone(page))) {
				if (page)
					__free_pages(page, LLFREE_CHUNK_ORDER);
				node_clear(nid, nodes);
				continue;
			}
			chunks[got++] = page;
		}
		cond_resched();
	}
	return got;
}

static void donate(struct page *chunk)
{
	struct llfree_zone *lz = instance_of(page_zone(chunk));
	unsigned long pfn = page_to_pfn(chunk);
	unsigned long frame = pfn - lz->base_pfn;

	/* Chunks are chunk aligned and inside memory: this cannot fail. */
	if (!WARN_ON_ONCE(page_backend_own(&backend_ops, pfn,
					   LLFREE_CHUNK_PAGES))) {
		set_bit(frame >> LLFREE_CHUNK_ORDER, lz->owned);
		lz->chunks++;
	}
	/* The free hook hands it to backend_free(), which now claims it. */
	__free_pages(chunk, LLFREE_CHUNK_ORDER);
}

/**
 * llfree_backend_start() - take memory from buddy and start serving it.
 * @pages: pages to take (rounded up to 4 MiB chunks); less if buddy has
 *	fewer free chunks.
 *
 * Return: 0, -ENOMEM if no chunk could be taken, -EBUSY if another backend is
 * registered, -EALREADY if running.
 */
int llfree_backend_start(unsigned long pages)
{
	unsigned long want = DIV_ROUND_UP(pages, LLFREE_CHUNK_PAGES);
	unsigned long got, i;
	struct page **chunks;
	int err = 0;

	mutex_lock(&backend_lock);
	if (registered) {
		err = -EALREADY;
		goto unlock;
	}
	llfree_nr_zone_slots = nr_node_ids * MAX_NR_ZONES;
	llfree_zones = kcalloc(llfree_nr_zone_slots, sizeof(*llfree_zones),
			       GFP_KERNEL);
	chunks = vmalloc_array(want, sizeof(*chunks));
	if (!llfree_zones || !chunks) {
		err = -ENOMEM;
		goto out;
	}

	got = take_chunks(chunks, want);
	if (!got) {
		pr_err("llfree: buddy has no free 4 MiB chunk to give\n");
		err = -ENOMEM;
		goto out;
	}
	if (got < want)
		pr_warn("llfree: took %lu MiB of %lu MiB asked for\n",
			got * LLFREE_CHUNK_PAGES >> (20 - PAGE_SHIFT),
			want * LLFREE_CHUNK_PAGES >> (20 - PAGE_SHIFT));

	err = page_backend_register(&backend_ops);
	if (err) {
		pr_err("llfree: cannot register as page backend (%d)%s\n", err,
		       err == -EBUSY ? ": another backend is active" : "");
		for (i = 0; i < got; i++)
			__free_pages(chunks[i], LLFREE_CHUNK_ORDER);
		goto out;
	}
	registered = true;
	for (i = 0; i < got; i++)
		donate(chunks[i]);
	WRITE_ONCE(routing, true);
	pr_info("llfree: serving %lu MiB (%lu chunks) as page backend\n",
		got * LLFREE_CHUNK_PAGES >> (20 - PAGE_SHIFT), got);
out:
	vfree(chunks);
	if (err) {
		if (llfree_zones)
			destroy_instances();
		kfree(llfree_zones);
		llfree_zones = NULL;
	}
unlock:
	mutex_unlock(&backend_lock);
	return err;
}

/* Give the free parts of an aligned block to buddy; returns pages given. */
static unsigned long release_free(struct llfree_zone *lz, u64 frame,
				  unsigned int order)
{
	if (llfree_is_free(&lz->alloc, frame, order) == 1) {
		page_backend_release(pfn_to_page(lz->base_pfn + frame), order);
		return 1ul << order;
	}
	if (!order)
		return 0;
	return release_free(lz, frame, order - 1) +
	       release_free(lz, frame + (1ull << (order - 1)), order - 1);
}

static void print_validation(void *arg, const char *line)
{
	pr_err("llfree: validate %s: %s\n", (const char *)arg, line);
}

/* Frames handed out and not yet back (cached frames are back). */
static unsigned long in_use(void)
{
	unsigned long used = 0;
	unsigned int i;

	for (i = 0; i < llfree_nr_zone_slots; i++)
		if (llfree_zones[i])
			used += llfree_zones[i]->chunks * LLFREE_CHUNK_PAGES -
				llfree_free_frames(&llfree_zones[i]->alloc) -
				llfree_pcp_cached(llfree_zones[i]);
	return used;
}

static unsigned int release_wait_ms = 1000;
module_param(release_wait_ms, uint, 0644);
MODULE_PARM_DESC(release_wait_ms,
		 "On release, wait this long for frames in use to come back before handing them to buddy (default 1000)");

/**
 * llfree_backend_release() - stop serving and give all memory back to buddy.
 *
 * Allocation stops at once. Frames still in use get up to release_wait_ms
 * to come back; the rest are handed over: after unregistering, their frees
 * go to buddy. Free frames go to buddy's free lists. Nothing leaks, so
 * unloading never has to block or be refused.
 */
void llfree_backend_release(void)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(release_wait_ms);
	unsigned long returned = 0, handed_over;
	unsigned int i;

	mutex_lock(&backend_lock);
	if (!registered)
		goto unlock;
	WRITE_ONCE(routing, false);
	while (in_use() && time_before(jiffies, deadline) &&
	       !fatal_signal_pending(current))
		msleep(20);

	page_backend_unregister(&backend_ops);
	registered = false;
	/*
	 * No call is in flight now: with the caches emptied, LLFree's state
	 * is frozen and exact.
	 */
	backend_drain(NULL, true);
	handed_over = in_use();
	for (i = 0; i < llfree_nr_zone_slots; i++) {
		struct llfree_zone *lz = llfree_zones[i];
		unsigned long chunk;

		if (!lz)
			continue;
		if (llfree_validate(&lz->alloc, print_validation,
				    (void *)lz->zone->name))
			pr_err("llfree: validate %s: counters disagree with bits\n",
			       lz->zone->name);
		else
			pr_info("llfree: validate %s: ok\n", lz->zone->name);
		for_each_set_bit(chunk, lz->owned,
				 llfree_frames(&lz->alloc) / LLFREE_CHUNK_PAGES)
			returned += release_free(lz, (u64)chunk *
						 LLFREE_CHUNK_PAGES,
						 LLFREE_CHUNK_ORDER);
		cond_resched();
	}
	destroy_instances();
	kfree(llfree_zones);
	llfree_zones = NULL;
	pr_info("llfree: released %lu MiB to buddy, %lu frames in use handed over\n",
		returned >> (20 - PAGE_SHIFT), handed_over);
	trace_llfree_release(returned, handed_over);
unlock:
	mutex_unlock(&backend_lock);
}

/**
 * llfree_backend_summary() - sizes and free counts over all instances.
 * @sum: filled in; all zero when not running.
 */
void llfree_backend_summary(struct llfree_summary *sum)
{
	unsigned int i;

	memset(sum, 0, sizeof(*sum));
	mutex_lock(&backend_lock);
	sum->running = registered;
	for (i = 0; registered && i < llfree_nr_zone_slots; i++) {
		struct llfree_zone *lz = llfree_zones[i];

		if (!lz)
			continue;
		sum->managed += lz->chunks * LLFREE_CHUNK_PAGES;
		sum->cached += llfree_pcp_cached(lz);
		sum->free += llfree_free_frames(&lz->alloc) +
			     llfree_pcp_cached(lz);
		sum->free_huge += llfree_free_huge(&lz->alloc);
	}
	mutex_unlock(&backend_lock);
}

/**
 * llfree_backend_inspect() - validate or dump every instance.
 * @validate: run llfree_validate() (true) or llfree_dump() (false).
 * @print: receives the report lines, each instance introduced by its zone;
 *	may be NULL for validation.
 * @arg: passed to @print.
 *
 * Validation while allocations run may see counters in flight; it is exact
 * when the system is idle and at release.
 *
 * Return: 0, or -EUCLEAN if validation found a mismatch.
 */
int llfree_backend_inspect(bool validate, llfree_print_fn print, void *arg)
{
	char line[64];
	unsigned int i;
	int ret = 0;

	mutex_lock(&backend_lock);
	for (i = 0; registered && i < llfree_nr_zone_slots; i++) {
		struct llfree_zone *lz = llfree_zones[i];

		if (!lz)
			continue;
		if (print) {
			snprintf(line, sizeof(line),
				 "node %d zone %s base pfn %#lx",
				 zone_to_nid(lz->zone), lz->zone->name,
				 lz->base_pfn);
			print(arg, line);
		}
		if (!validate)
			llfree_dump(&lz->alloc, print, arg);
		else if (llfree_validate(&lz->alloc, print, arg))
			ret = -EUCLEAN;
	}
	mutex_unlock(&backend_lock);
	return ret;
}

/**
 * llfree_backend_counters() - sum the per-CPU event counters.
 * @sum: filled in.
 */
void llfree_backend_counters(struct llfree_counters *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		struct llfree_counters *c = per_cpu_ptr(&llfree_counters, cpu);

		for (i = 0; i <= LLFREE_MAX_ORDER; i++) {
			sum->alloc[i] += c->alloc[i];
			sum->free[i] += c->free[i];
		}
		for (i = 0; i < LLFREE_CLASSES; i++)
			sum->class[i] += c->class[i];
		sum->fallback += c->fallback;
		sum->free_error += c->free_error;
	}
}

/*
 * Offlining owned memory could never finish: its free frames are not
 * buddy's. This runs under the memory- and CPU-hotplug locks, which release
 * takes (static keys and calls) while holding backend_lock, so like
 * cpu_dead() it uses RCU and routing instead of backend_lock.
 */
static int memory_callback(struct notifier_block *nb, unsigned long action,
			   void *arg)
{
	struct memory_notify *mn = arg;
	unsigned long pfn, owned = 0;

	if (action != MEM_GOING_OFFLINE)
		return NOTIFY_OK;
	rcu_read_lock();
	for (pfn = mn->start_pfn; READ_ONCE(routing) &&
	     pfn < mn->start_pfn + mn->nr_pages; pfn += LLFREE_CHUNK_PAGES) {
		if (owner_of(pfn)) {
			owned = pfn;
			break;
		}
	}
	rcu_read_unlock();
	if (!owned)
		return NOTIFY_OK;
	pr_info("llfree: memory at pfn %#lx is in use as page backend; release it first\n",
		owned);
	return NOTIFY_BAD;
}

static struct notifier_block memory_nb = {
	.notifier_call = memory_callback,
};

static enum cpuhp_state cpu_dead_state;

/*
 * A CPU that went away leaves its cached frames to the others. This runs
 * under the CPU-hotplug lock, which release takes (static keys and calls)
 * while holding backend_lock, so it must not take backend_lock: it relies
 * on RCU instead. Release clears routing before the grace period of
 * page_backend_unregister() and frees the instances only after it; a drain
 * skipped because routing is off is done by release itself.
 */
static int cpu_dead(unsigned int cpu)
{
	unsigned int i;

	rcu_read_lock();
	for (i = 0; READ_ONCE(routing) && i < llfree_nr_zone_slots; i++)
		if (llfree_zones[i])
			llfree_pcp_drain_cpu(llfree_zones[i], cpu);
	rcu_read_unlock();
	return 0;
}

/**
 * llfree_backend_init() - register the memory-hotplug veto and the CPU
 * hotplug drain.
 *
 * Return: 0 or a negative errno.
 */
int llfree_backend_init(void)
{
	int ret = register_memory_notifier(&memory_nb);

	if (ret)
		return ret;
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "mm/llfree:dead",
					NULL, cpu_dead);
	if (ret < 0) {
		unregister_memory_notifier(&memory_nb);
		return ret;
	}
	cpu_dead_state = ret;
	return 0;
}

/**
 * llfree_backend_exit() - release all memory and drop the hotplug hooks.
 */
void llfree_backend_exit(void)
{
	llfree_backend_release();
	cpuhp_remove_state_nocalls(cpu_dead_state);
	unregister_memory_notifier(&memory_nb);
}
