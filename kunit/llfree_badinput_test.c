// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for bad input: every refusal returns its own error code and
 * leaves the allocator exactly as it was (statistics, counters, bits,
 * reservations, validation); allocations that fail half-way undo exactly
 * what they took.
 */
#include "llfree_test_util.h"

#define CF LLFREE_CHILD_FRAMES
#define TF LLF_TREE_FRAMES

/* Alloc/free refusals may drop the caller's reservation, nothing else. */
#define RESERVATIONS (LLF_SNAP_TREES | LLF_SNAP_SLOTS)

/* A second free of the same frame, by the owner and by another core. */
static void badinput_double_free(struct kunit *test)
{
	static const u32 orders[] = { 0, 3, 6, 7, 8, 9, 10 };
	struct llf_test *t = llf_test_create(test, 2, 2 * TF, LLFREE_INIT_FREE);
	struct llf_test_snap snap;
	u32 i, core;
	u64 f;

	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		for (core = 0; core < 2; core++) {
			f = llf_test_alloc(test, t, 0, orders[i], 0);
			KUNIT_ASSERT_EQ(test, llfree_free(&t->self, core, f, orders[i],
							  0), 0);
			llf_test_snap_take(test, t, &snap);
			KUNIT_EXPECT_EQ_MSG(test, llfree_free(&t->self, core, f,
							      orders[i], 0),
					    -LLFREE_ENOTALLOC, "order %u core %u",
					    orders[i], core);
			LLF_EXPECT_UNCHANGED(test, t, &snap);
		}
	}
}

/* Frames that were never handed out, anywhere in the range. */
static void badinput_free_never_allocated(struct kunit *test)
{
	const u64 frames = 2 * TF + 100;
	struct llf_test *t = llf_test_create(test, 2, frames, LLFREE_INIT_FREE);
	struct llf_test_snap snap;
	u64 f;

	/* Also with a reservation present, so the free could reach a slot. */
	f = llf_test_alloc(test, t, 0, 0, 0);
	llf_test_snap_take(test, t, &snap);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f + 1, 0, 0),
			-LLFREE_ENOTALLOC);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 1, f + 1, 0, 0),
			-LLFREE_ENOTALLOC);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, frames - 1, 0, 0),
			-LLFREE_ENOTALLOC);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 1, TF + 64, 6, 0),
			-LLFREE_ENOTALLOC);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, TF + 256, 8, 0),
			-LLFREE_ENOTALLOC);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, TF + CF, 9, 0),
			-LLFREE_ENOTALLOC);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 1, TF, 10, LLFREE_FREE_ZEROED),
			-LLFREE_ENOTALLOC);
	LLF_EXPECT_UNCHANGED(test, t, &snap);
}

/* A frame not aligned to its order. */
static void badinput_free_misaligned(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 1, 2 * TF, LLFREE_INIT_FREE);
	struct llf_test_snap snap;
	u64 f3, f9, f10;

	f3 = llf_test_alloc(test, t, 0, 3, 0);
	f9 = llf_test_alloc(test, t, 0, 9, 0);
	f10 = llf_test_alloc(test, t, 0, 10, 0);
	llf_test_snap_take(test, t, &snap);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f3 + 1, 3, 0),
			-LLFREE_EALIGN);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f3 + 4, 3, 0),
			-LLFREE_EALIGN);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f3 + 1, 1, 0),
			-LLFREE_EALIGN);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f9 + 8, 9, 0),
			-LLFREE_EALIGN);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f9 + 256, 9, 0),
			-LLFREE_EALIGN);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f10 + 128, 8, 0),
			-LLFREE_EALIGN);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, CF, 10, 0),
			-LLFREE_EALIGN);
	LLF_EXPECT_UNCHANGED(test, t, &snap);
}

