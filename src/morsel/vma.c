// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching morsels: mmap checks, the VMA callbacks and the morsel hooks
 * (fault, zap, fork) that the core calls for these VMAs.
 *
 * One VMA per attach covers the whole span, so the link entry belongs to it
 * alone. VM_PFNMAP | VM_IO keep GUP, page walkers, madvise, KSM, NUMA
 * balancing, reclaim and the OOM reaper away from the shared tables;
 * VM_NOHUGEPAGE keeps THP and khugepaged away; VM_DONTEXPAND and the
 * may_split, mprotect and mremap vetoes keep the VMA exactly as attached.
 */
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/morsel_hooks.h>
#include <linux/sched/mm.h>
#include "morsel.h"
#include "morsel_trace.h"

/* Pages are freed after revocation: that needs the flush at the zap. */
#if !defined(MORSEL_HOOKS_VERSION) || MORSEL_HOOKS_VERSION < 2
#error "morsel.ko needs the morsel hook patch v2 (MORSEL_HOOKS_VERSION 2): rebuild the hook kernel with patches/<series>/0003"
#endif

/**
 * morsel_mmap_check() - may this mmap() attach @m?
 * @m: the morsel
 * @addr: start of the new VMA
 * @len: its length
 * @pgoff: file offset in pages
 * @vm_flags: its flags (VM_MAYSHARE for MAP_SHARED; VM_SHARED is dropped
 *	for a read-only file)
 * @f_mode: mode of the morsel file
 *
 * Permissions live in the leaves, which all attaches share: an attach is
 * read-write (leaves writable) or read-only on a morsel whose leaves are
 * read-only (created without MORSEL_F_WRITABLE, or write-sealed).
 *
 * Return: 0; -EINVAL for MAP_PRIVATE, an offset, a length other than the
 * span, an unaligned or (fixed-address morsel) other address; -EPERM for a
 * writable attach after MORSEL_SEAL_WRITE; -EACCES for a writable attach
 * through a read-only file or of a read-only morsel, an executable attach
 * of a morsel without MORSEL_F_EXEC, or a read-only attach of a morsel
 * whose leaves are writable.
 */
int morsel_mmap_check(const struct morsel *m, unsigned long addr,
		      unsigned long len, unsigned long pgoff,
		      unsigned long vm_flags, fmode_t f_mode)
{
	if (!(vm_flags & VM_MAYSHARE)) {
		pr_info_ratelimited("morsel: %u: attach needs MAP_SHARED\n", m->id);
		return -EINVAL;
	}
	if (pgoff || len != m->span) {
		pr_info_ratelimited("morsel: %u: attach needs offset 0 and length %llu\n",
				    m->id, m->span);
		return -EINVAL;
	}
	if (!morsel_addr_ok(m->level, addr, morsel_l5()) ||
	    ((m->flags & MORSEL_F_FIXED_ADDR) && addr != m->fixed_addr)) {
		pr_info_ratelimited("morsel: %u: cannot attach at %#lx\n", m->id, addr);
		return -EINVAL;
	}
	if (vm_flags & VM_WRITE) {
		if (m->seals & MORSEL_SEAL_WRITE) {
			pr_info_ratelimited("morsel: %u: write-sealed, attach read-only\n",
					    m->id);
			return -EPERM;
		}
		if (!(f_mode & FMODE_WRITE) || !(m->flags & MORSEL_F_WRITABLE)) {
			pr_info_ratelimited("morsel: %u: not writable through this fd\n",
					    m->id);
			return -EACCES;
		}
	} else if (morsel_leaves_writable(m)) {
		pr_info_ratelimited("morsel: %u: writable morsel: attach read-write, or seal it (MORSEL_SEAL_WRITE) first\n",
				    m->id);
		return -EACCES;
	}
	if ((vm_flags & VM_EXEC) && !(m->flags & MORSEL_F_EXEC)) {
		pr_info_ratelimited("morsel: %u: not executable\n", m->id);
		return -EACCES;
	}
	return 0;
}

