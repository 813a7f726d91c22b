// SPDX-License-Identifier: GPL-2.0
/*
 * User-space benchmark of the LLFree core: the paper's bulk, repeat and
 * random workloads for orders 0, 9 and 10 on 1..N pinned threads, reported
 * as the median ns per operation over several runs, followed by the metadata
 * cost per GiB managed.
 *
 * Only metadata is touched, so the managed range can be far larger than the
 * machine's memory. It is sized so that the allocating workloads at the
 * largest thread count fill half of it, which keeps every run away from the
 * out-of-memory slow path, and it stays the same for every thread count so
 * that the scaling ratios compare equal work on equal metadata.
 *
 * With --managed, the range has that size for every order and the
 * allocating workloads fill half of it: this shows how the cost per
 * operation changes with the memory managed (huge frames should not care).
 *
 * Usage: bench [--threads N] [--runs R] [--quick] [--managed GIB]
 *              [--order O]...
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <llfree/llfree.h>
#include "tool_util.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define GIB_FRAMES (1ull << (30 - LLFREE_FRAME_BITS))
/* Marks a slot whose allocation failed so that the free phase skips it. */
#define NO_FRAME UINT64_MAX

enum workload { W_BULK, W_REPEAT, W_RANDOM, W_COUNT };

static const char *const workload_name[W_COUNT] = {
	[W_BULK] = "bulk",
	[W_REPEAT] = "repeat",
	[W_RANDOM] = "random",
};

static const u32 bench_orders[] = { 0, 9, 10 };

/* --managed (0: sized from the work) and the largest thread count. */
static u64 managed_gib;
static u32 top_threads;

/*
 * Operations per thread and round: 1 GiB worth of frames for order 0 and
 * 16 GiB for orders 9 and 10. A run repeats the workload for several rounds
 * on the same allocator so that each timed phase lasts milliseconds.
 */
static u64 ops_per_thread(u32 order, bool quick)
{
	u64 n = order == 0 ? GIB_FRAMES : (16 * GIB_FRAMES) >> order;

	if (managed_gib)
		n = (managed_gib * GIB_FRAMES / 2 / top_threads) >> order;

	return quick ? n / 16 : n;
}

static u32 rounds_per_run(u32 order, bool quick)
{
	if (quick)
		return 1;
	return order == 0 ? 4 : 16;
}

struct bench {
	struct llfree alloc;
	enum workload wl;
	u32 order;
	u32 threads;
	u64 per_thread;
	u32 rounds;
	/* threads * per_thread frames; thread i allocates into slice i. */
	u64 *frames;
	u64 seed;
	pthread_barrier_t barrier;
	atomic_int error;
};

static int cpus[CPU_SETSIZE];
static int ncpus;
static atomic_bool unpinned;

struct worker {
	pthread_t tid;
	struct bench *b;
	u32 id;
	int cpu;
	u64 alloc_ns;
	u64 free_ns;
};

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}


static void shuffle(u64 *a, u64 n, u64 seed)
{
	u64 state = seed | 1;

	for (u64 i = n; i > 1; i--) {
		u64 j = next_rand(&state) % i;
		u64 t = a[i - 1];

		a[i - 1] = a[j];
		a[j] = t;
	}
}

static void record_error(struct bench *b, int err)
{
	int none = 0;

	atomic_compare_exchange_strong(&b->error, &none, err);
}

static void free_all(struct bench *b, u32 core, const u64 *frames)
{
	for (u64 i = 0; i < b->per_thread; i++) {
		int err;

		if (frames[i] == NO_FRAME)
			continue;
		err = llfree_free(&b->alloc, core, frames[i], b->order, 0);
		if (err)
			record_error(b, err);
	}
}

static void alloc_all(struct bench *b, u32 core, u64 *frames)
{
	struct llfree_frame f;

	for (u64 i = 0; i < b->per_thread; i++) {
		int err = llfree_alloc(&b->alloc, core, b->order, 0, &f);

		if (err) {
			record_error(b, err);
			f.frame = NO_FRAME;
		}
		frames[i] = f.frame;
	}
}

