// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the lower allocator (src/llfree/lower.c): bit fields and
 * child entries over the whole range, orders 0..10, huge frames, recovery.
 */
#include "llfree_test_util.h"

#define CF LLFREE_CHILD_FRAMES

/* A copy of the lower level, to check that refused calls change nothing. */
struct lower_copy {
	u64 *bits;
	u16 *child;
};

static void lower_copy_take(struct kunit *test, struct llfree *self,
			    struct lower_copy *c)
{
	size_t bits = self->children * LLF_FIELD_WORDS * sizeof(u64);
	size_t child = self->children * sizeof(u16);

	c->bits = llf_test_buffer(test, bits);
	c->child = llf_test_buffer(test, child);
	memcpy(c->bits, self->bits, bits);
	memcpy(c->child, self->child, child);
}

#define EXPECT_LOWER_UNCHANGED(test, self, c)				\
	do {								\
		KUNIT_EXPECT_MEMEQ(test, (self)->bits, (c)->bits,	\
				   (self)->children * LLF_FIELD_WORDS *	\
				   sizeof(u64));			\
		KUNIT_EXPECT_MEMEQ(test, (self)->child, (c)->child,	\
				   (self)->children * sizeof(u16));	\
	} while (0)

static u64 lower_alloc(struct kunit *test, struct llfree *self, u64 first,
		       u64 count, u64 hint, u32 order, u32 flags)
{
	struct llfree_frame out = { 0 };

	KUNIT_ASSERT_EQ(test, llf_lower_alloc(self, first, count, hint, order,
					      flags, &out), 0);
	return out.frame;
}

static void lower_init_modes(struct kunit *test)
{
	struct llfree *self = llf_test_lower(test, 4 * CF, LLFREE_INIT_FREE);
	u64 c;

	for (c = 0; c < 4; c++) {
		KUNIT_EXPECT_EQ(test, self->child[c], CF);
		KUNIT_EXPECT_TRUE(test, llf_field_all(llf_test_field(self, c), false));
		KUNIT_EXPECT_EQ(test, llf_lower_child_frames(self, c), CF);
	}
	KUNIT_EXPECT_EQ(test, llf_lower_free_in(self, 0, 4), 4 * CF);
	KUNIT_EXPECT_EQ(test, llf_lower_free_in(self, 1, 2), 2 * CF);
	KUNIT_EXPECT_TRUE(test, llf_lower_is_free(self, 0, 10));
	KUNIT_EXPECT_TRUE(test, llf_lower_is_free(self, 2 * CF, 10));

	/*
	 * Whole children start as huge frames, donated at any order; a huge
	 * child's bits stay clear.
	 */
	llf_lower_init(self, LLFREE_INIT_ALLOCATED);
	for (c = 0; c < 4; c++) {
		KUNIT_EXPECT_EQ(test, self->child[c], LLF_CHILD_HUGE);
		KUNIT_EXPECT_TRUE(test, llf_field_all(llf_test_field(self, c), false));
	}
	KUNIT_EXPECT_EQ(test, llf_lower_free_in(self, 0, 4), 0u);
	KUNIT_EXPECT_FALSE(test, llf_lower_is_free(self, 5, 0));

	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 5, 0, 0), 0);
	for (c = CF; c < 2 * CF; c += 8)
		KUNIT_EXPECT_EQ(test, llf_lower_free(self, c, 3, 0), 0);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 2 * CF, 10, 0), 0);
	KUNIT_EXPECT_EQ(test, self->child[0], 1);
	KUNIT_EXPECT_EQ(test, self->child[1], CF);
	KUNIT_EXPECT_EQ(test, self->child[2], CF);
	KUNIT_EXPECT_EQ(test, self->child[3], CF);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, CF, 9, 0), -LLFREE_ENOTALLOC);
	KUNIT_EXPECT_EQ(test, lower_alloc(test, self, 0, 4, 0, 9, 0), CF);
}

