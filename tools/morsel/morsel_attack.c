// SPDX-License-Identifier: GPL-2.0
/*
 * morsel_attack: adversarial tests of morsel.ko, one per way the security
 * review (issue 10) found for a local user to reach freed memory, write
 * through a read-only attach or take over another user's morsel. Run as
 * root in the test VM (tools/vm/morsel-test.sh), which also checks the
 * kernel log after each for KASAN, lockdep, WARN and BUG reports: some
 * attacks show only there.
 *
 * Usage: morsel_attack [--rounds N] TEST...
 *   tlb-munmap    a thread writes through its TLB while its process
 *                 munmaps the attach and another process DISCARDs
 *   walk-destroy  DESTROY while mbind(MPOL_MF_STRICT) and move_pages()
 *                 walk the morsel's tables
 *   ro-attach     read-only attach of writable leaves by a second uid,
 *                 by name and by an fd passed over a UNIX socket
 *   pkey          pkey_mprotect() of a read-only attach by a second uid
 *   load-seal     LOAD from a slow (FUSE) file across SEAL_WRITE
 *   owner         device group, republish with a passed fd, per-user
 *                 limit with page tables, memcg charging
 * Expects /dev/morsel to belong to group MORSEL_GID (the package's udev
 * rule; the guest script does what it does). PASS/FAIL lines as
 * morsel_test; exits 1 on any failure.
 */
#include "test_util.h"

#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/mman.h>

#include "slow_fuse.h"

#define MEMBER_UID	1000	/* in the device's group */
#define STRANGER_UID	1002	/* not */
#define MAGIC		0x4d4f525300000000ull	/* "MORS" in the high half */

static int rounds = 20;
static gid_t dev_gid;

/* ------------------------------------------------------------- plumbing */
/* An fd sent with send_fd(sock, fd, "f", 1, 0), or -1. */
static int recv_fd_byte(int sock)
{
	char byte;

	return recv_fd(sock, &byte, 1, 0);
}

/* A /dev/morsel fd opened with the current credentials, or -1. */
static int fresh_ctl(void)
{
	return open(MORSEL_DEVICE, O_RDWR | O_CLOEXEC);
}

static int create_on(int ctl, unsigned int level, uint64_t length, unsigned int flags)
{
	struct morsel_create c = {
		.size = sizeof(c), .level = level, .flags = flags, .length = length,
	};

	return ioctl(ctl, MORSEL_IOC_CREATE, &c) ? -1 : c.fd;
}

static int open_on(int ctl, const char *name, int oflags)
{
	struct morsel_name n = { .size = sizeof(n), .mode = oflags };

	snprintf(n.name, sizeof(n.name), "%s", name);
	return ioctl(ctl, MORSEL_IOC_OPEN, &n) ? -1 : n.fd;
}

/* Run FN(ARG, SOCK) as UID in a child that gets fds over SOCK. */
static pid_t spawn_as(uid_t uid, bool member, int *sock,
		      void (*fn)(void *arg, int sock), void *arg)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		check(false, "socketpair", "%s (CONFIG_UNIX?)", errname(errno));
		exit(1);
	}
	pid = start_child();
	if (pid == 0) {
		close(sv[0]);
		if (!become(uid, uid, dev_gid, member)) {
			check(false, "setuid", "%s", errname(errno));
			end_child();
		}
		fn(arg, sv[1]);
		end_child();
	}
	close(sv[1]);
	*sock = sv[0];
	return pid;
}

