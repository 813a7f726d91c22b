// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the public LLFree API (include/llfree/llfree.h): orders,
 * exact counts, classes, per-core reservations, remote frees, drain,
 * stealing, huge and zeroed frames, recovery, validation, statistics.
 */
#include "llfree_test_util.h"

#define CF LLFREE_CHILD_FRAMES
#define TF LLF_TREE_FRAMES

/* Mark 2^@order frames in a shadow bitmap; false if one was marked. */
static bool shadow_mark(u64 *shadow, u64 frame, u32 order)
{
	u64 f;

	for (f = frame; f < frame + (1ull << order); f++) {
		if (shadow[f / 64] >> (f % 64) & 1)
			return false;
		shadow[f / 64] |= 1ull << (f % 64);
	}
	return true;
}

static u64 *shadow_new(struct kunit *test, u64 frames)
{
	return llf_test_buffer(test, (frames + 63) / 64 * sizeof(u64));
}

/*
 * Allocate with @order until out of memory, spreading the calls over the
 * cores; check alignment, range and that no frame is handed out twice.
 * Returns the number of allocations, frames in @list.
 */
static u64 exhaust(struct kunit *test, struct llf_test *t, u32 order,
		   u32 flags, u64 *list)
{
	u64 *shadow = shadow_new(test, t->self.frames);
	struct llfree_frame out;
	u64 n;
	int ret;

	for (n = 0;; n++) {
		ret = llfree_alloc(&t->self, n % t->self.cores, order, flags, &out);
		if (ret)
			break;
		KUNIT_ASSERT_EQ_MSG(test, out.frame % (1ull << order), 0ull,
				    "order %u frame %llu", order,
				    (unsigned long long)out.frame);
		KUNIT_ASSERT_LE(test, out.frame + (1ull << order), t->self.frames);
		KUNIT_ASSERT_TRUE_MSG(test, shadow_mark(shadow, out.frame, order),
				      "order %u frame %llu twice", order,
				      (unsigned long long)out.frame);
		list[n] = out.frame;
	}
	KUNIT_EXPECT_EQ(test, ret, -LLFREE_ENOMEM);
	return n;
}

static void api_metadata_size(struct kunit *test)
{
	struct llfree_meta_size size;
	u64 frames = 3 * TF + 100, children = 3 * TF / CF + 1;

	KUNIT_EXPECT_EQ(test, llfree_metadata_size(0, TF, &size), -LLFREE_EINVAL);
	KUNIT_EXPECT_EQ(test, llfree_metadata_size(1, 0, &size), -LLFREE_EINVAL);
	KUNIT_ASSERT_EQ(test, llfree_metadata_size(4, frames, &size), 0);
	KUNIT_EXPECT_GE(test, size.local, 4 * sizeof(struct llf_local));
	KUNIT_EXPECT_GE(test, size.trees, 4 * sizeof(u32));
	KUNIT_EXPECT_GE(test, size.lower,
			children * (LLF_FIELD_WORDS * sizeof(u64) + sizeof(u16)));

	/* About 33 KiB of metadata per GiB managed. */
	KUNIT_ASSERT_EQ(test, llfree_metadata_size(1, 1ull << 18, &size), 0);
	KUNIT_EXPECT_LE(test, size.lower + size.trees, 36u * 1024);
}

static void api_init_rejects_bad_args(struct kunit *test)
{
	struct llf_test *t = llf_test_prepare(test, 2, 2 * TF);
	struct llfree_meta bad;
	struct llfree_frame out;
	void **buf[3] = { &bad.local, &bad.trees, &bad.lower };
	u32 i;

	for (i = 0; i < 3; i++) {
		bad = t->meta;
		*buf[i] = (char *)*buf[i] + 8;
		KUNIT_EXPECT_EQ_MSG(test, llfree_init(&t->self, 2, 2 * TF,
						      LLFREE_INIT_FREE, false, &bad),
				    -LLFREE_EINVAL, "misaligned buffer %u", i);
		*buf[i] = NULL;
		KUNIT_EXPECT_EQ_MSG(test, llfree_init(&t->self, 2, 2 * TF,
						      LLFREE_INIT_FREE, false, &bad),
				    -LLFREE_EINVAL, "NULL buffer %u", i);
	}
	KUNIT_EXPECT_EQ(test, llfree_init(&t->self, 2, 2 * TF, LLFREE_INIT_FREE,
					  false, NULL), -LLFREE_EINVAL);
	KUNIT_EXPECT_EQ(test, llfree_init(&t->self, 0, 2 * TF, LLFREE_INIT_FREE,
					  false, &t->meta), -LLFREE_EINVAL);
	KUNIT_EXPECT_EQ(test, llfree_init(&t->self, 2, 0, LLFREE_INIT_FREE,
					  false, &t->meta), -LLFREE_EINVAL);
	KUNIT_EXPECT_EQ(test, llfree_init(&t->self, 2, 2 * TF,
					  (enum llfree_init_mode)3, false,
					  &t->meta), -LLFREE_EINVAL);
	/* None of them initialised anything. */
	KUNIT_EXPECT_EQ(test, llfree_alloc(&t->self, 0, 0, 0, &out),
			-LLFREE_EUNINIT);
	KUNIT_EXPECT_EQ(test, llfree_init(&t->self, 2, 2 * TF, LLFREE_INIT_FREE,
					  false, &t->meta), 0);
	KUNIT_EXPECT_EQ(test, llfree_alloc(&t->self, 1, 0, 0, &out), 0);
}

