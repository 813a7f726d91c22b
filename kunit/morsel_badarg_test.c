// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the argument checks of the morsel ioctls and mmap
 * (create, ranges, names, attach).
 */
#include <linux/mman.h>
#include <linux/sizes.h>
#include "morsel_test_util.h"

static void morsel_badarg_create(struct kunit *test)
{
	struct morsel_create ok = {
		.size = sizeof(ok),
		.level = MORSEL_LEVEL_PMD,
		.flags = MORSEL_F_WRITABLE,
		.length = SZ_1G,
	};
	struct morsel_create a;

	KUNIT_EXPECT_EQ(test, morsel_create_check(&ok, false), 0);
	KUNIT_EXPECT_EQ(test, morsel_create_check(&ok, true), 0);
	a = ok;
	a.size--;
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, true), -EINVAL);
	a = ok;
	a.level = 0;
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, true), -EINVAL);
	a = ok;
	a.level = MORSEL_LEVEL_P4D;
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, false), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, true), 0);
	a = ok;
	a.flags = MORSEL_F_ALL + 1;
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, true), -EINVAL);
	a = ok;
	a.fd_flags = O_NONBLOCK;
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, true), -EINVAL);
	a.fd_flags = O_CLOEXEC;
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, true), 0);
	a = ok;
	a.length = 0;
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, true), -EINVAL);
	a.length = PAGE_SIZE + 1;
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, true), -EINVAL);
	a.length = SZ_1G + PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, true), -EINVAL);
	a.length = ~0ULL & PAGE_MASK;
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, true), -EINVAL);
	/* fixed_addr: only with the flag, span aligned, in user space. */
	a = ok;
	a.fixed_addr = SZ_1G;
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, true), -EINVAL);
	a.flags |= MORSEL_F_FIXED_ADDR;
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, true), 0);
	a.fixed_addr = SZ_1G + SZ_2M;
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, true), -EINVAL);
	a.fixed_addr = 1ULL << 47;
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, morsel_create_check(&a, true), 0);
}

static void morsel_badarg_names(struct kunit *test)
{
	char name[MORSEL_NAME_MAX];

	KUNIT_EXPECT_EQ(test, morsel_name_check("model-7b.weights_v2"), 0);
	KUNIT_EXPECT_EQ(test, morsel_name_check(""), -EINVAL);
	KUNIT_EXPECT_EQ(test, morsel_name_check("a/b"), -EINVAL);
	KUNIT_EXPECT_EQ(test, morsel_name_check("a b"), -EINVAL);
	memset(name, 'x', sizeof(name));
	KUNIT_EXPECT_EQ(test, morsel_name_check(name), -EINVAL);
	name[MORSEL_NAME_MAX - 1] = '\0';
	KUNIT_EXPECT_EQ(test, morsel_name_check(name), 0);
}

static void morsel_badarg_ranges(struct kunit *test)
{
	struct morsel m = { .length = SZ_1M };

	KUNIT_EXPECT_EQ(test, morsel_range_check(&m, 0, SZ_1M, true), 0);
	KUNIT_EXPECT_EQ(test, morsel_range_check(&m, SZ_1M, 0, true), 0);
	KUNIT_EXPECT_EQ(test, morsel_range_check(&m, 1, PAGE_SIZE, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, morsel_range_check(&m, 0, 100, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, morsel_range_check(&m, 0, 100, false), 0);
	KUNIT_EXPECT_EQ(test, morsel_range_check(&m, 0, SZ_1M + 1, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, morsel_range_check(&m, SZ_1M + PAGE_SIZE, 0, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, morsel_range_check(&m, PAGE_SIZE, ~0ULL & PAGE_MASK, true),
			-EINVAL);
}

static void morsel_badarg_mmap(struct kunit *test)
{
	struct morsel m = {
		.level = MORSEL_LEVEL_PMD,
		.flags = MORSEL_F_WRITABLE,
		.span = SZ_1G,
		.length = SZ_1G,
	};
	unsigned long rw = VM_MAYSHARE | VM_SHARED | VM_READ | VM_WRITE;
	unsigned long ro = VM_MAYSHARE | VM_READ;
	fmode_t rdwr = FMODE_READ | FMODE_WRITE;

	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, SZ_1G, SZ_1G, 0, rw, rdwr), 0);
	/* Writable leaves: no read-only attach, whatever the fd. */
	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, SZ_1G, SZ_1G, 0, ro, FMODE_READ), -EACCES);
	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, SZ_1G, SZ_1G, 0, ro, rdwr), -EACCES);
	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, SZ_1G, SZ_1G, 0, VM_READ | VM_WRITE, rdwr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, SZ_1G, SZ_1G, 1, rw, rdwr), -EINVAL);
	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, SZ_1G, SZ_2M, 0, rw, rdwr), -EINVAL);
	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, SZ_2M, SZ_1G, 0, rw, rdwr), -EINVAL);
	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, SZ_1G, SZ_1G, 0, rw, FMODE_READ), -EACCES);
	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, SZ_1G, SZ_1G, 0, rw | VM_EXEC, rdwr),
			-EACCES);
	m.fixed_addr = 2ULL * SZ_1G;
	m.flags |= MORSEL_F_FIXED_ADDR;
	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, SZ_1G, SZ_1G, 0, rw, rdwr), -EINVAL);
	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, 2ULL * SZ_1G, SZ_1G, 0, rw, rdwr), 0);
	m.seals = MORSEL_SEAL_WRITE;
	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, 2ULL * SZ_1G, SZ_1G, 0, rw, rdwr), -EPERM);

	/* The same at every level; sealed or read-only morsels attach read-only. */
	m = (struct morsel){
		.level = MORSEL_LEVEL_PTE,
		.flags = MORSEL_F_WRITABLE,
		.span = SZ_2M,
		.length = SZ_2M,
	};
	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, SZ_2M, SZ_2M, 0, ro, FMODE_READ), -EACCES);
	m.seals = MORSEL_SEAL_WRITE;
	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, SZ_2M, SZ_2M, 0, ro, FMODE_READ), 0);
	m.seals = 0;
	m.flags = 0;
	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, SZ_2M, SZ_2M, 0, ro, FMODE_READ), 0);
	KUNIT_EXPECT_EQ(test, morsel_mmap_check(&m, SZ_2M, SZ_2M, 0, rw, rdwr), -EACCES);
}

static struct kunit_case morsel_badarg_cases[] = {
	KUNIT_CASE(morsel_badarg_create),
	KUNIT_CASE(morsel_badarg_names),
	KUNIT_CASE(morsel_badarg_ranges),
	KUNIT_CASE(morsel_badarg_mmap),
	{}
};

static struct kunit_suite morsel_badarg_suite = {
	.name = "morsel_badarg",
	.test_cases = morsel_badarg_cases,
};
kunit_test_suites(&morsel_badarg_suite);
