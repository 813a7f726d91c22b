// SPDX-License-Identifier: GPL-2.0
/*
 * A short tour of the LLFree core in user space: allocate a mix of classes
 * and orders on two cores, look at the statistics and a tree dump, watch bad
 * frees being refused without any effect, then free everything and validate.
 */
#include <stdio.h>
#include <stdlib.h>

#include <llfree/llfree.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define MIB_FRAMES (1ull << (20 - LLFREE_FRAME_BITS))
/* A slot already freed by hand. */
#define NO_FRAME UINT64_MAX

struct demo {
	struct llfree alloc;
	struct llfree_meta meta;
};

struct request {
	const char *what;
	u32 core;
	u32 order;
	u32 flags;
	u32 count;
};

static const char *const class_name[LLFREE_CLASSES] = {
	[LLFREE_IMMOVABLE] = "immovable",
	[LLFREE_MOVABLE] = "movable",
	[LLFREE_HUGE] = "huge",
};

static void *meta_buffer(size_t size)
{
	size = (size + LLFREE_META_ALIGN - 1) & ~(size_t)(LLFREE_META_ALIGN - 1);
	return aligned_alloc(LLFREE_META_ALIGN, size ? size : LLFREE_META_ALIGN);
}

static void check(int err, const char *what)
{
	if (err) {
		fprintf(stderr, "demo: %s: %s\n", what, llfree_strerror(err));
		exit(1);
	}
}

static void demo_init(struct demo *d, u32 cores, u64 frames)
{
	struct llfree_meta_size size;

	check(llfree_metadata_size(cores, frames, &size), "metadata size");
	d->meta.local = meta_buffer(size.local);
	d->meta.trees = meta_buffer(size.trees);
	d->meta.lower = meta_buffer(size.lower);
	if (!d->meta.local || !d->meta.trees || !d->meta.lower)
		check(-LLFREE_EINVAL, "metadata buffers");
	check(llfree_init(&d->alloc, cores, frames, LLFREE_INIT_FREE, false,
			  &d->meta), "init");
	printf("Allocator over %llu MiB (%llu frames of 4 KiB), %u cores;\n"
	       "metadata: %zu B per-core, %zu B trees, %zu B bit fields + children.\n",
	       (unsigned long long)(frames / MIB_FRAMES),
	       (unsigned long long)frames, cores, size.local, size.trees,
	       size.lower);
}

static void demo_exit(struct demo *d)
{
	llfree_uninit(&d->alloc);
	free(d->meta.local);
	free(d->meta.trees);
	free(d->meta.lower);
}

static void show_stats(struct demo *d, const char *when)
{
	struct llfree_stats s;

	check(llfree_stats(&d->alloc, &s), "stats");
	printf("\n%s:\n"
	       "  free frames   %8llu of %llu (%llu MiB free)\n"
	       "  free huge     %8llu (2 MiB children entirely free)\n"
	       "  huge in use   %8llu (children handed out whole)\n"
	       "  fast counter  %8llu free frames (trees + reservations)\n",
	       when, (unsigned long long)s.free_frames,
	       (unsigned long long)s.frames,
	       (unsigned long long)(s.free_frames / MIB_FRAMES),
	       (unsigned long long)s.free_huge,
	       (unsigned long long)s.huge_allocated,
	       (unsigned long long)llfree_free_frames(&d->alloc));
}

static void print_line(void *arg, const char *line)
{
	printf("%s%s\n", (const char *)arg, line);
}

/* Frees the frames of @r listed in @frames; every one must succeed. */
static void free_request(struct demo *d, const struct request *r,
			 const u64 *frames)
{
	for (u32 i = 0; i < r->count; i++) {
		if (frames[i] == NO_FRAME)
			continue;
		check(llfree_free(&d->alloc, r->core, frames[i], r->order, 0),
		      "free");
	}
}

/* Tries a bad free and shows that it was refused and changed nothing. */
static void bad_free(struct demo *d, const char *what, u64 frame, u32 order)
{
	u64 before = llfree_free_frames(&d->alloc);
	int err = llfree_free(&d->alloc, 0, frame, order, 0);

	printf("  %-38s -> %s (free frames %s)\n", what,
	       err ? llfree_strerror(err) : "accepted?!",
	       llfree_free_frames(&d->alloc) == before ? "unchanged" :
							   "CHANGED");
}

