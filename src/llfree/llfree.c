// SPDX-License-Identifier: GPL-2.0
/*
 * LLFree public API: argument checks, the per-core reservation protocol and
 * the tree search. Allocation tries, in order: the core's reserved tree,
 * frees other cores made into it, nearby trees, all trees (own class first,
 * then entirely free trees, then any class), and finally other cores'
 * reservations and their trees' remote frees. Only then is it out of memory.
 */
#include "platform.h"
#include "bitfield.h"
#include "child.h"
#include "local.h"
#include "lower.h"
#include "tree.h"

#define LLFREE_MAGIC 0x4c4c4652u
#define MAX_CORES 65536u
#define MAX_FRAMES (1ull << 40)
/* Tree entries sharing a cache line are "nearby". */
#define NEAR_TREES (LLF_CACHELINE / sizeof(u32))
/* How far to look for partly used trees before taking a free one. */
#define WIDE_TREES (8 * NEAR_TREES)
/* A partially used tree is only worth reserving with this much free. */
#define PARTIAL_MIN (LLF_TREE_FRAMES / 16)
#define REPORT_LINES 16

static bool initialised(const struct llfree *self)
{
	return self && llf_load(&self->magic) == LLFREE_MAGIC;
}

static struct llf_local *local_of(struct llfree *self, u32 core)
{
	return &((struct llf_local *)self->local)[core];
}

static u32 tree_capacity(struct llfree *self, u64 tree)
{
	u64 first = tree * LLF_TREE_FRAMES;

	return min_t(u64, LLF_TREE_FRAMES, self->frames - first);
}

static u64 tree_children(struct llfree *self, u64 tree)
{
	u64 first = tree * LLF_TREE_CHILDREN;

	return min_t(u64, LLF_TREE_CHILDREN, self->children - first);
}

static u64 align_up(u64 value, u64 align)
{
	return (value + align - 1) / align * align;
}

/**
 * llfree_metadata_size() - metadata needed to manage @frames frames.
 * @cores: number of per-core reservation slots.
 * @frames: number of 4 KiB frames.
 * @size: receives the size of each buffer.
 *
 * Return: 0 or -LLFREE_EINVAL.
 */
int llfree_metadata_size(u32 cores, u64 frames, struct llfree_meta_size *size)
{
	u64 children = align_up(frames, LLFREE_CHILD_FRAMES) /
		       LLFREE_CHILD_FRAMES;
	u64 trees = align_up(children, LLF_TREE_CHILDREN) / LLF_TREE_CHILDREN;

	if (!size || !cores || cores > MAX_CORES || !frames ||
	    frames > MAX_FRAMES)
		return -LLFREE_EINVAL;
	size->local = cores * sizeof(struct llf_local);
	size->trees = align_up(trees * sizeof(u32), LLFREE_META_ALIGN);
	size->lower = children * LLF_FIELD_WORDS * sizeof(u64) +
		      align_up(children * sizeof(u16), LLFREE_META_ALIGN);
	return 0;
}

static bool aligned_buffer(const void *p)
{
	return p && !((uintptr_t)p % LLFREE_META_ALIGN);
}

/**
 * llfree_init() - initialise an allocator over caller-provided metadata.
 * @self: the handle.
 * @cores: number of per-core slots; alloc and free take a core below it.
 * @frames: number of frames managed (frame numbers 0..@frames-1).
 * @mode: start free, allocated, or recover the lower buffer's contents.
 * @persistent: flush lower-level stores (the lower buffer is persistent).
 * @meta: buffers sized by llfree_metadata_size(), LLFREE_META_ALIGN aligned.
 *
 * Return: 0 or -LLFREE_EINVAL.
 */
