// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrent stress test of the LLFree core in user space.
 *
 * Worker threads (thread i on core i % cores, so some runs share cores)
 * allocate and free frames of mixed orders against one allocator. A shadow
 * bitmap with one atomic bit per frame checks every step: a thread sets the
 * bits of a block after llfree_alloc() handed it out and clears them before
 * llfree_free(). Finding a bit already set on allocation means the frame was
 * handed out twice; finding one clear on free means the test lost track of a
 * frame. Both fail the run.
 *
 * Between phases all workers are joined, so the allocator is quiescent and
 * exact checks are sound: the shadow must match llfree_is_free() frame by
 * frame, llfree_stats(), llfree_free_frames() and llfree_free_huge() must
 * agree with it, and llfree_validate() must be clean.
 *
 * About out-of-memory: under concurrency ENOMEM is not exact. Frames move
 * between a core's reservation and its tree (reserve, swap, steal, pull),
 * and a search racing with such a move can miss them although they are free
 * the whole time. So concurrent ENOMEMs are only counted; what is asserted is
 * exactness when quiescent: after the concurrent fill, allocating order 0 on
 * every core in turn must find every frame left (llfree_free_frames() and
 * llfree_stats() are 0 once it fails), and after draining all cores an
 * allocation of any order must succeed as long as llfree_is_free() still
 * shows a free aligned block of that order.
 *
 * Usage: test_stress [ops]; ops (also LLFREE_STRESS_OPS) is the number of
 * random operations per configuration, LLFREE_STRESS_SEED fixes the seed.
 * Prints "PASS stress.<config>" or "FAIL stress.<config>: why" per
 * configuration and "N passed, N failed" last; exit status 1 on failure.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <llfree/llfree.h>
#include "tool_util.h"

#if defined(__SANITIZE_THREAD__)
#define STRESS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STRESS_TSAN 1
#endif
#endif

/* TSan is about ten times slower: keep its whole run within a minute. */
#ifdef STRESS_TSAN
#define DEFAULT_OPS 200000ull
#else
#define DEFAULT_OPS 3000000ull
#endif

/*
 * 328 MiB: 20 trees and a last one with an odd number of children, the
 * last of them partial, so that tail handling and order-10 alignment in a
 * short tree are stressed too.
 */
#define STRESS_FRAMES (82ull * 1024 + 123)
#define MAX_ORDER LLFREE_MAX_ORDER
#define XCHG_SLOTS 64
#define XCHG_FULL (1ull << 63)
#define SPLIT_SLOTS 256
/* A huge frame is handed out in pieces of this many frames. */
#define SPLIT_PIECE 64
#define MAX_REPORTS 10
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Held blocks are packed as frame << 4 | order. */
#define BLOCK(frame, order) ((u64)(frame) << 4 | (order))
#define BLOCK_FRAME(b) ((b) >> 4)
#define BLOCK_ORDER(b) ((u32)((b) & 0xf))

/* Weights (percent) of the orders: mostly small frames, some huge ones. */
static const unsigned int order_weight[MAX_ORDER + 1] = {
	40, 12, 10, 8, 6, 5, 4, 4, 3, 5, 3,
};

struct stress;

struct worker {
	pthread_t tid;
	struct stress *s;
	u32 id;
	u32 core;
	u64 rng;
	/* Blocks this worker owns; capacity: one per frame. */
	u64 *held;
	u64 nheld;
	u64 held_frames;
	/* Free the blocks of this worker in the next phase (remote frees). */
	struct worker *victim;
	u64 allocs;
	u64 frees;
	u64 enomem;
};

struct stress {
	struct llfree alloc;
	struct llfree_meta meta;
	u64 frames;
	u32 threads;
	u32 cores;
	u64 ops;
	atomic_ullong *shadow;
	u64 shadow_words;
	/* Blocks in transit between workers, XCHG_FULL | block. */
	atomic_ullong xchg[XCHG_SLOTS];
	/* Split case: pieces of huge frames waiting to be freed (frame + 1). */
	atomic_ullong pieces[SPLIT_SLOTS];
	atomic_uint producers_left;
	pthread_barrier_t barrier;
	struct worker *w;
};

