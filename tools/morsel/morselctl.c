// SPDX-License-Identifier: GPL-2.0
/*
 * morselctl: create, load, publish, list, inspect and destroy morsels from
 * the shell. A morsel made here outlives the command only through its
 * published name (the name registry holds a reference), so `create` wants
 * -p NAME; later commands find it by that name. morselctl(1) (man/morselctl.1)
 * describes every command and its output.
 *
 * Exit status: 0 done, 1 the operation failed, 2 usage error; every error is
 * one line on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libmorsel.h"

#ifndef MORSEL_VERSION
#define MORSEL_VERSION "(built outside a release)"
#endif

#define LIST_PATH	"/sys/kernel/debug/morsel/list"
#define LIST_HEADER	"id name level length span pages tables attaches pids"
#define SYSFS_DIR	"/sys/kernel/mm/morsel"
#define PAGE_BYTES	4096ull

static const char *prog = "morselctl";
static const char *cmd = "";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s COMMAND [ARGS]\n"
		"  create [-l LEVEL] [-w] [-x] [-S] [-f ADDR] [-L FILE] [-P] [-s SEALS]\n"
		"         -p NAME [-m MODE] SIZE\n"
		"                         new morsel of SIZE bytes (K/M/G/T suffixes,\n"
		"                         fractions allowed: 6.82G); LEVEL pte|pmd|pud|p4d\n"
		"                         (default: smallest that fits); -w writable,\n"
		"                         -x executable, -S SIGBUS on holes, -f fixed\n"
		"                         address; -L load FILE; -P populate all;\n"
		"                         -s seal; -p publish as NAME with MODE (0600)\n"
		"  load [-o OFFSET] NAME FILE   copy FILE into the morsel at OFFSET\n"
		"  publish [-m MODE] [-d FD] NAME   publish the morsel open as FD (3)\n"
		"  unpublish NAME         drop the name (the morsel goes with its last user)\n"
		"  list                   every morsel (debugfs, root) and the totals (sysfs)\n"
		"  info NAME              what MORSEL_IOC_INFO says about NAME\n"
		"  dump [-H SECONDS] NAME [OFFSET [LENGTH]]\n"
		"                         attach (read-only where possible), copy bytes\n"
		"                         to stdout, keep the attachment SECONDS longer\n"
		"  populate|discard NAME [OFFSET LENGTH]\n"
		"  seal NAME write|discard|all\n"
		"  revoke NAME            unlink every attachment (they relink on touch)\n"
		"  destroy NAME           end the morsel for everybody\n"
		"  help | version\n"
		"See morselctl(1).\n",
		prog);
}

/* A usage error: one line, exit status 2. */
static int bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s%s", prog, cmd, *cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see '%s help')\n", prog);
	return 2;
}

/* A failed operation: one line with errno's text, exit status 1. */
static int fail(const char *what, const char *name)
{
	int err = errno;

	fprintf(stderr, "%s: %s%s%s: %s\n", prog, what, name ? " " : "",
		name ? name : "", strerror(err));
	return 1;
}

/*
 * /dev/morsel itself: say why it cannot be opened, the most common first
 * error (module not loaded, caller not in the group).
 */
static int need_device(void)
{
	const char *hint = "";

	if (morsel_ctl_fd() >= 0)
		return 0;
	if (errno == ENOENT || errno == ENXIO || errno == ENODEV)
		hint = " (is morsel.ko loaded?)";
	else if (errno == EACCES || errno == EPERM)
		hint = " (only root and members of group morsel may use it)";
	fprintf(stderr, "%s: cannot open %s: %s%s\n", prog, MORSEL_DEVICE,
		strerror(errno), hint);
	return 1;
}

/* Decimal, or hexadecimal after 0x (no octal: 010 is ten). */
static unsigned long long to_u64(const char *s, char **end)
{
	unsigned long long v;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		v = strtoull(s + 2, end, 16);
		if (*end == s + 2)	/* no digits: "0x" alone */
			*end = (char *)s;
		return v;
	}
	return strtoull(s, end, 10);
}

/*
 * A byte count: digits (decimal, or hexadecimal after 0x) with an optional binary
 * suffix K, M, G, T (also KiB, KB, ...). ROUND: fractions allowed (6.82G),
 * rounded up to whole 4 KiB pages; else the value must be a whole number
 * of bytes and is taken exactly.
 */