int llfree_init(struct llfree *self, u32 cores, u64 frames,
		enum llfree_init_mode mode, bool persistent,
		const struct llfree_meta *meta)
{
	struct llfree_meta_size size;
	u64 t;

	if (!self || !meta || llfree_metadata_size(cores, frames, &size) ||
	    mode > LLFREE_INIT_RECOVER || !aligned_buffer(meta->local) ||
	    !aligned_buffer(meta->trees) || !aligned_buffer(meta->lower))
		return -LLFREE_EINVAL;

	llf_store(&self->magic, 0u);
	self->cores = cores;
	self->frames = frames;
	self->persistent = persistent;
	self->children = align_up(frames, LLFREE_CHILD_FRAMES) /
			 LLFREE_CHILD_FRAMES;
	self->trees_len = align_up(self->children, LLF_TREE_CHILDREN) /
			  LLF_TREE_CHILDREN;
	self->local = meta->local;
	self->trees = meta->trees;
	self->bits = meta->lower;
	self->child = (u16 *)(self->bits + self->children * LLF_FIELD_WORDS);

	memset(self->local, 0, size.local);
	llf_lower_init(self, mode);
	for (t = 0; t < self->trees_len; t++) {
		u32 free = llf_lower_free_in(self, t * LLF_TREE_CHILDREN,
					     tree_children(self, t));

		self->trees[t] = llf_tree_make(free, false, LLFREE_IMMOVABLE);
	}
	llf_store(&self->magic, LLFREE_MAGIC);
	return 0;
}

/**
 * llfree_uninit() - mark the allocator unusable; later calls fail with
 * -LLFREE_EUNINIT. The caller frees the metadata buffers.
 * @self: the handle.
 */
void llfree_uninit(struct llfree *self)
{
	if (self)
		llf_store(&self->magic, 0u);
}

/* End the reservation held in a slot value taken out of a slot. */
static void end_reservation(struct llfree *self, u64 slot)
{
	if (llf_slot_present(slot))
		llf_tree_unreserve(&self->trees[llf_slot_tree(slot)],
				   llf_slot_free(slot));
}

/* Give frames back to the core's slot, or to the tree if it moved on. */
static void give_back(struct llfree *self, u64 *slot, u64 tree, u32 frames)
{
	if (!llf_local_put(slot, tree, frames))
		llf_tree_put(&self->trees[tree], frames);
}

static int alloc_in_tree(struct llfree *self, u64 tree, u64 *hint, u32 order,
			 u32 flags, struct llfree_frame *out)
{
	int ret = llf_lower_alloc(self, tree * LLF_TREE_CHILDREN,
				  tree_children(self, tree), llf_load(hint),
				  order, flags, out);

	if (!ret)
		llf_store(hint, out->frame);
	return ret;
}

/* Allocate from the reservation the core already holds. */
static int alloc_reserved(struct llfree *self, u64 *slot, u64 *hint,
			  u32 order, u32 flags, struct llfree_frame *out)
{
	u32 frames = 1u << order;
	u64 tree;

	if (!llf_local_take(slot, frames, &tree)) {
		u64 cur = llf_load(slot);
		u32 pulled;

		if (!llf_slot_present(cur))
			return -LLFREE_ENOMEM;
		/* Short: pull back what other cores freed into our tree. */
		tree = llf_slot_tree(cur);
		pulled = llf_tree_pull(&self->trees[tree]);
		if (!pulled)
			return -LLFREE_ENOMEM;
		give_back(self, slot, tree, pulled);
		if (!llf_local_take(slot, frames, &tree))
			return -LLFREE_ENOMEM;
	}
	/* Fast path: the child of the last allocation still has room. */
	if (order < LLFREE_CHILD_ORDER) {
		u64 last = llf_load(hint);

		if (last / LLF_TREE_FRAMES == tree &&
		    !llf_lower_alloc_child(self, last / LLFREE_CHILD_FRAMES,
					   last, order, out)) {
			llf_store(hint, out->frame);
			return 0;
		}
	}
	if (!alloc_in_tree(self, tree, hint, order, flags, out))
		return 0;
	/* Counted but too fragmented for this order: look elsewhere. */
	give_back(self, slot, tree, frames);
	return -LLFREE_ENOMEM;
}

