// SPDX-License-Identifier: GPL-2.0
/*
 * Persistence tests of the LLFree core: crash at many points of a random
 * operation sequence on a persistent allocator, recover from the crash image
 * with LLFREE_INIT_RECOVER, and compare with what the sequence had done.
 *
 * Crash model. llfree_flush_hook sees every flush of the lower level (bit
 * fields and child entries, the only persistent part). A trial replays a
 * seeded single-threaded sequence and "crashes" at its K-th flush: the hook
 * copies the lower buffer there, the operation in flight runs to its end,
 * and the sequence stops. Three crash images are recovered from that point:
 *  - live: the buffer as it is, so stores not yet flushed are included;
 *  - flushed: only cache lines as they were at their last flush, so every
 *    store the code forgot to flush is lost;
 *  - mixed: each cache line independently from one of the two.
 * This is a weaker adversary than real persistent memory, where a crash can
 * strike between any two stores, a line may be written back at any time in
 * any of its versions since its last flush, and only aligned 8-byte stores
 * are atomic. Passing shows that stores and flushes are ordered so that
 * every flush point is a consistent state; it does not prove crash
 * consistency on hardware.
 *
 * After recovery every frame of a block whose allocation completed before
 * the crash (and that was not freed) must be allocated, every frame free
 * before the crashing operation must be free, except the frames of that one
 * operation, which may be either but only as a whole. A refused free in
 * flight must leave no trace. llfree_validate() must be clean, the huge
 * frame count must be that before or after the operation, and the recovered
 * allocator must still work: allocating order 0 until it fails must yield
 * exactly the free frames and none of the held ones, and freeing every held
 * block with its order (order 9 and 10 as huge frames) must succeed and end
 * with all frames free.
 *
 * Usage: test_persist [trials]; also LLFREE_PERSIST_TRIALS and
 * LLFREE_PERSIST_SEED. Prints "PASS persist.<case>" or "FAIL ...: why" and
 * "N passed, N failed" last; exit status 1 on failure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <llfree/llfree.h>
#include "platform.h"
#include "tool_util.h"

#if defined(__SANITIZE_THREAD__)
#define PERSIST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PERSIST_TSAN 1
#endif
#endif

/* Single-threaded, but TSan still makes each trial ~30 times slower. */
#ifdef PERSIST_TSAN
#define DEFAULT_TRIALS 40
#define CLEAN_SEQUENCES 20
#else
#define DEFAULT_TRIALS 500
#define CLEAN_SEQUENCES 50
#endif

/* Two trees and a partial child: order 10, tails and tree changes. */
#define P_FRAMES (6ull * 1024 + 77)
#define P_CORES 3
#define P_OPS 300
#define MAX_ORDER LLFREE_MAX_ORDER
#define MAX_REPORTS 10

enum op_kind { OP_NONE, OP_ALLOC, OP_FREE, OP_BAD_FREE, OP_DRAIN };

static const char *const op_names[] = {
	[OP_NONE] = "none", [OP_ALLOC] = "alloc", [OP_FREE] = "free",
	[OP_BAD_FREE] = "refused free", [OP_DRAIN] = "drain",
};

enum image_kind { IMG_LIVE, IMG_FLUSHED, IMG_MIXED, IMG_COUNT };

static const char *const image_names[IMG_COUNT] = {
	"live", "flushed", "mixed",
};

struct block {
	u64 frame;
	u32 order;
};

/* One operation of the sequence and, once done, its outcome. */
struct op {
	enum op_kind kind;
	u32 core;
	u32 order;
	u32 flags;
	u64 frame;
	int ret;
};

/* What the sequence has done so far. */
struct model {
	unsigned char *allocated;		/* per frame */
	bool *huge;		/* per child: allocated as (part of) a huge frame */
	struct block *held;
	u64 nheld;
};

