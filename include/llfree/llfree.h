/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LLFree: a lock-free page-frame allocator.
 *
 * The allocator hands out frame numbers (offsets from the start of the managed
 * range) of order 0..LLFREE_MAX_ORDER. It keeps no pointers into the managed
 * memory: all metadata lives in buffers the caller provides, so the same core
 * runs in the kernel and in user space. Every call is lock-free; @core only
 * selects the per-CPU reservation and may be shared by several threads.
 *
 * Errors are returned as negative LLFREE_E* codes; llfree_errno() maps them to
 * kernel errno values and llfree_strerror() to text.
 */
#ifndef LLFREE_H
#define LLFREE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

#define LLFREE_FRAME_BITS 12
/* Frames per 2 MiB child, the unit of the huge (order 9) allocation. */
#define LLFREE_CHILD_ORDER 9
#define LLFREE_CHILD_FRAMES (1u << LLFREE_CHILD_ORDER)
/* Largest order: 4 MiB, two aligned children. */
#define LLFREE_MAX_ORDER 10

/**
 * enum llfree_error - negative return codes; each names one distinct refusal.
 * @LLFREE_OK: success.
 * @LLFREE_ENOMEM: no free frame of the requested order anywhere.
 * @LLFREE_EORDER: order above LLFREE_MAX_ORDER.
 * @LLFREE_ERANGE: frame outside the managed range.
 * @LLFREE_EALIGN: frame not aligned to its order.
 * @LLFREE_ENOTALLOC: none of the frames is allocated (double free, or a
 *	frame that was never handed out).
 * @LLFREE_EPARTIAL: only some of the frames are allocated (freed with the
 *	wrong order, or overlapping another allocation).
 * @LLFREE_EUNINIT: the allocator was never initialised (or is torn down).
 * @LLFREE_EINVAL: bad argument to init (sizes, buffers, core count, flags).
 * @LLFREE_ECORRUPT: validation found counters that disagree with the bits.
 */
enum llfree_error {
	LLFREE_OK = 0,
	LLFREE_ENOMEM,
	LLFREE_EORDER,
	LLFREE_ERANGE,
	LLFREE_EALIGN,
	LLFREE_ENOTALLOC,
	LLFREE_EPARTIAL,
	LLFREE_EUNINIT,
	LLFREE_EINVAL,
	LLFREE_ECORRUPT,
	LLFREE_ERROR_COUNT,
};

/**
 * enum llfree_class - allocation classes, kept in separate trees so that
 * long-lived unmovable frames do not fragment the memory huge frames need.
 */
enum llfree_class {
	LLFREE_IMMOVABLE = 0,
	LLFREE_MOVABLE = 1,
	LLFREE_HUGE = 2,
	LLFREE_CLASSES = 3,
};

/* llfree_alloc() flags: the class in the low bits, then hints. */
#define LLFREE_CLASS_MASK 0x3u
/* Prefer huge frames known to be zero (orders 9 and 10). */
#define LLFREE_ALLOC_ZEROED 0x4u
/* llfree_free() flag: the caller guarantees the frame's contents are zero. */
#define LLFREE_FREE_ZEROED 0x4u

/**
 * enum llfree_init_mode - how llfree_init() treats the lower-level buffer.
 * @LLFREE_INIT_FREE: every frame starts free.
 * @LLFREE_INIT_ALLOCATED: every frame starts allocated, whole children as
 *	huge frames, so memory can be donated by freeing any order 0..10.
 * @LLFREE_INIT_RECOVER: the lower level is reused as found (persistent memory
 *	after a crash or restart); counters and trees are rebuilt from it.
 */
enum llfree_init_mode {
	LLFREE_INIT_FREE,
	LLFREE_INIT_ALLOCATED,
	LLFREE_INIT_RECOVER,
};

/**
 * struct llfree_meta - caller-provided metadata buffers.
 * @local: per-core reservations (volatile).
 * @trees: tree entries (volatile).
 * @lower: bit fields and child entries; may live in persistent memory.
 *
 * llfree_metadata_size() gives the size of each; every buffer must be aligned
 * to LLFREE_META_ALIGN bytes.
 */
struct llfree_meta {
	void *local;
	void *trees;
	void *lower;
};

#define LLFREE_META_ALIGN 64

/**
 * struct llfree_meta_size - byte sizes of the three metadata buffers.
 * @local: size of &llfree_meta.local.
 * @trees: size of &llfree_meta.trees.
 * @lower: size of &llfree_meta.lower.
 */
struct llfree_meta_size {
	size_t local;
	size_t trees;
	size_t lower;
};

/**
 * struct llfree - allocator handle. Treat as opaque; embed or allocate it
 * with the fields zeroed, then call llfree_init().
 */
struct llfree {
	u32 magic;
	u32 cores;
	bool persistent;
	u64 frames;
	u64 children;
	u64 trees_len;
	void *local;
	u32 *trees;
	u16 *child;
	u64 *bits;
};

/**
 * struct llfree_stats - exact counts, from the lower level.
 * @frames: frames managed.
 * @free_frames: free frames (bits clear, not inside a huge frame).
 * @free_huge: children entirely free (order-9 allocations possible).
 * @zeroed_huge: free children whose contents are known zero.
 * @huge_allocated: children allocated as one huge frame.
 */
struct llfree_stats {
	u64 frames;
	u64 free_frames;
	u64 free_huge;
	u64 zeroed_huge;
	u64 huge_allocated;
};

/**
 * struct llfree_frame - result of a successful allocation.
 * @frame: first frame number (aligned to the order).
 * @zeroed: the frame's contents are known to be zero.
 */
struct llfree_frame {
	u64 frame;
	bool zeroed;
};

/* Write one line of a dump or validation report. */
typedef void (*llfree_print_fn)(void *arg, const char *line);

int llfree_metadata_size(u32 cores, u64 frames, struct llfree_meta_size *size);
int llfree_init(struct llfree *self, u32 cores, u64 frames,
		enum llfree_init_mode mode, bool persistent,
		const struct llfree_meta *meta);
void llfree_uninit(struct llfree *self);

int llfree_alloc(struct llfree *self, u32 core, u32 order, u32 flags,
		 struct llfree_frame *out);
int llfree_free(struct llfree *self, u32 core, u64 frame, u32 order,
		u32 flags);
int llfree_drain(struct llfree *self, u32 core);
/* The same without argument checks, for callers that made them. */
int __llfree_alloc(struct llfree *self, u32 core, u32 order, u32 flags,
		   struct llfree_frame *out);
int __llfree_free(struct llfree *self, u32 core, u64 frame, u32 order,
		  u32 flags);

int llfree_is_free(struct llfree *self, u64 frame, u32 order);
u64 llfree_frames(const struct llfree *self);
u64 llfree_free_frames(struct llfree *self);
u64 llfree_free_huge(struct llfree *self);
int llfree_stats(struct llfree *self, struct llfree_stats *stats);
int llfree_validate(struct llfree *self, llfree_print_fn print, void *arg);
void llfree_dump(struct llfree *self, llfree_print_fn print, void *arg);

int llfree_errno(int err);
const char *llfree_strerror(int err);

#endif /* LLFREE_H */