static atomic_uint errors;
static char first_error[256];
static unsigned int passed, failed;

static void fail(const char *fmt, ...)
{
	unsigned int n = atomic_fetch_add(&errors, 1);
	char msg[256];
	va_list ap;

	if (n >= MAX_REPORTS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Only the first reporter writes it; it is read after the join. */
	if (!n)
		snprintf(first_error, sizeof(first_error), "%s", msg);
	fprintf(stderr, "# error: %s\n", msg);
}

static void fail_line(void *arg, const char *line)
{
	fail("%s: validate: %s", (const char *)arg, line);
}


static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}


static u32 random_order(u64 *rng, u32 max)
{
	unsigned int r = next_rand(rng) % 100;
	u32 order;

	for (order = 0; order < MAX_ORDER; order++) {
		if (r < order_weight[order])
			break;
		r -= order_weight[order];
	}
	return order < max ? order : max;
}

/* Huge frames mostly in their own class, small ones in the other two. */
static u32 random_flags(u64 *rng, u32 order)
{
	u64 r = next_rand(rng);

	if (order < LLFREE_CHILD_ORDER)
		return (r & 1) ? LLFREE_MOVABLE : LLFREE_IMMOVABLE;
	return ((r & 6) ? LLFREE_HUGE : LLFREE_MOVABLE) |
	       ((r & 8) ? LLFREE_ALLOC_ZEROED : 0);
}

/*
 * Bits of shadow word frame / 64 covered by [frame, end); *next is where
 * the following word's part starts.
 */
static u64 shadow_mask(u64 frame, u64 end, u64 *next)
{
	u64 bit = frame % 64;
	u64 len = end - frame < 64 - bit ? end - frame : 64 - bit;

	*next = frame + len;
	return (len == 64 ? ~0ull : (1ull << len) - 1) << bit;
}

/* Mark [frame, frame + 2^order) held; any bit already set is a bug. */
static void shadow_set(struct stress *s, u64 frame, u32 order)
{
	u64 end = frame + (1ull << order), next;

	for (; frame < end; frame = next) {
		u64 mask = shadow_mask(frame, end, &next);
		u64 old = atomic_fetch_or(&s->shadow[frame / 64], mask);

		if (old & mask)
			fail("frame %llu handed out twice (order %u block at %llu)",
			     (unsigned long long)(frame / 64 * 64 +
						   __builtin_ctzll(old & mask)),
			     order, (unsigned long long)(end - (1ull << order)));
	}
}

static void shadow_clear(struct stress *s, u64 frame, u32 order)
{
	u64 end = frame + (1ull << order), next;

	for (; frame < end; frame = next) {
		u64 mask = shadow_mask(frame, end, &next);
		u64 old = atomic_fetch_and(&s->shadow[frame / 64], ~mask);

		if ((old & mask) != mask)
			fail("frame %llu freed but not held (lost track)",
			     (unsigned long long)(frame / 64 * 64 +
						   __builtin_ctzll(~old & mask)));
	}
}

static bool shadow_test(struct stress *s, u64 frame)
{
	return atomic_load(&s->shadow[frame / 64]) >> (frame % 64) & 1;
}

static void hold(struct worker *w, u64 block)
{
	w->held[w->nheld++] = block;
	w->held_frames += 1ull << BLOCK_ORDER(block);
}

/* Allocate and record; returns the llfree_alloc() result. */
static int alloc_block(struct worker *w, u32 core, u32 order, u32 flags)
{
	struct stress *s = w->s;
	struct llfree_frame out;
	int ret = llfree_alloc(&s->alloc, core, order, flags, &out);

	if (ret == -LLFREE_ENOMEM) {
		w->enomem++;
		return ret;
	}
	if (ret) {
		fail("alloc order %u on core %u: %s", order, core,
		     llfree_strerror(ret));
		return ret;
	}
	if (out.frame % (1ull << order) ||
	    out.frame + (1ull << order) > s->frames) {
		fail("alloc order %u returned bad frame %llu", order,
		     (unsigned long long)out.frame);
		return -LLFREE_ERANGE;
	}
	shadow_set(s, out.frame, order);
	hold(w, BLOCK(out.frame, order));
	w->allocs++;
	return 0;
}

