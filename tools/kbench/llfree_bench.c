// SPDX-License-Identifier: GPL-2.0
/*
 * llfree_bench.ko: time alloc_pages()/__free_pages() on the paper's
 * workloads, one round per load. The driving script loads it alternately
 * with llfree.ko absent (buddy) and present (LLFree) in the same boot,
 * discards the first round of each and takes the median of the rest; the
 * path through the kernel around the allocator is the same for both.
 *
 * Each workload runs twice in a row: "cold" (the first pass of this load)
 * and "hot" (the same again, caches and reservations warm).
 *
 * Output, one dmesg line per measurement:
 *   llfree_bench: TAG round R WORKLOAD PASS order O cpus N alloc_ns A
 *   free_ns F failed X
 * where A and F are per operation in the units of bench_clock.h (thread
 * CPU ns under UML, guest instructions under QEMU -icount, ns otherwise).
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "bench_clock.h"

static char *tag = "run";
module_param(tag, charp, 0444);
MODULE_PARM_DESC(tag, "Label for the output lines (e.g. buddy, llfree)");

static unsigned int round;
module_param(round, uint, 0444);
MODULE_PARM_DESC(round, "Round number for the output lines (0 = warm-up)");

static unsigned int frames_per_cpu = 8192;
module_param(frames_per_cpu, uint, 0444);
MODULE_PARM_DESC(frames_per_cpu,
		 "4 KiB frames each CPU allocates per order-0 bulk/random pass (default 8192 = 32 MiB)");

static unsigned int huge_ops = 256;
module_param(huge_ops, uint, 0444);
MODULE_PARM_DESC(huge_ops,
		 "Operations per CPU and pass for orders 9 and 10 (default 256)");

static unsigned int cpus;
module_param(cpus, uint, 0444);
MODULE_PARM_DESC(cpus, "CPUs to run on (default: all online)");

static unsigned int workload_mask = 7;
module_param(workload_mask, uint, 0444);
MODULE_PARM_DESC(workload_mask,
		 "Workloads to run: 1 bulk, 2 repeat, 4 random (default 7; for profiling one)");

static unsigned int order_mask = 7;
module_param(order_mask, uint, 0444);
MODULE_PARM_DESC(order_mask, "Orders to run: 1 order 0, 2 order 9, 4 order 10 (default 7)");

enum workload { BULK, REPEAT, RANDOM, WORKLOADS };
static const char *const workload_names[WORKLOADS] = {
	"bulk", "repeat", "random",
};
static const unsigned int orders[] = { 0, 9, 10 };
static const char *const pass_names[] = { "cold", "hot" };

struct worker {
	struct task_struct *task;
	enum workload workload;
	unsigned int order;
	unsigned int count;
	struct page **pages;
	u64 alloc_ns;
	u64 free_ns;
	unsigned int failed;
	atomic_t *ready;
	struct completion *start;
	struct completion done;
};

static void shuffle(struct page **pages, unsigned int count)
{
	unsigned int i, j;

	for (i = count; i-- > 1;) {
		/* Not inside swap(), which evaluates its arguments twice. */
		j = get_random_u32_below(i + 1);
		swap(pages[i], pages[j]);
	}
}

static void run_workload(struct worker *w)
{
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY;
	unsigned int i, got = 0;
	u64 t0, t1, t2;

	t0 = bench_clock_ns();
	if (w->workload == REPEAT) {
		for (i = 0; i < w->count; i++) {
			struct page *page = alloc_pages(gfp, w->order);

			if (!page) {
				w->failed++;
				continue;
			}
			__free_pages(page, w->order);
			got++;
		}
		t1 = bench_clock_ns();
		w->alloc_ns = got ? div_u64(t1 - t0, got) : 0;
		w->free_ns = 0;
		return;
	}
	for (i = 0; i < w->count; i++) {
		w->pages[got] = alloc_pages(gfp, w->order);
		if (w->pages[got])
			got++;
		else
			w->failed++;
	}
	t1 = bench_clock_ns();
	if (w->workload == RANDOM)
		shuffle(w->pages, got);
	t2 = bench_clock_ns();
	for (i = 0; i < got; i++)
		__free_pages(w->pages[i], w->order);
	w->alloc_ns = got ? div_u64(t1 - t0, got) : 0;
	w->free_ns = got ? div_u64(bench_clock_ns() - t2, got) : 0;
}

static int worker_fn(void *arg)
{
	struct worker *w = arg;

	atomic_inc(w->ready);
	wait_for_completion(w->start);
	run_workload(w);
	complete(&w->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}

static void measure(enum workload workload, unsigned int order,
		    unsigned int n, unsigned int pass)
{
	unsigned int count = order ? huge_ops : frames_per_cpu;
	DECLARE_COMPLETION_ONSTACK(start);
	struct worker *workers;
	atomic_t ready = ATOMIC_INIT(0);
	u64 alloc_ns = 0, free_ns = 0;
	unsigned int i, failed = 0, started = 0;

	workers = kcalloc(n, sizeof(*workers), GFP_KERNEL);
	if (!workers)
		return;
	for (i = 0; i < n; i++) {
		struct worker *w = &workers[i];

		*w = (struct worker){ .workload = workload, .order = order,
				      .count = count, .ready = &ready,
				      .start = &start };
		init_completion(&w->done);
		w->pages = vmalloc_array(count, sizeof(*w->pages));
		if (!w->pages)
			break;
		w->task = kthread_create(worker_fn, w, "llfree_bench/%u", i);
		if (IS_ERR(w->task)) {
			w->task = NULL;
			break;
		}
		kthread_bind(w->task, i);
		wake_up_process(w->task);
		started++;
	}
	while (atomic_read(&ready) < started)
		usleep_range(100, 200);
	complete_all(&start);
	for (i = 0; i < started; i++) {
		wait_for_completion(&workers[i].done);
		alloc_ns += workers[i].alloc_ns;
		free_ns += workers[i].free_ns;
		failed += workers[i].failed;
	}
	for (i = 0; i < n; i++) {
		if (workers[i].task)
			kthread_stop(workers[i].task);
		vfree(workers[i].pages);
	}
	kfree(workers);
	if (started < n) {
		pr_err("llfree_bench: could not start %u workers\n", n);
		return;
	}
	pr_info("llfree_bench: %s round %u %s %s order %u cpus %u alloc_ns %llu free_ns %llu failed %u\n",
		tag, round, workload_names[workload], pass_names[pass], order,
		n, div_u64(alloc_ns, n), div_u64(free_ns, n), failed);
}

static int __init llfree_bench_init(void)
{
	unsigned int n = num_online_cpus();
	unsigned int o, wl, pass;

	if (cpus && cpus < n)
		n = cpus;
	for (o = 0; o < ARRAY_SIZE(orders); o++)
		for (wl = 0; wl < WORKLOADS; wl++)
			for (pass = 0; pass < ARRAY_SIZE(pass_names); pass++)
				if ((order_mask & BIT(o)) &&
				    (workload_mask & BIT(wl)))
					measure(wl, orders[o], n, pass);
	pr_info("llfree_bench: %s round %u done (clock: %s)\n", tag, round,
		BENCH_CLOCK_NAME);
	return 0;
}

static void __exit llfree_bench_exit(void)
{
}

module_init(llfree_bench_init);
module_exit(llfree_bench_exit);

MODULE_DESCRIPTION("alloc_pages() benchmark: LLFree vs buddy in one boot");
MODULE_LICENSE("GPL");
