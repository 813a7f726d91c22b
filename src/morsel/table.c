// SPDX-License-Identifier: GPL-2.0
/*
 * A morsel's page tables: the root, the tables below it and the leaves.
 *
 * Tables are built with the core's page-table constructors (split locks,
 * NR_PAGETABLE), charged to the creator's memory cgroup and never to an mm,
 * and counted with the data pages against the creator's per-user limit.
 * Leaves are special PTEs (no struct page refcounts or rmap for mappers)
 * to pages the morsel owns with one reference each, with the protection
 * the kernel gives any shared mapping (vm_get_page_prot(), so memory
 * encryption bits are set). Entries are only added (none to present) under
 * the rwsem held for reading plus morsel->lock; they are removed or
 * downgraded only under the rwsem held for writing after revocation, when
 * no process links the tables and every unlink has been flushed. Tables
 * are freed only with the morsel (docs/morsel.md, "Lifetime").
 */
#include <linux/highmem.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <asm/pgalloc.h>
#include "morsel.h"
#include "morsel_trace.h"

/* Morsel memory is reported to the caller, not to the page allocator. */
#define MORSEL_GFP_TABLE	(GFP_PGTABLE_USER | __GFP_NOWARN)
#define MORSEL_GFP_PAGE		(GFP_HIGHUSER | __GFP_ZERO | __GFP_ACCOUNT | __GFP_NOWARN)

static gfp_t morsel_gfp(gfp_t gfp, enum morsel_alloc alloc)
{
	return alloc == MORSEL_ALLOC_IOCTL ? gfp | __GFP_RETRY_MAYFAIL : gfp;
}

typedef void (*morsel_leaf_fn)(struct morsel *m, pte_t *ptep);

/**
 * morsel_table_alloc() - allocate a zeroed page table for a morsel
 * @m: the morsel, whose creator's memcg and per-user limit are charged
 * @table_level: MORSEL_LEVEL_PTE for a PTE table ... MORSEL_LEVEL_P4D
 * @alloc: MORSEL_ALLOC_FAULT or MORSEL_ALLOC_IOCTL
 *
 * Return: the table's kernel address, ERR_PTR(-EDQUOT) over the per-user
 * limit or ERR_PTR(-ENOMEM).
 */
void *morsel_table_alloc(struct morsel *m, u32 table_level,
			 enum morsel_alloc alloc)
{
	struct mem_cgroup *old;
	struct ptdesc *pt;
	bool ok = true;
	int ret;

	ret = morsel_charge(m, 1);
	if (ret)
		return ERR_PTR(ret);
	old = set_active_memcg(m->memcg);
	pt = pagetable_alloc(morsel_gfp(MORSEL_GFP_TABLE, alloc), 0);
	set_active_memcg(old);
	if (!pt)
		goto nomem;
	switch (table_level) {
	case MORSEL_LEVEL_PTE:
		ok = pagetable_pte_ctor(pt);
		break;
	case MORSEL_LEVEL_PMD:
		ok = pagetable_pmd_ctor(pt);
		break;
	default:
		/* PUD and P4D tables have no split lock; x86 uses this for both. */
		pagetable_pud_ctor(pt);
		break;
	}
	if (!ok) {
		pagetable_free(pt);
		goto nomem;
	}
	atomic_long_inc(&m->tables);
	atomic_long_inc(&morsel_stats.tables);
	return ptdesc_address(pt);
nomem:
	morsel_charge(m, -1);
	return ERR_PTR(-ENOMEM);
}

/**
 * morsel_table_free() - free a table from morsel_table_alloc()
 * @m: its morsel
 * @table: the table, no longer reachable from any page table or walker
 * @table_level: the level it was allocated for
 */
void morsel_table_free(struct morsel *m, void *table, u32 table_level)
{
	struct ptdesc *pt = virt_to_ptdesc(table);

	switch (table_level) {
	case MORSEL_LEVEL_PTE:
		pagetable_pte_dtor(pt);
		break;
	case MORSEL_LEVEL_PMD:
		pagetable_pmd_dtor(pt);
		break;
	default:
		pagetable_pud_dtor(pt);
		break;
	}
	pagetable_free(pt);
	atomic_long_dec(&m->tables);
	atomic_long_dec(&morsel_stats.tables);
	morsel_charge(m, -1);
}

/* The table entry @i of @table (at @level > PTE) points to, or NULL. */
static void *morsel_child(void *table, u32 level, unsigned int i)
{
	switch (level) {
	case MORSEL_LEVEL_PMD: {
		pmd_t e = pmdp_get((pmd_t *)table + i);

		return pmd_none(e) ? NULL : (void *)pmd_page_vaddr(e);
	}
	case MORSEL_LEVEL_PUD: {
		pud_t e = pudp_get((pud_t *)table + i);

		return pud_none(e) ? NULL : pud_pgtable(e);
	}
	default: {
		p4d_t e = p4dp_get((p4d_t *)table + i);

		return p4d_none(e) ? NULL : p4d_pgtable(e);
	}
	}
}

