// SPDX-License-Identifier: GPL-2.0
/*
 * morsel_race: a randomized race harness for morsel.ko. Several worker
 * processes (root, a user in /dev/morsel's group, a user outside it), each
 * with 2 or 3 threads, issue random morsel ioctls on morsels they share by
 * name (PUBLISH/OPEN) and by fds passed over UNIX sockets, mixed with
 * attaches, detaches, MAP_FIXED over attaches, mprotect, pkey_mprotect,
 * mremap, mbind, move_pages, madvise, reads and writes of attached memory
 * by the threads and by the kernel (write(), pread(), /proc/self/mem),
 * fork and exit, for a bounded time. Nothing is coordinated: every outcome that
 * a race makes uncertain is judged against the set docs/morsel.md allows.
 *
 * Checked on the way: every errno is one the docs list for that call in
 * that situation; signals on access are the documented ones; a word read
 * from a morsel is 0, a LOAD file word or what a writer wrote at that very
 * morsel, page and word; INFO never shows another owner, a lost seal or
 * fewer attaches than this process holds; passed fds arrive with their
 * access mode; a worker's mappings are where its model says. At the end
 * every worker has exited, root unpublishes what is left, and the module's
 * counters must return to zero (or to what an earlier test left, which
 * race.counters-idle reports). Kernel reports (KASAN, lockdep, WARN, BUG)
 * are the guest script's to catch (tools/vm/morsel-test.sh).
 *
 * Usage: morsel_race SECONDS SEED [PROCS]   (PROCS workers, default 4)
 * Run as root with morsel.ko loaded; prints the seed first. The seed fixes
 * every thread's choices, not the interleaving.
 */
#include "test_util.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define MAX_WORKERS	8
#define MAX_THREADS	3
#define MAX_FDS		12	/* morsel fds one worker holds */
#define MAX_SLOTS	16	/* mappings one worker tracks */
#define MAX_LEN		(4 * MIB)	/* per morsel */
#define MORSELS_PER_USER 24	/* max_morsels_per_user during the run */
/* What one user can pin with that many morsels: pages plus 5 tables each. */
#define PAGES_PER_USER	((long long)(MORSELS_PER_USER * (MAX_LEN / PAGE + 5)))
#define FILE_PAGES	32	/* the LOAD source */
#define CHILD_OPS	6	/* at most, in a forked child */
#define EXIT_RESPAWN	3	/* a worker's deliberate exit */
#define MEMBER_UID	1000	/* in /dev/morsel's group */
#define STRANGER_UID	1002	/* not */

/* Where MAP_FIXED attaches go: a window no kernel-chosen mapping reaches. */
#define ARENA		(16 * TIB)
#define ARENA_P4D	(1ull << 52)	/* 5-level only */
#define P4D_HINT	(1ull << 55)	/* kernel-chosen P4D attaches */

/* Word patterns: a writer's (morsel id, page) and the LOAD file's (page). */
#define MAGIC_WRITE	0x4d52ull	/* "MR" */
#define MAGIC_FILE	0x4c44ull	/* "LD" */
#define PASS_MAGIC	0x70617373u	/* "pass" */

/* ------------------------------------------------------------ the setup */
enum role { ROOT, MEMBER, STRANGER };

static const struct {
	const char *name;
	uid_t uid;
	bool member;
} roles[] = {
	[ROOT] = { "root", 0, true },
	[MEMBER] = { "member", MEMBER_UID, true },
	[STRANGER] = { "stranger", STRANGER_UID, false },
};

/* Worker i plays role_of[i % 5]: with 5 or more workers there is a stranger. */
static const enum role role_of[] = { ROOT, MEMBER, ROOT, MEMBER, STRANGER };

enum op {
	OP_READ, OP_WRITE, OP_CREATE, OP_OPEN, OP_UNPUBLISH, OP_INFO, OP_POPULATE,
	OP_DISCARD, OP_LOAD, OP_SEAL, OP_REVOKE, OP_DESTROY, OP_PUBLISH, OP_CLOSE,
	OP_SEND, OP_RECV, OP_REOPEN, OP_ATTACH, OP_ATTACH_FIXED, OP_ANON_FIXED,
	OP_DETACH, OP_MPROTECT, OP_PKEY, OP_MREMAP, OP_MBIND, OP_MOVE_PAGES, OP_MADVISE,
	OP_IO, OP_FORK, OP_EXIT, NR_OPS
};

/* Failure categories, one PASS/FAIL line each. */
static const char *const verdicts[] = {
	"race.errno", "race.signal", "race.value", "race.info", "race.model",
	"race.fd-pass", "race.workers",
};

/* -------------------------------------------- memory shared by everyone */
#define LOG_LINES	16
#define LOG_LEN		120
#define MAX_FAILS	24
#define BOARD		16	/* names believed published */

struct oplog {
	unsigned long n;
	char line[LOG_LINES][LOG_LEN];
};

struct failure {
	int claimed, ready;
	int op;			/* what failed: an enum op, or NR_OPS (the parent) */
	char name[24];
	char why[320];
	int worker, thread;
	unsigned long repeats;
	struct oplog log;
};

struct shared {
	volatile int stop;
	int no_pkey;
	unsigned long count[NR_OPS], ok[NR_OPS];
	uint32_t board[BOARD];
	struct failure fail[MAX_FAILS];
	struct oplog log[MAX_WORKERS][MAX_THREADS];
};

static struct shared *sh;

/* ---------------------------------------------- one worker's own state */
/* What a worker knows about a morsel fd; also the message passed with it. */
struct ident {
	uint32_t magic;
	uint32_t id, owner, level, flags;
	uint32_t rdonly;	/* the fd is O_RDONLY */
	uint64_t length, fixed_addr;
};

struct rec {
	bool used, dead;	/* dead: DESTROY seen (one-way) */
	int fd, users;
	unsigned int seals;	/* seen applied (seals are one-way) */
	struct ident who;
};

struct slot {
	bool used, morsel, dontfork;
	char *addr;
	uint64_t len;
	int prot;
	struct ident who;	/* the morsel attached */
};

static struct {
	pthread_mutex_t lock;	/* every change of rec[], slot[] and the mappings */
	struct rec rec[MAX_FDS];
	struct slot slot[MAX_SLOTS];
	unsigned long gen[MAX_SLOTS];	/* bumped before a mapping may change */
} w = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int me, nthreads;	/* worker index, its threads */
static uid_t my_uid;
static bool l5, in_child, in_parent;
static int socks[2];		/* to the neighbours on the ring */
static int src_rd, src_wr;	/* the LOAD source, readable and write-only */
static int pkey;		/* an allocated protection key, or 0 */
static __thread int my_thread;
static __thread uint64_t rng;
static __thread enum op cur_op;
static __thread char cur[LOG_LEN];	/* the op under way, for messages */
static __thread int pipefd[2];		/* for write() from attached memory */

static uint64_t rnd(uint64_t n)
{
	return n ? next_rand(&rng) % n : 0;
}

/* splitmix64: independent streams from one seed. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return (x ^ (x >> 31)) | 1;
}

static void lock(void)
{
	pthread_mutex_lock(&w.lock);
}

static void unlock(void)
{
	pthread_mutex_unlock(&w.lock);
}

/* --------------------------------------------------- op log and failures */
static void __attribute__((format(printf, 1, 2))) logop(const char *fmt, ...)
{
	struct oplog *l = &sh->log[me][my_thread];
	va_list ap;
	int n;

	n = snprintf(cur, sizeof(cur), "%s", in_child ? "child: " : "");
	va_start(ap, fmt);
	vsnprintf(cur + n, sizeof(cur) - n, fmt, ap);
	va_end(ap);
	memcpy(l->line[l->n % LOG_LINES], cur, LOG_LEN);
	l->n++;
}

/*
 * Record a failure in shared memory (the parent prints it): the first of
 * each NAME and kind of op, with this thread's op log at that moment;
 * later ones are counted. The run goes on: one finding must not hide the
 * next.
 */
