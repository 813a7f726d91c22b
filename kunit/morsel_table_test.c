// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for building and freeing morsel tables (src/morsel/table.c):
 * sparse population, holes, discard, limits, leaf protection, and counters
 * back to zero.
 */
#include <linux/highmem.h>
#include <linux/sizes.h>
#include "morsel_test_util.h"

static u64 morsel_test_pages(struct morsel *m)
{
	return atomic_long_read(&m->pages);
}

static u64 morsel_test_tables(struct morsel *m)
{
	return atomic_long_read(&m->tables);
}

/* The last page of every level needs one table per level. */
static void morsel_table_one_page_per_level(struct kunit *test)
{
	struct morsel_test_counts before = morsel_test_counts();
	u32 top = morsel_l5() ? MORSEL_LEVEL_P4D : MORSEL_LEVEL_PUD;
	u32 level;

	for (level = MORSEL_LEVEL_PTE; level <= top; level++) {
		u64 span = morsel_span(level);
		struct morsel *m = morsel_test_new(test, level, span, 0);

		KUNIT_EXPECT_EQ(test, morsel_test_tables(m), 1ULL);
		KUNIT_EXPECT_EQ(test, morsel_populate(m, span - PAGE_SIZE, PAGE_SIZE), 0);
		KUNIT_EXPECT_EQ(test, morsel_test_pages(m), 1ULL);
		KUNIT_EXPECT_EQ(test, morsel_test_tables(m), (u64)level);
		KUNIT_EXPECT_EQ(test, morsel_test_tables(m),
				morsel_tables_for(level, PAGE_SIZE));
		morsel_put(m);
	}
	morsel_test_expect_counts(test, before);
}

