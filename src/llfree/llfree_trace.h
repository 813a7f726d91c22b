/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of llfree.ko's page-allocator backend (tracefs events/llfree/,
 * perf's llfree:*), beside the kernel's own kmem:mm_page_alloc/free: what
 * LLFree served, what it took back, when it sent a request to buddy, when
 * an order ran out, and what release gave back. Static keys: they cost
 * nothing while disabled. docs/observing.md shows them in use.
 * The fields have plain C types, so that bpftrace can read them from the
 * format file on a kernel without BTF.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM llfree

#if !defined(_LLFREE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _LLFREE_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(llfree_alloc,
	TP_PROTO(unsigned long pfn, unsigned int order, u32 cls, bool cached),
	TP_ARGS(pfn, order, cls, cached),
	TP_STRUCT__entry(
		__field(unsigned long, pfn)
		__field(unsigned int, order)
		__field(unsigned int, cls)
		__field(int, cpu)
		__field(unsigned char, cached)
	),
	TP_fast_assign(
		__entry->pfn = pfn;
		__entry->order = order;
		__entry->cls = cls;
		__entry->cpu = raw_smp_processor_id();
		__entry->cached = cached;
	),
	TP_printk("pfn=%#lx order=%u class=%u cpu=%d cached=%d", __entry->pfn,
		  __entry->order, __entry->cls, __entry->cpu, __entry->cached)
);

/* refused: LLFree would not take it back (the block stays allocated). */
TRACE_EVENT(llfree_free,
	TP_PROTO(unsigned long pfn, unsigned int order, bool cached, bool refused),
	TP_ARGS(pfn, order, cached, refused),
	TP_STRUCT__entry(
		__field(unsigned long, pfn)
		__field(unsigned int, order)
		__field(int, cpu)
		__field(unsigned char, cached)
		__field(unsigned char, refused)
	),
	TP_fast_assign(
		__entry->pfn = pfn;
		__entry->order = order;
		__entry->cpu = raw_smp_processor_id();
		__entry->cached = cached;
		__entry->refused = refused;
	),
	TP_printk("pfn=%#lx order=%u cpu=%d cached=%d refused=%d", __entry->pfn,
		  __entry->order, __entry->cpu, __entry->cached, __entry->refused)
);

/* A request left to buddy: reason "exhausted" (known empty) or "empty". */
TRACE_EVENT(llfree_fallback,
	TP_PROTO(unsigned int order, const char *reason),
	TP_ARGS(order, reason),
	TP_STRUCT__entry(
		__field(unsigned int, order)
		__string(reason, reason)
	),
	TP_fast_assign(
		__entry->order = order;
		__assign_str(reason);
	),
	TP_printk("order=%u reason=%s", __entry->order, __get_str(reason))
);

/* An order found nothing: later requests of it go to buddy directly. */
TRACE_EVENT(llfree_exhausted,
	TP_PROTO(const char *zone, unsigned int order),
	TP_ARGS(zone, order),
	TP_STRUCT__entry(
		__string(zone, zone)
		__field(unsigned int, order)
	),
	TP_fast_assign(
		__assign_str(zone);
		__entry->order = order;
	),
	TP_printk("zone=%s order=%u", __get_str(zone), __entry->order)
);

TRACE_EVENT(llfree_release,
	TP_PROTO(unsigned long returned, unsigned long handed_over),
	TP_ARGS(returned, handed_over),
	TP_STRUCT__entry(
		__field(unsigned long, returned)
		__field(unsigned long, handed_over)
	),
	TP_fast_assign(
		__entry->returned = returned;
		__entry->handed_over = handed_over;
	),
	TP_printk("returned=%lu handed_over=%lu", __entry->returned,
		  __entry->handed_over)
);

#endif /* _LLFREE_TRACE_H */

/* This directory is on the include path (Kbuild); the name is unique there. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE llfree_trace
#include <trace/define_trace.h>
