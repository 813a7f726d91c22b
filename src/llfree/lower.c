// SPDX-License-Identifier: GPL-2.0
/*
 * The lower allocator combines bit fields and child entries. Store order
 * matters for persistence: the bits are the truth for small frames and the
 * huge flag for huge ones, so bits are set after a counter is taken and
 * cleared before it is given back. A huge child keeps the clear bits it had
 * when it was taken: order 9 and 10 change child entries only, and only a
 * split (a free of part of a huge frame) fills the bits. Recovery can then
 * recompute every counter from what it finds.
 */
#include "lower.h"
#include "bitfield.h"
#include "child.h"

static u64 *field_of(struct llfree *self, u64 child)
{
	return &self->bits[child * LLF_FIELD_WORDS];
}

/**
 * llf_lower_child_frames() - frames of the managed range inside a child.
 * @self: the allocator.
 * @child: child index.
 *
 * Return: 512, or fewer for the last child of a range that is not a
 * multiple of 2 MiB.
 */
u32 llf_lower_child_frames(struct llfree *self, u64 child)
{
	u64 first = child * LLFREE_CHILD_FRAMES;

	if (first + LLFREE_CHILD_FRAMES <= self->frames)
		return LLFREE_CHILD_FRAMES;
	return self->frames - first;
}

/* Frames past the end of the range stay allocated for good. */
static void mark_tail(struct llfree *self, u64 child)
{
	u32 valid = llf_lower_child_frames(self, child);
	u64 *field = field_of(self, child);
	u32 i;

	for (i = valid; i < LLFREE_CHILD_FRAMES; i++)
		field[i / 64] |= 1ull << (i % 64);
}

static void init_child(struct llfree *self, u64 child,
		       enum llfree_init_mode mode)
{
	u64 *field = field_of(self, child);
	u16 entry = self->child[child];

	switch (mode) {
	case LLFREE_INIT_FREE:
		llf_field_fill(field, false, false);
		mark_tail(self, child);
		entry = llf_field_count_free(field);
		break;
	case LLFREE_INIT_ALLOCATED:
		/*
		 * Whole children start as huge frames so that memory can be
		 * donated in 2 or 4 MiB pieces as well as frame by frame.
		 */
		if (llf_lower_child_frames(self, child) == LLFREE_CHILD_FRAMES) {
			llf_field_fill(field, false, false);
			entry = LLF_CHILD_HUGE;
		} else {
			llf_field_fill(field, true, false);
			entry = 0;
		}
		break;
	case LLFREE_INIT_RECOVER:
		/*
		 * The huge flag wins over the bits; a split that had begun is
		 * completed (its free had not happened yet).
		 */
		if (llf_child_is_splitting(entry)) {
			llf_field_fill(field, true, false);
			entry = 0;
		} else if (llf_child_is_huge(entry)) {
			llf_field_fill(field, false, false);
			entry = LLF_CHILD_HUGE;
		} else {
			mark_tail(self, child);
			entry = llf_field_count_free(field);
		}
		break;
	}
	self->child[child] = entry;
	if (self->persistent) {
		llf_flush(field);
		llf_flush(&self->child[child]);
	}
}

/*
 * Make an operation that a crash interrupted whole, following the part it
 * changes first: the first word of a word group, the first child of a pair.
 */
static void finish_intent(struct llfree *self, u64 child)
{
	u32 intent = llf_child_intent(self->child[child]);
	u64 *field = field_of(self, child);
	u32 i;

	if (intent == LLF_INTENT_PAIR) {
		u64 next = child + 1;

		if (llf_child_is_huge(self->child[child]) &&
		    next < self->children &&
		    !llf_child_is_huge(self->child[next]) &&
		    llf_field_all(field_of(self, next), false))
			self->child[next] = LLF_CHILD_HUGE;
	} else if (intent) {
		u32 first = llf_intent_first_word(intent);
		u64 value = field[first];

		for (i = 1; i < llf_intent_word_count(intent); i++)
			field[first + i] = value;
	}
	self->child[child] &= ~LLF_CHILD_INTENT;
}

/**
 * llf_lower_init() - initialise or recover the lower level.
 * @self: the allocator, with frames, children and buffers set.
 * @mode: all free, all allocated, or recover from the existing contents.
 */