/* Frames past the end of the range are never handed out or counted. */
static void lower_tail_child(struct kunit *test)
{
	const u64 frames = 2 * CF + 100;
	struct llfree *self = llf_test_lower(test, frames, LLFREE_INIT_FREE);
	struct llfree_frame out;
	u64 n, f;

	KUNIT_EXPECT_EQ(test, self->children, 3ull);
	KUNIT_EXPECT_EQ(test, llf_lower_child_frames(self, 2), 100u);
	KUNIT_EXPECT_EQ(test, self->child[2], 100);
	KUNIT_EXPECT_EQ(test, llf_field_count_free(llf_test_field(self, 2)),
			100u);
	KUNIT_EXPECT_FALSE(test, llf_lower_is_free(self, 2 * CF, 9));

	for (n = 0; !llf_lower_alloc(self, 0, 3, n, 0, 0, &out); n++)
		KUNIT_ASSERT_LT(test, out.frame, frames);
	KUNIT_EXPECT_EQ(test, n, frames);
	for (f = 0; f < frames; f++)
		KUNIT_EXPECT_EQ(test, llf_lower_free(self, f, 0, 0), 0);

	/* The partial child cannot be a huge frame; its aligned blocks can. */
	for (n = 0; !llf_lower_alloc(self, 0, 3, 0, 9, 0, &out); n++)
		;
	KUNIT_EXPECT_EQ(test, n, 2ull);
	for (n = 0; !llf_lower_alloc(self, 2, 1, 0, 5, 0, &out); n++)
		KUNIT_EXPECT_LE(test, out.frame + 32, frames);
	KUNIT_EXPECT_EQ(test, n, 100ull / 32);

	/* Recovery and "all allocated" keep the tail allocated, uncounted. */
	llf_lower_init(self, LLFREE_INIT_ALLOCATED);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, frames - 1, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, self->child[2], 1);
	llf_lower_init(self, LLFREE_INIT_RECOVER);
	KUNIT_EXPECT_EQ(test, self->child[2], 1);
	llf_test_field(self, 2)[7] = 0;
	llf_lower_init(self, LLFREE_INIT_RECOVER);
	KUNIT_EXPECT_EQ(test, self->child[2], 1);
	KUNIT_EXPECT_EQ(test, llf_test_field(self, 2)[7], ~0ull);
}

/*
 * Exhaust 8 children with each order 0..10: exact count, every result
 * aligned and in range, no frame twice; then free everything.
 */
static void lower_exhaust_all_orders(struct kunit *test)
{
	const u64 children = 8, frames = children * CF;
	struct llfree *self = llf_test_lower(test, frames, LLFREE_INIT_FREE);
	u64 *shadow = llf_test_buffer(test, frames / 8);
	struct llfree_frame out;
	u32 order;
	u64 n, f, c;

	for (order = 0; order <= LLFREE_MAX_ORDER; order++) {
		u64 size = 1ull << order;

		memset(shadow, 0, frames / 8);
		for (n = 0; !llf_lower_alloc(self, 0, children, n * 1000, order,
					     0, &out); n++) {
			KUNIT_ASSERT_LE(test, out.frame + size, frames);
			KUNIT_ASSERT_EQ_MSG(test, out.frame % size, 0ull,
					    "order %u", order);
			KUNIT_EXPECT_FALSE(test, out.zeroed);
			for (f = out.frame; f < out.frame + size; f++) {
				KUNIT_ASSERT_FALSE_MSG(test, shadow[f / 64] >> (f % 64) & 1,
						       "order %u frame %llu twice",
						       order, (unsigned long long)f);
				shadow[f / 64] |= 1ull << (f % 64);
			}
		}
		KUNIT_EXPECT_EQ_MSG(test, n, frames >> order, "order %u", order);
		KUNIT_EXPECT_EQ(test, llf_lower_free_in(self, 0, children), 0u);
		/* Huge frames live in the child entries alone. */
		for (c = 0; c < children; c++) {
			KUNIT_EXPECT_TRUE(test, llf_field_all(llf_test_field(self, c),
							      order < LLFREE_CHILD_ORDER));
			KUNIT_EXPECT_EQ(test, llf_child_is_huge(self->child[c]),
					order >= LLFREE_CHILD_ORDER);
		}
		for (f = 0; f < frames; f += size)
			KUNIT_EXPECT_EQ(test, llf_lower_free(self, f, order, 0), 0);
		for (c = 0; c < children; c++) {
			KUNIT_EXPECT_EQ(test, self->child[c], CF);
			KUNIT_EXPECT_TRUE(test, llf_field_all(llf_test_field(self, c),
							      false));
		}
	}
}