/* Run the calling thread on CPU only (0 if it worked). */
static int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static void pin_all_cpus(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	for (long c = 0; c < sysconf(_SC_NPROCESSORS_ONLN); c++)
		CPU_SET(c, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void destroy_fd(int fd)
{
	morsel_destroy(fd);
	close(fd);
}

static struct morsel_info info_of(int fd)
{
	struct morsel_info i;

	if (morsel_info(fd, &i))
		memset(&i, 0xff, sizeof(i));
	return i;
}

static void *map_span(int fd, int prot)
{
	return morsel_attach(fd, NULL, prot, NULL);
}

static void counters_back(const char *name)
{
	char why[160];

	check(counters_zero(10, why, sizeof(why)), name, "not back to zero: %s", why);
}

/* --------------------------------------------------------- 1: tlb-munmap */
/*
 * A writer thread keeps writing the attach while its process munmaps it
 * together with thousands of attaches of another morsel after it, each far
 * enough from the next to be a group of its own in free_pgtables(). Their
 * zaps go through the morsel hook, which has no tlb_end_vma() flush (an
 * ordinary VMA after the attach would flush there). free_pgtables() takes
 * the attach out of i_mmap with its group, first, and then works through
 * the others before the mmu_gather flushes in tlb_finish_mmu(): a window,
 * milliseconds long under TCG, in which revocation no longer sees this mm.
 * Another process DISCARDs
 * once, shortly before the moment the writer stopped by itself in a
 * probe round (see below), and at once populates a morsel
 * of its own on the same CPU: morsel pages are unmovable, so they come
 * from the per-CPU list the DISCARD just freed to, last freed first (fresh
 * anonymous pages would not: they are movable and come from another
 * list). Any of the writer's pattern in them is a write through a stale
 * TLB entry into freed memory. (A DISCARD in the zap phase before it is
 * caught by tlb_finish_mmu()'s nested-flush check and ends the writer.)
 * Writer, unmapper and discarder each have a CPU of their own: a switch to
 * another mm on the writer's CPU would reload CR3, and QEMU's TLB forgets
 * everything on a CR3 load, stale entries included. Needs 3 CPUs.
 */
#define TLB_PAGES	16
#define TLB_FILLERS	4000
#define TLB_VICTIMS	64

struct tlb_shared {
	volatile int phase;	/* 0 setup, 1 writer running, 2 munmap returned */
	volatile int writer_ready;
	volatile double munmap_secs;
	volatile unsigned long passes;		/* the writer's, over all pages */
	volatile unsigned long passes_after_discard;
	volatile unsigned long passes_in_munmap;
	volatile int discarded;
	volatile double t_munmap;	/* when munmap() was called */
	volatile double t_last;		/* when the writer's last pass ended */
};

static volatile char *tlb_attach;
static struct tlb_shared *tlb_sh;

static void *tlb_writer(void *arg)
{
	uint64_t seq = 0;

	(void)arg;
	probe_init();
	if (pin_to_cpu(0))
		return NULL;
	for (;;) {
		for (int p = 0; p < TLB_PAGES; p++) {
			for (int w = 0; w < 8; w++) {
				if (probe_write((char *)tlb_attach + p * PAGE + w * 512,
						MAGIC | (seq & 0xffffffff)))
					return NULL;	/* SIGSEGV: unmapped and flushed */
			}
		}
		seq++;
		tlb_sh->passes++;
		tlb_sh->t_last = now();
		tlb_sh->passes_after_discard += tlb_sh->discarded;
		tlb_sh->writer_ready = 1;
	}
}

static void tlb_unmapper(int fd, int filler)
{
	uint64_t span = morsel_level_span(MORSEL_LEVEL_PTE);
	/* More than PMD_SIZE apart: each attach a group of its own. */
	uint64_t step = 2 * span, total = span + TLB_FILLERS * step;
	char *res, *base;
	unsigned long passes;
	pthread_t w;
	double t0;

	res = mmap(NULL, total + span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (res == MAP_FAILED || pin_to_cpu(1))
		_exit(2);
	base = (char *)(((uintptr_t)res + span - 1) & ~(span - 1));
	munmap(res, total + span);
	if (mmap(base, span, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0) != base)
		_exit(3);
	for (int i = 0; i < TLB_FILLERS; i++) {
		volatile char *f = mmap(base + span + i * step, span, PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_FIXED_NOREPLACE, filler, 0);

		if (f == MAP_FAILED)
			_exit(4);
		(void)f[0];	/* linked: its zap has work to do */
	}
	tlb_attach = base;
	if (pthread_create(&w, NULL, tlb_writer, NULL))
		_exit(5);
	while (!tlb_sh->writer_ready)
		;
	t0 = now();
	tlb_sh->t_munmap = t0;
	tlb_sh->phase = 1;
	passes = tlb_sh->passes;
	munmap(base, total);
	tlb_sh->passes_in_munmap = tlb_sh->passes - passes;
	tlb_sh->munmap_secs = now() - t0;
	tlb_sh->phase = 2;
	pthread_join(w, NULL);
	_exit(0);
}

/*
 * Count the words with the writer's pattern in the victim morsel's pages
 * populated after the DISCARD (from offset PAGE: page 0 stays populated so
 * that its PTE table is not one of the fresh pages), and free them again.
 */
static long tlb_victims_scan(int victim)
{
	volatile uint64_t *v = mmap(NULL, 2 * MIB, PROT_READ, MAP_SHARED, victim, 0);
	long hits = 0;

	if (v == MAP_FAILED)
		return 0;
	for (uint64_t i = PAGE / 8; i < (1 + TLB_VICTIMS) * PAGE / 8; i++)
		hits += (v[i] & 0xffffffff00000000ull) == MAGIC;
	munmap((void *)v, 2 * MIB);
	morsel_discard(victim, PAGE, TLB_VICTIMS * PAGE);
	return hits;
}

static void test_tlb_munmap(void)
{
	int fd = morsel_create(MORSEL_LEVEL_PTE, 2 * MIB, MORSEL_F_WRITABLE, 0, 0, NULL);
	int filler = morsel_create(MORSEL_LEVEL_PTE, 2 * MIB, MORSEL_F_WRITABLE, 0, 0, NULL);
	int victim = morsel_create(MORSEL_LEVEL_PTE, 2 * MIB, 0, 0, 0, NULL);
	double munmap_secs = 0;		/* the last round's, for the report */
	double stop = 0;		/* s into the munmap, from the probes */
	long stops = 0;
	long hits = 0, raced = 0, late_passes = 0, munmap_passes = 0;
	uint64_t rng = (uint64_t)now() | 1;
	int r;

	tlb_sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || filler < 0 || victim < 0 || tlb_sh == MAP_FAILED ||
	    morsel_populate(victim, 0, PAGE)) {
		check(false, "attack.tlb-munmap.setup", "%s", errname(errno));
		goto out;
	}
	if (sysconf(_SC_NPROCESSORS_ONLN) < 3 || pin_to_cpu(2)) {
		check(false, "attack.tlb-munmap.cpus", "needs 3 CPUs, has %ld",
		      sysconf(_SC_NPROCESSORS_ONLN));
		goto out;
	}
	/*
	 * The window is narrow: free_pgtables() runs just before
	 * tlb_finish_mmu() flushes and ends the writer; closing the 4000 VMAs
	 * takes the rest of the munmap. On the kernel before the fix
	 * (b8d1f00) the writer, left alone, stopped 0.17-0.25 s into a munmap
	 * of 0.26-0.59 s, and a DISCARD at a uniform 20-70 % of the munmap hit
	 * in 3 of 40 rounds, each time just before that stop. So every eighth
	 * round, starting with the first, is a probe with no DISCARD during
	 * the munmap, which measures the stop; the others DISCARD at 70-100 %
	 * of it. With the fix the writer stops at the zap of its own attach
	 * (0.17-0.19 s in: gathering the 4000 VMAs comes first), before its
	 * attach leaves i_mmap. Each round maps and unmaps 4000 attaches
	 * (2 s under TCG).
	 */
	for (r = 0; r < 2 * rounds && r < 40 && !hits; r++) {
		bool probe = r % 8 == 0;
		bool discarded = false;
		double at, wait;
		pid_t pid;
		int status;

		morsel_populate(fd, 0, TLB_PAGES * PAGE);
		memset((void *)tlb_sh, 0, sizeof(*tlb_sh));
		pid = start_child();
		if (pid == 0)
			tlb_unmapper(fd, filler);
		while (tlb_sh->phase == 0) {
			if (waitpid(pid, &status, WNOHANG) == pid) {
				check(false, "attack.tlb-munmap.child", "setup failed: status %#x",
				      status);
				goto out;
			}
			usleep(1000);
		}
		at = tlb_sh->t_munmap + stop * (700 + next_rand(&rng) % 300) / 1000.0;
		wait = at - now();
		if (wait > 0)
			usleep((useconds_t)(wait * 1e6));
		if (!probe && tlb_sh->phase == 1) {
			/* The freed pages come back to this CPU's free lists first. */
			morsel_discard(fd, 0, TLB_PAGES * PAGE);
			tlb_sh->discarded = 1;
			discarded = !morsel_populate(victim, PAGE, TLB_VICTIMS * PAGE);
			raced += tlb_sh->phase == 1;
		}
		/* Let the writer run until its process flushed. */
		while (tlb_sh->phase == 1)
			usleep(200);
		waitpid(pid, &status, 0);
		if (discarded)
			hits += tlb_victims_scan(victim);
		if (probe && tlb_sh->t_last > 0) {
			stop = (stop * stops + tlb_sh->t_last - tlb_sh->t_munmap) / (stops + 1);
			stops++;
		}
		if (tlb_sh->munmap_secs > 0)
			munmap_secs = tlb_sh->munmap_secs;
		/* How long the writer went on writing once its pages were freed. */
		late_passes += tlb_sh->passes_after_discard;
		munmap_passes += tlb_sh->passes_in_munmap;
	}
	printf("attack: tlb-munmap: %d rounds, %ld with a DISCARD during munmap, munmap %.3f s, "
	       "writer passes: %ld during munmaps, %ld after a DISCARD; left alone it stopped "
	       "%.3f s into the munmap (%ld probe rounds)\n", r, raced, munmap_secs,
	       munmap_passes, late_passes, stop, stops);
	check(!hits, "attack.tlb-munmap.no-stale-write",
	      "%ld words of fresh pages held the writer's pattern after DISCARD "
	      "(writes through a stale TLB entry into freed pages)", hits);
	check(raced > 0, "attack.tlb-munmap.raced", "no DISCARD ran during a munmap");
out:
	pin_all_cpus();
	destroy_fd(victim);
	destroy_fd(filler);
	destroy_fd(fd);
	munmap(tlb_sh, PAGE);
	counters_back("attack.tlb-munmap.counters-zero");
}

/* ------------------------------------------------------- 2: walk-destroy */
/*
 * Walkers that hold only the mmap lock enter VM_PFNMAP tables:
 * mbind(MPOL_MF_STRICT) and move_pages() (status query). DESTROY from the
 * owner's process must not free a table one of them is in. mbind's walk
 * descends from the link once and then reads the tables below it for a
 * long time (8192 PTE tables: a fraction of a second), yielding after each
 * PTE table. A realtime hog on the walker's CPU, started with DESTROY,
 * holds the walker at such a point for most of a second; when it goes on,
 * it reads the next entry of the table it was in. A DESTROY that freed
 * tables has freed that one meanwhile (a free in the same direction as the
 * walk never overtakes it otherwise).
 */
#define WALK_GIB	16
#define WALK_PAGES	(WALK_GIB * GIB / (2 * MIB))
#define WALK_HOG_SECS	0.8

struct walk_shared {
	volatile int stop;	/* walkers: end */
	volatile int hog;	/* 1: the hog should spin now */
	volatile int hog_exit;
	volatile long walks;
};

static void *walk_mbind(void *arg)
{
	struct walk_shared *sh = arg;
	unsigned long node = 1;

	pin_to_cpu(0);
	while (!sh->stop) {
		/* MPOL_BIND = 2, MPOL_MF_STRICT = 1 */
		syscall(SYS_mbind, (uintptr_t)tlb_attach, morsel_level_span(MORSEL_LEVEL_PUD),
			2, &node, 2, 1);
		__atomic_add_fetch(&sh->walks, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *walk_move_pages(void *arg)
{
	static void *pages[WALK_PAGES];
	static int status[WALK_PAGES];
	struct walk_shared *sh = arg;

	pin_to_cpu(0);
	for (uint64_t i = 0; i < WALK_PAGES; i++)
		pages[i] = (char *)tlb_attach + i * 2 * MIB;
	while (!sh->stop)
		syscall(SYS_move_pages, 0, WALK_PAGES, pages, NULL, status, 0);
	return NULL;
}

/* SCHED_FIFO on the walkers' CPU: spin WALK_HOG_SECS whenever asked. */
static void walk_hog(struct walk_shared *sh)
{
	struct sched_param sp = { .sched_priority = 50 };

	if (pin_to_cpu(0) || sched_setscheduler(0, SCHED_FIFO, &sp))
		_exit(2);
	while (!sh->hog_exit) {
		if (sh->hog) {
			double end = now() + WALK_HOG_SECS;

			while (now() < end)
				;
			sh->hog = 0;
		}
		usleep(1000);
	}
	_exit(0);
}

static void test_walk_destroy(void)
{
	struct walk_shared *sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint64_t rng = (uint64_t)now() | 1;
	long walks = 0;
	pid_t hog;
	int r;

	if (sh == MAP_FAILED || pin_to_cpu(1)) {
		check(false, "attack.walk-destroy.setup", "%s", errname(errno));
		return;
	}
	memset(sh, 0, sizeof(*sh));
	hog = start_child();
	if (hog == 0)
		walk_hog(sh);
	/* Each round populates 8192 tables: 8 rounds at most. */
	for (r = 0; r < rounds && r < 8; r++) {
		int fd = morsel_create(MORSEL_LEVEL_PUD, WALK_GIB * GIB, MORSEL_F_WRITABLE, 0, 0,
				       NULL);
		pid_t pid;

		if (fd < 0) {
			check(false, "attack.walk-destroy.create", "%s", errname(errno));
			break;
		}
		for (uint64_t i = 0; i < WALK_PAGES; i++)
			morsel_populate(fd, i * 2 * MIB, PAGE);
		sh->walks = 0;
		pid = start_child();
		if (pid == 0) {
			pthread_t t1, t2;

			tlb_attach = map_span(fd, PROT_READ | PROT_WRITE);
			if (tlb_attach == MAP_FAILED)
				_exit(2);
			/* Link it: the walkers go where a link leads. */
			tlb_attach[0] = 1;
			pthread_create(&t1, NULL, walk_mbind, sh);
			pthread_create(&t2, NULL, walk_move_pages, sh);
			pthread_join(t1, NULL);
			pthread_join(t2, NULL);
			_exit(0);
		}
		/* Into the second walk, at a random point of it. */
		while (sh->walks < 1 && waitpid(pid, NULL, WNOHANG) == 0)
			usleep(1000);
		usleep(next_rand(&rng) % 100000);
		sh->hog = 1;
		if (morsel_destroy(fd))
			check(false, "attack.walk-destroy.destroy", "%s", errname(errno));
		while (sh->hog)
			usleep(1000);
		usleep(200000);
		walks += sh->walks;
		sh->stop = 1;
		wait_child(pid, "attack.walk-destroy.walkers");
		sh->stop = 0;
		close(fd);
	}
	sh->hog_exit = 1;
	waitpid(hog, NULL, 0);
	pin_all_cpus();
	printf("attack: walk-destroy: %d rounds, %ld walks\n", r, walks);
	munmap(sh, PAGE);
	counters_back("attack.walk-destroy.counters-zero");
}

/* ---------------------------------------------------------- 3: ro-attach */
/*
 * A second uid gets a read-only fd to a writable morsel (by name, and
 * passed by the owner over a UNIX socket) and tries to attach it
 * read-only: refused at every level, as the leaves it would share are
 * writable and the kernel (KVM through follow_pfnmap_start()) reads
 * permissions from them. Once write-sealed, it may, and cannot write.
 */
static void ro_attacker(void *arg, int sock)
{
	unsigned int level = *(unsigned int *)arg;
	const char *lv = morsel_level_name(level);
	int ctl = fresh_ctl();
	char name[96], n[64];
	int fd;
	void *p;

	snprintf(n, sizeof(n), "attack-ro-%s", lv);
	fd = open_on(ctl, n, O_RDONLY);
	snprintf(name, sizeof(name), "attack.ro-attach.%s.open-rdonly", lv);
	check(fd >= 0, name, "%s", errname(errno));
	p = map_span(fd, PROT_READ);
	snprintf(name, sizeof(name), "attack.ro-attach.%s.by-name-refused", lv);
	check(p == MAP_FAILED && errno == EACCES, name, "read-only attach of writable "
	      "leaves: %s", p == MAP_FAILED ? errname(errno) : "attached");
	close(fd);

	fd = recv_fd_byte(sock);
	snprintf(name, sizeof(name), "attack.ro-attach.%s.passed-fd", lv);
	check(fd >= 0, name, "recvmsg: %s", errname(errno));
	p = map_span(fd, PROT_READ);
	snprintf(name, sizeof(name), "attack.ro-attach.%s.passed-fd-refused", lv);
	check(p == MAP_FAILED && errno == EACCES, name, "read-only attach of writable "
	      "leaves: %s", p == MAP_FAILED ? errname(errno) : "attached");
	close(fd);
	/* Tell the owner it may seal now. */
	if (write(sock, "s", 1) != 1)
		check(false, "attack.ro-attach.notify", "%s", errname(errno));

	/* After SEAL_WRITE: attach read-only, read, no write. */
	fd = recv_fd_byte(sock);
	p = map_span(fd, PROT_READ);
	snprintf(name, sizeof(name), "attack.ro-attach.%s.sealed-attach", lv);
	check(p != MAP_FAILED, name, "%s", errname(errno));
	if (p != MAP_FAILED) {
		uint64_t v = 0;
		int sig;

		probe_init();
		sig = probe_read(p, &v);
		snprintf(name, sizeof(name), "attack.ro-attach.%s.sealed-reads", lv);
		check(!sig && v == MAGIC, name, "%s, value %#llx", signame(sig),
		      (unsigned long long)v);
		sig = probe_write(p, 1);
		snprintf(name, sizeof(name), "attack.ro-attach.%s.sealed-no-write", lv);
		check(sig == SIGSEGV, name, "write gave %s", signame(sig));
		snprintf(name, sizeof(name), "attack.ro-attach.%s.no-mprotect", lv);
		EXPECT_ERR(name, mprotect(p, morsel_level_span(level), PROT_READ | PROT_WRITE),
			   EACCES);
		morsel_detach(p, morsel_level_span(level));
	}
	close(fd);
}

static void test_ro_attach(void)
{
	unsigned int top = l5_paging() ? MORSEL_LEVEL_P4D : MORSEL_LEVEL_PUD;

	for (unsigned int level = MORSEL_LEVEL_PTE; level <= top; level++) {
		const char *lv = morsel_level_name(level);
		int fd = morsel_create(level, 2 * MIB, MORSEL_F_WRITABLE, 0, 0, NULL);
		char n[64], name[96], c;
		int sock, rofd;
		pid_t pid;
		void *p;

		snprintf(n, sizeof(n), "attack-ro-%s", lv);
		if (fd < 0 || morsel_publish(fd, n, 0644)) {
			check(false, "attack.ro-attach.setup", "%s", errname(errno));
			return;
		}
		p = map_span(fd, PROT_READ | PROT_WRITE);
		if (p != MAP_FAILED) {
			*(volatile uint64_t *)p = MAGIC;
			morsel_detach(p, morsel_level_span(level));
		}
		pid = spawn_as(MEMBER_UID, true, &sock, ro_attacker, &level);
		rofd = morsel_open(n, O_RDONLY);
		send_fd(sock, rofd, "f", 1, 0);
		close(rofd);
		/* Seal only once the attacker has tried the writable leaves. */
		if (read(sock, &c, 1) != 1)
			check(false, "attack.ro-attach.wait", "%s", errname(errno));
		snprintf(name, sizeof(name), "attack.ro-attach.%s.seal", lv);
		EXPECT_OK(name, morsel_seal(fd, MORSEL_SEAL_WRITE));
		rofd = morsel_open(n, O_RDONLY);
		send_fd(sock, rofd, "f", 1, 0);
		close(rofd);
		snprintf(name, sizeof(name), "attack.ro-attach.%s.attacker", lv);
		wait_child(pid, name);
		close(sock);
		morsel_unpublish(n);
		destroy_fd(fd);
	}
	counters_back("attack.ro-attach.counters-zero");
}

/* --------------------------------------------------------------- 4: pkey */
/*
 * pkey_mprotect() of an attach (from an O_RDONLY fd, second uid) must not
 * write the caller's protection key into the leaves every sharer uses: the
 * others would fault on their next access (SEGV_PKUERR).
 */
static void pkey_attacker(void *arg, int sock)
{
	int fd = recv_fd_byte(sock);
	void *p = map_span(fd, PROT_READ);
	uint64_t span = morsel_level_span(MORSEL_LEVEL_PMD);
	char done = 'd';
	int key;

	(void)arg;
	check(p != MAP_FAILED, "attack.pkey.attach", "%s", errname(errno));
	if (p == MAP_FAILED)
		return;
	key = syscall(SYS_pkey_alloc, 0, 1 /* PKEY_DISABLE_ACCESS */);
	check(key > 0, "attack.pkey.alloc", "pkey_alloc: %s (no PKU in this CPU?)",
	      errname(errno));
	if (key > 0) {
		EXPECT_ERR("attack.pkey.pkey-mprotect-refused",
			   syscall(SYS_pkey_mprotect, p, span, PROT_READ, key), EACCES);
		EXPECT_OK("attack.pkey.same-mprotect-ok", mprotect(p, span, PROT_READ));
	}
	if (write(sock, &done, 1) != 1)
		check(false, "attack.pkey.notify", "%s", errname(errno));
	morsel_detach(p, span);
	close(fd);
}

static void test_pkey(void)
{
	uint64_t span = morsel_level_span(MORSEL_LEVEL_PMD);
	int fd = morsel_create(MORSEL_LEVEL_PMD, 4 * MIB, MORSEL_F_WRITABLE, 0, 0, NULL);
	volatile uint64_t *p;
	uint64_t v = 0;
	int sock, rofd, sig;
	pid_t pid;
	char c;

	if (fd < 0 || morsel_publish(fd, "attack-pkey", 0644)) {
		check(false, "attack.pkey.setup", "%s", errname(errno));
		return;
	}
	p = map_span(fd, PROT_READ | PROT_WRITE);
	if (p != MAP_FAILED) {
		p[0] = MAGIC;
		morsel_detach((void *)p, span);
	}
	EXPECT_OK("attack.pkey.seal", morsel_seal(fd, MORSEL_SEAL_WRITE));
	pid = spawn_as(MEMBER_UID, true, &sock, pkey_attacker, NULL);
	rofd = morsel_open("attack-pkey", O_RDONLY);
	send_fd(sock, rofd, "f", 1, 0);
	close(rofd);
	if (read(sock, &c, 1) != 1)
		c = 0;
	/* The owner's own attach, after the attacker's attempt. */
	p = map_span(fd, PROT_READ);
	probe_init();
	sig = p == MAP_FAILED ? -1 : probe_read((void *)p, &v);
	check(!sig && v == MAGIC, "attack.pkey.others-still-read",
	      "owner's read: %s, value %#llx", sig < 0 ? errname(errno) : signame(sig),
	      (unsigned long long)v);
	if (p != MAP_FAILED)
		morsel_detach((void *)p, span);
	wait_child(pid, "attack.pkey.attacker");
	close(sock);
	morsel_unpublish("attack-pkey");
	destroy_fd(fd);
	counters_back("attack.pkey.counters-zero");
}

/* ---------------------------------------------------------- 5: load-seal */
/*
 * LOAD reads its source with no morsel lock held; a slow source (here a
 * FUSE file whose reads wait for us) holds it there while the owner seals
 * the morsel against writing. Nothing may reach the morsel after
 * SEAL_WRITE has returned: neither into a hole nor over existing data.
 */
struct load_job {
	int fd, src;
	int64_t ret;
	int err;
};

static void *load_thread(void *arg)
{
	struct load_job *j = arg;

	errno = 0;
	j->ret = morsel_load(j->fd, j->src, 0, 0, PAGE);
	j->err = errno;
	return NULL;
}

static void load_seal_case(struct slow_fuse *fs, const char *tag, bool existing)
{
	int fd = morsel_create(MORSEL_LEVEL_PTE, 2 * MIB, MORSEL_F_WRITABLE, 0, 0, NULL);
	struct load_job job = { .fd = fd };
	char path[128], name[96];
	pthread_t t;
	uint64_t v = 0;
	void *p;
	int sig;

	if (fd < 0) {
		check(false, "attack.load-seal.create", "%s", errname(errno));
		return;
	}
	if (existing) {
		p = map_span(fd, PROT_READ | PROT_WRITE);
		if (p != MAP_FAILED) {
			*(volatile uint64_t *)p = MAGIC;
			morsel_detach(p, 2 * MIB);
		}
	}
	snprintf(path, sizeof(path), "%s/slow", fs->dir);
	job.src = open(path, O_RDONLY);
	snprintf(name, sizeof(name), "attack.load-seal.%s.open-source", tag);
	check(job.src >= 0, name, "%s: %s", path, errname(errno));
	if (job.src < 0)
		goto out;
	pthread_create(&t, NULL, load_thread, &job);
	snprintf(name, sizeof(name), "attack.load-seal.%s.load-waits", tag);
	check(slow_fuse_wait_read(fs, 30), name, "LOAD never read its source");
	snprintf(name, sizeof(name), "attack.load-seal.%s.seal", tag);
	EXPECT_OK(name, morsel_seal(fd, MORSEL_SEAL_WRITE));
	slow_fuse_release(fs);
	pthread_join(t, NULL);
	snprintf(name, sizeof(name), "attack.load-seal.%s.load-refused", tag);
	check(job.ret == -1 && job.err == EPERM, name, "LOAD returned %lld (%s)",
	      (long long)job.ret, errname(job.err));
	snprintf(name, sizeof(name), "attack.load-seal.%s.pages", tag);
	check(info_of(fd).pages == (existing ? 1 : 0), name, "%llu pages",
	      (unsigned long long)info_of(fd).pages);
	p = map_span(fd, PROT_READ);
	probe_init();
	sig = p == MAP_FAILED ? -1 : probe_read(p, &v);
	snprintf(name, sizeof(name), "attack.load-seal.%s.unchanged", tag);
	check(!sig && v == (existing ? MAGIC : 0), name,
	      "after SEAL_WRITE the page holds %#llx (%s)", (unsigned long long)v,
	      sig < 0 ? errname(errno) : signame(sig));
	if (p != MAP_FAILED)
		morsel_detach(p, 2 * MIB);
	close(job.src);
out:
	destroy_fd(fd);
}

static void test_load_seal(void)
{
	struct slow_fuse fs;

	if (slow_fuse_start(&fs, "/tmp/attack-fuse")) {
		check(false, "attack.load-seal.mount", "FUSE: %s (CONFIG_FUSE_FS?)",
		      errname(errno));
		return;
	}
	load_seal_case(&fs, "hole", false);
	slow_fuse_stop(&fs);
	if (slow_fuse_start(&fs, "/tmp/attack-fuse")) {
		check(false, "attack.load-seal.remount", "%s", errname(errno));
		return;
	}
	load_seal_case(&fs, "existing", true);
	slow_fuse_stop(&fs);
	counters_back("attack.load-seal.counters-zero");
}

/* -------------------------------------------------------------- 6: owner */
static void device_prober(void *arg, int sock)
{
	bool member = *(bool *)arg;
	int ctl = fresh_ctl();

	(void)sock;
	if (member)
		check(ctl >= 0, "attack.owner.member-opens-device", "%s", errname(errno));
	else
		check(ctl < 0 && errno == EACCES, "attack.owner.stranger-denied",
		      "open gave %s", ctl < 0 ? errname(errno) : "an fd");
	if (ctl >= 0)
		close(ctl);
}

/* Holds an O_RDWR fd passed by the owner: use, not ownership. */
static void republisher(void *arg, int sock)
{
	int fd = recv_fd_byte(sock);
	struct morsel_info i;

	(void)arg;
	check(fd >= 0, "attack.owner.fd-passed", "%s", errname(errno));
	EXPECT_ERR("attack.owner.republish-refused",
		   morsel_publish(fd, "attack-stolen", 0666), EPERM);
	EXPECT_ERR("attack.owner.destroy-refused", morsel_destroy(fd), EPERM);
	i = info_of(fd);
	check(i.uid == 0 && i.name[0] == 0, "attack.owner.still-roots",
	      "owner uid %u, name '%s'", i.uid, i.name);
	EXPECT_OK("attack.owner.fd-grants-use", morsel_populate(fd, 0, PAGE));
	close(fd);
}

/* As MEMBER_UID: fill a PMD-table morsel sparsely until the limit. */
static void limit_filler(void *arg, int sock)
{
	long limit = *(long *)arg;
	int ctl = fresh_ctl(), fd, err = 0;
	struct morsel_info i;
	uint64_t off;

	(void)sock;
	fd = create_on(ctl, MORSEL_LEVEL_PMD, GIB, 0);
	check(fd >= 0, "attack.owner.limit-create", "%s", errname(errno));
	if (fd < 0)
		return;
	/* One page per PTE table: tables are half of what is pinned. */
	for (off = 0; off < GIB; off += 2 * MIB) {
		if (morsel_populate(fd, off, PAGE)) {
			err = errno;
			break;
		}
	}
	i = info_of(fd);
	check(err == EDQUOT, "attack.owner.limit-edquot", "populate ended with %s",
	      errname(err));
	check(i.pages + i.tables <= (uint64_t)limit && i.pages + i.tables >= (uint64_t)limit - 1,
	      "attack.owner.limit-counts-tables", "%llu pages + %llu tables, limit %ld",
	      (unsigned long long)i.pages, (unsigned long long)i.tables, limit);
	/* Published, it outlives this process and still counts. */
	EXPECT_OK("attack.owner.limit-publish", morsel_publish(fd, "attack-limit", 0600));
	close(fd);
}

static void limit_second(void *arg, int sock)
{
	int ctl = fresh_ctl(), fd;

	(void)arg;
	(void)sock;
	fd = create_on(ctl, MORSEL_LEVEL_PTE, 2 * MIB, 0);
	if (fd >= 0)
		EXPECT_ERR("attack.owner.limit-outlives-process",
			   morsel_populate(fd, 0, 4 * PAGE), EDQUOT);
	else
		check(errno == EDQUOT, "attack.owner.limit-outlives-process", "create: %s",
		      errname(errno));
}

static long meminfo_kb(const char *key)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, strlen(key)))
			sscanf(line + strlen(key), ": %ld", &v);
	}
	if (f)
		fclose(f);
	return v;
}

static long long cg_read(const char *cg, const char *file)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/%s", cg, file);
	return read_number(path);
}

