/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A one-file FUSE file system whose reads wait until the test lets them go:
 * a slow regular file, to hold an ioctl that reads it (MORSEL_IOC_LOAD) in
 * the middle of its read for as long as a test needs. It speaks the raw
 * /dev/fuse protocol (no libfuse in the guest) and serves one file, "slow",
 * of SLOW_FUSE_SIZE bytes that all read as SLOW_FUSE_BYTE.
 *
 * slow_fuse_start(dir) mounts it; slow_fuse_wait_read() waits until a read
 * is being held; slow_fuse_release() answers it (and every later one);
 * slow_fuse_stop() unmounts.
 */
#ifndef MORSEL_SLOW_FUSE_H
#define MORSEL_SLOW_FUSE_H

#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define SLOW_FUSE_SIZE	(64 * 4096)
#define SLOW_FUSE_BYTE	0x4c	/* 'L' */
#define SLOW_FUSE_INO	2

struct slow_fuse {
	int fd;
	char dir[64];
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int reads_waiting;	/* reads held until released */
	bool released;
};

static void slow_fuse_reply(struct slow_fuse *fs, uint64_t unique, int error,
			    const void *data, size_t len)
{
	struct fuse_out_header out = {
		.len = sizeof(out) + (error ? 0 : len),
		.error = -error,
		.unique = unique,
	};
	struct iovec iov[2] = {
		{ &out, sizeof(out) },
		{ (void *)data, error ? 0 : len },
	};

	/* ENOENT: the request was interrupted meanwhile; nothing to do. */
	if (writev(fs->fd, iov, 2) < 0 && errno != ENOENT)
		perror("slow_fuse: reply");
}

static void slow_fuse_attr(struct fuse_attr *a, uint64_t ino)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->nlink = 1;
	a->blksize = 4096;
	if (ino == FUSE_ROOT_ID) {
		a->mode = S_IFDIR | 0755;
	} else {
		a->mode = S_IFREG | 0644;
		a->size = SLOW_FUSE_SIZE;
		a->blocks = SLOW_FUSE_SIZE / 512;
	}
}

static void slow_fuse_read(struct slow_fuse *fs, const struct fuse_in_header *in,
			   const struct fuse_read_in *rd)
{
	static char data[128 * 1024];
	size_t n = 0;

	pthread_mutex_lock(&fs->lock);
	fs->reads_waiting++;
	pthread_cond_broadcast(&fs->cond);
	while (!fs->released)
		pthread_cond_wait(&fs->cond, &fs->lock);
	fs->reads_waiting--;
	pthread_mutex_unlock(&fs->lock);
	if (rd->offset < SLOW_FUSE_SIZE)
		n = SLOW_FUSE_SIZE - rd->offset;
	if (n > rd->size)
		n = rd->size;
	if (n > sizeof(data))
		n = sizeof(data);
	memset(data, SLOW_FUSE_BYTE, n);
	slow_fuse_reply(fs, in->unique, 0, data, n);
}

static void *slow_fuse_serve(void *arg)
{
	struct slow_fuse *fs = arg;
	static char buf[FUSE_MIN_READ_BUFFER + 128 * 1024];

	for (;;) {
		ssize_t n = read(fs->fd, buf, sizeof(buf));
		struct fuse_in_header *in = (void *)buf;
		void *body = buf + sizeof(*in);

		if (n < 0 && (errno == EINTR || errno == ENOENT))
			continue;
		if (n < (ssize_t)sizeof(*in))
			break;	/* ENODEV: unmounted */
		switch (in->opcode) {
		case FUSE_INIT: {
			struct fuse_init_out o = {
				.major = FUSE_KERNEL_VERSION,
				.minor = FUSE_KERNEL_MINOR_VERSION,
				.max_readahead = 4096,
				.max_write = 4096,
				.time_gran = 1,
				.max_pages = 32,
			};

			slow_fuse_reply(fs, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_LOOKUP: {
			struct fuse_entry_out o = { .nodeid = SLOW_FUSE_INO };

			if (in->nodeid != FUSE_ROOT_ID || strcmp(body, "slow")) {
				slow_fuse_reply(fs, in->unique, ENOENT, NULL, 0);
				break;
			}
			slow_fuse_attr(&o.attr, SLOW_FUSE_INO);
			slow_fuse_reply(fs, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_GETATTR: {
			struct fuse_attr_out o = { 0 };

			slow_fuse_attr(&o.attr, in->nodeid);
			slow_fuse_reply(fs, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_OPEN: {
			/* Direct I/O: every read reaches us, none is cached. */
			struct fuse_open_out o = { .fh = 1, .open_flags = FOPEN_DIRECT_IO };

			slow_fuse_reply(fs, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_READ:
			slow_fuse_read(fs, in, body);
			break;
		case FUSE_FLUSH:
		case FUSE_RELEASE:
		case FUSE_DESTROY:
			slow_fuse_reply(fs, in->unique, 0, NULL, 0);
			break;
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
		case FUSE_INTERRUPT:
			break;	/* no reply */
		default:
			slow_fuse_reply(fs, in->unique, ENOSYS, NULL, 0);
			break;
		}
	}
	return NULL;
}

/* Mount on DIR (created if missing). Returns 0, or -1 with errno set. */
static int slow_fuse_start(struct slow_fuse *fs, const char *dir)
{
	char opts[128];

	memset(fs, 0, sizeof(*fs));
	pthread_mutex_init(&fs->lock, NULL);
	pthread_cond_init(&fs->cond, NULL);
	snprintf(fs->dir, sizeof(fs->dir), "%s", dir);
	mkdir(dir, 0755);
	fs->fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fs->fd < 0)
		return -1;
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other",
		 fs->fd);
	if (mount("slowfs", dir, "fuse", MS_NOSUID | MS_NODEV, opts)) {
		int err = errno;

		close(fs->fd);
		errno = err;
		return -1;
	}
	if (pthread_create(&fs->thread, NULL, slow_fuse_serve, fs)) {
		umount2(dir, MNT_DETACH);
		close(fs->fd);
		errno = EAGAIN;
		return -1;
	}
	return 0;
}

/* Wait up to TIMEOUT seconds until a read is held. Returns true if one is. */
static bool slow_fuse_wait_read(struct slow_fuse *fs, int timeout)
{
	struct timespec end;
	bool held;

	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += timeout;
	pthread_mutex_lock(&fs->lock);
	while (!fs->reads_waiting &&
	       pthread_cond_timedwait(&fs->cond, &fs->lock, &end) == 0)
		;
	held = fs->reads_waiting > 0;
	pthread_mutex_unlock(&fs->lock);
	return held;
}

/* Answer the held reads and every later one at once. */
static void slow_fuse_release(struct slow_fuse *fs)
{
	pthread_mutex_lock(&fs->lock);
	fs->released = true;
	pthread_cond_broadcast(&fs->cond);
	pthread_mutex_unlock(&fs->lock);
}

static void slow_fuse_stop(struct slow_fuse *fs)
{
	slow_fuse_release(fs);
	umount2(fs->dir, MNT_DETACH);
	/* The server waits in read(), a cancellation point. */
	pthread_cancel(fs->thread);
	pthread_join(fs->thread, NULL);
	close(fs->fd);
}

#endif /* MORSEL_SLOW_FUSE_H */