void llf_lower_init(struct llfree *self, enum llfree_init_mode mode)
{
	u64 c;

	if (mode == LLFREE_INIT_RECOVER)
		for (c = 0; c < self->children; c++)
			finish_intent(self, c);
	for (c = 0; c < self->children; c++)
		init_child(self, c, mode);
	if (self->persistent)
		llf_fence();
}

/*
 * Persistent orders 7 and 8: the child's mark names the word group before
 * its first word is written, so recovery can make the claim whole.
 */
static int alloc_words_marked(struct llfree *self, u64 child, u64 hint,
			      u32 order, u32 *pos)
{
	u64 *field = field_of(self, child);
	u16 *entry = &self->child[child];
	u32 tries;

	for (tries = 0; tries < LLF_FIELD_WORDS; tries++) {
		int first = llf_field_find_words(field, order, hint);
		bool claimed;

		if (first < 0 ||
		    !llf_child_mark(entry, llf_intent_words(first, order), false))
			return -LLFREE_ENOMEM;
		claimed = llf_field_claim_words(field, first, order, true);
		llf_child_unmark(entry);
		if (claimed) {
			*pos = first * 64;
			return 0;
		}
	}
	return -LLFREE_ENOMEM;
}

/**
 * llf_lower_alloc_child() - allocate 2^@order frames (order < 9) in one child.
 * @self: the allocator.
 * @child: the child.
 * @hint: frame near which to search inside the child.
 * @order: 0..8.
 * @out: the allocated frame.
 *
 * Return: 0 or -LLFREE_ENOMEM.
 */
int llf_lower_alloc_child(struct llfree *self, u64 child, u64 hint, u32 order,
			  struct llfree_frame *out)
{
	u32 frames = 1u << order;
	u32 pos;
	int ret;

	if (!llf_child_take(&self->child[child], frames))
		return -LLFREE_ENOMEM;
	hint &= LLFREE_CHILD_FRAMES - 1;
	if (self->persistent && order > 6)
		ret = alloc_words_marked(self, child, hint, order, &pos);
	else
		ret = llf_field_alloc(field_of(self, child), order, hint,
				      self->persistent, &pos);
	if (ret) {
		/* Enough frames, but not aligned together: give them back. */
		llf_child_put(&self->child[child], frames);
		return ret;
	}
	out->frame = child * LLFREE_CHILD_FRAMES + pos;
	out->zeroed = false;
	return 0;
}

static bool child_has_zeroed(struct llfree *self, u64 child, u32 count)
{
	u32 i;

	for (i = 0; i < count; i++)
		if (!llf_child_is_zeroed(llf_load(&self->child[child + i])))
			return false;
	return true;
}

static bool child_entirely_free(struct llfree *self, u64 child)
{
	return (llf_load(&self->child[child]) & ~LLF_CHILD_ZEROED) ==
	       LLFREE_CHILD_FRAMES;
}

/*
 * Order 9 is one child, order 10 two aligned children; if the second one is
 * gone, the first is released again with its zeroed flag intact. In
 * persistent mode the first child of a pair carries a mark from before the
 * first change until after the last, and recovery completes the pair.
 */
static int alloc_huge(struct llfree *self, u64 child, u32 count,
		      struct llfree_frame *out)
{
	bool marked = self->persistent && count > 1;
	bool zeroed[2];
	u32 i;

	if (child + count > self->children)
		return -LLFREE_ENOMEM;
	for (i = 0; i < count; i++)
		if (!child_entirely_free(self, child + i))
			return -LLFREE_ENOMEM;
	if (marked &&
	    !llf_child_mark(&self->child[child], LLF_INTENT_PAIR, false))
		return -LLFREE_ENOMEM;
	for (i = 0; i < count; i++) {
		if (!llf_child_take_huge(&self->child[child + i], &zeroed[i],
					 self->persistent))
			break;
	}
	if (i < count) {
		if (marked && !i)
			llf_child_unmark(&self->child[child]);
		/* Putting back the first child also drops its mark. */
		while (i--)
			llf_child_put_huge(&self->child[child + i], zeroed[i],
					   self->persistent);
		return -LLFREE_ENOMEM;
	}
	if (marked)
		llf_child_unmark(&self->child[child]);
	out->frame = child * LLFREE_CHILD_FRAMES;
	out->zeroed = zeroed[0] && (count < 2 || zeroed[1]);
	return 0;
}