/* Orders above 10, including ones that would overflow a shift. */
static void badinput_order_too_large(struct kunit *test)
{
	static const u32 orders[] = { LLFREE_MAX_ORDER + 1, 31, 32, 63, 64, ~0u };
	struct llf_test *t = llf_test_create(test, 1, 2 * TF, LLFREE_INIT_FREE);
	struct llf_test_snap snap;
	struct llfree_frame out;
	u64 f = llf_test_alloc(test, t, 0, 10, 0);
	u32 i;

	llf_test_snap_take(test, t, &snap);
	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f, orders[i], 0),
				-LLFREE_EORDER);
		KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, 0, orders[i], 0),
				-LLFREE_EORDER);
		KUNIT_EXPECT_EQ(test, llfree_alloc(&t->self, 0, orders[i], 0, &out),
				-LLFREE_EORDER);
		KUNIT_EXPECT_EQ(test, llfree_is_free(&t->self, 0, orders[i]),
				-LLFREE_EORDER);
	}
	LLF_EXPECT_UNCHANGED(test, t, &snap);
}

/* Frames at or past the end of the range, including wrap-around. */
static void badinput_out_of_range(struct kunit *test)
{
	const u64 frames = 2 * TF + 100;
	struct llf_test *t = llf_test_create(test, 2, frames, LLFREE_INIT_FREE);
	struct llf_test_snap snap;

	llf_test_alloc(test, t, 0, 0, 0);
	llf_test_snap_take(test, t, &snap);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, frames, 0, 0),
			-LLFREE_ERANGE);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, frames + 5, 0, 0),
			-LLFREE_ERANGE);
	/* Starts inside, ends outside. */
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 1, frames - 100, 9, 0),
			-LLFREE_ERANGE);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 1, 2 * TF, 10, 0),
			-LLFREE_ERANGE);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 1, frames - 4, 3, 0),
			-LLFREE_ERANGE);
	/* Range before alignment. */
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, frames + 1, 3, 0),
			-LLFREE_ERANGE);
	/* frame + 2^order wraps around. */
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, ~0ull, 0, 0),
			-LLFREE_ERANGE);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, ~0ull - 1023, 10, 0),
			-LLFREE_ERANGE);
	KUNIT_EXPECT_EQ(test, llfree_is_free(&t->self, frames, 0), -LLFREE_ERANGE);
	KUNIT_EXPECT_EQ(test, llfree_is_free(&t->self, ~0ull - 511, 9),
			-LLFREE_ERANGE);
	LLF_EXPECT_UNCHANGED(test, t, &snap);
}

static void expect_all_uninit(struct kunit *test, struct llfree *self, u64 f)
{
	struct llf_test_lines lines = { 0 };
	struct llfree_stats stats;
	struct llfree_frame out;

	KUNIT_EXPECT_EQ(test, llfree_alloc(self, 0, 0, 0, &out), -LLFREE_EUNINIT);
	KUNIT_EXPECT_EQ(test, llfree_alloc(self, 0, 11, 0, &out),
			-LLFREE_EUNINIT);
	KUNIT_EXPECT_EQ(test, llfree_free(self, 0, f, 0, 0), -LLFREE_EUNINIT);
	KUNIT_EXPECT_EQ(test, llfree_free(self, 0, f + 1, 0, 0), -LLFREE_EUNINIT);
	KUNIT_EXPECT_EQ(test, llfree_drain(self, 0), -LLFREE_EUNINIT);
	KUNIT_EXPECT_EQ(test, llfree_is_free(self, f, 0), -LLFREE_EUNINIT);
	KUNIT_EXPECT_EQ(test, llfree_stats(self, &stats), -LLFREE_EUNINIT);
	KUNIT_EXPECT_EQ(test, llfree_validate(self, NULL, NULL), -LLFREE_EUNINIT);
	KUNIT_EXPECT_EQ(test, llfree_frames(self), 0ull);
	KUNIT_EXPECT_EQ(test, llfree_free_frames(self), 0ull);
	KUNIT_EXPECT_EQ(test, llfree_free_huge(self), 0ull);
	llfree_dump(self, llf_test_print, &lines);
}

/* A handle that was never initialised (zeroed). */
static void badinput_uninitialised(struct kunit *test)
{
	struct llfree *self = kunit_kzalloc(test, sizeof(*self), GFP_KERNEL);
	struct llfree zero;

	KUNIT_ASSERT_NOT_NULL(test, self);
	memset(&zero, 0, sizeof(zero));
	expect_all_uninit(test, self, 0);
	KUNIT_EXPECT_MEMEQ(test, self, &zero, sizeof(zero));
}

