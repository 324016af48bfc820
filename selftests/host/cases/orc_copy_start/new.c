#include "../kstub.h"
/* see old.c */
#define ORC_TEXT __attribute__((section(".text.orc_copy")))
ORC_TEXT long orc_a(long v) { return printk("%ld", v) + 1; }
ORC_TEXT long orc_b(long v) { return printk("%ld", v * 3) + 2; }
asm(".pushsection .orc_unwind_ip, \"a\"\n"
    "\t.long orc_a - .\n"
    "\t.long orc_a + 5 - .\n"
    "\t.long orc_b + 5 - .\n"
    ".popsection\n"
    ".pushsection .orc_unwind, \"a\"\n"
    "\t.fill 3 * 6, 1, 0\n"
    ".popsection");