static void morsel_set_child(void *table, u32 level, unsigned int i,
			     void *child)
{
	unsigned long val = __pa(child) | _PAGE_TABLE;

	/* The zeroed child must be visible before the entry (pmd_install()). */
	smp_wmb();
	switch (level) {
	case MORSEL_LEVEL_PMD:
		set_pmd((pmd_t *)table + i, __pmd(val));
		break;
	case MORSEL_LEVEL_PUD:
		set_pud((pud_t *)table + i, __pud(val));
		break;
	default:
		/*
		 * Not set_p4d(): on a kernel built with PTI it would treat the
		 * entry as a PGD entry and mirror it into a user PGD.
		 */
		WRITE_ONCE(*((p4d_t *)table + i), __p4d(val));
		break;
	}
}

/*
 * The PTE for @offset, creating missing tables on the way unless @alloc is
 * MORSEL_NO_ALLOC.
 * Return: the PTE pointer, NULL for a hole (!@alloc), ERR_PTR(-ENOMEM or
 * -EDQUOT).
 */
static pte_t *morsel_pte(struct morsel *m, u64 offset,
			 enum morsel_alloc alloc)
{
	void *table = m->root;
	u32 level;

	for (level = m->level; level > MORSEL_LEVEL_PTE; level--) {
		unsigned int i = morsel_table_index(level, offset);
		void *child = morsel_child(table, level, i);

		if (!child) {
			void *new;

			if (alloc == MORSEL_NO_ALLOC)
				return NULL;
			new = morsel_table_alloc(m, level - 1, alloc);
			if (IS_ERR(new))
				return new;
			spin_lock(&m->lock);
			child = morsel_child(table, level, i);
			if (!child) {
				morsel_set_child(table, level, i, new);
				child = new;
				new = NULL;
			}
			spin_unlock(&m->lock);
			if (new)
				morsel_table_free(m, new, level - 1);
		}
		table = child;
	}
	return (pte_t *)table + morsel_table_index(MORSEL_LEVEL_PTE, offset);
}

/**
 * morsel_leaf() - the leaf entry that maps @page in @m
 * @m: the morsel
 * @page: one of its data pages
 *
 * The protection is the kernel's own for a shared mapping with the
 * morsel's permissions, so that what every reader of the leaf sees
 * (the MMU, follow_pfnmap_start() for KVM and VFIO) agrees with the
 * morsel, and memory encryption bits (SME, SEV) are set.
 *
 * Return: a special, accessed (and, if writable, dirty) PTE.
 */
pte_t morsel_leaf(const struct morsel *m, struct page *page)
{
	bool write = morsel_leaves_writable(m);
	vm_flags_t flags = VM_READ | VM_SHARED;
	pte_t pte;

	if (write)
		flags |= VM_WRITE;
	if (m->flags & MORSEL_F_EXEC)
		flags |= VM_EXEC;
	/* Accessed and dirty preset: no hardware updates of shared leaves. */
	pte = pte_mkyoung(pte_mkspecial(pfn_pte(page_to_pfn(page),
						vm_get_page_prot(flags))));
	return write ? pte_mkdirty(pte) : pte;
}

/* A zeroed data page, charged to the creator's memory cgroup. */
static struct page *morsel_page_alloc(struct morsel *m, enum morsel_alloc alloc)
{
	struct mem_cgroup *old = set_active_memcg(m->memcg);
	struct page *page = alloc_page(morsel_gfp(MORSEL_GFP_PAGE, alloc));

	set_active_memcg(old);
	return page;
}

/*
 * Make @page the leaf at @ptep unless another thread filled the hole
 * first. *@pte gets the entry found or made. Return: true if @page is now
 * the morsel's (the caller has charged it).
 */
static bool morsel_set_leaf(struct morsel *m, pte_t *ptep, struct page *page,
			    pte_t *pte)
{
	bool set = false;

	spin_lock(&m->lock);
	*pte = ptep_get(ptep);
	if (pte_none(*pte)) {
		*pte = morsel_leaf(m, page);
		set_pte(ptep, *pte);
		set = true;
	}
	spin_unlock(&m->lock);
	return set;
}

/**
 * morsel_fill() - find or allocate the page at @offset
 * @m: a live morsel, rwsem held
 * @offset: page-aligned offset below the object length
 * @alloc: allocate a zeroed page (and tables) for a hole, for a fault or
 *	an ioctl, or MORSEL_NO_ALLOC
 * @pagep: if not NULL, gets the page with an extra reference
 *
 * Return: 0, -ENOENT for a hole without @alloc, -EDQUOT over the per-user
 * page limit, -ENOMEM.
 */
