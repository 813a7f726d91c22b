// SPDX-License-Identifier: GPL-2.0
/*
 * morsel_bench: how long it takes to make an N GiB object accessible in a
 * fresh process, morsel against a memfd (4 KiB pages, and THP), plus the
 * page-table bytes each additional sharer costs and the fork time of a
 * process that has the object mapped. Run as root in the benchmark VM
 * (scripts/vm/bench-morsel.sh); docs/benchmarks.md explains the columns.
 *
 * Usage: morsel_bench [--gib X[,Y...]] [--runs R] [--sharers K]
 *   --gib      object sizes in GiB (fractions allowed; default: about a
 *              third of MemAvailable, at most 4)
 *   --runs     repetitions per measurement, the median is shown (default 3)
 *   --sharers  processes attached at once for the page-table cost (4)
 *
 * Every object holds the same data: the first word of page k is k + 1, the
 * rest is zero; each "touch" reads that word of every page and checks it.
 */
#include "test_util.h"

#include <fcntl.h>
#include <sys/syscall.h>

enum method { M_MORSEL, M_MEMFD, M_MEMFD_THP, M_COUNT };
static const char *const method_names[] = { "morsel", "memfd", "memfd+THP" };

struct result {
	double map, touch, total, unmap;	/* seconds, medians */
	double vmpte_kb;			/* VmPTE growth of one new process */
	double pt_sharer_kb;			/* PageTables growth per extra sharer,
						 * less a process's own tables */
	double fork;				/* fork+exit+wait of a mapper */
	bool valid;
	char note[64];
};

static int runs = 3, sharers = 4;
static volatile double *shared;	/* child -> parent results */

static long meminfo_kb(const char *field)
{
	char line[256];
	size_t len = strlen(field);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':')
			v = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return v;
}

static long vmpte_kb(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmPTE:", 6))
			v = strtol(line + 6, NULL, 10);
	fclose(f);
	return v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static bool write_file(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(value, f) >= 0;
	return fclose(f) == 0 && ok;
}

static void read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
}

/* The object under test: a morsel fd or a memfd, SIZE bytes of data. */
struct object {
	enum method method;
	int fd;
	uint64_t size, map_len;
};

static void *map_object(const struct object *o, bool populate)
{
	if (o->method == M_MORSEL)
		return mmap(NULL, o->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, o->fd, 0);
	return mmap(NULL, o->map_len, PROT_READ | PROT_WRITE,
		    MAP_SHARED | (populate ? MAP_POPULATE : 0), o->fd, 0);
}

static bool touch_all(const char *p, uint64_t size)
{
	uint64_t bad = 0;

	for (uint64_t pg = 0; pg < size / PAGE; pg++)
		bad += *(const volatile uint64_t *)(p + pg * PAGE) != pg + 1;
	return bad == 0;
}

static bool make_object(struct object *o, enum method m, uint64_t size)
{
	char *p;

	o->method = m;
	o->size = size;
	if (m == M_MORSEL) {
		int level = morsel_level_for(size);

		o->fd = morsel_create(level, size, MORSEL_F_WRITABLE, 0, O_CLOEXEC, NULL);
		if (o->fd < 0) {
			fprintf(stderr, "morsel_bench: create %s: %s\n", morsel_level_name(level),
				strerror(errno));
			return false;
		}
		o->map_len = morsel_level_span(level);
		if (morsel_populate(o->fd, 0, size)) {
			fprintf(stderr, "morsel_bench: populate: %s\n", strerror(errno));
			goto fail;
		}
	} else {
		o->fd = (int)syscall(SYS_memfd_create, "bench", 0);
		o->map_len = size;
		if (o->fd < 0 || ftruncate(o->fd, (off_t)size) ||
		    fallocate(o->fd, 0, 0, (off_t)size)) {
			fprintf(stderr, "morsel_bench: memfd: %s\n", strerror(errno));
			goto fail;
		}
	}
	p = map_object(o, false);
	if (p == MAP_FAILED) {
		fprintf(stderr, "morsel_bench: map for filling: %s\n", strerror(errno));
		goto fail;
	}
	for (uint64_t pg = 0; pg < size / PAGE; pg++)
		*(volatile uint64_t *)(p + pg * PAGE) = pg + 1;
	munmap(p, o->map_len);
	return true;
fail:
	if (o->fd >= 0) {
		if (m == M_MORSEL)
			morsel_destroy(o->fd);
		close(o->fd);
	}
	return false;
}

static void drop_object(struct object *o)
{
	if (o->method == M_MORSEL)
		morsel_destroy(o->fd);
	close(o->fd);
}

/*
 * One fresh process: map (MAP_POPULATE for the memfd), read every page,
 * unmap. shared[0..4] = map, touch, unmap seconds, VmPTE growth, ok.
 */
