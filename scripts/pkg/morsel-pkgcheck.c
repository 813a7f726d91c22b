// SPDX-License-Identifier: GPL-2.0
/*
 * A program written the way a user of the packages writes one: it includes
 * <libmorsel.h> and nothing from this repository, and is built by
 * scripts/pkg/test-pkg.sh against the installed development package with
 * `cc prog.c $(pkg-config --cflags --libs morsel)` (and once statically).
 *
 *   morsel-pkgcheck NAME            in a guest with morsel.ko loaded: create,
 *                                   attach, publish, open, seal, load,
 *                                   destroy, compare every value
 *   morsel-pkgcheck --offline NAME  anywhere: the library's own logic only
 *                                   (level helpers, argument checks)
 *
 * Prints `PASS NAME.<check>` / `FAIL NAME.<check>: why`; exits 1 on any
 * failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <libmorsel.h>

#define KIB 1024ull
#define MIB (1024 * KIB)

static const char *prefix;
static int failures;

static void check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS %s.%s\n", prefix, name);
		return;
	}
	failures++;
	printf("FAIL %s.%s: ", prefix, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void offline(void)
{
	check(morsel_level_span(MORSEL_LEVEL_PTE) == 2 * MIB &&
	      morsel_level_span(MORSEL_LEVEL_PMD) == 1024 * MIB &&
	      morsel_level_span(MORSEL_LEVEL_P4D) == 256ull << 40 &&
	      morsel_level_span(0) == 0, "level-span", "wrong spans");
	check(morsel_level_for(1) == MORSEL_LEVEL_PTE &&
	      morsel_level_for(2 * MIB + 4096) == MORSEL_LEVEL_PMD &&
	      morsel_level_for((256ull << 40) + 1) == -1, "level-for", "wrong levels");
	check(morsel_level_parse("PUD") == MORSEL_LEVEL_PUD && morsel_level_parse("2") == 2 &&
	      morsel_level_parse("pgd") == -1 && !strcmp(morsel_level_name(4), "p4d") &&
	      !strcmp(morsel_level_name(9), "?"), "level-names", "wrong names");
	/* Names are checked before any ioctl. */
	errno = 0;
	check(morsel_publish(-1, "", 0600) == -1 && errno == EINVAL, "empty-name",
	      "morsel_publish(\"\") errno %d, want EINVAL", errno);
	errno = 0;
	check(morsel_publish(-1, "ok", 0600) == -1 && errno == EBADF, "bad-fd",
	      "morsel_publish(-1) errno %d, want EBADF", errno);
}

/* The data pages the module counts, once the morsel is really gone. */
static long long settle(const char *counter, long long want)
{
	long long v = -1;

	for (int i = 0; i < 50; i++) {
		v = morsel_counter(counter);
		if (v == want)
			break;
		usleep(100000);
	}
	return v;
}