/* The allocator under test and the crash point. */
struct pstate {
	struct llfree alloc;
	struct llfree_meta meta;
	struct llfree_meta_size size;
	struct model m;
	u64 rng;
	/* Flush accounting, written by the hook. */
	unsigned char *flushed;		/* lines as of their last flush */
	u64 mix_rng;		/* picks the lines of the mixed image */
	u64 flushes;
	u64 crash_at;		/* crash at this flush, 0: never */
	bool crashed;
	bool outside;		/* a flush outside the lower buffer */
	unsigned char *image[IMG_COUNT];
};

static struct pstate *hooked;
/* Huge frames split by freeing a part of them (clean shutdown case). */
static u64 splits;
static unsigned int errors;
static char first_error[512];
static unsigned int passed, failed;

static void fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!errors)
		snprintf(first_error, sizeof(first_error), "%s", msg);
	if (errors++ < MAX_REPORTS)
		fprintf(stderr, "# error: %s\n", msg);
}

static void report(const char *name)
{
	if (errors) {
		printf("FAIL persist.%s: %s (%u errors)\n", name, first_error,
		       errors);
		failed++;
	} else {
		printf("PASS persist.%s\n", name);
		passed++;
	}
	fflush(stdout);
	errors = 0;
}



static void flush_hook(const void *addr)
{
	struct pstate *p = hooked;
	const unsigned char *lower = p->meta.lower;
	size_t off = (const unsigned char *)addr - lower;
	size_t line = off & ~(size_t)(LLF_CACHELINE - 1);

	if ((const unsigned char *)addr < lower || off >= p->size.lower) {
		p->outside = true;
		return;
	}
	memcpy(p->flushed + line, lower + line, LLF_CACHELINE);
	if (++p->flushes != p->crash_at)
		return;
	p->crashed = true;
	memcpy(p->image[IMG_LIVE], lower, p->size.lower);
	memcpy(p->image[IMG_FLUSHED], p->flushed, p->size.lower);
	for (line = 0; line < p->size.lower; line += LLF_CACHELINE)
		memcpy(p->image[IMG_MIXED] + line,
		       p->image[next_rand(&p->mix_rng) & 1] + line, LLF_CACHELINE);
}

static struct pstate *pstate_create(void)
{
	struct pstate *p = xalloc(sizeof(*p));
	u32 i;

	if (llfree_metadata_size(P_CORES, P_FRAMES, &p->size)) {
		fprintf(stderr, "test_persist: llfree_metadata_size failed\n");
		exit(2);
	}
	/* Whole cache lines, so that the hook can copy line by line. */
	if (p->size.lower % LLF_CACHELINE) {
		fprintf(stderr, "test_persist: lower size not in lines\n");
		exit(2);
	}
	p->meta.local = xalloc(p->size.local);
	p->meta.trees = xalloc(p->size.trees);
	p->meta.lower = xalloc(p->size.lower);
	p->flushed = xalloc(p->size.lower);
	for (i = 0; i < IMG_COUNT; i++)
		p->image[i] = xalloc(p->size.lower);
	p->m.allocated = xalloc(P_FRAMES);
	p->m.huge = xalloc(P_FRAMES / LLFREE_CHILD_FRAMES + 1);
	p->m.held = xalloc(P_FRAMES * sizeof(*p->m.held));
	return p;
}

static void pstate_destroy(struct pstate *p)
{
	u32 i;

	free(p->meta.local);
	free(p->meta.trees);
	free(p->meta.lower);
	free(p->flushed);
	for (i = 0; i < IMG_COUNT; i++)
		free(p->image[i]);
	free(p->m.allocated);
	free(p->m.huge);
	free(p->m.held);
	free(p);
}

/* Fresh persistent allocator, empty model, flush counting from here on. */
static void pstate_start(struct pstate *p, bool persistent, u64 seed,
			 u64 crash_at)
{
	int ret;

	llfree_flush_hook = NULL;
	memset(p->m.allocated, 0, P_FRAMES);
	memset(p->m.huge, 0, P_FRAMES / LLFREE_CHILD_FRAMES + 1);
	p->m.nheld = 0;
	ret = llfree_init(&p->alloc, P_CORES, P_FRAMES, LLFREE_INIT_FREE,
			  persistent, &p->meta);
	if (ret) {
		fprintf(stderr, "test_persist: init: %s\n",
			llfree_strerror(ret));
		exit(2);
	}
	/* Initialisation is assumed to have reached persistence. */
	memcpy(p->flushed, p->meta.lower, p->size.lower);
	p->rng = seed;
	p->mix_rng = seed ^ 0x5bd1e995ull;
	p->flushes = 0;
	p->crash_at = crash_at;
	p->crashed = false;
	p->outside = false;
	hooked = p;
	llfree_flush_hook = flush_hook;
}