static void free_one(struct worker *w, u64 frame, u32 order, u32 flags)
{
	struct stress *s = w->s;
	int ret;

	shadow_clear(s, frame, order);
	ret = llfree_free(&s->alloc, w->core, frame, order, flags);
	if (ret)
		fail("free of frame %llu order %u on core %u: %s",
		     (unsigned long long)frame, order, w->core,
		     llfree_strerror(ret));
	w->frees++;
}

/*
 * Free a block, sometimes in pieces: the sub-blocks of a huge frame split
 * it, those of a small block clear a part of its bits.
 */
static void free_block(struct worker *w, u64 block)
{
	u64 frame = BLOCK_FRAME(block);
	u32 order = BLOCK_ORDER(block);
	u64 r = next_rand(&w->rng);
	u32 sub, flags = 0;
	u64 i;

	if (order > 0 && r % 8 == 0) {
		/* At most 64 pieces, in random order of halves. */
		sub = order - 1 - (u32)((r >> 8) % (order < 6 ? order : 6));
		for (i = 0; i < 1ull << (order - sub); i++) {
			u64 piece = i ^ ((r >> 16) & ((1ull << (order - sub)) - 1));

			free_one(w, frame + (piece << sub), sub, 0);
		}
		return;
	}
	if (order >= LLFREE_CHILD_ORDER && (r & 0x10))
		flags = LLFREE_FREE_ZEROED;
	free_one(w, frame, order, flags);
}

static u64 take_held(struct worker *w, u64 i)
{
	u64 block = w->held[i];

	w->held[i] = w->held[--w->nheld];
	w->held_frames -= 1ull << BLOCK_ORDER(block);
	return block;
}

/* Leave a block for another thread to free; free whatever was there. */
static void hand_over(struct worker *w, u64 block)
{
	struct stress *s = w->s;
	u64 old = atomic_exchange(&s->xchg[next_rand(&w->rng) % XCHG_SLOTS],
				  XCHG_FULL | block);

	if (old)
		free_block(w, old & ~XCHG_FULL);
}

/* Phase 1: random allocations and frees, overcommitted to hit ENOMEM. */
static void *random_phase(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	u64 budget = s->frames * 5 / 4 / s->threads;
	u64 ops = s->ops / s->threads;
	u64 i;

	pthread_barrier_wait(&s->barrier);
	for (i = 0; i < ops; i++) {
		u64 r = next_rand(&w->rng);

		if (r % 1024 == 0 && llfree_drain(&s->alloc, w->core))
			fail("drain of core %u failed", w->core);
		if (!w->nheld ||
		    (w->held_frames < budget && (r >> 10) % 100 < 55)) {
			u32 order = random_order(&w->rng, MAX_ORDER);

			alloc_block(w, w->core, order,
				    random_flags(&w->rng, order));
		} else {
			u64 block = take_held(w, (r >> 20) % w->nheld);

			if ((r >> 40) % 4 == 0)
				hand_over(w, block);
			else
				free_block(w, block);
		}
	}
	return NULL;
}

/*
 * Phase 2: everybody allocates, no frees, until order 0 fails. After an
 * order fails, only smaller ones are tried.
 */
static void *fill_phase(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	u32 max = MAX_ORDER;

	pthread_barrier_wait(&s->barrier);
	for (;;) {
		u32 order = random_order(&w->rng, max);
		int ret = alloc_block(w, w->core, order,
				      random_flags(&w->rng, order));

		if (ret == -LLFREE_ENOMEM) {
			if (!order)
				break;
			max = order - 1;
		} else if (ret) {
			break;
		}
	}
	return NULL;
}

/* Phase 3: free about half of the blocks, leaving memory fragmented. */
static void *thin_phase(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	u64 n = w->nheld / 2;

	pthread_barrier_wait(&s->barrier);
	while (n--)
		free_block(w, take_held(w, next_rand(&w->rng) % w->nheld));
	return NULL;
}