/* Counters move by exactly the frames allocated or freed. */
static void lower_counters_exact(struct kunit *test)
{
	struct llfree *self = llf_test_lower(test, 8 * CF, LLFREE_INIT_FREE);
	u64 f3, f9, f10;

	f3 = lower_alloc(test, self, 0, 8, 0, 3, 0);
	KUNIT_EXPECT_EQ(test, self->child[f3 / CF], CF - 8);
	KUNIT_EXPECT_EQ(test, llf_field_count_free(llf_test_field(self, f3 / CF)),
			CF - 8);
	f9 = lower_alloc(test, self, 0, 8, 0, 9, 0);
	KUNIT_EXPECT_EQ(test, self->child[f9 / CF], LLF_CHILD_HUGE);
	KUNIT_EXPECT_TRUE(test, llf_field_all(llf_test_field(self, f9 / CF), false));
	f10 = lower_alloc(test, self, 0, 8, 0, 10, 0);
	KUNIT_EXPECT_EQ(test, self->child[f10 / CF], LLF_CHILD_HUGE);
	KUNIT_EXPECT_EQ(test, self->child[f10 / CF + 1], LLF_CHILD_HUGE);
	KUNIT_EXPECT_EQ(test, llf_lower_free_in(self, 0, 8), 8 * CF - 8 - 3 * CF);

	KUNIT_EXPECT_EQ(test, llf_lower_free(self, f3 + 4, 2, 0), 0);
	KUNIT_EXPECT_EQ(test, self->child[f3 / CF], CF - 4);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, f10, 10, 0), 0);
	KUNIT_EXPECT_EQ(test, self->child[f10 / CF], CF);
	KUNIT_EXPECT_EQ(test, self->child[f10 / CF + 1], CF);
	KUNIT_EXPECT_EQ(test, llf_lower_free_in(self, 0, 8), 8 * CF - 4 - CF);
}

/* The search starts at the hint's child and wraps inside the run. */
static void lower_hint(struct kunit *test)
{
	struct llfree *self = llf_test_lower(test, 8 * CF, LLFREE_INIT_FREE);
	u64 f;

	KUNIT_EXPECT_EQ(test, lower_alloc(test, self, 0, 8, 3 * CF + 5, 0, 0) / CF,
			3ull);
	KUNIT_EXPECT_EQ(test, lower_alloc(test, self, 0, 8, 4 * CF + 100, 9, 0),
			4 * CF);
	/* Order 10 starts at the aligned pair holding the hint. */
	KUNIT_EXPECT_EQ(test, lower_alloc(test, self, 0, 8, 7 * CF, 10, 0),
			6 * CF);
	/* Hint outside the run: start at the run's first child. */
	KUNIT_EXPECT_EQ(test, lower_alloc(test, self, 1, 2, 7 * CF, 0, 0) / CF,
			1ull);

	/* Children 5..7 full: wrap around to child 0. */
	llf_lower_init(self, LLFREE_INIT_FREE);
	for (f = 5 * CF; f < 8 * CF; f += CF)
		lower_alloc(test, self, f / CF, 1, f, 9, 0);
	KUNIT_EXPECT_EQ(test, lower_alloc(test, self, 0, 8, 6 * CF, 0, 0) / CF,
			0ull);

	/* Inside a child, the hint's word is searched first. */
	KUNIT_EXPECT_EQ(test, lower_alloc(test, self, 0, 8, 2 * CF + 300, 0, 0),
			2 * CF + 256);
}

/* Results stay inside [first, first + count). */
static void lower_run_bounds(struct kunit *test)
{
	struct llfree *self = llf_test_lower(test, 8 * CF, LLFREE_INIT_FREE);
	struct llfree_frame out;
	u32 order;
	u64 n;

	for (order = 0; order <= LLFREE_MAX_ORDER; order += 3) {
		llf_lower_init(self, LLFREE_INIT_FREE);
		for (n = 0; !llf_lower_alloc(self, 2, 4, 0, order, 0, &out); n++) {
			KUNIT_EXPECT_GE(test, out.frame, 2 * CF);
			KUNIT_EXPECT_LE(test, out.frame + (1ull << order), 6 * CF);
		}
		KUNIT_EXPECT_EQ_MSG(test, n, (4 * CF) >> order, "order %u", order);
		KUNIT_EXPECT_EQ(test, llf_lower_free_in(self, 0, 2), 2 * CF);
		KUNIT_EXPECT_EQ(test, llf_lower_free_in(self, 6, 2), 2 * CF);
	}
}

