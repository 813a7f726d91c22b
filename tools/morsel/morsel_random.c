// SPDX-License-Identifier: GPL-2.0
/*
 * morsel_random: a seeded random sequence of morsel ioctls, attaches,
 * detaches, touches and forks for a bounded time, checked against a model
 * of what every page must contain; background children read the shared
 * memory meanwhile. At the end everything is torn down and the module's
 * global counters must be back at zero (no leaked page or table).
 *
 * Usage: morsel_random [SECONDS [SEED]]   (default 60 s, seed from the clock)
 * Prints the seed first; rerun with it to repeat a sequence. PASS/FAIL lines
 * as morsel_test; stops at the first model mismatch (printing the op log).
 */
#include "test_util.h"

#include <fcntl.h>
#include <sys/ioctl.h>

#define MAX_MORSELS	6
#define MAX_MAPS	16
#define MAX_READERS	2
#define MAX_LEN		(512 * MIB)	/* per object: keeps the model small */
#define LOAD_PAGES	16
#define MAGIC		0x6d6f7273ull	/* "mors" in the high half of each word */

struct model {
	bool used;
	int fd;			/* -1 once closed */
	unsigned int level, flags, seals, id;
	uint64_t length, span, npages;
	bool destroyed;
	char name[32];		/* published name or "" */
	int nmaps;
	uint32_t *val;		/* expected low half of each page's first word */
	uint8_t *pop;		/* page populated */
	uint64_t npop;
};

struct map {
	bool used;
	int m;			/* index into morsels */
	char *addr;
	int prot;
};

static struct model ms[MAX_MORSELS];
static struct map maps[MAX_MAPS];
static pid_t readers[MAX_READERS];
static double reader_end[MAX_READERS];
static uint64_t rng, ops, counts[32];
static bool l5;
static volatile uint64_t *comm;	/* a shared anonymous page */
static int src_fd, name_seq;
static uint32_t next_val = 1;
static char oplog[16][160];

static bool readers_alive(void)
{
	for (int r = 0; r < MAX_READERS; r++)
		if (readers[r] > 0)
			return true;
	return false;
}

static void __attribute__((format(printf, 1, 2))) logop(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(oplog[ops % 16], sizeof(oplog[0]), fmt, ap);
	va_end(ap);
}

static void __attribute__((noreturn, format(printf, 2, 3))) die(const char *name,
								 const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printf("morsel_random: mismatch after %llu ops; last ops:\n", (unsigned long long)ops);
	for (uint64_t k = ops > 15 ? ops - 15 : 0; k <= ops; k++)
		printf("  #%llu %s\n", (unsigned long long)k, oplog[k % 16]);
	check(false, name, "%s", why);
	for (int r = 0; r < MAX_READERS; r++)
		if (readers[r] > 0)
			kill(readers[r], SIGKILL);
	exit(1);
}

static uint64_t rnd(uint64_t n)
{
	return n ? next_rand(&rng) % n : 0;
}

static int pick_morsel(bool need_fd)
{
	int start = (int)rnd(MAX_MORSELS);

	for (int k = 0; k < MAX_MORSELS; k++) {
		int m = (start + k) % MAX_MORSELS;

		if (ms[m].used && (!need_fd || ms[m].fd >= 0))
			return m;
	}
	return -1;
}

static int pick_map(void)
{
	int start = (int)rnd(MAX_MAPS);

	for (int k = 0; k < MAX_MAPS; k++) {
		int i = (start + k) % MAX_MAPS;

		if (maps[i].used)
			return i;
	}
	return -1;
}

/* Drop the model entry once nothing refers to the object any more. */
static void maybe_release(int m)
{
	struct model *o = &ms[m];

	if (o->fd >= 0 || o->nmaps || (o->name[0] && !o->destroyed))
		return;
	free(o->val);
	free(o->pop);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}

static void expect(const char *what, int m, long ret, int want)
{
	int err = errno;

	if (want == 0 && ret == -1)
		die("random.op", "%s on morsel %d: %s", what, m, errname(err));
	if (want && (ret != -1 || err != want))
		die("random.op", "%s on morsel %d: want %s, got ret %ld %s", what, m,
		    errname(want), ret, ret == -1 ? errname(err) : "");
}