/* Phase 4: free everything another worker holds (remote frees). */
static void *free_phase(void *arg)
{
	struct worker *w = arg;
	struct worker *v = w->victim;

	pthread_barrier_wait(&w->s->barrier);
	while (v->nheld)
		free_block(w, take_held(v, next_rand(&w->rng) % v->nheld));
	return NULL;
}

static void run_phase(struct stress *s, void *(*fn)(void *))
{
	u32 i;

	for (i = 0; i < s->threads; i++) {
		if (pthread_create(&s->w[i].tid, NULL, fn, &s->w[i])) {
			fprintf(stderr, "test_stress: cannot create thread\n");
			exit(2);
		}
	}
	for (i = 0; i < s->threads; i++)
		pthread_join(s->w[i].tid, NULL);
}

/* Children entirely free according to the shadow (order 9 possible). */
static u64 shadow_free_children(struct stress *s)
{
	u64 c, n = 0;

	for (c = 0; (c + 1) * LLFREE_CHILD_FRAMES <= s->frames; c++) {
		u64 w, first = c * LLFREE_CHILD_FRAMES / 64;

		for (w = 0; w < LLFREE_CHILD_FRAMES / 64; w++)
			if (atomic_load(&s->shadow[first + w]))
				break;
		n += w == LLFREE_CHILD_FRAMES / 64;
	}
	return n;
}

static u64 held_huge_children(struct stress *s)
{
	u64 i, n = 0;
	u32 t;

	for (t = 0; t < s->threads; t++)
		for (i = 0; i < s->w[t].nheld; i++)
			if (BLOCK_ORDER(s->w[t].held[i]) >= LLFREE_CHILD_ORDER)
				n += 1ull << (BLOCK_ORDER(s->w[t].held[i]) -
					      LLFREE_CHILD_ORDER);
	return n;
}

/* Exact checks; only valid while no worker runs. */
static void quiescent_check(struct stress *s, const char *when)
{
	struct llfree_stats st;
	u64 f, allocated = 0, mismatches = 0;

	if (llfree_validate(&s->alloc, fail_line, (void *)when))
		fail("%s: llfree_validate failed", when);
	for (f = 0; f < s->frames; f++) {
		bool held = shadow_test(s, f);
		int free = llfree_is_free(&s->alloc, f, 0);

		allocated += held;
		if (free == !held)
			continue;
		if (!mismatches++)
			fail("%s: frame %llu is %s but %s", when,
			     (unsigned long long)f,
			     free ? "free" : "allocated",
			     held ? "held" : "not held");
	}
	if (mismatches)
		fail("%s: %llu frames differ from the shadow", when,
		     (unsigned long long)mismatches);
	if (llfree_stats(&s->alloc, &st)) {
		fail("%s: llfree_stats failed", when);
		return;
	}
	if (st.free_frames != s->frames - allocated)
		fail("%s: stats say %llu free, shadow %llu", when,
		     (unsigned long long)st.free_frames,
		     (unsigned long long)(s->frames - allocated));
	if (llfree_free_frames(&s->alloc) != st.free_frames)
		fail("%s: llfree_free_frames %llu, stats %llu", when,
		     (unsigned long long)llfree_free_frames(&s->alloc),
		     (unsigned long long)st.free_frames);
	if (st.free_huge != shadow_free_children(s) ||
	    llfree_free_huge(&s->alloc) != st.free_huge)
		fail("%s: free huge: stats %llu, fast %llu, shadow %llu", when,
		     (unsigned long long)st.free_huge,
		     (unsigned long long)llfree_free_huge(&s->alloc),
		     (unsigned long long)shadow_free_children(s));
	if (st.huge_allocated != held_huge_children(s))
		fail("%s: %llu huge children allocated, %llu held", when,
		     (unsigned long long)st.huge_allocated,
		     (unsigned long long)held_huge_children(s));
}

/* Move blocks left in the exchange slots to the workers' lists. */
static void collect_exchange(struct stress *s)
{
	u32 i;

	for (i = 0; i < XCHG_SLOTS; i++) {
		u64 v = atomic_exchange(&s->xchg[i], 0);

		if (v)
			hold(&s->w[i % s->threads], v & ~XCHG_FULL);
	}
}