static void __attribute__((format(printf, 2, 3))) fail(const char *name, const char *fmt, ...)
{
	int op = in_parent ? NR_OPS : (int)cur_op;
	va_list ap;

	for (int i = 0; i < MAX_FAILS; i++) {
		struct failure *f = &sh->fail[i];
		int zero = 0;

		if (__atomic_load_n(&f->claimed, __ATOMIC_ACQUIRE)) {
			/* Not ready: its thread may have died with its worker. */
			if (!__atomic_load_n(&f->ready, __ATOMIC_ACQUIRE) || strcmp(f->name, name) ||
			    f->op != op)
				continue;
			__atomic_add_fetch(&f->repeats, 1, __ATOMIC_RELAXED);
			return;
		}
		if (!__atomic_compare_exchange_n(&f->claimed, &zero, 1, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			i--;	/* lost the race for it: look at it again */
			continue;
		}
		snprintf(f->name, sizeof(f->name), "%s", name);
		f->op = op;
		va_start(ap, fmt);
		vsnprintf(f->why, sizeof(f->why), fmt, ap);
		va_end(ap);
		f->worker = in_parent ? -1 : me;
		f->thread = my_thread;
		if (!in_parent)
			f->log = sh->log[me][my_thread];
		__atomic_store_n(&f->ready, 1, __ATOMIC_RELEASE);
		return;
	}
}

static void note_ok(void)
{
	__atomic_add_fetch(&sh->ok[cur_op], 1, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------ expected errnos */
#define MAX_ERRS	12

struct errs {
	int n;
	int e[MAX_ERRS];
};

static void allow(struct errs *s, int e)
{
	if (s->n < MAX_ERRS)
		s->e[s->n++] = e;
}

static void errs_str(const struct errs *s, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; i < s->n && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? " " : "", errname(s->e[i]));
	if (!s->n)
		snprintf(buf, len, "none");
}

/*
 * Judge a call that returned RET (-1 on failure, with errno set): a failure
 * must have an errno in S, a success needs CAN_SUCCEED. errno is read here,
 * after the call (an argument beside it could be read before). Returns
 * true on success.
 */
static bool judge(long ret, const struct errs *s, bool can_succeed)
{
	int err = errno;
	char list[160];

	errs_str(s, list, sizeof(list));
	if (ret != -1) {
		if (!can_succeed)
			fail("race.errno", "%s: succeeded, want one of: %s", cur, list);
		note_ok();
		return true;
	}
	for (int i = 0; i < s->n; i++)
		if (s->e[i] == err)
			return false;
	fail("race.errno", "%s: %s, documented here: %s%s", cur, errname(err), list,
	     can_succeed ? " or success" : "");
	return false;
}

/* ------------------------------------------------------ records (fds) */
/* A random record, held (its fd stays open) until put_rec(). */
static struct rec *get_rec(void)
{
	int start = (int)rnd(MAX_FDS);
	struct rec *r = NULL;

	lock();
	for (int k = 0; k < MAX_FDS && !r; k++) {
		struct rec *c = &w.rec[(start + k) % MAX_FDS];

		if (c->used) {
			c->users++;
			r = c;
		}
	}
	unlock();
	return r;
}

/* Another held record of the morsel ID, or NULL. */
static struct rec *get_rec_of(uint32_t id)
{
	struct rec *r = NULL;

	lock();
	for (int k = 0; k < MAX_FDS && !r; k++) {
		if (w.rec[k].used && w.rec[k].who.id == id) {
			w.rec[k].users++;
			r = &w.rec[k];
		}
	}
	unlock();
	return r;
}

static void put_rec(struct rec *r)
{
	lock();
	r->users--;
	unlock();
}

/* Keep FD (of WHO); closes it if this worker holds too many already. */
static void add_rec(int fd, const struct ident *who)
{
	lock();
	for (int k = 0; k < MAX_FDS; k++) {
		if (!w.rec[k].used) {
			w.rec[k] = (struct rec){ .used = true, .fd = fd, .who = *who };
			unlock();
			return;
		}
	}
	unlock();
	close(fd);
}

static void note_seals(uint32_t id, unsigned int seals)
{
	lock();
	for (int k = 0; k < MAX_FDS; k++)
		if (w.rec[k].used && w.rec[k].who.id == id)
			__atomic_or_fetch(&w.rec[k].seals, seals, __ATOMIC_RELAXED);
	unlock();
}

static void note_dead(uint32_t id)
{
	lock();
	for (int k = 0; k < MAX_FDS; k++)
		if (w.rec[k].used && w.rec[k].who.id == id)
			__atomic_store_n(&w.rec[k].dead, true, __ATOMIC_RELAXED);
	unlock();
}

static bool is_owner(const struct ident *who)
{
	return my_uid == 0 || who->owner == my_uid;	/* root: CAP_FOWNER */
}

/* The common part of every ioctl on a morsel fd (docs/morsel.md, "Errors"). */
static void fd_errs(const struct rec *r, struct errs *s)
{
	allow(s, EIDRM);	/* destroyed by anyone, at any time */
	if (r->who.rdonly)
		allow(s, EPERM);
}

/* What other threads note in a held record: read it whole. */
static unsigned int seals_of(const struct rec *r)
{
	return __atomic_load_n(&r->seals, __ATOMIC_RELAXED);
}

static bool dead_of(const struct rec *r)
{
	return __atomic_load_n(&r->dead, __ATOMIC_RELAXED);
}

/* What this worker has seen of R's morsel, for the op log. */
static const char *seen(const struct rec *r)
{
	static const char *const seals[] = { "", " (seen: SEAL_WRITE)", " (seen: SEAL_DISCARD)",
					     " (seen: SEAL_WRITE|SEAL_DISCARD)" };

	return dead_of(r) ? " (seen: destroyed)" : seals[seals_of(r) & MORSEL_SEAL_ALL];
}

/* Can a call on R succeed at all: not destroyed (as far as seen), O_RDWR. */
static bool fd_usable(const struct rec *r)
{
	return !dead_of(r) && !r->who.rdonly;
}

/* ----------------------------------------------------- names (registry) */
/*
 * A name says who owns the morsel published under it and with what mode:
 * "race-u<owner>-m<mode>-<seq>". Every publisher uses the morsel's real
 * owner and the mode it publishes with, so an opener knows what to expect.
 */
static const unsigned int name_modes[] = { 0600, 0640, 0644, 0666 };
#define NAME_SEQS	6

struct name {
	uint32_t owner;
	unsigned int mode, seq;
};

static void name_str(const struct name *n, char *buf, size_t len)
{
	snprintf(buf, len, "race-u%u-m%o-%u", n->owner, n->mode, n->seq);
}

static bool name_parse(const char *s, struct name *n)
{
	char extra;

	return sscanf(s, "race-u%u-m%o-%u%c", &n->owner, &n->mode, &n->seq, &extra) == 3;
}

/* Board entries: (owner is a member) << 16 | mode index << 8 | seq, plus 1 << 31. */
static uint32_t name_code(const struct name *n)
{
	unsigned int m = 0;

	while (name_modes[m] != n->mode)
		m++;
	return 1u << 31 | (n->owner != 0) << 16 | m << 8 | n->seq;
}

static struct name name_decode(uint32_t code)
{
	return (struct name){ .owner = code >> 16 & 1 ? MEMBER_UID : 0,
			      .mode = name_modes[code >> 8 & 3], .seq = code & 0xff };
}

static struct name random_name(void)
{
	uint32_t code = __atomic_load_n(&sh->board[rnd(BOARD)], __ATOMIC_RELAXED);

	if (code && rnd(4))
		return name_decode(code);
	return (struct name){ .owner = rnd(2) ? MEMBER_UID : 0,
			      .mode = name_modes[rnd(4)], .seq = (unsigned int)rnd(NAME_SEQS) };
}

/* ----------------------------------------------------- slots (mappings) */
static bool overlaps(const struct slot *s, uint64_t a, uint64_t len)
{
	return (uint64_t)s->addr < a + len && a < (uint64_t)s->addr + s->len;
}

static bool inside(const struct slot *s, uint64_t a, uint64_t len)
{
	return a <= (uint64_t)s->addr && (uint64_t)s->addr + s->len <= a + len;
}

static void bump(int i)
{
	__atomic_add_fetch(&w.gen[i], 1, __ATOMIC_SEQ_CST);
}

static unsigned long gen_of(int i)
{
	return __atomic_load_n(&w.gen[i], __ATOMIC_SEQ_CST);
}

static int free_slot(void)
{
	for (int i = 0; i < MAX_SLOTS; i++)
		if (!w.slot[i].used)
			return i;
	return -1;
}

/* A random used slot (an attach if MORSEL_ONLY), lock held; or -1. */
static int pick_slot(bool morsel_only)
{
	int start = (int)rnd(MAX_SLOTS);

	for (int k = 0; k < MAX_SLOTS; k++) {
		int i = (start + k) % MAX_SLOTS;

		if (w.slot[i].used && (w.slot[i].morsel || !morsel_only))
			return i;
	}
	return -1;
}

/* A copy of a random attach and its generation, for use without the lock. */
static bool snap_slot(struct slot *s, int *idx, unsigned long *gen)
{
	lock();
	*idx = pick_slot(true);
	if (*idx >= 0) {
		*s = w.slot[*idx];
		*gen = gen_of(*idx);
	}
	unlock();
	return *idx >= 0;
}

/* MAP_FIXED over [A, A+LEN) would split an attach: the core refuses (may_split). */
static bool splits_attach(uint64_t a, uint64_t len)
{
	for (int i = 0; i < MAX_SLOTS; i++) {
		struct slot *s = &w.slot[i];

		if (s->used && s->morsel && overlaps(s, a, len) && !inside(s, a, len))
			return true;
	}
	return false;
}

static bool occupied(uint64_t a, uint64_t len)
{
	for (int i = 0; i < MAX_SLOTS; i++)
		if (w.slot[i].used && overlaps(&w.slot[i], a, len))
			return true;
	return false;
}

/* Before a call that may unmap everything in [A, A+LEN). */
static void bump_inside(uint64_t a, uint64_t len)
{
	for (int i = 0; i < MAX_SLOTS; i++)
		if (w.slot[i].used && inside(&w.slot[i], a, len))
			bump(i);
}

static void drop_inside(uint64_t a, uint64_t len)
{
	for (int i = 0; i < MAX_SLOTS; i++)
		if (w.slot[i].used && inside(&w.slot[i], a, len))
			w.slot[i].used = false;
}

static bool mapped(const void *addr)
{
	return !msync((void *)((uintptr_t)addr & ~(PAGE - 1)), PAGE, MS_ASYNC);
}

/* A call that must not have changed [A, A+LEN): all slots there still mapped. */
static void check_kept(uint64_t a, uint64_t len)
{
	for (int i = 0; i < MAX_SLOTS; i++) {
		struct slot *s = &w.slot[i];

		if (s->used && overlaps(s, a, len) && !mapped(s->addr))
			fail("race.model", "%s: refused, yet the mapping at %p is gone", cur,
			     s->addr);
	}
}

/* Span-aligned addresses in the arena, few enough that levels overlap. */
static uint64_t arena_addr(unsigned int level)
{
	uint64_t span = morsel_level_span(level);

	if (level == MORSEL_LEVEL_P4D)
		return ARENA_P4D + rnd(4) * span;
	return (ARENA + rnd(4) * 512 * GIB + rnd(4) * GIB + rnd(4) * 2 * MIB) & ~(span - 1);
}

/* ------------------------------------------------------ touching memory */
static uint64_t word_written(uint32_t id, uint64_t page)
{
	return MAGIC_WRITE << 48 | (uint64_t)(id & 0xffffff) << 24 | (page & 0xffffff);
}

/* What a word at PAGE of morsel ID may hold: 0, a LOAD file word, or ours. */
static bool word_ok(uint64_t v, uint32_t id, uint64_t page)
{
	if (!v || v == word_written(id, page))
		return true;
	return v >> 48 == MAGIC_FILE && (v & 0xffffffffffffull) < FILE_PAGES;
}

/* Is morsel ID destroyed? Asks INFO through a held fd; without one, maybe. */
static bool maybe_destroyed(uint32_t id)
{
	struct rec *r = get_rec_of(id);
	struct morsel_info i;
	bool dead;

	if (!r)
		return true;
	dead = morsel_info(r->fd, &i) && errno == EIDRM;
	put_rec(r);
	return dead;
}

/*
 * The signal of a touch of S at PAGE (BEYOND the object's length or not):
 * the VMA's permissions come first (SIGSEGV for a write through a
 * read-only attach), then SIGBUS beyond length; inside it, SIGBUS only for
 * a hole of a FILL_SIGBUS morsel (anyone may DISCARD at any time) or after
 * DESTROY. max_pages_per_user is set so that no user reaches it (SIGBUS
 * there is documented too, but cannot happen here).
 */
static void judge_touch(const struct slot *s, uint64_t page, bool beyond, bool write,
			int sig, uint64_t v)
{
	if (write && !(s->prot & PROT_WRITE)) {
		if (sig != SIGSEGV)
			fail("race.signal", "%s: %s, want SIGSEGV (read-only attach)", cur,
			     signame(sig));
		return;
	}
	if (beyond) {
		if (sig != SIGBUS)
			fail("race.signal", "%s: %s, want SIGBUS (beyond length)", cur,
			     signame(sig));
		return;
	}
	if (!sig) {
		if (!write && !word_ok(v, s->who.id, page))
			fail("race.value", "%s: read %#llx", cur, (unsigned long long)v);
		note_ok();
		return;
	}
	if (sig == SIGBUS && (s->who.flags & MORSEL_F_FILL_SIGBUS))
		return;
	if (sig == SIGBUS && maybe_destroyed(s->who.id))
		return;
	fail("race.signal", "%s: %s on a live %s morsel", cur, signame(sig),
	     s->who.flags & MORSEL_F_FILL_SIGBUS ? "FILL_SIGBUS" : "zero-fill");
}

/* A page of attach S: inside the object, or now and then beyond its length. */
static uint64_t pick_page(const struct slot *s, bool *beyond)
{
	uint64_t npages = s->who.length / PAGE, spanpages = s->len / PAGE;

	*beyond = spanpages > npages && rnd(8) == 0;
	return *beyond ? npages + rnd(spanpages - npages) : rnd(npages);
}

static void op_touch(bool write)
{
	struct slot s;
	unsigned long gen;
	uint64_t page, v = 0;
	bool beyond;
	char *p;
	int i, sig;

	if (!snap_slot(&s, &i, &gen))
		return;
	page = pick_page(&s, &beyond);
	p = s.addr + page * PAGE + rnd(PAGE / 8) * 8;
	logop("%s id %u at %p (page %llu%s, prot %d)", write ? "write" : "read", s.who.id,
	      p, (unsigned long long)page, beyond ? ", beyond length" : "", s.prot);
	sig = write ? probe_write(p, word_written(s.who.id, page)) : probe_read(p, &v);
	/* Another thread changed the mapping meanwhile: any outcome goes. */
	if (gen_of(i) != gen)
		return;
	judge_touch(&s, page, beyond, write, sig, v);
}

static void op_read(void)
{
	op_touch(false);
}

static void op_write(void)
{
	op_touch(true);
}

/*
 * Would a touch of S (inside the object) fault for certain, or may it?
 * The kernel's own accesses (write(), pread()) end in EFAULT where a user
 * touch gets a signal.
 */
static bool may_fault(const struct slot *s)
{
	return (s->who.flags & MORSEL_F_FILL_SIGBUS) || maybe_destroyed(s->who.id);
}

static void pipe_check(const struct slot *s, uint64_t page)
{
	uint64_t buf[PAGE / 8];

	if (read(pipefd[0], buf, PAGE) != (ssize_t)PAGE) {
		fail("race.errno", "%s: reading the pipe back: %s", cur, errname(errno));
		return;
	}
	for (unsigned int k = 0; k < PAGE / 8; k++) {
		if (!word_ok(buf[k], s->who.id, page)) {
			fail("race.value", "%s: word %u is %#llx", cur, k,
			     (unsigned long long)buf[k]);
			return;
		}
	}
}

/*
 * The kernel touches attached memory too: write() from it into a pipe and
 * pread() from the LOAD file into it fault through the hook as user
 * touches do, with EFAULT where a touch would get a signal (a read-only
 * attach, beyond length, a FILL_SIGBUS hole, DESTROY). GUP does not reach
 * it: reading it through /proc/self/mem fails with EIO (docs/morsel.md,
 * "Limitations").
 */
static void op_io(void)
{
	int how = (int)rnd(3), i, fd;
	struct errs s = { 0 };
	unsigned long gen;
	uint64_t page, v;
	struct slot sl;
	bool beyond, can;
	char *p;
	long n;

	if (!snap_slot(&sl, &i, &gen))
		return;
	page = pick_page(&sl, &beyond);
	p = sl.addr + page * PAGE;
	logop("%s %p (id %u page %llu%s, prot %d)", how == 0 ? "write() to a pipe from" :
	      how == 1 ? "pread() of the LOAD file into" : "pread() of /proc/self/mem at", p,
	      sl.who.id, (unsigned long long)page, beyond ? ", beyond length" : "", sl.prot);
	errno = 0;
	if (how == 0) {
		n = write(pipefd[1], p, PAGE);
		if (n == (ssize_t)PAGE)
			pipe_check(&sl, page);
	} else if (how == 1) {
		n = pread(src_rd, p, PAGE, (off_t)(rnd(FILE_PAGES) * PAGE));
	} else {
		fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : pread(fd, &v, sizeof(v), (off_t)(uintptr_t)p);
		if (fd >= 0)
			close(fd);
	}
	if (gen_of(i) != gen)
		return;	/* another thread changed the mapping meanwhile */
	if (how == 2) {
		allow(&s, EIO);
		can = false;
	} else {
		allow(&s, EFAULT);
		can = !beyond && !(how == 1 && !(sl.prot & PROT_WRITE));
		if (can && n < 0 && errno == EFAULT && may_fault(&sl))
			return;
	}
	if (judge(n < 0 ? -1 : 0, &s, can) && how < 2 && n != (ssize_t)PAGE)
		fail("race.errno", "%s: %ld bytes", cur, n);
}

/*
 * mremap of an attach (docs/morsel.md, "mremap"): EINVAL to move it (even
 * to free space) or shrink it, EFAULT to grow it, EINVAL with
 * MREMAP_DONTUNMAP; it stays where it is.
 */
static void op_mremap(void)
{
	struct errs s = { 0 };
	struct slot *sl;
	uint64_t to;
	int i, how = (int)rnd(4);
	void *r;

	lock();
	i = pick_slot(true);
	if (i < 0)
		goto out;
	sl = &w.slot[i];
	to = arena_addr(sl->who.level);
	if (how == 3 && occupied(to, sl->len))
		how = 2;	/* a move unmaps its target first: only to free space */
	allow(&s, how == 1 ? EFAULT : EINVAL);
	logop("mremap %p (id %u) %s", sl->addr, sl->who.id,
	      how == 0 ? "shrink" : how == 1 ? "grow" : how == 2 ? "MREMAP_DONTUNMAP" :
	      "move to free space");
	errno = 0;
	if (how == 0)
		r = mremap(sl->addr, sl->len, sl->len / 2, 0);
	else if (how == 1)
		r = mremap(sl->addr, sl->len, sl->len * 2, MREMAP_MAYMOVE);
	else if (how == 2)
		r = mremap(sl->addr, sl->len, sl->len, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	else
		r = mremap(sl->addr, sl->len, sl->len, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)to);
	judge(r == MAP_FAILED ? -1 : 0, &s, false);
	check_kept((uint64_t)sl->addr, sl->len);
out:
	unlock();
}

/* ----------------------------------------------------- ioctls on an fd */
static void op_info(void)
{
	struct rec *r = get_rec();
	struct morsel_info i;
	struct errs s = { 0 };
	uint64_t mine = 0;
	struct name n;

	if (!r)
		return;
	logop("info id %u fd %d", r->who.id, r->fd);
	allow(&s, EIDRM);
	/* Under the lock: no thread of ours attaches or detaches meanwhile. */
	lock();
	for (int k = 0; k < MAX_SLOTS; k++)
		mine += w.slot[k].used && w.slot[k].morsel && w.slot[k].who.id == r->who.id;
	errno = 0;
	if (judge(morsel_info(r->fd, &i), &s, !dead_of(r))) {
		if (i.id != r->who.id || i.level != r->who.level || i.flags != r->who.flags ||
		    i.length != r->who.length || i.fixed_addr != r->who.fixed_addr ||
		    i.span != morsel_level_span(r->who.level))
			fail("race.info", "%s: id %u level %u flags %#x length %llu fixed %#llx, "
			     "not what it was created with", cur, i.id, i.level, i.flags,
			     (unsigned long long)i.length, (unsigned long long)i.fixed_addr);
		if (i.uid != r->who.owner || i.gid != r->who.owner)
			fail("race.info", "%s: owner %u:%u, created by %u", cur, i.uid, i.gid,
			     r->who.owner);
		if ((i.seals & seals_of(r)) != seals_of(r))
			fail("race.info", "%s: seals %#x, %#x were applied", cur, i.seals,
			     seals_of(r));
		if (i.pages > i.length / PAGE || !i.tables || i.attaches < mine)
			fail("race.info", "%s: %llu pages, %llu tables, %llu attaches (%llu here)",
			     cur, i.pages, i.tables, i.attaches, (unsigned long long)mine);
		if (i.name[0] && (!name_parse(i.name, &n) || n.owner != i.uid || n.mode != i.mode))
			fail("race.info", "%s: name '%.64s' with owner %u mode %o", cur, i.name,
			     i.uid, i.mode);
		__atomic_or_fetch(&r->seals, i.seals, __ATOMIC_RELAXED);
	}
	unlock();
	put_rec(r);
}

/* A range of up to 64 pages inside the object. */
static void some_range(const struct rec *r, uint64_t *off, uint64_t *len)
{
	uint64_t npages = r->who.length / PAGE, first = rnd(npages), n = 1 + rnd(64);

	if (first + n > npages)
		n = npages - first;
	*off = first * PAGE;
	*len = n * PAGE;
}

static void populate_or_discard(bool discard)
{
	struct rec *r = get_rec();
	struct errs s = { 0 };
	uint64_t off, len;
	bool can;
	int ret;

	if (!r)
		return;
	some_range(r, &off, &len);
	fd_errs(r, &s);
	can = fd_usable(r);
	if (discard) {
		allow(&s, EPERM);	/* MORSEL_SEAL_DISCARD, by anyone */
		can &= !(seals_of(r) & MORSEL_SEAL_DISCARD);
	} else {
		/* Charged to the creator: max_pages_per_user is out of reach. */
		allow(&s, ENOMEM);
	}
	logop("%s id %u fd %d%s %llu+%llu%s", discard ? "discard" : "populate", r->who.id, r->fd,
	      r->who.rdonly ? " (O_RDONLY)" : "", (unsigned long long)off,
	      (unsigned long long)len, seen(r));
	errno = 0;
	ret = discard ? morsel_discard(r->fd, off, len) : morsel_populate(r->fd, off, len);
	judge(ret, &s, can);
	put_rec(r);
}

static void op_populate(void)
{
	populate_or_discard(false);
}

static void op_discard(void)
{
	populate_or_discard(true);
}

/*
 * LOAD from the regular file (sometimes past its end), or from a source
 * it refuses: a socket or a character device (EINVAL), a write-only fd
 * (EBADF).
 */
static void op_load(void)
{
	struct rec *r = get_rec();
	struct errs s = { 0 };
	uint64_t off, len, src_page = rnd(FILE_PAGES + 4), want;
	int src = src_rd, kind = (int)rnd(20);
	bool can;
	int64_t n;

	if (!r)
		return;
	some_range(r, &off, &len);
	fd_errs(r, &s);
	can = fd_usable(r);
	if (kind == 0) {
		src = socks[0];
		allow(&s, EINVAL);
		can = false;
	} else if (kind == 1) {
		src = src_wr;
		allow(&s, EBADF);
		can = false;
	} else {
		allow(&s, EPERM);	/* MORSEL_SEAL_WRITE, by anyone, even while reading */
		allow(&s, ENOMEM);
		can &= !(seals_of(r) & MORSEL_SEAL_WRITE);
	}
	want = src_page >= FILE_PAGES ? 0 : (FILE_PAGES - src_page) * PAGE;
	if (want > len)
		want = len;
	logop("load id %u fd %d%s %llu+%llu from %s page %llu%s", r->who.id, r->fd,
	      r->who.rdonly ? " (O_RDONLY)" : "", (unsigned long long)off,
	      (unsigned long long)len, kind == 0 ? "socket" : kind == 1 ? "O_WRONLY file" : "file",
	      (unsigned long long)src_page, seen(r));
	errno = 0;
	n = morsel_load(r->fd, src, src_page * PAGE, off, len);
	/* Errors after some pages end the copy with a short count. */
	if (judge(n < 0 ? -1 : 0, &s, can) &&
	    (n > (int64_t)want || n % PAGE || (!n && want)))
		fail("race.errno", "%s: loaded %lld bytes, want up to %llu", cur, (long long)n,
		     (unsigned long long)want);
	put_rec(r);
}

static void op_seal(void)
{
	static const unsigned int choice[] = { MORSEL_SEAL_WRITE, MORSEL_SEAL_DISCARD,
					       MORSEL_SEAL_ALL };
	unsigned int seals = choice[rnd(3)];
	struct rec *r = get_rec();
	struct errs s = { 0 };
	bool can, rw_here = false, sealed = false;

	if (!r)
		return;
	fd_errs(r, &s);
	lock();
	can = fd_usable(r);
	for (int k = 0; k < MAX_SLOTS; k++)
		rw_here |= w.slot[k].used && w.slot[k].morsel && w.slot[k].who.id == r->who.id &&
			   (w.slot[k].prot & PROT_WRITE);
	if ((seals & MORSEL_SEAL_WRITE) && (r->who.flags & MORSEL_F_WRITABLE) &&
	    !(seals_of(r) & MORSEL_SEAL_WRITE)) {
		allow(&s, EBUSY);	/* writable attaches, anywhere */
		can &= !rw_here;	/* ours, certainly (the lock keeps them) */
	}
	logop("seal id %u fd %d%s %#x%s%s", r->who.id, r->fd, r->who.rdonly ? " (O_RDONLY)" : "",
	      seals, rw_here ? " (attached read-write here)" : "", seen(r));
	errno = 0;
	sealed = judge(morsel_seal(r->fd, seals), &s, can);
	unlock();
	if (sealed)
		note_seals(r->who.id, seals);
	put_rec(r);
}

static void op_revoke(void)
{
	struct rec *r = get_rec();
	struct errs s = { 0 };

	if (!r)
		return;
	fd_errs(r, &s);
	logop("revoke id %u fd %d%s", r->who.id, r->fd, r->who.rdonly ? " (O_RDONLY)" : "");
	errno = 0;
	judge(morsel_revoke(r->fd), &s, fd_usable(r));
	put_rec(r);
}

static void op_destroy(void)
{
	struct rec *r = get_rec();
	struct errs s = { 0 };
	struct morsel_info i;

	if (!r)
		return;
	fd_errs(r, &s);
	if (!is_owner(&r->who))
		allow(&s, EPERM);	/* only the owner, or CAP_FOWNER */
	logop("destroy id %u fd %d%s owner %u", r->who.id, r->fd,
	      r->who.rdonly ? " (O_RDONLY)" : "", r->who.owner);
	errno = 0;
	if (judge(morsel_destroy(r->fd), &s, fd_usable(r) && is_owner(&r->who))) {
		note_dead(r->who.id);
		errno = 0;
		if (!morsel_info(r->fd, &i) || errno != EIDRM)
			fail("race.errno", "%s: INFO after DESTROY: %s, want EIDRM", cur,
			     errname(errno));
	}
	put_rec(r);
}

static void op_publish(void)
{
	struct rec *r = get_rec();
	struct errs s = { 0 };
	struct name n;
	char name[MORSEL_NAME_MAX];

	if (!r)
		return;
	n = (struct name){ .owner = r->who.owner, .mode = name_modes[rnd(4)],
			   .seq = (unsigned int)rnd(NAME_SEQS) };
	name_str(&n, name, sizeof(name));
	fd_errs(r, &s);
	if (!is_owner(&r->who))
		allow(&s, EPERM);
	allow(&s, EEXIST);	/* the name is taken */
	allow(&s, EBUSY);	/* the morsel has a name */
	logop("publish id %u fd %d%s as %s", r->who.id, r->fd, r->who.rdonly ? " (O_RDONLY)" : "",
	      name);
	errno = 0;
	if (judge(morsel_publish(r->fd, name, n.mode), &s,
		  fd_usable(r) && is_owner(&r->who)))
		__atomic_store_n(&sh->board[rnd(BOARD)], name_code(&n), __ATOMIC_RELAXED);
	put_rec(r);
}

/* ------------------------------------------------- /dev/morsel ioctls */
static const struct {
	unsigned int flags;
	unsigned int weight;
} create_flags[] = {
	{ MORSEL_F_WRITABLE, 5 },
	{ MORSEL_F_WRITABLE | MORSEL_F_FILL_SIGBUS, 2 },
	{ 0, 1 },
	{ MORSEL_F_FILL_SIGBUS, 1 },
	{ MORSEL_F_WRITABLE | MORSEL_F_EXEC, 1 },
	{ MORSEL_F_WRITABLE | MORSEL_F_FIXED_ADDR, 2 },
	{ MORSEL_F_FIXED_ADDR, 1 },
};

static unsigned int pick_flags(void)
{
	unsigned int total = 0, k;
	uint64_t x;

	for (k = 0; k < sizeof(create_flags) / sizeof(create_flags[0]); k++)
		total += create_flags[k].weight;
	x = rnd(total);
	for (k = 0; x >= create_flags[k].weight; k++)
		x -= create_flags[k].weight;
	return create_flags[k].flags;
}

static void op_create(void)
{
	unsigned int level = MORSEL_LEVEL_PTE + (unsigned int)rnd(l5 ? 4 : 3);
	struct ident who = { .owner = my_uid, .flags = pick_flags() };
	int fd_flags = rnd(2) ? O_CLOEXEC : 0, fd;
	struct morsel_create c;
	struct errs s = { 0 };
	uint64_t span;
	bool can = true;

	/* P4D-table morsels need 5-level paging: EOPNOTSUPP, certainly. */
	if (!l5 && rnd(40) == 0)
		level = MORSEL_LEVEL_P4D;
	span = morsel_level_span(level);
	who.level = level;
	who.length = (1 + rnd((span < MAX_LEN ? span : MAX_LEN) / PAGE)) * PAGE;
	if (who.flags & MORSEL_F_FIXED_ADDR)
		who.fixed_addr = arena_addr(level);
	if (level == MORSEL_LEVEL_P4D && !l5) {
		allow(&s, EOPNOTSUPP);
		can = false;
	} else {
		allow(&s, ENOSPC);	/* max_morsels_per_user */
		allow(&s, ENOMEM);
	}
	logop("create %s length %llu flags %#x fixed %#llx", morsel_level_name(level),
	      (unsigned long long)who.length, who.flags, (unsigned long long)who.fixed_addr);
	errno = 0;
	fd = morsel_create(level, who.length, who.flags, who.fixed_addr, fd_flags, &c);
	if (!judge(fd, &s, can))
		return;
	who.id = c.id;
	if (c.span != span || !c.id || !(fcntl(fd, F_GETFD) & FD_CLOEXEC) != !fd_flags)
		fail("race.info", "%s: span %llu id %u cloexec %d", cur, (unsigned long long)c.span,
		     c.id, fcntl(fd, F_GETFD));
	add_rec(fd, &who);
}

/* May this worker open a name of OWNER with MODE for ACC (MAY_* bits)? */
static bool may_open(uint32_t owner, unsigned int mode, unsigned int acc)
{
	unsigned int bits = mode;

	if (my_uid == 0)
		return true;	/* CAP_DAC_OVERRIDE */
	/* A morsel's group is its owner's (each uid here has its own group). */
	if (owner == my_uid)
		bits >>= 6;
	return !(acc & ~bits & 7);
}

static void op_open(void)
{
	struct name n = random_name();
	int oflags = rnd(2) ? O_RDWR : O_RDONLY, fd;
	bool may = may_open(n.owner, n.mode, oflags == O_RDWR ? 6 : 4);
	char name[MORSEL_NAME_MAX];
	struct errs s = { 0 };
	struct morsel_info i;
	struct ident who;

	name_str(&n, name, sizeof(name));
	allow(&s, ENOENT);	/* not (or no longer) published */
	if (!may)
		allow(&s, EACCES);
	if (rnd(2))
		oflags |= O_CLOEXEC;
	logop("open %s %s", name, (oflags & O_ACCMODE) == O_RDWR ? "O_RDWR" : "O_RDONLY");
	errno = 0;
	fd = morsel_open(name, oflags);
	if (!judge(fd, &s, may))
		return;
	if ((fcntl(fd, F_GETFL) & O_ACCMODE) != (oflags & O_ACCMODE) ||
	    !(fcntl(fd, F_GETFD) & FD_CLOEXEC) != !(oflags & O_CLOEXEC))
		fail("race.info", "%s: fd flags %#x, fd mode %#x", cur, fcntl(fd, F_GETFL),
		     fcntl(fd, F_GETFD));
	if (morsel_info(fd, &i)) {
		if (errno != EIDRM)
			fail("race.errno", "%s: INFO on the new fd: %s", cur, errname(errno));
		close(fd);
		return;
	}
	/* The owner never changes; the mode only with a new name. */
	if (i.uid != n.owner || (!strcmp(i.name, name) && i.mode != n.mode))
		fail("race.info", "%s: owner %u mode %o name '%.64s'", cur, i.uid, i.mode, i.name);
	who = (struct ident){ .id = i.id, .owner = i.uid, .level = i.level, .flags = i.flags,
			      .rdonly = (oflags & O_ACCMODE) == O_RDONLY, .length = i.length,
			      .fixed_addr = i.fixed_addr };
	add_rec(fd, &who);
}

static void op_unpublish(void)
{
	struct name n = random_name();
	char name[MORSEL_NAME_MAX];
	struct errs s = { 0 };
	bool owner = my_uid == 0 || n.owner == my_uid;

	name_str(&n, name, sizeof(name));
	allow(&s, ENOENT);
	if (!owner)
		allow(&s, EPERM);
	logop("unpublish %s", name);
	errno = 0;
	if (judge(morsel_unpublish(name), &s, owner)) {
		uint32_t code = name_code(&n);

		for (int k = 0; k < BOARD; k++)
			__atomic_compare_exchange_n(&sh->board[k], &code, 0, false,
						    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	}
}

static void op_close(void)
{
	int start = (int)rnd(MAX_FDS), fd = -1;

	lock();
	for (int k = 0; k < MAX_FDS && fd < 0; k++) {
		struct rec *r = &w.rec[(start + k) % MAX_FDS];

		if (r->used && !r->users) {
			fd = r->fd;
			logop("close id %u fd %d", r->who.id, fd);
			r->used = false;
		}
	}
	unlock();
	if (fd >= 0 && !close(fd))
		note_ok();
}

/* ----------------------------------------------------- passing fds */
static void op_send(void)
{
	struct rec *r = get_rec();
	struct errs s = { 0 };
	struct ident msg;

	if (!r)
		return;
	msg = r->who;
	msg.magic = PASS_MAGIC;
	allow(&s, EAGAIN);		/* the neighbour's queue is full */
	allow(&s, ETOOMANYREFS);	/* too many fds in flight for this user */
	logop("send id %u fd %d%s", r->who.id, r->fd, r->who.rdonly ? " (O_RDONLY)" : "");
	errno = 0;
	judge(send_fd(socks[rnd(2)], r->fd, &msg, sizeof(msg), MSG_DONTWAIT), &s, true);
	put_rec(r);
}

/* A passed fd keeps its access mode and its morsel. */
static void op_recv(void)
{
	struct morsel_info i;
	struct ident msg;
	int fd, acc;

	logop("recv");
	errno = 0;
	fd = recv_fd(socks[rnd(2)], &msg, sizeof(msg), MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN)
			fail("race.fd-pass", "%s: %s", cur, errname(errno));
		return;
	}
	note_ok();
	logop("received id %u fd %d%s", msg.id, fd, msg.rdonly ? " (O_RDONLY)" : "");
	acc = fcntl(fd, F_GETFL) & O_ACCMODE;
	if (msg.magic != PASS_MAGIC || acc != (msg.rdonly ? O_RDONLY : O_RDWR))
		fail("race.fd-pass", "%s: magic %#x, access mode %d", cur, msg.magic, acc);
	if (!morsel_info(fd, &i)) {
		if (i.id != msg.id || i.uid != msg.owner || i.level != msg.level ||
		    i.flags != msg.flags || i.length != msg.length)
			fail("race.fd-pass", "%s: id %u owner %u level %u flags %#x length %llu",
			     cur, i.id, i.uid, i.level, i.flags, (unsigned long long)i.length);
	} else if (errno != EIDRM) {
		fail("race.errno", "%s: INFO: %s", cur, errname(errno));
	}
	add_rec(fd, &msg);
}

/*
 * No second way to open a morsel: reopening its fd through /proc must
 * fail (the inode has no open), above all an O_RDWR open of an O_RDONLY
 * fd, which would turn use into modification.
 */
static void op_reopen(void)
{
	struct rec *r = get_rec();
	struct errs s = { 0 };
	char path[64];
	int fd;

	if (!r)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", r->fd);
	allow(&s, ENXIO);	/* no ->open */
	allow(&s, EACCES);	/* the inode is its creator's, mode 0600 */
	logop("reopen id %u fd %d%s through %s O_RDWR", r->who.id, r->fd,
	      r->who.rdonly ? " (O_RDONLY)" : "", path);
	errno = 0;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (judge(fd, &s, false))
		close(fd);
	put_rec(r);
}

/* ------------------------------------------------------------ mapping */
static int pick_prot(const struct rec *r)
{
	if (rnd(4) == 0)
		return rnd(2) ? PROT_READ : PROT_READ | PROT_WRITE;
	return r->who.flags & MORSEL_F_WRITABLE ? PROT_READ | PROT_WRITE : PROT_READ;
}

/*
 * What attaching R with PROT may return (docs/morsel.md, "mmap"): the core
 * refuses PROT_WRITE through an O_RDONLY fd before the module is asked.
 * DESTROY and seals come from anyone at any time, unless already seen.
 */
static bool attach_errs(const struct rec *r, int prot, struct errs *s)
{
	bool sealed = seals_of(r) & MORSEL_SEAL_WRITE;

	if ((prot & PROT_WRITE) && r->who.rdonly) {
		allow(s, EACCES);
		return false;
	}
	allow(s, EIDRM);
	if (prot & PROT_WRITE) {
		allow(s, EPERM);		/* write-sealed */
		if (!(r->who.flags & MORSEL_F_WRITABLE)) {
			allow(s, EACCES);
			return false;
		}
		return !dead_of(r) && !sealed;
	}
	if ((r->who.flags & MORSEL_F_WRITABLE) && !sealed)
		allow(s, EACCES);	/* writable leaves, unless sealed meanwhile */
	return !dead_of(r);
}

static void add_slot(int i, char *addr, uint64_t len, int prot, const struct rec *r)
{
	w.slot[i] = (struct slot){ .used = true, .morsel = r != NULL, .addr = addr,
				   .len = len, .prot = prot };
	if (r)
		w.slot[i].who = r->who;
	bump(i);
}

/* Attach where the kernel chooses (or at a fixed-address morsel's address). */
static void op_attach(void)
{
	struct rec *r = get_rec();
	struct errs s = { 0 };
	uint64_t span;
	void *hint = NULL;
	char *p;
	int prot, i;
	bool can;

	if (!r)
		return;
	span = morsel_level_span(r->who.level);
	prot = pick_prot(r);
	lock();
	i = free_slot();
	if (i < 0)
		goto out;
	can = attach_errs(r, prot, &s);
	if (r->who.flags & MORSEL_F_FIXED_ADDR) {
		/* get_unmapped_area comes first: ENOMEM where it is taken. */
		if (occupied(r->who.fixed_addr, span)) {
			s = (struct errs){ 0 };
			allow(&s, ENOMEM);
			can = false;
		}
	} else if (r->who.level == MORSEL_LEVEL_P4D) {
		hint = (void *)(P4D_HINT + rnd(8) * span);
	}
	logop("attach id %u fd %d%s %s prot %d%s", r->who.id, r->fd,
	      r->who.rdonly ? " (O_RDONLY)" : "", morsel_level_name(r->who.level), prot, seen(r));
	errno = 0;
	p = mmap(hint, span, prot, MAP_SHARED, r->fd, 0);
	if (judge(p == MAP_FAILED ? -1 : 0, &s, can)) {
		if ((uintptr_t)p % span || ((r->who.flags & MORSEL_F_FIXED_ADDR) &&
					    (uint64_t)p != r->who.fixed_addr))
			fail("race.model", "%s: attached at %p", cur, p);
		else if (occupied((uint64_t)p, span))
			fail("race.model", "%s: attached at %p, over a mapping of ours", cur, p);
		add_slot(i, p, span, prot, r);
	}
out:
	unlock();
	put_rec(r);
}

/*
 * MAP_FIXED attach in the arena, over whatever is there. Refused with
 * EINVAL, changing nothing, where it would split an attach (may_split) or
 * for a fixed-address morsel elsewhere than its address. Otherwise the
 * core first unmaps what is in the way: if the module then refuses the
 * attach, it leaves a hole (the core cannot restore closed VMAs).
 */
static void op_attach_fixed(void)
{
	struct rec *r = get_rec();
	struct errs s = { 0 };
	bool can, unmaps;
	uint64_t span, a;
	char *p;
	int prot, i;

	if (!r)
		return;
	span = morsel_level_span(r->who.level);
	prot = pick_prot(r);
	a = arena_addr(r->who.level);
	if ((r->who.flags & MORSEL_F_FIXED_ADDR) && rnd(4))
		a = r->who.fixed_addr;
	lock();
	i = free_slot();
	if (i < 0)
		goto out;
	can = attach_errs(r, prot, &s);
	/* In the core's order: get_unmapped_area, the fd's mode, the split. */
	unmaps = !(prot & PROT_WRITE) || !r->who.rdonly;
	if (((r->who.flags & MORSEL_F_FIXED_ADDR) && a != r->who.fixed_addr) ||
	    (unmaps && splits_attach(a, span))) {
		s = (struct errs){ 0 };
		allow(&s, EINVAL);
		can = unmaps = false;
	}
	logop("attach id %u fd %d%s %s prot %d MAP_FIXED at %#llx%s", r->who.id, r->fd,
	      r->who.rdonly ? " (O_RDONLY)" : "", morsel_level_name(r->who.level), prot,
	      (unsigned long long)a, seen(r));
	bump_inside(a, span);
	errno = 0;
	p = mmap((void *)a, span, prot, MAP_SHARED | MAP_FIXED, r->fd, 0);
	if (judge(p == MAP_FAILED ? -1 : 0, &s, can)) {
		if ((uint64_t)p != a)
			fail("race.model", "%s: attached at %p", cur, p);
		drop_inside(a, span);
		add_slot(i, p, span, prot, r);
	} else if (unmaps) {
		drop_inside(a, span);
		if (mapped((void *)a))
			fail("race.model", "%s: refused after unmapping, yet %#llx is mapped", cur,
			     (unsigned long long)a);
	} else {
		check_kept(a, span);
	}
out:
	unlock();
	put_rec(r);
}

/* 2 MiB of private memory MAP_FIXED in the arena, with a page table of its own. */
static void op_anon_fixed(void)
{
	uint64_t a = arena_addr(MORSEL_LEVEL_PTE), len = 2 * MIB;
	struct errs s = { 0 };
	bool can;
	char *p;
	int i;

	lock();
	i = free_slot();
	if (i < 0)
		goto out;
	can = !splits_attach(a, len);
	if (!can)
		allow(&s, EINVAL);
	logop("anonymous MAP_FIXED at %#llx", (unsigned long long)a);
	bump_inside(a, len);
	errno = 0;
	p = mmap((void *)a, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	if (judge(p == MAP_FAILED ? -1 : 0, &s, can)) {
		drop_inside(a, len);
		p[rnd(len / PAGE) * PAGE] = 1;
		add_slot(i, p, len, PROT_READ | PROT_WRITE, NULL);
	} else {
		check_kept(a, len);
	}
out:
	unlock();
}

/*
 * Detach: munmap the whole mapping, or MAP_FIXED PROT_NONE over it first;
 * a munmap of part of an attach is refused (EINVAL) and changes nothing.
 */
static void op_detach(void)
{
	struct errs s = { 0 };
	struct slot *sl;
	int i, how = (int)rnd(4);
	uint64_t part;
	char *p;

	lock();
	i = pick_slot(false);
	if (i < 0)
		goto out;
	sl = &w.slot[i];
	bump(i);
	if (how == 0 && sl->morsel) {
		part = rnd(2) ? PAGE : sl->len / 2;
		p = rnd(2) ? sl->addr : sl->addr + sl->len - part;
		allow(&s, EINVAL);
		logop("munmap %llu bytes at %p, part of id %u", (unsigned long long)part, p,
		      sl->who.id);
		errno = 0;
		judge(munmap(p, part), &s, false);
		check_kept((uint64_t)sl->addr, sl->len);
	} else if (how == 1) {
		logop("MAP_FIXED PROT_NONE over %p (%s %u), then munmap", sl->addr,
		      sl->morsel ? "id" : "anonymous", sl->who.id);
		errno = 0;
		p = mmap(sl->addr, sl->len, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
		if (judge(p == sl->addr ? 0 : -1, &s, true))
			judge(munmap(p, sl->len), &s, true);
		sl->used = false;
	} else {
		logop("munmap %p (%s %u)", sl->addr, sl->morsel ? "id" : "anonymous", sl->who.id);
		errno = 0;
		judge(munmap(sl->addr, sl->len), &s, true);
		sl->used = false;
	}
out:
	unlock();
}

/*
 * No protection change of an attach, permissions or protection key: EACCES
 * (the leaves are shared); asking for what it has is no change.
 */
static void protect(bool with_key)
{
	struct errs s = { 0 };
	struct slot *sl;
	uint64_t len;
	int i, prot, key = 0;
	bool same;

	lock();
	i = pick_slot(true);
	if (i < 0)
		goto out;
	sl = &w.slot[i];
	same = rnd(3) == 0;
	prot = same ? sl->prot : rnd(2) ? PROT_NONE : sl->prot ^ PROT_WRITE;
	if (with_key && pkey && rnd(2)) {
		key = pkey;
		same = false;
	}
	len = rnd(2) ? sl->len : PAGE;
	if (!same)
		allow(&s, EACCES);
	logop("%smprotect %p+%llu (id %u, prot %d) to %d key %d", with_key ? "pkey_" : "",
	      sl->addr, (unsigned long long)len, sl->who.id, sl->prot, prot, key);
	errno = 0;
	judge(with_key ? syscall(SYS_pkey_mprotect, sl->addr, len, prot, key) :
			 mprotect(sl->addr, len, prot), &s, same);
out:
	unlock();
}

static void op_mprotect(void)
{
	protect(false);
}

static void op_pkey(void)
{
	protect(true);
}

/*
 * mbind(MPOL_MF_STRICT) walks the morsel's tables under the mmap lock
 * alone (finding 2 of issue 10), racing with munmap, DESTROY and exit. On
 * a whole attach there is nothing to move: 0. If another thread changed
 * the mapping meanwhile, mbind(2)'s errors for holes and splits apply.
 */
static void op_mbind(void)
{
	unsigned long node = 1, gen;
	struct errs s = { 0 };
	struct slot sl;
	int i, flags = 1 /* MPOL_MF_STRICT */ | (rnd(2) ? 2 /* MPOL_MF_MOVE */ : 0);
	long ret;

	if (!snap_slot(&sl, &i, &gen))
		return;
	logop("mbind %p (id %u) MPOL_BIND node 0 flags %#x", sl.addr, sl.who.id, flags);
	errno = 0;
	ret = syscall(SYS_mbind, sl.addr, sl.len, 2 /* MPOL_BIND */, &node, 2, flags);
	if (gen_of(i) != gen) {
		allow(&s, EFAULT);
		allow(&s, ENOMEM);
		allow(&s, EINVAL);
		allow(&s, EIO);
	}
	judge(ret, &s, true);
}

/*
 * move_pages() status query: a morsel's leaves are special entries, no
 * folio behind them, so every page reads -ENOENT; a node number would
 * mean a walker found a normal page in a morsel.
 */
static void op_move_pages(void)
{
	void *pages[8];
	int status[8], i, n = 1 + (int)rnd(8);
	struct errs s = { 0 };
	unsigned long gen;
	struct slot sl;
	long ret;

	if (!snap_slot(&sl, &i, &gen))
		return;
	for (int k = 0; k < n; k++)
		pages[k] = sl.addr + rnd(sl.len / PAGE) * PAGE;
	logop("move_pages status of %d pages of %p (id %u)", n, sl.addr, sl.who.id);
	errno = 0;
	ret = syscall(SYS_move_pages, 0, n, pages, NULL, status, 0);
	if (gen_of(i) != gen)
		return;
	if (judge(ret, &s, true))
		for (int k = 0; k < n; k++)
			if (status[k] != -ENOENT)
				fail("race.value", "%s: page %p status %d, want -ENOENT", cur,
				     pages[k], status[k]);
}

/*
 * madvise of a whole attach: VM_PFNMAP | VM_IO keep every advice away from
 * the shared tables. The kernel's answers vary by advice (EINVAL for most,
 * POPULATE included: no GUP), all in madvise(2), but for REMOVE, which
 * punches a hole with fallocate(): the morsel's inode is no regular file,
 * ENODEV (fallocate(2)). No advice may unmap the attach. DONTFORK keeps the attach
 * out of children (the model follows); DOFORK is refused on VM_IO.
 */
static void op_madvise(void)
{
	static const struct {
		int advice;
		const char *name;
	} advices[] = {
		{ MADV_DONTNEED, "DONTNEED" }, { MADV_FREE, "FREE" }, { MADV_COLD, "COLD" },
		{ MADV_PAGEOUT, "PAGEOUT" }, { MADV_HUGEPAGE, "HUGEPAGE" },
		{ MADV_NOHUGEPAGE, "NOHUGEPAGE" }, { 25 /* MADV_COLLAPSE */, "COLLAPSE" },
		{ 22 /* MADV_POPULATE_READ */, "POPULATE_READ" },
		{ 23 /* MADV_POPULATE_WRITE */, "POPULATE_WRITE" }, { MADV_REMOVE, "REMOVE" },
		{ MADV_WILLNEED, "WILLNEED" }, { MADV_RANDOM, "RANDOM" },
		{ MADV_DONTDUMP, "DONTDUMP" }, { MADV_DONTFORK, "DONTFORK" },
		{ MADV_DOFORK, "DOFORK" },
	};
	static const int man_errs[] = { EACCES, EAGAIN, EBADF, EFAULT, EINVAL, EIO, ENOMEM,
					EPERM };
	int k = (int)rnd(sizeof(advices) / sizeof(advices[0])), i;
	int advice = advices[k].advice;
	struct errs s = { 0 };
	unsigned long gen;
	struct slot *sl, copy;

	if (advice == MADV_DONTFORK || advice == MADV_DOFORK) {
		/* Under the lock: the model records DONTFORK. */
		lock();
		i = pick_slot(true);
		if (i >= 0) {
			sl = &w.slot[i];
			if (advice == MADV_DOFORK)
				allow(&s, EINVAL);
			logop("madvise %p (id %u) %s", sl->addr, sl->who.id, advices[k].name);
			errno = 0;
			if (judge(madvise(sl->addr, sl->len, advice), &s,
				  advice == MADV_DONTFORK))
				sl->dontfork |= advice == MADV_DONTFORK;
		}
		unlock();
		return;
	}
	if (!snap_slot(&copy, &i, &gen))
		return;
	for (unsigned int e = 0; e < sizeof(man_errs) / sizeof(man_errs[0]); e++)
		allow(&s, man_errs[e]);
	if (advice == MADV_REMOVE)
		allow(&s, ENODEV);
	logop("madvise %p (id %u) %s", copy.addr, copy.who.id, advices[k].name);
	errno = 0;
	judge(madvise(copy.addr, copy.len, advice), &s, true);
	/* mapped() first: a detach bumps the generation before it unmaps. */
	if (!mapped(copy.addr) && gen_of(i) == gen)
		fail("race.model", "%s: the attach is gone", cur);
}

/* ----------------------------------------------------- fork and exit */
static void step(void);

/*
 * In a forked child: one thread, a copy of the worker's state. Attaches
 * marked DONTFORK must be absent; then a few ops and exit, attached.
 */
static void __attribute__((noreturn)) child_main(void)
{
	int n = (int)rnd(CHILD_OPS + 1);

	in_child = true;
	rng = mix(rng);		/* not the parent thread's next choices */
	pthread_mutex_init(&w.lock, NULL);	/* its holder is not in this process */
	for (int i = 0; i < MAX_SLOTS; i++) {
		if (!w.slot[i].used || !w.slot[i].dontfork)
			continue;
		if (mapped(w.slot[i].addr))
			fail("race.model", "child: attach at %p marked DONTFORK was inherited",
			     w.slot[i].addr);
		w.slot[i].used = false;
	}
	while (n-- > 0 && !sh->stop)
		step();
	_exit(0);
}

static void op_fork(void)
{
	int status;
	pid_t pid;

	logop("fork");
	/* Under the lock, the child's copy of the model is consistent. */
	lock();
	pid = fork();
	if (pid == 0)
		child_main();
	unlock();
	if (pid < 0) {
		fail("race.workers", "%s: %s", cur, errname(errno));
		return;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("race.workers", "%s: child %d ended with status %#x", cur, pid, status);
	else
		note_ok();
}

/* Exit with all threads, whatever they are doing; the parent respawns us. */
static void op_exit(void)
{
	logop("exit");
	note_ok();
	_exit(EXIT_RESPAWN);
}

/* ---------------------------------------------------------- the loop */
static const struct {
	const char *name;
	void (*fn)(void);
	unsigned int weight;	/* per mille */
	bool must_succeed;	/* the coverage check wants a success */
	bool in_child;		/* a forked child may do it */
} ops[NR_OPS] = {
	[OP_READ] = { "read", op_read, 130, true, true },
	[OP_WRITE] = { "write", op_write, 125, true, true },
	[OP_CREATE] = { "create", op_create, 40, true, false },
	[OP_OPEN] = { "open", op_open, 40, true, false },
	[OP_UNPUBLISH] = { "unpublish", op_unpublish, 20, true, false },
	[OP_INFO] = { "info", op_info, 40, true, true },
	[OP_POPULATE] = { "populate", op_populate, 40, true, true },
	[OP_DISCARD] = { "discard", op_discard, 30, true, true },
	[OP_LOAD] = { "load", op_load, 35, true, false },
	[OP_SEAL] = { "seal", op_seal, 15, true, false },
	[OP_REVOKE] = { "revoke", op_revoke, 25, true, true },
	[OP_DESTROY] = { "destroy", op_destroy, 12, true, true },
	[OP_PUBLISH] = { "publish", op_publish, 30, true, false },
	[OP_CLOSE] = { "close", op_close, 30, true, true },
	[OP_SEND] = { "send", op_send, 30, true, true },
	[OP_RECV] = { "recv", op_recv, 40, true, false },
	[OP_REOPEN] = { "reopen", op_reopen, 5, false, false },
	[OP_ATTACH] = { "attach", op_attach, 60, true, false },
	[OP_ATTACH_FIXED] = { "attach-fixed", op_attach_fixed, 50, true, false },
	[OP_ANON_FIXED] = { "anon-fixed", op_anon_fixed, 20, true, false },
	[OP_DETACH] = { "detach", op_detach, 45, true, true },
	[OP_MPROTECT] = { "mprotect", op_mprotect, 15, true, false },
	[OP_PKEY] = { "pkey", op_pkey, 10, false, false },
	[OP_MBIND] = { "mbind", op_mbind, 15, true, true },
	[OP_MOVE_PAGES] = { "move-pages", op_move_pages, 15, true, true },
	[OP_MADVISE] = { "madvise", op_madvise, 30, true, false },
	[OP_MREMAP] = { "mremap", op_mremap, 10, false, false },
	[OP_IO] = { "syscall-io", op_io, 30, true, true },
	[OP_FORK] = { "fork", op_fork, 12, true, false },
	[OP_EXIT] = { "exit", op_exit, 1, false, false },
};

static enum op pick_op(void)
{
	uint64_t x = rnd(1000);
	int k;

	for (k = 0; k < NR_OPS - 1 && x >= ops[k].weight; k++)
		x -= ops[k].weight;
	return (enum op)k;
}

static void step(void)
{
	enum op op = pick_op();

	if (in_child && !ops[op].in_child)
		op = OP_READ;
	/* The stranger cannot open /dev/morsel: it lives on passed fds. */
	if (my_uid == STRANGER_UID && (op == OP_CREATE || op == OP_OPEN || op == OP_UNPUBLISH))
		op = OP_RECV;
	cur_op = op;
	__atomic_add_fetch(&sh->count[op], 1, __ATOMIC_RELAXED);
	ops[op].fn();
}

struct thread_arg {
	int index;
	uint64_t seed;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;

	my_thread = a->index;
	rng = a->seed;
	if (pipe2(pipefd, O_CLOEXEC)) {
		fail("race.workers", "worker %d thread %d: pipe: %s", me, my_thread,
		     errname(errno));
		return NULL;
	}
	while (!sh->stop)
		step();
	return NULL;
}

/*
 * A worker process: take on ROLE, keep the two ring sockets, then run
 * 2 or 3 threads until the parent says stop, and exit with everything
 * still attached and open (exit tears it down).
 */
static void __attribute__((noreturn)) worker_main(int index, enum role role, uint64_t seed,
						  int nworkers, int (*pairs)[2], gid_t dev_gid)
{
	struct thread_arg args[MAX_THREADS];
	pthread_t tids[MAX_THREADS];

	in_parent = false;
	me = index;
	rng = seed;
	my_uid = roles[role].uid;
	socks[0] = pairs[index][0];
	socks[1] = pairs[(index + nworkers - 1) % nworkers][1];
	for (int k = 0; k < nworkers; k++) {
		if (pairs[k][0] != socks[0])
			close(pairs[k][0]);
		if (pairs[k][1] != socks[1])
			close(pairs[k][1]);
	}
	if (!become(my_uid, my_uid, dev_gid, roles[role].member)) {
		fail("race.workers", "worker %d: cannot become uid %u: %s", index, my_uid,
		     errname(errno));
		_exit(1);
	}
	/* setuid() made us undumpable: /proc/self/mem would be root's alone. */
	prctl(PR_SET_DUMPABLE, 1);
	if ((morsel_ctl_fd() >= 0) != roles[role].member)
		fail("race.errno", "worker %d (%s): open " MORSEL_DEVICE ": %s", index,
		     roles[role].name, errname(errno));
	pkey = (int)syscall(SYS_pkey_alloc, 0, 0);
	if (pkey < 0) {
		sh->no_pkey = 1;
		pkey = 0;
	}
	nthreads = 2 + (int)rnd(2);
	for (int t = 0; t < nthreads; t++) {
		args[t] = (struct thread_arg){ .index = t, .seed = mix(seed + t) };
		if (t && pthread_create(&tids[t], NULL, thread_main, &args[t])) {
			fail("race.workers", "worker %d: pthread_create: %s", index, errname(errno));
			_exit(1);
		}
	}
	thread_main(&args[0]);
	for (int t = 1; t < nthreads; t++)
		pthread_join(tids[t], NULL);
	_exit(0);
}

/* ------------------------------------------------------------ the parent */
struct run {
	int nworkers;
	uint64_t seed;
	gid_t dev_gid;
	int pairs[MAX_WORKERS][2];
	pid_t pid[MAX_WORKERS];
	unsigned long spawned[MAX_WORKERS];
	unsigned long respawns;
	long long old_morsels, old_pages;
	long long idle[4];	/* the counters before the run */
};

static void spawn(struct run *run, int k)
{
	uint64_t seed = mix(run->seed ^ mix(k + 1) ^ mix(run->spawned[k]++ << 32));
	pid_t pid = start_child();

	if (pid == 0)
		worker_main(k, role_of[k % 5], seed, run->nworkers, run->pairs, run->dev_gid);
	run->pid[k] = pid;
}

static int worker_of(const struct run *run, pid_t pid)
{
	for (int k = 0; k < run->nworkers; k++)
		if (run->pid[k] == pid)
			return k;
	return -1;
}

static void print_log(const char *who, const struct oplog *l)
{
	printf("morsel_race: %s, last ops:\n", who);
	for (unsigned long k = l->n > LOG_LINES ? l->n - LOG_LINES : 0; k < l->n; k++)
		printf("  #%lu %s\n", k, l->line[k % LOG_LINES]);
}

/* A worker ended: respawn it if it meant to, else a failure with its logs. */
static void reaped(struct run *run, int k, int status, bool stopping)
{
	char who[64];

	run->pid[k] = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_RESPAWN) {
		if (!stopping) {
			run->respawns++;
			spawn(run, k);
		}
		return;
	}
	if (WIFEXITED(status) && !WEXITSTATUS(status) && stopping)
		return;
	for (int t = 0; t < MAX_THREADS; t++) {
		snprintf(who, sizeof(who), "worker %d thread %d", k, t);
		if (sh->log[k][t].n)
			print_log(who, &sh->log[k][t]);
	}
	fail("race.workers", "worker %d ended %s %d", k,
	     WIFSIGNALED(status) ? "by signal" : "with status",
	     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

static bool any_alive(const struct run *run)
{
	for (int k = 0; k < run->nworkers; k++)
		if (run->pid[k] > 0)
			return true;
	return false;
}

static void supervise(struct run *run, double seconds)
{
	double end = now() + seconds, deadline;
	int status, k;
	pid_t pid;

	while (now() < end) {
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			if ((k = worker_of(run, pid)) >= 0)
				reaped(run, k, status, false);
		usleep(50000);
	}
	sh->stop = 1;
	/* TCG is slow and a worker may be in the middle of a fork: be patient. */
	deadline = now() + 90;
	while (any_alive(run) && now() < deadline) {
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			if ((k = worker_of(run, pid)) >= 0)
				reaped(run, k, status, true);
		usleep(50000);
	}
	for (k = 0; k < run->nworkers; k++) {
		if (run->pid[k] <= 0)
			continue;
		fail("race.workers", "worker %d did not stop within 90 s (killed)", k);
		kill(run->pid[k], SIGKILL);
		waitpid(run->pid[k], &status, 0);
	}
}

/* The LOAD source: page k holds MAGIC_FILE:k in every word. */
static bool make_load_file(void)
{
	char path[] = "/tmp/morsel-race.XXXXXX";
	uint64_t page[PAGE / 8];
	int fd = mkstemp(path);
	bool ok = fd >= 0;

	for (uint64_t k = 0; ok && k < FILE_PAGES; k++) {
		for (unsigned int i = 0; i < PAGE / 8; i++)
			page[i] = MAGIC_FILE << 48 | k;
		ok = write(fd, page, PAGE) == (ssize_t)PAGE;
	}
	if (!ok)
		return false;
	src_rd = open(path, O_RDONLY);
	src_wr = open(path, O_WRONLY);
	unlink(path);
	close(fd);
	return src_rd >= 0 && src_wr >= 0;
}

/*
 * Limits for the run: few enough morsels per user that max_pages_per_user
 * (raised if needed) is never reached, so a fault's SIGBUS and POPULATE's
 * EDQUOT are never legitimate; CREATE's ENOSPC is.
 */
static bool set_limits(struct run *run)
{
	run->old_morsels = read_param("max_morsels_per_user");
	run->old_pages = read_param("max_pages_per_user");
	if (run->old_morsels < 0 || run->old_pages < 0)
		return false;
	if (run->old_pages && run->old_pages < PAGES_PER_USER &&
	    !write_param("max_pages_per_user", PAGES_PER_USER))
		return false;
	return write_param("max_morsels_per_user", MORSELS_PER_USER);
}

static bool setup(struct run *run)
{
	struct stat st;
	char why[160];

	if (getuid() != 0 || stat(MORSEL_DEVICE, &st)) {
		check(false, "race.setup", "run as root with morsel.ko loaded");
		return false;
	}
	run->dev_gid = st.st_gid;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || !make_load_file() || !set_limits(run)) {
		check(false, "race.setup", "%s", errname(errno));
		return false;
	}
	for (int k = 0; k < run->nworkers; k++) {
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, run->pairs[k])) {
			check(false, "race.setup", "socketpair: %s (CONFIG_UNIX?)", errname(errno));
			return false;
		}
	}
	l5 = l5_paging();
	probe_init();
	/*
	 * Whatever an earlier test left is its leak, not ours: say so, and
	 * expect the counters back at that level at the end.
	 */
	if (!counters_zero(10, why, sizeof(why)))
		check(false, "race.counters-idle", "before the run: %s", why);
	counters_read(run->idle);
	return true;
}

/* Everything the workers left: names (root may unpublish any), limits. */
static void teardown(struct run *run)
{
	static const uint32_t owners[] = { 0, MEMBER_UID };
	char name[MORSEL_NAME_MAX], why[160] = "";

	for (int k = 0; k < run->nworkers; k++) {
		close(run->pairs[k][0]);
		close(run->pairs[k][1]);
	}
	for (int o = 0; o < 2; o++) {
		for (int m = 0; m < 4; m++) {
			for (unsigned int q = 0; q < NAME_SEQS; q++) {
				struct name n = { owners[o], name_modes[m], q };

				name_str(&n, name, sizeof(name));
				if (morsel_unpublish(name) && errno != ENOENT && !why[0])
					snprintf(why, sizeof(why), "unpublish %s: %s", name,
						 errname(errno));
			}
		}
	}
	if ((!write_param("max_morsels_per_user", run->old_morsels) ||
	     !write_param("max_pages_per_user", run->old_pages)) && !why[0])
		snprintf(why, sizeof(why), "restoring the limits: %s", errname(errno));
	check(!why[0], "race.teardown", "%s", why);
	check(counters_at(run->idle, 30, why, sizeof(why)), "race.counters-zero", "%s", why);
}

static void report(const struct run *run, double seconds)
{
	unsigned long total = 0;
	char missing[256] = "";
	size_t n = 0;

	for (int k = 0; k < NR_OPS; k++) {
		total += sh->count[k];
		if ((!sh->count[k] || (ops[k].must_succeed && !sh->ok[k])) &&
		    n + strlen(ops[k].name) + 2 < sizeof(missing))
			n += snprintf(missing + n, sizeof(missing) - n, " %s", ops[k].name);
	}
	printf("morsel_race: %lu ops in %.0f s by %d workers, %lu respawns%s:\n", total,
	       seconds, run->nworkers, run->respawns,
	       sh->no_pkey ? " (no protection keys)" : "");
	for (int k = 0; k < NR_OPS; k++)
		printf("  %-13s %7lu ok %7lu\n", ops[k].name, sh->count[k], sh->ok[k]);
	check(!n, "race.coverage", "never ran, or never succeeded:%s", missing);
	for (unsigned int v = 0; v < sizeof(verdicts) / sizeof(verdicts[0]); v++) {
		bool failed = false;

		for (int i = 0; i < MAX_FAILS; i++) {
			const struct failure *f = &sh->fail[i];
			char who[64];

			if (!f->ready || strcmp(f->name, verdicts[v]))
				continue;
			if (f->worker >= 0) {
				snprintf(who, sizeof(who), "worker %d thread %d", f->worker,
					 f->thread);
				print_log(who, &f->log);
			}
			check(false, verdicts[v], "%s (%lu more like it)", f->why, f->repeats);
			failed = true;
		}
		if (!failed)
			check(true, verdicts[v], "-");
	}
}

int main(int argc, char **argv)
{
	struct run run = { 0 };
	double seconds;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s SECONDS SEED [PROCS]\n", argv[0]);
		return 2;
	}
	seconds = atof(argv[1]);
	run.seed = strtoull(argv[2], NULL, 0);
	run.nworkers = argc > 3 ? atoi(argv[3]) : 4;
	if (run.nworkers < 1 || run.nworkers > MAX_WORKERS) {
		fprintf(stderr, "%s: 1 to %d workers\n", argv[0], MAX_WORKERS);
		return 2;
	}
	in_parent = true;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("morsel_race: seed %llu, %.0f s, %d workers\n", (unsigned long long)run.seed,
	       seconds, run.nworkers);
	if (!setup(&run))
		return 1;
	for (int k = 0; k < run.nworkers; k++)
		spawn(&run, k);
	supervise(&run, seconds);
	report(&run, seconds);
	teardown(&run);
	return failures ? 1 : 0;
}