static u32 random_order(u64 *rng)
{
	/* Percent per order: small frames mostly, orders 7..10 often enough. */
	static const unsigned int weight[MAX_ORDER + 1] = {
		30, 10, 8, 6, 5, 5, 5, 7, 7, 9, 8,
	};
	unsigned int r = next_rand(rng) % 100;
	u32 order;

	for (order = 0; order < MAX_ORDER; order++) {
		if (r < weight[order])
			break;
		r -= weight[order];
	}
	return order;
}

static void mark(struct model *m, u64 frame, u32 order, bool allocated)
{
	memset(m->allocated + frame, allocated, 1ull << order);
}

/* Effect of a completed operation on the expected huge flags. */
static void update_huge(struct model *m, const struct op *op)
{
	u64 child = op->frame / LLFREE_CHILD_FRAMES;
	u64 i, n = op->order >= LLFREE_CHILD_ORDER ?
		   1ull << (op->order - LLFREE_CHILD_ORDER) : 1;

	if (op->ret || (op->kind != OP_ALLOC && op->kind != OP_FREE))
		return;
	if (op->kind == OP_ALLOC && op->order < LLFREE_CHILD_ORDER)
		return;
	/* Huge allocations set the flags; any free clears (or splits) them. */
	if (op->kind == OP_FREE && n == 1 && op->order < LLFREE_CHILD_ORDER &&
	    m->huge[child])
		splits++;
	for (i = 0; i < n; i++)
		m->huge[child + i] = op->kind == OP_ALLOC;
}

static u64 count_huge(const struct model *m)
{
	u64 c, n = 0;

	for (c = 0; c < P_FRAMES / LLFREE_CHILD_FRAMES; c++)
		n += m->huge[c];
	return n;
}

static bool any_free(const struct model *m, u64 frame, u32 order)
{
	u64 i;

	for (i = 0; i < 1ull << order; i++)
		if (!m->allocated[frame + i])
			return true;
	return false;
}

/*
 * Choose the next operation. Split blocks (held blocks replaced by their
 * halves) need no allocator call: freeing a half of a huge frame later is
 * what splits it.
 */
static void next_op(struct pstate *p, struct op *op)
{
	struct model *m = &p->m;
	u64 r = next_rand(&p->rng);
	u32 pick = r % 100;

	memset(op, 0, sizeof(*op));
	op->core = (r >> 8) % P_CORES;
	if (pick < 3) {
		op->kind = OP_DRAIN;
	} else if (pick < 10 && m->nheld) {
		u64 i = (r >> 16) % m->nheld;
		struct block b = m->held[i];

		if (!b.order)
			return;
		b.order--;
		m->held[i] = b;
		b.frame += 1ull << b.order;
		m->held[m->nheld++] = b;
	} else if (pick < 16) {
		u32 order = random_order(&p->rng);
		u64 frame = (r >> 16) % P_FRAMES & ~((1ull << order) - 1);

		/* Only ranges with a free frame are certain to be refused. */
		if (frame + (1ull << order) > P_FRAMES ||
		    !any_free(m, frame, order))
			return;
		op->kind = OP_BAD_FREE;
		op->frame = frame;
		op->order = order;
	} else if (!m->nheld || pick < 60) {
		op->kind = OP_ALLOC;
		op->order = random_order(&p->rng);
		op->flags = (r >> 40) % LLFREE_CLASSES;
		if (op->order >= LLFREE_CHILD_ORDER && (r & (1ull << 50)))
			op->flags |= LLFREE_ALLOC_ZEROED;
	} else {
		u64 i = (r >> 16) % m->nheld;

		op->kind = OP_FREE;
		op->frame = m->held[i].frame;
		op->order = m->held[i].order;
		if (op->order >= LLFREE_CHILD_ORDER && (r & (1ull << 50)))
			op->flags = LLFREE_FREE_ZEROED;
		m->held[i] = m->held[--m->nheld];
	}
}