/* A morsel only its name keeps: open it again. */
static bool op_reopen(void)
{
	for (int m = 0; m < MAX_MORSELS; m++) {
		struct model *o = &ms[m];

		if (!o->used || o->fd >= 0 || !o->name[0] || o->destroyed)
			continue;
		logop("reopen %d by name %s", m, o->name);
		errno = 0;
		o->fd = morsel_open(o->name, O_RDWR);
		expect("reopen", m, o->fd, 0);
		return true;
	}
	return false;
}

static void op_create(void)
{
	static const unsigned int fl[] = { MORSEL_F_WRITABLE, MORSEL_F_WRITABLE,
		MORSEL_F_WRITABLE | MORSEL_F_FILL_SIGBUS, 0, MORSEL_F_WRITABLE | MORSEL_F_EXEC };
	struct morsel_create c;
	struct model *o;
	int m = -1, fd;

	for (int k = 0; k < MAX_MORSELS; k++)
		if (!ms[k].used)
			m = k;
	if (m < 0)
		return;
	o = &ms[m];
	o->level = MORSEL_LEVEL_PTE + (unsigned int)rnd(l5 ? 4 : 3);
	o->span = morsel_level_span(o->level);
	o->length = (1 + rnd((o->span < MAX_LEN ? o->span : MAX_LEN) / PAGE)) * PAGE;
	o->flags = fl[rnd(5)];
	logop("create %s length %llu flags %#x", morsel_level_name(o->level),
	      (unsigned long long)o->length, o->flags);
	errno = 0;
	fd = morsel_create(o->level, o->length, o->flags, 0, 0, &c);
	expect("create", m, fd, 0);
	o->used = true;
	o->fd = fd;
	o->id = c.id;
	o->npages = o->length / PAGE;
	o->val = calloc(o->npages, sizeof(*o->val));
	o->pop = calloc(o->npages, 1);
	if (!o->val || !o->pop)
		die("random.oom", "model allocation");
}

static void op_destroy(int m)
{
	struct model *o = &ms[m];

	logop("destroy %d", m);
	errno = 0;
	expect("destroy", m, morsel_destroy(o->fd), o->destroyed ? EIDRM : 0);
	o->destroyed = true;
	o->name[0] = 0;
}

static void op_close(int m)
{
	logop("close %d", m);
	close(ms[m].fd);
	ms[m].fd = -1;
	maybe_release(m);
}

static void op_attach(int m)
{
	struct model *o = &ms[m];
	int prot = rnd(2) ? PROT_READ : PROT_READ | PROT_WRITE, want = 0, i;
	char *hint = NULL, *p;

	for (i = 0; i < MAX_MAPS && maps[i].used; i++)
		;
	if (i == MAX_MAPS)
		return;
	if (o->level == MORSEL_LEVEL_P4D)
		hint = (char *)((1ull << 52) + rnd(8) * o->span);
	if (o->destroyed)
		want = EIDRM;
	else if ((prot & PROT_WRITE) && (o->seals & MORSEL_SEAL_WRITE))
		want = EPERM;
	else if ((prot & PROT_WRITE) && !(o->flags & MORSEL_F_WRITABLE))
		want = EACCES;
	else if (!(prot & PROT_WRITE) && (o->flags & MORSEL_F_WRITABLE) &&
		 !(o->seals & MORSEL_SEAL_WRITE))
		want = EACCES;	/* writable leaves: no read-only attach */
	logop("attach %d prot %d (want %s)", m, prot, errname(want));
	errno = 0;
	p = mmap(hint, o->span, prot, MAP_SHARED, o->fd, 0);
	expect("attach", m, p == MAP_FAILED ? -1 : 0, want);
	if (p == MAP_FAILED)
		return;
	if ((uintptr_t)p % o->span)
		die("random.attach-aligned", "morsel %d attached at %p", m, p);
	maps[i] = (struct map){ .used = true, .m = m, .addr = p, .prot = prot };
	o->nmaps++;
}

static void op_detach(int i)
{
	struct map *mp = &maps[i];
	int m = mp->m;

	logop("detach map %d of morsel %d", i, m);
	errno = 0;
	expect("detach", m, munmap(mp->addr, ms[m].span), 0);
	mp->used = false;
	ms[m].nmaps--;
	maybe_release(m);
}

/*
 * Touch one page through a mapping; check the signal and the value. A
 * forked child (QUIET) leaves zero-fill holes alone: reading one would
 * populate a page its parent's model does not know about.
 */
