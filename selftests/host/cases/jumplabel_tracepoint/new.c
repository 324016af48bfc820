#include "../kstub.h"
/* a jump label (the kernel's __jump_table entry layout) on a tracepoint whose key is not exported: taken for good in the copy */
struct static_key { int enabled; };
extern struct static_key __tracepoint_klive_event;
static __attribute__((always_inline)) inline int kbranch(struct static_key *k)
{
	asm goto("1: .byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n"
		 ".pushsection __jump_table, \"aw\"\n .balign 8\n"
		 ".long 1b - .\n .long %l[l_yes] - .\n .quad %c0 - .\n .popsection"
		 : : "i"(k) : : l_yes);
	return 0;
l_yes:
	return 1;
}
int jl_func(int x) { if (kbranch(&__tracepoint_klive_event)) return x + 1; return x * 5; }
