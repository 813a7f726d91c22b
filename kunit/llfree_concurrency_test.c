// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: LLFree under real concurrency. Two kthreads bound to every online
 * CPU (core index = CPU number, so the two share that CPU's reservations as
 * preempted tasks would) allocate and free mixed orders against one
 * allocator. A shared bitmap proves that no frame is handed out twice: bits
 * are set with test_and_set_bit() after an allocation and cleared with
 * test_and_clear_bit() before the free.
 *
 * Phases, each a fresh set of kthreads the test waits for: random allocs and
 * frees (some handed to other threads, so they are remote frees), a fill
 * until order 0 fails everywhere, and freeing everything another thread
 * holds. Between phases nothing runs, so exact checks hold: the bitmap
 * matches llfree_is_free(), the counters match it, llfree_validate() is
 * clean, and order 0 must then find every frame still free on any core.
 * ENOMEM during the concurrent phases is only counted: a search racing with
 * a reservation change may miss frames that are free.
 *
 * Kernel only (kthreads); the user-space counterpart is tools/llfree/
 * test_stress.c.
 */
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/prandom.h>
#include <linux/sched.h>

#include "llfree_test_util.h"

/* Four trees, then a short tree with an odd number of children and a tail. */
#define CC_FRAMES (4 * LLF_TREE_FRAMES + 4 * LLFREE_CHILD_FRAMES + 77)
#define CC_THREADS_PER_CPU 2
/* Operations per thread in the random phase: seconds under QEMU TCG. */
#define CC_OPS 100000
#define CC_XCHG 32
#define CC_XCHG_FULL BIT_ULL(63)

/* Held blocks are packed as frame << 4 | order. */
#define CC_BLOCK(frame, order) ((u64)(frame) << 4 | (order))
#define CC_FRAME(b) ((b) >> 4)
#define CC_ORDER(b) ((u32)((b) & 0xf))

struct cc_test;

struct cc_worker {
	struct cc_test *t;
	unsigned int cpu;
	struct rnd_state rnd;
	u64 *held;
	u64 nheld;
	u64 held_frames;
	/* Whose blocks this worker frees in the last phase. */
	struct cc_worker *victim;
	u64 enomem;
};

struct cc_test {
	struct llf_test *a;
	unsigned long *shadow;
	atomic64_t xchg[CC_XCHG];
	struct cc_worker *w;
	unsigned int workers;
	void (*phase)(struct cc_worker *w);
	atomic_t running;
	struct completion done;
	atomic_t errors;
	char first[128];
};

/* Percent per order: mostly small frames, some huge ones. */
static const u8 cc_order_weight[LLFREE_MAX_ORDER + 1] = {
	40, 12, 10, 8, 6, 5, 4, 4, 3, 5, 3,
};

static __printf(2, 3) void cc_fail(struct cc_test *t, const char *fmt, ...)
{
	va_list ap;

	/* The first reporter writes it; it is read after the phase ends. */
	if (atomic_inc_return(&t->errors) != 1)
		return;
	va_start(ap, fmt);
	vsnprintf(t->first, sizeof(t->first), fmt, ap);
	va_end(ap);
}

static u32 cc_order(struct cc_worker *w, u32 max)
{
	u32 r = prandom_u32_state(&w->rnd) % 100;
	u32 order;

	for (order = 0; order < LLFREE_MAX_ORDER; order++) {
		if (r < cc_order_weight[order])
			break;
		r -= cc_order_weight[order];
	}
	return min(order, max);
}

static u32 cc_flags(struct cc_worker *w, u32 order)
{
	u32 r = prandom_u32_state(&w->rnd);

	if (order < LLFREE_CHILD_ORDER)
		return (r & 1) ? LLFREE_MOVABLE : LLFREE_IMMOVABLE;
	return (r & 6) ? LLFREE_HUGE : LLFREE_MOVABLE;
}

static void cc_hold(struct cc_worker *w, u64 block)
{
	w->held[w->nheld++] = block;
	w->held_frames += 1ull << CC_ORDER(block);
}

static u64 cc_take(struct cc_worker *w, u64 i)
{
	u64 block = w->held[i];

	w->held[i] = w->held[--w->nheld];
	w->held_frames -= 1ull << CC_ORDER(block);
	return block;
}

