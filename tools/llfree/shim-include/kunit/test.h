/* SPDX-License-Identifier: GPL-2.0 */
/* User-space builds: KUnit suites get the shim (see kunit_shim.h). */
#include "../../kunit_shim.h"