static bool cg_write(const char *cg, const char *file, const char *val)
{
	char path[128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/%s", cg, file);
	f = fopen(path, "w");
	if (!f)
		return false;
	ok = fputs(val, f) >= 0;
	return !fclose(f) && ok;
}

static bool cg_enter(const char *cg)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d\n", getpid());
	return cg_write(cg, "cgroup.procs", pid);
}

/*
 * Pages and tables are charged to the creator's memory cgroup: its
 * memory.max bounds them, and a process of another cgroup that attaches
 * and touches everything is not charged for them.
 */
static void test_memcg(void)
{
	const uint64_t have = 16 * MIB;
	long long before, after, other_before, other_after;
	pid_t pid;
	int fd;

	mkdir("/sys/fs/cgroup", 0755);
	if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL) && errno != EBUSY) {
		check(false, "attack.owner.memcg-mount", "%s", errname(errno));
		return;
	}
	cg_write(".", "cgroup.subtree_control", "+memory");
	mkdir("/sys/fs/cgroup/attack-a", 0755);
	mkdir("/sys/fs/cgroup/attack-b", 0755);
	if (!cg_write("attack-a", "memory.max", "33554432")) {
		check(false, "attack.owner.memcg-setup", "memory.max: %s", errname(errno));
		return;
	}
	pid = start_child();
	if (pid == 0) {
		int f;

		cg_enter("attack-a");
		f = morsel_create(MORSEL_LEVEL_PMD, 64 * MIB, MORSEL_F_WRITABLE, 0, 0, NULL);
		before = cg_read("attack-a", "memory.current");
		EXPECT_OK("attack.owner.memcg-populate", morsel_populate(f, 0, have));
		after = cg_read("attack-a", "memory.current");
		/* Charges are batched per CPU (MEMCG_CHARGE_BATCH pages each). */
		check(after - before >= (long long)(have - MIB), "attack.owner.memcg-charged",
		      "memory.current grew by %lld for %llu bytes", after - before,
		      (unsigned long long)have);
		EXPECT_OK("attack.owner.memcg-publish", morsel_publish(f, "attack-memcg", 0600));
		/* Beyond memory.max: fails (or the memcg OOM killer ends us). */
		EXPECT_ERR("attack.owner.memcg-max", morsel_populate(f, have, 48 * MIB),
			   ENOMEM);
		end_child();
	}
	waitpid(pid, NULL, 0);
	/* An OOM-killed charger may overshoot by what it had in flight. */
	check(cg_read("attack-a", "memory.current") <= 33 * (long long)MIB,
	      "attack.owner.memcg-within-max", "memory.current %lld",
	      cg_read("attack-a", "memory.current"));
	pid = start_child();
	if (pid == 0) {
		uint64_t span = morsel_level_span(MORSEL_LEVEL_PMD);
		volatile char *p;
		uint64_t sum = 0;
		struct morsel_info i;

		cg_enter("attack-b");
		fd = morsel_open("attack-memcg", O_RDWR);
		i = info_of(fd);
		other_before = cg_read("attack-b", "memory.current");
		p = map_span(fd, PROT_READ | PROT_WRITE);
		if (p != MAP_FAILED) {
			for (uint64_t off = 0; off < i.pages * PAGE; off += PAGE)
				sum += p[off];
		}
		other_after = cg_read("attack-b", "memory.current");
		check(p != MAP_FAILED && other_after - other_before < (long long)MIB,
		      "attack.owner.memcg-not-the-mapper",
		      "a mapper's cgroup grew by %lld bytes touching %llu pages (sum %llu)",
		      other_after - other_before, (unsigned long long)i.pages,
		      (unsigned long long)sum);
		if (p != MAP_FAILED)
			morsel_detach((void *)p, span);
		EXPECT_OK("attack.owner.memcg-destroy", morsel_destroy(fd));
		end_child();
	}
	wait_child(pid, "attack.owner.memcg-mapper");
	rmdir("/sys/fs/cgroup/attack-a");
	rmdir("/sys/fs/cgroup/attack-b");
}

