// SPDX-License-Identifier: GPL-2.0
/*
 * morsel_test: functional and bad-argument tests of /dev/morsel, run as root
 * in the test VM (tools/vm/morsel-test.sh). Prints `PASS morsel.<name>` /
 * `FAIL morsel.<name>: why` lines; exits 1 on any failure.
 *
 * Usage: morsel_test [--paging 4|5] [--only GROUP]
 *   --paging  the paging mode the boot is meant to have (checked)
 *   --only    run one group (levels, share, fork, munmap, destroy, revoke,
 *             readonly, seal, populate, load, names, uid, fixed, badargs,
 *             mapping, listing, concurrent, limits)
 *
 * Nothing else may use morsels meanwhile: the global counters are checked
 * against what this program made.
 */
#include "test_util.h"

#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sys/uio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define UNPRIV_UID 1000
#define UNPRIV_GID 1000

static bool l5;			/* 5-level paging active */
static int ctl;			/* /dev/morsel */
static gid_t dev_gid;		/* its group */
static volatile uint64_t *comm;	/* a shared anonymous page for children */

static uint64_t span_of(unsigned int level)
{
	return morsel_level_span(level);
}

/* Create with the raw ioctl; returns the fd or -1. */
static int create(unsigned int level, uint64_t length, unsigned int flags,
		  uint64_t fixed, struct morsel_create *out)
{
	struct morsel_create c = {
		.size = sizeof(c), .level = level, .flags = flags,
		.length = length, .fixed_addr = fixed, .fd = -1,
	};

	if (ioctl(ctl, MORSEL_IOC_CREATE, &c))
		return -1;
	if (out)
		*out = c;
	return c.fd;
}

static int must_create(const char *name, unsigned int level, uint64_t length,
		       unsigned int flags)
{
	int fd = create(level, length, flags, 0, NULL);

	if (fd < 0) {
		check(false, name, "create %s length %llu: %s", morsel_level_name(level),
		      (unsigned long long)length, errname(errno));
		fflush(stdout);
		exit(1);
	}
	return fd;
}

static struct morsel_info info_of(int fd)
{
	struct morsel_info i;

	if (morsel_info(fd, &i))
		memset(&i, 0xff, sizeof(i));	/* mismatches every expectation */
	return i;
}

static void *attach(int fd, int prot, void *hint)
{
	struct morsel_info i = info_of(fd);

	return mmap(hint, i.span, prot, MAP_SHARED, fd, 0);
}

static void destroy(int fd)
{
	morsel_destroy(fd);
	close(fd);
}

static void check_counters_zero(const char *name)
{
	char why[160];

	check(counters_zero(10, why, sizeof(why)), name, "not back to zero: %s", why);
}

/* Detect 5-level paging: only then does a hint above 47 bits get used. */
/* ------------------------------------------------------------- every level */
struct level_case {
	unsigned int level;
	uint64_t length;
	uint64_t touch[4];
};

static unsigned long distinct(const uint64_t *off, int n, unsigned int shift)
{
	unsigned long count = 0;

	for (int i = 0; i < n; i++) {
		bool seen = false;

		for (int j = 0; j < i; j++)
			seen |= (off[j] >> shift) == (off[i] >> shift);
		count += !seen;
	}
	return count;
}