static void api_init_free(struct kunit *test)
{
	const u64 frames = 2 * TF + 3 * CF + 7;
	struct llf_test *t = llf_test_create(test, 3, frames, LLFREE_INIT_FREE);
	struct llfree_stats stats;

	KUNIT_EXPECT_EQ(test, llfree_frames(&t->self), frames);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), frames);
	KUNIT_EXPECT_EQ(test, llfree_free_huge(&t->self), frames / CF);
	KUNIT_ASSERT_EQ(test, llfree_stats(&t->self, &stats), 0);
	KUNIT_EXPECT_EQ(test, stats.frames, frames);
	KUNIT_EXPECT_EQ(test, stats.free_frames, frames);
	KUNIT_EXPECT_EQ(test, stats.free_huge, frames / CF);
	KUNIT_EXPECT_EQ(test, stats.zeroed_huge, 0ull);
	KUNIT_EXPECT_EQ(test, stats.huge_allocated, 0ull);
	LLF_EXPECT_VALID(test, t);
}

/* Everything starts allocated; frames are donated by freeing them. */
static void api_init_allocated(struct kunit *test)
{
	const u64 frames = 2 * TF + 100;
	struct llf_test *t = llf_test_create(test, 2, frames,
					     LLFREE_INIT_ALLOCATED);
	struct llfree_stats stats;
	struct llfree_frame out;
	u32 order;
	u64 f;

	KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), 0ull);
	KUNIT_ASSERT_EQ(test, llfree_stats(&t->self, &stats), 0);
	KUNIT_EXPECT_EQ(test, stats.free_frames, 0ull);
	KUNIT_EXPECT_EQ(test, stats.free_huge, 0ull);
	for (order = 0; order <= LLFREE_MAX_ORDER; order++)
		KUNIT_EXPECT_EQ(test, llfree_alloc(&t->self, 0, order, 0, &out),
				-LLFREE_ENOMEM);
	LLF_EXPECT_VALID(test, t);

	for (f = 0; f < frames; f++)
		KUNIT_ASSERT_EQ(test, llfree_free(&t->self, f % 2, f, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), frames);
	KUNIT_ASSERT_EQ(test, llfree_stats(&t->self, &stats), 0);
	KUNIT_EXPECT_EQ(test, stats.free_frames, frames);
	KUNIT_EXPECT_EQ(test, stats.free_huge, frames / CF);
	LLF_EXPECT_VALID(test, t);
	KUNIT_EXPECT_EQ(test, llfree_alloc(&t->self, 1, 10, 0, &out), 0);
}

/*
 * Every order 0..10, spread over two cores: exactly frames >> order
 * allocations, aligned, disjoint; then everything frees again.
 */
static void api_exhaust_all_orders(struct kunit *test)
{
	const u64 frames = 2 * TF;
	struct llf_test *t = llf_test_create(test, 2, frames, LLFREE_INIT_FREE);
	u64 *list = llf_test_buffer(test, frames * sizeof(u64));
	struct llfree_stats stats;
	u32 order;
	u64 n, i;

	for (order = 0; order <= LLFREE_MAX_ORDER; order++) {
		n = exhaust(test, t, order, order % LLFREE_CLASSES, list);
		KUNIT_EXPECT_EQ_MSG(test, n, frames >> order, "order %u", order);
		KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), 0ull);
		KUNIT_ASSERT_EQ(test, llfree_stats(&t->self, &stats), 0);
		KUNIT_EXPECT_EQ(test, stats.free_frames, 0ull);
		KUNIT_EXPECT_EQ(test, stats.huge_allocated,
				order >= LLFREE_CHILD_ORDER ? frames / CF : 0);
		LLF_EXPECT_VALID(test, t);

		for (i = 0; i < n; i++)
			KUNIT_ASSERT_EQ(test, llfree_free(&t->self, (i + 1) % 2,
							  list[i], order, 0), 0);
		KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), frames);
		KUNIT_EXPECT_EQ(test, llfree_free_huge(&t->self), frames / CF);
		LLF_EXPECT_VALID(test, t);
	}
}

/* Ranges that end inside a child and inside a tree (odd and even tails). */
static void api_tail_frames(struct kunit *test)
{
	const u64 sizes[] = { TF + 5 * CF + 100, TF + 4 * CF + 100, CF + 1 };
	u32 s, order;
	u64 n, i;

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		u64 frames = sizes[s];
		struct llf_test *t = llf_test_create(test, 1, frames,
						     LLFREE_INIT_FREE);
		u64 *list = llf_test_buffer(test, frames * sizeof(u64));

		KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), frames);
		for (order = 0; order <= LLFREE_MAX_ORDER; order++) {
			n = exhaust(test, t, order, 0, list);
			KUNIT_EXPECT_EQ_MSG(test, n, frames >> order,
					    "frames %llu order %u",
					    (unsigned long long)frames, order);
			LLF_EXPECT_VALID(test, t);
			for (i = 0; i < n; i++)
				KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, list[i],
								  order, 0), 0);
			KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), frames);
		}
		KUNIT_EXPECT_EQ(test, llfree_is_free(&t->self, frames - 1, 0), 1);
		KUNIT_EXPECT_EQ(test, llfree_is_free(&t->self, frames, 0),
				-LLFREE_ERANGE);
	}
}