static void op_touch(int i, bool write, bool quiet)
{
	struct map *mp = &maps[i];
	struct model *o = &ms[mp->m];
	uint64_t pg = rnd(o->npages), val = 0, want;
	char *p = mp->addr + pg * PAGE;
	int sig, want_sig = 0;

	if (rnd(16) == 0) {
		/* Beyond the object, inside the span. */
		pg = o->npages + rnd((o->span - o->length) / PAGE);
		if (pg * PAGE >= o->span)
			return;
		p = mp->addr + pg * PAGE;
		logop("touch map %d page %llu beyond length", i, (unsigned long long)pg);
		sig = write && (mp->prot & PROT_WRITE) ? probe_write(p, 1) : probe_read(p, &val);
		if (sig != SIGBUS)
			die("random.beyond-length", "morsel %d page %llu: %s", mp->m,
			    (unsigned long long)pg, signame(sig));
		return;
	}
	if (quiet && !o->pop[pg] && !(o->flags & MORSEL_F_FILL_SIGBUS))
		return;
	/* The VMA's permissions are checked before the morsel's state. */
	if (write && !(mp->prot & PROT_WRITE))
		want_sig = SIGSEGV;
	else if (o->destroyed)
		want_sig = SIGBUS;
	else if (!o->pop[pg] && (o->flags & MORSEL_F_FILL_SIGBUS))
		want_sig = SIGBUS;
	want = (MAGIC << 32) | next_val;
	logop("%s map %d morsel %d page %llu (want %s)", write ? "write" : "read", i, mp->m,
	      (unsigned long long)pg, signame(want_sig));
	sig = write ? probe_write(p, want) : probe_read(p, &val);
	if (sig != want_sig)
		die("random.touch-signal", "%s morsel %d page %llu: %s, want %s",
		    write ? "write" : "read", mp->m, (unsigned long long)pg, signame(sig),
		    signame(want_sig));
	if (sig)
		return;
	if (write) {
		o->val[pg] = next_val++;
	} else {
		uint64_t expected = o->val[pg] ? (MAGIC << 32) | o->val[pg] : 0;

		if (val != expected)
			die("random.touch-value", "morsel %d page %llu: read %#llx, want %#llx",
			    mp->m, (unsigned long long)pg, (unsigned long long)val,
			    (unsigned long long)expected);
	}
	if (!o->pop[pg]) {
		o->pop[pg] = 1;
		o->npop++;
	}
}

static void range_of(struct model *o, uint64_t *first, uint64_t *n)
{
	*first = rnd(o->npages);
	*n = 1 + rnd(64);
	if (*first + *n > o->npages)
		*n = o->npages - *first;
}

static void op_populate(int m, bool discard)
{
	struct model *o = &ms[m];
	uint64_t first, n;
	int want = 0, ret;

	range_of(o, &first, &n);
	if (o->destroyed)
		want = EIDRM;
	else if (discard && (o->seals & MORSEL_SEAL_DISCARD))
		want = EPERM;
	logop("%s %d pages %llu+%llu", discard ? "discard" : "populate", m,
	      (unsigned long long)first, (unsigned long long)n);
	errno = 0;
	ret = discard ? morsel_discard(o->fd, first * PAGE, n * PAGE) :
		morsel_populate(o->fd, first * PAGE, n * PAGE);
	expect(discard ? "discard" : "populate", m, ret, want);
	if (ret)
		return;
	for (uint64_t pg = first; pg < first + n; pg++) {
		if (discard && o->pop[pg]) {
			o->pop[pg] = 0;
			o->val[pg] = 0;
			o->npop--;
		} else if (!discard && !o->pop[pg]) {
			o->pop[pg] = 1;
			o->npop++;
		}
	}
}

static void op_load(int m)
{
	struct model *o = &ms[m];
	uint64_t pg = rnd(o->npages), src = rnd(LOAD_PAGES + 2);
	int want = 0;
	int64_t n;

	if (o->destroyed)
		want = EIDRM;
	else if (o->seals & MORSEL_SEAL_WRITE)
		want = EPERM;
	logop("load %d page %llu from file page %llu", m, (unsigned long long)pg,
	      (unsigned long long)src);
	errno = 0;
	n = morsel_load(o->fd, src_fd, src * PAGE, pg * PAGE, PAGE);
	expect("load", m, n < 0 ? -1 : 0, want);
	if (n < 0)
		return;
	if (n != (int64_t)(src < LOAD_PAGES ? PAGE : 0))
		die("random.load", "morsel %d: loaded %lld from file page %llu", m, (long long)n,
		    (unsigned long long)src);
	/* Past the end of the file nothing is copied and nothing changes. */
	if (!n)
		return;
	o->val[pg] = 0x10000000 + (uint32_t)src;
	if (!o->pop[pg]) {
		o->pop[pg] = 1;
		o->npop++;
	}
}