static void repeat_pairs(struct bench *b, u32 core)
{
	struct llfree_frame f;

	for (u64 i = 0; i < b->per_thread; i++) {
		int err = llfree_alloc(&b->alloc, core, b->order, 0, &f);

		if (!err)
			err = llfree_free(&b->alloc, core, f.frame, b->order,
					  0);
		if (err)
			record_error(b, err);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct bench *b = w->b;
	u64 *mine = b->frames + (u64)w->id * b->per_thread;
	u64 start;

	if (w->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
			atomic_store(&unpinned, true);
	}

	for (u32 r = 0; r < b->rounds; r++) {
		pthread_barrier_wait(&b->barrier);
		if (b->wl == W_REPEAT) {
			start = now_ns();
			repeat_pairs(b, w->id);
			w->alloc_ns += now_ns() - start;
			continue;
		}

		start = now_ns();
		alloc_all(b, w->id, mine);
		w->alloc_ns += now_ns() - start;

		pthread_barrier_wait(&b->barrier);
		if (b->wl == W_RANDOM) {
			/*
			 * Mix all threads' frames so that most frees go to
			 * trees reserved by other cores, as in the paper.
			 */
			if (w->id == 0)
				shuffle(b->frames,
					(u64)b->threads * b->per_thread,
					b->seed + r);
			pthread_barrier_wait(&b->barrier);
		}

		start = now_ns();
		free_all(b, w->id, mine);
		w->free_ns += now_ns() - start;
	}
	return NULL;
}

static void *xaligned(size_t size)
{
	size_t rounded = (size + LLFREE_META_ALIGN - 1) &
			 ~(size_t)(LLFREE_META_ALIGN - 1);
	void *p = aligned_alloc(LLFREE_META_ALIGN,
				rounded ? rounded : LLFREE_META_ALIGN);

	if (!p) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	return p;
}

static void print_line(void *arg, const char *line)
{
	fprintf(arg, "  %s\n", line);
}

/* Twice what the largest thread count allocates, for every thread count. */
static u64 managed_frames(u32 order, u32 max_threads, bool quick)
{
	u64 frames = 2 * (u64)max_threads *
		     (ops_per_thread(order, quick) << order);

	if (managed_gib)
		return managed_gib * GIB_FRAMES;

	/* Whole GiBs keep the tail child out of the measurement. */
	return (frames + GIB_FRAMES - 1) / GIB_FRAMES * GIB_FRAMES;
}

/* One run; returns the mean over threads of ns per operation. */
static void run_once(enum workload wl, u32 order, u32 threads,
		     u32 max_threads, bool quick, u64 seed, double *alloc_ns,
		     double *free_ns)
{
	u64 per_thread = ops_per_thread(order, quick);
	u64 frames = managed_frames(order, max_threads, quick);
	u64 ops = per_thread * rounds_per_run(order, quick);
	struct llfree_meta_size size;
	struct llfree_meta meta;
	struct llfree_stats stats;
	struct worker *w;
	struct bench *b;
	int err;

	b = calloc(1, sizeof(*b));
	w = calloc(threads, sizeof(*w));
	if (!b || !w) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	b->wl = wl;
	b->order = order;
	b->threads = threads;
	b->per_thread = per_thread;
	b->rounds = rounds_per_run(order, quick);
	b->seed = seed;
	/* Touch the result array now so page faults stay out of the timing. */
	b->frames = xaligned(threads * per_thread * sizeof(u64));
	memset(b->frames, 0, threads * per_thread * sizeof(u64));

	err = llfree_metadata_size(threads, frames, &size);
	if (!err) {
		meta.local = xaligned(size.local);
		meta.trees = xaligned(size.trees);
		meta.lower = xaligned(size.lower);
		err = llfree_init(&b->alloc, threads, frames, LLFREE_INIT_FREE,
				  false, &meta);
	}
	if (err) {
		fprintf(stderr, "bench: init of %llu frames: %s\n",
			(unsigned long long)frames, llfree_strerror(err));
		exit(1);
	}

	pthread_barrier_init(&b->barrier, NULL, threads);
	for (u32 i = 0; i < threads; i++) {
		w[i].b = b;
		w[i].id = i;
		w[i].cpu = ncpus ? cpus[i % ncpus] : -1;
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i])) {
			fprintf(stderr, "bench: cannot create thread %u\n", i);
			exit(1);
		}
	}
	*alloc_ns = 0;
	*free_ns = 0;
	for (u32 i = 0; i < threads; i++) {
		pthread_join(w[i].tid, NULL);
		*alloc_ns += (double)w[i].alloc_ns / (double)ops;
		*free_ns += (double)w[i].free_ns / (double)ops;
	}
	*alloc_ns /= threads;
	*free_ns /= threads;
	pthread_barrier_destroy(&b->barrier);

	err = atomic_load(&b->error);
	if (err) {
		fprintf(stderr, "bench: %s order %u, %u threads: %s\n",
			workload_name[wl], order, threads,
			llfree_strerror(err));
		exit(1);
	}
	/* Everything was freed again: a cheap end-to-end sanity check. */
	err = llfree_stats(&b->alloc, &stats);
	if (!err && stats.free_frames != frames)
		err = -LLFREE_ECORRUPT;
	if (!err)
		err = llfree_validate(&b->alloc, print_line, stderr);
	if (err) {
		fprintf(stderr, "bench: %s order %u, %u threads: %s after run\n",
			workload_name[wl], order, threads,
			llfree_strerror(err));
		exit(1);
	}
	llfree_uninit(&b->alloc);
	free(meta.local);
	free(meta.trees);
	free(meta.lower);
	free(b->frames);
	free(b);
	free(w);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, u32 n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* 1..max, or powers of two plus max when that would be too many steps. */