enum search_pass {
	PASS_PARTIAL,	/* partly used trees of the same class */
	PASS_FREE,	/* entirely free trees */
	PASS_ANY,	/* anything with enough free frames */
};

static bool tree_fits(struct llfree *self, u64 tree, u32 cls, u32 frames,
		      enum search_pass pass, u32 *min, u32 *max)
{
	u32 entry = llf_load(&self->trees[tree]);
	u32 cap = tree_capacity(self, tree);
	u32 free = llf_tree_free(entry);

	if (llf_tree_is_reserved(entry) || free < frames)
		return false;
	*min = frames;
	*max = cap;
	switch (pass) {
	case PASS_PARTIAL:
		*min = max_t(u32, frames, min_t(u32, PARTIAL_MIN, cap));
		*max = cap - 1;
		return llf_tree_class(entry) == cls && free >= *min &&
		       free <= *max;
	case PASS_FREE:
		*min = cap;
		return free == cap;
	case PASS_ANY:
		return true;
	}
	return false;
}

/*
 * Reserve @tree for the core and allocate in it; on success the reservation
 * replaces the core's previous one, which is ended.
 */
static int try_tree(struct llfree *self, u64 *slot, u64 *hint, u64 tree,
		    u32 cls, u32 min, u32 max, u32 order, u32 flags,
		    struct llfree_frame *out)
{
	u32 frames = 1u << order;
	u32 taken;

	if (!llf_tree_reserve(&self->trees[tree], min, max, cls, &taken))
		return -LLFREE_ENOMEM;
	if (alloc_in_tree(self, tree, hint, order, flags, out)) {
		llf_tree_unreserve(&self->trees[tree], taken);
		return -LLFREE_ENOMEM;
	}
	end_reservation(self, llf_local_swap(slot,
					    llf_slot_make(tree,
							  taken - frames)));
	return 0;
}

static int search_range(struct llfree *self, u64 *slot, u64 *hint,
			u64 start, u64 count, enum search_pass pass, u32 cls,
			u32 order, u32 flags, struct llfree_frame *out)
{
	u64 i;

	u64 tree = start % self->trees_len;

	for (i = 0; i < count; i++, tree = tree + 1 == self->trees_len ?
					    0 : tree + 1) {
		u32 min, max;

		if (!tree_fits(self, tree, cls, 1u << order, pass, &min, &max))
			continue;
		if (!try_tree(self, slot, hint, tree, cls, min, max, order,
			      flags, out))
			return 0;
	}
	return -LLFREE_ENOMEM;
}

static int reserve_new(struct llfree *self, u32 core, u32 cls, u32 order,
		       u32 flags, struct llfree_frame *out)
{
	struct llf_local *local = local_of(self, core);
	u64 *slot = &local->slot[cls];
	u64 *hint = &local->hint[cls];
	u64 cur = llf_load(slot);
	u64 start, near;

	/* Near the last reservation, or a per-core spot to spread cores. */
	if (llf_slot_present(cur))
		start = llf_slot_tree(cur);
	else
		start = (u64)core * self->trees_len / self->cores;
	near = start - start % NEAR_TREES;

	/*
	 * Partly used trees of the class first, to keep free trees whole; but
	 * only nearby, as scanning every tree for them would make each
	 * reservation cost O(trees) when memory is mostly free.
	 */
	if (!search_range(self, slot, hint, near, NEAR_TREES, PASS_PARTIAL,
			  cls, order, flags, out) ||
	    !search_range(self, slot, hint, near, NEAR_TREES, PASS_FREE, cls,
			  order, flags, out) ||
	    !search_range(self, slot, hint, start, WIDE_TREES, PASS_PARTIAL,
			  cls, order, flags, out) ||
	    !search_range(self, slot, hint, start, self->trees_len, PASS_FREE,
			  cls, order, flags, out) ||
	    !search_range(self, slot, hint, start, self->trees_len,
			  PASS_PARTIAL, cls, order, flags, out) ||
	    !search_range(self, slot, hint, start, self->trees_len, PASS_ANY,
			  cls, order, flags, out))
		return 0;
	return -LLFREE_ENOMEM;
}