static void op_seal(int m)
{
	struct model *o = &ms[m];
	unsigned int seal = rnd(2) ? MORSEL_SEAL_WRITE : MORSEL_SEAL_DISCARD;

	if (seal == MORSEL_SEAL_WRITE) {
		/* Only with no writable attach: the model keeps out of that race. */
		for (int i = 0; i < MAX_MAPS; i++)
			if (maps[i].used && maps[i].m == m && (maps[i].prot & PROT_WRITE))
				return;
		if (readers_alive())
			return;
	}
	logop("seal %d %#x", m, seal);
	errno = 0;
	expect("seal", m, morsel_seal(o->fd, seal), o->destroyed ? EIDRM : 0);
	if (!o->destroyed)
		o->seals |= seal;
}

static void op_names(int m)
{
	struct model *o = &ms[m];
	int fd;

	if (o->destroyed)
		return;
	if (!o->name[0]) {
		snprintf(o->name, sizeof(o->name), "rnd-%d", name_seq++);
		logop("publish %d as %s", m, o->name);
		errno = 0;
		expect("publish", m, morsel_publish(o->fd, o->name, 0600), 0);
		return;
	}
	if (rnd(2)) {
		logop("open %d by name %s", m, o->name);
		errno = 0;
		fd = morsel_open(o->name, O_RDWR);
		expect("open", m, fd, 0);
		{
			struct morsel_info i;

			if (morsel_info(fd, &i) || i.id != o->id)
				die("random.open-id", "name %s opened id %u, want %u", o->name,
				    i.id, o->id);
		}
		close(fd);
		return;
	}
	logop("unpublish %d (%s)", m, o->name);
	errno = 0;
	expect("unpublish", m, morsel_unpublish(o->name), 0);
	o->name[0] = 0;
}

static void op_info(int m)
{
	struct model *o = &ms[m];
	struct morsel_info i;

	logop("info %d", m);
	errno = 0;
	expect("info", m, morsel_info(o->fd, &i), o->destroyed ? EIDRM : 0);
	if (o->destroyed)
		return;
	if (i.level != o->level || i.length != o->length || i.flags != o->flags ||
	    i.seals != o->seals || i.pages != o->npop || i.id != o->id ||
	    strcmp(i.name, o->name))
		die("random.info", "morsel %d: level %u length %llu flags %#x seals %#x "
		    "pages %llu id %u name '%.64s'; model: %u %llu %#x %#x %llu %u '%s'",
		    m, i.level, i.length, i.flags, i.seals, i.pages, i.id, i.name,
		    o->level, (unsigned long long)o->length, o->flags, o->seals,
		    (unsigned long long)o->npop, o->id, o->name);
	/* Readers may hold forked attachments meanwhile. */
	if (i.attaches < (uint64_t)o->nmaps)
		die("random.info-attaches", "morsel %d: %llu attaches, model %d", m,
		    i.attaches, o->nmaps);
}

static void op_revoke(int m)
{
	logop("revoke %d", m);
	errno = 0;
	expect("revoke", m, morsel_revoke(ms[m].fd), ms[m].destroyed ? EIDRM : 0);
}

/* A struct-carrying ioctl with a wrong size field: always EINVAL. */
static void op_garbage(int m)
{
	static const unsigned long cmds[] = { MORSEL_IOC_INFO, MORSEL_IOC_POPULATE,
		MORSEL_IOC_DISCARD, MORSEL_IOC_LOAD, MORSEL_IOC_SEAL, MORSEL_IOC_PUBLISH };
	unsigned char buf[256];
	unsigned long cmd = cmds[rnd(6)];
	uint32_t size;

	for (unsigned int k = 0; k < sizeof(buf); k++)
		buf[k] = (unsigned char)rnd(256);
	do {
		size = rnd(2) ? (uint32_t)rnd(512) : (uint32_t)next_rand(&rng);
	} while (size == _IOC_SIZE(cmd));
	memcpy(buf, &size, sizeof(size));
	logop("garbage ioctl %#lx size %u on %d", cmd, size, m);
	errno = 0;
	expect("garbage", m, ioctl(ms[m].fd, cmd, buf), ms[m].destroyed ? EIDRM : EINVAL);
}