/*
 * Order 10 is two children at an even index, also when the run is not
 * even-aligned or has an odd length (the last tree of a range).
 */
static void lower_order10_alignment(struct kunit *test)
{
	struct llfree *self = llf_test_lower(test, 6 * CF, LLFREE_INIT_FREE);
	struct llfree_frame out;

	/* Run 0..4, child 3 in use, hint at child 2: only 0+1 is valid. */
	self->children = 5;
	self->frames = 5 * CF;
	lower_alloc(test, self, 3, 1, 3 * CF, 0, 0);
	KUNIT_ASSERT_EQ(test, llf_lower_alloc(self, 0, 5, 2 * CF, 10, 0, &out),
			0);
	KUNIT_EXPECT_EQ(test, out.frame % (2 * CF), 0ull);

	/* Run 1..4 of 6 children: only 2+3 is valid. */
	self->children = 6;
	self->frames = 6 * CF;
	llf_lower_init(self, LLFREE_INIT_FREE);
	KUNIT_ASSERT_EQ(test, llf_lower_alloc(self, 1, 4, 0, 10, 0, &out), 0);
	KUNIT_EXPECT_EQ(test, out.frame, 2 * CF);
}

/*
 * The counter is taken before the bit search; when the free frames are too
 * fragmented for the order, it is given back.
 */
static void lower_fragmented_gives_back(struct kunit *test)
{
	struct llfree *self = llf_test_lower(test, CF, LLFREE_INIT_ALLOCATED);
	struct llfree_frame out;
	struct lower_copy copy;
	u32 i;

	/* Frames 1, 2, 5, 6, ...: 256 free, no aligned pair. */
	for (i = 1; i < CF; i += 4) {
		KUNIT_ASSERT_EQ(test, llf_lower_free(self, i, 0, 0), 0);
		KUNIT_ASSERT_EQ(test, llf_lower_free(self, i + 1, 0, 0), 0);
	}
	KUNIT_ASSERT_EQ(test, self->child[0], CF / 2);
	lower_copy_take(test, self, &copy);
	KUNIT_EXPECT_EQ(test, llf_lower_alloc(self, 0, 1, 0, 1, 0, &out),
			-LLFREE_ENOMEM);
	EXPECT_LOWER_UNCHANGED(test, self, &copy);

	/* Orders 7/8: enough free frames, but no whole free words. */
	llf_lower_init(self, LLFREE_INIT_FREE);
	llf_test_field(self, 0)[1] = 1;
	llf_test_field(self, 0)[3] = 1;
	llf_test_field(self, 0)[5] = 1;
	llf_test_field(self, 0)[7] = 1;
	self->child[0] = CF - 4;
	lower_copy_take(test, self, &copy);
	KUNIT_EXPECT_EQ(test, llf_lower_alloc(self, 0, 1, 0, 7, 0, &out),
			-LLFREE_ENOMEM);
	KUNIT_EXPECT_EQ(test, llf_lower_alloc(self, 0, 1, 0, 8, 0, &out),
			-LLFREE_ENOMEM);
	EXPECT_LOWER_UNCHANGED(test, self, &copy);
}

/*
 * Order 10 takes the first child, then fails on the second: the first one
 * must be released again, zeroed flag included.
 */