static void morsel_table_sparse_fill_discard(struct kunit *test)
{
	struct morsel_test_counts before = morsel_test_counts();
	struct morsel *m = morsel_test_new(test, MORSEL_LEVEL_PMD, SZ_1G,
					   MORSEL_F_WRITABLE);
	struct page *page, *again;
	u32 *p;

	KUNIT_EXPECT_EQ(test, morsel_populate(m, 0, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, morsel_populate(m, SZ_1G - PAGE_SIZE, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, morsel_test_pages(m), 2ULL);
	KUNIT_EXPECT_EQ(test, morsel_test_tables(m), 3ULL);

	down_read(&m->rwsem);
	/* A hole in a present PTE table and one without a PTE table. */
	KUNIT_EXPECT_EQ(test, morsel_fill(m, PAGE_SIZE, MORSEL_NO_ALLOC, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, morsel_fill(m, SZ_2M, MORSEL_NO_ALLOC, NULL), -ENOENT);
	KUNIT_ASSERT_EQ(test, morsel_fill(m, 0, MORSEL_NO_ALLOC, &page), 0);
	p = kmap_local_page(page);
	KUNIT_EXPECT_EQ(test, p[0], 0u);
	KUNIT_EXPECT_EQ(test, p[PAGE_SIZE / 4 - 1], 0u);
	p[1] = 0xabcd;
	kunmap_local(p);
	KUNIT_ASSERT_EQ(test, morsel_fill(m, 0, MORSEL_ALLOC_IOCTL, &again), 0);
	KUNIT_EXPECT_PTR_EQ(test, page, again);
	put_page(again);
	put_page(page);
	up_read(&m->rwsem);
	KUNIT_EXPECT_EQ(test, morsel_test_pages(m), 2ULL);

	down_write(&m->rwsem);
	morsel_revoke_locked(m);
	morsel_discard_locked(m, 0, SZ_2M);
	up_write(&m->rwsem);
	KUNIT_EXPECT_EQ(test, morsel_test_pages(m), 1ULL);
	KUNIT_EXPECT_EQ(test, morsel_test_tables(m), 3ULL);

	/* Refilled after a discard: zero again. */
	down_read(&m->rwsem);
	KUNIT_ASSERT_EQ(test, morsel_fill(m, 0, MORSEL_ALLOC_IOCTL, &page), 0);
	p = kmap_local_page(page);
	KUNIT_EXPECT_EQ(test, p[1], 0u);
	kunmap_local(p);
	put_page(page);
	up_read(&m->rwsem);

	/* Destroy frees the pages; tables go with the morsel itself. */
	KUNIT_EXPECT_EQ(test, morsel_destroy(m), 0);
	KUNIT_EXPECT_EQ(test, morsel_test_pages(m), 0ULL);
	KUNIT_EXPECT_EQ(test, morsel_test_tables(m), 3ULL);
	KUNIT_EXPECT_EQ(test, morsel_destroy(m), -EIDRM);
	KUNIT_EXPECT_EQ(test, morsel_populate(m, 0, PAGE_SIZE), -EIDRM);
	morsel_put(m);
	morsel_test_expect_counts(test, before);
}

/* The per-user limit counts page tables as well as data pages. */
static void morsel_table_page_limit(struct kunit *test)
{
	struct morsel_test_counts before = morsel_test_counts();
	unsigned long saved = morsel_max_pages_per_user;
	struct morsel *m = morsel_test_new(test, MORSEL_LEVEL_PTE, SZ_2M, 0);
	struct morsel *pmd = morsel_test_new(test, MORSEL_LEVEL_PMD, SZ_1G, 0);

	/* Two roots so far: room for one more page. */
	morsel_max_pages_per_user = 3;
	KUNIT_EXPECT_EQ(test, morsel_populate(m, 0, 3 * PAGE_SIZE), -EDQUOT);
	KUNIT_EXPECT_EQ(test, morsel_test_pages(m), 1ULL);
	/* Full: a PMD-table morsel cannot get the PTE table it needs. */
	KUNIT_EXPECT_EQ(test, morsel_populate(pmd, 0, PAGE_SIZE), -EDQUOT);
	KUNIT_EXPECT_EQ(test, morsel_test_tables(pmd), 1ULL);
	KUNIT_EXPECT_EQ(test, morsel_test_pages(pmd), 0ULL);
	morsel_max_pages_per_user = saved;
	KUNIT_EXPECT_EQ(test, morsel_populate(m, 0, 3 * PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, morsel_test_pages(m), 3ULL);
	KUNIT_EXPECT_EQ(test, morsel_populate(pmd, 0, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, morsel_test_tables(pmd), 2ULL);
	morsel_put(pmd);
	morsel_put(m);
	morsel_test_expect_counts(test, before);
}

/*
 * Leaves carry every bit the kernel's own protection for such a shared
 * mapping has (vm_get_page_prot(): memory encryption on SME/SEV machines;
 * under QEMU TCG _PAGE_ENC is 0) and the morsel's permissions.
 */
static void morsel_table_leaf_prot(struct kunit *test)
{
	static const u32 cases[] = {
		0, MORSEL_F_WRITABLE, MORSEL_F_EXEC,
		MORSEL_F_WRITABLE | MORSEL_F_EXEC,
	};
	struct morsel_test_counts before = morsel_test_counts();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		bool write = cases[i] & MORSEL_F_WRITABLE;
		bool exec = cases[i] & MORSEL_F_EXEC;
		vm_flags_t flags = VM_READ | VM_SHARED |
				   (write ? VM_WRITE : 0) | (exec ? VM_EXEC : 0);
		pteval_t need = pgprot_val(vm_get_page_prot(flags)) &
				__supported_pte_mask;
		struct morsel *m = morsel_test_new(test, MORSEL_LEVEL_PTE,
						   SZ_2M, cases[i]);
		/* A PTE-table morsel's root holds the leaves. */
		pte_t pte;

		KUNIT_ASSERT_EQ(test, morsel_populate(m, 0, PAGE_SIZE), 0);
		pte = ptep_get((pte_t *)m->root);
		KUNIT_EXPECT_TRUE(test, pte_present(pte));
		KUNIT_EXPECT_TRUE(test, pte_special(pte));
		KUNIT_EXPECT_EQ(test, pte_val(pte) & need, need);
		KUNIT_EXPECT_EQ(test, pte_val(pte) & _PAGE_ENC, (pteval_t)_PAGE_ENC);
		KUNIT_EXPECT_EQ(test, !!pte_write(pte), write);
		KUNIT_EXPECT_EQ(test, !!pte_exec(pte), exec);
		if (write) {
			/* Sealing write-protects the leaf and nothing else. */
			KUNIT_EXPECT_EQ(test, morsel_seal(m, MORSEL_SEAL_WRITE), 0);
			pte = ptep_get((pte_t *)m->root);
			KUNIT_EXPECT_FALSE(test, pte_write(pte));
			KUNIT_EXPECT_EQ(test, pte_val(pte) & _PAGE_ENC,
					(pteval_t)_PAGE_ENC);
			KUNIT_EXPECT_EQ(test, !!pte_exec(pte), exec);
		}
		morsel_put(m);
	}
	morsel_test_expect_counts(test, before);
}

static void morsel_table_wrprotect(struct kunit *test)
{
	struct morsel_test_counts before = morsel_test_counts();
	struct morsel *m = morsel_test_new(test, MORSEL_LEVEL_PTE, SZ_2M,
					   MORSEL_F_WRITABLE);

	KUNIT_EXPECT_TRUE(test, morsel_leaves_writable(m));
	KUNIT_EXPECT_EQ(test, morsel_populate(m, 0, SZ_64K), 0);
	KUNIT_EXPECT_EQ(test, morsel_seal(m, MORSEL_SEAL_WRITE), 0);
	KUNIT_EXPECT_FALSE(test, morsel_leaves_writable(m));
	KUNIT_EXPECT_EQ(test, m->seals, MORSEL_SEAL_WRITE);
	KUNIT_EXPECT_EQ(test, morsel_seal(m, MORSEL_SEAL_DISCARD), 0);
	KUNIT_EXPECT_EQ(test, m->seals, MORSEL_SEAL_ALL);
	morsel_put(m);
	morsel_test_expect_counts(test, before);
}

static struct kunit_case morsel_table_cases[] = {
	KUNIT_CASE(morsel_table_one_page_per_level),
	KUNIT_CASE(morsel_table_sparse_fill_discard),
	KUNIT_CASE(morsel_table_page_limit),
	KUNIT_CASE(morsel_table_leaf_prot),
	KUNIT_CASE(morsel_table_wrprotect),
	{}
};

static struct kunit_suite morsel_table_suite = {
	.name = "morsel_table",
	.test_cases = morsel_table_cases,
};
kunit_test_suites(&morsel_table_suite);