/* A handle after llfree_uninit(): refused, metadata untouched. */
static void badinput_after_uninit(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 2, 2 * TF, LLFREE_INIT_FREE);
	void *lower = llf_test_buffer(test, t->size.lower);
	void *trees = llf_test_buffer(test, t->size.trees);
	void *local = llf_test_buffer(test, t->size.local);
	u64 f = llf_test_alloc(test, t, 0, 0, 0);

	llfree_uninit(&t->self);
	memcpy(lower, t->meta.lower, t->size.lower);
	memcpy(trees, t->meta.trees, t->size.trees);
	memcpy(local, t->meta.local, t->size.local);
	expect_all_uninit(test, &t->self, f);
	KUNIT_EXPECT_MEMEQ(test, t->meta.lower, lower, t->size.lower);
	KUNIT_EXPECT_MEMEQ(test, t->meta.trees, trees, t->size.trees);
	KUNIT_EXPECT_MEMEQ(test, t->meta.local, local, t->size.local);
}

/* Freed with a larger order than allocated: only part is allocated. */
static void badinput_free_wrong_order(struct kunit *test)
{
	static const u32 orders[] = { 0, 3, 6, 7 };
	struct llf_test *t = llf_test_create(test, 1, 2 * TF, LLFREE_INIT_FREE);
	struct llf_test_snap snap;
	u32 i, o;
	u64 f;

	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		o = orders[i];
		f = llf_test_alloc(test, t, 0, o, 0);
		/* The other half of the doubled block must be free. */
		KUNIT_ASSERT_EQ(test, llfree_is_free(&t->self, f ^ (1ull << o), o),
				1);
		llf_test_snap_take(test, t, &snap);
		KUNIT_EXPECT_EQ_MSG(test,
				    llfree_free(&t->self, 0, f & ~((2ull << o) - 1),
						o + 1, 0),
				    -LLFREE_EPARTIAL, "order %u", o);
		/* Huge frees over a child holding small frames. */
		KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f & ~(CF - 1ull), 9,
						  0), -LLFREE_EPARTIAL);
		KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0,
						  f & ~(2 * CF - 1ull), 10, 0),
				-LLFREE_EPARTIAL);
		LLF_EXPECT_UNCHANGED(test, t, &snap);
		KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f, o, 0), 0);
	}
}

/* Order 10 over one huge child and one free child, in both orders. */
static void badinput_free_order10_half_huge(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 1, 2 * TF, LLFREE_INIT_FREE);
	struct llf_test_snap snap;
	u64 f;

	f = llf_test_alloc(test, t, 0, 10, 0);
	KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, f + CF, 9, 0), 0);
	llf_test_snap_take(test, t, &snap);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f, 10, 0),
			-LLFREE_EPARTIAL);
	LLF_EXPECT_UNCHANGED(test, t, &snap);
	KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, f, 9, 0), 0);

	f = llf_test_alloc(test, t, 0, 10, 0);
	KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, f, 9, 0), 0);
	llf_test_snap_take(test, t, &snap);
	KUNIT_EXPECT_EQ(test, llfree_free(&t->self, 0, f, 10, 0),
			-LLFREE_EPARTIAL);
	LLF_EXPECT_UNCHANGED(test, t, &snap);
}

/*
 * Order 10 finds a free (zeroed) first child, takes it, then fails on the
 * second: the first must be given back, zeroed flag included. Every other
 * pair fails too, so the allocation reports ENOMEM with nothing changed.
 */
