// SPDX-License-Identifier: GPL-2.0
/*
 * llfree_bench.ko: time alloc_pages()/__free_pages() on the paper's
 * workloads with 1..N CPUs, once per load. Load it with llfree.ko absent
 * (buddy) and present (LLFree) in the same boot and compare the lines; the
 * path through the kernel around the allocator is the same for both.
 *
 * Output, one dmesg line per measurement:
 *   llfree_bench: TAG WORKLOAD order O cpus N alloc_ns A free_ns F
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

static char *tag = "run";
module_param(tag, charp, 0444);
MODULE_PARM_DESC(tag, "Label for the output lines (e.g. buddy, llfree)");

static unsigned int frames_per_cpu = 8192;
module_param(frames_per_cpu, uint, 0444);
MODULE_PARM_DESC(frames_per_cpu,
		 "4 KiB frames each CPU allocates per bulk/random round (default 8192 = 32 MiB)");

static unsigned int max_cpus;
module_param(max_cpus, uint, 0444);
MODULE_PARM_DESC(max_cpus, "Largest CPU count to measure (default: all online)");

enum workload { BULK, REPEAT, RANDOM, WORKLOADS };
static const char *const workload_names[WORKLOADS] = {
	"bulk", "repeat", "random",
};
static const unsigned int orders[] = { 0, 9, 10 };

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
	ktime_t t0, t1, t2;

	t0 = ktime_get();
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
		t1 = ktime_get();
		w->alloc_ns = got ? ktime_to_ns(ktime_sub(t1, t0)) / got : 0;
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
	t1 = ktime_get();
	if (w->workload == RANDOM)
		shuffle(w->pages, got);
	t2 = ktime_get();
	for (i = 0; i < got; i++)
		__free_pages(w->pages[i], w->order);
	w->alloc_ns = got ? ktime_to_ns(ktime_sub(t1, t0)) / got : 0;
	w->free_ns = got ? ktime_to_ns(ktime_sub(ktime_get(), t2)) / got : 0;
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
		    unsigned int cpus)
{
	unsigned int count = max(frames_per_cpu >> order, 16u);
	DECLARE_COMPLETION_ONSTACK(start);
	struct worker *workers;
	atomic_t ready = ATOMIC_INIT(0);
	u64 alloc_ns = 0, free_ns = 0;
	unsigned int i, failed = 0, started = 0;

	workers = kcalloc(cpus, sizeof(*workers), GFP_KERNEL);
	if (!workers)
		return;
	for (i = 0; i < cpus; i++) {
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
	for (i = 0; i < cpus; i++) {
		if (workers[i].task)
			kthread_stop(workers[i].task);
		vfree(workers[i].pages);
	}
	kfree(workers);
	if (started < cpus) {
		pr_err("llfree_bench: could not start %u workers\n", cpus);
		return;
	}
	pr_info("llfree_bench: %s %s order %u cpus %u alloc_ns %llu free_ns %llu failed %u\n",
		tag, workload_names[workload], order, cpus, alloc_ns / cpus,
		free_ns / cpus, failed);
}

static int __init llfree_bench_init(void)
{
	unsigned int cpus = num_online_cpus();
	unsigned int n, o, wl;

	if (max_cpus && max_cpus < cpus)
		cpus = max_cpus;
	/* 1, 2, 4, ... CPUs, and all of them last. */
	for (n = 1;; n = min(n * 2, cpus)) {
		for (o = 0; o < ARRAY_SIZE(orders); o++)
			for (wl = 0; wl < WORKLOADS; wl++)
				measure(wl, orders[o], n);
		if (n == cpus)
			break;
	}
	pr_info("llfree_bench: %s done\n", tag);
	return 0;
}

static void __exit llfree_bench_exit(void)
{
}

module_init(llfree_bench_init);
module_exit(llfree_bench_exit);

MODULE_DESCRIPTION("alloc_pages() benchmark: LLFree vs buddy in one boot");
MODULE_LICENSE("GPL");
