/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A user-space stand-in for the subset of KUnit our suites use, so that the
 * suites in kunit/ are written once and also run as a plain program (plain,
 * under the sanitizers, with gcc and clang). shim-include/ maps
 * <kunit/test.h> and <linux/slab.h> here.
 *
 * Output: one "PASS <suite>.<case>" or "FAIL <suite>.<case>: <where>" line per
 * case, then "N passed, N failed"; the exit status is 1 if any case failed.
 */
#ifndef KUNIT_SHIM_H
#define KUNIT_SHIM_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Lets shared test helpers use what only the user-space build offers. */
#define KUNIT_SHIM 1

/* What the kernel's <kunit/test.h> brings along and the suites use. */
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Allocation flags are accepted and ignored. */
#define GFP_KERNEL 0u

#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif

void *kvzalloc(size_t size, unsigned int gfp);
void kvfree(const void *ptr);

struct kunit_shim_action;

struct kunit {
	const char *name;
	void *priv;
	/* private: */
	bool failed;
	char where[256];
	jmp_buf abort;
	struct kunit_shim_action *actions;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
};

struct kunit_suite {
	const char *name;
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(fn) { .run_case = fn, .name = #fn }

/* One node per kunit_test_suites() use, linked up before main() runs. */
struct kunit_shim_set {
	struct kunit_suite *const *suites;
	struct kunit_shim_set *next;
};

void kunit_shim_register(struct kunit_shim_set *set);

/* The trailing extern declaration swallows the caller's semicolon. */
#define kunit_test_suites(...)						\
	static struct kunit_suite *const kunit_shim_suites[] = {	\
		__VA_ARGS__, NULL };					\
	static struct kunit_shim_set kunit_shim_set = {			\
		.suites = kunit_shim_suites };				\
	__attribute__((constructor)) static void kunit_shim_ctor(void)	\
	{								\
		kunit_shim_register(&kunit_shim_set);			\
	}								\
	extern int kunit_shim_unused
#define kunit_test_suite(suite) kunit_test_suites(&suite)

int kunit_add_action(struct kunit *test, void (*action)(void *ctx), void *ctx);
int kunit_add_action_or_reset(struct kunit *test, void (*action)(void *ctx),
			      void *ctx);
void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size,
			  unsigned int gfp);

static inline void *kunit_kzalloc(struct kunit *test, size_t size,
				  unsigned int gfp)
{
	/* Shim allocations are always zeroed. */
	return kunit_kmalloc_array(test, 1, size, gfp);
}

static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size,
				  unsigned int gfp)
{
	return kunit_kmalloc_array(test, n, size, gfp);
}