static bool measure_access(const struct object *o, double *map, double *touch, double *unmap,
			   double *vmpte)
{
	pid_t pid = start_child();
	int status;

	if (pid == 0) {
		long pte0 = vmpte_kb(), pte1;
		double t0 = now(), t1, t2, t3;
		char *p = map_object(o, true);
		bool ok;

		t1 = now();
		if (p == MAP_FAILED)
			_exit(1);
		ok = touch_all(p, o->size);
		t2 = now();
		pte1 = vmpte_kb();
		munmap(p, o->map_len);
		t3 = now();
		shared[0] = t1 - t0;
		shared[1] = t2 - t1;
		shared[2] = t3 - t2;
		shared[3] = (double)(pte1 - pte0);
		_exit(ok ? 0 : 2);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "morsel_bench: %s access child failed (status %#x)\n",
			method_names[o->method], status);
		return false;
	}
	*map = shared[0];
	*touch = shared[1];
	*unmap = shared[2];
	*vmpte = shared[3];
	return true;
}

/*
 * K processes map and touch at once (or, without MAP, only exist): the
 * PageTables growth per process after the first.
 */
static double sharers_pt(const struct object *o, bool map)
{
	int go[2], ready[2];
	long base, one = 0, all;
	pid_t pids[64];
	char c;

	if (pipe(go) || pipe(ready))
		return -1;
	base = meminfo_kb("PageTables");
	for (int k = 0; k < sharers; k++) {
		pids[k] = start_child();
		if (pids[k] == 0) {
			char *p = map ? map_object(o, true) : NULL;

			close(go[1]);
			if (map && (p == MAP_FAILED || !touch_all(p, o->size)))
				_exit(1);
			if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) < 0)
				_exit(1);
			_exit(0);
		}
		if (read(ready[0], &c, 1) != 1)
			return -1;
		if (k == 0)
			one = meminfo_kb("PageTables");
	}
	all = meminfo_kb("PageTables");
	close(go[1]);
	for (int k = 0; k < sharers; k++)
		waitpid(pids[k], NULL, 0);
	close(go[0]);
	close(ready[0]);
	close(ready[1]);
	return sharers > 1 ? (double)(all - one) / (sharers - 1) : (double)(one - base);
}

/* Page-table KiB one more sharer costs, less what any process costs. */
static double measure_sharers(const struct object *o)
{
	double with = sharers_pt(o, true), without = sharers_pt(o, false);

	return with - without;
}