static void lower_order10_undo(struct kunit *test)
{
	struct llfree *self = llf_test_lower(test, 2 * CF, LLFREE_INIT_FREE);
	struct llfree_frame out;
	struct lower_copy copy;

	/* Child 0 free and zeroed, child 1 with one frame in use. */
	lower_alloc(test, self, 0, 1, 0, 9, 0);
	KUNIT_ASSERT_EQ(test, llf_lower_free(self, 0, 9, LLFREE_FREE_ZEROED), 0);
	lower_alloc(test, self, 1, 1, CF, 0, 0);
	KUNIT_ASSERT_EQ(test, self->child[0], CF | LLF_CHILD_ZEROED);

	lower_copy_take(test, self, &copy);
	KUNIT_EXPECT_EQ(test, llf_lower_alloc(self, 0, 2, 0, 10, 0, &out),
			-LLFREE_ENOMEM);
	KUNIT_EXPECT_EQ(test, llf_lower_alloc(self, 0, 2, 0, 10,
					      LLFREE_ALLOC_ZEROED, &out),
			-LLFREE_ENOMEM);
	EXPECT_LOWER_UNCHANGED(test, self, &copy);

	/* The released child is still a zeroed huge frame. */
	KUNIT_ASSERT_EQ(test, llf_lower_alloc(self, 0, 2, 0, 9, 0, &out), 0);
	KUNIT_EXPECT_EQ(test, out.frame, 0ull);
	KUNIT_EXPECT_TRUE(test, out.zeroed);
}

/* The flush hook's view of the allocator for the injected "race". */
static struct llfree *race_self;

/* Once child 0 is taken as huge, another CPU takes a frame of child 1. */
static void race_take_child1(const void *addr)
{
	struct llfree *self = race_self;

	if (addr != &self->child[0] || !llf_child_is_huge(self->child[0]) ||
	    self->child[1] != CF)
		return;
	self->child[1] = CF - 1;
	llf_test_field(self, 1)[0] = 1;
}

/*
 * The same with a real race: child 1 is free when the pair is chosen and
 * taken between the two huge takes (persistent mode flushes in between).
 */
static void lower_order10_undo_race(struct kunit *test)
{
	struct llfree *self = llf_test_lower(test, 2 * CF, LLFREE_INIT_FREE);
	struct llfree_frame out;
	struct lower_copy copy;

	lower_alloc(test, self, 0, 1, 0, 9, 0);
	KUNIT_ASSERT_EQ(test, llf_lower_free(self, 0, 9, LLFREE_FREE_ZEROED), 0);
	self->persistent = true;
	race_self = self;
	llf_test_flush_hook(test, race_take_child1);

	KUNIT_EXPECT_EQ(test, llf_lower_alloc(self, 0, 2, 0, 10, 0, &out),
			-LLFREE_ENOMEM);
	KUNIT_EXPECT_EQ(test, self->child[0], CF | LLF_CHILD_ZEROED);
	KUNIT_EXPECT_TRUE(test, llf_field_all(llf_test_field(self, 0), false));
	KUNIT_EXPECT_EQ(test, self->child[1], CF - 1);

	/* Nothing else moved: recovery finds the same state. */
	lower_copy_take(test, self, &copy);
	copy.child[0] &= ~LLF_CHILD_ZEROED;
	llf_lower_init(self, LLFREE_INIT_RECOVER);
	EXPECT_LOWER_UNCHANGED(test, self, &copy);
}

/*
 * Between the check of a huge free and its first change, another CPU frees
 * the same order-10 frame and a third takes a small frame in its second
 * child: child 1 is no longer huge and holds a frame in use.
 */
static void race_reuse_child1(const void *addr)
{
	struct llfree *self = race_self;

	if (addr != &self->child[0] || !llf_child_intent(self->child[0]) ||
	    !llf_child_is_huge(self->child[1]))
		return;
	self->child[1] = CF - 1;
	llf_test_field(self, 1)[0] = 1;
}

/*
 * A huge free that loses such a race is refused and must leave the other
 * CPUs' state alone (persistent mode flushes the pair mark in between).
 */
static void lower_huge_free_race(struct kunit *test)
{
	struct llfree *self = llf_test_lower(test, 2 * CF, LLFREE_INIT_FREE);

	KUNIT_ASSERT_EQ(test, lower_alloc(test, self, 0, 2, 0, 10, 0), 0ull);
	self->persistent = true;
	race_self = self;
	llf_test_flush_hook(test, race_reuse_child1);

	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 0, 10, 0), -LLFREE_EPARTIAL);
	KUNIT_EXPECT_EQ(test, self->child[0], LLF_CHILD_HUGE);
	KUNIT_EXPECT_EQ(test, self->child[1], CF - 1);
	KUNIT_EXPECT_EQ(test, llf_test_field(self, 1)[0], 1ull);
	KUNIT_EXPECT_EQ(test, llf_field_count_free(llf_test_field(self, 1)),
			CF - 1);
}

