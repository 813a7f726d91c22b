// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libmorsel: thin wrappers around the /dev/morsel ioctls. See libmorsel.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libmorsel.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static const char *const level_names[] = { "?", "pte", "pmd", "pud", "p4d" };

uint64_t morsel_level_span(unsigned int level)
{
	/* x86_64: 9 bits per level above the 4 KiB page. */
	if (level < MORSEL_LEVEL_PTE || level > MORSEL_LEVEL_P4D)
		return 0;
	return 1ull << (12 + 9 * level);
}

const char *morsel_level_name(unsigned int level)
{
	if (level < MORSEL_LEVEL_PTE || level > MORSEL_LEVEL_P4D)
		return level_names[0];
	return level_names[level];
}

int morsel_level_parse(const char *s)
{
	for (int l = MORSEL_LEVEL_PTE; l <= MORSEL_LEVEL_P4D; l++) {
		if (!strcasecmp(s, level_names[l]))
			return l;
	}
	if (s[0] >= '1' && s[0] <= '4' && !s[1])
		return s[0] - '0';
	return -1;
}

int morsel_level_for(uint64_t length)
{
	for (int l = MORSEL_LEVEL_PTE; l <= MORSEL_LEVEL_P4D; l++) {
		if (length <= morsel_level_span(l))
			return l;
	}
	return -1;
}

int morsel_ctl_fd(void)
{
	static int ctl = -1;
	int fd, old;

	fd = __atomic_load_n(&ctl, __ATOMIC_ACQUIRE);
	if (fd >= 0)
		return fd;
	fd = open(MORSEL_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	old = -1;
	if (!__atomic_compare_exchange_n(&ctl, &old, fd, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		/* Another thread won the race: use its fd. */
		close(fd);
		fd = old;
	}
	return fd;
}

int morsel_create(unsigned int level, uint64_t length, unsigned int flags,
		  uint64_t fixed_addr, int fd_flags, struct morsel_create *out)
{
	struct morsel_create c = {
		.size = sizeof(c),
		.level = level,
		.flags = flags,
		.fd_flags = (uint32_t)fd_flags,
		.length = length,
		.fixed_addr = fixed_addr,
		.fd = -1,
	};
	int ctl = morsel_ctl_fd();

	if (ctl < 0)
		return -1;
	if (ioctl(ctl, MORSEL_IOC_CREATE, &c))
		return -1;
	if (out)
		*out = c;
	return c.fd;
}

static int fill_name(struct morsel_name *n, const char *name)
{
	size_t len = strlen(name);

	memset(n, 0, sizeof(*n));	/* fd and reserved: 0 unless OPEN says */
	n->size = sizeof(*n);
	if (len == 0 || len >= sizeof(n->name)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(n->name, name, len + 1);
	return 0;
}

int morsel_open(const char *name, int oflags)
{
	struct morsel_name n;
	int ctl = morsel_ctl_fd();

	if (ctl < 0 || fill_name(&n, name))
		return -1;
	n.mode = (uint32_t)oflags;
	if (ioctl(ctl, MORSEL_IOC_OPEN, &n))
		return -1;
	return n.fd;
}

int morsel_unpublish(const char *name)
{
	struct morsel_name n;
	int ctl = morsel_ctl_fd();

	if (ctl < 0 || fill_name(&n, name))
		return -1;
	return ioctl(ctl, MORSEL_IOC_UNPUBLISH, &n) ? -1 : 0;
}

int morsel_publish(int fd, const char *name, mode_t mode)
{
	struct morsel_name n;

	if (fill_name(&n, name))
		return -1;
	n.mode = mode;
	return ioctl(fd, MORSEL_IOC_PUBLISH, &n) ? -1 : 0;
}

int morsel_info(int fd, struct morsel_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, MORSEL_IOC_INFO, info) ? -1 : 0;
}

static int range_op(int fd, unsigned long cmd, uint64_t offset, uint64_t length)
{
	struct morsel_range r = {
		.size = sizeof(r),
		.offset = offset,
		.length = length,
	};

	return ioctl(fd, cmd, &r) ? -1 : 0;
}

int morsel_populate(int fd, uint64_t offset, uint64_t length)
{
	return range_op(fd, MORSEL_IOC_POPULATE, offset, length);
}

int morsel_discard(int fd, uint64_t offset, uint64_t length)
{
	return range_op(fd, MORSEL_IOC_DISCARD, offset, length);
}

int64_t morsel_load(int fd, int src_fd, uint64_t src_offset, uint64_t offset,
		    uint64_t length)
{
	struct morsel_load l = {
		.size = sizeof(l),
		.src_fd = src_fd,
		.src_offset = src_offset,
		.offset = offset,
		.length = length,
	};

	if (ioctl(fd, MORSEL_IOC_LOAD, &l))
		return -1;
	return (int64_t)l.loaded;
}

int64_t morsel_load_file(int fd, const char *path, uint64_t offset)
{
	int64_t ret;
	off_t size;
	int src, err;

	src = open(path, O_RDONLY | O_CLOEXEC);
	if (src < 0)
		return -1;
	size = lseek(src, 0, SEEK_END);
	if (size < 0)
		ret = -1;
	else
		ret = morsel_load(fd, src, 0, offset, (uint64_t)size);
	err = errno;
	close(src);
	errno = err;
	return ret;
}

int morsel_seal(int fd, unsigned int seals)
{
	struct morsel_seal s = { .size = sizeof(s), .seals = seals };

	return ioctl(fd, MORSEL_IOC_SEAL, &s) ? -1 : 0;
}

int morsel_revoke(int fd)
{
	return ioctl(fd, MORSEL_IOC_REVOKE) ? -1 : 0;
}

int morsel_destroy(int fd)
{
	return ioctl(fd, MORSEL_IOC_DESTROY) ? -1 : 0;
}

void *morsel_attach(int fd, void *hint, int prot, uint64_t *span)
{
	struct morsel_info info;
	int flags = MAP_SHARED;
	void *addr;

	if (morsel_info(fd, &info))
		return MAP_FAILED;
	if (info.flags & MORSEL_F_FIXED_ADDR) {
		/* The only place it may go: fail rather than land elsewhere. */
		hint = (void *)(uintptr_t)info.fixed_addr;
		flags |= MAP_FIXED_NOREPLACE;
	}
	addr = mmap(hint, info.span, prot, flags, fd, 0);
	if (addr != MAP_FAILED && span)
		*span = info.span;
	return addr;
}

int morsel_detach(void *addr, uint64_t span)
{
	return munmap(addr, span);
}

long long morsel_counter(const char *name)
{
	char path[128], buf[64];
	long long value = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/mm/morsel/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		value = strtoll(buf, NULL, 10);
	fclose(f);
	return value;
}
