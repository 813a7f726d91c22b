// SPDX-License-Identifier: GPL-2.0
/*
 * Usage tracking: global counters in /sys/kernel/mm/morsel/ (all back to 0
 * once every morsel is gone, which is how tests find leaks) and one line
 * per morsel in debugfs morsel/list.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/rbtree.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/sysfs.h>
#include "morsel.h"

/* Processes listed per morsel; the attach count is always complete. */
#define MORSEL_LIST_MMS		16

struct morsel_stats morsel_stats;
static struct kobject *morsel_kobj;
static struct dentry *morsel_debugfs;

#define MORSEL_STAT_ATTR(field)						\
static ssize_t field##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%ld\n",					\
			  atomic_long_read(&morsel_stats.field));	\
}									\
static struct kobj_attribute field##_attr = __ATTR_RO(field)

MORSEL_STAT_ATTR(morsels);
MORSEL_STAT_ATTR(pages);
MORSEL_STAT_ATTR(tables);
MORSEL_STAT_ATTR(attaches);

static struct attribute *morsel_stat_attrs[] = {
	&morsels_attr.attr,
	&pages_attr.attr,
	&tables_attr.attr,
	&attaches_attr.attr,
	NULL,
};

static const struct attribute_group morsel_stat_group = {
	.attrs = morsel_stat_attrs,
};

/* Collect the mms attaching @m from its i_mmap (no exported iterator). */
static int morsel_collect_mms(struct morsel *m, struct mm_struct **mms)
{
	struct address_space *mapping = m->inode->i_mapping;
	struct rb_node *node;
	int n = 0, i;

	i_mmap_lock_read(mapping);
	for (node = rb_first_cached(&mapping->i_mmap); node && n < MORSEL_LIST_MMS;
	     node = rb_next(node)) {
		struct vm_area_struct *vma =
			rb_entry(node, struct vm_area_struct, shared.rb);

		for (i = 0; i < n && mms[i] != vma->vm_mm; i++)
			;
		if (i == n)
			mms[n++] = vma->vm_mm;
	}
	i_mmap_unlock_read(mapping);
	return n;
}

static void morsel_show_pids(struct seq_file *s, struct morsel *m)
{
	struct mm_struct *mms[MORSEL_LIST_MMS];
	struct task_struct *p;
	int n = morsel_collect_mms(m, mms), i;
	bool any = false;

	/* Only pointers are compared: an mm that just went away matches nothing. */
	rcu_read_lock();
	for_each_process(p) {
		struct mm_struct *mm = READ_ONCE(p->mm);

		for (i = 0; i < n; i++) {
			if (mm == mms[i]) {
				seq_printf(s, "%s%d", any ? "," : "", task_tgid_nr(p));
				any = true;
				break;
			}
		}
	}
	rcu_read_unlock();
	if (!any)
		seq_puts(s, "-");
}

static int morsel_list_show(struct seq_file *s, void *unused)
{
	struct morsel *m;

	seq_puts(s, "id name level length span pages tables attaches pids\n");
	mutex_lock(&morsel_list_lock);
	list_for_each_entry(m, &morsel_list, node) {
		seq_printf(s, "%u %s %u %llu %llu %ld %ld %d ", m->id,
			   m->name[0] ? m->name : "-", m->level, m->length,
			   m->span, atomic_long_read(&m->pages),
			   atomic_long_read(&m->tables),
			   atomic_read(&m->attaches));
		morsel_show_pids(s, m);
		seq_putc(s, '\n');
	}
	mutex_unlock(&morsel_list_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(morsel_list);

/**
 * morsel_stats_init() - create /sys/kernel/mm/morsel and debugfs morsel/
 *
 * Return: 0 or a negative errno (debugfs is optional).
 */
int morsel_stats_init(void)
{
	int ret;

	morsel_kobj = kobject_create_and_add("morsel", mm_kobj);
	if (!morsel_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(morsel_kobj, &morsel_stat_group);
	if (ret) {
		kobject_put(morsel_kobj);
		return ret;
	}
	morsel_debugfs = debugfs_create_dir("morsel", NULL);
	debugfs_create_file("list", 0400, morsel_debugfs, NULL,
			    &morsel_list_fops);
	return 0;
}

/**
 * morsel_stats_exit() - remove them
 */
void morsel_stats_exit(void)
{
	debugfs_remove_recursive(morsel_debugfs);
	kobject_put(morsel_kobj);
}