#define kunit_info(test, fmt, ...) \
	printf("    # %s: " fmt, (test)->name, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...) \
	printf("    # %s: error: " fmt, (test)->name, ##__VA_ARGS__)

void kunit_shim_fail(struct kunit *test, const char *file, int line,
		     bool abort, const char *what, const char *fmt, ...)
	__printf(6, 7);

#define KUNIT_SHIM_CHECK(test, abort, cond, what, fmt, ...)		\
	do {								\
		if (!(cond))						\
			kunit_shim_fail(test, __FILE__, __LINE__, abort, \
					what, fmt, ##__VA_ARGS__);	\
	} while (0)

/*
 * Both sides are evaluated once, in their own types, as KUnit does; the
 * kernel builds without -Wsign-compare, so mixed comparisons must not warn
 * here either.
 */
#define KUNIT_SHIM_BINARY(test, abort, l, op, r, fmt, ...)		\
	do {								\
		const __typeof__(l) kunit_l = (l);			\
		const __typeof__(r) kunit_r = (r);			\
		bool kunit_ok;						\
		_Pragma("GCC diagnostic push")				\
		_Pragma("GCC diagnostic ignored \"-Wsign-compare\"")	\
		kunit_ok = kunit_l op kunit_r;				\
		_Pragma("GCC diagnostic pop")				\
		if (!kunit_ok)						\
			kunit_shim_fail(test, __FILE__, __LINE__, abort, \
					#l " " #op " " #r, "(%lld vs %lld) " fmt, \
					(long long)kunit_l,		\
					(long long)kunit_r, ##__VA_ARGS__); \
	} while (0)

#define KUNIT_SHIM_MEMEQ(test, abort, l, r, size, fmt, ...)		\
	KUNIT_SHIM_CHECK(test, abort, !memcmp((l), (r), (size)),	\
			 "memcmp(" #l ", " #r ", " #size ") == 0", fmt,	\
			 ##__VA_ARGS__)

#define KUNIT_FAIL(test, fmt, ...) \
	KUNIT_SHIM_CHECK(test, false, false, "KUNIT_FAIL", fmt, ##__VA_ARGS__)

#define KUNIT_EXPECT_EQ_MSG(t, l, r, ...) \
	KUNIT_SHIM_BINARY(t, false, l, ==, r, __VA_ARGS__)
#define KUNIT_EXPECT_NE_MSG(t, l, r, ...) \
	KUNIT_SHIM_BINARY(t, false, l, !=, r, __VA_ARGS__)
#define KUNIT_EXPECT_LT_MSG(t, l, r, ...) \
	KUNIT_SHIM_BINARY(t, false, l, <, r, __VA_ARGS__)
#define KUNIT_EXPECT_LE_MSG(t, l, r, ...) \
	KUNIT_SHIM_BINARY(t, false, l, <=, r, __VA_ARGS__)
#define KUNIT_EXPECT_GT_MSG(t, l, r, ...) \
	KUNIT_SHIM_BINARY(t, false, l, >, r, __VA_ARGS__)
#define KUNIT_EXPECT_GE_MSG(t, l, r, ...) \
	KUNIT_SHIM_BINARY(t, false, l, >=, r, __VA_ARGS__)
#define KUNIT_EXPECT_TRUE_MSG(t, c, ...) \
	KUNIT_SHIM_CHECK(t, false, c, #c, __VA_ARGS__)
#define KUNIT_EXPECT_FALSE_MSG(t, c, ...) \
	KUNIT_SHIM_CHECK(t, false, !(c), "!(" #c ")", __VA_ARGS__)
#define KUNIT_EXPECT_NULL_MSG(t, p, ...) \
	KUNIT_SHIM_CHECK(t, false, (p) == NULL, #p " == NULL", __VA_ARGS__)
#define KUNIT_EXPECT_NOT_NULL_MSG(t, p, ...) \
	KUNIT_SHIM_CHECK(t, false, (p) != NULL, #p " != NULL", __VA_ARGS__)
#define KUNIT_EXPECT_MEMEQ_MSG(t, l, r, n, ...) \
	KUNIT_SHIM_MEMEQ(t, false, l, r, n, __VA_ARGS__)

#define KUNIT_ASSERT_EQ_MSG(t, l, r, ...) \
	KUNIT_SHIM_BINARY(t, true, l, ==, r, __VA_ARGS__)
#define KUNIT_ASSERT_NE_MSG(t, l, r, ...) \
	KUNIT_SHIM_BINARY(t, true, l, !=, r, __VA_ARGS__)
#define KUNIT_ASSERT_LT_MSG(t, l, r, ...) \
	KUNIT_SHIM_BINARY(t, true, l, <, r, __VA_ARGS__)
#define KUNIT_ASSERT_LE_MSG(t, l, r, ...) \
	KUNIT_SHIM_BINARY(t, true, l, <=, r, __VA_ARGS__)
#define KUNIT_ASSERT_GT_MSG(t, l, r, ...) \
	KUNIT_SHIM_BINARY(t, true, l, >, r, __VA_ARGS__)
#define KUNIT_ASSERT_GE_MSG(t, l, r, ...) \
	KUNIT_SHIM_BINARY(t, true, l, >=, r, __VA_ARGS__)
#define KUNIT_ASSERT_TRUE_MSG(t, c, ...) \
	KUNIT_SHIM_CHECK(t, true, c, #c, __VA_ARGS__)
#define KUNIT_ASSERT_FALSE_MSG(t, c, ...) \
	KUNIT_SHIM_CHECK(t, true, !(c), "!(" #c ")", __VA_ARGS__)
#define KUNIT_ASSERT_NULL_MSG(t, p, ...) \
	KUNIT_SHIM_CHECK(t, true, (p) == NULL, #p " == NULL", __VA_ARGS__)
#define KUNIT_ASSERT_NOT_NULL_MSG(t, p, ...) \
	KUNIT_SHIM_CHECK(t, true, (p) != NULL, #p " != NULL", __VA_ARGS__)

#define KUNIT_EXPECT_EQ(t, l, r) KUNIT_EXPECT_EQ_MSG(t, l, r, "%s", "")
#define KUNIT_EXPECT_NE(t, l, r) KUNIT_EXPECT_NE_MSG(t, l, r, "%s", "")
#define KUNIT_EXPECT_LT(t, l, r) KUNIT_EXPECT_LT_MSG(t, l, r, "%s", "")
#define KUNIT_EXPECT_LE(t, l, r) KUNIT_EXPECT_LE_MSG(t, l, r, "%s", "")
#define KUNIT_EXPECT_GT(t, l, r) KUNIT_EXPECT_GT_MSG(t, l, r, "%s", "")
#define KUNIT_EXPECT_GE(t, l, r) KUNIT_EXPECT_GE_MSG(t, l, r, "%s", "")
#define KUNIT_EXPECT_TRUE(t, c) KUNIT_EXPECT_TRUE_MSG(t, c, "%s", "")
#define KUNIT_EXPECT_FALSE(t, c) KUNIT_EXPECT_FALSE_MSG(t, c, "%s", "")
#define KUNIT_EXPECT_NULL(t, p) KUNIT_EXPECT_NULL_MSG(t, p, "%s", "")
#define KUNIT_EXPECT_NOT_NULL(t, p) KUNIT_EXPECT_NOT_NULL_MSG(t, p, "%s", "")
#define KUNIT_EXPECT_MEMEQ(t, l, r, n) \
	KUNIT_EXPECT_MEMEQ_MSG(t, l, r, n, "%s", "")

#define KUNIT_ASSERT_EQ(t, l, r) KUNIT_ASSERT_EQ_MSG(t, l, r, "%s", "")
#define KUNIT_ASSERT_NE(t, l, r) KUNIT_ASSERT_NE_MSG(t, l, r, "%s", "")
#define KUNIT_ASSERT_LT(t, l, r) KUNIT_ASSERT_LT_MSG(t, l, r, "%s", "")
#define KUNIT_ASSERT_LE(t, l, r) KUNIT_ASSERT_LE_MSG(t, l, r, "%s", "")
#define KUNIT_ASSERT_GT(t, l, r) KUNIT_ASSERT_GT_MSG(t, l, r, "%s", "")
#define KUNIT_ASSERT_GE(t, l, r) KUNIT_ASSERT_GE_MSG(t, l, r, "%s", "")
#define KUNIT_ASSERT_TRUE(t, c) KUNIT_ASSERT_TRUE_MSG(t, c, "%s", "")
#define KUNIT_ASSERT_FALSE(t, c) KUNIT_ASSERT_FALSE_MSG(t, c, "%s", "")
#define KUNIT_ASSERT_NULL(t, p) KUNIT_ASSERT_NULL_MSG(t, p, "%s", "")
#define KUNIT_ASSERT_NOT_NULL(t, p) KUNIT_ASSERT_NOT_NULL_MSG(t, p, "%s", "")

#endif /* KUNIT_SHIM_H */
