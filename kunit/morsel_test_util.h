/* SPDX-License-Identifier: GPL-2.0 */
/* Shared helpers of the morsel KUnit suites. */
#ifndef MORSEL_TEST_UTIL_H
#define MORSEL_TEST_UTIL_H

#include <kunit/test.h>
#include "../src/morsel/morsel.h"

/* A new morsel; the test fails (and stops) if it cannot be created. */
static inline struct morsel *morsel_test_new(struct kunit *test, u32 level,
					     u64 length, u32 flags)
{
	struct morsel_create arg = {
		.size = sizeof(arg),
		.level = level,
		.flags = flags,
		.length = length,
	};
	struct morsel *m;

	KUNIT_ASSERT_EQ(test, morsel_create_check(&arg, morsel_l5()), 0);
	m = morsel_new(&arg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(m));
	return m;
}

/* Global counters, to compare before and after a test (leak check). */
struct morsel_test_counts {
	long morsels, pages, tables, attaches;
};

static inline struct morsel_test_counts morsel_test_counts(void)
{
	struct morsel_test_counts c = {
		atomic_long_read(&morsel_stats.morsels),
		atomic_long_read(&morsel_stats.pages),
		atomic_long_read(&morsel_stats.tables),
		atomic_long_read(&morsel_stats.attaches),
	};

	return c;
}

static inline void morsel_test_expect_counts(struct kunit *test,
					     struct morsel_test_counts before)
{
	struct morsel_test_counts now = morsel_test_counts();

	KUNIT_EXPECT_EQ(test, now.morsels, before.morsels);
	KUNIT_EXPECT_EQ(test, now.pages, before.pages);
	KUNIT_EXPECT_EQ(test, now.tables, before.tables);
	KUNIT_EXPECT_EQ(test, now.attaches, before.attaches);
}

#endif /* MORSEL_TEST_UTIL_H */