int morsel_fill(struct morsel *m, u64 offset, enum morsel_alloc alloc,
		struct page **pagep)
{
	pte_t *ptep = morsel_pte(m, offset, alloc);
	struct page *page;
	pte_t pte;
	int ret;

	if (IS_ERR(ptep))
		return PTR_ERR(ptep);
	if (!ptep)
		return -ENOENT;
	pte = ptep_get(ptep);
	if (pte_none(pte)) {
		if (alloc == MORSEL_NO_ALLOC)
			return -ENOENT;
		ret = morsel_charge_pages(m, 1);
		if (ret)
			return ret;
		page = morsel_page_alloc(m, alloc);
		if (!page) {
			morsel_charge_pages(m, -1);
			return -ENOMEM;
		}
		if (!morsel_set_leaf(m, ptep, page, &pte)) {
			put_page(page);
			morsel_charge_pages(m, -1);
		}
	}
	if (pagep) {
		*pagep = pte_page(pte);
		get_page(*pagep);
	}
	return 0;
}

/*
 * Put the contents of @page (from morsel_page_alloc()) at @offset: @page
 * itself becomes the leaf of a hole (*@used is set, the morsel owns it),
 * else it is copied into the page there. @m is live, not write-sealed,
 * rwsem held for reading: a seal cannot come between the check and the
 * copy. Return: 0, -EDQUOT, -ENOMEM.
 */
static int morsel_store(struct morsel *m, u64 offset, struct page *page,
			bool *used)
{
	pte_t *ptep = morsel_pte(m, offset, MORSEL_ALLOC_IOCTL);
	pte_t pte;
	int ret;

	*used = false;
	if (IS_ERR(ptep))
		return PTR_ERR(ptep);
	pte = ptep_get(ptep);
	if (pte_none(pte)) {
		ret = morsel_charge_pages(m, 1);
		if (ret)
			return ret;
		if (morsel_set_leaf(m, ptep, page, &pte)) {
			*used = true;
			return 0;
		}
		morsel_charge_pages(m, -1);
	}
	copy_highpage(pte_page(pte), page);
	return 0;
}

/**
 * morsel_range_check() - validate a byte range of a morsel
 * @m: the morsel
 * @offset: start, must be page aligned
 * @length: bytes; a page multiple if @whole_pages
 * @whole_pages: require @length to be a multiple of PAGE_SIZE
 *
 * Return: 0 if [@offset, @offset + @length) lies in the object, else -EINVAL.
 */
int morsel_range_check(const struct morsel *m, u64 offset, u64 length,
		       bool whole_pages)
{
	if (!PAGE_ALIGNED(offset) || (whole_pages && !PAGE_ALIGNED(length)))
		return -EINVAL;
	if (offset > m->length || length > m->length - offset)
		return -EINVAL;
	return 0;
}

/**
 * morsel_populate() - allocate zeroed pages for a range
 * @m: the morsel
 * @offset: checked with morsel_range_check()
 * @length: checked with morsel_range_check()
 *
 * Return: 0, -EIDRM if destroyed, -EINTR on a fatal signal, -EDQUOT,
 * -ENOMEM. Pages allocated before an error stay.
 */
int morsel_populate(struct morsel *m, u64 offset, u64 length)
{
	u64 off;
	int ret = 0;

	for (off = offset; off < offset + length; off += PAGE_SIZE) {
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		down_read(&m->rwsem);
		ret = m->dead ? -EIDRM : morsel_fill(m, off, MORSEL_ALLOC_IOCTL, NULL);
		up_read(&m->rwsem);
		if (ret)
			break;
		cond_resched();
	}
	trace_morsel_populate(m->id, offset, length, ret);
	return ret;
}

/* Call @fn for every present leaf in [@start, @end) below @table. */
static void morsel_walk(struct morsel *m, void *table, u32 level, u64 base,
			u64 start, u64 end, morsel_leaf_fn fn)
{
	u64 size = 1ULL << morsel_entry_shift(level);
	unsigned int i;

	for (i = 0; i < MORSEL_TABLE_ENTRIES; i++) {
		u64 lo = base + i * size;

		if (lo + size <= start || lo >= end)
			continue;
		if (level == MORSEL_LEVEL_PTE) {
			pte_t *ptep = (pte_t *)table + i;

			if (!pte_none(ptep_get(ptep)))
				fn(m, ptep);
		} else {
			void *child = morsel_child(table, level, i);

			if (child)
				morsel_walk(m, child, level - 1, lo, start, end,
					    fn);
		}
	}
	cond_resched();
}

