// SPDX-License-Identifier: GPL-2.0
/*
 * memstress: memory-heavy guest workloads for the VM tests. Each mode works
 * the page allocator from a different angle and prints PASS/FAIL lines; the
 * allocator under test is judged by the kernel staying quiet and by its own
 * counters, so the modes only check what user space can see.
 *
 * Usage: memstress MODE [SECONDS]
 *   forkexec  parallel fork+exec loops (page tables, kernel stacks, slabs)
 *   anon      anonymous memory up to near OOM, verified pattern
 *   pagecache files in tmpfs up to a share of MemAvailable, read back
 *   thp       2 MiB-aligned MADV_HUGEPAGE faults (order-9 allocations)
 *   munmap    threads mapping, touching and unmapping small regions
 *   all       every mode in turn
 *   hold      touch SECONDS MiB of anonymous memory, then sleep until killed
 *             (keeps frames in use across a module unload)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024ul * 1024)
#define HUGE_SIZE (2 * MIB)

static int failures;

static void result(bool ok, const char *name, const char *why)
{
	if (ok) {
		printf("PASS memstress.%s\n", name);
	} else {
		printf("FAIL memstress.%s: %s\n", name, why);
		failures++;
	}
	fflush(stdout);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A field of /proc/meminfo in KiB, or -1. */
static long meminfo(const char *field)
{
	static const char path[] = "/proc/meminfo";
	char line[256];
	size_t len = strlen(field);
	long value = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, len) && line[len] == ':') {
			value = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return value;
}

static void mode_forkexec(double seconds)
{
	int workers = (int)sysconf(_SC_NPROCESSORS_ONLN) * 2;
	double end = now() + seconds;
	long spawned = 0;
	int bad = 0;

	while (now() < end) {
		int i, status;

		for (i = 0; i < workers; i++) {
			pid_t pid = fork();

			if (pid == 0) {
				execl("/bin/busybox", "true", (char *)NULL);
				_exit(127);
			}
			if (pid < 0)
				bad++;
			else
				spawned++;
		}
		while (wait(&status) > 0)
			if (!WIFEXITED(status) || WEXITSTATUS(status))
				bad++;
	}
	printf("memstress: forkexec %ld processes\n", spawned);
	result(!bad && spawned > 0, "forkexec", "fork/exec failed");
}

/* Touch every page with a pattern derived from its address, then check. */
static bool fill_and_check(unsigned char *p, size_t size)
{
	size_t off;

	for (off = 0; off < size; off += 4096)
		*(uintptr_t *)(p + off) = (uintptr_t)(p + off) ^ 0x5a5a5a5a;
	for (off = 0; off < size; off += 4096)
		if (*(uintptr_t *)(p + off) != ((uintptr_t)(p + off) ^ 0x5a5a5a5a))
			return false;
	return true;
}

static void mode_anon(void)
{
	/* Near OOM, but leave the kernel room: 90 % of what is available. */
	long avail = meminfo("MemAvailable");
	size_t size = (size_t)(avail > 0 ? avail : 0) * 1024 / 10 * 9;
	unsigned char *p;
	bool ok;

	size &= ~(MIB - 1);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		result(false, "anon", strerror(errno));
		return;
	}
	ok = fill_and_check(p, size);
	printf("memstress: anon %zu MiB of %ld MiB available\n", size / MIB,
	       avail / 1024);
	munmap(p, size);
	result(ok, "anon", "pattern mismatch");
}

static void mode_pagecache(void)
{
	long avail = meminfo("MemAvailable");
	size_t total = (size_t)(avail > 0 ? avail : 0) * 1024 / 2;
	size_t written = 0, chunk = 4 * MIB;
	unsigned char *buf = malloc(chunk);
	unsigned char *back = malloc(chunk);
	bool ok = buf && back;
	int files = 0, i;

	while (ok && written + chunk <= total) {
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/tmp/memstress.%d", files);
		fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
		memset(buf, files & 0xff, chunk);
		ok = fd >= 0 && write(fd, buf, chunk) == (ssize_t)chunk &&
		     pread(fd, back, chunk, 0) == (ssize_t)chunk &&
		     !memcmp(buf, back, chunk);
		if (fd >= 0)
			close(fd);
		written += chunk;
		files++;
	}
	for (i = 0; i < files; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/tmp/memstress.%d", i);
		unlink(path);
	}
	printf("memstress: pagecache %zu MiB in %d files\n", written / MIB,
	       files);
	free(buf);
	free(back);
	result(ok && files > 0, "pagecache", "write/read-back mismatch");
}

