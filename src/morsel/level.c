// SPDX-License-Identifier: GPL-2.0
/*
 * Level and span arithmetic. Shifts come from the kernel's constants for the
 * levels that never fold (PAGE, PMD, PUD, P4D_SHIFT); the span of a P4D
 * table is derived from P4D_SHIFT rather than PGDIR_SHIFT, which is a
 * run-time variable on x86 (39 with 4-level paging, 48 with 5-level).
 */
#include <linux/errno.h>
#include <linux/log2.h>
#include "level.h"

#define MORSEL_TABLE_SHIFT	ilog2(MORSEL_TABLE_ENTRIES)

/**
 * morsel_level_check() - is @level a morsel level in this paging mode?
 * @level: enum morsel_level value from user space
 * @l5: 5-level paging active
 *
 * Return: 0, -EINVAL for no such level, -EOPNOTSUPP for a P4D-table morsel
 * without 5-level paging.
 */
int morsel_level_check(u32 level, bool l5)
{
	if (level < MORSEL_LEVEL_PTE || level > MORSEL_LEVEL_P4D)
		return -EINVAL;
	if (level == MORSEL_LEVEL_P4D && !l5)
		return -EOPNOTSUPP;
	return 0;
}

/**
 * morsel_entry_shift() - log2 of the bytes one entry of a table maps
 * @table_level: level of the table (MORSEL_LEVEL_PTE for a PTE table)
 *
 * Return: PAGE_SHIFT for a PTE table up to P4D_SHIFT for a P4D table.
 */
unsigned int morsel_entry_shift(u32 table_level)
{
	switch (table_level) {
	case MORSEL_LEVEL_PTE:
		return PAGE_SHIFT;
	case MORSEL_LEVEL_PMD:
		return PMD_SHIFT;
	case MORSEL_LEVEL_PUD:
		return PUD_SHIFT;
	default:
		return P4D_SHIFT;
	}
}

/**
 * morsel_span_shift() - log2 of the bytes a morsel of @level maps
 * @level: valid morsel level
 *
 * Return: 21 (2 MiB), 30 (1 GiB), 39 (512 GiB) or 48 (256 TiB).
 */
unsigned int morsel_span_shift(u32 level)
{
	return morsel_entry_shift(level) + MORSEL_TABLE_SHIFT;
}

/**
 * morsel_span() - bytes a morsel of @level maps, and its alignment
 * @level: valid morsel level
 *
 * Return: the span in bytes.
 */
u64 morsel_span(u32 level)
{
	return 1ULL << morsel_span_shift(level);
}

/**
 * morsel_table_index() - index of the entry covering @offset in a table
 * @table_level: level of the table
 * @offset: byte offset from the start of the table's span
 *
 * Return: 0..511.
 */
unsigned int morsel_table_index(u32 table_level, u64 offset)
{
	return (offset >> morsel_entry_shift(table_level)) &
	       (MORSEL_TABLE_ENTRIES - 1);
}

/**
 * morsel_user_limit() - end of the user address range in a paging mode
 * @l5: 5-level paging active
 *
 * Return: TASK_SIZE_MAX of that mode (the top page is never mapped).
 */
u64 morsel_user_limit(bool l5)
{
	return (1ULL << (l5 ? 56 : 47)) - PAGE_SIZE;
}

/**
 * morsel_addr_ok() - may a morsel of @level be attached at @addr?
 * @level: valid morsel level
 * @addr: user virtual address
 * @l5: 5-level paging active
 *
 * Return: true if @addr is aligned to the span and the span fits below the
 * user address limit.
 */
bool morsel_addr_ok(u32 level, u64 addr, bool l5)
{
	u64 span = morsel_span(level);

	return !(addr & (span - 1)) && addr < morsel_user_limit(l5) &&
	       span <= morsel_user_limit(l5) - addr;
}

/**
 * morsel_link_entry() - which process entry links a morsel of @level
 * @level: valid morsel level for @l5
 * @l5: 5-level paging active
 *
 * With 4-level paging the P4D is folded into the PGD, so a PUD-table
 * morsel is linked in the PGD entry (through the P4D accessors).
 *
 * Return: enum morsel_link_entry.
 */
enum morsel_link_entry morsel_link_entry(u32 level, bool l5)
{
	switch (level) {
	case MORSEL_LEVEL_PTE:
		return MORSEL_LINK_PMD;
	case MORSEL_LEVEL_PMD:
		return MORSEL_LINK_PUD;
	case MORSEL_LEVEL_PUD:
		return l5 ? MORSEL_LINK_P4D : MORSEL_LINK_PGD;
	default:
		return MORSEL_LINK_PGD;
	}
}

/**
 * morsel_tables_for() - tables a fully populated morsel needs
 * @level: valid morsel level
 * @length: object length in bytes, at most the span
 *
 * Return: the number of tables (root included) that cover @length bytes.
 */
u64 morsel_tables_for(u32 level, u64 length)
{
	u64 tables = 0;
	u32 l;

	for (l = MORSEL_LEVEL_PTE; l <= level; l++) {
		u64 cover = morsel_span(l);

		tables += l == level ? 1 : (length + cover - 1) / cover;
	}
	return tables;
}