/* A process with the object mapped and touched forks R times. */
static double measure_fork(const struct object *o)
{
	pid_t pid = start_child();
	int status;

	if (pid == 0) {
		double t[32];
		char *p = map_object(o, true);

		if (p == MAP_FAILED || !touch_all(p, o->size))
			_exit(1);
		for (int r = 0; r < runs; r++) {
			double t0 = now();
			pid_t c = fork();

			if (c == 0)
				_exit(0);
			waitpid(c, NULL, 0);
			t[r] = now() - t0;
		}
		shared[0] = median(t, runs);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return shared[0];
}

static void run_method(enum method m, uint64_t size, struct result *res)
{
	static const char thp_path[] = "/sys/kernel/mm/transparent_hugepage/shmem_enabled";
	double map[32], touch[32], total[32], unmap[32], vmpte = 0;
	char thp_old[128] = "", *sel;
	struct object o;

	memset(res, 0, sizeof(*res));
	if (m == M_MEMFD_THP) {
		read_file(thp_path, thp_old, sizeof(thp_old));
		if (!write_file(thp_path, "always")) {
			snprintf(res->note, sizeof(res->note), "no shmem THP");
			return;
		}
	}
	if (!make_object(&o, m, size)) {
		snprintf(res->note, sizeof(res->note), "setup failed");
		goto out;
	}
	if (m == M_MEMFD_THP) {
		long huge = meminfo_kb("ShmemHugePages");

		snprintf(res->note, sizeof(res->note), "ShmemHugePages %ld MiB", huge / 1024);
	}
	for (int r = 0; r < runs; r++) {
		if (!measure_access(&o, &map[r], &touch[r], &unmap[r], &vmpte)) {
			snprintf(res->note, sizeof(res->note), "access failed");
			drop_object(&o);
			goto out;
		}
		total[r] = map[r] + touch[r];
	}
	res->map = median(map, runs);
	res->touch = median(touch, runs);
	res->total = median(total, runs);
	res->unmap = median(unmap, runs);
	res->vmpte_kb = vmpte;
	res->pt_sharer_kb = measure_sharers(&o);
	res->fork = measure_fork(&o);
	res->valid = true;
	drop_object(&o);
out:
	if (m == M_MEMFD_THP && thp_old[0]) {
		/* "always [never] ..." -> the bracketed one */
		sel = strchr(thp_old, '[');
		if (sel) {
			sel++;
			sel[strcspn(sel, "]")] = 0;
			write_file(thp_path, sel);
		}
	}
}

/* "99.8% less" / "12.0% more" for A against B. */
static char *pct(char *buf, double a, double b)
{
	if (b <= 0 || a < 0) {
		snprintf(buf, 32, "n/a");
		return buf;
	}
	snprintf(buf, 32, "%.1f%% %s", 100 * (a <= b ? 1 - a / b : a / b - 1), a <= b ? "less" : "more");
	return buf;
}

static void bench_size(double gib)
{
	uint64_t size = ((uint64_t)(gib * GIB) + 2 * MIB - 1) & ~(2 * MIB - 1);
	struct result res[M_COUNT];

	printf("\n== object %.2f GiB (%llu pages), median of %d runs, %d sharers\n",
	       (double)size / GIB, (unsigned long long)(size / PAGE), runs, sharers);
	printf("%-10s %10s %10s %10s %10s %9s %13s %10s  %s\n", "method", "map ms", "touch ms",
	       "total ms", "unmap ms", "VmPTE kB", "PT/sharer kB", "fork ms", "note");
	for (int m = 0; m < M_COUNT; m++) {
		struct result *r = &res[m];

		run_method(m, size, r);
		if (!r->valid) {
			printf("%-10s %s\n", method_names[m], r->note);
			continue;
		}
		printf("%-10s %10.3f %10.3f %10.3f %10.3f %9.0f %13.1f %10.3f  %s\n",
		       method_names[m], r->map * 1e3, r->touch * 1e3, r->total * 1e3,
		       r->unmap * 1e3, r->vmpte_kb, r->pt_sharer_kb, r->fork * 1e3, r->note);
		printf("BENCH gib=%.2f method=%s map_ms=%.3f touch_ms=%.3f total_ms=%.3f "
		       "unmap_ms=%.3f vmpte_kb=%.0f pt_sharer_kb=%.1f fork_ms=%.3f\n",
		       (double)size / GIB, method_names[m], r->map * 1e3, r->touch * 1e3,
		       r->total * 1e3, r->unmap * 1e3, r->vmpte_kb, r->pt_sharer_kb,
		       r->fork * 1e3);
	}
	for (int m = M_MEMFD; m < M_COUNT; m++) {
		char a[32], b[32], c[32], d[32];

		if (!res[M_MORSEL].valid || !res[m].valid)
			continue;
		printf("morsel vs %-9s: map %s, map+touch %s, page tables per sharer %s, fork %s\n",
		       method_names[m], pct(a, res[M_MORSEL].map, res[m].map),
		       pct(b, res[M_MORSEL].total, res[m].total),
		       pct(c, res[M_MORSEL].pt_sharer_kb, res[m].pt_sharer_kb),
		       pct(d, res[M_MORSEL].fork, res[m].fork));
	}
	check(res[M_MORSEL].valid && res[M_MEMFD].valid, "bench.run", "%s / %s",
	      res[M_MORSEL].note, res[M_MEMFD].note);
}

int main(int argc, char **argv)
{
	double sizes[8];
	int nsizes = 0;

	test_prefix = "morsel";
	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--gib") && a + 1 < argc) {
			for (char *s = strtok(argv[++a], ","); s && nsizes < 8; s = strtok(NULL, ","))
				sizes[nsizes++] = atof(s);
		} else if (!strcmp(argv[a], "--runs") && a + 1 < argc) {
			runs = atoi(argv[++a]);
		} else if (!strcmp(argv[a], "--sharers") && a + 1 < argc) {
			sharers = atoi(argv[++a]);
		} else {
			fprintf(stderr, "usage: %s [--gib X[,Y..]] [--runs R] [--sharers K]\n",
				argv[0]);
			return 2;
		}
	}
	if (runs < 1 || runs > 31 || sharers < 1 || sharers > 64)
		return 2;
	if (!nsizes) {
		double avail = meminfo_kb("MemAvailable") / (1024.0 * 1024);

		sizes[nsizes++] = avail / 3 > 4 ? 4 : (double)(int)(avail / 3 * 4) / 4;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED || morsel_ctl_fd() < 0) {
		check(false, "bench.setup", "%s", strerror(errno));
		return 1;
	}
	printf("morsel_bench: MemTotal %ld MiB, MemAvailable %ld MiB\n",
	       meminfo_kb("MemTotal") / 1024, meminfo_kb("MemAvailable") / 1024);
	for (int s = 0; s < nsizes; s++)
		bench_size(sizes[s]);
	return failures ? 1 : 0;
}