/*
 * A last tree with an odd number of children: order 10 must still return
 * an aligned pair, wherever the next-fit hint points.
 */
static void api_order10_aligned_in_odd_tree(struct kunit *test)
{
	const u64 frames = TF + 3 * CF;
	struct llf_test *t = llf_test_create(test, 1, frames, LLFREE_INIT_FREE);
	struct llfree_frame out;
	u64 h[3], i;

	/* Fill tree 0, then use and free the three children of tree 1. */
	for (i = 0; i < TF / CF; i++)
		llf_test_alloc(test, t, 0, 9, 0);
	for (i = 0; i < 3; i++)
		h[i] = llf_test_alloc(test, t, 0, 9, 0);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, h[i], 9, 0), 0);

	KUNIT_ASSERT_EQ(test, llfree_alloc(&t->self, 0, 10, 0, &out), 0);
	KUNIT_EXPECT_EQ_MSG(test, out.frame % (2 * CF), 0ull, "frame %llu",
			    (unsigned long long)out.frame);
	KUNIT_EXPECT_EQ(test, out.frame, (u64)TF);
}

/* llfree_stats and the fast counters are exact. */
static void api_stats_exact(struct kunit *test)
{
	const u64 frames = 2 * TF, children = frames / CF;
	struct llf_test *t = llf_test_create(test, 1, frames, LLFREE_INIT_FREE);
	u64 small[4], h9, h10, used = 0;
	struct llfree_stats stats;
	u32 i, j, distinct = 0;

	small[0] = llf_test_alloc(test, t, 0, 0, 0);
	small[1] = llf_test_alloc(test, t, 0, 0, 0);
	small[2] = llf_test_alloc(test, t, 0, 0, 0);
	small[3] = llf_test_alloc(test, t, 0, 3, 0);
	h9 = llf_test_alloc(test, t, 0, 9, 0);
	h10 = llf_test_alloc(test, t, 0, 10, 0);
	used = 3 + 8 + CF + 2 * CF;
	for (i = 0; i < 4; i++) {
		for (j = 0; j < i; j++)
			if (small[j] / CF == small[i] / CF)
				break;
		distinct += j == i;
	}

	KUNIT_ASSERT_EQ(test, llfree_stats(&t->self, &stats), 0);
	KUNIT_EXPECT_EQ(test, stats.frames, frames);
	KUNIT_EXPECT_EQ(test, stats.free_frames, frames - used);
	KUNIT_EXPECT_EQ(test, stats.huge_allocated, 3ull);
	KUNIT_EXPECT_EQ(test, stats.free_huge, children - 3 - distinct);
	KUNIT_EXPECT_EQ(test, stats.zeroed_huge, 0ull);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), frames - used);
	KUNIT_EXPECT_EQ(test, llfree_free_huge(&t->self), stats.free_huge);
	LLF_EXPECT_VALID(test, t);

	KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, h9, 9, LLFREE_FREE_ZEROED),
			0);
	KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, h10, 10,
					  LLFREE_FREE_ZEROED), 0);
	KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, small[3], 3, 0), 0);
	used -= 8 + 3 * CF;
	KUNIT_ASSERT_EQ(test, llfree_stats(&t->self, &stats), 0);
	KUNIT_EXPECT_EQ(test, stats.free_frames, frames - used);
	KUNIT_EXPECT_EQ(test, stats.huge_allocated, 0ull);
	KUNIT_EXPECT_EQ(test, stats.zeroed_huge, 3ull);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), frames - used);
	LLF_EXPECT_VALID(test, t);
}

static void api_is_free(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 1, 2 * TF, LLFREE_INIT_FREE);
	u32 order;
	u64 f;

	for (order = 0; order <= LLFREE_MAX_ORDER; order++)
		KUNIT_EXPECT_EQ(test, llfree_is_free(&t->self, 0, order), 1);
	f = llf_test_alloc(test, t, 0, 0, 0);
	for (order = 0; order <= LLFREE_MAX_ORDER; order++)
		KUNIT_EXPECT_EQ_MSG(test,
				    llfree_is_free(&t->self,
						   f & ~((1ull << order) - 1), order),
				    0, "order %u", order);
	f = llf_test_alloc(test, t, 0, 9, 0);
	KUNIT_EXPECT_EQ(test, llfree_is_free(&t->self, f + 511, 0), 0);
	KUNIT_EXPECT_EQ(test, llfree_is_free(&t->self, f + 1, 0), 0);
	KUNIT_EXPECT_EQ(test, llfree_is_free(&t->self, f + 1, 1), -LLFREE_EALIGN);
	KUNIT_EXPECT_EQ(test, llfree_is_free(&t->self, 0, 11), -LLFREE_EORDER);
}

