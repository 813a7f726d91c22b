// SPDX-License-Identifier: GPL-2.0
/*
 * Morsel objects: creation, per-user limits, files, revocation and
 * destruction. When tables and pages may be freed is decided here, once
 * (docs/morsel.md, "Lifetime"): pages after every attach is unlinked and
 * flushed (revocation), tables only when the morsel itself goes away.
 *
 * Every morsel has one inode on a private pseudo file system and every open
 * (CREATE, OPEN by name) is a file on that inode with its own access mode,
 * so all attaches of a morsel are VMAs in one i_mmap and
 * unmap_mapping_range() reaches each of them through the zap hook.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/idr.h>
#include <linux/memcontrol.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include "morsel.h"
#include "morsel_trace.h"

#define MORSEL_FS_MAGIC		0x6d6f7273	/* "mors" */

DEFINE_MUTEX(morsel_list_lock);
LIST_HEAD(morsel_list);
static DEFINE_IDA(morsel_ida);
static struct vfsmount *morsel_mnt;

/*
 * Memory and morsels of one creating user, for the per-user limits: @pinned
 * counts data pages and page tables, which no reclaim or OOM kill frees.
 */
struct morsel_user {
	struct list_head node;
	kuid_t uid;
	unsigned long pinned;
	unsigned int morsels;
};

static LIST_HEAD(morsel_users);
static DEFINE_SPINLOCK(morsel_users_lock);

static struct morsel_user *morsel_user_get(kuid_t uid)
{
	struct morsel_user *u, *new = kzalloc(sizeof(*new), GFP_KERNEL);
	int ret = 0;

	if (!new)
		return ERR_PTR(-ENOMEM);
	spin_lock(&morsel_users_lock);
	list_for_each_entry(u, &morsel_users, node)
		if (uid_eq(u->uid, uid))
			goto found;
	u = new;
	new = NULL;
	u->uid = uid;
	list_add(&u->node, &morsel_users);
found:
	/* A new entry has no morsels, so it never hits the limit. */
	if (morsel_max_morsels_per_user &&
	    u->morsels >= morsel_max_morsels_per_user)
		ret = -ENOSPC;
	else
		u->morsels++;
	spin_unlock(&morsel_users_lock);
	kfree(new);
	return ret ? ERR_PTR(ret) : u;
}

static void morsel_user_put(struct morsel_user *u)
{
	bool last;

	spin_lock(&morsel_users_lock);
	last = !--u->morsels;
	if (last)
		list_del(&u->node);
	spin_unlock(&morsel_users_lock);
	if (last)
		kfree(u);
}

/**
 * morsel_charge() - count pinned pages against the creator's limit
 * @m: the morsel
 * @nr: pages (data pages or tables) to add (> 0) or remove (< 0)
 *
 * Return: 0, or -EDQUOT if adding would exceed max_pages_per_user.
 */
int morsel_charge(struct morsel *m, long nr)
{
	struct morsel_user *u = m->user;
	int ret = 0;

	spin_lock(&morsel_users_lock);
	if (nr > 0 && morsel_max_pages_per_user &&
	    u->pinned + nr > morsel_max_pages_per_user)
		ret = -EDQUOT;
	else
		u->pinned += nr;
	spin_unlock(&morsel_users_lock);
	return ret;
}

/**
 * morsel_charge_pages() - count data pages of @m
 * @m: the morsel
 * @nr: pages to add (> 0) or remove (< 0)
 *
 * Return: 0, or -EDQUOT if adding would exceed max_pages_per_user.
 */
int morsel_charge_pages(struct morsel *m, long nr)
{
	int ret = morsel_charge(m, nr);

	if (!ret) {
		atomic_long_add(nr, &m->pages);
		atomic_long_add(nr, &morsel_stats.pages);
	}
	return ret;
}

static int morsel_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, MORSEL_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type morsel_fs_type = {
	.name = "morsel",
	.init_fs_context = morsel_init_fs_context,
	.kill_sb = kill_anon_super,
};

/**
 * morsel_fs_init() - mount the private file system of morsel inodes
 *
 * Return: 0 or a negative errno.
 */
int morsel_fs_init(void)
{
	morsel_mnt = kern_mount(&morsel_fs_type);
	return PTR_ERR_OR_ZERO(morsel_mnt);
}

/**
 * morsel_fs_exit() - unmount it; no morsel file may exist any more
 */
void morsel_fs_exit(void)
{
	kern_unmount(morsel_mnt);
}

