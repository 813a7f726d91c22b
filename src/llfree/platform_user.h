/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space flavour of the platform layer (tests, stress, benchmarks): C11
 * atomics on the plain metadata words, and an optional flush hook that the
 * persistence tests use to stop the world at a chosen store.
 */
#ifndef LLFREE_PLATFORM_USER_H
#define LLFREE_PLATFORM_USER_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define LLF_CACHELINE 64

#define LLF_ATOMIC(p) ((_Atomic __typeof__(*(p)) *)(p))
#define llf_load(p) atomic_load_explicit(LLF_ATOMIC(p), memory_order_acquire)
#define llf_store(p, v) \
	atomic_store_explicit(LLF_ATOMIC(p), (v), memory_order_release)
#define llf_cas(p, expp, v)                                          \
	atomic_compare_exchange_strong_explicit(LLF_ATOMIC(p), (expp), \
						(v), memory_order_acq_rel, \
						memory_order_acquire)
#define llf_fetch_add(p, v) \
	atomic_fetch_add_explicit(LLF_ATOMIC(p), (v), memory_order_acq_rel)

#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max_t(type, a, b) ((type)(a) > (type)(b) ? (type)(a) : (type)(b))

#if defined(__x86_64__) || defined(__i386__)
#define llf_relax() __builtin_ia32_pause()
#else
#define llf_relax() do { } while (0)
#endif

/* Threads have no interrupts to keep out (see platform_kernel.h). */
#define llf_irq_save(flags) ((flags) = 0)
#define llf_irq_restore(flags) ((void)(flags))

static inline u32 llf_popcount64(u64 x)
{
	return (u32)__builtin_popcountll(x);
}

static inline u32 llf_ctz64(u64 x)
{
	return (u32)__builtin_ctzll(x);
}

/*
 * Called on every flush of persistent metadata when set; the persistence
 * tests count flushes here and snapshot the lower level to simulate a crash.
 */
extern void (*llfree_flush_hook)(const void *addr);

static inline void llf_flush(const void *p)
{
	if (llfree_flush_hook)
		llfree_flush_hook(p);
}

/*
 * User space has no persistent memory: the flush hook sees stores in program
 * order, so a compiler barrier is enough (and gcc's TSan rejects fences).
 */
static inline void llf_fence(void)
{
	__asm__ __volatile__("" ::: "memory");
}

#endif /* LLFREE_PLATFORM_USER_H */