/* Zeroed huge frames: set by a zeroed free, preferred, lost by small use. */
static void lower_huge_zeroed(struct kunit *test)
{
	struct llfree *self = llf_test_lower(test, 4 * CF, LLFREE_INIT_FREE);
	struct llfree_frame out;
	u64 f;

	/* Fresh memory is not known to be zero. */
	KUNIT_ASSERT_EQ(test, llf_lower_alloc(self, 0, 4, 0, 9, 0, &out), 0);
	KUNIT_EXPECT_FALSE(test, out.zeroed);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, out.frame, 9, 0), 0);
	KUNIT_EXPECT_EQ(test, self->child[out.frame / CF], CF);

	/* Child 2 zeroed: found by a zeroed request, not by a plain one. */
	lower_alloc(test, self, 2, 1, 0, 9, 0);
	KUNIT_ASSERT_EQ(test, llf_lower_free(self, 2 * CF, 9, LLFREE_FREE_ZEROED),
			0);
	KUNIT_EXPECT_EQ(test, self->child[2], CF | LLF_CHILD_ZEROED);
	f = lower_alloc(test, self, 0, 4, 0, 9, 0);
	KUNIT_EXPECT_EQ(test, f, 0ull);
	KUNIT_ASSERT_EQ(test, llf_lower_alloc(self, 0, 4, 0, 9,
					      LLFREE_ALLOC_ZEROED, &out), 0);
	KUNIT_EXPECT_EQ(test, out.frame, 2 * CF);
	KUNIT_EXPECT_TRUE(test, out.zeroed);
	/* Taking it consumed the flag. */
	KUNIT_EXPECT_EQ(test, self->child[2], LLF_CHILD_HUGE);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 2 * CF, 9, 0), 0);
	KUNIT_EXPECT_EQ(test, self->child[2], CF);

	/* Nothing zeroed: a zeroed request still succeeds, not zeroed. */
	KUNIT_ASSERT_EQ(test, llf_lower_alloc(self, 0, 4, 0, 9,
					      LLFREE_ALLOC_ZEROED, &out), 0);
	KUNIT_EXPECT_FALSE(test, out.zeroed);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 0, 9, 0), 0);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, out.frame, 9, 0), 0);

	/* Order 10: zeroed only if both children are. */
	lower_alloc(test, self, 0, 4, 0, 10, 0);
	KUNIT_ASSERT_EQ(test, llf_lower_free(self, 0, 10, LLFREE_FREE_ZEROED), 0);
	KUNIT_ASSERT_EQ(test, llf_lower_alloc(self, 0, 4, 2 * CF, 10,
					      LLFREE_ALLOC_ZEROED, &out), 0);
	KUNIT_EXPECT_EQ(test, out.frame, 0ull);
	KUNIT_EXPECT_TRUE(test, out.zeroed);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 0, 10, LLFREE_FREE_ZEROED), 0);
	lower_alloc(test, self, 1, 1, CF, 0, 0);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, CF, 0, 0), 0);
	KUNIT_EXPECT_FALSE(test, llf_child_is_zeroed(self->child[1]));
	KUNIT_ASSERT_EQ(test, llf_lower_alloc(self, 0, 2, 0, 10, 0, &out), 0);
	KUNIT_EXPECT_FALSE(test, out.zeroed);
}