static void mode_thp(void)
{
	size_t size = 64 * MIB;
	long before = meminfo("AnonHugePages"), during;
	unsigned char *raw, *p;
	bool ok;

	raw = mmap(NULL, size + HUGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) {
		result(false, "thp", strerror(errno));
		return;
	}
	p = (unsigned char *)(((uintptr_t)raw + HUGE_SIZE - 1) &
			      ~(HUGE_SIZE - 1));
	madvise(p, size, MADV_HUGEPAGE);
	ok = fill_and_check(p, size);
	during = meminfo("AnonHugePages");
	printf("memstress: thp AnonHugePages %ld -> %ld KiB\n", before, during);
	munmap(raw, size + HUGE_SIZE);
	result(ok, "thp.pattern", "pattern mismatch");
	result(during > before, "thp.huge", "no huge pages were faulted in");
}

struct storm {
	double end;
	long rounds;
	bool ok;
};

static void *storm_thread(void *arg)
{
	struct storm *s = arg;
	unsigned int seed = (unsigned int)(uintptr_t)&seed;

	while (now() < s->end) {
		size_t pages = 1 + rand_r(&seed) % 64;
		unsigned char *p = mmap(NULL, pages * 4096,
					PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED || !fill_and_check(p, pages * 4096)) {
			s->ok = false;
			break;
		}
		/*
		 * Split the VMA in three before unmapping it all (punching a
		 * hole instead would let another thread map into it).
		 */
		if (pages > 2)
			mprotect(p + 4096, 4096, PROT_READ);
		munmap(p, pages * 4096);
		s->rounds++;
	}
	return NULL;
}

static void mode_munmap(double seconds)
{
	int threads = (int)sysconf(_SC_NPROCESSORS_ONLN) * 2, i;
	pthread_t tid[64];
	struct storm s[64];
	long rounds = 0;
	bool ok = true;

	if (threads > 64)
		threads = 64;
	for (i = 0; i < threads; i++) {
		s[i] = (struct storm){ .end = now() + seconds, .ok = true };
		pthread_create(&tid[i], NULL, storm_thread, &s[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		ok &= s[i].ok;
		rounds += s[i].rounds;
	}
	printf("memstress: munmap %ld rounds in %d threads\n", rounds,
	       threads);
	result(ok && rounds > 0, "munmap", "mapping failed or corrupted");
}

static int mode_hold(size_t mib)
{
	unsigned char *p = mmap(NULL, mib * MIB, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || !fill_and_check(p, mib * MIB))
		return 1;
	printf("memstress: holding %zu MiB\n", mib);
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "all";
	double seconds = argc > 2 ? atof(argv[2]) : 5;
	bool all = !strcmp(mode, "all");
	bool known = all;

	if (!strcmp(mode, "hold"))
		return mode_hold((size_t)seconds);

	if (all || !strcmp(mode, "forkexec")) {
		mode_forkexec(seconds);
		known = true;
	}
	if (all || !strcmp(mode, "anon")) {
		mode_anon();
		known = true;
	}
	if (all || !strcmp(mode, "pagecache")) {
		mode_pagecache();
		known = true;
	}
	if (all || !strcmp(mode, "thp")) {
		mode_thp();
		known = true;
	}
	if (all || !strcmp(mode, "munmap")) {
		mode_munmap(seconds);
		known = true;
	}
	if (!known) {
		fprintf(stderr, "usage: %s forkexec|anon|pagecache|thp|munmap|all|hold [seconds|MiB]\n",
			argv[0]);
		return 2;
	}
	return failures ? 1 : 0;
}