static void test_level(const struct level_case *lc)
{
	const char *ln = morsel_level_name(lc->level);
	uint64_t span = span_of(lc->level), val;
	unsigned long tables = 1;
	struct morsel_create c;
	struct morsel_info i;
	char name[96];
	char *p, *p2, *hint;
	int fd, sig, ntouch = 4;

#define N(fmt) (snprintf(name, sizeof(name), "%s." fmt, ln), name)
	fd = create(lc->level, lc->length, MORSEL_F_WRITABLE, 0, &c);
	if (lc->level == MORSEL_LEVEL_P4D && !l5) {
		check_err(N("create-4level"), fd, errno, EOPNOTSUPP);
		if (fd >= 0)
			destroy(fd);
		return;
	}
	check(fd >= 0, N("create"), "%s", errname(errno));
	if (fd < 0)
		return;
	check(c.span == span, N("create-span"), "span %llu, want %llu", c.span,
	      (unsigned long long)span);
	i = info_of(fd);
	check(i.level == lc->level && i.flags == MORSEL_F_WRITABLE &&
	      i.length == lc->length && i.span == span && i.id == c.id &&
	      i.seals == 0 && i.fixed_addr == 0 && i.name[0] == 0 &&
	      i.uid == getuid() && i.gid == getgid(), N("info"),
	      "level %u flags %#x length %llu span %llu id %u/%u seals %#x uid %u gid %u",
	      i.level, i.flags, i.length, i.span, i.id, c.id, i.seals, i.uid, i.gid);
	check(i.pages == 0 && i.attaches == 0 && i.tables == 1, N("info-empty"),
	      "pages %llu attaches %llu tables %llu (want 0 0 1)", i.pages,
	      i.attaches, i.tables);

	/* P4D spans do not fit below 47 bits: ask for a high address. */
	hint = lc->level == MORSEL_LEVEL_P4D ? (char *)(1ul << 52) : NULL;
	p = attach(fd, PROT_READ | PROT_WRITE, hint);
	check(p != MAP_FAILED && (uintptr_t)p % span == 0, N("attach-aligned"),
	      "%p: %s", p, p == MAP_FAILED ? errname(errno) : "not aligned");
	if (p == MAP_FAILED) {
		destroy(fd);
		return;
	}
	check(info_of(fd).attaches == 1, N("attach-count"), "attaches %llu",
	      info_of(fd).attaches);

	for (int t = 0; t < ntouch; t++) {
		sig = probe_write(p + lc->touch[t], lc->touch[t] ^ 0x5a5a0000ull);
		check(sig == 0, N("write"), "offset %#llx: %s",
		      (unsigned long long)lc->touch[t], signame(sig));
	}
	for (int t = 0; t < ntouch; t++) {
		sig = probe_read(p + lc->touch[t], &val);
		check(sig == 0 && val == (lc->touch[t] ^ 0x5a5a0000ull), N("read-back"),
		      "offset %#llx: %s value %#llx", (unsigned long long)lc->touch[t],
		      signame(sig), (unsigned long long)val);
	}
	for (unsigned int k = 1; k < lc->level; k++)
		tables += distinct(lc->touch, ntouch, 12 + 9 * k);
	i = info_of(fd);
	check(i.pages == (uint64_t)ntouch && i.tables == tables, N("sparse"),
	      "pages %llu tables %llu, want %d and %lu", i.pages, i.tables, ntouch, tables);
	check(morsel_counter("morsels") == 1 && morsel_counter("pages") == (long long)i.pages &&
	      morsel_counter("tables") == (long long)i.tables &&
	      morsel_counter("attaches") == 1, N("sysfs-counters"),
	      "morsels %lld pages %lld tables %lld attaches %lld",
	      morsel_counter("morsels"), morsel_counter("pages"),
	      morsel_counter("tables"), morsel_counter("attaches"));

	/* A hole inside the object reads as zero. */
	sig = probe_read(p + PAGE, &val);
	check(sig == 0 && val == 0, N("hole-zero"), "%s value %#llx", signame(sig),
	      (unsigned long long)val);
	/* Beyond the object, inside the span: SIGBUS. */
	sig = probe_read(p + lc->length, &val);
	check(sig == SIGBUS, N("beyond-length-sigbus"), "read at length: %s", signame(sig));
	sig = probe_write(p + span - PAGE, 1);
	check(sig == SIGBUS, N("end-of-span-sigbus"), "write at span end: %s", signame(sig));

	/* A second attach in the same process aliases the same memory. */
	p2 = attach(fd, PROT_READ | PROT_WRITE, hint ? hint + 4 * span : NULL);
	check(p2 != MAP_FAILED && p2 != p && (uintptr_t)p2 % span == 0,
	      N("second-attach"), "%p: %s", p2, errname(errno));
	if (p2 != MAP_FAILED) {
		uint64_t off = lc->touch[3];

		check(*(volatile uint64_t *)(p2 + off) == (off ^ 0x5a5a0000ull),
		      N("alias-read"), "second attach reads %#llx",
		      (unsigned long long)*(volatile uint64_t *)(p2 + off));
		*(volatile uint64_t *)(p2 + off) = 0x1234;
		check(*(volatile uint64_t *)(p + off) == 0x1234, N("alias-write"),
		      "first attach reads %#llx", (unsigned long long)*(volatile uint64_t *)(p + off));
		check(info_of(fd).attaches == 2, N("attach-count-2"), "attaches %llu",
		      info_of(fd).attaches);
		EXPECT_OK(N("detach-second"), munmap(p2, span));
	}
	EXPECT_OK(N("detach"), munmap(p, span));
	check(info_of(fd).attaches == 0, N("detach-count"), "attaches %llu",
	      info_of(fd).attaches);
	check(info_of(fd).pages >= (uint64_t)ntouch, N("pages-stay"),
	      "pages %llu after detach", info_of(fd).pages);

	/* Attach again where it was: the hint is taken, the data stayed. */
	p2 = attach(fd, PROT_READ | PROT_WRITE, p);
	check(p2 == p, N("reattach-hint"), "got %p for hint %p (%s)", p2, p, errname(errno));
	if (p2 != MAP_FAILED) {
		check(*(volatile uint64_t *)(p2 + lc->touch[0]) == (lc->touch[0] ^ 0x5a5a0000ull),
		      N("data-persists"), "read %#llx",
		      (unsigned long long)*(volatile uint64_t *)(p2 + lc->touch[0]));
		munmap(p2, span);
	}
	/* MAP_FIXED at an aligned address is allowed, also over an attach. */
	if (p2 != MAP_FAILED) {
		p2 = mmap(p, span, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
		check(p2 == p, N("map-fixed-aligned"), "%p: %s", p2, errname(errno));
		if (p2 != MAP_FAILED) {
			p2 = mmap(p, span, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
			check(p2 == p && info_of(fd).attaches == 1 &&
			      *(volatile uint64_t *)(p + lc->touch[0]) == (lc->touch[0] ^ 0x5a5a0000ull),
			      N("map-fixed-over-attach"), "%p: %s attaches %llu", p2, errname(errno),
			      info_of(fd).attaches);
			munmap(p, span);
		}
	}
	/* Without a hint too (P4D: the module looks above 47 bits itself). */
	p2 = attach(fd, PROT_READ | PROT_WRITE, NULL);
	check(p2 != MAP_FAILED && (uintptr_t)p2 % span == 0, N("attach-no-hint"), "%p: %s", p2,
	      errname(errno));
	if (p2 != MAP_FAILED)
		munmap(p2, span);
	EXPECT_OK(N("destroy"), morsel_destroy(fd));
	close(fd);
	check_counters_zero(N("counters-zero"));
#undef N
}

static void test_levels(void)
{
	const struct level_case cases[] = {
		{ MORSEL_LEVEL_PTE, 1 * MIB + 8 * KIB,
		  { 0, 512 * KIB, 1 * MIB, 1 * MIB + 4 * KIB } },
		{ MORSEL_LEVEL_PMD, 6 * MIB + 4 * KIB,
		  { 0, 2 * MIB, 4 * MIB - PAGE, 6 * MIB } },
		{ MORSEL_LEVEL_PUD, 2 * GIB + 4 * KIB,
		  { 0, 2 * MIB, 1 * GIB, 2 * GIB } },
		{ MORSEL_LEVEL_P4D, 1 * TIB + 4 * KIB,
		  { 0, 1 * GIB, 512 * GIB, 1 * TIB } },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		test_level(&cases[i]);
}

/* ------------------------------------------------ sharing between processes */
static void test_share(void)
{
	uint64_t span = span_of(MORSEL_LEVEL_PMD);
	int fd = must_create("share.create", MORSEL_LEVEL_PMD, 16 * MIB, MORSEL_F_WRITABLE);
	int to_child[2], to_parent[2];
	char *p;
	char c;
	pid_t pid;

	EXPECT_OK("share.publish", morsel_publish(fd, "morsel-test.share", 0600));
	if (pipe(to_child) || pipe(to_parent))
		exit(2);
	comm[0] = 0;
	pid = start_child();
	if (pid == 0) {
		/* Not the inherited fd: the name, as an unrelated process would. */
		int cfd = morsel_open("morsel-test.share", O_RDWR);
		char *q;

		check(cfd >= 0, "share.child-open", "%s", errname(errno));
		q = cfd >= 0 ? attach(cfd, PROT_READ | PROT_WRITE, NULL) : MAP_FAILED;
		check(q != MAP_FAILED, "share.child-attach", "%s", errname(errno));
		if (q == MAP_FAILED)
			end_child();
		*(volatile uint64_t *)(q + 5 * MIB) = 0xc0ffee;
		comm[0] = (uintptr_t)q;
		if (write(to_parent[1], "x", 1) != 1 || read(to_child[0], &c, 1) != 1)
			end_child();
		check(*(volatile uint64_t *)(q + 9 * MIB + 8) == 0xbeef, "share.child-sees-parent",
		      "read %#llx", (unsigned long long)*(volatile uint64_t *)(q + 9 * MIB + 8));
		munmap(q, span);
		close(cfd);
		end_child();
	}
	if (read(to_parent[0], &c, 1) != 1)
		exit(2);
	p = attach(fd, PROT_READ | PROT_WRITE, NULL);
	check(p != MAP_FAILED, "share.parent-attach", "%s", errname(errno));
	if (p != MAP_FAILED) {
		check(*(volatile uint64_t *)(p + 5 * MIB) == 0xc0ffee, "share.parent-sees-child",
		      "read %#llx", (unsigned long long)*(volatile uint64_t *)(p + 5 * MIB));
		*(volatile uint64_t *)(p + 9 * MIB + 8) = 0xbeef;
		check(info_of(fd).attaches == 2, "share.attaches", "attaches %llu",
		      info_of(fd).attaches);
		/* Both see one set of pages: two touched, not four. */
		check(info_of(fd).pages == 2, "share.one-copy", "pages %llu", info_of(fd).pages);
	}
	if (write(to_child[1], "x", 1) != 1)
		exit(2);
	wait_child(pid, "share.child");
	check(info_of(fd).attaches == 1, "share.child-detached", "attaches %llu",
	      info_of(fd).attaches);
	if (p != MAP_FAILED)
		munmap(p, span);
	destroy(fd);
	EXPECT_ERR("share.name-gone-after-destroy", morsel_open("morsel-test.share", O_RDWR), ENOENT);
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
	check_counters_zero("share.counters-zero");
}

/* ------------------------------------------------------------------ fork */
static void test_fork(void)
{
	static const unsigned int levels[] = { MORSEL_LEVEL_PTE, MORSEL_LEVEL_PMD, MORSEL_LEVEL_PUD };

	for (unsigned int l = 0; l < 3; l++) {
		unsigned int level = levels[l];
		uint64_t span = span_of(level), len = level == MORSEL_LEVEL_PTE ? span : 8 * MIB;
		int fd = must_create("fork.create", level, len, MORSEL_F_WRITABLE);
		char *p = attach(fd, PROT_READ | PROT_WRITE, NULL);
		char name[64];
		pid_t pid;

		snprintf(name, sizeof(name), "fork.%s.attach", morsel_level_name(level));
		check(p != MAP_FAILED, name, "%s", errname(errno));
		if (p == MAP_FAILED) {
			destroy(fd);
			continue;
		}
		*(volatile uint64_t *)(p + len - 8) = 0x1111;
		pid = start_child();
		if (pid == 0) {
			snprintf(name, sizeof(name), "fork.%s.child-sees", morsel_level_name(level));
			check(*(volatile uint64_t *)(p + len - 8) == 0x1111, name, "read %#llx",
			      (unsigned long long)*(volatile uint64_t *)(p + len - 8));
			snprintf(name, sizeof(name), "fork.%s.child-attached", morsel_level_name(level));
			check(info_of(fd).attaches == 2, name, "attaches %llu", info_of(fd).attaches);
			*(volatile uint64_t *)(p + len - 8) = 0x2222;
			*(volatile uint64_t *)(p + 8) = 0x3333;
			/* Detaching in the child leaves the parent's link alone. */
			munmap(p, span);
			end_child();
		}
		snprintf(name, sizeof(name), "fork.%s.child", morsel_level_name(level));
		wait_child(pid, name);
		snprintf(name, sizeof(name), "fork.%s.parent-sees-child", morsel_level_name(level));
		check(*(volatile uint64_t *)(p + len - 8) == 0x2222 &&
		      *(volatile uint64_t *)(p + 8) == 0x3333, name, "read %#llx %#llx",
		      (unsigned long long)*(volatile uint64_t *)(p + len - 8),
		      (unsigned long long)*(volatile uint64_t *)(p + 8));
		snprintf(name, sizeof(name), "fork.%s.attaches-after", morsel_level_name(level));
		check(info_of(fd).attaches == 1, name, "attaches %llu", info_of(fd).attaches);
		/* A child that exits without munmap detaches as well. */
		pid = start_child();
		if (pid == 0)
			_exit(*(volatile uint64_t *)(p + 8) == 0x3333 ? 0 : 1);
		snprintf(name, sizeof(name), "fork.%s.exit-child", morsel_level_name(level));
		wait_child(pid, name);
		snprintf(name, sizeof(name), "fork.%s.attaches-after-exit", morsel_level_name(level));
		check(info_of(fd).attaches == 1, name, "attaches %llu", info_of(fd).attaches);
		/* A child that execs drops its attach with its old mm. */
		pid = start_child();
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		snprintf(name, sizeof(name), "fork.%s.exec-child", morsel_level_name(level));
		wait_child(pid, name);
		snprintf(name, sizeof(name), "fork.%s.attaches-after-exec", morsel_level_name(level));
		check(info_of(fd).attaches == 1 && *(volatile uint64_t *)(p + 8) == 0x3333, name,
		      "attaches %llu", info_of(fd).attaches);
		munmap(p, span);
		destroy(fd);
	}
	check_counters_zero("fork.counters-zero");
}

/* ------------------------------------------- munmap while others touch it */
#define TOUCHERS 4

static void test_munmap_while_touched(void)
{
	uint64_t span = span_of(MORSEL_LEVEL_PMD), len = 32 * MIB;
	int fd = must_create("munmap.create", MORSEL_LEVEL_PMD, len, MORSEL_F_WRITABLE);
	char *p = attach(fd, PROT_READ | PROT_WRITE, NULL);
	pid_t pids[TOUCHERS];
	bool ok = true;

	check(p != MAP_FAILED, "munmap.attach", "%s", errname(errno));
	if (p == MAP_FAILED) {
		destroy(fd);
		return;
	}
	memset((void *)comm, 0, PAGE);
	for (int c = 0; c < TOUCHERS; c++) {
		pids[c] = start_child();
		if (pids[c])
			continue;
		/* Count in my own word; every 64 rounds detach and attach anew. */
		uint64_t count = 0, seed = 0x9e3779b97f4a7c15ull * (c + 1);
		double end = now() + 3;
		char *q = p;

		while (now() < end) {
			volatile uint64_t *mine = (volatile uint64_t *)(q + c * 4 * MIB);

			if (*mine != count) {
				check(false, "munmap.toucher-consistent", "child %d read %llu, wrote %llu",
				      c, (unsigned long long)*mine, (unsigned long long)count);
				break;
			}
			*mine = ++count;
			/* Touch pages all over the object (others' too, read only). */
			(void)*(volatile uint64_t *)(q + (next_rand(&seed) % (len / PAGE)) * PAGE);
			if (count % 64 == 0) {
				if (munmap(q, span)) {
					check(false, "munmap.toucher-detach", "%s", errname(errno));
					break;
				}
				q = attach(fd, PROT_READ | PROT_WRITE, NULL);
				if (q == MAP_FAILED) {
					check(false, "munmap.toucher-attach", "%s", errname(errno));
					break;
				}
			}
		}
		comm[c] = count;
		end_child();
	}
	/* Meanwhile the parent detaches and re-attaches a few times. */
	for (int round = 0; round < 5; round++) {
		usleep(300000);
		if (munmap(p, span)) {
			ok = false;
			break;
		}
		usleep(100000);
		p = attach(fd, PROT_READ | PROT_WRITE, NULL);
		if (p == MAP_FAILED) {
			ok = false;
			break;
		}
	}
	check(ok, "munmap.parent-detach-attach", "%s", errname(errno));
	for (int c = 0; c < TOUCHERS; c++)
		wait_child(pids[c], "munmap.toucher");
	if (p != MAP_FAILED) {
		for (int c = 0; c < TOUCHERS; c++) {
			uint64_t v = *(volatile uint64_t *)(p + c * 4 * MIB);

			check(comm[c] > 64 && v == comm[c], "munmap.final-count",
			      "child %d counted %llu, memory says %llu", c,
			      (unsigned long long)comm[c], (unsigned long long)v);
		}
		munmap(p, span);
	}
	check(info_of(fd).attaches == 0, "munmap.attaches-zero", "attaches %llu",
	      info_of(fd).attaches);
	destroy(fd);
	check_counters_zero("munmap.counters-zero");
}

/* --------------------------------------------------- destroy while attached */
static void test_destroy_attached(void)
{
	uint64_t span = span_of(MORSEL_LEVEL_PMD), val = 0;
	int fd = must_create("destroy.create", MORSEL_LEVEL_PMD, 8 * MIB, MORSEL_F_WRITABLE);
	struct morsel_info i;
	char *p = attach(fd, PROT_READ | PROT_WRITE, NULL);
	int sig;
	pid_t pid;

	check(p != MAP_FAILED, "destroy.attach", "%s", errname(errno));
	if (p == MAP_FAILED) {
		destroy(fd);
		return;
	}
	*(volatile uint64_t *)(p + 4096) = 42;
	EXPECT_OK("destroy.publish", morsel_publish(fd, "morsel-test.destroy", 0600));
	comm[0] = 0;
	comm[1] = 0;
	pid = start_child();
	if (pid == 0) {
		/* Read until the morsel goes away under me. */
		double end = now() + 20;

		comm[0] = 1;
		while (now() < end) {
			sig = probe_read(p + 4096, &val);
			if (sig) {
				comm[1] = (uint64_t)sig;
				break;
			}
			if (val != 42) {
				comm[1] = 1000 + val;
				break;
			}
		}
		/* Later touches fault too, at any offset. */
		sig = probe_read(p, &val);
		check(sig == SIGBUS, "destroy.child-later-touch", "%s", signame(sig));
		end_child();
	}
	while (!comm[0])
		usleep(1000);
	usleep(200000);
	EXPECT_OK("destroy.destroy-attached", morsel_destroy(fd));
	wait_child(pid, "destroy.child");
	check(comm[1] == SIGBUS, "destroy.child-sigbus", "child saw %llu",
	      (unsigned long long)comm[1]);
	sig = probe_read(p + 4096, &val);
	check(sig == SIGBUS, "destroy.parent-sigbus", "%s", signame(sig));
	sig = probe_write(p + 8192, 1);
	check(sig == SIGBUS, "destroy.parent-write-sigbus", "%s", signame(sig));
	EXPECT_ERR("destroy.info-eidrm", morsel_info(fd, &i), EIDRM);
	EXPECT_ERR("destroy.populate-eidrm", morsel_populate(fd, 0, PAGE), EIDRM);
	EXPECT_ERR("destroy.revoke-eidrm", morsel_revoke(fd), EIDRM);
	EXPECT_ERR("destroy.publish-eidrm", morsel_publish(fd, "morsel-test.d2", 0600), EIDRM);
	EXPECT_ERR("destroy.again-eidrm", morsel_destroy(fd), EIDRM);
	EXPECT_ERR("destroy.attach-eidrm", mmap(NULL, span, PROT_READ, MAP_SHARED, fd, 0), EIDRM);
	EXPECT_ERR("destroy.name-gone", morsel_open("morsel-test.destroy", O_RDWR), ENOENT);
	EXPECT_OK("destroy.munmap-after", munmap(p, span));
	close(fd);
	check_counters_zero("destroy.counters-zero");

	/* Destroy with no fd left but a mapping: the mapping keeps nothing. */
	fd = must_create("destroy.create2", MORSEL_LEVEL_PTE, 2 * MIB, MORSEL_F_WRITABLE);
	p = attach(fd, PROT_READ | PROT_WRITE, NULL);
	check(p != MAP_FAILED, "destroy.attach2", "%s", errname(errno));
	if (p != MAP_FAILED) {
		*(volatile uint64_t *)p = 7;
		close(fd);
		/* Mapping alone keeps it alive. */
		check(*(volatile uint64_t *)p == 7 && morsel_counter("morsels") == 1,
		      "destroy.mapping-keeps-alive", "morsels %lld", morsel_counter("morsels"));
		munmap(p, span_of(MORSEL_LEVEL_PTE));
		check_counters_zero("destroy.last-unmap-frees");
	}
}

/* ---------------------------------------------------------------- revoke */
static void test_revoke(void)
{
	uint64_t span = span_of(MORSEL_LEVEL_PMD), val;
	int fd = must_create("revoke.create", MORSEL_LEVEL_PMD, 8 * MIB, MORSEL_F_WRITABLE);
	char *p = attach(fd, PROT_READ | PROT_WRITE, NULL);
	int to_child[2];
	char c;
	pid_t pid;
	int sig;

	EXPECT_OK("revoke.idle", morsel_revoke(fd));
	check(p != MAP_FAILED, "revoke.attach", "%s", errname(errno));
	if (p == MAP_FAILED || pipe(to_child)) {
		destroy(fd);
		return;
	}
	*(volatile uint64_t *)(p + 3 * MIB) = 77;
	comm[0] = 0;
	pid = start_child();
	if (pid == 0) {
		(void)*(volatile uint64_t *)(p + 3 * MIB);	/* linked now */
		comm[0] = 1;
		if (read(to_child[0], &c, 1) != 1)
			end_child();
		sig = probe_read(p + 3 * MIB, &val);
		check(sig == 0 && val == 78, "revoke.child-relinks", "%s value %llu",
		      signame(sig), (unsigned long long)val);
		end_child();
	}
	while (!comm[0])
		usleep(1000);
	check(info_of(fd).attaches == 2, "revoke.attaches-before", "attaches %llu",
	      info_of(fd).attaches);
	EXPECT_OK("revoke.revoke", morsel_revoke(fd));
	/* The VMAs stay, the links come back on the next touch. */
	check(info_of(fd).attaches == 2, "revoke.attaches-after", "attaches %llu",
	      info_of(fd).attaches);
	sig = probe_read(p + 3 * MIB, &val);
	check(sig == 0 && val == 77, "revoke.parent-relinks", "%s value %llu", signame(sig),
	      (unsigned long long)val);
	*(volatile uint64_t *)(p + 3 * MIB) = 78;
	if (write(to_child[1], "x", 1) != 1)
		exit(2);
	wait_child(pid, "revoke.child");
	check(info_of(fd).pages == 1, "revoke.pages-kept", "pages %llu", info_of(fd).pages);
	munmap(p, span);
	destroy(fd);
	close(to_child[0]);
	close(to_child[1]);
	check_counters_zero("revoke.counters-zero");
}

/* -------------------------------------------------------- read-only attach */
/*
 * Permissions live in the leaves every attach shares: a writable morsel
 * attaches read-write only, at every level, until it is write-sealed; then
 * read-only attaches see its data and cannot write, in children too.
 */
static void test_readonly_level(unsigned int level)
{
	uint64_t span = span_of(level), val = 0;
	/* A page with data and a hole, inside the object at every level. */
	uint64_t len = level == MORSEL_LEVEL_PTE ? 2 * MIB : 4 * MIB;
	uint64_t data = len / 2, hole = len / 2 + 256 * KIB;
	int fd = must_create("readonly.create", level, len, MORSEL_F_WRITABLE);
	void *hint = level == MORSEL_LEVEL_P4D ? (void *)(1ul << 52) : NULL;
	const char *lv = morsel_level_name(level);
	char name[64], *rw, *ro;
	int sig;

	rw = attach(fd, PROT_READ | PROT_WRITE, hint);
	snprintf(name, sizeof(name), "readonly.%s.rw-attach", lv);
	check(rw != MAP_FAILED, name, "%s", errname(errno));
	snprintf(name, sizeof(name), "readonly.%s.writable-ro-attach-eacces", lv);
	EXPECT_ERR(name, attach(fd, PROT_READ, hint), EACCES);
	if (rw == MAP_FAILED)
		goto out;
	*(volatile uint64_t *)(rw + data) = 99;
	snprintf(name, sizeof(name), "readonly.%s.seal-busy", lv);
	EXPECT_ERR(name, morsel_seal(fd, MORSEL_SEAL_WRITE), EBUSY);
	munmap(rw, span);
	snprintf(name, sizeof(name), "readonly.%s.seal", lv);
	EXPECT_OK(name, morsel_seal(fd, MORSEL_SEAL_WRITE));
	ro = attach(fd, PROT_READ, hint);
	snprintf(name, sizeof(name), "readonly.%s.ro-attach", lv);
	check(ro != MAP_FAILED, name, "%s", errname(errno));
	if (ro == MAP_FAILED)
		goto out;
	sig = probe_read(ro + data, &val);
	snprintf(name, sizeof(name), "readonly.%s.ro-reads", lv);
	check(sig == 0 && val == 99, name, "%s value %llu", signame(sig), (unsigned long long)val);
	sig = probe_write(ro + data, 100);
	snprintf(name, sizeof(name), "readonly.%s.ro-write-segv", lv);
	check(sig == SIGSEGV, name, "%s", signame(sig));
	/* Also on a page not populated yet: the fault must not make it writable. */
	sig = probe_write(ro + hole, 100);
	snprintf(name, sizeof(name), "readonly.%s.ro-write-hole-segv", lv);
	check(sig == SIGSEGV, name, "%s", signame(sig));
	sig = probe_read(ro + data, &val);
	snprintf(name, sizeof(name), "readonly.%s.value-unchanged", lv);
	check(sig == 0 && val == 99, name, "%s value %llu", signame(sig), (unsigned long long)val);
	snprintf(name, sizeof(name), "readonly.%s.mprotect-write-refused", lv);
	EXPECT_ERR(name, mprotect(ro, span, PROT_READ | PROT_WRITE), EACCES);
	/* In a child, too. */
	pid_t pid = start_child();

	if (pid == 0) {
		sig = probe_write(ro + data, 100);
		snprintf(name, sizeof(name), "readonly.%s.child-write-segv", lv);
		check(sig == SIGSEGV, name, "%s", signame(sig));
		end_child();
	}
	snprintf(name, sizeof(name), "readonly.%s.child", lv);
	wait_child(pid, name);
	munmap(ro, span);
out:
	destroy(fd);
}

static void test_readonly(void)
{
	uint64_t span;
	char *p;
	int fd, sig;

	for (unsigned int level = MORSEL_LEVEL_PTE;
	     level <= (l5 ? MORSEL_LEVEL_P4D : MORSEL_LEVEL_PUD); level++)
		test_readonly_level(level);

	/* A morsel created without WRITABLE: read-only attach only. */
	span = span_of(MORSEL_LEVEL_PTE);
	fd = must_create("readonly.create", MORSEL_LEVEL_PTE, span, 0);
	EXPECT_ERR("readonly.not-writable-rw-attach",
		   mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
	p = attach(fd, PROT_READ, NULL);
	check(p != MAP_FAILED, "readonly.not-writable-ro-attach", "%s", errname(errno));
	if (p != MAP_FAILED) {
		sig = probe_write(p, 1);
		check(sig == SIGSEGV, "readonly.not-writable-write-segv", "%s", signame(sig));
		munmap(p, span);
	}
	/* No EXEC flag: no executable attach. */
	EXPECT_ERR2("readonly.no-exec-attach",
		    mmap(NULL, span, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0), EPERM, EACCES);
	destroy(fd);

	/*
	 * An fd opened O_RDONLY cannot map writable (the core's rule), nor
	 * read-only while the leaves are writable; once sealed it can.
	 */
	span = span_of(MORSEL_LEVEL_PMD);
	fd = must_create("readonly.create", MORSEL_LEVEL_PMD, 4 * MIB, MORSEL_F_WRITABLE);
	EXPECT_OK("readonly.publish", morsel_publish(fd, "morsel-test.ro", 0600));
	int rfd = morsel_open("morsel-test.ro", O_RDONLY);

	check(rfd >= 0, "readonly.open-rdonly", "%s", errname(errno));
	if (rfd >= 0) {
		EXPECT_ERR("readonly.rdonly-fd-rw-attach",
			   mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0), EACCES);
		EXPECT_ERR("readonly.rdonly-fd-writable-ro-attach", attach(rfd, PROT_READ, NULL),
			   EACCES);
		EXPECT_OK("readonly.rdonly-fd-seal", morsel_seal(fd, MORSEL_SEAL_WRITE));
		p = attach(rfd, PROT_READ, NULL);
		check(p != MAP_FAILED, "readonly.rdonly-fd-ro-attach", "%s", errname(errno));
		if (p != MAP_FAILED)
			munmap(p, span);
		EXPECT_ERR("readonly.rdonly-fd-populate", morsel_populate(rfd, 0, PAGE), EPERM);
		close(rfd);
	}
	destroy(fd);
	check_counters_zero("readonly.counters-zero");
}

/* ------------------------------------------------------------------ seals */
static void test_seal(void)
{
	uint64_t span = span_of(MORSEL_LEVEL_PMD), val;
	int fd = must_create("seal.create", MORSEL_LEVEL_PMD, 4 * MIB, MORSEL_F_WRITABLE);
	int src, sig;
	char *p;

	src = open("/proc/self/exe", O_RDONLY);
	EXPECT_ERR("seal.unknown-bit", morsel_seal(fd, 1u << 2), EINVAL);
	EXPECT_ERR("seal.all-bits", morsel_seal(fd, ~0u), EINVAL);
	check(info_of(fd).seals == 0, "seal.none-yet", "seals %#x", info_of(fd).seals);

	/* Sealing while a writable attach exists: refused, or effective at once. */
	p = attach(fd, PROT_READ | PROT_WRITE, NULL);
	check(p != MAP_FAILED, "seal.rw-attach", "%s", errname(errno));
	if (p != MAP_FAILED) {
		*(volatile uint64_t *)p = 3;
		errno = 0;
		if (morsel_seal(fd, MORSEL_SEAL_WRITE)) {
			check(errno == EBUSY, "seal.write-while-mapped", "errno %s", errname(errno));
			munmap(p, span);
			EXPECT_OK("seal.write", morsel_seal(fd, MORSEL_SEAL_WRITE));
		} else {
			sig = probe_write(p, 4);
			check(sig != 0 && *(volatile uint64_t *)p == 3, "seal.write-while-mapped",
			      "sealed, yet a write through the old attach got %s", signame(sig));
			munmap(p, span);
		}
	}
	check(info_of(fd).seals == MORSEL_SEAL_WRITE, "seal.info", "seals %#x", info_of(fd).seals);
	EXPECT_ERR("seal.rw-attach-eperm",
		   mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EPERM);
	EXPECT_ERR("seal.load-eperm", morsel_load(fd, src, 0, 0, PAGE), EPERM);
	p = attach(fd, PROT_READ, NULL);
	check(p != MAP_FAILED, "seal.ro-attach", "%s", errname(errno));
	if (p != MAP_FAILED) {
		sig = probe_read(p, &val);
		check(sig == 0 && val == 3, "seal.content-kept", "%s value %llu", signame(sig),
		      (unsigned long long)val);
		munmap(p, span);
	}
	EXPECT_OK("seal.discard-unsealed", morsel_discard(fd, PAGE, PAGE));
	EXPECT_OK("seal.discard", morsel_seal(fd, MORSEL_SEAL_DISCARD));
	check(info_of(fd).seals == MORSEL_SEAL_ALL, "seal.info-all", "seals %#x", info_of(fd).seals);
	EXPECT_ERR("seal.discard-eperm", morsel_discard(fd, 0, PAGE), EPERM);
	/* Seals are one-way: sealing again is fine, nothing comes off. */
	EXPECT_OK("seal.again", morsel_seal(fd, MORSEL_SEAL_WRITE));
	check(info_of(fd).seals == MORSEL_SEAL_ALL, "seal.one-way", "seals %#x", info_of(fd).seals);
	close(src);
	destroy(fd);
	check_counters_zero("seal.counters-zero");
}

/* ------------------------------------------------------ populate / discard */
static void test_populate(void)
{
	uint64_t span = span_of(MORSEL_LEVEL_PMD), val;
	int fd = must_create("populate.create", MORSEL_LEVEL_PMD, 8 * MIB, MORSEL_F_WRITABLE);
	struct morsel_info i;
	char *p;
	int sig;

	EXPECT_OK("populate.range", morsel_populate(fd, 0, 4 * MIB));
	i = info_of(fd);
	check(i.pages == 1024 && i.tables == 3, "populate.counts", "pages %llu tables %llu",
	      i.pages, i.tables);
	EXPECT_OK("populate.twice", morsel_populate(fd, 0, 4 * MIB));
	check(info_of(fd).pages == 1024, "populate.idempotent", "pages %llu", info_of(fd).pages);
	p = attach(fd, PROT_READ | PROT_WRITE, NULL);
	check(p != MAP_FAILED, "populate.attach", "%s", errname(errno));
	if (p != MAP_FAILED) {
		bool zero = true;

		for (uint64_t off = 0; off < 4 * MIB; off += PAGE)
			zero &= *(volatile uint64_t *)(p + off) == 0;
		check(zero, "populate.zeroed", "populated pages are not zero");
		*(volatile uint64_t *)(p + MIB) = 8;
		EXPECT_OK("populate.discard", morsel_discard(fd, MIB, PAGE));
		check(info_of(fd).pages == 1023, "populate.discard-count", "pages %llu",
		      info_of(fd).pages);
		sig = probe_read(p + MIB, &val);
		check(sig == 0 && val == 0, "populate.discarded-reads-zero", "%s value %llu",
		      signame(sig), (unsigned long long)val);
		EXPECT_OK("populate.discard-all", morsel_discard(fd, 0, 8 * MIB));
		check(info_of(fd).pages == 0, "populate.discard-all-count", "pages %llu",
		      info_of(fd).pages);
		munmap(p, span);
	}
	destroy(fd);

	/* FILL_SIGBUS: holes fault instead of filling. */
	fd = must_create("populate.create", MORSEL_LEVEL_PMD, 8 * MIB,
			 MORSEL_F_WRITABLE | MORSEL_F_FILL_SIGBUS);
	p = attach(fd, PROT_READ | PROT_WRITE, NULL);
	check(p != MAP_FAILED, "populate.sigbus-attach", "%s", errname(errno));
	if (p != MAP_FAILED) {
		sig = probe_read(p + 2 * MIB, &val);
		check(sig == SIGBUS, "populate.hole-sigbus-read", "%s", signame(sig));
		sig = probe_write(p + 2 * MIB, 1);
		check(sig == SIGBUS, "populate.hole-sigbus-write", "%s", signame(sig));
		check(info_of(fd).pages == 0, "populate.hole-not-filled", "pages %llu",
		      info_of(fd).pages);
		EXPECT_OK("populate.sigbus-populate", morsel_populate(fd, 2 * MIB, PAGE));
		sig = probe_write(p + 2 * MIB, 1);
		check(sig == 0, "populate.populated-writes", "%s", signame(sig));
		EXPECT_OK("populate.sigbus-discard", morsel_discard(fd, 2 * MIB, PAGE));
		sig = probe_read(p + 2 * MIB, &val);
		check(sig == SIGBUS, "populate.discarded-sigbus", "%s", signame(sig));
		munmap(p, span);
	}
	destroy(fd);

	/* A whole PTE morsel. */
	fd = must_create("populate.create", MORSEL_LEVEL_PTE, 2 * MIB, MORSEL_F_WRITABLE);
	EXPECT_OK("populate.pte-all", morsel_populate(fd, 0, 2 * MIB));
	check(info_of(fd).pages == 512 && info_of(fd).tables == 1, "populate.pte-all-count",
	      "pages %llu tables %llu", info_of(fd).pages, info_of(fd).tables);
	destroy(fd);
	check_counters_zero("populate.counters-zero");
}

/* ------------------------------------------------------------------- load */
static void test_load(void)
{
	static const char path[] = "/tmp/morsel-test.load";
	uint64_t span = span_of(MORSEL_LEVEL_PMD), flen = 3 * PAGE + 100, pages;
	unsigned char *buf = malloc(flen);
	int fd, src, wfd, pfd[2];
	int64_t n;
	char *p;

	for (uint64_t k = 0; k < flen; k++)
		buf[k] = (unsigned char)(k * 7 + 1);
	src = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (src < 0 || write(src, buf, flen) != (ssize_t)flen)
		exit(2);
	fd = must_create("load.create", MORSEL_LEVEL_PMD, 4 * MIB, MORSEL_F_WRITABLE);
	n = morsel_load(fd, src, 0, PAGE, flen);
	check(n == (int64_t)flen, "load.whole", "loaded %lld of %llu: %s", (long long)n,
	      (unsigned long long)flen, errname(errno));
	check(info_of(fd).pages == 4, "load.pages", "pages %llu", info_of(fd).pages);
	n = morsel_load(fd, src, PAGE, MIB, 2 * PAGE);
	check(n == (int64_t)(2 * PAGE), "load.src-offset", "loaded %lld", (long long)n);
	n = morsel_load(fd, src, 2 * PAGE, 2 * MIB, 16 * PAGE);
	check(n == (int64_t)(flen - 2 * PAGE), "load.short-at-eof", "loaded %lld, want %llu",
	      (long long)n, (unsigned long long)(flen - 2 * PAGE));
	check(info_of(fd).pages == 8, "load.pages-all", "pages %llu", info_of(fd).pages);
	n = morsel_load(fd, src, 1 * MIB, 3 * MIB, PAGE);
	check(n == 0, "load.past-eof", "loaded %lld", (long long)n);
	p = attach(fd, PROT_READ | PROT_WRITE, NULL);
	check(p != MAP_FAILED, "load.attach", "%s", errname(errno));
	if (p != MAP_FAILED) {
		bool tail_zero = true;

		check(!memcmp(p + PAGE, buf, flen), "load.content", "bytes differ");
		for (uint64_t k = PAGE + flen; k < 5 * PAGE; k++)
			tail_zero &= p[k] == 0;
		check(tail_zero, "load.tail-zero", "tail of the last page not zero");
		check(*(volatile uint64_t *)p == 0, "load.before-zero", "page before the data");
		check(!memcmp(p + MIB, buf + PAGE, 2 * PAGE), "load.src-offset-content",
		      "bytes differ");
		check(!memcmp(p + 2 * MIB, buf + 2 * PAGE, flen - 2 * PAGE),
		      "load.short-content", "bytes differ");
		munmap(p, span);
	}

	/* Bad loads. */
	pages = info_of(fd).pages;
	EXPECT_ERR("load.unaligned-offset", morsel_load(fd, src, 0, 100, PAGE), EINVAL);
	EXPECT_ERR("load.beyond-object", morsel_load(fd, src, 0, 4 * MIB - PAGE, 2 * PAGE), EINVAL);
	EXPECT_ERR("load.offset-past-end", morsel_load(fd, src, 0, 4 * MIB, PAGE), EINVAL);
	EXPECT_ERR("load.overflow", morsel_load(fd, src, 0, PAGE, ~0ull - 100), EINVAL);
	EXPECT_ERR("load.bad-fd", morsel_load(fd, -1, 0, 0, PAGE), EBADF);
	EXPECT_ERR("load.closed-fd", morsel_load(fd, 1000, 0, 0, PAGE), EBADF);
	wfd = open(path, O_WRONLY);
	EXPECT_ERR("load.write-only-src", morsel_load(fd, wfd, 0, 0, PAGE), EBADF);
	close(wfd);
	wfd = open("/tmp", O_RDONLY | O_DIRECTORY);
	EXPECT_ERR2("load.directory-src", morsel_load(fd, wfd, 0, 0, PAGE), EISDIR, EINVAL);
	close(wfd);
	if (pipe(pfd) == 0) {
		EXPECT_ERR2("load.pipe-src", morsel_load(fd, pfd[0], 0, 0, PAGE), EINVAL, ESPIPE);
		close(pfd[0]);
		close(pfd[1]);
	}
	EXPECT_ERR2("load.morsel-src", morsel_load(fd, fd, 0, 0, PAGE), EINVAL, EBADF);
	check(info_of(fd).pages == pages, "load.bad-loads-changed-nothing", "pages %llu, were %llu",
	      info_of(fd).pages, (unsigned long long)pages);
	close(src);
	unlink(path);
	free(buf);
	destroy(fd);
	check_counters_zero("load.counters-zero");
}

/* ------------------------------------------------------------------ names */
static int publish_raw(int fd, const char *name, size_t len, uint32_t mode, uint32_t reserved,
		       uint32_t size)
{
	struct morsel_name n = { .size = size, .mode = mode, .reserved = reserved };

	memcpy(n.name, name, len);
	return ioctl(fd, MORSEL_IOC_PUBLISH, &n);
}

static int open_raw(const char *name, uint32_t mode, uint32_t reserved, uint32_t size)
{
	struct morsel_name n = { .size = size, .mode = mode, .reserved = reserved, .fd = -1 };

	strncpy(n.name, name, sizeof(n.name) - 1);
	if (ioctl(ctl, MORSEL_IOC_OPEN, &n))
		return -1;
	return n.fd;
}

static void test_names(void)
{
	uint64_t span = span_of(MORSEL_LEVEL_PMD);
	int fd = must_create("names.create", MORSEL_LEVEL_PMD, 4 * MIB, MORSEL_F_WRITABLE);
	int fd2 = must_create("names.create", MORSEL_LEVEL_PTE, 2 * MIB, MORSEL_F_WRITABLE);
	char long_name[MORSEL_NAME_MAX];
	struct morsel_info i;
	char *p, *q;
	int ofd;

	EXPECT_OK("names.publish", morsel_publish(fd, "morsel-test.a", 0640));
	i = info_of(fd);
	check(!strcmp(i.name, "morsel-test.a") && i.mode == 0640 && i.uid == getuid() &&
	      i.gid == getgid(), "names.info", "name '%.64s' mode %o uid %u gid %u",
	      i.name, i.mode, i.uid, i.gid);
	ofd = morsel_open("morsel-test.a", O_RDWR);
	check(ofd >= 0 && info_of(ofd).id == i.id, "names.open", "%s", errname(errno));
	if (ofd >= 0) {
		p = attach(fd, PROT_READ | PROT_WRITE, NULL);
		q = attach(ofd, PROT_READ | PROT_WRITE, NULL);
		check(p != MAP_FAILED && q != MAP_FAILED, "names.attach-both", "%s",
		      errname(errno));
		if (p != MAP_FAILED && q != MAP_FAILED) {
			*(volatile uint64_t *)(p + 12345 * 8) = 0xabc;
			check(*(volatile uint64_t *)(q + 12345 * 8) == 0xabc, "names.same-memory",
			      "read %#llx", (unsigned long long)*(volatile uint64_t *)(q + 12345 * 8));
		}
		if (p != MAP_FAILED)
			munmap(p, span);
		if (q != MAP_FAILED)
			munmap(q, span);
		close(ofd);
	}
	EXPECT_ERR("names.duplicate", morsel_publish(fd2, "morsel-test.a", 0600), EEXIST);
	EXPECT_ERR2("names.second-name", morsel_publish(fd, "morsel-test.b", 0600), EBUSY, EEXIST);
	EXPECT_ERR("names.empty", publish_raw(fd2, "", 1, 0600, 0, sizeof(struct morsel_name)), EINVAL);
	EXPECT_ERR("names.slash", morsel_publish(fd2, "a/b", 0600), EINVAL);
	EXPECT_ERR("names.space", morsel_publish(fd2, "a b", 0600), EINVAL);
	EXPECT_ERR("names.dotdot-ok-chars-only", morsel_publish(fd2, "a\n", 0600), EINVAL);
	memset(long_name, 'n', sizeof(long_name));
	EXPECT_ERR("names.unterminated", publish_raw(fd2, long_name, sizeof(long_name), 0600, 0,
						     sizeof(struct morsel_name)), EINVAL);
	EXPECT_ERR("names.mode-bits", morsel_publish(fd2, "morsel-test.m", 01666), EINVAL);
	EXPECT_ERR("names.reserved", publish_raw(fd2, "morsel-test.r", 14, 0600, 1,
						 sizeof(struct morsel_name)), EINVAL);
	EXPECT_ERR("names.publish-size", publish_raw(fd2, "morsel-test.s", 14, 0600, 0,
						     sizeof(struct morsel_name) - 1), EINVAL);
	long_name[MORSEL_NAME_MAX - 1] = 0;
	EXPECT_OK("names.longest", morsel_publish(fd2, long_name, 0600));
	ofd = morsel_open(long_name, O_RDONLY);
	check(ofd >= 0 && info_of(ofd).id == info_of(fd2).id, "names.open-longest", "%s",
	      errname(errno));
	if (ofd >= 0)
		close(ofd);
	EXPECT_OK("names.unpublish-longest", morsel_unpublish(long_name));
	check(info_of(fd2).name[0] == 0, "names.unpublished-info", "name '%.64s'",
	      info_of(fd2).name);

	EXPECT_ERR("names.open-missing", morsel_open("morsel-test.none", O_RDWR), ENOENT);
	EXPECT_ERR("names.open-wronly", open_raw("morsel-test.a", O_WRONLY, 0,
						 sizeof(struct morsel_name)), EINVAL);
	EXPECT_ERR("names.open-creat", open_raw("morsel-test.a", O_RDWR | O_CREAT, 0,
						sizeof(struct morsel_name)), EINVAL);
	EXPECT_ERR("names.open-reserved", open_raw("morsel-test.a", O_RDWR, 1,
						   sizeof(struct morsel_name)), EINVAL);
	EXPECT_ERR("names.open-size", open_raw("morsel-test.a", O_RDWR, 0,
					       sizeof(struct morsel_name) + 4), EINVAL);
	EXPECT_ERR("names.open-bad-name", morsel_open("../x", O_RDWR), EINVAL);
	ofd = morsel_open("morsel-test.a", O_RDONLY | O_CLOEXEC);
	check(ofd >= 0 && (fcntl(ofd, F_GETFD) & FD_CLOEXEC) &&
	      (fcntl(ofd, F_GETFL) & O_ACCMODE) == O_RDONLY, "names.open-cloexec-rdonly",
	      "fd %d fdflags %#x fl %#x", ofd, fcntl(ofd, F_GETFD), fcntl(ofd, F_GETFL));
	if (ofd >= 0)
		close(ofd);
	EXPECT_ERR("names.unpublish-missing", morsel_unpublish("morsel-test.none"), ENOENT);


	/* The name holds a reference: with every fd closed, the morsel stays. */
	p = attach(fd, PROT_READ | PROT_WRITE, NULL);
	if (p != MAP_FAILED) {
		*(volatile uint64_t *)(p + 3 * MIB) = 0xfeed;
		munmap(p, span);
	}
	close(fd);
	ofd = morsel_open("morsel-test.a", O_RDWR);
	check(ofd >= 0, "names.name-keeps-alive", "%s", errname(errno));
	if (ofd >= 0) {
		p = attach(ofd, PROT_READ | PROT_WRITE, NULL);
		check(p != MAP_FAILED && *(volatile uint64_t *)(p + 3 * MIB) == 0xfeed,
		      "names.name-keeps-data", "%s", errname(errno));
		if (p != MAP_FAILED)
			munmap(p, span);
		close(ofd);
	}
	/* Unpublishing the last reference ends it. */
	EXPECT_OK("names.unpublish", morsel_unpublish("morsel-test.a"));
	EXPECT_ERR("names.open-after-unpublish", morsel_open("morsel-test.a", O_RDWR), ENOENT);
	destroy(fd2);
	check_counters_zero("names.counters-zero");
}

/* ------------------------------------------------- permissions, second uid */
/* Drop to UID/GID, keeping the device's group (the package's udev rule). */
/* In a child as UID/GID: try O_RDONLY and O_RDWR opens of NAME. */
static void try_open_as(const char *tag, uid_t uid, gid_t gid, const char *name,
			int want_ro, int want_rw)
{
	char n[96];
	pid_t pid = start_child();

	if (pid == 0) {
		int fd, cfd;

		if (!become(uid, gid, dev_gid, true)) {
			check(false, tag, "setuid: %s", strerror(errno));
			end_child();
		}
		/* A fresh /dev/morsel fd, opened with these credentials. */
		cfd = open(MORSEL_DEVICE, O_RDWR);
		snprintf(n, sizeof(n), "%s.ctl-open", tag);
		check(cfd >= 0, n, "uid %u cannot open %s: %s", uid, MORSEL_DEVICE,
		      errname(errno));
		if (cfd < 0)
			end_child();
		ctl = cfd;
		errno = 0;
		fd = morsel_open(name, O_RDONLY);
		snprintf(n, sizeof(n), "%s.rdonly", tag);
		if (want_ro)
			check_err(n, fd, errno, want_ro);
		else
			check(fd >= 0, n, "%s", errname(errno));
		if (fd >= 0)
			close(fd);
		errno = 0;
		fd = morsel_open(name, O_RDWR);
		snprintf(n, sizeof(n), "%s.rdwr", tag);
		if (want_rw)
			check_err(n, fd, errno, want_rw);
		else
			check(fd >= 0, n, "%s", errname(errno));
		if (fd >= 0) {
			char *p = attach(fd, PROT_READ | PROT_WRITE, NULL);

			snprintf(n, sizeof(n), "%s.rdwr-attach-write", tag);
			check(p != MAP_FAILED, n, "%s", errname(errno));
			if (p != MAP_FAILED) {
				*(volatile uint64_t *)(p + 8) = uid;
				munmap(p, span_of(MORSEL_LEVEL_PMD));
			}
			close(fd);
		}
		end_child();
	}
	snprintf(n, sizeof(n), "%s.child", tag);
	wait_child(pid, n);
}

static void test_uid(void)
{
	int fd = must_create("uid.create", MORSEL_LEVEL_PMD, 4 * MIB, MORSEL_F_WRITABLE);
	char *p = attach(fd, PROT_READ | PROT_WRITE, NULL);
	pid_t pid;

	check(getuid() == 0, "uid.root", "run me as root (uid %u)", getuid());
	EXPECT_OK("uid.publish", morsel_publish(fd, "morsel-test.uid", 0600));
	try_open_as("uid.0600-other", UNPRIV_UID, UNPRIV_GID, "morsel-test.uid", EACCES, EACCES);
	try_open_as("uid.0600-group", UNPRIV_UID, getgid(), "morsel-test.uid", EACCES, EACCES);
	EXPECT_OK("uid.unpublish", morsel_unpublish("morsel-test.uid"));

	EXPECT_OK("uid.publish-0640", morsel_publish(fd, "morsel-test.uid", 0640));
	try_open_as("uid.0640-group", UNPRIV_UID, getgid(), "morsel-test.uid", 0, EACCES);
	try_open_as("uid.0640-other", UNPRIV_UID, UNPRIV_GID, "morsel-test.uid", EACCES, EACCES);
	EXPECT_OK("uid.unpublish-0640", morsel_unpublish("morsel-test.uid"));

	EXPECT_OK("uid.publish-0606", morsel_publish(fd, "morsel-test.uid", 0606));
	if (p != MAP_FAILED)
		*(volatile uint64_t *)(p + 8) = 0;
	try_open_as("uid.0606-other", UNPRIV_UID, UNPRIV_GID, "morsel-test.uid", 0, 0);
	check(p != MAP_FAILED && *(volatile uint64_t *)(p + 8) == UNPRIV_UID,
	      "uid.other-wrote", "root reads %llu",
	      p == MAP_FAILED ? 0ull : (unsigned long long)*(volatile uint64_t *)(p + 8));

	/* Only the owner (or root) takes the name away or destroys. */
	pid = start_child();
	if (pid == 0) {
		int cfd, ofd;

		if (!become(UNPRIV_UID, UNPRIV_GID, dev_gid, true))
			end_child();
		cfd = open(MORSEL_DEVICE, O_RDWR);
		if (cfd < 0)
			end_child();
		ctl = cfd;
		EXPECT_ERR("uid.other-unpublish", morsel_unpublish("morsel-test.uid"), EPERM);
		/* Changing it needs an fd opened for writing. */
		ofd = morsel_open("morsel-test.uid", O_RDONLY);
		EXPECT_ERR("uid.other-rdonly-destroy", morsel_destroy(ofd), EPERM);
		EXPECT_ERR("uid.other-rdonly-revoke", morsel_revoke(ofd), EPERM);
		close(ofd);
		ofd = morsel_open("morsel-test.uid", O_RDWR);
		/* Only the owner names it, an fd grants use, not ownership. */
		EXPECT_ERR("uid.other-republish", morsel_publish(ofd, "morsel-test.x", 0666), EPERM);
		close(ofd);
		/* An unprivileged user makes and names its own. */
		int own = morsel_create(MORSEL_LEVEL_PTE, 2 * MIB, MORSEL_F_WRITABLE, 0, 0, NULL);

		check(own >= 0, "uid.other-create", "%s", errname(errno));
		if (own >= 0) {
			check(info_of(own).uid == UNPRIV_UID, "uid.other-owns", "uid %u",
			      info_of(own).uid);
			EXPECT_OK("uid.other-publish", morsel_publish(own, "morsel-test.own", 0600));
			EXPECT_OK("uid.other-destroy-own", morsel_destroy(own));
			EXPECT_ERR("uid.other-destroyed-unnamed",
				   morsel_open("morsel-test.own", O_RDWR), ENOENT);
		}
		end_child();
	}
	wait_child(pid, "uid.other");
	/* Root still can open any name (CAP_DAC_OVERRIDE, as for files). */
	EXPECT_OK("uid.unpublish-0606", morsel_unpublish("morsel-test.uid"));

	/*
	 * DESTROY also removes the name, so like UNPUBLISH it is the owner's:
	 * write rights on a 0606 name are not enough.
	 */
	{
		int f2 = must_create("uid.create", MORSEL_LEVEL_PTE, PAGE, MORSEL_F_WRITABLE);

		EXPECT_OK("uid.publish-0606", morsel_publish(f2, "morsel-test.uid2", 0606));
		pid = start_child();
		if (pid == 0) {
			int cfd, ofd;

			if (!become(UNPRIV_UID, UNPRIV_GID, dev_gid, true))
				_exit(1);
			cfd = open(MORSEL_DEVICE, O_RDWR);
			ctl = cfd;
			ofd = morsel_open("morsel-test.uid2", O_RDWR);
			check(ofd >= 0, "uid.other-open-rw-0606", "open: %s",
			      errname(errno));
			EXPECT_ERR("uid.other-destroy", morsel_destroy(ofd), EPERM);
			end_child();
		}
		wait_child(pid, "uid.other-destroy-child");
		EXPECT_OK("uid.name-kept", morsel_unpublish("morsel-test.uid2"));
		destroy(f2);
	}
	if (p != MAP_FAILED)
		munmap(p, span_of(MORSEL_LEVEL_PMD));
	destroy(fd);
	check_counters_zero("uid.counters-zero");
}

/* ------------------------------------------------------------ fixed address */
static void test_fixed(void)
{
	const uint64_t fa = 0x200000000000ull;	/* 32 TiB: 512 GiB aligned */
	uint64_t span = span_of(MORSEL_LEVEL_PMD), top = l5 ? 1ull << 56 : 1ull << 47;
	struct morsel_info i;
	int fd;
	char *p, *q;
	pid_t pid;

	EXPECT_ERR("fixed.unaligned", create(MORSEL_LEVEL_PMD, 4 * MIB, MORSEL_F_FIXED_ADDR,
					     fa + 2 * MIB, NULL), EINVAL);
	EXPECT_ERR("fixed.without-flag", create(MORSEL_LEVEL_PMD, 4 * MIB, 0, fa, NULL), EINVAL);
	EXPECT_ERR("fixed.beyond-user", create(MORSEL_LEVEL_PMD, 4 * MIB, MORSEL_F_FIXED_ADDR,
					       top, NULL), EINVAL);
	EXPECT_ERR("fixed.last-slot", create(MORSEL_LEVEL_PMD, 4 * MIB, MORSEL_F_FIXED_ADDR,
					     top - span, NULL), EINVAL);
	EXPECT_ERR("fixed.zero", create(MORSEL_LEVEL_PMD, 4 * MIB, MORSEL_F_FIXED_ADDR, 0, NULL),
		   EINVAL);
	EXPECT_ERR("fixed.kernel-half", create(MORSEL_LEVEL_PMD, 4 * MIB, MORSEL_F_FIXED_ADDR,
					       0xffff800000000000ull, NULL), EINVAL);

	fd = create(MORSEL_LEVEL_PMD, 4 * MIB, MORSEL_F_WRITABLE | MORSEL_F_FIXED_ADDR, fa, NULL);
	check(fd >= 0, "fixed.create", "%s", errname(errno));
	if (fd < 0)
		return;
	i = info_of(fd);
	check(i.fixed_addr == fa && (i.flags & MORSEL_F_FIXED_ADDR), "fixed.info",
	      "fixed_addr %#llx flags %#x", i.fixed_addr, i.flags);
	p = mmap((void *)fa, span, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(p == (char *)fa, "fixed.attach-hint", "%p: %s", p, errname(errno));
	if (p == MAP_FAILED) {
		destroy(fd);
		return;
	}
	*(volatile uint64_t *)(p + 8) = (uintptr_t)p;	/* a pointer into itself */
	q = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(q == MAP_FAILED, "fixed.second-attach-refused", "attached again at %p", q);
	if (q != MAP_FAILED)
		munmap(q, span);
	EXPECT_ERR("fixed.map-fixed-elsewhere",
		   mmap((void *)(fa + span), span, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0), EINVAL);
	pid = start_child();
	if (pid == 0) {
		check(*(volatile uint64_t *)(fa + 8) == fa, "fixed.child-inherits",
		      "child reads %#llx", (unsigned long long)*(volatile uint64_t *)(fa + 8));
		munmap(p, span);
		/* A new attach without a hint lands at the fixed address (or fails). */
		q = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		check(q == (char *)fa || (q == MAP_FAILED && errno == EINVAL),
		      "fixed.attach-no-hint", "%p: %s", q, errname(errno));
		q = mmap((void *)(fa + 8 * span), span, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		check(q == (char *)fa || (q == MAP_FAILED && errno == EINVAL),
		      "fixed.attach-other-hint", "%p: %s", q, errname(errno));
		end_child();
	}
	wait_child(pid, "fixed.child");
	munmap(p, span);
	/* Something else occupies the fixed address: the attach fails. */
	q = mmap((void *)fa, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (q == (char *)fa) {
		p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		check(p == MAP_FAILED && errno == ENOMEM, "fixed.occupied-refused",
		      "attached at %p (%s)", p, errname(errno));
		if (p != MAP_FAILED)
			munmap(p, span);
		munmap(q, PAGE);
	}
	destroy(fd);
	check_counters_zero("fixed.counters-zero");
}

/* ------------------------------------------------------------ bad arguments */
static int create_with(struct morsel_create c)
{
	int ret = ioctl(ctl, MORSEL_IOC_CREATE, &c);

	if (ret == 0) {
		/* Should not have worked: do not leak it. */
		close(c.fd);
	}
	return ret;
}

static int range_raw(int fd, unsigned long cmd, uint32_t size, uint32_t flags, uint64_t off,
		     uint64_t len)
{
	struct morsel_range r = { .size = size, .flags = flags, .offset = off, .length = len };

	return ioctl(fd, cmd, &r);
}

static void test_badargs(void)
{
	const struct morsel_create good = {
		.size = sizeof(good), .level = MORSEL_LEVEL_PTE, .flags = MORSEL_F_WRITABLE,
		.length = 2 * MIB, .fd = -1,
	};
	struct morsel_create c;
	struct morsel_info info;
	struct morsel_load l;
	struct morsel_seal s;
	int fd, nullfd;
	char name[64];

#define BAD_CREATE(tag, field, value, err) do {				\
		c = good;						\
		c.field = value;					\
		EXPECT_ERR("badargs.create-" tag, create_with(c), err);	\
	} while (0)
	BAD_CREATE("size-0", size, 0, EINVAL);
	BAD_CREATE("size-short", size, sizeof(c) - 8, EINVAL);
	BAD_CREATE("size-long", size, sizeof(c) + 8, EINVAL);
	BAD_CREATE("level-0", level, 0, EINVAL);
	BAD_CREATE("level-5", level, 5, EINVAL);
	BAD_CREATE("level-max", level, ~0u, EINVAL);
	BAD_CREATE("flag-unknown", flags, MORSEL_F_WRITABLE | (MORSEL_F_ALL + 1), EINVAL);
	BAD_CREATE("flag-top", flags, 1u << 31, EINVAL);
	BAD_CREATE("fd-flags", fd_flags, O_NONBLOCK, EINVAL);
	BAD_CREATE("fd-flags-all", fd_flags, ~0u, EINVAL);
	BAD_CREATE("length-0", length, 0, EINVAL);
	BAD_CREATE("length-unaligned", length, 4097, EINVAL);
	BAD_CREATE("length-small", length, 100, EINVAL);
	BAD_CREATE("length-over-span", length, 2 * MIB + PAGE, EINVAL);
	BAD_CREATE("length-huge", length, 1ull << 63, EINVAL);
	BAD_CREATE("length-max", length, ~0ull & ~(PAGE - 1), EINVAL);
	c = good;
	c.level = MORSEL_LEVEL_PUD;
	c.length = 512 * GIB + PAGE;
	EXPECT_ERR("badargs.create-pud-over-span", create_with(c), EINVAL);
	c.level = MORSEL_LEVEL_P4D;
	c.length = PAGE;
	if (l5) {
		c.length = 256 * TIB + PAGE;
		EXPECT_ERR("badargs.create-p4d-over-span", create_with(c), EINVAL);
	} else {
		EXPECT_ERR("badargs.create-p4d-4level", create_with(c), EOPNOTSUPP);
	}
	EXPECT_ERR("badargs.create-null", ioctl(ctl, MORSEL_IOC_CREATE, NULL), EFAULT);
	EXPECT_ERR("badargs.create-bad-pointer", ioctl(ctl, MORSEL_IOC_CREATE, (void *)8), EFAULT);
	/* The struct size is also part of the command number. */
	EXPECT_ERR("badargs.create-cmd-size",
		   ioctl(ctl, _IOWR(MORSEL_IOC_MAGIC, 0x00, char[40]), &c), ENOTTY);
	EXPECT_ERR("badargs.ctl-unknown", ioctl(ctl, _IO(MORSEL_IOC_MAGIC, 0x7f)), ENOTTY);
	EXPECT_ERR("badargs.ctl-other-magic", ioctl(ctl, _IO('T', 0x00)), ENOTTY);
	EXPECT_ERR("badargs.ctl-morsel-cmd", ioctl(ctl, MORSEL_IOC_REVOKE), ENOTTY);
	EXPECT_ERR("badargs.ctl-mmap",
		   mmap(NULL, 2 * MIB, PROT_READ, MAP_SHARED, ctl, 0), ENODEV);

	fd = must_create("badargs.create", MORSEL_LEVEL_PTE, 2 * MIB, MORSEL_F_WRITABLE);
	EXPECT_ERR("badargs.morsel-ctl-cmd", ioctl(fd, MORSEL_IOC_CREATE, &c), ENOTTY);
	EXPECT_ERR("badargs.morsel-unknown", ioctl(fd, _IO(MORSEL_IOC_MAGIC, 0x7f)), ENOTTY);
	memset(&info, 0, sizeof(info));
	EXPECT_ERR("badargs.info-size-0", ioctl(fd, MORSEL_IOC_INFO, &info), EINVAL);
	info.size = sizeof(info) + 4;
	EXPECT_ERR("badargs.info-size-long", ioctl(fd, MORSEL_IOC_INFO, &info), EINVAL);
	EXPECT_ERR("badargs.info-null", ioctl(fd, MORSEL_IOC_INFO, NULL), EFAULT);

	for (int d = 0; d < 2; d++) {
		unsigned long cmd = d ? MORSEL_IOC_DISCARD : MORSEL_IOC_POPULATE;
		const char *op = d ? "discard" : "populate";
		uint32_t sz = sizeof(struct morsel_range);

#define BAD_RANGE(tag, size, flags, off, len) do {				\
		snprintf(name, sizeof(name), "badargs.%s-%s", op, tag);		\
		EXPECT_ERR(name, range_raw(fd, cmd, size, flags, off, len), EINVAL); \
	} while (0)
		BAD_RANGE("size-0", 0, 0, 0, PAGE);
		BAD_RANGE("size-long", sz + 8, 0, 0, PAGE);
		BAD_RANGE("flags", sz, 1, 0, PAGE);
		BAD_RANGE("offset-unaligned", sz, 0, 1, PAGE);
		BAD_RANGE("length-unaligned", sz, 0, 0, 4095);
		BAD_RANGE("past-end", sz, 0, 2 * MIB - PAGE, 2 * PAGE);
		BAD_RANGE("offset-at-end", sz, 0, 2 * MIB, PAGE);
		BAD_RANGE("overflow", sz, 0, ~0ull & ~(PAGE - 1), 2 * PAGE);
		BAD_RANGE("huge-length", sz, 0, 0, 1ull << 62);
		snprintf(name, sizeof(name), "badargs.%s-null", op);
		EXPECT_ERR(name, ioctl(fd, cmd, NULL), EFAULT);
#undef BAD_RANGE
	}
	check(info_of(fd).pages == 0, "badargs.ranges-changed-nothing", "pages %llu",
	      info_of(fd).pages);

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l) - 8;
	l.src_fd = 0;
	l.length = PAGE;
	EXPECT_ERR("badargs.load-size", ioctl(fd, MORSEL_IOC_LOAD, &l), EINVAL);
	s.size = sizeof(s) + 4;
	s.seals = MORSEL_SEAL_WRITE;
	EXPECT_ERR("badargs.seal-size", ioctl(fd, MORSEL_IOC_SEAL, &s), EINVAL);
	check(info_of(fd).seals == 0, "badargs.seal-unchanged", "seals %#x", info_of(fd).seals);

	/* An fd that is not a morsel, closed fds, bad fds. */
	nullfd = open("/dev/null", O_RDWR);
	EXPECT_ERR("badargs.info-on-devnull", morsel_info(nullfd, &info), ENOTTY);
	close(nullfd);
	EXPECT_ERR("badargs.info-fd-minus-1", morsel_info(-1, &info), EBADF);
	destroy(fd);
	EXPECT_ERR("badargs.info-closed-fd", morsel_info(fd, &info), EBADF);
	EXPECT_ERR("badargs.destroy-closed-fd", morsel_destroy(fd), EBADF);
	EXPECT_ERR("badargs.mmap-closed-fd",
		   mmap(NULL, 2 * MIB, PROT_READ, MAP_SHARED, fd, 0), EBADF);
	check_counters_zero("badargs.counters-zero");
#undef BAD_CREATE
}

/* --------------------------------------------- mapping rules (mmap & co.) */
static void test_mapping(void)
{
	uint64_t span = span_of(MORSEL_LEVEL_PMD), val;
	int fd = must_create("mapping.create", MORSEL_LEVEL_PMD, 8 * MIB, MORSEL_F_WRITABLE);
	char *p, *q;
	int sig;

	EXPECT_ERR("mapping.half-span", mmap(NULL, span / 2, PROT_READ, MAP_SHARED, fd, 0), EINVAL);
	EXPECT_ERR("mapping.double-span", mmap(NULL, 2 * span, PROT_READ, MAP_SHARED, fd, 0), EINVAL);
	EXPECT_ERR("mapping.object-length", mmap(NULL, 8 * MIB, PROT_READ, MAP_SHARED, fd, 0), EINVAL);
	EXPECT_ERR("mapping.pgoff", mmap(NULL, span, PROT_READ, MAP_SHARED, fd, PAGE), EINVAL);
	EXPECT_ERR("mapping.private", mmap(NULL, span, PROT_READ, MAP_PRIVATE, fd, 0), EINVAL);
	p = attach(fd, PROT_READ | PROT_WRITE, NULL);
	check(p != MAP_FAILED, "mapping.attach", "%s", errname(errno));
	if (p == MAP_FAILED) {
		destroy(fd);
		return;
	}
	*(volatile uint64_t *)(p + 5 * MIB) = 55;
	munmap(p, span);
	EXPECT_ERR("mapping.fixed-unaligned",
		   mmap(p + PAGE, span, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0), EINVAL);
	EXPECT_ERR("mapping.fixed-noreplace-unaligned",
		   mmap(p + 2 * MIB, span, PROT_READ, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0),
		   EINVAL);
	/* An unaligned hint is only a hint: the result is aligned. */
	q = mmap(p + PAGE, span, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(q != MAP_FAILED && (uintptr_t)q % span == 0, "mapping.unaligned-hint", "%p: %s",
	      q, errname(errno));
	if (q == MAP_FAILED) {
		destroy(fd);
		return;
	}
	p = q;
	EXPECT_ERR("mapping.partial-munmap-head", munmap(p, PAGE), EINVAL);
	EXPECT_ERR("mapping.partial-munmap-tail", munmap(p + span / 2, span / 2), EINVAL);
	EXPECT_ERR("mapping.partial-munmap-middle", munmap(p + 4 * MIB, 2 * MIB), EINVAL);
	q = mremap(p, span, span, MREMAP_MAYMOVE | MREMAP_FIXED, p + 4 * span);
	check(q == MAP_FAILED && errno == EINVAL, "mapping.mremap-move", "%p %s", q,
	      errname(errno));
	q = mremap(p, span, 2 * span, MREMAP_MAYMOVE);
	check(q == MAP_FAILED && (errno == EINVAL || errno == EFAULT), "mapping.mremap-grow",
	      "%p %s", q, errname(errno));
	q = mremap(p, span, span / 2, 0);
	check(q == MAP_FAILED && errno == EINVAL, "mapping.mremap-shrink", "%p %s", q,
	      errname(errno));
	q = mremap(p, span, span, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	check(q == MAP_FAILED && errno == EINVAL, "mapping.mremap-dontunmap", "%p %s", q,
	      errname(errno));
	EXPECT_ERR("mapping.madv-dontneed", madvise(p, span, MADV_DONTNEED), EINVAL);
	EXPECT_ERR("mapping.madv-dofork", madvise(p, span, MADV_DOFORK), EINVAL);
	EXPECT_ERR("mapping.madv-remove", madvise(p, span, MADV_REMOVE), ENODEV);
	EXPECT_ERR("mapping.madv-populate-read", madvise(p, span, 22 /* POPULATE_READ */),
		   EINVAL);
	EXPECT_ERR("mapping.madv-populate-write", madvise(p, span, 23 /* POPULATE_WRITE */),
		   EINVAL);
	/* mprotect: refused, or (if allowed) it must not open writes for others. */
	errno = 0;
	if (mprotect(p, span, PROT_READ) == 0) {
		sig = probe_write(p + 5 * MIB, 56);
		check(sig == SIGSEGV, "mapping.mprotect-ro", "mprotect worked, write: %s",
		      signame(sig));
		mprotect(p, span, PROT_READ | PROT_WRITE);
	} else {
		check(errno == EINVAL || errno == EACCES || errno == EPERM, "mapping.mprotect-ro",
		      "errno %s", errname(errno));
	}
	EXPECT_ERR2("mapping.mprotect-partial", mprotect(p, PAGE, PROT_READ), EINVAL, EACCES);
	/* After all that the mapping is intact. */
	sig = probe_read(p + 5 * MIB, &val);
	check(sig == 0 && val == 55, "mapping.intact", "%s value %llu", signame(sig),
	      (unsigned long long)val);
	sig = probe_write(p + 5 * MIB, 57);
	check(sig == 0, "mapping.still-writable", "%s", signame(sig));
	check(info_of(fd).attaches == 1, "mapping.one-attach", "attaches %llu",
	      info_of(fd).attaches);
	EXPECT_OK("mapping.munmap-whole", munmap(p, span));
	/* munmap of a range covering more than the attachment is fine. */
	p = attach(fd, PROT_READ | PROT_WRITE, NULL);
	if (p != MAP_FAILED) {
		q = mmap(p + span, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			 -1, 0);
		EXPECT_OK("mapping.munmap-wider", munmap(p, span + (q == p + span ? PAGE : 0)));
	}
	/* MAP_FIXED over part of an attach would split it: refused, intact. */
	p = attach(fd, PROT_READ | PROT_WRITE, NULL);
	if (p != MAP_FAILED) {
		q = mmap(p + 2 * MIB, 2 * MIB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			 -1, 0);
		check(q == MAP_FAILED && errno == EINVAL, "mapping.map-fixed-over-part",
		      "%p %s", q, errname(errno));
		sig = probe_read(p + 5 * MIB, &val);
		check(sig == 0 && val == 57, "mapping.intact-after-map-fixed", "%s value %llu",
		      signame(sig), (unsigned long long)val);
		/* Syscalls use attach memory as buffers (uaccess, no GUP). */
		int pfd[2];

		if (pipe(pfd) == 0) {
			memcpy(p + 6 * MIB, "morsel-to-pipe", 15);
			check(write(pfd[1], p + 6 * MIB, 15) == 15 &&
			      read(pfd[0], p + 7 * MIB + 100, 15) == 15 &&
			      !memcmp(p + 7 * MIB + 100, "morsel-to-pipe", 15),
			      "mapping.syscall-buffers", "%s", errname(errno));
			close(pfd[0]);
			close(pfd[1]);
		}
		/* No GUP: process_vm_readv cannot pin it. */
		{
			char buf[16];
			struct iovec local = { buf, sizeof(buf) };
			struct iovec remote = { p + 6 * MIB, sizeof(buf) };

			errno = 0;
			check(process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == -1 &&
			      errno == EFAULT, "mapping.no-gup", "process_vm_readv: %s",
			      errname(errno));
		}
		/* MAP_FIXED over the whole attach replaces (detaches) it. */
		q = mmap(p, span, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		check(q == p && info_of(fd).attaches == 0, "mapping.map-fixed-over-whole",
		      "%p %s attaches %llu", q, errname(errno), info_of(fd).attaches);
		munmap(q == MAP_FAILED ? p : q, span);
	}
	/* One munmap over two adjacent attaches detaches both. */
	{
		int f2 = must_create("mapping.create", MORSEL_LEVEL_PTE, 2 * MIB, MORSEL_F_WRITABLE);
		uint64_t s2 = span_of(MORSEL_LEVEL_PTE);
		char *a = attach(f2, PROT_READ | PROT_WRITE, NULL), *b = MAP_FAILED;

		if (a != MAP_FAILED) {
			munmap(a, s2);
			/* a free 6 MiB range: both attaches back to back in it */
			a = mmap(NULL, 6 * MIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			munmap(a, 6 * MIB);
			a = (char *)(((uintptr_t)a + s2 - 1) & ~(s2 - 1));
			a = mmap(a, s2, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE, f2, 0);
			b = a == MAP_FAILED ? MAP_FAILED :
				mmap(a + s2, s2, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_FIXED_NOREPLACE, f2, 0);
		}
		check(a != MAP_FAILED && b == a + s2 && info_of(f2).attaches == 2,
		      "mapping.adjacent-attaches", "%p %p %s", a, b, errname(errno));
		if (b != MAP_FAILED) {
			*(volatile uint64_t *)a = 1;
			check(*(volatile uint64_t *)b == 1, "mapping.adjacent-alias", "-");
			EXPECT_OK("mapping.munmap-both", munmap(a, 2 * s2));
			check(info_of(f2).attaches == 0, "mapping.adjacent-detached", "attaches %llu",
			      info_of(f2).attaches);
		} else if (a != MAP_FAILED) {
			munmap(a, s2);
		}
		destroy(f2);
	}
	/* PROT_NONE attach: allowed or refused, never readable. */
	p = mmap(NULL, span, PROT_NONE, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED) {
		sig = probe_read(p + 5 * MIB, &val);
		check(sig == SIGSEGV, "mapping.prot-none", "read: %s", signame(sig));
		munmap(p, span);
	} else {
		check(errno == EINVAL || errno == EACCES, "mapping.prot-none", "%s", errname(errno));
	}
	check(info_of(fd).attaches == 0, "mapping.no-attaches", "attaches %llu",
	      info_of(fd).attaches);
	destroy(fd);
	check_counters_zero("mapping.counters-zero");
}

/* ---------------------------------------------------------------- listing */
static bool listing_has(unsigned int id, const char *needle, pid_t pid)
{
	FILE *f = fopen("/sys/kernel/debug/morsel/list", "r");
	char line[1024], pidstr[32];
	bool found = false;

	if (!f)
		return false;
	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	while (fgets(line, sizeof(line), f)) {
		char *tok, *save, *copy = strdup(line);
		bool id_ok = false, needle_ok = !needle, pid_ok = !pid;
		int n = 0;

		/* "id name level length span pages tables attaches pid,pid" */
		for (tok = strtok_r(copy, " \t\n,", &save); tok;
		     tok = strtok_r(NULL, " \t\n,", &save), n++) {
			if (n == 0)
				id_ok = strtoul(tok, NULL, 10) == id && *tok >= '0' && *tok <= '9';
			if (needle && !strcmp(tok, needle))
				needle_ok = true;
			if (pid && n >= 8 && !strcmp(tok, pidstr))
				pid_ok = true;
		}
		free(copy);
		if (id_ok && needle_ok && pid_ok)
			found = true;
	}
	fclose(f);
	return found;
}

static void test_listing(void)
{
	int fd = must_create("listing.create", MORSEL_LEVEL_PMD, 4 * MIB, MORSEL_F_WRITABLE);
	struct morsel_info i = info_of(fd);
	int to_child[2];
	char *p, c;
	pid_t pid;

	EXPECT_OK("listing.publish", morsel_publish(fd, "morsel-test.list", 0600));
	check(listing_has(i.id, "morsel-test.list", 0), "listing.has-name",
	      "no line for id %u with its name", i.id);
	if (pipe(to_child))
		exit(2);
	comm[0] = 0;
	pid = start_child();
	if (pid == 0) {
		p = attach(fd, PROT_READ | PROT_WRITE, NULL);
		if (p != MAP_FAILED)
			*(volatile uint64_t *)p = 1;
		comm[0] = 1;
		if (read(to_child[0], &c, 1) != 1)
			end_child();
		end_child();
	}
	while (!comm[0])
		usleep(1000);
	check(listing_has(i.id, NULL, pid), "listing.has-pid", "no line for id %u with pid %d",
	      i.id, pid);
	check(!listing_has(i.id, NULL, getpid()), "listing.not-my-pid",
	      "pid %d listed without an attach", getpid());
	if (write(to_child[1], "x", 1) != 1)
		exit(2);
	wait_child(pid, "listing.child");
	check(!listing_has(i.id, NULL, pid), "listing.pid-gone", "pid %d still listed", pid);
	close(to_child[0]);
	close(to_child[1]);
	destroy(fd);
	check(!listing_has(i.id, "morsel-test.list", 0), "listing.gone", "id %u still listed", i.id);
	check_counters_zero("listing.counters-zero");
}

/* ------------------------------------------------- threads racing the ioctls */
#define CONC_SLOTS 256

struct conc {
	int fd, src;
	char *p;
	uint64_t stride;	/* bytes between the pages used */
	volatile int phase;	/* 0 run, 1 expect SIGBUS (destroyed), 2 stop */
	uint64_t seed, touches, bad, badsig, sigbus;
};

static void *conc_toucher(void *arg)
{
	struct conc *c = arg;

	while (c->phase != 2) {
		uint64_t slot = next_rand(&c->seed) % CONC_SLOTS, val = 0;
		char *q = c->p + slot * c->stride;
		int phase = c->phase, sig;

		if (next_rand(&c->seed) & 1)
			sig = probe_write(q, (slot << 32) | (c->touches & 0xffffffff));
		else
			sig = probe_read(q, &val);
		c->touches++;
		if (sig == SIGBUS && c->phase) {
			c->sigbus++;
			break;
		}
		if (sig && !phase)
			c->badsig = (uint64_t)sig;
		/* A page reads zero (hole, discarded) or a value written for it. */
		if (!sig && val && val >> 32 != slot)
			c->bad++;
	}
	return NULL;
}

/* A page of zeros in a regular file (what the racing LOADs copy). */
static int zero_file(void)
{
	static const char path[] = "/tmp/morsel-test.zero";
	static const char zero[PAGE];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, zero, PAGE) != (ssize_t)PAGE)
		exit(2);
	unlink(path);
	return fd;
}

/* A thread racing LOAD, POPULATE and DISCARD against everything else. */
static void *conc_ioctls(void *arg)
{
	struct conc *c = arg;

	while (c->phase != 2) {
		uint64_t slot = next_rand(&c->seed) % CONC_SLOTS, op = next_rand(&c->seed) % 3;
		int64_t ret;

		errno = 0;
		if (op == 0)
			ret = morsel_load(c->fd, c->src, 0, slot * c->stride, PAGE);
		else if (op == 1)
			ret = morsel_populate(c->fd, slot * c->stride, PAGE);
		else
			ret = morsel_discard(c->fd, slot * c->stride, PAGE);
		c->touches++;
		if (ret < 0 && errno == EIDRM && c->phase) {
			c->sigbus++;	/* here: saw the destroy */
			break;
		}
		if (ret < 0 || (op == 0 && ret != (int64_t)PAGE))
			c->badsig = errno ? (uint64_t)errno : 1000;
	}
	return NULL;
}

static void test_concurrent_level(unsigned int level, uint64_t len)
{
	uint64_t span = span_of(level), seed = 0x1234567 + level;
	int fd = must_create("concurrent.create", level, len, MORSEL_F_WRITABLE);
	struct conc c[3];
	pthread_t th[3];
	char name[64], *p, *q;
	double end;
	int ops = 0;
	pid_t pid;

	p = attach(fd, PROT_READ | PROT_WRITE, NULL);
	snprintf(name, sizeof(name), "concurrent.%s.attach", morsel_level_name(level));
	check(p != MAP_FAILED, name, "%s", errname(errno));
	if (p == MAP_FAILED) {
		destroy(fd);
		return;
	}
	for (int t = 0; t < 3; t++) {
		c[t] = (struct conc){ .p = p, .stride = len / CONC_SLOTS, .seed = seed + t * 77,
				      .fd = fd, .src = zero_file() };
		pthread_create(&th[t], NULL, t < 2 ? conc_toucher : conc_ioctls, &c[t]);
	}
	/* Meanwhile: revoke, discard, populate, other attaches, forks. */
	end = now() + 2;
	while (now() < end) {
		uint64_t slot = next_rand(&seed) % CONC_SLOTS, n = 1 + next_rand(&seed) % 8;

		if (slot + n > CONC_SLOTS)
			n = CONC_SLOTS - slot;
		switch (next_rand(&seed) % 5) {
		case 0:
			if (morsel_revoke(fd))
				check(false, "concurrent.revoke", "%s", errname(errno));
			break;
		case 1:
			if (morsel_discard(fd, slot * c[0].stride, c[0].stride))
				check(false, "concurrent.discard", "%s", errname(errno));
			break;
		case 2:
			if (morsel_populate(fd, slot * c[0].stride, PAGE))
				check(false, "concurrent.populate", "%s", errname(errno));
			break;
		case 3:
			q = attach(fd, PROT_READ | PROT_WRITE, NULL);
			if (q == MAP_FAILED) {
				check(false, "concurrent.attach", "%s", errname(errno));
				break;
			}
			(void)*(volatile uint64_t *)(q + slot * c[0].stride);
			munmap(q, span);
			break;
		default:
			pid = fork();
			if (pid == 0) {
				for (int k = 0; k < 16; k++) {
					uint64_t v = *(volatile uint64_t *)(p + (k * 16 % CONC_SLOTS) *
									    c[0].stride);

					if (v && v >> 32 != (uint64_t)(k * 16 % CONC_SLOTS))
						_exit(1);
				}
				_exit(0);
			}
			if (pid > 0) {
				int status;

				waitpid(pid, &status, 0);
				if (!WIFEXITED(status) || WEXITSTATUS(status))
					check(false, "concurrent.fork-child", "status %#x", status);
			}
			break;
		}
		ops++;
	}
	/* Destroy under the threads: they must see SIGBUS, nothing worse. */
	c[0].phase = c[1].phase = c[2].phase = 1;
	EXPECT_OK("concurrent.destroy", morsel_destroy(fd));
	end = now() + 5;
	while ((!c[0].sigbus || !c[1].sigbus || !c[2].sigbus) && now() < end)
		usleep(1000);
	c[0].phase = c[1].phase = c[2].phase = 2;
	for (int t = 0; t < 3; t++) {
		pthread_join(th[t], NULL);
		close(c[t].src);
	}
	snprintf(name, sizeof(name), "concurrent.%s.ioctls", morsel_level_name(level));
	check(!c[2].badsig && c[2].sigbus, name, "ioctl thread: error %llu, saw EIDRM %llu",
	      (unsigned long long)c[2].badsig, (unsigned long long)c[2].sigbus);
	snprintf(name, sizeof(name), "concurrent.%s.values", morsel_level_name(level));
	check(!c[0].bad && !c[1].bad && !c[0].badsig && !c[1].badsig, name,
	      "wrong values %llu/%llu, signals %s/%s", (unsigned long long)c[0].bad,
	      (unsigned long long)c[1].bad, signame((int)c[0].badsig), signame((int)c[1].badsig));
	snprintf(name, sizeof(name), "concurrent.%s.sigbus-after-destroy", morsel_level_name(level));
	check(c[0].sigbus && c[1].sigbus, name, "threads saw SIGBUS: %llu %llu",
	      (unsigned long long)c[0].sigbus, (unsigned long long)c[1].sigbus);
	printf("concurrent %s: %d ops, %llu touches, %llu ioctls\n", morsel_level_name(level), ops,
	       (unsigned long long)(c[0].touches + c[1].touches),
	       (unsigned long long)c[2].touches);
	munmap(p, span);
	close(fd);
}

static void test_concurrent(void)
{
	test_concurrent_level(MORSEL_LEVEL_PTE, 2 * MIB);
	test_concurrent_level(MORSEL_LEVEL_PMD, 64 * MIB);
	test_concurrent_level(MORSEL_LEVEL_PUD, 4 * GIB);
	check_counters_zero("concurrent.counters-zero");
}

/* ------------------------------------------------------------ huge counts */
static void test_limits(void)
{
	long long old_pages = read_param("max_pages_per_user");
	long long old_morsels = read_param("max_morsels_per_user");
	const long long limit = 4096;	/* 16 MiB */
	int fds[4], fd, err;

	check(old_pages >= 0 && old_morsels >= 0, "limits.params", "max_pages_per_user %lld "
	      "max_morsels_per_user %lld", old_pages, old_morsels);
	if (old_pages < 0 || old_morsels < 0)
		return;

	/* Half a TiB of pages: the per-user page limit stops it, exactly. */
	check(write_param("max_pages_per_user", limit), "limits.set-pages", "%s", strerror(errno));
	fd = must_create("limits.create", MORSEL_LEVEL_PUD, 512 * GIB, MORSEL_F_WRITABLE);
	errno = 0;
	err = morsel_populate(fd, 0, 512 * GIB) ? errno : 0;
	check(err == EDQUOT, "limits.populate-512g", "populate returned %s", errname(err));
	/* Page tables count, too. */
	check(info_of(fd).pages + info_of(fd).tables == (uint64_t)limit, "limits.pages-at-limit",
	      "pages %llu + tables %llu, limit %lld", info_of(fd).pages, info_of(fd).tables,
	      limit);
	/* Touching a hole over the limit: SIGBUS, not an OOM. */
	{
		char *p = attach(fd, PROT_READ | PROT_WRITE, NULL);
		uint64_t val;
		int sig;

		check(p != MAP_FAILED, "limits.attach", "%s", errname(errno));
		if (p != MAP_FAILED) {
			sig = probe_read(p + 100 * GIB, &val);
			check(sig == SIGBUS, "limits.fault-over-limit-sigbus", "%s", signame(sig));
			sig = probe_read(p + 8 * KIB, &val);
			check(sig == 0 && val == 0, "limits.populated-readable", "%s", signame(sig));
			munmap(p, span_of(MORSEL_LEVEL_PUD));
		}
	}
	EXPECT_ERR("limits.load-over-limit",
		   morsel_load(fd, open("/proc/self/exe", O_RDONLY), 0, 256 * GIB, PAGE), EDQUOT);
	/* Discarding makes room again (the tables stay). */
	EXPECT_OK("limits.discard", morsel_discard(fd, 0, 16 * MIB));
	EXPECT_OK("limits.populate-after-discard", morsel_populate(fd, 300 * GIB, 8 * MIB));
	destroy(fd);
	check(write_param("max_pages_per_user", old_pages), "limits.restore-pages", "%s",
	      strerror(errno));
	check_counters_zero("limits.pages-counters-zero");

	/* Morsels per user. */
	check(write_param("max_morsels_per_user", 3), "limits.set-morsels", "%s", strerror(errno));
	for (int k = 0; k < 3; k++) {
		fds[k] = create(MORSEL_LEVEL_PTE, PAGE, 0, 0, NULL);
		check(fds[k] >= 0, "limits.create-under-limit", "morsel %d: %s", k, errname(errno));
	}
	fds[3] = create(MORSEL_LEVEL_PTE, PAGE, 0, 0, NULL);
	check_err("limits.create-over-limit", fds[3], errno, ENOSPC);
	if (fds[0] >= 0)
		destroy(fds[0]);
	fds[3] = create(MORSEL_LEVEL_PTE, PAGE, 0, 0, NULL);
	check(fds[3] >= 0, "limits.create-after-destroy", "%s", errname(errno));
	for (int k = 1; k < 4; k++)
		if (fds[k] >= 0)
			destroy(fds[k]);
	check(write_param("max_morsels_per_user", old_morsels), "limits.restore-morsels", "%s",
	      strerror(errno));
	check_counters_zero("limits.counters-zero");
}

/* ------------------------------------------------------------------ main */
static const struct {
	const char *name;
	void (*fn)(void);
} groups[] = {
	{ "levels", test_levels },
	{ "share", test_share },
	{ "fork", test_fork },
	{ "munmap", test_munmap_while_touched },
	{ "destroy", test_destroy_attached },
	{ "revoke", test_revoke },
	{ "readonly", test_readonly },
	{ "seal", test_seal },
	{ "populate", test_populate },
	{ "load", test_load },
	{ "names", test_names },
	{ "uid", test_uid },
	{ "fixed", test_fixed },
	{ "badargs", test_badargs },
	{ "mapping", test_mapping },
	{ "listing", test_listing },
	{ "concurrent", test_concurrent },
	{ "limits", test_limits },
};

int main(int argc, char **argv)
{
	const char *only = NULL;
	int paging = 0;

	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--paging") && a + 1 < argc) {
			paging = atoi(argv[++a]);
		} else if (!strcmp(argv[a], "--only") && a + 1 < argc) {
			only = argv[++a];
		} else {
			fprintf(stderr, "usage: %s [--paging 4|5] [--only GROUP]\n", argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	probe_init();
	comm = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ctl = morsel_ctl_fd();
	check(ctl >= 0, "open-device", "%s: %s", MORSEL_DEVICE, errname(errno));
	if (ctl < 0 || comm == MAP_FAILED)
		return 1;
	{
		struct stat st;

		dev_gid = stat(MORSEL_DEVICE, &st) ? 0 : st.st_gid;
	}
	l5 = l5_paging();
	printf("morsel_test: %d-level paging\n", l5 ? 5 : 4);
	if (paging)
		check(paging == (l5 ? 5 : 4), "paging-mode", "booted for %d-level, found %d-level",
		      paging, l5 ? 5 : 4);
	check_counters_zero("counters-zero-at-start");
	for (unsigned int g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		if (only && strcmp(only, groups[g].name))
			continue;
		groups[g].fn();
	}
	check_counters_zero("counters-zero-at-end");
	printf("morsel_test: %d passed, %d failed\n", passes, failures);
	return failures ? 1 : 0;
}