/* Huge frames keep a zeroed flag when freed as zeroed. */
static void api_huge_zeroed(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 1, TF, LLFREE_INIT_FREE);
	struct llfree_frame out;
	u32 order, flags;

	for (order = 9; order <= 10; order++) {
		for (flags = 0; flags < LLFREE_CLASSES; flags++) {
			KUNIT_ASSERT_EQ(test, llfree_alloc(&t->self, 0, order, flags,
							   &out), 0);
			KUNIT_EXPECT_FALSE(test, out.zeroed);
			KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, out.frame, order,
							  LLFREE_FREE_ZEROED), 0);
			KUNIT_ASSERT_EQ(test, llfree_alloc(&t->self, 0, order,
							   flags | LLFREE_ALLOC_ZEROED,
							   &out), 0);
			KUNIT_EXPECT_TRUE_MSG(test, out.zeroed, "order %u class %u",
					      order, flags);
			/* Freed without the flag: no longer known zero. */
			KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, out.frame, order,
							  0), 0);
			KUNIT_ASSERT_EQ(test, llfree_alloc(&t->self, 0, order,
							   flags | LLFREE_ALLOC_ZEROED,
							   &out), 0);
			KUNIT_EXPECT_FALSE(test, out.zeroed);
			KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, out.frame, order,
							  0), 0);
			LLF_EXPECT_VALID(test, t);
		}
	}
	/* Small frames are never reported zeroed, whatever the free said. */
	KUNIT_ASSERT_EQ(test, llfree_alloc(&t->self, 0, 0, LLFREE_ALLOC_ZEROED,
					   &out), 0);
	KUNIT_EXPECT_FALSE(test, out.zeroed);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, out.frame, 0,
					  LLFREE_FREE_ZEROED), 0);
	LLF_EXPECT_VALID(test, t);
}

/* Freeing part of a huge frame splits it (the kernel's split_page()). */
static void api_huge_split(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 1, TF, LLFREE_INIT_FREE);
	struct llfree_stats before, after;
	u64 f, i;

	f = llf_test_alloc(test, t, 0, 9, 0);
	KUNIT_ASSERT_EQ(test, llfree_stats(&t->self, &before), 0);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f + 3, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, llfree_is_free(&t->self, f + 3, 0), 1);
	KUNIT_EXPECT_EQ(test, llfree_is_free(&t->self, f, 0), 0);
	KUNIT_ASSERT_EQ(test, llfree_stats(&t->self, &after), 0);
	KUNIT_EXPECT_EQ(test, after.huge_allocated, before.huge_allocated - 1);
	KUNIT_EXPECT_EQ(test, after.free_frames, before.free_frames + 1);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), TF - CF + 1);
	LLF_EXPECT_VALID(test, t);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f, 9, 0), -LLFREE_EPARTIAL);
	for (i = 0; i < CF; i++)
		if (i != 3)
			KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, f + i, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), TF);
	KUNIT_EXPECT_EQ(test, llfree_free_huge(&t->self), TF / CF);
	LLF_EXPECT_VALID(test, t);

	/* Order 10 freed as two halves, one of them split further. */
	f = llf_test_alloc(test, t, 0, 10, 0);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f + CF, 9, 0), 0);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f + 64, 6, 0), 0);
	LLF_EXPECT_VALID(test, t);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f, 6, 0), 0);
	for (i = 128; i < CF; i += 128)
		KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f + i, 7, 0), 0);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), TF);
	LLF_EXPECT_VALID(test, t);
}

/* Immovable, movable and huge allocations use different trees. */
static void api_class_separation(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 1, 4 * TF, LLFREE_INIT_FREE);
	u64 tree[LLFREE_CLASSES];
	u32 order[LLFREE_CLASSES] = { 0, 0, 9 };
	u32 c, i;

	for (c = 0; c < LLFREE_CLASSES; c++)
		tree[c] = llf_test_tree_of(llf_test_alloc(test, t, 0, order[c], c));
	KUNIT_EXPECT_NE(test, tree[0], tree[1]);
	KUNIT_EXPECT_NE(test, tree[0], tree[2]);
	KUNIT_EXPECT_NE(test, tree[1], tree[2]);
	/* While their trees have room (one huge frame kept for below). */
	for (i = 0; i + 2 < LLF_TREE_CHILDREN && i < 4; i++)
		for (c = 0; c < LLFREE_CLASSES; c++)
			KUNIT_EXPECT_EQ(test, llf_test_tree_of(llf_test_alloc(test, t, 0,
									      order[c], c)),
					tree[c]);
	for (c = 0; c < LLFREE_CLASSES; c++)
		KUNIT_EXPECT_EQ(test, llf_tree_class(t->self.trees[tree[c]]), c);

	/* After the reservations end, each class returns to its own tree. */
	KUNIT_ASSERT_EQ(test, llfree_drain(&t->self, 0), 0);
	for (c = LLFREE_CLASSES; c-- > 0;)
		KUNIT_EXPECT_EQ_MSG(test,
				    llf_test_tree_of(llf_test_alloc(test, t, 0,
								    order[c], c)),
				    tree[c], "class %u", c);
	LLF_EXPECT_VALID(test, t);
}