static int parse_bytes(const char *s, uint64_t *out, int round)
{
	static const char suffixes[] = "kmgt";
	const char *p;
	char *end;
	int shift = 0;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	if (round) {
		long double v = strtold(s, &end);

		if (errno || end == s || v < 0)
			return -1;
		s = end;
		if (*end) {
			p = strchr(suffixes, *end | 0x20);
			if (!p || (end[1] && strcasecmp(end + 1, "ib") && strcasecmp(end + 1, "b")))
				return -1;
			for (long i = 0; i <= p - suffixes; i++)
				v *= 1024;
		}
		if (v > (long double)(UINT64_MAX - PAGE_BYTES))
			return -1;
		*out = (uint64_t)v;
		if ((long double)*out < v)
			(*out)++;
		*out = (*out + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1);
		return 0;
	}
	*out = to_u64(s, &end);
	if (errno || end == s)
		return -1;
	if (*end) {
		p = strchr(suffixes, *end | 0x20);
		if (!p || (end[1] && strcasecmp(end + 1, "ib") && strcasecmp(end + 1, "b")))
			return -1;
		shift = 10 * (int)(p - suffixes + 1);
		if (*out > (UINT64_MAX >> shift))
			return -1;
		*out <<= shift;
	}
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*out = to_u64(s, &end);
	return errno || end == s || *end ? -1 : 0;
}

/* Permission bits, octal like chmod: 0644 or 644. */
static int parse_mode(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 8);
	return errno || end == s || *end || *out > 0777 ? -1 : 0;
}

static int parse_seals(const char *s, unsigned int *seals)
{
	if (!strcmp(s, "write"))
		*seals = MORSEL_SEAL_WRITE;
	else if (!strcmp(s, "discard"))
		*seals = MORSEL_SEAL_DISCARD;
	else if (!strcmp(s, "all"))
		*seals = MORSEL_SEAL_ALL;
	else
		return -1;
	return 0;
}

/* After getopt(":..."): an unknown option, a missing or a bad value. */
static int bad_option(int opt)
{
	if (opt == ':')
		return bad("option -%c needs an argument", optopt);
	if (opt == '?')
		return bad("unknown option -%c", optopt);
	return bad("option -%c: bad value '%s'", opt, optarg);
}

static void print_info(const struct morsel_info *i)
{
	static const char *const fnames[] = { "writable", "exec", "fill-sigbus", "fixed-addr" };
	int first = 1;

	printf("id         %u\n", i->id);
	printf("name       %s\n", i->name[0] ? i->name : "-");
	printf("level      %s (span %llu bytes)\n", morsel_level_name(i->level),
	       (unsigned long long)i->span);
	printf("length     %llu bytes\n", (unsigned long long)i->length);
	printf("flags      ");
	for (unsigned int b = 0; b < 4; b++) {
		if (i->flags & (1u << b)) {
			printf("%s%s", first ? "" : ",", fnames[b]);
			first = 0;
		}
	}
	printf("%s\n", first ? "-" : "");
	if (i->flags & MORSEL_F_FIXED_ADDR)
		printf("fixed_addr 0x%llx\n", (unsigned long long)i->fixed_addr);
	printf("seals      %s\n", (i->seals & MORSEL_SEAL_ALL) == MORSEL_SEAL_ALL ? "write,discard" :
	       i->seals & MORSEL_SEAL_WRITE ? "write" :
	       i->seals & MORSEL_SEAL_DISCARD ? "discard" : "-");
	printf("pages      %llu (%llu KiB)\n", (unsigned long long)i->pages,
	       (unsigned long long)i->pages * 4);
	printf("tables     %llu\n", (unsigned long long)i->tables);
	printf("attaches   %llu\n", (unsigned long long)i->attaches);
	printf("owner      uid %u gid %u mode %04o\n", i->uid, i->gid, i->mode);
}

static int open_name(const char *name, int oflags)
{
	int fd;

	if (need_device())
		return -1;
	fd = morsel_open(name, oflags | O_CLOEXEC);
	if (fd < 0)
		fail("cannot open", name);
	return fd;
}