/*
 * Quiescent, without draining: order 0 on every core in turn must find
 * every frame still free, including those in other cores' reservations and
 * in trees other cores reserved. Returns the frames the fill had missed.
 */
static u64 exhaust_order0(struct stress *s)
{
	u64 before = s->w[0].allocs;
	u32 c;

	for (c = 0; c < s->cores; c++) {
		while (!alloc_block(&s->w[0], c, 0, LLFREE_IMMOVABLE))
			;
		if (llfree_free_frames(&s->alloc))
			fail("order 0 out of memory on core %u with %llu free",
			     c, (unsigned long long)llfree_free_frames(&s->alloc));
	}
	return s->w[0].allocs - before;
}

static u64 count_free_blocks(struct stress *s, u32 order, u64 *first)
{
	u64 f, n = 0, step = 1ull << order;

	for (f = 0; f + step <= s->frames; f += step) {
		if (llfree_is_free(&s->alloc, f, order) == 1) {
			if (!n)
				*first = f;
			n++;
		}
	}
	return n;
}

/*
 * Quiescent, all cores drained: allocate largest orders first; an order may
 * only fail once no aligned free block of it is left.
 */
static void exhaust_by_order(struct stress *s)
{
	u32 order, c, i = 0;
	u64 first = 0, left;

	for (c = 0; c < s->cores; c++)
		llfree_drain(&s->alloc, c);
	for (order = MAX_ORDER + 1; order-- > 0;) {
		for (;;) {
			struct worker *w = &s->w[i % s->threads];

			i++;
			if (alloc_block(w, i % s->cores, order,
					random_flags(&w->rng, order)))
				break;
		}
		left = count_free_blocks(s, order, &first);
		if (left)
			fail("order %u out of memory with %llu free blocks (first at %llu)",
			     order, (unsigned long long)left,
			     (unsigned long long)first);
	}
	if (llfree_free_frames(&s->alloc))
		fail("%llu frames free after exhausting all orders",
		     (unsigned long long)llfree_free_frames(&s->alloc));
}

static void final_check(struct stress *s)
{
	struct llfree_stats st;
	u64 w, full = s->frames / LLFREE_CHILD_FRAMES;
	u32 c;

	for (c = 0; c < s->cores; c++)
		if (llfree_drain(&s->alloc, c))
			fail("drain of core %u failed", c);
	for (w = 0; w < s->shadow_words; w++)
		if (atomic_load(&s->shadow[w]))
			fail("frames still held at the end (shadow word %llu)",
			     (unsigned long long)w);
	quiescent_check(s, "end");
	if (llfree_free_frames(&s->alloc) != s->frames)
		fail("end: %llu of %llu frames free",
		     (unsigned long long)llfree_free_frames(&s->alloc),
		     (unsigned long long)s->frames);
	if (!llfree_stats(&s->alloc, &st) &&
	    (st.free_frames != s->frames || st.free_huge != full ||
	     st.huge_allocated))
		fail("end: stats %llu free, %llu free huge, %llu huge allocated",
		     (unsigned long long)st.free_frames,
		     (unsigned long long)st.free_huge,
		     (unsigned long long)st.huge_allocated);
}

static struct stress *stress_create(u32 threads, u32 cores, u64 ops, u64 seed)
{
	struct stress *s = xalloc(sizeof(*s));
	struct llfree_meta_size size;
	u32 i;
	int ret;