static void test_owner(void)
{
	struct stat st = { 0 };
	bool member;
	long def, limit = 300;
	int sock, fd, err;
	pid_t pid;

	/* stat() first: the arguments of check() are evaluated in any order. */
	err = stat(MORSEL_DEVICE, &st) ? errno : 0;
	check(!err && (st.st_mode & 0777) == 0660, "attack.owner.device-mode",
	      "mode %o (%s)", st.st_mode & 0777, err ? errname(err) : "stat ok");
	member = false;
	pid = spawn_as(STRANGER_UID, false, &sock, device_prober, &member);
	wait_child(pid, "attack.owner.stranger");
	close(sock);
	member = true;
	pid = spawn_as(MEMBER_UID, true, &sock, device_prober, &member);
	wait_child(pid, "attack.owner.member");
	close(sock);

	/* An fd passed to another uid grants use, not ownership. */
	fd = morsel_create(MORSEL_LEVEL_PTE, 2 * MIB, MORSEL_F_WRITABLE, 0, 0, NULL);
	EXPECT_OK("attack.owner.publish", morsel_publish(fd, "attack-owned", 0600));
	EXPECT_OK("attack.owner.unpublish", morsel_unpublish("attack-owned"));
	pid = spawn_as(MEMBER_UID, true, &sock, republisher, NULL);
	send_fd(sock, fd, "f", 1, 0);
	wait_child(pid, "attack.owner.republisher");
	close(sock);
	check(info_of(fd).uid == 0 && info_of(fd).mode == 0600, "attack.owner.unchanged",
	      "uid %u mode %o", info_of(fd).uid, info_of(fd).mode);
	destroy_fd(fd);

	/* A default limit, a quarter of RAM. */
	def = read_param("max_pages_per_user");
	check(def > 0 && labs(def - meminfo_kb("MemTotal") / 16) <= def / 100 + 1,
	      "attack.owner.default-limit", "max_pages_per_user %ld, MemTotal %ld kB", def,
	      meminfo_kb("MemTotal"));
	check(write_param("max_pages_per_user", limit), "attack.owner.set-limit", "%s",
	      errname(errno));
	pid = spawn_as(MEMBER_UID, true, &sock, limit_filler, &limit);
	wait_child(pid, "attack.owner.limit-filler");
	close(sock);
	pid = spawn_as(MEMBER_UID, true, &sock, limit_second, NULL);
	wait_child(pid, "attack.owner.limit-second");
	close(sock);
	fd = morsel_open("attack-limit", O_RDWR);
	EXPECT_OK("attack.owner.root-destroys", morsel_destroy(fd));
	close(fd);
	write_param("max_pages_per_user", def);
	test_memcg();
	counters_back("attack.owner.counters-zero");
}