/*
 * Take over another core's reservation if it, together with the frees other
 * cores made into its tree, holds enough frames.
 */
static int steal_reservation(struct llfree *self, u32 core, u32 cls,
			     u32 order, u32 flags, struct llfree_frame *out)
{
	struct llf_local *own = local_of(self, core);
	u32 frames = 1u << order;
	u32 i, c;

	for (i = 1; i <= self->cores; i++) {
		struct llf_local *victim = local_of(self, (core + i) %
						    self->cores);

		for (c = 0; c < LLFREE_CLASSES; c++) {
			u64 cur = llf_load(&victim->slot[c]);
			u64 stolen, tree;
			u32 remote, taken;

			if (!llf_slot_present(cur))
				continue;
			tree = llf_slot_tree(cur);
			remote = llf_tree_free(llf_load(&self->trees[tree]));
			if (!llf_local_steal(&victim->slot[c],
					     frames > remote ? frames - remote : 1,
					     &stolen))
				continue;
			tree = llf_slot_tree(stolen);
			taken = llf_slot_free(stolen) +
				llf_tree_pull(&self->trees[tree]);
			if (taken < frames ||
			    alloc_in_tree(self, tree, &own->hint[cls], order,
					  flags, out)) {
				llf_tree_unreserve(&self->trees[tree], taken);
				continue;
			}
			end_reservation(self, llf_local_swap(&own->slot[cls],
					llf_slot_make(tree, taken - frames)));
			return 0;
		}
	}
	return -LLFREE_ENOMEM;
}

/*
 * Frees into trees reserved by other cores wait in the tree counters until
 * the owner pulls them; take them directly rather than fail.
 */
static int drain_remote_frees(struct llfree *self, u32 core, u32 cls,
			      u32 order, u32 flags, struct llfree_frame *out)
{
	u64 *hint = &local_of(self, core)->hint[cls];
	u32 frames = 1u << order;
	u64 t;

	for (t = 0; t < self->trees_len; t++) {
		u32 entry = llf_load(&self->trees[t]);
		u32 pulled;

		if (!llf_tree_is_reserved(entry) ||
		    llf_tree_free(entry) < frames)
			continue;
		pulled = llf_tree_pull(&self->trees[t]);
		if (pulled >= frames &&
		    !alloc_in_tree(self, t, hint, order, flags, out)) {
			pulled -= frames;
			if (pulled)
				llf_tree_put(&self->trees[t], pulled);
			return 0;
		}
		if (pulled)
			llf_tree_put(&self->trees[t], pulled);
	}
	return -LLFREE_ENOMEM;
}

/**
 * __llfree_alloc() - llfree_alloc() for callers that checked the arguments.
 * @self: an initialised allocator.
 * @core: the calling core, below the core count.
 * @order: 0..LLFREE_MAX_ORDER.
 * @flags: a valid class and hints.
 * @out: the allocated frame and whether it is known zero.
 *
 * The kernel backend calls this on every page allocation: it validated its
 * arguments once, where they come from.
 *
 * Return: 0 or -LLFREE_ENOMEM.
 */
int __llfree_alloc(struct llfree *self, u32 core, u32 order, u32 flags,
		   struct llfree_frame *out)
{
	u32 cls = flags & LLFREE_CLASS_MASK;
	struct llf_local *local = local_of(self, core);

	if (!alloc_reserved(self, &local->slot[cls], &local->hint[cls], order,
			    flags, out) ||
	    !reserve_new(self, core, cls, order, flags, out) ||
	    !steal_reservation(self, core, cls, order, flags, out) ||
	    !drain_remote_frees(self, core, cls, order, flags, out))
		return 0;
	return -LLFREE_ENOMEM;
}