static int cmd_create(int argc, char **argv)
{
	const char *publish = NULL, *load = NULL;
	unsigned int flags = 0, seals = 0;
	uint64_t size, fixed = 0, mode = 0600;
	int level = -1, populate = 0, opt, fd;
	struct morsel_create c;
	struct morsel_info info;

	while ((opt = getopt(argc, argv, ":l:wxSf:p:m:L:Ps:")) != -1) {
		switch (opt) {
		case 'l':
			level = morsel_level_parse(optarg);
			if (level < 0)
				return bad("bad level '%s' (pte, pmd, pud or p4d)", optarg);
			break;
		case 'w':
			flags |= MORSEL_F_WRITABLE;
			break;
		case 'x':
			flags |= MORSEL_F_EXEC;
			break;
		case 'S':
			flags |= MORSEL_F_FILL_SIGBUS;
			break;
		case 'f':
			if (parse_u64(optarg, &fixed))
				return bad_option(opt);
			flags |= MORSEL_F_FIXED_ADDR;
			break;
		case 'p':
			publish = optarg;
			break;
		case 'm':
			if (parse_mode(optarg, &mode))
				return bad("bad mode '%s' (octal, at most 0777)", optarg);
			break;
		case 'L':
			load = optarg;
			break;
		case 'P':
			populate = 1;
			break;
		case 's':
			if (parse_seals(optarg, &seals))
				return bad("bad seal '%s' (write, discard or all)", optarg);
			break;
		default:
			return bad_option(opt);
		}
	}
	if (optind + 1 != argc)
		return bad("needs exactly one SIZE (e.g. 64M, 6.82G)");
	if (parse_bytes(argv[optind], &size, 1) || !size)
		return bad("bad SIZE '%s' (bytes, K/M/G/T suffixes, not 0)", argv[optind]);
	if (!publish)
		return bad("needs -p NAME: without a name the morsel would end when this command exits");
	if (level < 0) {
		level = morsel_level_for(size);
		if (level < 0)
			return bad("SIZE %s is larger than the largest level (p4d, 256 TiB)",
				   argv[optind]);
	}
	if (need_device())
		return 1;
	fd = morsel_create((unsigned int)level, size, flags, fixed, O_CLOEXEC, &c);
	if (fd < 0)
		return fail("create", publish);
	if (load) {
		int64_t n = morsel_load_file(fd, load, 0);

		if (n < 0) {
			fail("create: load", load);
			goto undo;
		}
		printf("loaded %" PRId64 " bytes from %s\n", n, load);
	}
	if (populate && morsel_populate(fd, 0, size)) {
		fail("create: populate", publish);
		goto undo;
	}
	if (seals && morsel_seal(fd, seals)) {
		fail("create: seal", publish);
		goto undo;
	}
	if (morsel_publish(fd, publish, (mode_t)mode)) {
		fail("create: publish", publish);
		goto undo;
	}
	if (morsel_info(fd, &info)) {
		fail("create: info", publish);
		close(fd);
		return 1;
	}
	print_info(&info);
	close(fd);
	return 0;
undo:
	/* Nothing published: closing the fd ends it; destroy says so at once. */
	morsel_destroy(fd);
	close(fd);
	return 1;
}

static int cmd_load(int argc, char **argv)
{
	uint64_t offset = 0;
	int64_t n;
	int opt, fd;

	while ((opt = getopt(argc, argv, ":o:")) != -1) {
		if (opt == 'o' && !parse_bytes(optarg, &offset, 0))
			continue;
		return bad_option(opt);
	}
	if (optind + 2 != argc)
		return bad("needs NAME and FILE");
	if (offset % PAGE_BYTES)
		return bad("OFFSET %" PRIu64 " is not a multiple of 4096", offset);
	fd = open_name(argv[optind], O_RDWR);
	if (fd < 0)
		return 1;
	n = morsel_load_file(fd, argv[optind + 1], offset);
	if (n < 0) {
		fail("load", argv[optind + 1]);
		close(fd);
		return 1;
	}
	printf("loaded %" PRId64 " bytes from %s at offset %" PRIu64 "\n", n,
	       argv[optind + 1], offset);
	close(fd);
	return 0;
}

static int cmd_publish(int argc, char **argv)
{
	uint64_t mode = 0600, fd = 3;
	int opt;

	while ((opt = getopt(argc, argv, ":m:d:")) != -1) {
		if (opt == 'm' && !parse_mode(optarg, &mode))
			continue;
		if (opt == 'd' && !parse_u64(optarg, &fd) && fd <= 65535)
			continue;
		return bad_option(opt);
	}
	if (optind + 1 != argc)
		return bad("needs one NAME");
	if (morsel_publish((int)fd, argv[optind], (mode_t)mode))
		return fail("publish", argv[optind]);
	return 0;
}

/* One line of the debugfs listing. */
struct list_row {
	unsigned int id, level;
	char name[MORSEL_NAME_MAX];
	unsigned long long length, span, pages, tables, attaches;
	char pids[256];
};

