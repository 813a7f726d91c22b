/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmorsel: a thin C wrapper around the /dev/morsel ioctls
 * (include/uapi/linux/morsel.h). Every call returns 0 (or an fd, a count, an
 * address) on success and -1 (MAP_FAILED for morsel_attach) with errno set
 * on failure, like the system calls underneath; nothing is printed.
 *
 * A morsel lives while an fd, a mapping or a published name refers to it
 * (see docs/morselctl.md); morsel_destroy() ends it at once for everybody.
 */
#ifndef LIBMORSEL_H
#define LIBMORSEL_H

#include <stdint.h>
#include <sys/types.h>

#include <linux/morsel.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes one attach of LEVEL maps (x86_64); 0 for an unknown level. */
uint64_t morsel_level_span(unsigned int level);
/* "pte", "pmd", "pud", "p4d" (or "?"); parse accepts those and 1..4. */
const char *morsel_level_name(unsigned int level);
int morsel_level_parse(const char *s);
/* The smallest level whose span holds LENGTH bytes, or -1. */
int morsel_level_for(uint64_t length);

/* The shared /dev/morsel fd (opened O_CLOEXEC on first use), or -1. */
int morsel_ctl_fd(void);

/*
 * Create a morsel; returns its fd. FLAGS: MORSEL_F_*; FIXED_ADDR only with
 * MORSEL_F_FIXED_ADDR; FD_FLAGS: 0 or O_CLOEXEC. OUT (may be NULL) receives
 * the kernel's answer (id, span).
 */
int morsel_create(unsigned int level, uint64_t length, unsigned int flags,
		  uint64_t fixed_addr, int fd_flags, struct morsel_create *out);
/* Open a published morsel; OFLAGS: O_RDONLY or O_RDWR, | O_CLOEXEC. */
int morsel_open(const char *name, int oflags);
int morsel_info(int fd, struct morsel_info *info);
int morsel_populate(int fd, uint64_t offset, uint64_t length);
int morsel_discard(int fd, uint64_t offset, uint64_t length);
/* Copy LENGTH bytes of SRC_FD from SRC_OFFSET; returns the bytes copied. */
int64_t morsel_load(int fd, int src_fd, uint64_t src_offset, uint64_t offset,
		    uint64_t length);
/* Load a whole file at OFFSET; returns the bytes copied. */
int64_t morsel_load_file(int fd, const char *path, uint64_t offset);
int morsel_seal(int fd, unsigned int seals);
int morsel_revoke(int fd);
int morsel_destroy(int fd);
int morsel_publish(int fd, const char *name, mode_t mode);
int morsel_unpublish(const char *name);

/*
 * Attach: mmap the whole span MAP_SHARED at a span-aligned address (HINT,
 * or the morsel's fixed address, or one the kernel picks) with PROT
 * (PROT_READ, optionally | PROT_WRITE | PROT_EXEC). Returns the address or
 * MAP_FAILED. SPAN (may be NULL) receives the mapping's length.
 */
void *morsel_attach(int fd, void *hint, int prot, uint64_t *span);
/* Detach what morsel_attach() returned (SPAN bytes at ADDR). */
int morsel_detach(void *addr, uint64_t span);

/* Global counters under /sys/kernel/mm/morsel/ (NAME: "morsels", "pages",
 * "tables", "attaches"); -1 if unreadable. */
long long morsel_counter(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* LIBMORSEL_H */