/**
 * morsel_create_check() - validate MORSEL_IOC_CREATE arguments
 * @arg: the copied argument
 * @l5: 5-level paging active
 *
 * Return: 0, -EINVAL, or -EOPNOTSUPP for a P4D-table morsel without
 * 5-level paging.
 */
int morsel_create_check(const struct morsel_create *arg, bool l5)
{
	int ret;

	if (arg->size != sizeof(*arg) || arg->flags & ~MORSEL_F_ALL ||
	    arg->fd_flags & ~O_CLOEXEC)
		return -EINVAL;
	ret = morsel_level_check(arg->level, l5);
	if (ret)
		return ret;
	if (!arg->length || !PAGE_ALIGNED(arg->length) ||
	    arg->length > morsel_span(arg->level))
		return -EINVAL;
	/* Address 0 is below mmap_min_addr: nobody could attach there. */
	if (arg->flags & MORSEL_F_FIXED_ADDR)
		return arg->fixed_addr &&
		       morsel_addr_ok(arg->level, arg->fixed_addr, l5) ? 0 : -EINVAL;
	return arg->fixed_addr ? -EINVAL : 0;
}

/**
 * morsel_new() - create a morsel with an empty root table
 * @arg: arguments checked with morsel_create_check()
 *
 * The caller's fsuid/fsgid own it (mode 0600 until published), its memory
 * cgroup is charged for it.
 *
 * Return: the morsel with one reference, or ERR_PTR(-ENOSPC over
 * max_morsels_per_user, -EDQUOT over max_pages_per_user, -ENOMEM).
 */
struct morsel *morsel_new(const struct morsel_create *arg)
{
	struct morsel *m = kzalloc(sizeof(*m), GFP_KERNEL_ACCOUNT);
	int ret = -ENOMEM;

	if (!m)
		return ERR_PTR(-ENOMEM);
	kref_init(&m->kref);
	init_rwsem(&m->rwsem);
	spin_lock_init(&m->lock);
	INIT_LIST_HEAD(&m->node);
	m->level = arg->level;
	m->flags = arg->flags;
	m->length = arg->length;
	m->span = morsel_span(arg->level);
	m->fixed_addr = arg->fixed_addr;
	m->uid = current_fsuid();
	m->gid = current_fsgid();
	m->mode = 0600;
	m->user = morsel_user_get(m->uid);
	if (IS_ERR(m->user)) {
		ret = PTR_ERR(m->user);
		kfree(m);
		return ERR_PTR(ret);
	}
	m->memcg = get_mem_cgroup_from_mm(current->mm);
	ret = ida_alloc_min(&morsel_ida, 1, GFP_KERNEL);
	if (ret < 0)
		goto err;
	m->id = ret;
	m->root = morsel_table_alloc(m, m->level, MORSEL_ALLOC_IOCTL);
	if (IS_ERR(m->root)) {
		ret = PTR_ERR(m->root);
		m->root = NULL;
		goto err;
	}
	m->inode = alloc_anon_inode(morsel_mnt->mnt_sb);
	if (IS_ERR(m->inode)) {
		ret = PTR_ERR(m->inode);
		m->inode = NULL;
		goto err;
	}
	m->inode->i_private = m;
	mutex_lock(&morsel_list_lock);
	list_add_tail(&m->node, &morsel_list);
	mutex_unlock(&morsel_list_lock);
	atomic_long_inc(&morsel_stats.morsels);
	trace_morsel_create(m->id, m->level, m->flags, m->length, m->uid);
	return m;
err:
	if (m->root)
		morsel_table_free(m, m->root, m->level);
	if (m->id)
		ida_free(&morsel_ida, m->id);
	mem_cgroup_put(m->memcg);
	morsel_user_put(m->user);
	kfree(m);
	return ERR_PTR(ret);
}

static void morsel_release(struct kref *kref)
{
	struct morsel *m = container_of(kref, struct morsel, kref);

	mutex_lock(&morsel_list_lock);
	list_del(&m->node);
	mutex_unlock(&morsel_list_lock);
	/*
	 * No file, so no VMA: no mm links the tables, and every unlink was
	 * flushed before its VMA left i_mmap. Walkers under an mmap lock left
	 * with the VMA; lockless ones (GUP-fast) are RCU readers.
	 */
	synchronize_rcu();
	morsel_tree_free(m);
	iput(m->inode);
	ida_free(&morsel_ida, m->id);
	mem_cgroup_put(m->memcg);
	morsel_user_put(m->user);
	atomic_long_dec(&morsel_stats.morsels);
	kfree(m);
}