/* Each core reserves its own tree. */
static void api_cores_reserve_own_trees(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 4, 4 * TF, LLFREE_INIT_FREE);
	u64 tree[4];
	u32 c, d;

	for (c = 0; c < 4; c++) {
		tree[c] = llf_test_tree_of(llf_test_alloc(test, t, c, 0, 0));
		KUNIT_EXPECT_TRUE(test, llf_slot_present(llf_test_local(t, c)->slot[0]));
		KUNIT_EXPECT_EQ(test, llf_slot_tree(llf_test_local(t, c)->slot[0]),
				tree[c]);
		KUNIT_EXPECT_TRUE(test, llf_tree_is_reserved(t->self.trees[tree[c]]));
	}
	for (c = 0; c < 4; c++)
		for (d = 0; d < c; d++)
			KUNIT_EXPECT_NE(test, tree[c], tree[d]);
	/* Later allocations stay in the core's tree. */
	for (c = 0; c < 4; c++)
		KUNIT_EXPECT_EQ(test, llf_test_tree_of(llf_test_alloc(test, t, c, 3, 0)),
				tree[c]);
	LLF_EXPECT_VALID(test, t);
}

/* Consecutive small allocations fill one child before moving on. */
static void api_next_fit(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 1, 2 * TF, LLFREE_INIT_FREE);
	u64 first, f, i;

	first = llf_test_alloc(test, t, 0, 0, 0);
	for (i = 1; i < CF; i++) {
		f = llf_test_alloc(test, t, 0, 0, 0);
		KUNIT_ASSERT_EQ_MSG(test, f / CF, first / CF, "allocation %llu",
				    (unsigned long long)i);
	}
	f = llf_test_alloc(test, t, 0, 0, 0);
	KUNIT_EXPECT_NE(test, f / CF, first / CF);
	KUNIT_EXPECT_EQ(test, llf_test_tree_of(f), llf_test_tree_of(first));
}

/*
 * A free into a tree another core reserved goes to the tree counter; the
 * owner pulls it back once its own count runs out. Own frees go to the slot.
 */
static void api_remote_free_pulled_back(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 2, 2 * TF, LLFREE_INIT_FREE);
	u64 *slot0 = &llf_test_local(t, 0)->slot[0];
	u64 f0, f, tree, i;

	f0 = llf_test_alloc(test, t, 0, 0, 0);
	tree = llf_test_tree_of(f0);
	for (i = 1; i < TF; i++)
		KUNIT_ASSERT_EQ(test, llf_test_tree_of(llf_test_alloc(test, t, 0, 0, 0)),
				tree);
	KUNIT_EXPECT_EQ(test, *slot0, llf_slot_make(tree, 0));

	/* Own free: back into the slot. */
	KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, f0 + 1, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, *slot0, llf_slot_make(tree, 1));
	KUNIT_EXPECT_EQ(test, llf_tree_free(t->self.trees[tree]), 0u);
	KUNIT_EXPECT_EQ(test, llf_test_alloc(test, t, 0, 0, 0), f0 + 1);

	/* Remote free: into the tree counter, the tree stays reserved. */
	KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 1, f0, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, t->self.trees[tree],
			llf_tree_make(1, true, LLFREE_IMMOVABLE));
	KUNIT_EXPECT_EQ(test, *slot0, llf_slot_make(tree, 0));
	KUNIT_EXPECT_EQ(test, llf_test_local(t, 1)->slot[0], 0ull);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), TF + 1);
	LLF_EXPECT_VALID(test, t);

	/* The owner runs short and pulls it back instead of moving on. */
	f = llf_test_alloc(test, t, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, f, f0);
	KUNIT_EXPECT_EQ(test, t->self.trees[tree],
			llf_tree_make(0, true, LLFREE_IMMOVABLE));
	KUNIT_EXPECT_EQ(test, *slot0, llf_slot_make(tree, 0));
	LLF_EXPECT_VALID(test, t);
}

/* Drain hands a core's reservations back to the trees. */
static void api_drain(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 2, 2 * TF, LLFREE_INIT_FREE);
	struct llf_local *local = llf_test_local(t, 0);
	u64 f, g, tf, tg;
	u32 c;

	f = llf_test_alloc(test, t, 0, 0, LLFREE_IMMOVABLE);
	g = llf_test_alloc(test, t, 0, 0, LLFREE_MOVABLE);
	tf = llf_test_tree_of(f);
	tg = llf_test_tree_of(g);
	KUNIT_ASSERT_NE(test, tf, tg);

	KUNIT_EXPECT_EQ(test, llfree_drain(&t->self, 0), 0);
	for (c = 0; c < LLFREE_CLASSES; c++)
		KUNIT_EXPECT_EQ(test, local->slot[c], 0ull);
	KUNIT_EXPECT_EQ(test, t->self.trees[tf],
			llf_tree_make(TF - 1, false, LLFREE_IMMOVABLE));
	KUNIT_EXPECT_EQ(test, t->self.trees[tg],
			llf_tree_make(TF - 1, false, LLFREE_MOVABLE));
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), 2 * TF - 2);
	LLF_EXPECT_VALID(test, t);

	/* Without a reservation, frees go to the tree. */
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, llf_tree_free(t->self.trees[tf]), TF);
	/* Draining an idle core changes nothing. */
	KUNIT_EXPECT_EQ(test, llfree_drain(&t->self, 1), 0);
	KUNIT_EXPECT_EQ(test, llfree_drain(&t->self, 0), 0);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), 2 * TF - 1);
	LLF_EXPECT_VALID(test, t);
}

