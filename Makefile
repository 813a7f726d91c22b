# SPDX-License-Identifier: GPL-2.0
#
# Targets for people; the kernel build itself reads Kbuild. `make help` lists
# them. Everything generated goes to build/ (caches to ~/.cache/llfree-morsel).

SHELL := /bin/bash
MAKEFLAGS += --no-print-directory
.DEFAULT_GOAL := modules
.SUFFIXES:

ifeq ($(V),1)
Q :=
else
Q := @
endif

# --------------------------------------------------------------- kernel module
# Never `uname -r`: the kernel we build for need not be the running one (DKMS,
# chroots, CI). Without KERNELRELEASE or KDIR, take the newest installed headers.
KERNELRELEASE ?= $(notdir $(patsubst %/build,%,$(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1)))
KDIR ?= /lib/modules/$(KERNELRELEASE)/build

# The module is built from a copy of its sources, one per kernel, so that
# several kernels can be built side by side and the checkout stays clean (it
# is also the source of the KUnit kernel tree). KMOD_CONFIG: Kconfig values
# for Kbuild, e.g. "CONFIG_LLFREE_KUNIT_TEST=m" (make kunit).
KMOD_OUT ?= build/kmod/$(notdir $(realpath $(KDIR)))
KMOD_CONFIG ?=

