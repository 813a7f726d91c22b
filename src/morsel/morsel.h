/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Morsels: internal interfaces of morsel.ko.
 *
 * Lock order: mmap_lock or VMA lock > morsel->rwsem > morsel_list_lock >
 * i_mmap_rwsem > page-table locks > morsel->lock. The zap callback runs
 * under i_mmap_rwsem (revocation) and therefore never takes morsel->rwsem;
 * nothing that holds morsel->rwsem touches user memory.
 */
#ifndef MORSEL_MORSEL_H
#define MORSEL_MORSEL_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>
#include "level.h"

struct mem_cgroup;
struct morsel_user;

/**
 * struct morsel - one morsel object
 * @kref: held by every open file and by the name registry
 * @id: module-wide id, > 0
 * @level: enum morsel_level of the root table
 * @flags: MORSEL_F_* given at creation
 * @seals: MORSEL_SEAL_* applied, only ever grows (under @rwsem)
 * @dead: destroyed: no pages, no links, faults SIGBUS (under @rwsem)
 * @length: object size in bytes
 * @span: bytes one attach maps
 * @fixed_addr: with MORSEL_F_FIXED_ADDR, the only attach address
 * @root: kernel address of the root table, freed with the morsel
 * @rwsem: read: faults, populate, attach; write: revoke, discard, seal,
 *	destroy (everything that removes or downgrades entries)
 * @lock: serialises installing entries inside the morsel's tables
 * @inode: one inode per morsel, so that every attach is in one i_mmap
 * @memcg: the creator's memory cgroup, charged for tables and pages
 * @user: per-user accounting of the creator
 * @pages: data pages below @root
 * @tables: tables owned, root included
 * @attaches: VMAs mapping the morsel, over all processes
 * @writable_attaches: those of @attaches that are writable
 * @uid: owner, for names and INFO
 * @gid: owner group
 * @mode: permission bits for MORSEL_IOC_OPEN
 * @name: published name or empty (under morsel_list_lock)
 * @node: in morsel_list (under morsel_list_lock)
 */
struct morsel {
	struct kref kref;
	u32 id;
	u32 level;
	u32 flags;
	u32 seals;
	bool dead;
	u64 length;
	u64 span;
	u64 fixed_addr;
	void *root;
	struct rw_semaphore rwsem;
	spinlock_t lock;
	struct inode *inode;
	struct mem_cgroup *memcg;
	struct morsel_user *user;
	atomic_long_t pages;
	atomic_long_t tables;
	atomic_t attaches;
	atomic_t writable_attaches;
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	char name[MORSEL_NAME_MAX];
	struct list_head node;
};

/* module.c: parameters */
extern unsigned long morsel_max_pages_per_user;
extern unsigned int morsel_max_morsels_per_user;

/* stats.c: global counters, for sysfs and leak checks */
struct morsel_stats {
	atomic_long_t morsels;
	atomic_long_t pages;
	atomic_long_t tables;
	atomic_long_t attaches;
};
extern struct morsel_stats morsel_stats;
int morsel_stats_init(void);
void morsel_stats_exit(void);

/* object.c */
extern struct mutex morsel_list_lock;
extern struct list_head morsel_list;
int morsel_fs_init(void);
void morsel_fs_exit(void);
int morsel_create_check(const struct morsel_create *arg, bool l5);
struct morsel *morsel_new(const struct morsel_create *arg);
void morsel_put(struct morsel *m);
struct file *morsel_file(struct morsel *m, int oflags);
int morsel_charge(struct morsel *m, long nr);
int morsel_charge_pages(struct morsel *m, long nr);
void morsel_revoke_locked(struct morsel *m);
int morsel_destroy(struct morsel *m);
int morsel_seal(struct morsel *m, u32 seals);
bool morsel_leaves_writable(const struct morsel *m);

/*
 * Who allocates a morsel's memory: a fault may end in the OOM killer, as
 * any fault may; an ioctl gets -ENOMEM instead, because killing a process
 * frees no morsel memory (it is pinned, and charged to the creator).
 */
enum morsel_alloc {
	MORSEL_NO_ALLOC,	/* look up only */
	MORSEL_ALLOC_FAULT,
	MORSEL_ALLOC_IOCTL,
};

/* table.c */
void *morsel_table_alloc(struct morsel *m, u32 table_level,
			 enum morsel_alloc alloc);
void morsel_table_free(struct morsel *m, void *table, u32 table_level);
pte_t morsel_leaf(const struct morsel *m, struct page *page);
int morsel_fill(struct morsel *m, u64 offset, enum morsel_alloc alloc,
		struct page **pagep);
int morsel_populate(struct morsel *m, u64 offset, u64 length);
void morsel_discard_locked(struct morsel *m, u64 offset, u64 length);
void morsel_wrprotect_locked(struct morsel *m);
void morsel_tree_free(struct morsel *m);
long morsel_load(struct morsel *m, struct file *src, loff_t src_offset,
		 u64 offset, u64 length);
int morsel_range_check(const struct morsel *m, u64 offset, u64 length,
		       bool whole_pages);

/* link.c */
int morsel_link(struct morsel *m, struct mm_struct *mm, unsigned long addr);
bool morsel_unlink(struct morsel *m, struct mm_struct *mm, unsigned long addr);
bool morsel_linked(struct morsel *m, struct mm_struct *mm, unsigned long addr);

/* vma.c */
extern const struct file_operations morsel_fops;
int morsel_mmap_check(const struct morsel *m, unsigned long addr,
		      unsigned long len, unsigned long pgoff,
		      unsigned long vm_flags, fmode_t f_mode);

/* registry.c */
int morsel_name_check(const char *name);
int morsel_publish(struct morsel *m, const char *name, umode_t mode);
struct morsel *morsel_lookup(const char *name, int acc);
int morsel_unpublish(const char *name);
void morsel_unpublish_morsel(struct morsel *m);

/* dev.c */
long morsel_fd_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
int morsel_dev_init(void);
void morsel_dev_exit(void);

#endif /* MORSEL_MORSEL_H */