static void morsel_attach_add(struct vm_area_struct *vma, int nr)
{
	struct morsel *m = vma->vm_private_data;

	atomic_add(nr, &m->attaches);
	if (vma->vm_flags & VM_WRITE)
		atomic_add(nr, &m->writable_attaches);
	atomic_long_add(nr, &morsel_stats.attaches);
}

/* Fork (the child's copy) and splits, which may_split refuses. */
static void morsel_vm_open(struct vm_area_struct *vma)
{
	morsel_attach_add(vma, 1);
}

static void morsel_vm_close(struct vm_area_struct *vma)
{
	morsel_attach_add(vma, -1);
}

static int morsel_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	pr_info_ratelimited("morsel: %u: an attach is unmapped as a whole\n",
			    ((struct morsel *)vma->vm_private_data)->id);
	return -EINVAL;
}

/*
 * The leaves are shared by every attach: no protection change (permissions
 * or protection key) of one attach may reach them. The hook patch also
 * keeps change_protection() out of morsel VMAs.
 */
static int morsel_vm_mprotect(struct vm_area_struct *vma, unsigned long start,
			      unsigned long end, unsigned long newflags)
{
	if (newflags != vma->vm_flags) {
		pr_info_ratelimited("morsel: %u: mprotect of an attach refused\n",
				    ((struct morsel *)vma->vm_private_data)->id);
		return -EACCES;
	}
	return 0;
}

static vm_fault_t morsel_fault(struct vm_area_struct *vma,
			       unsigned long address, unsigned int flags)
{
	struct morsel *m = vma->vm_private_data;
	u64 offset = (address & PAGE_MASK) - vma->vm_start;
	vm_fault_t ret = VM_FAULT_NOPAGE;
	int err;

	/* NX leaves: returning NOPAGE would refault forever. */
	if ((flags & FAULT_FLAG_INSTRUCTION) && !(m->flags & MORSEL_F_EXEC))
		return VM_FAULT_SIGSEGV;
	if (offset >= m->length)
		return VM_FAULT_SIGBUS;
	down_read(&m->rwsem);
	if (m->dead) {
		ret = VM_FAULT_SIGBUS;
		goto out;
	}
	if ((flags & FAULT_FLAG_WRITE) && !morsel_leaves_writable(m)) {
		ret = VM_FAULT_SIGSEGV;
		goto out;
	}
	err = morsel_fill(m, offset, m->flags & MORSEL_F_FILL_SIGBUS ?
			  MORSEL_NO_ALLOC : MORSEL_ALLOC_FAULT, NULL);
	if (!err)
		err = morsel_link(m, vma->vm_mm, vma->vm_start);
	switch (err) {
	case 0:
		break;
	case -ENOMEM:
		ret = VM_FAULT_OOM;
		break;
	case -EDQUOT:
		pr_info_ratelimited("morsel: %u: max_pages_per_user reached, SIGBUS\n",
				    m->id);
		ret = VM_FAULT_SIGBUS;
		break;
	case -EEXIST:
		pr_warn_ratelimited("morsel: %u: page table entry at %#lx in use, SIGBUS\n",
				    m->id, vma->vm_start);
		ret = VM_FAULT_SIGBUS;
		break;
	default:
		ret = VM_FAULT_SIGBUS;
		break;
	}
out:
	up_read(&m->rwsem);
	trace_morsel_fault(m->id, m->level, address, flags, ret);
	return ret;
}

static bool morsel_zap(struct vm_area_struct *vma, unsigned long start,
		       unsigned long end)
{
	/*
	 * If this cleared a link, the core flushes this mm's TLB (whole mm,
	 * freed tables) before it goes on: before the VMA leaves i_mmap.
	 */
	return morsel_unlink(vma->vm_private_data, vma->vm_mm, vma->vm_start);
}

static int morsel_fork(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct morsel *m = src->vm_private_data;
	int ret = 0;

	down_read(&m->rwsem);
	if (!m->dead)
		ret = morsel_link(m, dst->vm_mm, dst->vm_start);
	up_read(&m->rwsem);
	/* Anything but a lack of memory is left to the child's first fault. */
	return ret == -ENOMEM ? ret : 0;
}