static void run_op(struct pstate *p, struct op *op)
{
	struct llfree_frame out;

	switch (op->kind) {
	case OP_NONE:
		break;
	case OP_ALLOC:
		op->ret = llfree_alloc(&p->alloc, op->core, op->order,
				       op->flags, &out);
		if (!op->ret)
			op->frame = out.frame;
		else if (op->ret != -LLFREE_ENOMEM)
			fail("alloc order %u: %s", op->order,
			     llfree_strerror(op->ret));
		break;
	case OP_FREE:
		op->ret = llfree_free(&p->alloc, op->core, op->frame, op->order,
				      op->flags);
		if (op->ret)
			fail("free of held frame %llu order %u: %s",
			     (unsigned long long)op->frame, op->order,
			     llfree_strerror(op->ret));
		break;
	case OP_BAD_FREE:
		op->ret = llfree_free(&p->alloc, op->core, op->frame, op->order,
				      0);
		if (op->ret != -LLFREE_ENOTALLOC && op->ret != -LLFREE_EPARTIAL)
			fail("free of partly free frame %llu order %u: %s",
			     (unsigned long long)op->frame, op->order,
			     llfree_strerror(op->ret));
		break;
	case OP_DRAIN:
		op->ret = llfree_drain(&p->alloc, op->core);
		break;
	}
}

static void apply_op(struct model *m, const struct op *op)
{
	if (op->ret)
		return;
	if (op->kind == OP_ALLOC) {
		mark(m, op->frame, op->order, true);
		m->held[m->nheld++] = (struct block){ op->frame, op->order };
	} else if (op->kind == OP_FREE) {
		mark(m, op->frame, op->order, false);
	}
	update_huge(m, op);
}

/* A new block must be aligned, in range, and entirely free before. */
static bool alloc_ok(const struct model *m, const struct op *op)
{
	u64 i, n = 1ull << op->order;

	if (op->frame % n || op->frame + n > P_FRAMES) {
		fail("alloc order %u returned bad frame %llu", op->order,
		     (unsigned long long)op->frame);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (m->allocated[op->frame + i]) {
			fail("frame %llu handed out twice",
			     (unsigned long long)(op->frame + i));
			return false;
		}
	}
	return true;
}

/*
 * Run up to @ops operations; stop after the one during which the crash
 * flush happened. Returns the number of operations run.
 */
static u64 run_sequence(struct pstate *p, u64 ops, struct op *last)
{
	unsigned int before = errors;
	u64 i;

	for (i = 0; i < ops && errors == before; i++) {
		next_op(p, last);
		run_op(p, last);
		if (last->kind == OP_ALLOC && !last->ret &&
		    !alloc_ok(&p->m, last))
			break;
		if (p->crashed)
			return i + 1;
		apply_op(&p->m, last);
	}
	return i;
}

/* The allocator recovered from an image; freed by recovered_destroy(). */
static int recover(struct pstate *p, const unsigned char *image, struct llfree *r,
		   struct llfree_meta *meta)
{
	meta->local = xalloc(p->size.local);
	meta->trees = xalloc(p->size.trees);
	meta->lower = xalloc(p->size.lower);
	memcpy(meta->lower, image, p->size.lower);
	return llfree_init(r, P_CORES, P_FRAMES, LLFREE_INIT_RECOVER, true,
			   meta);
}

static void recovered_destroy(struct llfree *r, struct llfree_meta *meta)
{
	llfree_uninit(r);
	free(meta->local);
	free(meta->trees);
	free(meta->lower);
}

struct ctx {
	char where[160];
};

static void fail_line(void *arg, const char *line)
{
	fail("%s: validate: %s", ((struct ctx *)arg)->where, line);
}