/* Fork: the child checks a few pages, writes one, detaches or just exits. */
static void op_fork(void)
{
	int i = pick_map();
	pid_t pid;
	int status;

	logop("fork (map %d)", i);
	comm[0] = comm[1] = comm[2] = 0;
	pid = start_child();
	if (pid == 0) {
		for (int k = 0; k < 8; k++) {
			int j = pick_map();

			if (j >= 0)
				op_touch(j, false, true);
		}
		if (i >= 0 && (maps[i].prot & PROT_WRITE) && !ms[maps[i].m].destroyed) {
			struct model *o = &ms[maps[i].m];
			uint64_t pg = rnd(o->npages);

			if (o->pop[pg] || !(o->flags & MORSEL_F_FILL_SIGBUS)) {
				*(volatile uint64_t *)(maps[i].addr + pg * PAGE) =
					(MAGIC << 32) | next_val;
				comm[0] = 1;
				comm[1] = pg;
				comm[2] = next_val;
			}
		}
		if (rnd(2)) {
			for (int j = 0; j < MAX_MAPS; j++)
				if (maps[j].used)
					munmap(maps[j].addr, ms[maps[j].m].span);
		}
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		die("random.fork-child", "child status %#x", status);
	if (comm[0]) {
		struct model *o = &ms[maps[i].m];

		o->val[comm[1]] = (uint32_t)comm[2];
		next_val = (uint32_t)comm[2] + 1;
		if (!o->pop[comm[1]]) {
			o->pop[comm[1]] = 1;
			o->npop++;
		}
	}
}

/* A background child that reads all over its inherited attaches for a while. */
static void op_reader(void)
{
	int r;

	for (r = 0; r < MAX_READERS && readers[r] > 0; r++)
		;
	if (r == MAX_READERS)
		return;
	logop("start reader %d", r);
	reader_end[r] = now() + 0.2 + rnd(1500) / 1000.0;
	readers[r] = start_child();
	if (readers[r] == 0) {
		double end = reader_end[r];

		while (now() < end) {
			int i = pick_map();
			uint64_t val, pg;
			int sig;

			if (i < 0)
				break;
			/* Only populated pages: a hole read would populate it
			 * behind the model's back. */
			pg = rnd(ms[maps[i].m].npages);
			if (!ms[maps[i].m].pop[pg])
				continue;
			sig = probe_read(maps[i].addr + pg * PAGE, &val);
			/* Destroyed or FILL_SIGBUS holes: SIGBUS; never SIGSEGV. */
			if (sig == SIGSEGV)
				_exit(3);
			if (!sig && val && val >> 32 != MAGIC && val >> 32 != 0)
				_exit(4);
		}
		_exit(0);
	}
}

static void reap_readers(bool all)
{
	for (int r = 0; r < MAX_READERS; r++) {
		int status;

		if (readers[r] <= 0 || (!all && now() < reader_end[r]))
			continue;
		if (waitpid(readers[r], &status, 0) != readers[r] || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			die("random.reader", "reader %d status %#x", r, status);
		readers[r] = 0;
	}
}

/* The module's counters against the model (when it is exact). */
static void check_counters(void)
{
	long long want_m = 0, want_p = 0, want_a = 0;
	double end = now() + 5;

	/* Readers hold forked attachments (and so objects) of their own. */
	if (readers_alive())
		return;

	for (int m = 0; m < MAX_MORSELS; m++) {
		if (!ms[m].used)
			continue;
		if (ms[m].destroyed)
			return;		/* freed lazily: not exact */
		want_m++;
		want_p += (long long)ms[m].npop;
		want_a += ms[m].nmaps;
	}
	while (morsel_counter("morsels") != want_m || morsel_counter("pages") != want_p ||
	       morsel_counter("attaches") != want_a) {
		if (now() > end)
			die("random.counters", "morsels %lld pages %lld attaches %lld; model %lld %lld %lld",
			    morsel_counter("morsels"), morsel_counter("pages"),
			    morsel_counter("attaches"), want_m, want_p, want_a);
		usleep(20000);
	}
}

static void step(void)
{
	uint64_t r = rnd(100);
	int m = pick_morsel(true), i = pick_map();

	if (m < 0 || r < 6) {
		counts[0]++;
		if (!op_reopen() || m < 0)
			op_create();
	} else if (r < 9) {
		counts[1]++;
		op_destroy(m);
	} else if (r < 11) {
		counts[2]++;
		if (ms[m].nmaps || ms[m].name[0] || rnd(4) == 0)
			op_close(m);
	} else if (r < 22) {
		counts[3]++;
		op_attach(m);
	} else if (r < 30) {
		counts[4]++;
		if (i >= 0)
			op_detach(i);
	} else if (r < 60) {
		counts[5]++;
		if (i >= 0)
			op_touch(i, rnd(2), false);
	} else if (r < 65) {
		counts[6]++;
		op_populate(m, false);
	} else if (r < 70) {
		/* Not under readers: they could refill what the model drops. */
		counts[7]++;
		if (!readers_alive())
			op_populate(m, true);
	} else if (r < 74) {
		counts[8]++;
		op_load(m);
	} else if (r < 76) {
		counts[9]++;
		op_seal(m);
	} else if (r < 80) {
		counts[10]++;
		op_names(m);
	} else if (r < 85) {
		counts[11]++;
		op_info(m);
	} else if (r < 88) {
		counts[12]++;
		op_revoke(m);
	} else if (r < 92) {
		counts[13]++;
		op_garbage(m);
	} else if (r < 96) {
		counts[14]++;
		op_fork();
	} else {
		counts[15]++;
		op_reader();
	}
	ops++;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "create", "destroy", "close", "attach", "detach",
		"touch", "populate", "discard", "load", "seal", "names", "info", "revoke",
		"garbage", "fork", "reader" };
	double seconds = argc > 1 ? atof(argv[1]) : 60, end, next_check;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : (uint64_t)(now() * 1e6);
	char path[] = "/tmp/morsel-random.XXXXXX", why[160];
	unsigned char page[PAGE];

	test_prefix = "morsel";
	setvbuf(stdout, NULL, _IOLBF, 0);
	probe_init();
	rng = seed ? seed : 1;
	printf("morsel_random: seed %llu, %.0f s\n", (unsigned long long)seed, seconds);
	comm = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (comm == MAP_FAILED || morsel_ctl_fd() < 0) {
		check(false, "random.setup", "%s", errname(errno));
		return 1;
	}
	for (int m = 0; m < MAX_MORSELS; m++)
		ms[m].fd = -1;
	l5 = l5_paging();
	/* The file LOAD copies from: page k starts with MAGIC:0x10000000+k. */
	src_fd = mkstemp(path);
	unlink(path);
	for (uint64_t k = 0; k < LOAD_PAGES; k++) {
		memset(page, 0, sizeof(page));
		*(uint64_t *)page = (MAGIC << 32) | (0x10000000 + k);
		if (write(src_fd, page, PAGE) != (ssize_t)PAGE)
			return 2;
	}
	end = now() + seconds;
	next_check = now() + 1;
	while (now() < end) {
		step();
		reap_readers(false);
		if (now() > next_check) {
			check_counters();
			next_check = now() + 1;
		}
	}
	reap_readers(true);
	check_counters();
	check(true, "random.sequence", "-");
	printf("morsel_random: %llu ops:", (unsigned long long)ops);
	for (int k = 0; k < 16; k++)
		printf(" %s %llu", names[k], (unsigned long long)counts[k]);
	printf("\n");

	/* Tear down: what the model says is alive must go away completely. */
	for (int i = 0; i < MAX_MAPS; i++)
		if (maps[i].used)
			op_detach(i);
	for (int m = 0; m < MAX_MORSELS; m++) {
		if (!ms[m].used)
			continue;
		if (ms[m].name[0] && !ms[m].destroyed && morsel_unpublish(ms[m].name))
			die("random.teardown", "unpublish %s: %s", ms[m].name, errname(errno));
		ms[m].name[0] = 0;
		if (ms[m].fd >= 0) {
			op_info(m);
			op_close(m);
		} else {
			maybe_release(m);
		}
	}
	check(counters_zero(10, why, sizeof(why)), "random.counters-zero", "%s", why);
	return failures ? 1 : 0;
}
