/* SPDX-License-Identifier: GPL-2.0 */
/* User-space builds: kvzalloc()/kvfree() come from the KUnit shim. */
#include "../../kunit_shim.h"