/* Frames of the operation in flight, or none. */
static bool in_flight(const struct op *op, u64 frame)
{
	if (op->ret || (op->kind != OP_ALLOC && op->kind != OP_FREE))
		return false;
	return frame >= op->frame && frame < op->frame + (1ull << op->order);
}

/*
 * Compare a recovered allocator with the model; @op is the operation in
 * flight at the crash (OP_NONE after a clean shutdown). Returns the frames
 * of @op found allocated.
 */
static u64 check_recovered(struct pstate *p, struct llfree *r,
			   const struct op *op, struct ctx *c)
{
	struct llfree_stats st;
	u64 f, free = 0, inflight = 0, inflight_alloc = 0, wrong = 0;
	u64 huge_before = count_huge(&p->m), huge_after;
	struct model after = p->m;
	bool huge[P_FRAMES / LLFREE_CHILD_FRAMES + 1];

	if (llfree_validate(r, fail_line, c))
		fail("%s: validate failed", c->where);
	for (f = 0; f < P_FRAMES; f++) {
		bool is_free = llfree_is_free(r, f, 0) == 1;

		free += is_free;
		if (in_flight(op, f)) {
			inflight++;
			inflight_alloc += !is_free;
			continue;
		}
		if (is_free != !p->m.allocated[f] && !wrong++)
			fail("%s: frame %llu %s after recovery, expected %s",
			     c->where, (unsigned long long)f,
			     is_free ? "free" : "allocated",
			     is_free ? "allocated" : "free");
	}
	if (wrong)
		fail("%s: %llu frames outside the operation in flight differ",
		     c->where, (unsigned long long)wrong);
	if (inflight_alloc && inflight_alloc != inflight)
		fail("%s: %llu of the %llu frames of the operation in flight allocated (half done)",
		     c->where, (unsigned long long)inflight_alloc,
		     (unsigned long long)inflight);

	if (llfree_stats(r, &st) || st.free_frames != free ||
	    llfree_free_frames(r) != free)
		fail("%s: stats %llu / llfree_free_frames %llu free, bits say %llu",
		     c->where, (unsigned long long)st.free_frames,
		     (unsigned long long)llfree_free_frames(r),
		     (unsigned long long)free);
	memcpy(huge, p->m.huge, sizeof(huge));
	after.huge = huge;
	update_huge(&after, op);
	huge_after = count_huge(&after);
	if (st.huge_allocated != huge_before &&
	    st.huge_allocated != huge_after)
		fail("%s: %llu huge frames recovered, expected %llu or %llu",
		     c->where, (unsigned long long)st.huge_allocated,
		     (unsigned long long)huge_before,
		     (unsigned long long)huge_after);
	return inflight_alloc;
}

/*
 * The recovered allocator must hand out exactly the free frames, and take
 * back every held block with its order, the in-flight one included if it
 * survived. Only run when the state was as expected.
 */
static void check_works(struct pstate *p, struct llfree *r,
			const struct op *op, bool op_allocated, struct ctx *c)
{
	u64 *got = xalloc(P_FRAMES * sizeof(u64));
	u64 n = 0, i, expect_free = llfree_free_frames(r);
	struct llfree_frame out;
	struct llfree_stats st;
	int ret;

	while (!llfree_alloc(r, n % P_CORES, 0, 0, &out)) {
		bool held = in_flight(op, out.frame) ? op_allocated :
			    p->m.allocated[out.frame];

		if (held || n == P_FRAMES) {
			fail("%s: held frame %llu handed out after recovery",
			     c->where, (unsigned long long)out.frame);
			break;
		}
		got[n++] = out.frame;
	}
	if (n != expect_free)
		fail("%s: %llu frames allocated after recovery, %llu were free",
		     c->where, (unsigned long long)n,
		     (unsigned long long)expect_free);
	for (i = 0; i < n; i++)
		if (llfree_free(r, i % P_CORES, got[i], 0, 0))
			fail("%s: free of frame %llu failed", c->where,
			     (unsigned long long)got[i]);
	for (i = 0; i < p->m.nheld; i++) {
		ret = llfree_free(r, i % P_CORES, p->m.held[i].frame,
				  p->m.held[i].order, 0);
		if (ret)
			fail("%s: free of held frame %llu order %u after recovery: %s",
			     c->where, (unsigned long long)p->m.held[i].frame,
			     p->m.held[i].order, llfree_strerror(ret));
	}
	if (op_allocated) {
		ret = llfree_free(r, 0, op->frame, op->order, 0);
		if (ret)
			fail("%s: free of in-flight frame %llu order %u: %s",
			     c->where, (unsigned long long)op->frame,
			     op->order, llfree_strerror(ret));
	}
	for (i = 0; i < P_CORES; i++)
		llfree_drain(r, i);
	if (llfree_validate(r, fail_line, c) || llfree_stats(r, &st) ||
	    st.free_frames != P_FRAMES || llfree_free_frames(r) != P_FRAMES)
		fail("%s: not all free after freeing everything (%llu)",
		     c->where, (unsigned long long)llfree_free_frames(r));
	free(got);
}

