// SPDX-License-Identifier: GPL-2.0
/*
 * Storage for the user-space flush hook declared in platform_user.h: the
 * persistence tests set it to observe every flush of persistent metadata.
 */
#include "platform.h"

void (*llfree_flush_hook)(const void *addr);