static u32 thread_steps(u32 max, u32 *steps)
{
	u32 n = 0;

	if (max <= 8) {
		for (u32 t = 1; t <= max; t++)
			steps[n++] = t;
		return n;
	}
	for (u32 t = 1; t < max; t *= 2)
		steps[n++] = t;
	steps[n++] = max;
	return n;
}

static void print_metadata(u32 cores)
{
	static const u64 gib[] = { 1, 128 };

	printf("\nMetadata for %u cores (bytes; local + trees + lower):\n\n",
	       cores);
	printf("| managed | local | trees | lower | total | per GiB |\n");
	printf("|--------:|------:|------:|------:|------:|--------:|\n");
	for (u32 i = 0; i < ARRAY_SIZE(gib); i++) {
		struct llfree_meta_size s;
		size_t total;

		if (llfree_metadata_size(cores, gib[i] * GIB_FRAMES, &s)) {
			fprintf(stderr, "bench: llfree_metadata_size failed\n");
			exit(1);
		}
		total = s.local + s.trees + s.lower;
		printf("| %3llu GiB | %zu | %zu | %zu | %zu | %.2f KiB |\n",
		       (unsigned long long)gib[i], s.local, s.trees, s.lower,
		       total, (double)total / (double)gib[i] / 1024.0);
	}
	printf("\nPaper (LLFree, ATC'23): about 33-36 KiB per GiB.\n");
}