/* Outcome counters, to show what the crash points covered. */
static u64 crashes_in[OP_DRAIN + 1], survived;
static u64 failures_in[OP_DRAIN + 1][MAX_ORDER + 1];

static void check_image(struct pstate *p, enum image_kind kind,
			const struct op *op, struct ctx *c)
{
	struct llfree r = { 0 };
	struct llfree_meta meta;
	unsigned int before = errors;
	u64 allocated;
	int ret = recover(p, p->image[kind], &r, &meta);

	if (ret) {
		fail("%s: recovery: %s", c->where, llfree_strerror(ret));
	} else {
		allocated = check_recovered(p, &r, op, c);
		survived += allocated != 0;
		if (errors == before)
			check_works(p, &r, op, allocated != 0, c);
	}
	recovered_destroy(&r, &meta);
	if (errors != before)
		failures_in[op->kind][op->order]++;
}

/* Number of flushes of a whole sequence (the crash points). */
static u64 count_flushes(struct pstate *p, u64 seed)
{
	struct op op;

	pstate_start(p, true, seed, 0);
	run_sequence(p, P_OPS, &op);
	llfree_flush_hook = NULL;
	return p->flushes;
}

static void test_crashes(struct pstate *p, u64 seed, u64 trials)
{
	u64 t, total = 0;
	u32 k, o;

	for (t = 0; t < trials; t++) {
		u64 s = (seed + t * 0x9e3779b97f4a7c15ull) | 1;
		unsigned int before = errors;
		u64 flushes = count_flushes(p, s);
		u64 at, ran;
		struct op op;
		struct ctx c;

		if (!flushes) {
			fail("trial %llu: no flushes at all",
			     (unsigned long long)t);
			break;
		}
		at = 1 + (s >> 7) % flushes;
		pstate_start(p, true, s, at);
		ran = run_sequence(p, P_OPS, &op);
		llfree_flush_hook = NULL;
		/* Reported already; nothing to crash-test in it. */
		if (errors != before)
			continue;
		if (!p->crashed) {
			fail("trial %llu: replay did not reach flush %llu",
			     (unsigned long long)t, (unsigned long long)at);
			break;
		}
		if (p->outside)
			fail("trial %llu: flush outside the lower buffer",
			     (unsigned long long)t);
		crashes_in[op.kind]++;
		total++;
		for (k = 0; k < IMG_COUNT; k++) {
			snprintf(c.where, sizeof(c.where),
				 "seed %llu flush %llu/%llu (op %llu: %s order %u frame %llu, %s image)",
				 (unsigned long long)s, (unsigned long long)at,
				 (unsigned long long)flushes,
				 (unsigned long long)ran, op_names[op.kind],
				 op.order, (unsigned long long)op.frame,
				 image_names[k]);
			check_image(p, k, &op, &c);
		}
	}
	printf("# %llu crashes: in alloc %llu, free %llu, refused free %llu; in-flight frames kept in %llu images\n",
	       (unsigned long long)total,
	       (unsigned long long)crashes_in[OP_ALLOC],
	       (unsigned long long)crashes_in[OP_FREE],
	       (unsigned long long)crashes_in[OP_BAD_FREE],
	       (unsigned long long)survived);
	for (k = 0; k <= OP_DRAIN; k++)
		for (o = 0; o <= MAX_ORDER; o++)
			if (failures_in[k][o])
				printf("# failing images with a crash in %s order %u: %llu\n",
				       op_names[k], o,
				       (unsigned long long)failures_in[k][o]);
}

