/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of morsel.ko (tracefs events/morsel/, perf's morsel:*):
 * object life, population, links into processes and faults. Static keys:
 * they cost nothing while disabled. docs/observing.md shows them in use.
 * The fields have plain C types, so that bpftrace can read them from the
 * format file on a kernel without BTF.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM morsel

#if !defined(_MORSEL_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MORSEL_TRACE_H

#include <linux/tracepoint.h>
#include <linux/uidgid.h>

TRACE_EVENT(morsel_create,
	TP_PROTO(u32 id, u32 level, u32 flags, u64 length, kuid_t uid),
	TP_ARGS(id, level, flags, length, uid),
	TP_STRUCT__entry(
		__field(unsigned int, id)
		__field(unsigned int, level)
		__field(unsigned int, flags)
		__field(unsigned long long, length)
		__field(unsigned int, uid)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->level = level;
		__entry->flags = flags;
		__entry->length = length;
		__entry->uid = from_kuid(&init_user_ns, uid);
	),
	TP_printk("id=%u level=%u flags=%#x length=%llu uid=%u", __entry->id,
		  __entry->level, __entry->flags, __entry->length, __entry->uid)
);

/* A range operation; ret is 0, bytes (load) or a negative errno. */
DECLARE_EVENT_CLASS(morsel_range_class,
	TP_PROTO(u32 id, u64 offset, u64 length, long ret),
	TP_ARGS(id, offset, length, ret),
	TP_STRUCT__entry(
		__field(unsigned int, id)
		__field(unsigned long long, offset)
		__field(unsigned long long, length)
		__field(long, ret)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->offset = offset;
		__entry->length = length;
		__entry->ret = ret;
	),
	TP_printk("id=%u offset=%#llx length=%llu ret=%ld", __entry->id,
		  __entry->offset, __entry->length, __entry->ret)
);

DEFINE_EVENT(morsel_range_class, morsel_populate,
	TP_PROTO(u32 id, u64 offset, u64 length, long ret),
	TP_ARGS(id, offset, length, ret));

DEFINE_EVENT(morsel_range_class, morsel_load,
	TP_PROTO(u32 id, u64 offset, u64 length, long ret),
	TP_ARGS(id, offset, length, ret));

DEFINE_EVENT(morsel_range_class, morsel_discard,
	TP_PROTO(u32 id, u64 offset, u64 length, long ret),
	TP_ARGS(id, offset, length, ret));

/* The one entry of a process's page table that links the morsel's root. */
DECLARE_EVENT_CLASS(morsel_link_class,
	TP_PROTO(u32 id, u32 level, struct mm_struct *mm, unsigned long addr),
	TP_ARGS(id, level, mm, addr),
	TP_STRUCT__entry(
		__field(unsigned int, id)
		__field(unsigned int, level)
		__field(const void *, mm)
		__field(unsigned long, addr)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->level = level;
		__entry->mm = mm;
		__entry->addr = addr;
	),
	TP_printk("id=%u level=%u mm=%p addr=%#lx", __entry->id, __entry->level,
		  __entry->mm, __entry->addr)
);

DEFINE_EVENT(morsel_link_class, morsel_link,
	TP_PROTO(u32 id, u32 level, struct mm_struct *mm, unsigned long addr),
	TP_ARGS(id, level, mm, addr));

DEFINE_EVENT(morsel_link_class, morsel_unlink,
	TP_PROTO(u32 id, u32 level, struct mm_struct *mm, unsigned long addr),
	TP_ARGS(id, level, mm, addr));

TRACE_EVENT(morsel_fault,
	TP_PROTO(u32 id, u32 level, unsigned long address, unsigned int flags,
		 vm_fault_t result),
	TP_ARGS(id, level, address, flags, result),
	TP_STRUCT__entry(
		__field(unsigned int, id)
		__field(unsigned int, level)
		__field(unsigned long, address)
		__field(unsigned int, flags)
		__field(unsigned int, result)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->level = level;
		__entry->address = address;
		__entry->flags = flags;
		__entry->result = (__force unsigned int)result;
	),
	TP_printk("id=%u level=%u address=%#lx flags=%#x result=%#x", __entry->id,
		  __entry->level, __entry->address, __entry->flags, __entry->result)
);

TRACE_EVENT(morsel_seal,
	TP_PROTO(u32 id, u32 seals, u32 now, int ret),
	TP_ARGS(id, seals, now, ret),
	TP_STRUCT__entry(
		__field(unsigned int, id)
		__field(unsigned int, seals)
		__field(unsigned int, now)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->seals = seals;
		__entry->now = now;
		__entry->ret = ret;
	),
	TP_printk("id=%u seals=%#x now=%#x ret=%d", __entry->id, __entry->seals,
		  __entry->now, __entry->ret)
);

/* Revoke and destroy: every attach unlinked; destroy also freed pages. */
DECLARE_EVENT_CLASS(morsel_object_class,
	TP_PROTO(u32 id, long pages),
	TP_ARGS(id, pages),
	TP_STRUCT__entry(
		__field(unsigned int, id)
		__field(long, pages)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->pages = pages;
	),
	TP_printk("id=%u pages=%ld", __entry->id, __entry->pages)
);

DEFINE_EVENT(morsel_object_class, morsel_revoke,
	TP_PROTO(u32 id, long pages),
	TP_ARGS(id, pages));

DEFINE_EVENT(morsel_object_class, morsel_destroy,
	TP_PROTO(u32 id, long pages),
	TP_ARGS(id, pages));

#endif /* _MORSEL_TRACE_H */

/* This directory is on the include path (Kbuild); the name is unique there. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE morsel_trace
#include <trace/define_trace.h>
