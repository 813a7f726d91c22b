// SPDX-License-Identifier: GPL-2.0
/*
 * fragchurn: the fragmentation workload of `make bench-frag`. Page cache
 * (files in tmpfs) and anonymous memory (4 KiB faults, no THP) of mixed
 * sizes and lifetimes, with long-lived kernel allocations (pipe buffers)
 * made in between, churned for a number of rounds; then a quarter of each
 * kind stays alive while the caller counts free 2 MiB frames.
 *
 * Usage: fragchurn MIB ROUNDS SEED
 *   MIB     peak working set in MiB
 * Prints "fragchurn: ready" when the survivors are in place, then waits
 * for a line on stdin (or EOF) and exits, freeing everything.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../include/xorshift.h"

#define PAGE 4096ul
#define MIB (1024ul * 1024)
#define MAX_OBJS 4096
#define MAX_PIPES 256

enum kind { ANON, FILE_CACHE };

struct obj {
	enum kind kind;
	size_t size;
	void *addr;
	char path[64];
	int live;
};

static struct obj objs[MAX_OBJS];
static int pipes[MAX_PIPES][2];
static int npipes;

static void touch(char *p, size_t size, uint64_t seed)
{
	for (size_t off = 0; off < size; off += PAGE)
		p[off] = (char)(seed + off / PAGE);
}

static int make_obj(struct obj *o, enum kind kind, size_t size,
		    uint64_t *rng)
{
	static int file_id;

	o->kind = kind;
	o->size = size;
	if (kind == ANON) {
		o->addr = mmap(NULL, size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (o->addr == MAP_FAILED)
			return -1;
		madvise(o->addr, size, MADV_NOHUGEPAGE);
		touch(o->addr, size, next_rand(rng));
	} else {
		static char buf[64 * 1024];
		size_t done = 0;
		int fd;

		snprintf(o->path, sizeof(o->path), "/tmp/churn.%d", file_id++);
		fd = open(o->path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
		if (fd < 0)
			return -1;
		memset(buf, (int)next_rand(rng), sizeof(buf));
		while (done < size) {
			size_t n = size - done < sizeof(buf) ? size - done :
							       sizeof(buf);

			if (write(fd, buf, n) != (ssize_t)n) {
				close(fd);
				return -1;
			}
			done += n;
		}
		close(fd);
	}
	o->live = 1;
	return 0;
}

static void drop_obj(struct obj *o)
{
	if (!o->live)
		return;
	if (o->kind == ANON)
		munmap(o->addr, o->size);
	else
		unlink(o->path);
	o->live = 0;
}

/* A pipe holding a few pages of data: unmovable kernel memory. */
static void make_pipe(uint64_t *rng)
{
	static char page[PAGE];
	int n = 1 + (int)(next_rand(rng) % 4);

	if (npipes == MAX_PIPES || pipe(pipes[npipes]))
		return;
	fcntl(pipes[npipes][1], F_SETFL, O_NONBLOCK);
	while (n--)
		if (write(pipes[npipes][1], page, sizeof(page)) < 0)
			break;
	npipes++;
}

int main(int argc, char **argv)
{
	size_t budget, used = 0;
	unsigned long rounds;
	uint64_t rng;
	int next = 0, r, i;

	if (argc != 4) {
		fprintf(stderr, "usage: fragchurn MIB ROUNDS SEED\n");
		return 2;
	}
	budget = strtoul(argv[1], NULL, 0) * MIB;
	rounds = strtoul(argv[2], NULL, 0);
	rng = strtoull(argv[3], NULL, 0) | 1;

	for (r = 0; r < (int)rounds; r++) {
		/* Fill up to the budget with objects of 16 KiB .. 4 MiB. */
		while (used < budget && next < MAX_OBJS) {
			size_t size = (4 + next_rand(&rng) % 1021) * PAGE;
			enum kind kind = next_rand(&rng) % 2 ? ANON : FILE_CACHE;

			if (make_obj(&objs[next], kind, size, &rng))
				break;
			used += size;
			next++;
			if (next_rand(&rng) % 16 == 0)
				make_pipe(&rng);
		}
		/* Free a random half: short and long lifetimes mix. */
		for (i = 0; i < next; i++) {
			if (objs[i].live && next_rand(&rng) % 2) {
				drop_obj(&objs[i]);
				used -= objs[i].size;
			}
		}
		/* Compact the table of survivors. */
		for (i = 0; i < next;) {
			if (!objs[i].live)
				objs[i] = objs[--next];
			else
				i++;
		}
	}
	/* A quarter of the budget survives, spread over the address space. */
	while (used > budget / 4) {
		i = (int)(next_rand(&rng) % (uint64_t)next);
		if (objs[i].live) {
			drop_obj(&objs[i]);
			used -= objs[i].size;
		}
	}
	printf("fragchurn: ready, %zu MiB in %d objects, %d pipes\n",
	       used / MIB, next, npipes);
	fflush(stdout);
	getchar();
	for (i = 0; i < next; i++)
		drop_obj(&objs[i]);
	for (i = 0; i < npipes; i++) {
		close(pipes[i][0]);
		close(pipes[i][1]);
	}
	return 0;
}