static void small_dump(void)
{
	struct demo d = { 0 };
	struct llfree_frame f;

	printf("\n--- A small instance, to read the tree dump ---\n");
	demo_init(&d, 2, 64 * MIB_FRAMES);
	check(llfree_alloc(&d.alloc, 0, 0, LLFREE_IMMOVABLE, &f), "alloc");
	check(llfree_alloc(&d.alloc, 0, 3, LLFREE_IMMOVABLE, &f), "alloc");
	check(llfree_alloc(&d.alloc, 1, 0, LLFREE_MOVABLE, &f), "alloc");
	check(llfree_alloc(&d.alloc, 1, 9, LLFREE_HUGE, &f), "alloc");
	printf("After one order-0 + one order-3 immovable frame on core 0,\n"
	       "one order-0 movable frame and one huge frame on core 1:\n");
	llfree_dump(&d.alloc, print_line, "  | ");
	printf("Columns: tree, class it serves, R = reserved by a core, free\n"
	       "counter (a reserved tree's frames sit in the core's slot), then\n"
	       "one character per 2 MiB child: H huge, F free, Z free and\n"
	       "zeroed, 0-9 free tenths.\n");
	demo_exit(&d);
}

int main(void)
{
	static const struct request reqs[] = {
		{ "kernel data (immovable)", 0, 0, LLFREE_IMMOVABLE, 3000 },
		{ "page cache (movable)", 1, 0, LLFREE_MOVABLE, 5000 },
		{ "slab blocks (immovable)", 0, 3, LLFREE_IMMOVABLE, 100 },
		{ "THP (huge class)", 0, 9, LLFREE_HUGE, 40 },
		{ "4 MiB buffers (huge class)", 1, 10, LLFREE_HUGE, 10 },
	};
	const u32 nreqs = ARRAY_SIZE(reqs);
	u64 *frames[ARRAY_SIZE(reqs)];
	struct llfree uninit = { 0 };
	struct demo d = { 0 };
	struct llfree_frame f;
	int err;

	printf("=== LLFree user-space demo ===\n\n");
	demo_init(&d, 2, 1024 * MIB_FRAMES);
	show_stats(&d, "At start");

	printf("\nAllocating:\n");
	for (u32 r = 0; r < nreqs; r++) {
		const struct request *q = &reqs[r];

		frames[r] = calloc(q->count, sizeof(u64));
		if (!frames[r])
			check(-LLFREE_EINVAL, "calloc");
		for (u32 i = 0; i < q->count; i++) {
			check(llfree_alloc(&d.alloc, q->core, q->order,
					   q->flags, &f), "alloc");
			frames[r][i] = f.frame;
		}
		printf("  %-28s core %u: %5u x order %2u, class %-9s first frame %llu\n",
		       q->what, q->core, q->count, q->order,
		       class_name[q->flags & LLFREE_CLASS_MASK],
		       (unsigned long long)frames[r][0]);
	}
	show_stats(&d, "After allocating");

	printf("\nBad frees are refused and change nothing:\n");
	check(llfree_free(&d.alloc, 0, frames[0][0], 0, 0), "free");
	printf("  %-38s -> ok\n", "free an order-0 frame");
	bad_free(&d, "the same frame again (double free)", frames[0][0], 0);
	bad_free(&d, "its order-3 block (partly free)", frames[0][0] & ~7ull,
		 3);
	bad_free(&d, "an order-3 block at +1 (misaligned)", frames[2][0] + 1,
		 3);
	bad_free(&d, "a frame past the end", llfree_frames(&d.alloc), 0);
	bad_free(&d, "order 11", 0, 11);
	err = llfree_alloc(&uninit, 0, 0, 0, &f);
	printf("  %-38s -> %s\n", "alloc from a zeroed, uninit handle",
	       llfree_strerror(err));
	frames[0][0] = NO_FRAME;

	printf("\nFreeing everything and draining the per-core reservations.\n");
	for (u32 r = 0; r < nreqs; r++) {
		free_request(&d, &reqs[r], frames[r]);
		free(frames[r]);
	}
	check(llfree_drain(&d.alloc, 0), "drain");
	check(llfree_drain(&d.alloc, 1), "drain");
	show_stats(&d, "At the end");

	err = llfree_validate(&d.alloc, print_line, "  ! ");
	printf("\nvalidate: %s\n", err ? llfree_strerror(err) :
		"clean (every counter matches the bits)");
	demo_exit(&d);

	small_dump();
	return err ? 1 : 0;
}
