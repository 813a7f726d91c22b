/* SPDX-License-Identifier: GPL-2.0 */
/* The random numbers of the user-space tests, benchmarks and guest tools. */
#ifndef TOOLS_XORSHIFT_H
#define TOOLS_XORSHIFT_H

#include <stdint.h>

/* xorshift64: fast, seedable, good enough to pick sizes, orders and victims. */
static inline uint64_t next_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

#endif /* TOOLS_XORSHIFT_H */
