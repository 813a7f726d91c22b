// SPDX-License-Identifier: GPL-2.0
/*
 * Names: a published morsel can be opened by name, with owner, group and
 * mode checked like a POSIX shared memory object. The registry holds a
 * reference to each published morsel until it is unpublished or destroyed,
 * and a reference to the module: a name keeps the object alive without any
 * fd, so rmmod is refused (-EBUSY) while names exist.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include "morsel.h"

/**
 * morsel_name_check() - is @name a valid morsel name?
 * @name: buffer of MORSEL_NAME_MAX bytes from user space
 *
 * Return: 0 for 1..MORSEL_NAME_MAX-1 characters of [A-Za-z0-9._-] followed
 * by NUL, else -EINVAL.
 */
int morsel_name_check(const char *name)
{
	size_t len = strnlen(name, MORSEL_NAME_MAX);
	size_t i;

	if (!len || len == MORSEL_NAME_MAX)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("._-", name[i]))
			return -EINVAL;
	return 0;
}

/* A published morsel named @name; morsel_list_lock held. */
static struct morsel *morsel_find(const char *name)
{
	struct morsel *m;

	list_for_each_entry(m, &morsel_list, node)
		if (m->name[0] && !strcmp(m->name, name))
			return m;
	return NULL;
}

/**
 * morsel_publish() - give @m a name
 * @m: the morsel, not destroyed
 * @name: checked with morsel_name_check()
 * @mode: permission bits (0777 mask) for opening it by name
 *
 * Only the owner (the creator) or CAP_FOWNER may publish, as only the
 * owner may chmod a file; the owner stays the owner. An fd grants use of
 * a morsel, never ownership.
 *
 * Return: 0, -EINVAL for other mode bits, -EPERM for anyone but the owner,
 * -EEXIST if the name is taken, -EBUSY if @m already has a name, -EIDRM if
 * @m was destroyed.
 */
int morsel_publish(struct morsel *m, const char *name, umode_t mode)
{
	int ret = 0;

	if (mode & ~0777)
		return -EINVAL;
	if (!uid_eq(current_fsuid(), m->uid) && !capable(CAP_FOWNER)) {
		pr_info_ratelimited("morsel: %u: only its owner may publish it\n",
				    m->id);
		return -EPERM;
	}
	mutex_lock(&morsel_list_lock);
	if (READ_ONCE(m->dead))
		ret = -EIDRM;
	else if (m->name[0])
		ret = -EBUSY;
	else if (morsel_find(name))
		ret = -EEXIST;
	if (!ret) {
		strscpy(m->name, name, sizeof(m->name));
		m->mode = mode;
		kref_get(&m->kref);
		/* Called on a morsel fd, which already pins the module. */
		__module_get(THIS_MODULE);
	}
	mutex_unlock(&morsel_list_lock);
	return ret;
}

static int morsel_may_open(const struct morsel *m, int acc)
{
	umode_t mode = m->mode;

	if (uid_eq(current_fsuid(), m->uid))
		mode >>= 6;
	else if (in_group_p(m->gid))
		mode >>= 3;
	if (!(acc & ~mode & 7))
		return 0;
	return capable(CAP_DAC_OVERRIDE) ? 0 : -EACCES;
}

/**
 * morsel_lookup() - find a published morsel and check access
 * @name: checked with morsel_name_check()
 * @acc: MAY_READ, or MAY_READ | MAY_WRITE
 *
 * Return: the morsel with a new reference, ERR_PTR(-ENOENT) or
 * ERR_PTR(-EACCES).
 */
struct morsel *morsel_lookup(const char *name, int acc)
{
	struct morsel *m;
	int ret;

	mutex_lock(&morsel_list_lock);
	m = morsel_find(name);
	ret = m ? morsel_may_open(m, acc) : -ENOENT;
	if (!ret)
		kref_get(&m->kref);
	mutex_unlock(&morsel_list_lock);
	if (ret == -EACCES)
		pr_info_ratelimited("morsel: %s: access denied to uid %u\n", name,
				    from_kuid(&init_user_ns, current_fsuid()));
	return ret ? ERR_PTR(ret) : m;
}

/* Drop @m's name and the registry's references; the caller pins the module. */
static void morsel_unname(struct morsel *m)
{
	morsel_put(m);
	module_put(THIS_MODULE);
}

/**
 * morsel_unpublish() - remove a name
 * @name: checked with morsel_name_check()
 *
 * Only the owner (or CAP_FOWNER) may, as for unlinking a file in a
 * sticky directory such as /dev/shm.
 *
 * Return: 0, -ENOENT, -EPERM.
 */
int morsel_unpublish(const char *name)
{
	struct morsel *m;
	int ret = 0;

	mutex_lock(&morsel_list_lock);
	m = morsel_find(name);
	if (!m)
		ret = -ENOENT;
	else if (!uid_eq(current_fsuid(), m->uid) && !capable(CAP_FOWNER))
		ret = -EPERM;
	else
		m->name[0] = '\0';
	mutex_unlock(&morsel_list_lock);
	if (ret)
		return ret;
	morsel_unname(m);
	return 0;
}

/**
 * morsel_unpublish_morsel() - remove @m's name, if any (on destroy)
 * @m: the morsel; the caller holds a reference
 */
void morsel_unpublish_morsel(struct morsel *m)
{
	bool named;

	mutex_lock(&morsel_list_lock);
	named = m->name[0];
	m->name[0] = '\0';
	mutex_unlock(&morsel_list_lock);
	if (named)
		morsel_unname(m);
}