static void print_help(FILE *out)
{
	fprintf(out,
		"usage: bench [--threads N] [--runs R] [--quick] [--managed GIB] [--order O]...\n"
		"  --threads N    largest thread count (default: usable CPUs)\n"
		"  --runs R       runs per point, the median is shown (default 3)\n"
		"  --quick        one short round per run (a smoke test)\n"
		"  --managed GIB  manage GIB GiB for every order, fill half of it\n"
		"  --order O      only this order (0, 9 or 10; may be repeated)\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threads", required_argument, NULL, 't' },
		{ "runs", required_argument, NULL, 'r' },
		{ "quick", no_argument, NULL, 'q' },
		{ "managed", required_argument, NULL, 'm' },
		{ "order", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	u32 runs = 3, steps[64], nsteps, only = 0;
	bool quick = false, bad = false;
	char *end;
	cpu_set_t set;
	int opt;

	while ((opt = getopt_long(argc, argv, "t:r:qm:o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			top_threads = (u32)strtoul(optarg, NULL, 0);
			break;
		case 'r':
			runs = (u32)strtoul(optarg, NULL, 0);
			break;
		case 'q':
			quick = true;
			break;
		case 'm':
			managed_gib = strtoull(optarg, &end, 0);
			bad |= *end || !managed_gib || managed_gib > 4096;
			break;
		case 'o': {
			unsigned long o = strtoul(optarg, &end, 0);

			bad |= *end || (o != 0 && o != 9 && o != 10);
			if (!bad)
				only |= 1u << o;
			break;
		}
		case 'h':
			print_help(stdout);
			return 0;
		default:
			print_help(stderr);
			return 2;
		}
	}
	if (bad || optind != argc || runs == 0 || runs > 1000 ||
	    top_threads > 4096) {
		print_help(stderr);
		return 2;
	}

	/* Pin to the CPUs we may use, in order; core index = thread index. */
	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				cpus[ncpus++] = c;
	}
	if (!top_threads)
		top_threads = ncpus ? (u32)ncpus : 1;
	nsteps = thread_steps(top_threads, steps);

	printf("LLFree user-space benchmark: %d usable CPUs, threads up to %u%s, median of %u runs%s\n",
	       ncpus, top_threads,
	       ncpus && top_threads > (u32)ncpus ? " (oversubscribed)" : "",
	       runs, quick ? ", quick" : "");
	for (u32 o = 0; o < ARRAY_SIZE(bench_orders); o++) {
		u32 order = bench_orders[o];

		if (only && !(only & 1u << order))
			continue;
		printf("Order %2u: %2u rounds of %6llu operations per thread and run, %llu GiB managed.\n",
		       order, rounds_per_run(order, quick),
		       (unsigned long long)ops_per_thread(order, quick),
		       (unsigned long long)(managed_frames(order, top_threads,
							   quick) / GIB_FRAMES));
	}
	printf("ns per operation (mean over threads); repeat: per alloc+free pair.\n");
	printf("xT1 = ns/op at N threads / ns/op at 1 thread (1.00 = perfect scaling).\n\n");
	printf("| workload | order | threads | alloc ns | free ns | alloc xT1 | free xT1 |\n");
	printf("|----------|------:|--------:|---------:|--------:|----------:|---------:|\n");

	for (int wl = 0; wl < W_COUNT; wl++) {
		for (u32 o = 0; o < ARRAY_SIZE(bench_orders); o++) {
			u32 order = bench_orders[o];
			double base_a = 0, base_f = 0;

			if (only && !(only & 1u << order))
				continue;

			for (u32 s = 0; s < nsteps; s++) {
				double va[1000], vf[1000], a, f;

				for (u32 r = 0; r < runs; r++)
					run_once(wl, order, steps[s],
						 top_threads, quick,
						 0x9e3779b97f4a7c15ull * (r + 1),
						 &va[r], &vf[r]);
				a = median(va, runs);
				f = median(vf, runs);
				if (s == 0) {
					base_a = a;
					base_f = f;
				}
				if (wl == W_REPEAT)
					printf("| %s (pair) | %u | %u | %.1f | - | %.2f | - |\n",
					       workload_name[wl], order, steps[s],
					       a, a / base_a);
				else
					printf("| %s | %u | %u | %.1f | %.1f | %.2f | %.2f |\n",
					       workload_name[wl], order, steps[s],
					       a, f, a / base_a, f / base_f);
				fflush(stdout);
			}
		}
	}

	if (atomic_load(&unpinned))
		printf("\nWarning: some threads could not be pinned to a CPU.\n");
	print_metadata(ncpus ? (u32)ncpus : 1);
	return 0;
}