static void morsel_discard_leaf(struct morsel *m, pte_t *ptep)
{
	struct page *page = pte_page(ptep_get(ptep));

	pte_clear(NULL, 0, ptep);
	put_page(page);
	morsel_charge_pages(m, -1);
}

/**
 * morsel_discard_locked() - free the pages of a range
 * @m: the morsel, rwsem held for writing, revoked with
 *	morsel_revoke_locked() (no CPU holds a translation to its pages)
 * @offset: checked with morsel_range_check()
 * @length: checked with morsel_range_check()
 *
 * Tables stay until the morsel is destroyed.
 */
void morsel_discard_locked(struct morsel *m, u64 offset, u64 length)
{
	morsel_walk(m, m->root, m->level, 0, offset, offset + length,
		    morsel_discard_leaf);
}

static void morsel_wrprotect_leaf(struct morsel *m, pte_t *ptep)
{
	set_pte(ptep, pte_wrprotect(ptep_get(ptep)));
}

/**
 * morsel_wrprotect_locked() - make every leaf read-only
 * @m: a live morsel, rwsem held for writing, revoked (nothing links it)
 */
void morsel_wrprotect_locked(struct morsel *m)
{
	morsel_walk(m, m->root, m->level, 0, 0, m->span, morsel_wrprotect_leaf);
}

static void morsel_free_table(struct morsel *m, void *table, u32 level)
{
	unsigned int i;

	for (i = 0; i < MORSEL_TABLE_ENTRIES; i++) {
		if (level == MORSEL_LEVEL_PTE) {
			pte_t *ptep = (pte_t *)table + i;

			if (!pte_none(ptep_get(ptep)))
				morsel_discard_leaf(m, ptep);
		} else {
			void *child = morsel_child(table, level, i);

			if (child)
				morsel_free_table(m, child, level - 1);
		}
	}
	morsel_table_free(m, table, level);
	cond_resched();
}

/**
 * morsel_tree_free() - free all tables and pages of a morsel
 * @m: the morsel, going away: no VMA maps it (so no mm links it, every
 *	unlink was flushed, and no walker under an mmap lock is inside) and
 *	an RCU grace period has passed (lockless walkers)
 */
void morsel_tree_free(struct morsel *m)
{
	if (m->root)
		morsel_free_table(m, m->root, m->level);
	m->root = NULL;
}

static long morsel_load_pages(struct morsel *m, struct file *src,
			      loff_t src_offset, u64 offset, u64 length)
{
	u64 done = 0;

	while (done < length) {
		size_t n = min_t(u64, PAGE_SIZE, length - done);
		struct page *page;
		bool used = false;
		void *kaddr;
		ssize_t r;
		int ret;

		if (fatal_signal_pending(current))
			return done ? done : -EINTR;
		page = morsel_page_alloc(m, MORSEL_ALLOC_IOCTL);
		if (!page)
			return done ? done : -ENOMEM;
		kaddr = kmap_local_page(page);
		r = kernel_read(src, kaddr, n, &src_offset);
		kunmap_local(kaddr);
		ret = r < 0 ? r : 0;
		/* At the end of the source, too: a sealed morsel takes no LOAD. */
		if (r >= 0) {
			down_read(&m->rwsem);
			if (m->dead)
				ret = -EIDRM;
			else if (m->seals & MORSEL_SEAL_WRITE)
				ret = -EPERM;
			else if (r > 0)
				ret = morsel_store(m, offset + done, page, &used);
			up_read(&m->rwsem);
		}
		if (!used)
			put_page(page);
		if (ret)
			return done ? done : ret;
		done += r;
		if (r < n)
			break;
		cond_resched();
	}
	return done;
}

/**
 * morsel_load() - copy part of a file into a morsel
 * @m: the morsel
 * @src: file to read (kernel_read() checks it is readable)
 * @src_offset: where to start reading
 * @offset: destination, checked with morsel_range_check()
 * @length: bytes, checked with morsel_range_check()
 *
 * Each page is read into a new page first, with no morsel lock held, so a
 * slow or recursive source cannot block faults or revocation; it is then
 * stored under the rwsem after checking the seal, so nothing is written
 * into a morsel once MORSEL_SEAL_WRITE has returned. A page that is only
 * partly read is zero-filled after the data.
 *
 * Return: bytes copied (fewer at end of file), or a negative errno if
 * nothing was copied.
 */
long morsel_load(struct morsel *m, struct file *src, loff_t src_offset,
		 u64 offset, u64 length)
{
	long ret = morsel_load_pages(m, src, src_offset, offset, length);

	trace_morsel_load(m->id, offset, length, ret);
	return ret;
}
