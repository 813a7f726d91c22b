/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the LLFree KUnit suites. The suites build in the kernel
 * and, through tools/llfree/kunit_shim.h, in user space; everything here
 * uses only what both provide.
 */
#ifndef LLFREE_TEST_UTIL_H
#define LLFREE_TEST_UTIL_H

#include <kunit/test.h>
#include <linux/slab.h>

#include <llfree/llfree.h>
#include "platform.h"
#include "bitfield.h"
#include "child.h"
#include "local.h"
#include "lower.h"
#include "tree.h"

/* An allocator with the metadata buffers it was initialised with. */
struct llf_test {
	struct llfree self;
	struct llfree_meta meta;
	struct llfree_meta_size size;
};

/* What a refused call must leave untouched. */
struct llf_test_snap {
	struct llfree_stats stats;
	u64 free_frames;
	u64 free_huge;
	void *lower;
	void *trees;
	u64 *slots;
};

/* Mismatch bits returned by llf_test_snap_diff(). */
#define LLF_SNAP_STATS 0x01
#define LLF_SNAP_FREE_FRAMES 0x02
#define LLF_SNAP_FREE_HUGE 0x04
#define LLF_SNAP_LOWER 0x08
#define LLF_SNAP_TREES 0x10
#define LLF_SNAP_SLOTS 0x20
#define LLF_SNAP_INVALID 0x40

static inline void llf_test_kvfree(void *p)
{
	kvfree(p);
}

/*
 * A zeroed, test-managed buffer aligned to LLFREE_META_ALIGN. kvzalloc()
 * only guarantees that for some sizes, so over-allocate when it is not.
 */
static inline void *llf_test_buffer(struct kunit *test, size_t size)
{
	const uintptr_t mask = LLFREE_META_ALIGN - 1;
	void *raw = kvzalloc(size, GFP_KERNEL);

	if (raw && ((uintptr_t)raw & mask)) {
		kvfree(raw);
		raw = kvzalloc(size + mask, GFP_KERNEL);
	}
	KUNIT_ASSERT_NOT_NULL(test, raw);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, llf_test_kvfree,
							raw), 0);
	return (void *)(((uintptr_t)raw + mask) & ~mask);
}

/* Allocate the metadata for an allocator without initialising it. */
static inline struct llf_test *llf_test_prepare(struct kunit *test, u32 cores,
						u64 frames)
{
	struct llf_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, llfree_metadata_size(cores, frames, &t->size), 0);
	t->meta.local = llf_test_buffer(test, t->size.local);
	t->meta.trees = llf_test_buffer(test, t->size.trees);
	t->meta.lower = llf_test_buffer(test, t->size.lower);
	return t;
}

/* An initialised allocator; freed when the test case ends. */
static inline struct llf_test *llf_test_create(struct kunit *test, u32 cores,
					       u64 frames,
					       enum llfree_init_mode mode)
{
	struct llf_test *t = llf_test_prepare(test, cores, frames);

	KUNIT_ASSERT_EQ(test, llfree_init(&t->self, cores, frames, mode, false,
					  &t->meta), 0);
	return t;
}

/* Only the lower level (bit fields and children) over @frames frames. */
static inline struct llfree *llf_test_lower(struct kunit *test, u64 frames,
					    enum llfree_init_mode mode)
{
	struct llfree *self = kunit_kzalloc(test, sizeof(*self), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, self);
	self->frames = frames;
	self->children = (frames + LLFREE_CHILD_FRAMES - 1) /
			 LLFREE_CHILD_FRAMES;
	self->bits = llf_test_buffer(test, self->children * LLF_FIELD_WORDS *
					   sizeof(u64));
	self->child = llf_test_buffer(test, self->children * sizeof(u16));
	llf_lower_init(self, mode);
	return self;
}

static inline u64 *llf_test_field(struct llfree *self, u64 child)
{
	return &self->bits[child * LLF_FIELD_WORDS];
}

static inline struct llf_local *llf_test_local(struct llf_test *t, u32 core)
{
	return &((struct llf_local *)t->self.local)[core];
}

static inline u64 llf_test_tree_of(u64 frame)
{
	return frame / LLF_TREE_FRAMES;
}

/* Allocate and fail the case if that does not work. */
static inline u64 llf_test_alloc(struct kunit *test, struct llf_test *t,
				 u32 core, u32 order, u32 flags)
{
	struct llfree_frame out = { 0 };

	KUNIT_ASSERT_EQ(test, llfree_alloc(&t->self, core, order, flags, &out),
			0);
	return out.frame;
}

