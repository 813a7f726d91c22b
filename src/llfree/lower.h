/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lower allocator: bit fields plus child entries over the whole range.
 * It is the only persistent part; everything above is rebuilt from it.
 */
#ifndef LLFREE_LOWER_H
#define LLFREE_LOWER_H

#include "platform.h"

void llf_lower_init(struct llfree *self, enum llfree_init_mode mode);
int llf_lower_alloc(struct llfree *self, u64 first_child, u64 children,
		    u64 hint, u32 order, u32 flags, struct llfree_frame *out);
int llf_lower_alloc_child(struct llfree *self, u64 child, u64 hint, u32 order,
			  struct llfree_frame *out);
int llf_lower_free(struct llfree *self, u64 frame, u32 order, u32 flags);
bool llf_lower_is_free(struct llfree *self, u64 frame, u32 order);
u32 llf_lower_free_in(struct llfree *self, u64 first_child, u64 children);
u32 llf_lower_child_frames(struct llfree *self, u64 child);

#endif /* LLFREE_LOWER_H */
