/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Level and span arithmetic of morsels. The paging mode is a parameter (@l5:
 * 5-level paging active) so that both modes can be checked in one boot;
 * callers pass morsel_l5() for the running one.
 */
#ifndef MORSEL_LEVEL_H
#define MORSEL_LEVEL_H

#include <linux/types.h>
#include <asm/pgtable.h>
#include <uapi/linux/morsel.h>

/* Entries per table at every level (PTRS_PER_P4D is 1 when folded). */
#define MORSEL_TABLE_ENTRIES	512

/* The process page-table entry a morsel's root is linked into. */
enum morsel_link_entry {
	MORSEL_LINK_PMD,	/* PTE-table morsel */
	MORSEL_LINK_PUD,	/* PMD-table morsel */
	MORSEL_LINK_P4D,	/* PUD-table morsel, 5-level paging */
	MORSEL_LINK_PGD,	/* PUD-table morsel on 4-level (P4D folded), P4D-table morsel */
};

static inline bool morsel_l5(void)
{
	return pgtable_l5_enabled();
}

int morsel_level_check(u32 level, bool l5);
unsigned int morsel_entry_shift(u32 table_level);
unsigned int morsel_span_shift(u32 level);
u64 morsel_span(u32 level);
unsigned int morsel_table_index(u32 table_level, u64 offset);
u64 morsel_user_limit(bool l5);
bool morsel_addr_ok(u32 level, u64 addr, bool l5);
enum morsel_link_entry morsel_link_entry(u32 level, bool l5);
u64 morsel_tables_for(u32 level, u64 length);

#endif /* MORSEL_LEVEL_H */