/* ----------------------------------------------------------------- main */
static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "tlb-munmap", test_tlb_munmap },
	{ "walk-destroy", test_walk_destroy },
	{ "ro-attach", test_ro_attach },
	{ "pkey", test_pkey },
	{ "load-seal", test_load_seal },
	{ "owner", test_owner },
};

int main(int argc, char **argv)
{
	struct stat st;
	int i = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	test_prefix = "morsel";
	if (argc > 2 && !strcmp(argv[1], "--rounds")) {
		rounds = atoi(argv[2]);
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: %s [--rounds N] TEST...\n", argv[0]);
		return 2;
	}
	if (getuid() != 0 || stat(MORSEL_DEVICE, &st)) {
		fprintf(stderr, "%s: run as root with morsel.ko loaded\n", argv[0]);
		return 2;
	}
	dev_gid = st.st_gid;
	for (; i < argc; i++) {
		size_t t;

		for (t = 0; t < sizeof(tests) / sizeof(tests[0]); t++) {
			if (!strcmp(argv[i], tests[t].name))
				break;
		}
		if (t == sizeof(tests) / sizeof(tests[0])) {
			fprintf(stderr, "%s: no test %s\n", argv[0], argv[i]);
			return 2;
		}
		printf("attack: %s\n", tests[t].name);
		tests[t].fn();
	}
	return failures ? 1 : 0;
}