/*
 * With every tree reserved, a core steals another core's reservation
 * before it reports out of memory: one core can allocate everything.
 */
static void api_steal(struct kunit *test)
{
	const u64 frames = 2 * TF;
	struct llf_test *t = llf_test_create(test, 2, frames, LLFREE_INIT_FREE);
	u64 *shadow = shadow_new(test, frames);
	struct llfree_frame out;
	u64 f0, n, stolen = 0;

	f0 = llf_test_alloc(test, t, 0, 0, 0);
	shadow_mark(shadow, f0, 0);
	for (n = 0; !llfree_alloc(&t->self, 1, 0, 0, &out); n++) {
		KUNIT_ASSERT_TRUE(test, shadow_mark(shadow, out.frame, 0));
		stolen += llf_test_tree_of(out.frame) == llf_test_tree_of(f0);
	}
	KUNIT_EXPECT_EQ(test, n, frames - 1);
	KUNIT_EXPECT_EQ(test, stolen, TF - 1);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), 0ull);
	KUNIT_EXPECT_EQ(test, llfree_alloc(&t->self, 0, 0, 0, &out),
			-LLFREE_ENOMEM);
	LLF_EXPECT_VALID(test, t);
}

/*
 * A reservation holding part of the free frames while the rest were freed
 * remotely into its tree: another core must still find the frames.
 */
static void api_steal_counts_remote_frees(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 2, 2 * TF, LLFREE_INIT_FREE);
	struct llfree_frame out;
	u64 base = ~0ull, f, i;

	for (i = 0; i < TF; i++) {
		f = llf_test_alloc(test, t, 0, 0, 0);
		if (f % 64 == 0 && base == ~0ull)
			base = f;
	}
	for (i = 0; i < TF; i++)
		llf_test_alloc(test, t, 1, 0, 0);
	/* An aligned block of 64 comes back: half to core 0's slot, half remote. */
	for (i = 0; i < 64; i++)
		KUNIT_ASSERT_EQ(test, llfree_free(&t->self, i < 32 ? 0 : 1, base + i,
						  0, 0), 0);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), 64ull);
	LLF_EXPECT_VALID(test, t);

	KUNIT_ASSERT_EQ(test, llfree_alloc(&t->self, 1, 6, 0, &out), 0);
	KUNIT_EXPECT_EQ(test, out.frame, base);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), 0ull);
	LLF_EXPECT_VALID(test, t);
}

/* Out of memory only when no tree, reservation or remote free can serve. */
static void api_enomem_only_when_full(struct kunit *test)
{
	const u64 frames = 4 * TF;
	struct llf_test *t = llf_test_create(test, 3, frames, LLFREE_INIT_FREE);
	struct llfree_frame out;
	u32 order;
	u64 n;

	for (order = 0; order <= LLFREE_MAX_ORDER; order += 5) {
		u64 *list = llf_test_buffer(test, (frames >> order) * sizeof(u64));
		u64 f[3], i;

		/* Core 0 holds a reservation of every class. */
		f[0] = llf_test_alloc(test, t, 0, 0, LLFREE_IMMOVABLE);
		f[1] = llf_test_alloc(test, t, 0, 0, LLFREE_MOVABLE);
		f[2] = llf_test_alloc(test, t, 0, 9, LLFREE_HUGE);
		/* Core 2 freed into core 0's trees. */
		KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 2, f[0], 0, 0), 0);
		KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 2, f[2], 9, 0), 0);

		for (n = 0; !llfree_alloc(&t->self, 1, order, LLFREE_MOVABLE, &out); n++)
			list[n] = out.frame;
		/* Everything but the block holding f[1]. */
		KUNIT_EXPECT_EQ_MSG(test, n, (frames >> order) - 1, "order %u",
				    order);
		KUNIT_EXPECT_EQ(test, llfree_alloc(&t->self, 2, order, 0, &out),
				-LLFREE_ENOMEM);
		LLF_EXPECT_VALID(test, t);
		for (i = 0; i < n; i++)
			KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 2, list[i], order, 0),
					0);
		KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, f[1], 0, 0), 0);
		KUNIT_EXPECT_EQ(test, llfree_free_frames(&t->self), frames);
		LLF_EXPECT_VALID(test, t);
	}
}

