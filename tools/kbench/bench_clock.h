/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's clock, the one place that differs between the kernels it
 * runs on.
 *
 * User-Mode Linux runs the kernel in one host thread, so the host's
 * CLOCK_THREAD_CPUTIME_ID counts exactly the CPU time the guest kernel got:
 * host load that preempts it does not count. UML kernel code is an ordinary
 * host process, so it asks the host directly with the syscall instruction.
 *
 * Elsewhere the guest's ktime: under QEMU -icount shift=0,sleep=off one
 * nanosecond per guest instruction, otherwise wall time.
 */
#ifndef LLFREE_BENCH_CLOCK_H
#define LLFREE_BENCH_CLOCK_H

#include <linux/ktime.h>
#include <linux/time64.h>

#ifdef CONFIG_UML
#define BENCH_CLOCK_NAME "host thread CPU time"

/* x86_64 host ABI: clock_gettime is syscall 228, the thread clock is 3. */
#define BENCH_HOST_NR_CLOCK_GETTIME 228L
#define BENCH_HOST_CLOCK_THREAD_CPUTIME_ID 3L

static inline u64 bench_clock_ns(void)
{
	struct { long sec; long nsec; } ts = { 0, 0 };
	long ret;

	asm volatile ("syscall"
		      : "=a" (ret)
		      : "0" (BENCH_HOST_NR_CLOCK_GETTIME),
			"D" (BENCH_HOST_CLOCK_THREAD_CPUTIME_ID), "S" (&ts)
		      : "rcx", "r11", "memory");
	return ret ? 0 : (u64)ts.sec * NSEC_PER_SEC + (u64)ts.nsec;
}
#else
#define BENCH_CLOCK_NAME "ktime"

static inline u64 bench_clock_ns(void)
{
	return ktime_get_ns();
}
#endif

#endif /* LLFREE_BENCH_CLOCK_H */
