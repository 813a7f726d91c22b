// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/morsel and the ioctls on morsel files. Arguments are copied in and
 * checked completely before any lock is taken (a user buffer may itself be
 * morsel memory, whose faults take the morsel's rwsem).
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/uaccess.h>
#include "morsel.h"
#include "morsel_trace.h"

/* Copy a struct that starts with its own size, which must match. */
static int morsel_copy_in(void *dst, const void __user *src, size_t size)
{
	if (copy_from_user(dst, src, size))
		return -EFAULT;
	return *(u32 *)dst == size ? 0 : -EINVAL;
}

/* Install @file as a new fd and report it through @fdp in @uarg. */
static int morsel_install(struct file *file, int fd_flags, void __user *uarg,
			  void *arg, size_t size, s32 *fdp)
{
	int fd = get_unused_fd_flags(fd_flags);

	if (fd < 0) {
		fput(file);
		return fd;
	}
	*fdp = fd;
	if (copy_to_user(uarg, arg, size)) {
		put_unused_fd(fd);
		fput(file);
		return -EFAULT;
	}
	fd_install(fd, file);
	return 0;
}

static int morsel_ioc_create(void __user *uarg)
{
	struct morsel_create arg;
	struct morsel *m;
	struct file *file;
	int ret;

	ret = morsel_copy_in(&arg, uarg, sizeof(arg));
	if (!ret)
		ret = morsel_create_check(&arg, morsel_l5());
	if (ret == -EOPNOTSUPP)
		pr_info_ratelimited("morsel: P4D-table morsels need 5-level paging\n");
	if (ret)
		return ret;
	m = morsel_new(&arg);
	if (IS_ERR(m)) {
		if (PTR_ERR(m) == -ENOSPC)
			pr_info_ratelimited("morsel: uid %u has max_morsels_per_user morsels\n",
					    from_kuid(&init_user_ns, current_fsuid()));
		return PTR_ERR(m);
	}
	file = morsel_file(m, O_RDWR);
	arg.id = m->id;
	arg.span = m->span;
	morsel_put(m);
	if (IS_ERR(file))
		return PTR_ERR(file);
	return morsel_install(file, arg.fd_flags, uarg, &arg, sizeof(arg),
			      &arg.fd);
}

static int morsel_ioc_open(void __user *uarg)
{
	struct morsel_name arg;
	struct morsel *m;
	struct file *file;
	int acc, ret;

	ret = morsel_copy_in(&arg, uarg, sizeof(arg));
	if (ret)
		return ret;
	if (arg.reserved || arg.mode & ~(O_ACCMODE | O_CLOEXEC) ||
	    (arg.mode & O_ACCMODE) == O_WRONLY || morsel_name_check(arg.name))
		return -EINVAL;
	acc = (arg.mode & O_ACCMODE) == O_RDWR ? MAY_READ | MAY_WRITE : MAY_READ;
	m = morsel_lookup(arg.name, acc);
	if (IS_ERR(m))
		return PTR_ERR(m);
	file = morsel_file(m, arg.mode & O_ACCMODE);
	morsel_put(m);
	if (IS_ERR(file))
		return PTR_ERR(file);
	return morsel_install(file, arg.mode & O_CLOEXEC, uarg, &arg,
			      sizeof(arg), &arg.fd);
}

static int morsel_ioc_unpublish(void __user *uarg)
{
	struct morsel_name arg;
	int ret;

	ret = morsel_copy_in(&arg, uarg, sizeof(arg));
	if (ret)
		return ret;
	/* mode and fd mean nothing here and are ignored. */
	if (arg.reserved || morsel_name_check(arg.name))
		return -EINVAL;
	return morsel_unpublish(arg.name);
}

static long morsel_dev_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case MORSEL_IOC_CREATE:
		return morsel_ioc_create(uarg);
	case MORSEL_IOC_OPEN:
		return morsel_ioc_open(uarg);
	case MORSEL_IOC_UNPUBLISH:
		return morsel_ioc_unpublish(uarg);
	default:
		return -ENOTTY;
	}
}