	s->frames = STRESS_FRAMES;
	s->threads = threads;
	s->cores = cores;
	s->ops = ops;
	s->shadow_words = (s->frames + 63) / 64;
	s->shadow = xalloc(s->shadow_words * sizeof(*s->shadow));
	ret = llfree_metadata_size(cores, s->frames, &size);
	if (!ret) {
		s->meta.local = xalloc(size.local);
		s->meta.trees = xalloc(size.trees);
		s->meta.lower = xalloc(size.lower);
		ret = llfree_init(&s->alloc, cores, s->frames, LLFREE_INIT_FREE,
				  false, &s->meta);
	}
	if (ret) {
		fprintf(stderr, "test_stress: init: %s\n",
			llfree_strerror(ret));
		exit(2);
	}
	pthread_barrier_init(&s->barrier, NULL, threads);
	s->w = xalloc(threads * sizeof(*s->w));
	for (i = 0; i < threads; i++) {
		s->w[i].s = s;
		s->w[i].id = i;
		s->w[i].core = i % cores;
		s->w[i].rng = seed ^ (0x9e3779b97f4a7c15ull * (i + 1));
		next_rand(&s->w[i].rng);
		s->w[i].held = xalloc(s->frames * sizeof(u64));
		s->w[i].victim = &s->w[(i + 1) % threads];
	}
	return s;
}

static void stress_destroy(struct stress *s)
{
	u32 i;

	llfree_uninit(&s->alloc);
	pthread_barrier_destroy(&s->barrier);
	for (i = 0; i < s->threads; i++)
		free(s->w[i].held);
	free(s->w);
	free(s->meta.local);
	free(s->meta.trees);
	free(s->meta.lower);
	free((void *)s->shadow);
	free(s);
}

static void totals(struct stress *s, u64 *allocs, u64 *enomem)
{
	u32 i;

	*allocs = 0;
	*enomem = 0;
	for (i = 0; i < s->threads; i++) {
		*allocs += s->w[i].allocs;
		*enomem += s->w[i].enomem;
	}
}

static void run_mixed(struct stress *s, const char *name)
{
	u64 allocs, enomem, missed;

	run_phase(s, random_phase);
	collect_exchange(s);
	quiescent_check(s, "after random phase");

	run_phase(s, fill_phase);
	quiescent_check(s, "after fill");
	missed = exhaust_order0(s);
	quiescent_check(s, "after order-0 exhaustion");

	run_phase(s, thin_phase);
	quiescent_check(s, "after thinning");
	exhaust_by_order(s);
	quiescent_check(s, "after exhaustion by order");

	run_phase(s, free_phase);
	final_check(s);

	totals(s, &allocs, &enomem);
	printf("# %s: %llu allocations, %llu concurrent ENOMEM, %llu frames found after the fill\n",
	       name, (unsigned long long)allocs, (unsigned long long)enomem,
	       (unsigned long long)missed);
}

/* Take a piece of a huge frame from the slots, or return false. */
static bool take_piece(struct worker *w, u64 *frame)
{
	struct stress *s = w->s;
	u64 start = next_rand(&w->rng);
	u32 i;

	for (i = 0; i < SPLIT_SLOTS; i++) {
		atomic_ullong *slot = &s->pieces[(start + i) % SPLIT_SLOTS];
		u64 v;

		if (!atomic_load(slot))
			continue;
		v = atomic_exchange(slot, 0);
		if (v) {
			*frame = v - 1;
			return true;
		}
	}
	return false;
}

/* Free the frames of a piece one by one, in a scrambled order. */
static void free_piece(struct worker *w, u64 frame)
{
	u64 mix = next_rand(&w->rng) % SPLIT_PIECE;
	u64 i;

	for (i = 0; i < SPLIT_PIECE; i++)
		free_one(w, frame + ((i * 37 + mix) % SPLIT_PIECE), 0, 0);
}

static void publish_pieces(struct worker *w, u64 frame, u32 order)
{
	struct stress *s = w->s;
	u64 p, start = next_rand(&w->rng);

	for (p = 0; p < (1ull << order) / SPLIT_PIECE; p++) {
		u64 piece = frame + p * SPLIT_PIECE;
		bool placed = false;
		u32 i;

		for (i = 0; i < SPLIT_SLOTS && !placed; i++) {
			unsigned long long empty = 0;

			placed = atomic_compare_exchange_strong(
				&s->pieces[(start + p + i) % SPLIT_SLOTS],
				&empty, piece + 1);
		}
		if (!placed)
			free_piece(w, piece);
	}
}