/* Recovery from a copy of the lower level reproduces the allocated set. */
static void api_recover(struct kunit *test)
{
	const u64 frames = 16 * CF + 300;
	struct llf_test *a = llf_test_prepare(test, 2, frames);
	struct llf_test *b = llf_test_prepare(test, 2, frames);
	struct llfree_stats sa, sb;
	u64 f[8], h, c;
	u32 i;

	KUNIT_ASSERT_EQ(test, llfree_init(&a->self, 2, frames, LLFREE_INIT_FREE,
					  true, &a->meta), 0);
	f[0] = llf_test_alloc(test, a, 0, 0, 0);
	f[1] = llf_test_alloc(test, a, 1, 3, LLFREE_MOVABLE);
	f[2] = llf_test_alloc(test, a, 0, 9, LLFREE_HUGE);
	f[3] = llf_test_alloc(test, a, 1, 10, 0);
	f[4] = llf_test_alloc(test, a, 0, 7, 0);
	f[5] = llf_test_alloc(test, a, 1, 0, 0);
	f[6] = llf_test_alloc(test, a, 0, 9, 0);
	f[7] = llf_test_alloc(test, a, 1, 9, 0);
	/* A split huge frame, a zeroed free huge frame. */
	KUNIT_ASSERT_EQ(test, llfree_free(&a->self, 0, f[6] + 5, 0, 0), 0);
	KUNIT_ASSERT_EQ(test, llfree_free(&a->self, 1, f[7], 9, LLFREE_FREE_ZEROED),
			0);

	memcpy(b->meta.lower, a->meta.lower, a->size.lower);
	KUNIT_ASSERT_EQ(test, llfree_init(&b->self, 2, frames, LLFREE_INIT_RECOVER,
					  true, &b->meta), 0);
	LLF_EXPECT_VALID(test, b);
	for (h = 0; h < frames; h++)
		KUNIT_ASSERT_EQ_MSG(test, llfree_is_free(&b->self, h, 0),
				    llfree_is_free(&a->self, h, 0), "frame %llu",
				    (unsigned long long)h);
	for (c = 0; c < frames / CF; c++)
		KUNIT_EXPECT_EQ(test, llfree_is_free(&b->self, c * CF, 9),
				llfree_is_free(&a->self, c * CF, 9));
	KUNIT_ASSERT_EQ(test, llfree_stats(&a->self, &sa), 0);
	KUNIT_ASSERT_EQ(test, llfree_stats(&b->self, &sb), 0);
	KUNIT_EXPECT_EQ(test, sb.free_frames, sa.free_frames);
	KUNIT_EXPECT_EQ(test, sb.free_huge, sa.free_huge);
	KUNIT_EXPECT_EQ(test, sb.huge_allocated, sa.huge_allocated);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&b->self), sa.free_frames);

	/* The recovered allocator frees the old frames with their orders. */
	KUNIT_EXPECT_EQ(test, llfree_free(&b->self, 0, f[0], 0, 0), 0);
	KUNIT_EXPECT_EQ(test, llfree_free(&b->self, 0, f[1], 3, 0), 0);
	KUNIT_EXPECT_EQ(test, llfree_free(&b->self, 1, f[2], 9, 0), 0);
	KUNIT_EXPECT_EQ(test, llfree_free(&b->self, 1, f[3], 10, 0), 0);
	KUNIT_EXPECT_EQ(test, llfree_free(&b->self, 0, f[4], 7, 0), 0);
	KUNIT_EXPECT_EQ(test, llfree_free(&b->self, 0, f[5], 0, 0), 0);
	for (i = 0; i < CF; i++)
		if (i != 5)
			KUNIT_EXPECT_EQ(test, llfree_free(&b->self, 1, f[6] + i, 0, 0),
					0);
	KUNIT_EXPECT_EQ(test, llfree_free(&b->self, 1, f[7], 9, 0),
			-LLFREE_ENOTALLOC);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(&b->self), frames);
	LLF_EXPECT_VALID(test, b);
}

/* Validation finds each kind of counter that disagrees with the bits. */
static void api_validate_detects_corruption(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 1, 2 * TF, LLFREE_INIT_FREE);
	struct llf_test_lines lines = { 0 };
	u64 *slot = &llf_test_local(t, 0)->slot[0];
	u64 f, h, other, saved;
	u64 *field;
	u16 *child;
	u32 *tree;

	f = llf_test_alloc(test, t, 0, 0, 0);
	h = llf_test_alloc(test, t, 0, 9, 0);
	child = &t->self.child[f / CF];
	field = &t->self.bits[f / CF * LLF_FIELD_WORDS];
	other = 1 - llf_test_tree_of(f);
	tree = &t->self.trees[other];
	LLF_EXPECT_VALID(test, t);

	/* A child counter one lower than its clear bits. */
	*child -= 1;
	KUNIT_EXPECT_EQ(test, llfree_validate(&t->self, llf_test_print, &lines),
			-LLFREE_ECORRUPT);
	KUNIT_EXPECT_GE(test, lines.count, 1u);
	KUNIT_EXPECT_EQ(test, llfree_validate(&t->self, NULL, NULL),
			-LLFREE_ECORRUPT);
	*child += 1;
	LLF_EXPECT_VALID(test, t);

	/* A bit set behind the counter's back. */
	saved = field[7];
	field[7] |= 1ull << 63;
	KUNIT_EXPECT_EQ(test, llfree_validate(&t->self, NULL, NULL),
			-LLFREE_ECORRUPT);
	field[7] = saved;

	/* A huge child with a set bit (its bits stay clear). */
	t->self.bits[h / CF * LLF_FIELD_WORDS + 3] |= 2ull;
	KUNIT_EXPECT_EQ(test, llfree_validate(&t->self, NULL, NULL),
			-LLFREE_ECORRUPT);
	t->self.bits[h / CF * LLF_FIELD_WORDS + 3] &= ~2ull;
	LLF_EXPECT_VALID(test, t);

	/* A tree counter (unreserved tree), a reservation counter. */
	*tree += 1;
	KUNIT_EXPECT_EQ(test, llfree_validate(&t->self, NULL, NULL),
			-LLFREE_ECORRUPT);
	*tree -= 1;
	*slot += 1;
	KUNIT_EXPECT_EQ(test, llfree_validate(&t->self, NULL, NULL),
			-LLFREE_ECORRUPT);
	*slot -= 1;
	LLF_EXPECT_VALID(test, t);
}