static int morsel_ioc_info(struct morsel *m, void __user *uarg)
{
	struct morsel_info info;
	int ret;

	ret = morsel_copy_in(&info, uarg, sizeof(info));
	if (ret)
		return ret;
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	down_read(&m->rwsem);
	info.level = m->level;
	info.flags = m->flags;
	info.seals = m->seals;
	info.length = m->length;
	info.span = m->span;
	info.fixed_addr = m->fixed_addr;
	info.pages = atomic_long_read(&m->pages);
	info.tables = atomic_long_read(&m->tables);
	info.attaches = atomic_read(&m->attaches);
	info.id = m->id;
	up_read(&m->rwsem);
	mutex_lock(&morsel_list_lock);
	info.uid = from_kuid_munged(current_user_ns(), m->uid);
	info.gid = from_kgid_munged(current_user_ns(), m->gid);
	info.mode = m->mode;
	strscpy(info.name, m->name, sizeof(info.name));
	mutex_unlock(&morsel_list_lock);
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static int morsel_ioc_range(struct morsel *m, unsigned int cmd,
			    void __user *uarg)
{
	struct morsel_range arg;
	int ret;

	ret = morsel_copy_in(&arg, uarg, sizeof(arg));
	if (ret)
		return ret;
	if (arg.flags)
		return -EINVAL;
	ret = morsel_range_check(m, arg.offset, arg.length, true);
	if (ret)
		return ret;
	if (cmd == MORSEL_IOC_POPULATE) {
		ret = morsel_populate(m, arg.offset, arg.length);
		if (ret == -EDQUOT)
			pr_info_ratelimited("morsel: %u: max_pages_per_user reached\n",
					    m->id);
		return ret;
	}
	down_write(&m->rwsem);
	if (m->dead) {
		ret = -EIDRM;
	} else if (m->seals & MORSEL_SEAL_DISCARD) {
		ret = -EPERM;
	} else if (arg.length) {
		morsel_revoke_locked(m);
		morsel_discard_locked(m, arg.offset, arg.length);
	}
	up_write(&m->rwsem);
	trace_morsel_discard(m->id, arg.offset, arg.length, ret);
	return ret;
}

static int morsel_ioc_load(struct morsel *m, void __user *uarg)
{
	struct morsel_load arg;
	struct file *src;
	long ret;

	ret = morsel_copy_in(&arg, uarg, sizeof(arg));
	if (ret)
		return ret;
	if (arg.src_offset > LLONG_MAX)
		return -EINVAL;
	ret = morsel_range_check(m, arg.offset, arg.length, false);
	if (ret)
		return ret;
	src = fget(arg.src_fd);
	if (!src)
		return -EBADF;
	if (!(src->f_mode & FMODE_READ))
		ret = -EBADF;
	/* kernel_read() reads only files with ->read_iter (not /proc/kmsg). */
	else if (!S_ISREG(file_inode(src)->i_mode) || !src->f_op->read_iter ||
		 src->f_op->read)
		ret = -EINVAL;
	else
		ret = morsel_load(m, src, arg.src_offset, arg.offset, arg.length);
	fput(src);
	if (ret < 0)
		return ret;
	arg.loaded = ret;
	return copy_to_user(uarg, &arg, sizeof(arg)) ? -EFAULT : 0;
}

static int morsel_ioc_seal(struct morsel *m, void __user *uarg)
{
	struct morsel_seal arg;
	int ret;

	ret = morsel_copy_in(&arg, uarg, sizeof(arg));
	if (ret)
		return ret;
	if (arg.seals & ~MORSEL_SEAL_ALL)
		return -EINVAL;
	ret = morsel_seal(m, arg.seals);
	if (ret == -EBUSY)
		pr_info_ratelimited("morsel: %u: SEAL_WRITE refused, writable attaches exist\n",
				    m->id);
	return ret;
}

static int morsel_ioc_publish(struct morsel *m, void __user *uarg)
{
	struct morsel_name arg;
	int ret;

	ret = morsel_copy_in(&arg, uarg, sizeof(arg));
	if (ret)
		return ret;
	if (arg.reserved || arg.fd || morsel_name_check(arg.name))
		return -EINVAL;
	return morsel_publish(m, arg.name, arg.mode);
}

/**
 * morsel_fd_ioctl() - ioctls on a morsel file
 * @file: the morsel file
 * @cmd: MORSEL_IOC_*
 * @arg: user pointer to the argument
 *
 * Everything but INFO changes the morsel and needs a file opened for
 * writing (-EPERM otherwise); DESTROY also needs the owner (or
 * CAP_FOWNER); everything fails with -EIDRM once the morsel is destroyed.
 *
 * Return: 0 or a negative errno.
 */
long morsel_fd_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct morsel *m = file->private_data;
	void __user *uarg = (void __user *)arg;
	int ret;

	switch (cmd) {
	case MORSEL_IOC_INFO:
	case MORSEL_IOC_POPULATE:
	case MORSEL_IOC_DISCARD:
	case MORSEL_IOC_LOAD:
	case MORSEL_IOC_SEAL:
	case MORSEL_IOC_REVOKE:
	case MORSEL_IOC_DESTROY:
	case MORSEL_IOC_PUBLISH:
		break;
	default:
		return -ENOTTY;
	}
	if (READ_ONCE(m->dead))
		return -EIDRM;
	if (cmd != MORSEL_IOC_INFO && !(file->f_mode & FMODE_WRITE)) {
		pr_info_ratelimited("morsel: %u: changing it needs an O_RDWR fd\n",
				    m->id);
		return -EPERM;
	}
	switch (cmd) {
	case MORSEL_IOC_INFO:
		return morsel_ioc_info(m, uarg);
	case MORSEL_IOC_POPULATE:
	case MORSEL_IOC_DISCARD:
		return morsel_ioc_range(m, cmd, uarg);
	case MORSEL_IOC_LOAD:
		return morsel_ioc_load(m, uarg);
	case MORSEL_IOC_SEAL:
		return morsel_ioc_seal(m, uarg);
	case MORSEL_IOC_REVOKE:
		down_write(&m->rwsem);
		ret = m->dead ? -EIDRM : 0;
		if (!ret)
			morsel_revoke_locked(m);
		up_write(&m->rwsem);
		return ret;
	case MORSEL_IOC_DESTROY:
		/* It also takes the name away: same rule as UNPUBLISH. */
		if (!uid_eq(current_fsuid(), m->uid) && !capable(CAP_FOWNER)) {
			pr_info_ratelimited("morsel: %u: only its owner may destroy it\n",
					    m->id);
			return -EPERM;
		}
		return morsel_destroy(m);
	default:
		return morsel_ioc_publish(m, uarg);
	}
}

static const struct file_operations morsel_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = morsel_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice morsel_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "morsel",
	.fops = &morsel_dev_fops,
	/*
	 * Morsel memory is pinned: only members of the group udev gives the
	 * node (the package's "morsel" group) may create or open by name.
	 */
	.mode = 0660,
};

/**
 * morsel_dev_init() - register /dev/morsel
 *
 * Return: 0 or a negative errno.
 */
int morsel_dev_init(void)
{
	return misc_register(&morsel_dev);
}

/**
 * morsel_dev_exit() - unregister /dev/morsel
 */
void morsel_dev_exit(void)
{
	misc_deregister(&morsel_dev);
}