/*
 * No crash: after a long sequence (huge frames, split huge frames, orders up
 * to 10), recovery must reproduce exactly the allocated set and huge flags.
 */
static void test_clean(struct pstate *p, u64 seed)
{
	struct op none = { .kind = OP_NONE };
	struct llfree_stats st;
	u64 huge = 0, i;
	struct ctx c;
	u32 k;

	splits = 0;

	for (i = 0; i < CLEAN_SEQUENCES; i++) {
		unsigned int before = errors;

		pstate_start(p, true, seed + i, 0);
		run_sequence(p, 4 * P_OPS, &none);
		llfree_flush_hook = NULL;
		if (errors != before)
			continue;
		memset(&none, 0, sizeof(none));
		memcpy(p->image[IMG_LIVE], p->meta.lower, p->size.lower);
		memcpy(p->image[IMG_FLUSHED], p->flushed, p->size.lower);
		if (!llfree_stats(&p->alloc, &st))
			huge += st.huge_allocated;
		for (k = IMG_LIVE; k <= IMG_FLUSHED; k++) {
			struct llfree r = { 0 };
			struct llfree_meta meta;

			snprintf(c.where, sizeof(c.where),
				 "clean shutdown, seed %llu, %s image",
				 (unsigned long long)(seed + i),
				 image_names[k]);
			if (recover(p, p->image[k], &r, &meta)) {
				fail("%s: recovery failed", c.where);
			} else {
				check_recovered(p, &r, &none, &c);
				if (!llfree_stats(&r, &st) &&
				    st.huge_allocated != count_huge(&p->m))
					fail("%s: %llu huge frames, expected %llu",
					     c.where,
					     (unsigned long long)st.huge_allocated,
					     (unsigned long long)count_huge(&p->m));
				check_works(p, &r, &none, false, &c);
			}
			recovered_destroy(&r, &meta);
		}
	}
	if (!huge || !splits)
		fail("clean shutdown: sequences left %llu huge frames and split %llu (want both)",
		     (unsigned long long)huge, (unsigned long long)splits);
}

/* A volatile allocator must not flush. */
static void test_volatile(struct pstate *p, u64 seed)
{
	struct op op;

	pstate_start(p, false, seed, 0);
	run_sequence(p, P_OPS, &op);
	llfree_flush_hook = NULL;
	if (p->flushes)
		fail("%llu flushes without persistence",
		     (unsigned long long)p->flushes);
}

int main(int argc, char **argv)
{
	const char *env = getenv("LLFREE_PERSIST_TRIALS");
	u64 trials = env ? strtoull(env, NULL, 0) : DEFAULT_TRIALS;
	struct pstate *p = pstate_create();
	struct timespec ts;
	u64 seed;

	if (argc > 1)
		trials = strtoull(argv[1], NULL, 0);
	env = getenv("LLFREE_PERSIST_SEED");
	clock_gettime(CLOCK_MONOTONIC, &ts);
	seed = env ? strtoull(env, NULL, 0) :
		     (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
	printf("# seed %llu (LLFREE_PERSIST_SEED), %llu trials of %u operations on %llu frames\n",
	       (unsigned long long)seed, (unsigned long long)trials, P_OPS,
	       (unsigned long long)P_FRAMES);

	test_volatile(p, seed | 1);
	report("volatile_no_flush");
	test_clean(p, seed | 1);
	report("clean_shutdown");
	test_crashes(p, seed, trials);
	report("crash_recovery");

	pstate_destroy(p);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
