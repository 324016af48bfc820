#include "../kstub.h"
/* umwait %edi (f2 0f ae f7): neither capstone 4 nor patchgen's table knows it */
#define umwait() asm volatile(".byte 0xf2, 0x0f, 0xae, 0xf7" ::: "memory")
static noinline int helper(int x) { printk("h %d\n", x); return x + 1; }
int wait_calc(int x) { umwait(); return helper(x) * 5; }