.PHONY: modules
modules:
	$(Q)test -f $(KDIR)/include/config/auto.conf || { echo "no prepared kernel build tree at" \
		"'$(KDIR)': set KDIR= or KERNELRELEASE= (make deps installs headers)" >&2; exit 1; }
	$(Q)mkdir -p $(KMOD_OUT)
	$(Q)rsync -a -m --delete --include='*/' --include='*.[ch]' --include=Kbuild \
		--exclude='*' Kbuild include src kunit $(KMOD_OUT)/
	$(Q)scripts/kbuild-lock.sh $(MAKE) -C $(KDIR) M=$(abspath $(KMOD_OUT)) CONFIG_LLFREE=m \
		$(KMOD_CONFIG) modules
	@for ko in $(KMOD_OUT)/*.ko; do echo "built $$ko"; done

# Both Debian header versions we support, default Kconfig values and the other
# extreme; W=1 and zero warnings required.
.PHONY: modules-check
modules-check:
	$(Q)scripts/modules-check.sh

# ------------------------------------------------------------------ user space
# The allocator core and its tests as plain programs, for every compiler and
# sanitizer variant: build/<cc>/<variant>/.
CCS ?= gcc clang
VARIANTS ?= plain asan tsan

USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -Isrc/llfree \
	-Itools/llfree -pthread -MMD -MP
SAN_plain :=
SAN_asan := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_tsan := -fsanitize=thread

CORE_SRCS := $(addprefix src/llfree/,bitfield.c child.c lower.c tree.c local.c llfree.c) \
	tools/llfree/flush_hook.c
TEST_PROGS := $(patsubst tools/llfree/%.c,%,$(wildcard tools/llfree/test_*.c))
# The layer suites are written once for KUnit and also run here through the
# shim; the concurrency suite needs kthreads and stays in the kernel.
KUNIT_USER_SRCS := $(foreach f,$(wildcard kunit/llfree_*_test.c),$(if $(findstring concurrency,$(f)),,$(f))) \
	tools/llfree/kunit_shim.c
TOOL_PROGS := $(patsubst tools/llfree/%.c,%,$(wildcard tools/llfree/demo.c tools/llfree/bench.c))
# What `make test-user` runs in every variant.
USER_TESTS := $(TEST_PROGS) kunit_user

# $(1) = compiler, $(2) = variant
define user-variant
build/$(1)/$(2)/obj/%.o: %.c
	@mkdir -p $$(@D)
	@echo "  CC      $$@"
	$(Q)$(1) $(USER_CFLAGS) $(SAN_$(2)) $$(SHIM_CFLAGS) -c $$< -o $$@

# Only the suites see the shim's <kunit/test.h> and <linux/slab.h>.
$(KUNIT_USER_SRCS:%.c=build/$(1)/$(2)/obj/%.o): SHIM_CFLAGS := -Itools/llfree/shim-include

build/$(1)/$(2)/libllfree.a: $(CORE_SRCS:%.c=build/$(1)/$(2)/obj/%.o)
	@echo "  AR      $$@"
	$(Q)rm -f $$@ && ar rcs $$@ $$^

$(addprefix build/$(1)/$(2)/,$(TEST_PROGS) $(TOOL_PROGS)): build/$(1)/$(2)/%: \
		build/$(1)/$(2)/obj/tools/llfree/%.o build/$(1)/$(2)/libllfree.a
	@echo "  LD      $$@"
	$(Q)$(1) -pthread $(SAN_$(2)) $$^ -lm -o $$@

build/$(1)/$(2)/kunit_user: $(KUNIT_USER_SRCS:%.c=build/$(1)/$(2)/obj/%.o) \
		build/$(1)/$(2)/libllfree.a
	@echo "  LD      $$@"
	$(Q)$(1) -pthread $(SAN_$(2)) $$^ -lm -o $$@

.PHONY: user-$(1)-$(2)
user-$(1)-$(2): $(addprefix build/$(1)/$(2)/,$(USER_TESTS) $(TOOL_PROGS))
endef
# gcc/plain always: demo and bench-user run from there.
USER_BUILDS := $(sort gcc/plain $(foreach cc,$(CCS),$(foreach v,$(VARIANTS),$(cc)/$(v))))
$(foreach b,$(USER_BUILDS),$(eval $(call user-variant,$(firstword $(subst /, ,$(b))),$(lastword $(subst /, ,$(b))))))
-include $(shell find build -name '*.d' -type f 2>/dev/null)

.PHONY: user test-user demo demo-user observe bench-user
user: $(foreach cc,$(CCS),$(foreach v,$(VARIANTS),user-$(cc)-$(v)))

test-user:
	$(Q)CCS="$(CCS)" VARIANTS="$(VARIANTS)" TESTS="$(USER_TESTS)" scripts/test-user.sh $(MAKE)

# The hook kernel in QEMU with llfree.ko serving a workload. Like `make
# check`, both demos install what is missing first.
demo:
	$(Q)scripts/vm/demo.sh

# The perf and trace-cmd one-liners of docs/observing.md, run in the guest.
observe:
	$(Q)scripts/vm/observe.sh

# The allocator core alone, in user space.
demo-user:
	$(Q)scripts/deps.sh
	$(Q)$(MAKE) build/gcc/plain/demo
	$(Q)build/gcc/plain/demo

bench-user: build/gcc/plain/bench
	$(Q)build/gcc/plain/bench $(BENCH_ARGS)

# --------------------------------------------------------------- morsel tools
# libmorsel, morselctl and the morsel guest tests/benchmark for the host, for
# every compiler in CCS: build/tools/<cc>/ (docs/morselctl.md). The guest
# gets static builds from scripts/vm/morsel-tools.sh.
MORSEL_PROGS := morselctl morsel_test morsel_attack morsel_random morsel_race morsel_bench
MORSEL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -pthread -Iinclude/uapi -Itools/morsel
MORSEL_DEPS := tools/morsel/libmorsel.c $(wildcard tools/morsel/*.h tools/include/*.h) \
	include/uapi/linux/morsel.h

define morsel-tools
build/tools/$(1)/libmorsel.a: $$(MORSEL_DEPS)
	@mkdir -p $$(@D)
	@echo "  AR      $$@"
	$(Q)$(1) $(MORSEL_CFLAGS) -c tools/morsel/libmorsel.c -o $$(@D)/libmorsel.o
	$(Q)rm -f $$@ && ar rcs $$@ $$(@D)/libmorsel.o

build/tools/$(1)/%: tools/morsel/%.c build/tools/$(1)/libmorsel.a $$(MORSEL_DEPS)
	@echo "  CCLD    $$@"
	$(Q)$(1) $(MORSEL_CFLAGS) $$< build/tools/$(1)/libmorsel.a -o $$@
endef
$(foreach cc,$(CCS),$(eval $(call morsel-tools,$(cc))))

# The shared library as packaged (libmorsel.so.1, morselctl against it,
# morsel.pc, man pages) and its ABI check: build/lib/<cc>/ (tools/morsel/Makefile).
.PHONY: tools bench-morsel $(addprefix lib-,$(CCS))
$(addprefix lib-,$(CCS)): lib-%:
	$(Q)$(MAKE) -C tools/morsel O=$(abspath build/lib/$*) CC=$* EXTRA_CFLAGS=-Werror \
		CHECK_NAME=tools.libmorsel.$* all check

tools: $(foreach cc,$(CCS),$(addprefix build/tools/$(cc)/,libmorsel.a $(MORSEL_PROGS)) lib-$(cc))

# Morsel attach vs memfd mmap+populate (4 KiB, THP) in one boot of the
# non-debug hook kernel; BENCH_GIB=1,6.82 BENCH_MEM=10240 (MiB).
bench-morsel:
	$(Q)scripts/vm/bench-morsel.sh "$(BENCH_GIB)" "$(or $(BENCH_MEM),10240)"

# ------------------------------------------------------------------ the rest
.PHONY: deps kunit checkpatch check clean help
deps:
	$(Q)scripts/deps.sh

kunit:
	$(Q)scripts/kunit.sh

# The hook test kernel under QEMU: llfree.ko serving real workloads with
# 1, 2 and 4 vCPUs on 5- and 4-level paging (scripts/vm/).
.PHONY: vm-test bench-kernel
vm-test:
	$(Q)STEP_TIMEOUT=3600 scripts/run-step.sh --expect-results vm-test build/check/vm-test.log scripts/vm/vm-test.sh
	$(Q)grep -E '^(PASS|FAIL) ' build/check/vm-test.log | grep -v '^PASS ' || true

# MODE="uml icount tcg" (default all three), ROUNDS=6, VCPUS=2.
bench-kernel:
	$(Q)scripts/vm/bench-kernel.sh $(MODE)

# Free 2 MiB frames after the same churn, buddy vs LLFree, in one boot.
.PHONY: bench-frag
bench-frag:
	$(Q)scripts/vm/bench-frag.sh

checkpatch:
	$(Q)scripts/checkpatch.sh

# ------------------------------------------------------------------ packaging
# VERSION is the one version; scripts/pkg/check-version.sh checks the rest.
# Results in build/pkg/. KERNEL_CONFIG=test (default: the small test kernel,
# cached) | debian (Debian's own config: a daily-driver hook kernel, hours)
# | a .config file; KERNEL_LOCALVERSION appends to the release.
KERNEL_CONFIG ?= test
KERNEL_LOCALVERSION ?=
.PHONY: deb rpm kernel-deb test-pkg
deb:
	$(Q)scripts/pkg/build-deb.sh

rpm:
	$(Q)scripts/pkg/build-rpm.sh

kernel-deb:
	$(Q)scripts/pkg/kernel-deb.sh --config $(KERNEL_CONFIG) --out build/pkg/kernel \
		$(if $(KERNEL_LOCALVERSION),--localversion $(KERNEL_LOCALVERSION))

# Build, lint and install the packages: Debian 12 root (apt, DKMS, kernel
# upgrade, stock kernel skipped, purge, modprobe in QEMU) and dnf --installroot.
test-pkg:
	$(Q)STEP_TIMEOUT=3600 scripts/run-step.sh --expect-results test-pkg build/check/test-pkg.log scripts/pkg/test-pkg.sh
	$(Q)grep -E '^(PASS|FAIL) |^test-pkg: \[|^test-pkg: total' build/check/test-pkg.log | grep -v '^PASS ' || true

# The cache scripts' bookkeeping from an empty cache (scripts/test-cache.sh).
.PHONY: test-cache
test-cache:
	$(Q)scripts/run-step.sh --expect-results cache build/check/cache.log scripts/test-cache.sh

# Every step runs even if an earlier one failed; the summary decides and
# prints the time of each step (docs/ci.md) before its closing line.
T := scripts/step-time.sh
check:
	$(Q)rm -rf build/check
	$(Q)$(T) deps scripts/run-step.sh deps build/check/deps.log scripts/deps.sh || true
	$(Q)$(T) test-user $(MAKE) test-user || true
	$(Q)$(T) modules-check $(MAKE) modules-check || true
	$(Q)$(T) tools scripts/run-step.sh tools build/check/tools.log $(MAKE) tools || true
	$(Q)$(T) checkpatch $(MAKE) checkpatch || true
	$(Q)$(T) kunit $(MAKE) kunit || true
	$(Q)$(T) vm-test $(MAKE) vm-test || true
	$(Q)$(T) test-pkg $(MAKE) test-pkg || true
	$(Q)$(T) cache $(MAKE) test-cache || true
	$(Q)$(T) summary scripts/run-step.sh --expect-results summary build/check/summary.log \
		scripts/test-summary.sh || true
	$(Q)scripts/summary.sh build/check

clean:
	$(Q)rm -rf build
	@# Leftovers of a direct `make -C KDIR M=$$PWD` (what DKMS does in its copy).
	$(Q)find . -path ./.git -prune -o \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' \) -type f -print0 | xargs -0r rm -f
	$(Q)rm -f Module.symvers modules.order

help:
	@echo 'make [modules]       build llfree.ko out of tree (KDIR=... or KERNELRELEASE=...,'
	@echo '                     default: newest /lib/modules/*/build) into build/kmod/<kdir name>/'
	@echo 'make demo            boot the hook kernel in QEMU, show llfree.ko serving a workload'
	@echo 'make demo-user       the user-space allocator demo'
	@echo 'make observe         perf, trace-cmd and bpftrace on both modules in the QEMU guest (docs/observing.md)'
	@echo 'make check           everything below; last line "N passed, N failed"'
	@echo 'make deps            apt-get install missing build dependencies (root)'
	@echo 'make user            build core + tests for CCS="$(CCS)" x VARIANTS="$(VARIANTS)"'
	@echo 'make test-user       build and run the user-space tests, logs in build/check/'
	@echo 'make bench-user      user-space benchmark (BENCH_ARGS=...)'
	@echo 'make modules-check   build llfree.ko against Debian 6.12 and 6.1 headers, W=1'
	@echo 'make checkpatch      checkpatch.pl on src/ include/ kunit/'
	@echo 'make kunit           KUnit suites in llfree.ko/morsel.ko in the test kernel under QEMU'
	@echo 'make vm-test         hook kernel in QEMU: llfree.ko under load, 1/2/4 vCPUs'
	@echo 'make bench-kernel    LLFree vs buddy alloc_pages() per boot: MODE="uml icount tcg"'
	@echo 'make bench-frag      free 2 MiB frames after churn: buddy vs LLFree in one boot'
	@echo 'make tools           libmorsel, morselctl, morsel tests/benchmark into build/tools/<cc>/'
	@echo 'make bench-morsel    morsel attach vs memfd mmap+populate in one boot (BENCH_GIB=1,6.82)'
	@echo 'make deb | rpm       llfree-morsel-dkms .deb (lintian) / .rpm (rpmlint) into build/pkg/'
	@echo 'make kernel-deb      hook-kernel linux-image/linux-headers .debs (KERNEL_CONFIG=test|debian|FILE)'
	@echo 'make test-pkg        install the packages: Debian 12 root + QEMU, dnf --installroot'
	@echo 'make test-cache      the cache scripts from an empty cache (make, look up, prune)'
	@echo 'make clean           remove build/ (kernel tree caches stay in ~/.cache/llfree-morsel)'