static int cc_alloc(struct cc_worker *w, u32 core, u32 order, u32 flags)
{
	struct cc_test *t = w->t;
	struct llfree_frame out;
	u64 f, n = 1ull << order;
	int ret = llfree_alloc(&t->a->self, core, order, flags, &out);

	if (ret == -LLFREE_ENOMEM) {
		w->enomem++;
		return ret;
	}
	if (ret) {
		cc_fail(t, "alloc order %u on core %u: %s", order, core,
			llfree_strerror(ret));
		return ret;
	}
	if (out.frame % n || out.frame + n > CC_FRAMES) {
		cc_fail(t, "alloc order %u returned bad frame %llu", order,
			out.frame);
		return -LLFREE_ERANGE;
	}
	for (f = out.frame; f < out.frame + n; f++)
		if (test_and_set_bit(f, t->shadow))
			cc_fail(t, "frame %llu handed out twice", f);
	cc_hold(w, CC_BLOCK(out.frame, order));
	return 0;
}

static void cc_free_one(struct cc_worker *w, u64 frame, u32 order)
{
	struct cc_test *t = w->t;
	u64 f;
	int ret;

	for (f = frame; f < frame + (1ull << order); f++)
		if (!test_and_clear_bit(f, t->shadow))
			cc_fail(t, "frame %llu freed but not held", f);
	ret = llfree_free(&t->a->self, w->cpu, frame, order, 0);
	if (ret)
		cc_fail(t, "free of frame %llu order %u: %s", frame, order,
			llfree_strerror(ret));
}

/* Free a block, one time in eight as its two halves (splitting huge). */
static void cc_free(struct cc_worker *w, u64 block)
{
	u64 frame = CC_FRAME(block);
	u32 order = CC_ORDER(block);

	if (order && prandom_u32_state(&w->rnd) % 8 == 0) {
		cc_free_one(w, frame + (1ull << (order - 1)), order - 1);
		cc_free_one(w, frame, order - 1);
	} else {
		cc_free_one(w, frame, order);
	}
}

static void cc_random_phase(struct cc_worker *w)
{
	struct cc_test *t = w->t;
	u64 budget = CC_FRAMES * 5 / 4 / t->workers;
	u32 i;

	for (i = 0; i < CC_OPS; i++) {
		u32 r = prandom_u32_state(&w->rnd);

		if (i % 64 == 0)
			cond_resched();
		if (r % 1024 == 0)
			llfree_drain(&t->a->self, w->cpu);
		if (!w->nheld ||
		    (w->held_frames < budget && (r >> 10) % 100 < 55)) {
			u32 order = cc_order(w, LLFREE_MAX_ORDER);

			cc_alloc(w, w->cpu, order, cc_flags(w, order));
		} else {
			u64 block = cc_take(w, (r >> 10) % w->nheld);
			u64 old;

			if (r >> 30) {
				cc_free(w, block);
				continue;
			}
			/* Hand it over: another thread frees it remotely. */
			old = atomic64_xchg(&t->xchg[r % CC_XCHG],
					    CC_XCHG_FULL | block);
			if (old)
				cc_free(w, old & ~CC_XCHG_FULL);
		}
	}
}

static void cc_fill_phase(struct cc_worker *w)
{
	u32 max = LLFREE_MAX_ORDER;
	u32 n = 0;

	for (;;) {
		u32 order = cc_order(w, max);
		int ret = cc_alloc(w, w->cpu, order, cc_flags(w, order));

		if (++n % 64 == 0)
			cond_resched();
		if (ret == -LLFREE_ENOMEM) {
			if (!order)
				break;
			max = order - 1;
		} else if (ret) {
			break;
		}
	}
}

static void cc_free_phase(struct cc_worker *w)
{
	struct cc_worker *v = w->victim;
	u32 n = 0;

	while (v->nheld) {
		cc_free(w, cc_take(v, prandom_u32_state(&w->rnd) % v->nheld));
		if (++n % 64 == 0)
			cond_resched();
	}
}

static int cc_thread(void *arg)
{
	struct cc_worker *w = arg;
	struct cc_test *t = w->t;

	t->phase(w);
	if (atomic_dec_and_test(&t->running))
		complete(&t->done);
	return 0;
}

/* Run @phase in every worker and wait until all are done. */
static void cc_run(struct kunit *test, struct cc_test *t,
		   void (*phase)(struct cc_worker *w))
{
	unsigned int i;

	t->phase = phase;
	reinit_completion(&t->done);
	/* The test holds one count itself so that no early exit completes. */
	atomic_set(&t->running, 1);
	for (i = 0; i < t->workers; i++) {
		struct task_struct *task;

		task = kthread_create_on_cpu(cc_thread, &t->w[i], t->w[i].cpu,
					     "llfree_cc/%u");
		if (IS_ERR(task)) {
			KUNIT_FAIL(test, "kthread on CPU %u: %ld", t->w[i].cpu,
				   PTR_ERR(task));
			continue;
		}
		atomic_inc(&t->running);
		wake_up_process(task);
	}
	if (!atomic_dec_and_test(&t->running))
		wait_for_completion(&t->done);
}

