/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Morsels: page-table subtrees as memory objects (/dev/morsel).
 *
 * A morsel is a PTE, PMD, PUD or (5-level paging only) P4D table plus the
 * pages below it. MORSEL_IOC_CREATE on /dev/morsel returns a morsel fd;
 * mmap(MAP_SHARED) of that fd at an address aligned to the level's span,
 * with length == span and offset 0, attaches it (one page-table entry is
 * linked into the process); munmap detaches. All structs are passed by
 * pointer; every struct starts with its size so the ABI can grow, and every
 * reserved or unknown field or flag must be zero (else -EINVAL).
 */
#ifndef _UAPI_LINUX_MORSEL_H
#define _UAPI_LINUX_MORSEL_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MORSEL_DEVICE		"/dev/morsel"
#define MORSEL_NAME_MAX		64	/* including the terminating NUL */

/* Level of the morsel's root table; its span is what one link maps. */
enum morsel_level {
	MORSEL_LEVEL_PTE = 1,	/* 2 MiB, linked in a PMD entry */
	MORSEL_LEVEL_PMD = 2,	/* 1 GiB, linked in a PUD entry */
	MORSEL_LEVEL_PUD = 3,	/* 512 GiB, linked in a P4D (folded: PGD) entry */
	MORSEL_LEVEL_P4D = 4,	/* 256 TiB, PGD entry; 5-level paging only */
};

/* morsel_create.flags */
#define MORSEL_F_WRITABLE	(1U << 0)	/* may be attached read-write */
#define MORSEL_F_EXEC		(1U << 1)	/* leaves executable (else NX) */
#define MORSEL_F_FILL_SIGBUS	(1U << 2)	/* touch of a hole: SIGBUS, not a zero page */
#define MORSEL_F_FIXED_ADDR	(1U << 3)	/* attaches only at morsel_create.fixed_addr */
#define MORSEL_F_ALL		0xfU

/**
 * struct morsel_create - MORSEL_IOC_CREATE argument (on /dev/morsel)
 * @size: sizeof(struct morsel_create)
 * @level: enum morsel_level
 * @flags: MORSEL_F_*
 * @length: object size in bytes, a multiple of 4 KiB, at most the span
 * @fixed_addr: with MORSEL_F_FIXED_ADDR, the only address it attaches at
 *	(span-aligned, user address range); else 0
 * @fd_flags: O_CLOEXEC or 0
 * @fd: out: the new morsel fd (O_RDWR)
 * @id: out: module-wide id, shown in the listing
 * @span: out: bytes one attach maps (the VMA length)
 */
struct morsel_create {
	__u32 size;
	__u32 level;
	__u32 flags;
	__u32 fd_flags;
	__u64 length;
	__u64 fixed_addr;
	__s32 fd;
	__u32 id;
	__u64 span;
};

/**
 * struct morsel_info - MORSEL_IOC_INFO result (on a morsel fd)
 * @size: sizeof(struct morsel_info), set by the caller
 * @level, @flags, @length, @span, @fixed_addr, @id: as created
 * @seals: MORSEL_SEAL_* applied so far
 * @pages: data pages populated
 * @tables: page tables owned by the morsel (root included)
 * @attaches: current attachments (VMAs) over all processes
 * @uid, @gid, @mode: owner and mode (used when published)
 * @name: published name, or empty
 */
struct morsel_info {
	__u32 size;
	__u32 level;
	__u32 flags;
	__u32 seals;
	__u64 length;
	__u64 span;
	__u64 fixed_addr;
	__u64 pages;
	__u64 tables;
	__u64 attaches;
	__u32 id;
	__u32 uid;
	__u32 gid;
	__u32 mode;
	char name[MORSEL_NAME_MAX];
};

/**
 * struct morsel_range - MORSEL_IOC_POPULATE and MORSEL_IOC_DISCARD argument
 * @size: sizeof(struct morsel_range)
 * @flags: must be 0
 * @offset: start in bytes, 4 KiB aligned
 * @length: bytes, 4 KiB multiple, offset + length <= object length
 */
struct morsel_range {
	__u32 size;
	__u32 flags;
	__u64 offset;
	__u64 length;
};

/**
 * struct morsel_load - MORSEL_IOC_LOAD argument: copy a file into the morsel
 * @size: sizeof(struct morsel_load)
 * @src_fd: readable regular file
 * @src_offset: where to start reading in @src_fd
 * @offset: destination offset in the morsel, 4 KiB aligned
 * @length: bytes to copy; the tail of a last partial page is zero-filled
 * @loaded: out: bytes copied (short at end of file)
 */
struct morsel_load {
	__u32 size;
	__s32 src_fd;
	__u64 src_offset;
	__u64 offset;
	__u64 length;
	__u64 loaded;
};

/* morsel_seal.seals: one-way restrictions */
#define MORSEL_SEAL_WRITE	(1U << 0)	/* no more writable attaches or LOAD */
#define MORSEL_SEAL_DISCARD	(1U << 1)	/* no more DISCARD */
#define MORSEL_SEAL_ALL		0x3U

struct morsel_seal {
	__u32 size;
	__u32 seals;
};

/**
 * struct morsel_name - MORSEL_IOC_PUBLISH (morsel fd), MORSEL_IOC_OPEN and
 *	MORSEL_IOC_UNPUBLISH (/dev/morsel)
 * @size: sizeof(struct morsel_name)
 * @mode: PUBLISH: permission bits (0777 mask) checked like POSIX shm against
 *	the publisher's uid/gid; OPEN: O_RDONLY or O_RDWR (| O_CLOEXEC)
 * @fd: OPEN: out: the new fd
 * @name: NUL-terminated, [A-Za-z0-9._-], 1..MORSEL_NAME_MAX-1 bytes
 */
struct morsel_name {
	__u32 size;
	__u32 mode;
	__s32 fd;
	__u32 reserved;
	char name[MORSEL_NAME_MAX];
};

#define MORSEL_IOC_MAGIC	0xB7

/* On /dev/morsel */
#define MORSEL_IOC_CREATE	_IOWR(MORSEL_IOC_MAGIC, 0x00, struct morsel_create)
#define MORSEL_IOC_OPEN		_IOWR(MORSEL_IOC_MAGIC, 0x01, struct morsel_name)
#define MORSEL_IOC_UNPUBLISH	_IOW(MORSEL_IOC_MAGIC, 0x02, struct morsel_name)

/* On a morsel fd */
#define MORSEL_IOC_INFO		_IOWR(MORSEL_IOC_MAGIC, 0x10, struct morsel_info)
#define MORSEL_IOC_POPULATE	_IOW(MORSEL_IOC_MAGIC, 0x11, struct morsel_range)
#define MORSEL_IOC_DISCARD	_IOW(MORSEL_IOC_MAGIC, 0x12, struct morsel_range)
#define MORSEL_IOC_LOAD		_IOWR(MORSEL_IOC_MAGIC, 0x13, struct morsel_load)
#define MORSEL_IOC_SEAL		_IOW(MORSEL_IOC_MAGIC, 0x14, struct morsel_seal)
#define MORSEL_IOC_REVOKE	_IO(MORSEL_IOC_MAGIC, 0x15)
#define MORSEL_IOC_DESTROY	_IO(MORSEL_IOC_MAGIC, 0x16)
#define MORSEL_IOC_PUBLISH	_IOW(MORSEL_IOC_MAGIC, 0x17, struct morsel_name)

#endif /* _UAPI_LINUX_MORSEL_H */