static void badinput_undo_order10(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 1, 4 * CF, LLFREE_INIT_FREE);
	struct llf_test_snap snap;
	struct llfree_frame out;
	struct llfree_stats stats;
	u64 c, i;

	/* Child 0 free and zeroed, children 1 and 3 all but one frame free. */
	for (c = 0; c < 4; c++)
		llf_test_alloc(test, t, 0, 9, 0);
	KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, 0, 9, LLFREE_FREE_ZEROED), 0);
	for (i = 1; i < CF; i++) {
		KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, CF + i, 0, 0), 0);
		KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, 3 * CF + i, 0, 0), 0);
	}
	KUNIT_ASSERT_EQ(test, llfree_stats(&t->self, &stats), 0);
	KUNIT_ASSERT_EQ(test, stats.zeroed_huge, 1ull);
	KUNIT_ASSERT_EQ(test, stats.free_frames, 3 * CF - 2ull);

	llf_test_snap_take(test, t, &snap);
	KUNIT_EXPECT_EQ(test, llfree_alloc(&t->self, 0, 10, 0, &out),
			-LLFREE_ENOMEM);
	LLF_EXPECT_UNCHANGED_EXCEPT(test, t, &snap, RESERVATIONS);
	KUNIT_EXPECT_EQ(test, llfree_alloc(&t->self, 0, 10, LLFREE_ALLOC_ZEROED,
					   &out), -LLFREE_ENOMEM);
	LLF_EXPECT_UNCHANGED_EXCEPT(test, t, &snap, RESERVATIONS);

	KUNIT_ASSERT_EQ(test, llfree_alloc(&t->self, 0, 9, LLFREE_ALLOC_ZEROED,
					   &out), 0);
	KUNIT_EXPECT_EQ(test, out.frame, 0ull);
	KUNIT_EXPECT_TRUE(test, out.zeroed);
}

/*
 * Enough free frames in a child for order 7, but no two whole free words:
 * the counter taken for the search is given back, the free word untouched.
 */
static void badinput_undo_multiword(struct kunit *test)
{
	struct llf_test *t = llf_test_create(test, 1, TF, LLFREE_INIT_FREE);
	struct llf_test_snap snap;
	struct llfree_frame out;
	u64 i;

	for (i = 0; i < TF; i++)
		llf_test_alloc(test, t, 0, 0, 0);
	/* Child 0: words 0 and 2 free, word 1 all but bit 5: 191 free. */
	for (i = 0; i < 3 * 64; i++)
		if (i != 64 + 5)
			KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, i, 0, 0), 0);

	llf_test_snap_take(test, t, &snap);
	KUNIT_EXPECT_EQ(test, llfree_alloc(&t->self, 0, 7, 0, &out),
			-LLFREE_ENOMEM);
	LLF_EXPECT_UNCHANGED_EXCEPT(test, t, &snap, RESERVATIONS);
	KUNIT_EXPECT_EQ(test, llfree_alloc(&t->self, 0, 8, 0, &out),
			-LLFREE_ENOMEM);
	LLF_EXPECT_UNCHANGED_EXCEPT(test, t, &snap, RESERVATIONS);
	KUNIT_EXPECT_EQ(test, t->self.bits[0], 0ull);

	KUNIT_ASSERT_EQ(test, llfree_free(&t->self, 0, 64 + 5, 0, 0), 0);
	KUNIT_ASSERT_EQ(test, llfree_alloc(&t->self, 0, 7, 0, &out), 0);
	KUNIT_EXPECT_EQ(test, out.frame, 0ull);
	LLF_EXPECT_VALID(test, t);
}

static struct kunit_case llfree_badinput_cases[] = {
	KUNIT_CASE(badinput_double_free),
	KUNIT_CASE(badinput_free_never_allocated),
	KUNIT_CASE(badinput_free_misaligned),
	KUNIT_CASE(badinput_order_too_large),
	KUNIT_CASE(badinput_out_of_range),
	KUNIT_CASE(badinput_uninitialised),
	KUNIT_CASE(badinput_after_uninit),
	KUNIT_CASE(badinput_free_wrong_order),
	KUNIT_CASE(badinput_free_order10_half_huge),
	KUNIT_CASE(badinput_undo_order10),
	KUNIT_CASE(badinput_undo_multiword),
	{}
};

static struct kunit_suite llfree_badinput_suite = {
	.name = "llfree_badinput",
	.test_cases = llfree_badinput_cases,
};

kunit_test_suites(&llfree_badinput_suite);
