// SPDX-License-Identifier: GPL-2.0
/*
 * Runner for the user-space KUnit shim: runs every registered suite and case
 * (or those matching the glob patterns given as arguments, "suite.case").
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>

#include "kunit_shim.h"

struct kunit_shim_action {
	void (*action)(void *ctx);
	void *ctx;
	struct kunit_shim_action *next;
};

static struct kunit_shim_set *sets;
static struct kunit_shim_set **sets_tail = &sets;

void kunit_shim_register(struct kunit_shim_set *set)
{
	*sets_tail = set;
	sets_tail = &set->next;
}

/*
 * Cache-line aligned like the kernel's kmalloc for such sizes, and exactly
 * sized so that ASan catches an access one byte past the end.
 */
void *kvzalloc(size_t size, unsigned int gfp)
{
	void *p;

	(void)gfp;
	if (posix_memalign(&p, 64, size ? size : 1))
		return NULL;
	return memset(p, 0, size);
}

void kvfree(const void *ptr)
{
	free((void *)ptr);
}

int kunit_add_action(struct kunit *test, void (*action)(void *ctx), void *ctx)
{
	struct kunit_shim_action *a = malloc(sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->action = action;
	a->ctx = ctx;
	a->next = test->actions;
	test->actions = a;
	return 0;
}

int kunit_add_action_or_reset(struct kunit *test, void (*action)(void *ctx),
			      void *ctx)
{
	int err = kunit_add_action(test, action, ctx);

	if (err)
		action(ctx);
	return err;
}

static void kunit_shim_free(void *p)
{
	free(p);
}

void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size,
			  unsigned int gfp)
{
	void *p;

	(void)gfp;
	if (size && n > SIZE_MAX / size)
		return NULL;
	p = calloc(n ? n : 1, size ? size : 1);
	if (p && kunit_add_action_or_reset(test, kunit_shim_free, p))
		return NULL;
	return p;
}

void kunit_shim_fail(struct kunit *test, const char *file, int line,
		     bool abort, const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("    %s:%d: %s failed: %s ", file, line,
	       abort ? "assertion" : "expectation", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!test->failed)
		snprintf(test->where, sizeof(test->where), "%s:%d %s", file,
			 line, what);
	test->failed = true;
	if (abort)
		longjmp(test->abort, 1);
}

/* Deferred actions run newest first, as in KUnit. */
static void run_actions(struct kunit *test)
{
	while (test->actions) {
		struct kunit_shim_action *a = test->actions;

		test->actions = a->next;
		a->action(a->ctx);
		free(a);
	}
}

static bool selected(int argc, char **argv, const char *name)
{
	int i;

	if (argc < 2)
		return true;
	for (i = 1; i < argc; i++)
		if (!fnmatch(argv[i], name, 0))
			return true;
	return false;
}

/* Static, so that nothing in it is indeterminate after a longjmp(). */
static struct kunit test;

static bool run_case(struct kunit_suite *suite, struct kunit_case *c)
{
	memset(&test, 0, sizeof(test));
	test.name = c->name;
	fflush(stdout);
	if (!setjmp(test.abort)) {
		if (suite->init)
			KUNIT_ASSERT_EQ(&test, suite->init(&test), 0);
		c->run_case(&test);
	}
	if (suite->exit)
		suite->exit(&test);
	run_actions(&test);
	if (test.failed)
		printf("FAIL %s.%s: %s\n", suite->name, c->name, test.where);
	else
		printf("PASS %s.%s\n", suite->name, c->name);
	return !test.failed;
}

int main(int argc, char **argv)
{
	unsigned long passed = 0, failed = 0;
	struct kunit_shim_set *set;
	char name[512];

	for (set = sets; set; set = set->next) {
		struct kunit_suite *const *s;

		for (s = set->suites; *s; s++) {
			struct kunit_case *c;

			for (c = (*s)->test_cases; c->run_case; c++) {
				snprintf(name, sizeof(name), "%s.%s",
					 (*s)->name, c->name);
				if (!selected(argc, argv, name))
					continue;
				if (run_case(*s, c))
					passed++;
				else
					failed++;
			}
		}
	}
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed ? 1 : 0;
}