/**
 * llfree_alloc() - allocate 2^@order contiguous, aligned frames.
 * @self: the allocator.
 * @core: the calling core (selects the reservation), below the core count.
 * @order: 0..LLFREE_MAX_ORDER.
 * @flags: class (LLFREE_IMMOVABLE, LLFREE_MOVABLE, LLFREE_HUGE) and hints.
 * @out: the allocated frame and whether it is known zero.
 *
 * Return: 0, -LLFREE_ENOMEM, -LLFREE_EORDER, -LLFREE_EINVAL or
 * -LLFREE_EUNINIT.
 */
int llfree_alloc(struct llfree *self, u32 core, u32 order, u32 flags,
		 struct llfree_frame *out)
{
	u32 cls = flags & LLFREE_CLASS_MASK;

	if (!initialised(self))
		return -LLFREE_EUNINIT;
	if (order > LLFREE_MAX_ORDER)
		return -LLFREE_EORDER;
	if (!out || core >= self->cores || cls >= LLFREE_CLASSES ||
	    (flags & ~(LLFREE_CLASS_MASK | LLFREE_ALLOC_ZEROED)))
		return -LLFREE_EINVAL;
	return __llfree_alloc(self, core, order, flags, out);
}

static int check_frame(struct llfree *self, u64 frame, u32 order)
{
	if (!initialised(self))
		return -LLFREE_EUNINIT;
	if (order > LLFREE_MAX_ORDER)
		return -LLFREE_EORDER;
	if (frame >= self->frames || (1ull << order) > self->frames - frame)
		return -LLFREE_ERANGE;
	if (frame & ((1ull << order) - 1))
		return -LLFREE_EALIGN;
	return 0;
}

/**
 * __llfree_free() - llfree_free() for callers that checked the arguments.
 * @self: an initialised allocator.
 * @core: the calling core, below the core count.
 * @frame: first frame, in range and aligned to @order.
 * @order: 0..LLFREE_MAX_ORDER.
 * @flags: 0 or LLFREE_FREE_ZEROED.
 *
 * The allocation state is still checked: a double or partial free is
 * refused and changes nothing.
 *
 * Return: 0, -LLFREE_ENOTALLOC or -LLFREE_EPARTIAL.
 */
int __llfree_free(struct llfree *self, u32 core, u64 frame, u32 order,
		  u32 flags)
{
	struct llf_local *local;
	u64 tree;
	u32 c;
	int ret = llf_lower_free(self, frame, order, flags);

	if (ret)
		return ret;

	local = local_of(self, core);
	tree = frame / LLF_TREE_FRAMES;
	for (c = 0; c < LLFREE_CLASSES; c++)
		if (llf_local_put(&local->slot[c], tree, 1u << order))
			return 0;
	llf_tree_put(&self->trees[tree], 1u << order);
	return 0;
}

/**
 * llfree_free() - free 2^@order frames at @frame.
 * @self: the allocator.
 * @core: the calling core, below the core count.
 * @frame: first frame, as returned by llfree_alloc() (or a part of it).
 * @order: 0..LLFREE_MAX_ORDER.
 * @flags: LLFREE_FREE_ZEROED if the contents are zero (huge frames).
 *
 * Every refusal leaves the allocator exactly as it was.
 *
 * Return: 0, -LLFREE_EUNINIT, -LLFREE_EORDER, -LLFREE_ERANGE,
 * -LLFREE_EALIGN, -LLFREE_EINVAL, -LLFREE_ENOTALLOC or -LLFREE_EPARTIAL.
 */
int llfree_free(struct llfree *self, u32 core, u64 frame, u32 order,
		u32 flags)
{
	int ret = check_frame(self, frame, order);

	if (ret)
		return ret;
	if (core >= self->cores || (flags & ~LLFREE_FREE_ZEROED))
		return -LLFREE_EINVAL;
	return __llfree_free(self, core, frame, order, flags);
}