static int cmd_list(int argc, char **argv)
{
	static const char *const names[] = { "morsels", "pages", "tables", "attaches" };
	long long totals[4];
	struct list_row *rows = NULL, *r;
	size_t nrows = 0, cap = 0;
	char line[1024];
	FILE *f;
	int ret = 1;

	(void)argv;
	if (argc != 1)
		return bad("takes no arguments");
	/* All state first: print nothing unless all of it could be read. */
	for (unsigned int i = 0; i < 4; i++) {
		totals[i] = morsel_counter(names[i]);
		if (totals[i] < 0) {
			if (errno == ENOENT)
				fprintf(stderr, "%s: list: no %s/%s: morsel.ko is not loaded\n",
					prog, SYSFS_DIR, names[i]);
			else
				fprintf(stderr, "%s: list: cannot read %s/%s: %s\n", prog,
					SYSFS_DIR, names[i], strerror(errno));
			return 1;
		}
	}
	f = fopen(LIST_PATH, "r");
	if (!f) {
		fprintf(stderr, "%s: list: cannot read %s: %s (%s)\n", prog, LIST_PATH,
			strerror(errno), errno == ENOENT ?
			"debugfs not mounted on /sys/kernel/debug?" :
			"the listing is for root only; the totals are in " SYSFS_DIR);
		return 1;
	}
	if (!fgets(line, sizeof(line), f) || strcmp(line, LIST_HEADER "\n")) {
		fprintf(stderr, "%s: list: %s does not start with '%s' (a morsel.ko of another version?)\n",
			prog, LIST_PATH, LIST_HEADER);
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		if (nrows == cap) {
			cap = cap ? 2 * cap : 16;
			r = realloc(rows, cap * sizeof(*rows));
			if (!r) {
				fail("list", NULL);
				goto out;
			}
			rows = r;
		}
		r = &rows[nrows];
		if (sscanf(line, "%u %63s %u %llu %llu %llu %llu %llu %255s", &r->id, r->name,
			   &r->level, &r->length, &r->span, &r->pages, &r->tables,
			   &r->attaches, r->pids) != 9) {
			fprintf(stderr, "%s: list: cannot parse line %zu of %s\n", prog,
				nrows + 2, LIST_PATH);
			goto out;
		}
		nrows++;
	}
	if (ferror(f)) {
		fail("list: read", LIST_PATH);
		goto out;
	}
	printf("%-4s %-16s %-5s %13s %9s %6s %8s %s\n", "ID", "NAME", "LEVEL",
	       "LENGTH", "PAGES", "TABLES", "ATTACHES", "PIDS");
	for (size_t i = 0; i < nrows; i++) {
		r = &rows[i];
		printf("%-4u %-16s %-5s %13llu %9llu %6llu %8llu %s\n", r->id, r->name,
		       morsel_level_name(r->level), r->length, r->pages, r->tables,
		       r->attaches, r->pids);
	}
	printf("total: morsels %lld, pages %lld, tables %lld, attaches %lld\n",
	       totals[0], totals[1], totals[2], totals[3]);
	ret = 0;
out:
	free(rows);
	fclose(f);
	return ret;
}

static int cmd_info(int argc, char **argv)
{
	struct morsel_info info;
	int fd;

	if (argc != 2)
		return bad("needs one NAME");
	fd = open_name(argv[1], O_RDONLY);
	if (fd < 0)
		return 1;
	if (morsel_info(fd, &info)) {
		fail("info", argv[1]);
		close(fd);
		return 1;
	}
	print_info(&info);
	close(fd);
	return 0;
}

static int cmd_dump(int argc, char **argv)
{
	struct morsel_info info;
	uint64_t offset = 0, length = 0, span, hold = 0;
	const char *name;
	char *p;
	int fd, opt, ret = 1;

	while ((opt = getopt(argc, argv, ":H:")) != -1) {
		if (opt == 'H' && !parse_u64(optarg, &hold) && hold <= 86400)
			continue;
		return bad_option(opt);
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 3)
		return bad("needs NAME [OFFSET [LENGTH]]");
	name = argv[0];
	if (argc > 1 && parse_bytes(argv[1], &offset, 0))
		return bad("bad OFFSET '%s'", argv[1]);
	if (argc > 2 && parse_bytes(argv[2], &length, 0))
		return bad("bad LENGTH '%s'", argv[2]);
	fd = open_name(name, O_RDONLY);
	if (fd < 0)
		return 1;
	if (morsel_info(fd, &info)) {
		fail("info", name);
		goto out;
	}
	if (offset > info.length) {
		fprintf(stderr, "%s: dump %s: OFFSET %" PRIu64 " is beyond its length %llu\n",
			prog, name, offset, (unsigned long long)info.length);
		goto out;
	}
	if (argc < 3 || length > info.length - offset)
		length = info.length - offset;
	p = morsel_attach(fd, NULL, PROT_READ, &span);
	if (p == MAP_FAILED && errno == EACCES) {
		/*
		 * A writable morsel that is not write-sealed cannot be
		 * attached read-only (its shared leaves are writable):
		 * attach read-write, which needs write rights on the name.
		 */
		close(fd);
		fd = open_name(name, O_RDWR);
		if (fd < 0)
			return 1;
		p = morsel_attach(fd, NULL, PROT_READ | PROT_WRITE, &span);
	}
	if (p == MAP_FAILED) {
		fail("attach", name);
		goto out;
	}
	if (fwrite(p + offset, 1, length, stdout) != length || fflush(stdout)) {
		fail("dump: write to", "stdout");
	} else {
		/* -H: keep the attachment a while (to see it in `list`, /proc/PID/maps). */
		if (hold)
			sleep((unsigned int)hold);
		ret = 0;
	}
	morsel_detach(p, span);
out:
	close(fd);
	return ret;
}

