// SPDX-License-Identifier: GPL-2.0
/*
 * morselctl: create, load, publish, list, inspect and destroy morsels from
 * the shell. A morsel made here outlives the command only through its
 * published name (the name registry holds a reference), so `create` wants
 * --publish NAME; later commands find it by that name. docs/morselctl.md.
 *
 * Exit status: 0 done, 1 the operation failed (message on stderr), 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libmorsel.h"

#define LIST_PATH "/sys/kernel/debug/morsel/list"

static const char *prog = "morselctl";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s COMMAND [ARGS]\n"
		"  create [-l LEVEL] [-w] [-x] [-S] [-f ADDR] [-p NAME [-m MODE]]\n"
		"         [-L FILE] [-P] [-s SEALS] SIZE\n"
		"                         new morsel of SIZE bytes (K/M/G/T suffixes,\n"
		"                         fractions allowed: 6.82G); LEVEL pte|pmd|pud|p4d\n"
		"                         (default: smallest that fits); -w writable,\n"
		"                         -x executable, -S SIGBUS on holes, -f fixed\n"
		"                         address; -p publish as NAME with MODE (0600);\n"
		"                         -L load FILE; -P populate all; -s seal\n"
		"  load [-o OFFSET] NAME FILE   copy FILE into the morsel at OFFSET\n"
		"  publish [-m MODE] [-d FD] NAME   publish the morsel open as FD (3)\n"
		"  unpublish NAME         drop the name (the morsel goes with its last user)\n"
		"  list                   morsels (debugfs) and global counters (sysfs)\n"
		"  info NAME              what MORSEL_IOC_INFO says\n"
		"  dump [-H SECONDS] NAME [OFFSET [LENGTH]]\n"
		"                         attach (read-only where possible), copy bytes\n"
		"                         to stdout, keep the attachment SECONDS longer\n"
		"  populate|discard NAME [OFFSET LENGTH]\n"
		"  seal NAME write|discard|all\n"
		"  revoke NAME            unlink every attachment (they relink on touch)\n"
		"  destroy NAME           end the morsel for everybody\n",
		prog);
}

static int fail(const char *what, const char *name)
{
	fprintf(stderr, "%s: %s%s%s: %s\n", prog, what, name ? " " : "",
		name ? name : "", strerror(errno));
	return 1;
}

/* Bytes with an optional binary suffix; fractions round up to 4 KiB. */
static int parse_size(const char *s, uint64_t *out)
{
	static const char suffixes[] = "kmgt";
	long double v;
	char *end;
	const char *p;

	errno = 0;
	v = strtold(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	if (*end) {
		p = strchr(suffixes, *end | 0x20);
		if (!p || (end[1] && strcasecmp(end + 1, "ib") && strcasecmp(end + 1, "b")))
			return -1;
		for (long i = 0; i <= p - suffixes; i++)
			v *= 1024;
	}
	if (v > (long double)UINT64_MAX - 4096)
		return -1;
	*out = ((uint64_t)(v + 0.999999L) + 4095) & ~4095ull;
	if (v > 0 && *out == 0)
		*out = 4096;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

static void print_info(const struct morsel_info *i)
{
	static const char *const fnames[] = { "writable", "exec", "fill-sigbus", "fixed-addr" };
	int first = 1;

	printf("id         %u\n", i->id);
	printf("name       %s\n", i->name[0] ? i->name : "-");
	printf("level      %s (span %llu bytes)\n", morsel_level_name(i->level), i->span);
	printf("length     %llu bytes\n", i->length);
	printf("flags      ");
	for (unsigned int b = 0; b < 4; b++) {
		if (i->flags & (1u << b)) {
			printf("%s%s", first ? "" : ",", fnames[b]);
			first = 0;
		}
	}
	printf("%s\n", first ? "-" : "");
	if (i->flags & MORSEL_F_FIXED_ADDR)
		printf("fixed_addr 0x%llx\n", i->fixed_addr);
	printf("seals      %s\n", (i->seals & MORSEL_SEAL_ALL) == MORSEL_SEAL_ALL ? "write,discard" :
	       i->seals & MORSEL_SEAL_WRITE ? "write" :
	       i->seals & MORSEL_SEAL_DISCARD ? "discard" : "-");
	printf("pages      %llu (%llu KiB)\n", i->pages, i->pages * 4);
	printf("tables     %llu\n", i->tables);
	printf("attaches   %llu\n", i->attaches);
	printf("owner      uid %u gid %u mode %04o\n", i->uid, i->gid, i->mode);
}

static int open_name(const char *name, int oflags)
{
	int fd = morsel_open(name, oflags | O_CLOEXEC);

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

	while ((opt = getopt(argc, argv, "l:wxSf:p:m:L:Ps:")) != -1) {
		switch (opt) {
		case 'l':
			level = morsel_level_parse(optarg);
			if (level < 0) {
				fprintf(stderr, "%s: bad level '%s'\n", prog, optarg);
				return 2;
			}
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
				return 2;
			flags |= MORSEL_F_FIXED_ADDR;
			break;
		case 'p':
			publish = optarg;
			break;
		case 'm':
			if (parse_u64(optarg, &mode) || mode > 0777)
				return 2;
			break;
		case 'L':
			load = optarg;
			break;
		case 'P':
			populate = 1;
			break;
		case 's':
			if (!strcmp(optarg, "write"))
				seals = MORSEL_SEAL_WRITE;
			else if (!strcmp(optarg, "discard"))
				seals = MORSEL_SEAL_DISCARD;
			else if (!strcmp(optarg, "all"))
				seals = MORSEL_SEAL_ALL;
			else
				return 2;
			break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc || parse_size(argv[optind], &size) || !size) {
		fprintf(stderr, "%s: create needs one SIZE (e.g. 64M, 6.82G)\n", prog);
		return 2;
	}
	if (!publish) {
		fprintf(stderr, "%s: create without --publish NAME would end the morsel"
			" when this command exits; give -p NAME\n", prog);
		return 2;
	}
	if (level < 0)
		level = morsel_level_for(size);
	fd = morsel_create((unsigned int)level, size, flags, fixed, O_CLOEXEC, &c);
	if (fd < 0)
		return fail("create", NULL);
	if (load) {
		int64_t n = morsel_load_file(fd, load, 0);

		if (n < 0)
			goto undo;
		printf("loaded %" PRId64 " bytes from %s\n", n, load);
	}
	if (populate && morsel_populate(fd, 0, size))
		goto undo;
	if (seals && morsel_seal(fd, seals))
		goto undo;
	if (morsel_publish(fd, publish, (mode_t)mode))
		goto undo;
	if (morsel_info(fd, &info))
		goto undo;
	print_info(&info);
	close(fd);
	return 0;
undo:
	fail("create", publish);
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

	while ((opt = getopt(argc, argv, "o:")) != -1) {
		if (opt != 'o' || parse_size(optarg, &offset))
			return 2;
	}
	if (optind + 2 != argc)
		return 2;
	fd = open_name(argv[optind], O_RDWR);
	if (fd < 0)
		return 1;
	n = morsel_load_file(fd, argv[optind + 1], offset);
	if (n < 0)
		return fail("load", argv[optind + 1]);
	printf("loaded %" PRId64 " bytes from %s at offset %" PRIu64 "\n", n,
	       argv[optind + 1], offset);
	close(fd);
	return 0;
}

static int cmd_publish(int argc, char **argv)
{
	uint64_t mode = 0600, fd = 3;
	int opt;

	while ((opt = getopt(argc, argv, "m:d:")) != -1) {
		if (opt == 'm' && !parse_u64(optarg, &mode) && mode <= 0777)
			continue;
		if (opt == 'd' && !parse_u64(optarg, &fd) && fd <= 65535)
			continue;
		return 2;
	}
	if (optind + 1 != argc)
		return 2;
	if (morsel_publish((int)fd, argv[optind], (mode_t)mode))
		return fail("publish", argv[optind]);
	return 0;
}

static int cmd_list(void)
{
	static const char *const names[] = { "morsels", "pages", "tables", "attaches" };
	char line[1024];
	int ret = 0;
	FILE *f;

	f = fopen(LIST_PATH, "r");
	if (!f) {
		fail("cannot read", LIST_PATH " (mount debugfs, be root)");
		ret = 1;
	} else {
		while (fgets(line, sizeof(line), f))
			fputs(line, stdout);
		fclose(f);
	}
	for (unsigned int i = 0; i < 4; i++) {
		long long v = morsel_counter(names[i]);

		if (v < 0) {
			fail("cannot read /sys/kernel/mm/morsel/", names[i]);
			ret = 1;
			continue;
		}
		printf("%s%s %lld", i ? ", " : "total: ", names[i], v);
	}
	printf("\n");
	return ret;
}

static int cmd_info(int argc, char **argv)
{
	struct morsel_info info;
	int fd;

	if (argc != 2)
		return 2;
	fd = open_name(argv[1], O_RDONLY);
	if (fd < 0)
		return 1;
	if (morsel_info(fd, &info))
		return fail("info", argv[1]);
	print_info(&info);
	close(fd);
	return 0;
}

static int cmd_dump(int argc, char **argv)
{
	struct morsel_info info;
	uint64_t offset = 0, length, span, hold = 0;
	const char *p, *name;
	int fd, opt;

	while ((opt = getopt(argc, argv, "H:")) != -1) {
		if (opt != 'H' || parse_u64(optarg, &hold))
			return 2;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 3)
		return 2;
	name = argv[0];
	if (argc > 1 && parse_size(argv[1], &offset))
		return 2;
	fd = open_name(name, O_RDONLY);
	if (fd < 0 || morsel_info(fd, &info))
		return fd < 0 ? 1 : fail("info", name);
	if (offset > info.length)
		offset = info.length;
	length = info.length - offset;
	if (argc > 2 && parse_u64(argv[2], &length))
		return 2;
	if (length > info.length - offset)
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
	if (p == MAP_FAILED)
		return fail("attach", name);
	if (fwrite(p + offset, 1, length, stdout) != length)
		return fail("write", "stdout");
	fflush(stdout);
	/* -H: keep the attachment a while (to see it in `list`, /proc/PID/maps). */
	if (hold)
		sleep((unsigned int)hold);
	morsel_detach((void *)p, span);
	close(fd);
	return 0;
}

static int cmd_range(int argc, char **argv, int discard)
{
	struct morsel_info info;
	uint64_t offset = 0, length;
	int fd, ret;

	if (argc != 2 && argc != 4)
		return 2;
	fd = open_name(argv[1], O_RDWR);
	if (fd < 0 || morsel_info(fd, &info))
		return fd < 0 ? 1 : fail("info", argv[1]);
	length = info.length;
	if (argc == 4 && (parse_size(argv[2], &offset) || parse_size(argv[3], &length)))
		return 2;
	ret = discard ? morsel_discard(fd, offset, length) : morsel_populate(fd, offset, length);
	if (ret)
		return fail(discard ? "discard" : "populate", argv[1]);
	close(fd);
	return 0;
}

static int cmd_simple(int argc, char **argv)
{
	const char *cmd = argv[0];
	unsigned int seals = 0;
	int fd, ret;

	if (!strcmp(cmd, "seal")) {
		if (argc != 3)
			return 2;
		if (!strcmp(argv[2], "write"))
			seals = MORSEL_SEAL_WRITE;
		else if (!strcmp(argv[2], "discard"))
			seals = MORSEL_SEAL_DISCARD;
		else if (!strcmp(argv[2], "all"))
			seals = MORSEL_SEAL_ALL;
		else
			return 2;
	} else if (argc != 2) {
		return 2;
	}
	if (!strcmp(cmd, "unpublish")) {
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
		return fail(cmd, argv[1]);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	argv++;
	argc--;
	optind = 1;
	if (!strcmp(cmd, "create"))
		ret = cmd_create(argc, argv);
	else if (!strcmp(cmd, "load"))
		ret = cmd_load(argc, argv);
	else if (!strcmp(cmd, "publish"))
		ret = cmd_publish(argc, argv);
	else if (!strcmp(cmd, "list") && argc == 1)
		ret = cmd_list();
	else if (!strcmp(cmd, "info"))
		ret = cmd_info(argc, argv);
	else if (!strcmp(cmd, "dump"))
		ret = cmd_dump(argc, argv);
	else if (!strcmp(cmd, "populate") || !strcmp(cmd, "discard"))
		ret = cmd_range(argc, argv, !strcmp(cmd, "discard"));
	else if (!strcmp(cmd, "seal") || !strcmp(cmd, "revoke") ||
		 !strcmp(cmd, "destroy") || !strcmp(cmd, "unpublish"))
		ret = cmd_simple(argc, argv);
	else if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
		return usage(stdout), 0;
	else
		ret = 2;
	if (ret == 2)
		usage(stderr);
	return ret;
}