/*
 * Producers (even workers) allocate huge frames and publish them in pieces;
 * consumers (odd workers) free the pieces frame by frame, so several threads
 * split and free inside one huge frame at once while producers allocate
 * small frames next to them.
 */
static void *split_phase(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	u64 frame, i, huge = s->ops / 256 / (s->threads / 2);

	pthread_barrier_wait(&s->barrier);
	if (w->id % 2) {
		for (;;) {
			if (take_piece(w, &frame)) {
				free_piece(w, frame);
				continue;
			}
			if (atomic_load(&s->producers_left)) {
				sched_yield();
				continue;
			}
			/* Producers are done: what is left is all there is. */
			if (!take_piece(w, &frame))
				break;
			free_piece(w, frame);
		}
		return NULL;
	}
	for (i = 0; i < huge; i++) {
		u32 order = LLFREE_CHILD_ORDER + (u32)(i % 2);
		u32 flags = random_flags(&w->rng, order);
		u64 tries = 0;

		while (alloc_block(w, w->core, order, flags) == -LLFREE_ENOMEM) {
			/* Memory is full of pieces: help the consumers. */
			if (take_piece(w, &frame))
				free_piece(w, frame);
			else
				sched_yield();
			if (++tries > 100000)
				break;
		}
		if (w->nheld) {
			u64 block = take_held(w, w->nheld - 1);

			publish_pieces(w, BLOCK_FRAME(block),
				       BLOCK_ORDER(block));
		}
		/* Small allocations racing with the splits. */
		if (!alloc_block(w, w->core, i % 3, LLFREE_MOVABLE))
			free_block(w, take_held(w, w->nheld - 1));
	}
	atomic_fetch_sub(&s->producers_left, 1);
	return NULL;
}

static void run_split(struct stress *s, const char *name)
{
	u64 allocs, enomem;

	atomic_store(&s->producers_left, (s->threads + 1) / 2);
	run_phase(s, split_phase);
	final_check(s);
	totals(s, &allocs, &enomem);
	printf("# %s: %llu allocations, %llu ENOMEM\n", name,
	       (unsigned long long)allocs, (unsigned long long)enomem);
}

struct config {
	const char *name;
	u32 threads;
	u32 cores;
	void (*run)(struct stress *s, const char *name);
};

static const struct config configs[] = {
	{ "stress.t2", 2, 2, run_mixed },
	{ "stress.t4", 4, 4, run_mixed },
	{ "stress.t8", 8, 8, run_mixed },
	{ "stress.t16", 16, 16, run_mixed },
	/* More threads than cores: four threads share each core's slots. */
	{ "stress.t16_c4", 16, 4, run_mixed },
	{ "stress.split_t4", 4, 4, run_split },
	{ "stress.split_t8_c2", 8, 2, run_split },
};

int main(int argc, char **argv)
{
	const char *env = getenv("LLFREE_STRESS_OPS");
	u64 ops = env ? strtoull(env, NULL, 0) : DEFAULT_OPS;
	u64 seed;
	size_t i;

	if (argc > 1)
		ops = strtoull(argv[1], NULL, 0);
	env = getenv("LLFREE_STRESS_SEED");
	seed = env ? strtoull(env, NULL, 0) : now_ns();
	if (!seed)
		seed = 1;
	printf("# seed %llu (LLFREE_STRESS_SEED), %llu ops per config, %llu frames\n",
	       (unsigned long long)seed, (unsigned long long)ops,
	       (unsigned long long)STRESS_FRAMES);

	for (i = 0; i < ARRAY_SIZE(configs); i++) {
		const struct config *c = &configs[i];
		struct stress *s = stress_create(c->threads, c->cores, ops,
						 seed + i);
		u64 start = now_ns();

		atomic_store(&errors, 0);
		c->run(s, c->name);
		printf("# %s: %.2f s\n", c->name,
		       (double)(now_ns() - start) / 1e9);
		if (atomic_load(&errors)) {
			printf("FAIL %s: %s (%u errors)\n", c->name, first_error,
			       atomic_load(&errors));
			failed++;
		} else {
			printf("PASS %s\n", c->name);
			passed++;
		}
		fflush(stdout);
		stress_destroy(s);
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