static int online(void)
{
	const uint64_t len = 1 * MIB;
	char name[64], path[] = "/tmp/morsel-pkgcheck.XXXXXX";
	static const char text[] = "loaded by a program built with pkg-config\n";
	struct morsel_create c;
	struct morsel_info info;
	uint64_t span, span2;
	unsigned char *p;
	int fd, ro, fd2, src, ok;
	int64_t n;

	snprintf(name, sizeof(name), "pkgcheck-%d", (int)getpid());
	fd = morsel_create(MORSEL_LEVEL_PTE, len, MORSEL_F_WRITABLE, 0, O_CLOEXEC, &c);
	check(fd >= 0 && c.span == 2 * MIB, "create", "fd %d span %llu: %s", fd,
	      (unsigned long long)c.span, strerror(errno));
	if (fd < 0)
		return 1;

	p = morsel_attach(fd, NULL, PROT_READ | PROT_WRITE, &span);
	check(p != MAP_FAILED && span == 2 * MIB && !((uintptr_t)p % span), "attach-rw",
	      "%p span %llu: %s", (void *)p, (unsigned long long)span, strerror(errno));
	if (p == MAP_FAILED)
		return 1;
	for (uint64_t off = 0; off < len; off += 4096)
		p[off] = (unsigned char)(off / 4096 + 1);
	ok = !morsel_info(fd, &info) && info.pages == len / 4096 && info.attaches == 1 &&
	     info.length == len && info.level == MORSEL_LEVEL_PTE;
	check(ok, "info", "pages %llu attaches %llu length %llu level %u",
	      (unsigned long long)info.pages, (unsigned long long)info.attaches,
	      (unsigned long long)info.length, info.level);

	check(!morsel_publish(fd, name, 0644), "publish", "%s", strerror(errno));
	ro = morsel_open(name, O_RDONLY | O_CLOEXEC);
	ok = ro >= 0 && !morsel_info(ro, &info) && !strcmp(info.name, name) &&
	     info.mode == 0644 && info.uid == getuid();
	check(ok, "open-by-name", "fd %d name '%s' mode %o uid %u", ro, info.name,
	      info.mode, info.uid);
	if (ro < 0)
		return 1;

	/* Writable leaves: no read-only attach before SEAL_WRITE. */
	errno = 0;
	check(morsel_attach(ro, NULL, PROT_READ, NULL) == MAP_FAILED && errno == EACCES,
	      "ro-attach-refused", "errno %d, want EACCES", errno);
	errno = 0;
	check(morsel_populate(ro, 0, 4096) == -1 && errno == EPERM, "ro-fd-no-populate",
	      "errno %d, want EPERM", errno);

	check(!morsel_detach(p, span), "detach", "%s", strerror(errno));
	check(!morsel_seal(fd, MORSEL_SEAL_WRITE), "seal-write", "%s", strerror(errno));
	p = morsel_attach(ro, NULL, PROT_READ, &span2);
	ok = p != MAP_FAILED;
	for (uint64_t off = 0; ok && off < len; off += 4096)
		ok = p[off] == (unsigned char)(off / 4096 + 1);
	check(ok, "ro-attach-after-seal", "%s", p == MAP_FAILED ? strerror(errno) :
	      "content differs");
	if (p != MAP_FAILED)
		morsel_detach(p, span2);

	/* LOAD from a file into a second morsel. */
	src = mkstemp(path);
	ok = src >= 0 && write(src, text, sizeof(text) - 1) == (ssize_t)sizeof(text) - 1;
	fd2 = morsel_create(MORSEL_LEVEL_PTE, 8 * KIB, MORSEL_F_WRITABLE | MORSEL_F_FILL_SIGBUS,
			    0, O_CLOEXEC, NULL);
	n = ok && fd2 >= 0 ? morsel_load_file(fd2, path, 0) : -1;
	p = n == (int64_t)sizeof(text) - 1 ? morsel_attach(fd2, NULL, PROT_READ | PROT_WRITE,
							    &span2) : MAP_FAILED;
	check(p != MAP_FAILED && !memcmp(p, text, sizeof(text) - 1), "load-file",
	      "loaded %lld: %s", (long long)n, strerror(errno));
	if (p != MAP_FAILED)
		morsel_detach(p, span2);
	if (src >= 0) {
		close(src);
		unlink(path);
	}
	if (fd2 >= 0)
		close(fd2);

	/* DESTROY: gone for every fd and by name. */
	check(!morsel_destroy(fd), "destroy", "%s", strerror(errno));
	errno = 0;
	check(morsel_info(ro, &info) == -1 && errno == EIDRM, "destroyed-eidrm",
	      "errno %d, want EIDRM", errno);
	errno = 0;
	check(morsel_open(name, O_RDONLY) == -1 && errno == ENOENT, "destroyed-no-name",
	      "errno %d, want ENOENT", errno);
	close(ro);
	close(fd);
	check(settle("pages", 0) == 0 && settle("morsels", 0) == 0, "counters-zero",
	      "pages %lld morsels %lld", morsel_counter("pages"), morsel_counter("morsels"));
	return 0;
}

int main(int argc, char **argv)
{
	int off = argc == 3 && !strcmp(argv[1], "--offline");

	if (argc != 2 && !off) {
		fprintf(stderr, "usage: %s [--offline] NAME\n", argv[0]);
		return 2;
	}
	prefix = argv[argc - 1];
	offline();
	if (!off)
		online();
	return failures ? 1 : 0;
}