/**
 * llfree_drain() - end all reservations of a core (e.g. CPU going offline).
 * @self: the allocator.
 * @core: the core.
 *
 * Return: 0, -LLFREE_EUNINIT or -LLFREE_EINVAL.
 */
int llfree_drain(struct llfree *self, u32 core)
{
	struct llf_local *local;
	u32 c;

	if (!initialised(self))
		return -LLFREE_EUNINIT;
	if (core >= self->cores)
		return -LLFREE_EINVAL;
	local = local_of(self, core);
	for (c = 0; c < LLFREE_CLASSES; c++)
		end_reservation(self, llf_local_swap(&local->slot[c], 0));
	return 0;
}

/**
 * llfree_is_free() - whether 2^@order frames at @frame are all free.
 * @self: the allocator.
 * @frame: first frame.
 * @order: 0..LLFREE_MAX_ORDER.
 *
 * Return: 1 if free, 0 if not, or a negative error for bad arguments.
 */
int llfree_is_free(struct llfree *self, u64 frame, u32 order)
{
	int ret = check_frame(self, frame, order);

	if (ret)
		return ret;
	return llf_lower_is_free(self, frame, order);
}

/**
 * llfree_frames() - number of frames managed.
 * @self: the allocator.
 *
 * Return: the frame count, 0 if uninitialised.
 */
u64 llfree_frames(const struct llfree *self)
{
	return initialised(self) ? self->frames : 0;
}

/**
 * llfree_free_frames() - free frames from the counters (fast).
 * @self: the allocator.
 *
 * Sums tree counters and reservations: cheap, exact when no call runs.
 *
 * Return: free frames, 0 if uninitialised.
 */
u64 llfree_free_frames(struct llfree *self)
{
	u64 free = 0;
	u64 t;
	u32 core, c;

	if (!initialised(self))
		return 0;
	for (t = 0; t < self->trees_len; t++)
		free += llf_tree_free(llf_load(&self->trees[t]));
	for (core = 0; core < self->cores; core++)
		for (c = 0; c < LLFREE_CLASSES; c++)
			free += llf_slot_free(llf_load(&local_of(self,
							core)->slot[c]));
	return free;
}

/**
 * llfree_free_huge() - number of entirely free 2 MiB children (fast).
 * @self: the allocator.
 *
 * Return: free huge frames, 0 if uninitialised.
 */
u64 llfree_free_huge(struct llfree *self)
{
	u64 free = 0;
	u64 c;

	if (!initialised(self))
		return 0;
	for (c = 0; c < self->children; c++)
		if (llf_load(&self->child[c]) == LLFREE_CHILD_FRAMES ||
		    llf_load(&self->child[c]) ==
			    (LLFREE_CHILD_FRAMES | LLF_CHILD_ZEROED))
			free++;
	return free;
}

/**
 * llfree_stats() - exact counts from the bit fields and huge flags.
 * @self: the allocator.
 * @stats: filled in.
 *
 * Return: 0 or -LLFREE_EUNINIT / -LLFREE_EINVAL.
 */
int llfree_stats(struct llfree *self, struct llfree_stats *stats)
{
	u64 c;

	if (!initialised(self))
		return -LLFREE_EUNINIT;
	if (!stats)
		return -LLFREE_EINVAL;
	memset(stats, 0, sizeof(*stats));
	stats->frames = self->frames;
	for (c = 0; c < self->children; c++) {
		u16 entry = llf_load(&self->child[c]);
		u32 free;

		if (llf_child_is_huge(entry)) {
			stats->huge_allocated++;
			continue;
		}
		free = llf_field_count_free(&self->bits[c * LLF_FIELD_WORDS]);
		stats->free_frames += free;
		if (free == LLFREE_CHILD_FRAMES) {
			stats->free_huge++;
			if (llf_child_is_zeroed(entry))
				stats->zeroed_huge++;
		}
	}
	return 0;
}