/* Small orders: one child after another, from the hinted one. */
static int alloc_small_run(struct llfree *self, u64 first, u64 count,
			   u64 hint, u32 order, struct llfree_frame *out)
{
	u64 end = first + count;
	u64 child = hint >> LLFREE_CHILD_ORDER;
	u64 i;

	if (child < first || child >= end)
		child = first;
	for (i = 0; i < count; i++) {
		if (!llf_lower_alloc_child(self, child, hint, order, out))
			return 0;
		if (++child == end)
			child = first;
	}
	return -LLFREE_ENOMEM;
}

/*
 * Huge orders: aligned groups of 2^@shift children, from the hinted one;
 * with LLFREE_ALLOC_ZEROED a first pass takes only zeroed groups.
 */
static int alloc_huge_run(struct llfree *self, u64 first, u64 count,
			  u64 hint, u32 shift, u32 flags,
			  struct llfree_frame *out)
{
	u32 huge = 1u << shift;
	u64 lo = (first + huge - 1) & ~(u64)(huge - 1);
	u64 end = first + count;
	u64 start = (hint >> LLFREE_CHILD_ORDER) & ~(u64)(huge - 1);
	bool zeroed_pass = flags & LLFREE_ALLOC_ZEROED;
	u64 child, i, slots;

	if (end < lo + huge)
		return -LLFREE_ENOMEM;
	slots = (end - lo) >> shift;
	if (start < lo || start >= lo + (slots << shift))
		start = lo;
	for (;;) {
		child = start;
		for (i = 0; i < slots; i++) {
			if ((!zeroed_pass ||
			     child_has_zeroed(self, child, huge)) &&
			    !alloc_huge(self, child, huge, out))
				return 0;
			child += huge;
			if (child >= lo + (slots << shift))
				child = lo;
		}
		if (!zeroed_pass)
			return -LLFREE_ENOMEM;
		zeroed_pass = false;
	}
}

/**
 * llf_lower_alloc() - allocate 2^@order frames among a run of children.
 * @self: the allocator.
 * @first: first child of the run (a tree).
 * @count: number of children in the run.
 * @hint: frame to start searching at (next fit); outside the run means
 *	start at @first.
 * @order: 0..LLFREE_MAX_ORDER.
 * @flags: LLFREE_ALLOC_ZEROED prefers zeroed huge frames.
 * @out: the allocated frame.
 *
 * The search wraps around with compares, not divisions: this is the hot
 * path of every allocation.
 *
 * Return: 0 or -LLFREE_ENOMEM.
 */
int llf_lower_alloc(struct llfree *self, u64 first, u64 count, u64 hint,
		    u32 order, u32 flags, struct llfree_frame *out)
{
	if (order < LLFREE_CHILD_ORDER)
		return alloc_small_run(self, first, count, hint, order, out);
	return alloc_huge_run(self, first, count, hint,
			      order - LLFREE_CHILD_ORDER, flags, out);
}

/*
 * Check a huge free before changing anything: every child must be a huge
 * frame. None huge and all clear is a double free; any other mix means the
 * order does not match what was allocated.
 */
static int check_huge_free(struct llfree *self, u64 child, u32 count)
{
	u32 huge = 0, clear = 0;
	u32 i;

	for (i = 0; i < count; i++) {
		if (llf_child_is_huge(llf_load(&self->child[child + i])))
			huge++;
		else if (llf_field_all(field_of(self, child + i), false))
			clear++;
	}
	if (huge == count)
		return 0;
	return clear == count ? -LLFREE_ENOTALLOC : -LLFREE_EPARTIAL;
}

/*
 * Last child first: freeing the marked first child completes the pair. Only
 * child entries change, each with one CAS that fails if the child is no
 * longer a huge frame, so a free that loses a race against another free of
 * the same frame (and its reuse) is refused having changed nothing. If the
 * first child of a pair is lost after the second was freed, the second is
 * taken back when still possible; a double free racing with the frame's
 * reuse cannot always be told from a legitimate free.
 */
static int free_huge(struct llfree *self, u64 child, u32 count, bool zeroed)
{
	bool marked = self->persistent && count > 1;
	bool dummy;
	u32 i;
	int ret = check_huge_free(self, child, count);

	if (ret)
		return ret;
	if (marked)
		llf_child_mark(&self->child[child], LLF_INTENT_PAIR, true);
	for (i = count; i-- > 0;) {
		if (!llf_child_put_huge(&self->child[child + i], zeroed,
					self->persistent))
			continue;
		while (++i < count)
			llf_child_take_huge(&self->child[child + i], &dummy,
					    self->persistent);
		if (marked)
			llf_child_unmark(&self->child[child]);
		return -LLFREE_EPARTIAL;
	}
	return 0;
}

