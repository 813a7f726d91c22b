/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lowest layer: one bit per 4 KiB frame (1 = allocated), 512 bits = one
 * 64-byte cache line per 2 MiB child. Orders 0..6 are one CAS on a word,
 * orders 7 and 8 take 2 and 4 whole words.
 */
#ifndef LLFREE_BITFIELD_H
#define LLFREE_BITFIELD_H

#include "platform.h"

#define LLF_FIELD_WORDS (LLFREE_CHILD_FRAMES / 64)
/* Largest order the bit field serves; order 9 is a whole child. */
#define LLF_FIELD_MAX_ORDER 8

int llf_field_alloc(u64 *field, u32 order, u32 hint, bool persist,
		    u32 *pos);
int llf_field_free(u64 *field, u32 pos, u32 order, bool persist);
int llf_field_find_words(u64 *field, u32 order, u32 hint);
bool llf_field_claim_words(u64 *field, u32 first, u32 order, bool persist);
bool llf_field_is_free(u64 *field, u32 pos, u32 order);
bool llf_field_is_allocated(u64 *field, u32 pos, u32 order);
u32 llf_field_count_free(u64 *field);
void llf_field_fill(u64 *field, bool allocated, bool persist);
bool llf_field_all(u64 *field, bool allocated);

#endif /* LLFREE_BITFIELD_H */
