// SPDX-License-Identifier: GPL-2.0
/*
 * Observability: /sys/kernel/mm/llfree/ for single values and the release
 * knob, debugfs llfree/{stats,trees} for per-order and per-class counts and
 * the text dump of every tree (what the original /proc/llfree showed).
 */
#include <linux/debugfs.h>
#include <linux/kobject.h>
#include <linux/seq_file.h>
#include <linux/sysfs.h>

#include "backend.h"

static struct kobject *llfree_kobj;
static struct dentry *llfree_debugfs;

#define SUMMARY_ATTR(field)						\
static ssize_t field##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct llfree_summary sum;					\
									\
	llfree_backend_summary(&sum);					\
	return sysfs_emit(buf, "%lu\n", (unsigned long)sum.field);	\
}									\
static struct kobj_attribute field##_attr = __ATTR_RO(field)

SUMMARY_ATTR(running);
SUMMARY_ATTR(managed);
SUMMARY_ATTR(free);
SUMMARY_ATTR(free_huge);
SUMMARY_ATTR(cached);

#define COUNTER_ATTR(field)						\
static ssize_t field##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct llfree_counters sum;					\
									\
	llfree_backend_counters(&sum);					\
	return sysfs_emit(buf, "%llu\n", sum.field);			\
}									\
static struct kobj_attribute field##_attr = __ATTR_RO(field)

COUNTER_ATTR(fallback);
COUNTER_ATTR(free_error);

static ssize_t release_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	bool release;

	if (kstrtobool(buf, &release) || !release)
		return -EINVAL;
	llfree_backend_release();
	return count;
}

static struct kobj_attribute release_attr = __ATTR_WO(release);

struct emit_buf {
	char *buf;
	int len;
};

static void emit_line(void *arg, const char *line)
{
	struct emit_buf *e = arg;

	e->len += sysfs_emit_at(e->buf, e->len, "%s\n", line);
}

static ssize_t validate_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	struct emit_buf e = { .buf = buf };

	if (llfree_backend_inspect(true, emit_line, &e))
		e.len += sysfs_emit_at(buf, e.len, "corrupt\n");
	else
		e.len += sysfs_emit_at(buf, e.len, "ok\n");
	return e.len;
}

static struct kobj_attribute validate_attr = __ATTR_RO(validate);

static struct attribute *llfree_attrs[] = {
	&running_attr.attr,
	&managed_attr.attr,
	&free_attr.attr,
	&free_huge_attr.attr,
	&cached_attr.attr,
	&fallback_attr.attr,
	&free_error_attr.attr,
	&release_attr.attr,
	&validate_attr.attr,
	NULL,
};

static const struct attribute_group llfree_group = {
	.attrs = llfree_attrs,
};

static const char *const class_names[LLFREE_CLASSES] = {
	"immovable", "movable", "huge",
};

static int stats_show(struct seq_file *m, void *v)
{
	struct llfree_counters sum;
	struct llfree_summary s;
	int i;

	llfree_backend_summary(&s);
	llfree_backend_counters(&sum);
	seq_printf(m, "running %d\nmanaged %lu\nfree %lu\nfree_huge %lu\ncached %lu\n",
		   s.running, s.managed, s.free, s.free_huge, s.cached);
	seq_printf(m, "fallback %llu\nfree_error %llu\n", sum.fallback,
		   sum.free_error);
	seq_puts(m, "order alloc free\n");
	for (i = 0; i <= LLFREE_MAX_ORDER; i++)
		seq_printf(m, "%5d %llu %llu\n", i, sum.alloc[i], sum.free[i]);
	for (i = 0; i < LLFREE_CLASSES; i++)
		seq_printf(m, "class %s %llu\n", class_names[i], sum.class[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static void seq_line(void *arg, const char *line)
{
	seq_printf(arg, "%s\n", line);
}

static int trees_show(struct seq_file *m, void *v)
{
	llfree_backend_inspect(false, seq_line, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(trees);

/**
 * llfree_stats_init() - create the sysfs and debugfs files.
 *
 * Return: 0 or a negative errno.
 */
int llfree_stats_init(void)
{
	int err;

	llfree_kobj = kobject_create_and_add("llfree", mm_kobj);
	if (!llfree_kobj)
		return -ENOMEM;
	err = sysfs_create_group(llfree_kobj, &llfree_group);
	if (err) {
		kobject_put(llfree_kobj);
		return err;
	}
	llfree_debugfs = debugfs_create_dir("llfree", NULL);
	debugfs_create_file("stats", 0444, llfree_debugfs, NULL, &stats_fops);
	debugfs_create_file("trees", 0444, llfree_debugfs, NULL, &trees_fops);
	return 0;
}

/**
 * llfree_stats_exit() - remove the sysfs and debugfs files.
 */
void llfree_stats_exit(void)
{
	debugfs_remove_recursive(llfree_debugfs);
	kobject_put(llfree_kobj);
}