static const struct vm_morsel_ops morsel_hook_ops = {
	.fault = morsel_fault,
	.zap = morsel_zap,
	.fork = morsel_fork,
};

static const struct vm_operations_struct morsel_vm_ops = {
	.open = morsel_vm_open,
	.close = morsel_vm_close,
	.may_split = morsel_vm_may_split,
	.mprotect = morsel_vm_mprotect,
	.morsel = &morsel_hook_ops,
};

static int morsel_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct morsel *m = file->private_data;
	int ret;

	/* Counted under the rwsem, against a concurrent MORSEL_SEAL_WRITE. */
	down_read(&m->rwsem);
	ret = m->dead ? -EIDRM :
	      morsel_mmap_check(m, vma->vm_start, vma->vm_end - vma->vm_start,
				vma->vm_pgoff, vma->vm_flags, file->f_mode);
	if (!ret) {
		vma->vm_private_data = m;
		morsel_attach_add(vma, 1);
	}
	up_read(&m->rwsem);
	if (ret)
		return ret;
	/* Not under the rwsem: this takes the VMA lock, which faults hold. */
	vm_flags_set(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP |
			  VM_NOHUGEPAGE);
	if (!(vma->vm_flags & VM_WRITE))
		vm_flags_clear(vma, VM_MAYWRITE);
	if (!(vma->vm_flags & VM_EXEC))
		vm_flags_clear(vma, VM_MAYEXEC);
	vma->vm_ops = &morsel_vm_ops;
	return 0;
}

/*
 * A span-aligned free range: ask for twice the span and round up. A
 * P4D-table morsel needs a hint above 47 bits to get the 5-level address
 * space at all.
 */
static unsigned long morsel_get_unmapped_area(struct file *file,
					      unsigned long addr,
					      unsigned long len,
					      unsigned long pgoff,
					      unsigned long flags)
{
	struct morsel *m = file->private_data;
	struct mm_struct *mm = current->mm;
	unsigned long span = m->span;
	unsigned long found;

	if (len != span || pgoff || !(flags & MAP_SHARED)) {
		pr_info_ratelimited("morsel: %u: attach needs MAP_SHARED, offset 0 and length %lu\n",
				    m->id, span);
		return -EINVAL;
	}
	if (m->flags & MORSEL_F_FIXED_ADDR) {
		if ((addr || (flags & MAP_FIXED)) && addr != m->fixed_addr) {
			pr_info_ratelimited("morsel: %u: attaches only at %#llx\n",
					    m->id, m->fixed_addr);
			return -EINVAL;
		}
		if (!(flags & MAP_FIXED) &&
		    find_vma_intersection(mm, m->fixed_addr, m->fixed_addr + span))
			return -ENOMEM;
		return m->fixed_addr;
	}
	/* Refused here, before MAP_FIXED unmaps whatever is in the way. */
	if (flags & MAP_FIXED) {
		if (morsel_addr_ok(m->level, addr, morsel_l5()))
			return addr;
		pr_info_ratelimited("morsel: %u: cannot attach at %#lx\n", m->id, addr);
		return -EINVAL;
	}
	if (addr && morsel_addr_ok(m->level, addr, morsel_l5()) &&
	    !find_vma_intersection(mm, addr, addr + span))
		return addr;
	if (m->level == MORSEL_LEVEL_P4D && addr < span)
		addr = span;
	found = mm_get_unmapped_area(mm, file, addr, len + span, 0, flags);
	if (IS_ERR_VALUE(found))
		return found;
	return ALIGN(found, span);
}

static int morsel_release_file(struct inode *inode, struct file *file)
{
	morsel_put(file->private_data);
	return 0;
}

const struct file_operations morsel_fops = {
	.owner = THIS_MODULE,
	.mmap = morsel_mmap,
	.get_unmapped_area = morsel_get_unmapped_area,
	.release = morsel_release_file,
	.unlocked_ioctl = morsel_fd_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
