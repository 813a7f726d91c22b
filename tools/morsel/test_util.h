/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the morsel guest tests: PASS/FAIL lines, errno checks,
 * touching memory that may fault, children, other users, fd passing, the
 * paging mode, the module's parameters and global counters.
 */
#ifndef MORSEL_TEST_UTIL_H
#define MORSEL_TEST_UTIL_H

#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../include/xorshift.h"
#include "libmorsel.h"

#define KIB (1024ull)
#define MIB (1024ull * KIB)
#define GIB (1024ull * MIB)
#define TIB (1024ull * GIB)
#define PAGE 4096ull

static int failures, passes;
static int child_base;		/* failures inherited at fork */
static const char *test_prefix = "morsel";

static inline void __attribute__((format(printf, 3, 4)))
check(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS %s.%s\n", test_prefix, name);
		passes++;
	} else {
		printf("FAIL %s.%s: ", test_prefix, name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		failures++;
	}
	fflush(stdout);
}

static inline const char *errname(int err)
{
	const char *s = err ? strerrorname_np(err) : "no error";

	return s ? s : "?";
}

/* RET must be -1 (or MAP_FAILED) with errno WANT. */
static inline void check_err(const char *name, long ret, int err, int want)
{
	check(ret == -1 && err == want, name, "want %s, got ret %ld errno %s",
	      errname(want), ret, ret == -1 ? errname(err) : "-");
}

/* Like check_err with two acceptable errnos (where the ABI leaves room). */
static inline void check_err2(const char *name, long ret, int err, int want1, int want2)
{
	check(ret == -1 && (err == want1 || err == want2), name,
	      "want %s or %s, got ret %ld errno %s", errname(want1),
	      errname(want2), ret, ret == -1 ? errname(err) : "-");
}

#define EXPECT_ERR(name, expr, want) do {			\
		long __r;					\
		errno = 0;					\
		__r = (long)(expr);				\
		check_err(name, __r, errno, want);		\
	} while (0)
#define EXPECT_ERR2(name, expr, want1, want2) do {		\
		long __r;					\
		errno = 0;					\
		__r = (long)(expr);				\
		check_err2(name, __r, errno, want1, want2);	\
	} while (0)
#define EXPECT_OK(name, expr) do {				\
		long __r;					\
		errno = 0;					\
		__r = (long)(expr);				\
		check(__r != -1, name, "failed: %s", errname(errno)); \
	} while (0)

/* ---- touching memory that may fault: returns 0 or the signal number */
static __thread sigjmp_buf probe_jmp;
static __thread volatile sig_atomic_t probe_active;

static inline void probe_handler(int sig)
{
	if (probe_active) {
		probe_active = 0;
		siglongjmp(probe_jmp, sig);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static inline void probe_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = probe_handler;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

static int __attribute__((noinline, unused)) probe_read(const void *p, uint64_t *val)
{
	int sig = sigsetjmp(probe_jmp, 1);

	if (sig)
		return sig;
	probe_active = 1;
	*val = *(const volatile uint64_t *)p;
	probe_active = 0;
	return 0;
}

static int __attribute__((noinline, unused)) probe_write(void *p, uint64_t val)
{
	int sig = sigsetjmp(probe_jmp, 1);

	if (sig)
		return sig;
	probe_active = 1;
	*(volatile uint64_t *)p = val;
	probe_active = 0;
	return 0;
}

static inline const char *signame(int sig)
{
	return sig ? sigabbrev_np(sig) : "no signal";
}

/* ---- time, children */
static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline pid_t start_child(void)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0)
		child_base = failures;
	return pid;
}

/* In a child: exit 1 if it failed a check (its lines are out already). */
static inline void __attribute__((noreturn)) end_child(void)
{
	fflush(stdout);
	_exit(failures > child_base ? 1 : 0);
}

/* Wait for a child and record how it ended. */
static inline void wait_child(pid_t pid, const char *name)
{
	int status = 0;

	if (waitpid(pid, &status, 0) != pid) {
		check(false, name, "waitpid: %s", strerror(errno));
		return;
	}
	if (WIFSIGNALED(status))
		check(false, name, "child killed by %s", signame(WTERMSIG(status)));
	else
		check(WEXITSTATUS(status) == 0, name, "child exited with %d",
		      WEXITSTATUS(status));
}

/* ---- other users */
/*
 * Drop to UID with primary group GID, plus the device's group DEV_GID if
 * MEMBER (how /dev/morsel's group grants access).
 */
static inline bool become(uid_t uid, gid_t gid, gid_t dev_gid, bool member)
{
	gid_t groups[2] = { gid, dev_gid };

	return !setgroups(member ? 2 : 1, groups) && !setgid(gid) && !setuid(uid);
}

/* ---- fd passing over a UNIX socket (SCM_RIGHTS) */
/* Send FD with LEN (>= 1) bytes of DATA; FLAGS as for sendmsg(). 0 or -1. */
static inline int send_fd(int sock, int fd, const void *data, size_t len, int flags)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { (void *)data, len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, flags) == (ssize_t)len ? 0 : -1;
}

/*
 * Receive an fd sent by send_fd() with LEN bytes into DATA; FLAGS as for
 * recvmsg(). Returns the fd, or -1 with errno (EBADMSG: a message without
 * an fd or of another length).
 */
static inline int recv_fd(int sock, void *data, size_t len, int flags)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { data, len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	ssize_t n;
	int fd;

	n = recvmsg(sock, &msg, flags);
	if (n < 0)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
		errno = EBADMSG;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	if ((size_t)n != len || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		close(fd);
		errno = EBADMSG;
		return -1;
	}
	return fd;
}

/* ---- the paging mode: only with 5-level paging does a hint above 47 bits count */
static inline bool l5_paging(void)
{
	void *p = mmap((void *)(1ul << 56), PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bool high = p != MAP_FAILED && (uintptr_t)p >= (1ul << 47);

	if (p != MAP_FAILED)
		munmap(p, PAGE);
	return high;
}

/* ---- numbers in sysfs and cgroupfs files, the module's parameters */
/* The number PATH starts with, or -1. */
static inline long long read_number(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static inline long long read_param(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/morsel/parameters/%s", name);
	return read_number(path);
}

static inline bool write_param(const char *name, long long v)
{
	char path[128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/sys/module/morsel/parameters/%s", name);
	f = fopen(path, "w");
	if (!f)
		return false;
	ok = fprintf(f, "%lld\n", v) > 0;
	return !fclose(f) && ok;
}

/* ---- the module's global counters */
static const char *const counter_names[] = { "morsels", "pages", "tables", "attaches" };

static inline void counters_read(long long v[4])
{
	for (int i = 0; i < 4; i++)
		v[i] = morsel_counter(counter_names[i]);
}

/* Wait (freeing is RCU-deferred) until the counters are WANT. */
static inline bool counters_at(const long long want[4], double timeout, char *why,
			       size_t len)
{
	double end = now() + timeout;
	long long v[4];

	for (;;) {
		counters_read(v);
		if (!memcmp(v, want, sizeof(v)))
			return true;
		if (now() > end)
			break;
		usleep(50000);
	}
	snprintf(why, len, "morsels %lld pages %lld tables %lld attaches %lld",
		 v[0], v[1], v[2], v[3]);
	return false;
}

/* Wait until every counter is zero. */
static inline bool counters_zero(double timeout, char *why, size_t len)
{
	static const long long zero[4];

	return counters_at(zero, timeout, why, len);
}

#endif /* MORSEL_TEST_UTIL_H */