static inline void llf_test_snap_take(struct kunit *test, struct llf_test *t,
				      struct llf_test_snap *s)
{
	size_t slots = t->self.cores * LLFREE_CLASSES * sizeof(u64);
	u32 core;

	KUNIT_ASSERT_EQ(test, llfree_stats(&t->self, &s->stats), 0);
	s->free_frames = llfree_free_frames(&t->self);
	s->free_huge = llfree_free_huge(&t->self);
	s->lower = llf_test_buffer(test, t->size.lower);
	memcpy(s->lower, t->meta.lower, t->size.lower);
	s->trees = llf_test_buffer(test, t->size.trees);
	memcpy(s->trees, t->meta.trees, t->size.trees);
	s->slots = llf_test_buffer(test, slots);
	for (core = 0; core < t->self.cores; core++)
		memcpy(&s->slots[core * LLFREE_CLASSES],
		       llf_test_local(t, core)->slot,
		       LLFREE_CLASSES * sizeof(u64));
}

/*
 * Which parts differ from the snapshot (LLF_SNAP_* bits), 0 if none; the
 * allocator must also still validate. Hints are not compared: they only
 * steer the search.
 */
static inline u32 llf_test_snap_diff(struct llf_test *t,
				     const struct llf_test_snap *s)
{
	struct llfree_stats stats;
	u32 diff = 0;
	u32 core;

	if (llfree_stats(&t->self, &stats) ||
	    memcmp(&stats, &s->stats, sizeof(stats)))
		diff |= LLF_SNAP_STATS;
	if (llfree_free_frames(&t->self) != s->free_frames)
		diff |= LLF_SNAP_FREE_FRAMES;
	if (llfree_free_huge(&t->self) != s->free_huge)
		diff |= LLF_SNAP_FREE_HUGE;
	if (memcmp(t->meta.lower, s->lower, t->size.lower))
		diff |= LLF_SNAP_LOWER;
	if (memcmp(t->meta.trees, s->trees, t->size.trees))
		diff |= LLF_SNAP_TREES;
	for (core = 0; core < t->self.cores; core++)
		if (memcmp(&s->slots[core * LLFREE_CLASSES],
			   llf_test_local(t, core)->slot,
			   LLFREE_CLASSES * sizeof(u64)))
			diff |= LLF_SNAP_SLOTS;
	if (llfree_validate(&t->self, NULL, NULL))
		diff |= LLF_SNAP_INVALID;
	return diff;
}

/* Expect no difference from the snapshot outside the LLF_SNAP_* @ignore. */
#define LLF_EXPECT_UNCHANGED_EXCEPT(test, t, s, ignore)			\
	KUNIT_EXPECT_EQ_MSG(test, llf_test_snap_diff(t, s) & ~(u32)(ignore), \
			    0u, "state changed (LLF_SNAP_* bits)")
#define LLF_EXPECT_UNCHANGED(test, t, s) \
	LLF_EXPECT_UNCHANGED_EXCEPT(test, t, s, 0)

/*
 * Call @fn on every flush of persistent metadata, to slip a store in
 * between two steps of one operation (a deterministic "race"). Only the
 * user-space build has the flush hook; in the kernel the case is skipped.
 */
#ifdef KUNIT_SHIM
static inline void llf_test_unhook(void *unused)
{
	(void)unused;
	llfree_flush_hook = NULL;
}

static inline void llf_test_flush_hook(struct kunit *test,
				       void (*fn)(const void *addr))
{
	llfree_flush_hook = fn;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, llf_test_unhook,
							NULL), 0);
}
#else
static inline void llf_test_flush_hook(struct kunit *test,
				       void (*fn)(const void *addr))
{
	kunit_skip(test, "needs the user-space flush hook");
}
#endif

/* Collects the lines of llfree_dump() and llfree_validate(). */
struct llf_test_lines {
	u32 count;
	char first[128];
};

static inline void llf_test_print(void *arg, const char *line)
{
	struct llf_test_lines *l = arg;

	if (!l->count++)
		snprintf(l->first, sizeof(l->first), "%s", line);
}

/* Validate and report the first complaint in the test log. */
#define LLF_EXPECT_VALID(test, t)					\
	do {								\
		struct llf_test_lines llf_lines = { 0 };		\
		KUNIT_EXPECT_EQ_MSG(test,				\
				    llfree_validate(&(t)->self,		\
						    llf_test_print,	\
						    &llf_lines), 0,	\
				    "%s", llf_lines.first);		\
	} while (0)

#endif /* LLFREE_TEST_UTIL_H */