/*
 * Freeing part of a huge frame first turns it into 512 allocated small
 * frames: the winner of the split fills the bits; frees of other parts of
 * the same frame wait for it, which interrupts being off keeps short.
 */
static void split_huge(struct llfree *self, u64 child)
{
	u16 *entry = &self->child[child];
	unsigned long flags;
	u16 old;

	for (;;) {
		old = llf_load(entry);
		if (!llf_child_is_huge(old))
			return;
		if (llf_child_is_splitting(old)) {
			llf_relax();
			continue;
		}
		llf_irq_save(flags);
		if (llf_child_split_begin(entry, self->persistent)) {
			llf_field_fill(field_of(self, child), true,
				       self->persistent);
			llf_child_split_end(entry, self->persistent);
			llf_irq_restore(flags);
			return;
		}
		llf_irq_restore(flags);
	}
}

/* Persistent orders 7 and 8 free under the child's mark, like allocation. */
static int free_small(struct llfree *self, u64 child, u32 pos, u32 order)
{
	u64 *field = field_of(self, child);
	int ret;

	/* A free that will be refused must not leave a mark to recover. */
	if (!self->persistent || order <= 6 ||
	    !llf_field_is_allocated(field, pos, order))
		return llf_field_free(field, pos, order, self->persistent);
	llf_child_mark(&self->child[child], llf_intent_words(pos / 64, order),
		       true);
	ret = llf_field_free(field, pos, order, true);
	llf_child_unmark(&self->child[child]);
	return ret;
}

/**
 * llf_lower_free() - free 2^@order frames at @frame.
 * @self: the allocator.
 * @frame: first frame, in range and aligned (checked by the caller).
 * @order: 0..LLFREE_MAX_ORDER.
 * @flags: LLFREE_FREE_ZEROED marks huge frames as zeroed.
 *
 * Freeing part of a huge frame splits it first, as the kernel's split_page()
 * expects: the rest stays allocated as small frames.
 *
 * Return: 0, -LLFREE_ENOTALLOC or -LLFREE_EPARTIAL (nothing changed).
 */
int llf_lower_free(struct llfree *self, u64 frame, u32 order, u32 flags)
{
	u64 child = frame / LLFREE_CHILD_FRAMES;
	int ret;

	if (order >= LLFREE_CHILD_ORDER)
		return free_huge(self, child, 1u << (order - LLFREE_CHILD_ORDER),
				 flags & LLFREE_FREE_ZEROED);

	if (llf_child_is_huge(llf_load(&self->child[child])))
		split_huge(self, child);
	ret = free_small(self, child, frame & (LLFREE_CHILD_FRAMES - 1), order);
	if (!ret)
		llf_child_put(&self->child[child], 1u << order);
	return ret;
}

/**
 * llf_lower_is_free() - whether all 2^@order frames at @frame are free.
 * @self: the allocator.
 * @frame: first frame, in range and aligned.
 * @order: 0..LLFREE_MAX_ORDER.
 *
 * Return: true if free.
 */
bool llf_lower_is_free(struct llfree *self, u64 frame, u32 order)
{
	u64 child = frame / LLFREE_CHILD_FRAMES;
	u32 count = order >= LLFREE_CHILD_ORDER ?
		    1u << (order - LLFREE_CHILD_ORDER) : 1;
	u32 i;

	for (i = 0; i < count; i++)
		if (llf_child_is_huge(llf_load(&self->child[child + i])))
			return false;
	if (order < LLFREE_CHILD_ORDER)
		return llf_field_is_free(field_of(self, child),
					 frame % LLFREE_CHILD_FRAMES, order);
	for (i = 0; i < count; i++)
		if (!llf_field_all(field_of(self, child + i), false))
			return false;
	return true;
}

/**
 * llf_lower_free_in() - sum of the child counters of a run of children.
 * @self: the allocator.
 * @first: first child.
 * @count: number of children.
 *
 * Return: free frames according to the counters.
 */
u32 llf_lower_free_in(struct llfree *self, u64 first, u64 count)
{
	u32 free = 0;
	u64 c;

	for (c = first; c < first + count; c++)
		free += llf_child_free(llf_load(&self->child[c]));
	return free;
}