struct report {
	llfree_print_fn print;
	void *arg;
	u32 lines;
};

static void report(struct report *r, const char *line)
{
	if (r->print && r->lines < REPORT_LINES)
		r->print(r->arg, line);
	r->lines++;
}

static void validate_child(struct llfree *self, u64 c, struct report *r)
{
	u16 entry = llf_load(&self->child[c]);
	u64 *field = &self->bits[c * LLF_FIELD_WORDS];
	u32 bits_free = llf_field_count_free(field);
	char line[128];

	if (llf_child_is_huge(entry)) {
		/* A huge frame lives in its entry; its bits stay clear. */
		if (llf_child_free(entry) || llf_child_is_splitting(entry) ||
		    !llf_field_all(field, false)) {
			snprintf(line, sizeof(line),
				 "child %llu: huge but counter %u, %u clear bits",
				 (unsigned long long)c, llf_child_free(entry),
				 bits_free);
			report(r, line);
		}
		return;
	}
	if (llf_child_free(entry) != bits_free) {
		snprintf(line, sizeof(line),
			 "child %llu: counter %u but %u clear bits",
			 (unsigned long long)c, llf_child_free(entry),
			 bits_free);
		report(r, line);
	}
	if (llf_child_is_zeroed(entry) && bits_free != LLFREE_CHILD_FRAMES) {
		snprintf(line, sizeof(line),
			 "child %llu: zeroed flag on a used child",
			 (unsigned long long)c);
		report(r, line);
	}
}

/* The slot value reserving @tree, or 0; counts reservations in @owners. */
static u64 reservation_of(struct llfree *self, u64 tree, u32 *owners)
{
	u64 found = 0;
	u32 core, c;

	*owners = 0;
	for (core = 0; core < self->cores; core++) {
		for (c = 0; c < LLFREE_CLASSES; c++) {
			u64 slot = llf_load(&local_of(self, core)->slot[c]);

			if (llf_slot_present(slot) &&
			    llf_slot_tree(slot) == tree) {
				found = slot;
				(*owners)++;
			}
		}
	}
	return found;
}

static void validate_tree(struct llfree *self, u64 t, struct report *r)
{
	u32 entry = llf_load(&self->trees[t]);
	u32 expected = llf_lower_free_in(self, t * LLF_TREE_CHILDREN,
					 tree_children(self, t));
	u32 owners;
	u64 slot = reservation_of(self, t, &owners);
	u32 counted = llf_tree_free(entry) + llf_slot_free(slot);
	char line[128];

	if (owners != (llf_tree_is_reserved(entry) ? 1u : 0u)) {
		snprintf(line, sizeof(line),
			 "tree %llu: reserved %d but held by %u slots",
			 (unsigned long long)t, llf_tree_is_reserved(entry),
			 owners);
		report(r, line);
	}
	if (counted != expected) {
		snprintf(line, sizeof(line),
			 "tree %llu: counted %u free but children hold %u",
			 (unsigned long long)t, counted, expected);
		report(r, line);
	}
}

/**
 * llfree_validate() - check every counter against the bits.
 * @self: the allocator; no call may run concurrently.
 * @print: receives one line per mismatch (at most 16), may be NULL.
 * @arg: passed to @print.
 *
 * Return: 0 if consistent, -LLFREE_ECORRUPT, or -LLFREE_EUNINIT.
 */
int llfree_validate(struct llfree *self, llfree_print_fn print, void *arg)
{
	struct report r = { .print = print, .arg = arg };
	u64 i;

	if (!initialised(self))
		return -LLFREE_EUNINIT;
	for (i = 0; i < self->children; i++)
		validate_child(self, i, &r);
	for (i = 0; i < self->trees_len; i++)
		validate_tree(self, i, &r);
	return r.lines ? -LLFREE_ECORRUPT : 0;
}

