#include "../kstub.h"
/* a jump label (the kernel's __jump_table entry layout) on a tracepoint whose key is not exported: taken for good in the copy */
extern struct static_key __tracepoint_klive_event;
int jl_func(int x) { if (kbranch(&__tracepoint_klive_event)) return x + 1; return x * 3; }
