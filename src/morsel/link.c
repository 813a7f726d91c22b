// SPDX-License-Identifier: GPL-2.0
/*
 * Linking a morsel into a process: one entry of the process's page table
 * points to the morsel's root table. The levels above it are the process's
 * own (allocated and accounted by the core's helpers); the entry is written
 * and cleared with the kernel's accessors under the lock the core uses for
 * that level, so PTI mirroring of PGD entries and paravirt hooks apply.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include "morsel.h"
#include "morsel_trace.h"

/**
 * morsel_link() - link @m's root into @mm at @addr
 * @m: a live morsel, rwsem held (its root cannot go away)
 * @mm: the process, its mmap lock or the VMA's lock held
 * @addr: start of the VMA, aligned to the span
 *
 * The link is an ordinary table entry: what an attach may do is decided
 * by the leaves, which every reader of permissions sees (the MMU ANDs the
 * levels, follow_pfnmap_start() reads only the leaf).
 *
 * Return: 0 if linked (now or before), -ENOMEM, or -EEXIST if the entry
 * holds something else.
 */
int morsel_link(struct morsel *m, struct mm_struct *mm, unsigned long addr)
{
	unsigned long val = __pa(m->root) | _PAGE_TABLE;
	unsigned long pfn = __pa(m->root) >> PAGE_SHIFT;
	pgd_t *pgd = pgd_offset(mm, addr);
	spinlock_t *ptl = &mm->page_table_lock;
	bool linked = false;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;
	int ret = 0;

	/* Publish the morsel's tables before the link (pmd_install()). */
	smp_wmb();
	if (m->level == MORSEL_LEVEL_P4D) {
		spin_lock(ptl);
		if (pgd_none(*pgd)) {
			set_pgd(pgd, __pgd(val));
			linked = true;
		} else if (pgd_pfn(*pgd) != pfn) {
			ret = -EEXIST;
		}
		spin_unlock(ptl);
		goto out;
	}
	p4d = p4d_alloc(mm, pgd, addr);
	if (!p4d)
		return -ENOMEM;
	if (m->level == MORSEL_LEVEL_PUD) {
		spin_lock(ptl);
		if (p4d_none(*p4d)) {
			set_p4d(p4d, __p4d(val));
			linked = true;
		} else if (p4d_pfn(*p4d) != pfn) {
			ret = -EEXIST;
		}
		spin_unlock(ptl);
		goto out;
	}
	pud = pud_alloc(mm, p4d, addr);
	if (!pud)
		return -ENOMEM;
	if (m->level == MORSEL_LEVEL_PMD) {
		ptl = pud_lock(mm, pud);
		if (pud_none(*pud)) {
			set_pud(pud, __pud(val));
			linked = true;
		} else if (pud_pfn(*pud) != pfn) {
			ret = -EEXIST;
		}
		spin_unlock(ptl);
		goto out;
	}
	pmd = pmd_alloc(mm, pud, addr);
	if (!pmd)
		return -ENOMEM;
	ptl = pmd_lock(mm, pmd);
	if (pmd_none(*pmd)) {
		set_pmd(pmd, __pmd(val));
		linked = true;
	} else if (pmd_pfn(*pmd) != pfn) {
		ret = -EEXIST;
	}
	spin_unlock(ptl);
out:
	if (linked)
		trace_morsel_link(m->id, m->level, mm, addr);
	return ret;
}

/*
 * The process entry that links a morsel of @level at @addr, or NULL if a
 * level above it is missing. Never allocates.
 */
static void *morsel_link_slot(struct mm_struct *mm, u32 level,
			      unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud;

	if (level == MORSEL_LEVEL_P4D)
		return pgd;
	if (pgd_none(*pgd))
		return NULL;
	p4d = p4d_offset(pgd, addr);
	if (level == MORSEL_LEVEL_PUD)
		return p4d;
	if (p4d_none(*p4d))
		return NULL;
	pud = pud_offset(p4d, addr);
	if (level == MORSEL_LEVEL_PMD)
		return pud;
	if (pud_none(*pud))
		return NULL;
	return pmd_offset(pud, addr);
}

/**
 * morsel_unlink() - clear @mm's link of a morsel at @addr
 * @m: the morsel (only its level is used: it may be dead)
 * @mm: the process; its page tables above the link stay
 * @addr: start of the VMA
 *
 * Never touches the morsel's tables. The caller (the core, after the zap
 * hook) flushes @mm's TLB before anything below the link may be freed or
 * changed: before the VMA leaves i_mmap, or before revocation returns.
 *
 * Return: true if an entry was cleared.
 */
bool morsel_unlink(struct morsel *m, struct mm_struct *mm, unsigned long addr)
{
	void *slot = morsel_link_slot(mm, m->level, addr);
	spinlock_t *ptl = &mm->page_table_lock;
	bool cleared = false;

	if (!slot)
		return false;
	if (m->level == MORSEL_LEVEL_PTE)
		ptl = pmd_lockptr(mm, slot);
	spin_lock(ptl);
	switch (m->level) {
	case MORSEL_LEVEL_P4D:
		cleared = !pgd_none(*(pgd_t *)slot);
		if (cleared)
			pgd_clear(slot);
		break;
	case MORSEL_LEVEL_PUD:
		cleared = !p4d_none(*(p4d_t *)slot);
		if (cleared)
			p4d_clear(slot);
		break;
	case MORSEL_LEVEL_PMD:
		cleared = !pud_none(*(pud_t *)slot);
		if (cleared)
			pud_clear(slot);
		break;
	default:
		cleared = !pmd_none(*(pmd_t *)slot);
		if (cleared)
			pmd_clear(slot);
		break;
	}
	spin_unlock(ptl);
	if (cleared)
		trace_morsel_unlink(m->id, m->level, mm, addr);
	return cleared;
}

/**
 * morsel_linked() - does @mm link @m's root at @addr?
 * @m: the morsel
 * @mm: the process
 * @addr: start of the VMA
 *
 * Return: true if the entry points to @m's root (never once destroyed).
 */
bool morsel_linked(struct morsel *m, struct mm_struct *mm, unsigned long addr)
{
	void *slot = morsel_link_slot(mm, m->level, addr);
	unsigned long pfn;

	if (!slot || !m->root)
		return false;
	pfn = __pa(m->root) >> PAGE_SHIFT;
	switch (m->level) {
	case MORSEL_LEVEL_P4D:
		return !pgd_none(*(pgd_t *)slot) && pgd_pfn(*(pgd_t *)slot) == pfn;
	case MORSEL_LEVEL_PUD:
		return !p4d_none(*(p4d_t *)slot) && p4d_pfn(*(p4d_t *)slot) == pfn;
	case MORSEL_LEVEL_PMD:
		return !pud_none(*(pud_t *)slot) && pud_pfn(*(pud_t *)slot) == pfn;
	default:
		return !pmd_none(*(pmd_t *)slot) && pmd_pfn(*(pmd_t *)slot) == pfn;
	}
}
