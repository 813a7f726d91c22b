// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for linking morsels into a real mm (src/morsel/link.c and the
 * hooks in src/morsel/vma.c): a fresh mm, used by the test thread, maps a
 * morsel with vm_mmap(); uaccess faults go through the fault hook and
 * vm_munmap() through the zap hook.
 */
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>
#include "morsel_test_util.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

struct morsel_test_mm {
	struct mm_struct *mm;
	struct morsel *m;
	struct file *file;
	unsigned long addr;
};

/* Map a new morsel of @level at its second span in a fresh mm. */
static void morsel_test_attach(struct kunit *test, struct morsel_test_mm *t,
			       u32 level, u32 flags, unsigned long prot)
{
	t->mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, t->mm);
	kthread_use_mm(t->mm);
	t->m = morsel_test_new(test, level, 4 * PAGE_SIZE, flags);
	t->file = morsel_file(t->m, O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t->file));
	t->addr = t->m->span;
	KUNIT_ASSERT_EQ(test, vm_mmap(t->file, t->addr, t->m->span, prot,
				      MAP_SHARED | MAP_FIXED, 0), t->addr);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->m->attaches), 1);
}

static void morsel_test_detach(struct kunit *test, struct morsel_test_mm *t)
{
	KUNIT_EXPECT_EQ(test, vm_munmap(t->addr, t->m->span), 0);
	KUNIT_EXPECT_FALSE(test, morsel_linked(t->m, t->mm, t->addr));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->m->attaches), 0);
	kthread_unuse_mm(t->mm);
	mmput(t->mm);
	morsel_put(t->m);
	fput(t->file);
	/* Files released by a kernel thread go to a work item. */
	flush_delayed_fput();
}

static void morsel_link_fault_and_zap(struct kunit *test)
{
	struct morsel_test_counts before = morsel_test_counts();
	u32 top = morsel_l5() ? MORSEL_LEVEL_P4D : MORSEL_LEVEL_PUD;
	u32 level;

	for (level = MORSEL_LEVEL_PTE; level <= top; level++) {
		struct morsel_test_mm t;
		u32 __user *u;
		struct page *page;
		u32 *p, v = 0;

		morsel_test_attach(test, &t, level, MORSEL_F_WRITABLE,
				   PROT_READ | PROT_WRITE);
		u = (u32 __user *)t.addr;
		/* Linked lazily, on the first touch. */
		KUNIT_EXPECT_FALSE(test, morsel_linked(t.m, t.mm, t.addr));
		KUNIT_EXPECT_EQ(test, put_user(0x1234u, u + 1), 0);
		KUNIT_EXPECT_TRUE(test, morsel_linked(t.m, t.mm, t.addr));
		KUNIT_EXPECT_EQ(test, get_user(v, u + 1), 0);
		KUNIT_EXPECT_EQ(test, v, 0x1234u);
		/* Beyond the object, inside the span: SIGBUS, -EFAULT here. */
		KUNIT_EXPECT_EQ(test, put_user(1u, u + 4 * PAGE_SIZE / 4), -EFAULT);
		KUNIT_EXPECT_EQ(test, atomic_long_read(&t.m->pages), 1L);

		down_read(&t.m->rwsem);
		KUNIT_ASSERT_EQ(test, morsel_fill(t.m, 0, MORSEL_NO_ALLOC, &page), 0);
		up_read(&t.m->rwsem);
		p = kmap_local_page(page);
		KUNIT_EXPECT_EQ(test, p[1], 0x1234u);
		kunmap_local(p);
		put_page(page);

		/* Revocation unlinks; the next touch relinks. */
		down_write(&t.m->rwsem);
		morsel_revoke_locked(t.m);
		up_write(&t.m->rwsem);
		KUNIT_EXPECT_FALSE(test, morsel_linked(t.m, t.mm, t.addr));
		KUNIT_EXPECT_EQ(test, get_user(v, u + 1), 0);
		KUNIT_EXPECT_EQ(test, v, 0x1234u);
		KUNIT_EXPECT_TRUE(test, morsel_linked(t.m, t.mm, t.addr));

		/* After destroy, touches fail. */
		KUNIT_EXPECT_EQ(test, morsel_destroy(t.m), 0);
		KUNIT_EXPECT_NE(test, get_user(v, u), 0);
		morsel_test_detach(test, &t);
	}
	morsel_test_expect_counts(test, before);
}