static const char *const class_names[LLFREE_CLASSES] = {
	"immovable", "movable", "huge",
};

/* One character per child: H huge, F free, Z free and zeroed, 0-9 tenths. */
static char child_char(u16 entry)
{
	u32 free = llf_child_free(entry);

	if (llf_child_is_huge(entry))
		return 'H';
	if (free == LLFREE_CHILD_FRAMES)
		return llf_child_is_zeroed(entry) ? 'Z' : 'F';
	return '0' + free * 10 / LLFREE_CHILD_FRAMES;
}

/**
 * llfree_dump() - print one line per tree: counter, reservation, class and a
 * character per child (H huge, F free, Z zeroed, 0-9 free tenths).
 * @self: the allocator.
 * @print: receives each line.
 * @arg: passed to @print.
 */
void llfree_dump(struct llfree *self, llfree_print_fn print, void *arg)
{
	char line[96 + LLF_TREE_CHILDREN];
	u64 t, c;

	if (!print)
		return;
	if (!initialised(self)) {
		print(arg, "llfree: not initialised");
		return;
	}
	snprintf(line, sizeof(line),
		 "llfree: %llu frames, %llu free, %llu trees of %u children",
		 (unsigned long long)self->frames,
		 (unsigned long long)llfree_free_frames(self),
		 (unsigned long long)self->trees_len, LLF_TREE_CHILDREN);
	print(arg, line);
	for (t = 0; t < self->trees_len; t++) {
		u32 entry = llf_load(&self->trees[t]);
		u64 first = t * LLF_TREE_CHILDREN;
		int len;

		len = snprintf(line, sizeof(line), "tree %6llu %-9s %c %7u ",
			       (unsigned long long)t,
			       class_names[llf_tree_class(entry) %
					   LLFREE_CLASSES],
			       llf_tree_is_reserved(entry) ? 'R' : '-',
			       llf_tree_free(entry));
		for (c = 0; c < tree_children(self, t); c++)
			line[len++] = child_char(llf_load(&self->child[first +
								       c]));
		line[len] = '\0';
		print(arg, line);
	}
}

/**
 * llfree_errno() - map an LLFree error to a negative errno value.
 * @err: a negative LLFREE_E* code (or 0).
 *
 * Return: 0 or a negative errno.
 */
int llfree_errno(int err)
{
	switch (-err) {
	case LLFREE_OK:
		return 0;
	case LLFREE_ENOMEM:
		return -ENOMEM;
	case LLFREE_ERANGE:
		return -ERANGE;
	case LLFREE_ENOTALLOC:
		return -EFAULT;
	case LLFREE_EPARTIAL:
		return -EBUSY;
	case LLFREE_EUNINIT:
		return -ENODEV;
	case LLFREE_ECORRUPT:
		return -EUCLEAN;
	default:
		return -EINVAL;
	}
}

static const char *const error_text[LLFREE_ERROR_COUNT] = {
	[LLFREE_OK] = "success",
	[LLFREE_ENOMEM] = "out of memory",
	[LLFREE_EORDER] = "order above the maximum",
	[LLFREE_ERANGE] = "frame outside the managed range",
	[LLFREE_EALIGN] = "frame not aligned to its order",
	[LLFREE_ENOTALLOC] = "frame not allocated (double free?)",
	[LLFREE_EPARTIAL] = "frames only partly allocated (wrong order?)",
	[LLFREE_EUNINIT] = "allocator not initialised",
	[LLFREE_EINVAL] = "invalid argument",
	[LLFREE_ECORRUPT] = "counters disagree with the bit fields",
};

/**
 * llfree_strerror() - describe an LLFree error.
 * @err: a negative LLFREE_E* code (or 0).
 *
 * Return: a static string.
 */
const char *llfree_strerror(int err)
{
	if (err > 0 || -err >= LLFREE_ERROR_COUNT)
		return "unknown error";
	return error_text[-err];
}