/* Freeing part of a huge frame splits it; the rest stays allocated. */
static void lower_huge_split(struct kunit *test)
{
	struct llfree *self = llf_test_lower(test, 4 * CF, LLFREE_INIT_FREE);
	u64 f, i;

	f = lower_alloc(test, self, 0, 4, 0, 9, 0);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, f + 7, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, self->child[f / CF], 1);
	KUNIT_EXPECT_TRUE(test, llf_lower_is_free(self, f + 7, 0));
	KUNIT_EXPECT_FALSE(test, llf_lower_is_free(self, f + 6, 0));
	KUNIT_EXPECT_EQ(test, llf_field_count_free(llf_test_field(self, f / CF)),
			1u);
	/* No longer a huge frame: the huge free is refused. */
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, f, 9, 0), -LLFREE_EPARTIAL);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, f + 8, 3, 0), 0);
	for (i = 0; i < CF; i++)
		if (i != 7 && (i < 8 || i >= 16))
			KUNIT_EXPECT_EQ(test, llf_lower_free(self, f + i, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, self->child[f / CF], CF);

	/* Order 10: splitting one half leaves the other half huge. */
	f = lower_alloc(test, self, 0, 4, 0, 10, 0);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, f + CF + 64, 6, 0), 0);
	KUNIT_EXPECT_EQ(test, self->child[f / CF], LLF_CHILD_HUGE);
	KUNIT_EXPECT_EQ(test, self->child[f / CF + 1], 64);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, f, 10, 0), -LLFREE_EPARTIAL);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, f, 9, 0), 0);
	KUNIT_EXPECT_EQ(test, self->child[f / CF], CF);
}

/* Refused frees return the exact error and change nothing. */
static void lower_free_refusals(struct kunit *test)
{
	struct llfree *self = llf_test_lower(test, 4 * CF, LLFREE_INIT_FREE);
	struct lower_copy copy;
	bool zeroed;

	KUNIT_ASSERT_EQ(test, lower_alloc(test, self, 0, 1, 0, 0, 0), 0ull);
	KUNIT_ASSERT_EQ(test, lower_alloc(test, self, 2, 1, 0, 9, 0), 2 * CF);
	lower_copy_take(test, self, &copy);

	/* Never allocated. */
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 1, 0, 0), -LLFREE_ENOTALLOC);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, CF, 9, 0), -LLFREE_ENOTALLOC);
	/* Only part allocated: wrong order, a small frame under a huge free. */
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 0, 3, 0), -LLFREE_EPARTIAL);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 0, 9, 0), -LLFREE_EPARTIAL);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 0, 10, 0), -LLFREE_EPARTIAL);
	/* Order 10 over a huge child and a free one, in both orders. */
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 2 * CF, 10, 0),
			-LLFREE_EPARTIAL);
	EXPECT_LOWER_UNCHANGED(test, self, &copy);
	KUNIT_EXPECT_EQ(test, llf_child_put_huge(&self->child[2], false, false), 0);
	KUNIT_EXPECT_TRUE(test, llf_child_take_huge(&self->child[3], &zeroed,
						    false));
	lower_copy_take(test, self, &copy);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 2 * CF, 10, 0),
			-LLFREE_EPARTIAL);
	EXPECT_LOWER_UNCHANGED(test, self, &copy);

	/* Double frees. */
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 0, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 3 * CF, 9, 0), 0);
	lower_copy_take(test, self, &copy);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 0, 0, 0), -LLFREE_ENOTALLOC);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 3 * CF, 9, 0),
			-LLFREE_ENOTALLOC);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, 2 * CF, 10, 0),
			-LLFREE_ENOTALLOC);
	EXPECT_LOWER_UNCHANGED(test, self, &copy);
}

static void lower_is_free(struct kunit *test)
{
	struct llfree *self = llf_test_lower(test, 4 * CF, LLFREE_INIT_FREE);
	u32 order;
	u64 f;

	f = lower_alloc(test, self, 1, 1, CF + 300, 0, 0);
	KUNIT_ASSERT_EQ(test, f, CF + 256);
	for (order = 0; order <= LLFREE_MAX_ORDER; order++) {
		u64 block = f & ~((1ull << order) - 1);

		KUNIT_EXPECT_FALSE_MSG(test, llf_lower_is_free(self, block, order),
				       "order %u", order);
		KUNIT_EXPECT_TRUE_MSG(test,
				      llf_lower_is_free(self, 2 * CF, order),
				      "order %u", order);
	}
	KUNIT_EXPECT_TRUE(test, llf_lower_is_free(self, f + 1, 0));
	KUNIT_EXPECT_TRUE(test, llf_lower_is_free(self, CF, 8));

	/* No frame of a huge frame is free. */
	f = lower_alloc(test, self, 2, 1, 0, 9, 0);
	KUNIT_EXPECT_FALSE(test, llf_lower_is_free(self, f + 100, 0));
	KUNIT_EXPECT_FALSE(test, llf_lower_is_free(self, f, 9));
	KUNIT_EXPECT_FALSE(test, llf_lower_is_free(self, 2 * CF, 10));
	KUNIT_EXPECT_TRUE(test, llf_lower_is_free(self, 0, 9));
}