/* Exact checks; only sound while no worker runs. */
static void cc_check(struct kunit *test, struct cc_test *t, const char *when)
{
	struct llfree *self = &t->a->self;
	struct llfree_stats st;
	u64 f, held = 0, wrong = 0;

	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&t->errors), 0, "%s: %s", when,
			    t->first);
	LLF_EXPECT_VALID(test, t->a);
	for (f = 0; f < CC_FRAMES; f++) {
		bool is_held = test_bit(f, t->shadow);

		held += is_held;
		wrong += llfree_is_free(self, f, 0) != !is_held;
	}
	KUNIT_EXPECT_EQ_MSG(test, wrong, 0, "%s: frames differ from bitmap",
			    when);
	KUNIT_ASSERT_EQ(test, llfree_stats(self, &st), 0);
	KUNIT_EXPECT_EQ_MSG(test, st.free_frames, CC_FRAMES - held, "%s",
			    when);
	KUNIT_EXPECT_EQ_MSG(test, llfree_free_frames(self), st.free_frames,
			    "%s", when);
}

static void llfree_concurrency_stress(struct kunit *test)
{
	struct cc_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	unsigned int cpu, i, n = 0;
	struct llfree_stats st;
	u64 enomem = 0, found = 0;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->a = llf_test_create(test, nr_cpu_ids, CC_FRAMES, LLFREE_INIT_FREE);
	t->shadow = llf_test_buffer(test, BITS_TO_LONGS(CC_FRAMES) *
					  sizeof(long));
	init_completion(&t->done);
	t->workers = num_online_cpus() * CC_THREADS_PER_CPU;
	t->w = kunit_kcalloc(test, t->workers, sizeof(*t->w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->w);
	for_each_online_cpu(cpu) {
		for (i = 0; i < CC_THREADS_PER_CPU && n < t->workers; i++) {
			struct cc_worker *w = &t->w[n];

			w->t = t;
			w->cpu = cpu;
			prandom_seed_state(&w->rnd, 0x5eed0000ull + n);
			w->held = llf_test_buffer(test, CC_FRAMES * sizeof(u64));
			n++;
		}
	}
	t->workers = n;
	for (i = 0; i < n; i++)
		t->w[i].victim = &t->w[(i + 1) % n];
	kunit_info(test, "%u kthreads on %u CPUs, %u frames\n", n,
		   num_online_cpus(), CC_FRAMES);

	cc_run(test, t, cc_random_phase);
	for (i = 0; i < CC_XCHG; i++) {
		u64 v = atomic64_xchg(&t->xchg[i], 0);

		if (v)
			cc_hold(&t->w[i % n], v & ~CC_XCHG_FULL);
	}
	cc_check(test, t, "after random phase");

	cc_run(test, t, cc_fill_phase);
	cc_check(test, t, "after fill");
	/* Quiescent: every core must find every frame still free. */
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		while (!cc_alloc(&t->w[0], cpu, 0, LLFREE_IMMOVABLE))
			found++;
		KUNIT_EXPECT_EQ_MSG(test, llfree_free_frames(&t->a->self), 0,
				    "order 0 out of memory on core %u", cpu);
	}
	cc_check(test, t, "after exhaustion");

	cc_run(test, t, cc_free_phase);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		KUNIT_EXPECT_EQ(test, llfree_drain(&t->a->self, cpu), 0);
	cc_check(test, t, "at the end");
	KUNIT_EXPECT_TRUE(test, bitmap_empty(t->shadow, CC_FRAMES));
	KUNIT_ASSERT_EQ(test, llfree_stats(&t->a->self, &st), 0);
	KUNIT_EXPECT_EQ(test, st.free_frames, CC_FRAMES);
	KUNIT_EXPECT_EQ(test, st.huge_allocated, 0);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->a->self), CC_FRAMES);

	for (i = 0; i < n; i++)
		enomem += t->w[i].enomem;
	kunit_info(test, "%llu concurrent ENOMEM, %llu frames found after the fill\n",
		   enomem, found);
}

static struct kunit_case llfree_concurrency_cases[] = {
	KUNIT_CASE_SLOW(llfree_concurrency_stress),
	{}
};

static struct kunit_suite llfree_concurrency_suite = {
	.name = "llfree_concurrency",
	.test_cases = llfree_concurrency_cases,
};

kunit_test_suites(&llfree_concurrency_suite);