static void morsel_link_direct(struct kunit *test)
{
	struct morsel_test_counts before = morsel_test_counts();
	struct morsel_test_mm t;

	morsel_test_attach(test, &t, MORSEL_LEVEL_PTE, MORSEL_F_WRITABLE,
			   PROT_READ | PROT_WRITE);
	mmap_read_lock(t.mm);
	down_read(&t.m->rwsem);
	KUNIT_EXPECT_EQ(test, morsel_link(t.m, t.mm, t.addr), 0);
	KUNIT_EXPECT_TRUE(test, morsel_linked(t.m, t.mm, t.addr));
	KUNIT_EXPECT_EQ(test, morsel_link(t.m, t.mm, t.addr), 0);
	up_read(&t.m->rwsem);
	KUNIT_EXPECT_TRUE(test, morsel_unlink(t.m, t.mm, t.addr));
	KUNIT_EXPECT_FALSE(test, morsel_unlink(t.m, t.mm, t.addr));
	KUNIT_EXPECT_FALSE(test, morsel_linked(t.m, t.mm, t.addr));
	mmap_read_unlock(t.mm);
	morsel_test_detach(test, &t);
	morsel_test_expect_counts(test, before);
}

/* What follow_pfnmap_start() (KVM, VFIO) sees at the attach: writable? */
static int morsel_test_pfnmap_writable(struct morsel_test_mm *t)
{
	struct follow_pfnmap_args args = { .address = t->addr };
	int ret = -EFAULT;

	mmap_read_lock(t->mm);
	args.vma = find_vma(t->mm, t->addr);
	if (args.vma && !follow_pfnmap_start(&args)) {
		ret = args.writable;
		follow_pfnmap_end(&args);
	}
	mmap_read_unlock(t->mm);
	return ret;
}

/*
 * Permissions are the leaves', at every level: a read-only attach needs
 * read-only leaves, so what the kernel's leaf readers report is what the
 * attach may do.
 */
static void morsel_link_permissions(struct kunit *test)
{
	struct morsel_test_counts before = morsel_test_counts();
	u32 top = morsel_l5() ? MORSEL_LEVEL_P4D : MORSEL_LEVEL_PUD;
	u32 level;

	for (level = MORSEL_LEVEL_PTE; level <= top; level++) {
		struct morsel_test_mm t;
		u32 __user *u;
		u32 v;

		morsel_test_attach(test, &t, level, MORSEL_F_WRITABLE,
				   PROT_READ | PROT_WRITE);
		u = (u32 __user *)t.addr;
		KUNIT_EXPECT_EQ(test, put_user(7u, u), 0);
		KUNIT_EXPECT_EQ(test, morsel_test_pfnmap_writable(&t), 1);
		/* Read-only attach of writable leaves: refused. */
		KUNIT_EXPECT_EQ(test, vm_mmap(t.file, 3 * t.m->span, t.m->span,
					      PROT_READ, MAP_SHARED | MAP_FIXED, 0),
				(unsigned long)-EACCES);
		KUNIT_EXPECT_EQ(test, morsel_seal(t.m, MORSEL_SEAL_WRITE), -EBUSY);
		KUNIT_EXPECT_EQ(test, vm_munmap(t.addr, t.m->span), 0);

		KUNIT_EXPECT_EQ(test, morsel_seal(t.m, MORSEL_SEAL_WRITE), 0);
		KUNIT_ASSERT_EQ(test, vm_mmap(t.file, t.addr, t.m->span, PROT_READ,
					      MAP_SHARED | MAP_FIXED, 0), t.addr);
		KUNIT_EXPECT_EQ(test, get_user(v, u), 0);
		KUNIT_EXPECT_EQ(test, v, 7u);
		KUNIT_EXPECT_EQ(test, morsel_test_pfnmap_writable(&t), 0);
		KUNIT_EXPECT_NE(test, put_user(1u, u), 0);
		morsel_test_detach(test, &t);
	}
	morsel_test_expect_counts(test, before);
}

static struct kunit_case morsel_link_cases[] = {
	KUNIT_CASE(morsel_link_fault_and_zap),
	KUNIT_CASE(morsel_link_direct),
	KUNIT_CASE(morsel_link_permissions),
	{}
};

static struct kunit_suite morsel_link_suite = {
	.name = "morsel_link",
	.test_cases = morsel_link_cases,
};
kunit_test_suites(&morsel_link_suite);