static int cmd_range(int argc, char **argv, int discard)
{
	const char *what = discard ? "discard" : "populate";
	struct morsel_info info;
	uint64_t offset = 0, length = 0;
	int fd, ret;

	if (argc != 2 && argc != 4)
		return bad("needs NAME [OFFSET LENGTH]");
	if (argc == 4 && (parse_bytes(argv[2], &offset, 0) || parse_bytes(argv[3], &length, 0)))
		return bad("bad OFFSET or LENGTH ('%s' '%s')", argv[2], argv[3]);
	if (offset % PAGE_BYTES || length % PAGE_BYTES)
		return bad("OFFSET and LENGTH must be multiples of 4096");
	fd = open_name(argv[1], O_RDWR);
	if (fd < 0)
		return 1;
	if (argc == 2) {
		if (morsel_info(fd, &info)) {
			fail("info", argv[1]);
			close(fd);
			return 1;
		}
		length = info.length;
	}
	ret = discard ? morsel_discard(fd, offset, length) : morsel_populate(fd, offset, length);
	if (ret)
		fail(what, argv[1]);
	close(fd);
	return ret ? 1 : 0;
}

static int cmd_simple(int argc, char **argv)
{
	unsigned int seals = 0;
	int fd, ret;

	if (!strcmp(cmd, "seal")) {
		if (argc != 3)
			return bad("needs NAME and write, discard or all");
		if (parse_seals(argv[2], &seals))
			return bad("bad seal '%s' (write, discard or all)", argv[2]);
	} else if (argc != 2) {
		return bad("needs one NAME");
	}
	if (!strcmp(cmd, "unpublish")) {
		if (need_device())
			return 1;
		if (morsel_unpublish(argv[1]))
			return fail("unpublish", argv[1]);
		return 0;
	}
	fd = open_name(argv[1], O_RDWR);
	if (fd < 0)
		return 1;
	if (!strcmp(cmd, "seal"))
		ret = morsel_seal(fd, seals);
	else if (!strcmp(cmd, "revoke"))
		ret = morsel_revoke(fd);
	else
		ret = morsel_destroy(fd);
	if (ret)
		fail(cmd, argv[1]);
	close(fd);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return bad("no command");
	argv++;
	argc--;
	optind = 1;
	/* getopt's messages would be a second line: commands report errors. */
	opterr = 0;
	if (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[0], "version") || !strcmp(argv[0], "--version")) {
		printf("morselctl %s\n", MORSEL_VERSION);
		return 0;
	}
	cmd = argv[0];
	if (!strcmp(cmd, "create"))
		return cmd_create(argc, argv);
	if (!strcmp(cmd, "load"))
		return cmd_load(argc, argv);
	if (!strcmp(cmd, "publish"))
		return cmd_publish(argc, argv);
	if (!strcmp(cmd, "list"))
		return cmd_list(argc, argv);
	if (!strcmp(cmd, "info"))
		return cmd_info(argc, argv);
	if (!strcmp(cmd, "dump"))
		return cmd_dump(argc, argv);
	if (!strcmp(cmd, "populate") || !strcmp(cmd, "discard"))
		return cmd_range(argc, argv, !strcmp(cmd, "discard"));
	if (!strcmp(cmd, "seal") || !strcmp(cmd, "revoke") ||
	    !strcmp(cmd, "destroy") || !strcmp(cmd, "unpublish"))
		return cmd_simple(argc, argv);
	cmd = "";
	return bad("unknown command '%s'", argv[0]);
}