/*
 * Recovery recomputes every counter from the bits and keeps huge frames;
 * a huge flag whose bits were not written yet (crash) wins.
 */
static void lower_recover(struct kunit *test)
{
	struct llfree *self = llf_test_lower(test, 4 * CF + 40, LLFREE_INIT_FREE);
	struct lower_copy copy;
	u64 c, f;

	lower_alloc(test, self, 0, 1, 0, 0, 0);
	lower_alloc(test, self, 0, 1, 0, 7, 0);
	lower_alloc(test, self, 1, 1, CF, 9, 0);
	lower_alloc(test, self, 2, 2, 2 * CF, 10, 0);
	KUNIT_ASSERT_EQ(test, llf_lower_free(self, 2 * CF + 3, 0, 0), 0);
	lower_alloc(test, self, 4, 1, 4 * CF, 3, 0);
	lower_copy_take(test, self, &copy);

	/* Scramble every counter: recovery must not trust them. */
	for (c = 0; c < self->children; c++)
		self->child[c] = (self->child[c] & LLF_CHILD_HUGE) | (u16)(c * 37 + 5);
	llf_lower_init(self, LLFREE_INIT_RECOVER);
	EXPECT_LOWER_UNCHANGED(test, self, &copy);

	/* The huge flag wins over stray bits. */
	llf_lower_init(self, LLFREE_INIT_FREE);
	self->child[1] = LLF_CHILD_HUGE;
	llf_test_field(self, 1)[3] = 0x10;
	llf_lower_init(self, LLFREE_INIT_RECOVER);
	KUNIT_EXPECT_EQ(test, self->child[1], LLF_CHILD_HUGE);
	KUNIT_EXPECT_TRUE(test, llf_field_all(llf_test_field(self, 1), false));

	/* A split that had begun is completed: 512 allocated frames. */
	self->child[2] = LLF_CHILD_HUGE | LLF_CHILD_SPLIT;
	llf_test_field(self, 2)[0] = ~0ull;
	llf_lower_init(self, LLFREE_INIT_RECOVER);
	KUNIT_EXPECT_EQ(test, self->child[2], 0);
	KUNIT_EXPECT_TRUE(test, llf_field_all(llf_test_field(self, 2), true));
	for (f = 2 * CF; f < 3 * CF; f++)
		KUNIT_EXPECT_EQ(test, llf_lower_free(self, f, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, llf_lower_free(self, CF, 9, 0), 0);
	for (c = 0; c < 4; c++)
		KUNIT_EXPECT_EQ(test, self->child[c], CF);
	KUNIT_EXPECT_EQ(test, self->child[4], 40);
	for (f = 4 * CF; f < 4 * CF + 40; f++)
		KUNIT_EXPECT_TRUE(test, llf_lower_is_free(self, f, 0));
}

static struct kunit_case llfree_lower_cases[] = {
	KUNIT_CASE(lower_init_modes),
	KUNIT_CASE(lower_tail_child),
	KUNIT_CASE(lower_exhaust_all_orders),
	KUNIT_CASE(lower_counters_exact),
	KUNIT_CASE(lower_hint),
	KUNIT_CASE(lower_run_bounds),
	KUNIT_CASE(lower_order10_alignment),
	KUNIT_CASE(lower_fragmented_gives_back),
	KUNIT_CASE(lower_order10_undo),
	KUNIT_CASE(lower_order10_undo_race),
	KUNIT_CASE(lower_huge_free_race),
	KUNIT_CASE(lower_huge_zeroed),
	KUNIT_CASE(lower_huge_split),
	KUNIT_CASE(lower_free_refusals),
	KUNIT_CASE(lower_is_free),
	KUNIT_CASE(lower_recover),
	{}
};

static struct kunit_suite llfree_lower_suite = {
	.name = "llfree_lower",
	.test_cases = llfree_lower_cases,
};

kunit_test_suites(&llfree_lower_suite);