static void api_dump(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 2, 3 * TF, LLFREE_INIT_FREE);
	struct llf_test_lines lines = { 0 };

	llf_test_alloc(test, t, 0, 9, 0);
	llf_test_alloc(test, t, 1, 0, 0);
	llfree_dump(&t->self, llf_test_print, &lines);
	KUNIT_EXPECT_GE(test, lines.count, 1u + 3);
	KUNIT_EXPECT_GT(test, strlen(lines.first), 0u);
	kunit_info(test, "%s\n", lines.first);
}

static void api_errno_strerror(struct kunit *test)
{
	int i, j;

	KUNIT_EXPECT_EQ(test, llfree_errno(0), 0);
	KUNIT_EXPECT_EQ(test, llfree_errno(-LLFREE_ENOMEM), -ENOMEM);
	KUNIT_EXPECT_EQ(test, llfree_errno(-LLFREE_ERANGE), -ERANGE);
	KUNIT_EXPECT_EQ(test, llfree_errno(-LLFREE_EINVAL), -EINVAL);
	for (i = 1; i < LLFREE_ERROR_COUNT; i++)
		KUNIT_EXPECT_LT_MSG(test, llfree_errno(-i), 0, "error %d", i);
	for (i = 0; i < LLFREE_ERROR_COUNT; i++) {
		const char *s = llfree_strerror(-i);

		KUNIT_ASSERT_NOT_NULL(test, s);
		KUNIT_EXPECT_GT(test, strlen(s), 0u);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE_MSG(test, strcmp(s, llfree_strerror(-j)), 0,
					    "errors %d and %d", i, j);
	}
	KUNIT_EXPECT_NOT_NULL(test, llfree_strerror(-LLFREE_ERROR_COUNT));
	KUNIT_EXPECT_NOT_NULL(test, llfree_strerror(3));
}

/* Core and class arguments outside their range. */
static void api_bad_core_and_class(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 2, 2 * TF, LLFREE_INIT_FREE);
	struct llf_test_snap snap;
	struct llfree_frame out;
	u64 f = llf_test_alloc(test, t, 0, 0, 0);

	llf_test_snap_take(test, t, &snap);
	KUNIT_EXPECT_EQ(test, llfree_alloc(&t->self, 2, 0, 0, &out),
			-LLFREE_EINVAL);
	KUNIT_EXPECT_EQ(test, llfree_alloc(&t->self, 0, 0, LLFREE_CLASS_MASK, &out),
			-LLFREE_EINVAL);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 2, f, 0, 0), -LLFREE_EINVAL);
	KUNIT_EXPECT_EQ(test, llfree_drain(&t->self, 2), -LLFREE_EINVAL);
	LLF_EXPECT_UNCHANGED(test, t, &snap);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 1, f, 0, 0), 0);
}

static struct kunit_case llfree_api_cases[] = {
	KUNIT_CASE(api_metadata_size),
	KUNIT_CASE(api_init_rejects_bad_args),
	KUNIT_CASE(api_init_free),
	KUNIT_CASE(api_init_allocated),
	KUNIT_CASE(api_exhaust_all_orders),
	KUNIT_CASE(api_tail_frames),
	KUNIT_CASE(api_order10_aligned_in_odd_tree),
	KUNIT_CASE(api_stats_exact),
	KUNIT_CASE(api_is_free),
	KUNIT_CASE(api_huge_zeroed),
	KUNIT_CASE(api_huge_split),
	KUNIT_CASE(api_class_separation),
	KUNIT_CASE(api_cores_reserve_own_trees),
	KUNIT_CASE(api_next_fit),
	KUNIT_CASE(api_remote_free_pulled_back),
	KUNIT_CASE(api_drain),
	KUNIT_CASE(api_steal),
	KUNIT_CASE(api_steal_counts_remote_frees),
	KUNIT_CASE(api_enomem_only_when_full),
	KUNIT_CASE(api_recover),
	KUNIT_CASE(api_validate_detects_corruption),
	KUNIT_CASE(api_dump),
	KUNIT_CASE(api_errno_strerror),
	KUNIT_CASE(api_bad_core_and_class),
	{}
};

static struct kunit_suite llfree_api_suite = {
	.name = "llfree_api",
	.test_cases = llfree_api_cases,
};

kunit_test_suites(&llfree_api_suite);
