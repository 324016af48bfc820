#include "../kstub.h"
/* serialize (0f 01 e8): capstone 4 cannot decode it, the kernel's sync_core() uses it */
#define serialize() asm volatile(".byte 0x0f, 0x01, 0xe8" ::: "memory")
static noinline int helper(int x) { printk("h %d\n", x); return x + 1; }
int sync_calc(int x) { serialize(); return helper(x) * 3; }
int sync_other(int x) { serialize(); return helper(x) - 7; }