/**
 * morsel_put() - drop a reference; the last one frees the morsel
 * @m: the morsel
 */
void morsel_put(struct morsel *m)
{
	kref_put(&m->kref, morsel_release);
}

/**
 * morsel_file() - a new file on @m
 * @m: the morsel; the file takes its own reference
 * @oflags: O_RDONLY or O_RDWR
 *
 * Return: the file, or an ERR_PTR.
 */
struct file *morsel_file(struct morsel *m, int oflags)
{
	struct file *file;

	/* __fput() drops a reference to the owner of f_op. */
	__module_get(THIS_MODULE);
	ihold(m->inode);
	file = alloc_file_pseudo(m->inode, morsel_mnt, "morsel", oflags,
				 &morsel_fops);
	if (IS_ERR(file)) {
		iput(m->inode);
		module_put(THIS_MODULE);
		return file;
	}
	kref_get(&m->kref);
	file->private_data = m;
	return file;
}

/**
 * morsel_leaves_writable() - are new and existing leaves writable?
 * @m: the morsel
 *
 * Return: true for a MORSEL_F_WRITABLE morsel without MORSEL_SEAL_WRITE.
 */
bool morsel_leaves_writable(const struct morsel *m)
{
	return (m->flags & MORSEL_F_WRITABLE) && !(m->seals & MORSEL_SEAL_WRITE);
}

/**
 * morsel_revoke_locked() - unlink @m from every process
 * @m: the morsel, rwsem held for writing
 *
 * When this returns, no CPU holds a translation into @m's tables: every
 * attach in i_mmap is unlinked with its mm's TLB flushed (the core flushes
 * when the zap hook reports a cleared link, and a nested flush when a
 * munmap of that mm is under way), and an attach that already left i_mmap
 * was flushed by its unmapper before it left (the hook patch flushes right
 * after the zap). Later faults relink once the rwsem is released.
 */
void morsel_revoke_locked(struct morsel *m)
{
	unmap_mapping_range(m->inode->i_mapping, 0, 0, 1);
	trace_morsel_revoke(m->id, atomic_long_read(&m->pages));
}

/**
 * morsel_destroy() - free @m's memory now, whoever still maps it
 * @m: the morsel
 *
 * Unpublishes it, unlinks every attach and frees its pages. The tables
 * stay until the morsel itself goes away: walkers that hold only an mmap
 * lock (mbind, move_pages, follow_pfnmap_start(), ptdump) may still be
 * inside them. Attaches stay as VMAs whose touches SIGBUS.
 *
 * Return: 0, or -EIDRM if already destroyed.
 */
int morsel_destroy(struct morsel *m)
{
	long pages;

	down_write(&m->rwsem);
	if (m->dead) {
		up_write(&m->rwsem);
		return -EIDRM;
	}
	m->dead = true;
	morsel_revoke_locked(m);
	pages = atomic_long_read(&m->pages);
	morsel_discard_locked(m, 0, m->length);
	up_write(&m->rwsem);
	trace_morsel_destroy(m->id, pages);
	morsel_unpublish_morsel(m);
	return 0;
}

/**
 * morsel_seal() - apply MORSEL_SEAL_* restrictions
 * @m: the morsel
 * @seals: seals to add
 *
 * MORSEL_SEAL_WRITE on a writable morsel revokes every attach and
 * write-protects every leaf, so that read-only attaches are enforced by the
 * leaves at all levels.
 *
 * Return: 0, -EIDRM if destroyed, -EBUSY for SEAL_WRITE while writable
 * attaches exist.
 */
int morsel_seal(struct morsel *m, u32 seals)
{
	int ret = 0;

	down_write(&m->rwsem);
	if (m->dead) {
		ret = -EIDRM;
	} else if ((seals & MORSEL_SEAL_WRITE) &&
		   !(m->seals & MORSEL_SEAL_WRITE)) {
		if (atomic_read(&m->writable_attaches)) {
			ret = -EBUSY;
		} else if (m->flags & MORSEL_F_WRITABLE) {
			morsel_revoke_locked(m);
			m->seals |= MORSEL_SEAL_WRITE;
			morsel_wrprotect_locked(m);
		}
	}
	if (!ret)
		m->seals |= seals;
	trace_morsel_seal(m->id, seals, m->seals, ret);
	up_write(&m->rwsem);
	return ret;
}
