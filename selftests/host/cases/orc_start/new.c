#include "../kstub.h"
/* see old.c */
long orc_changed(long v) { return printk("%ld", v) + 2; }
long orc_next(long v) { return printk("%ld", v * 3) + 1; }
long orc_inner(long v) { return printk("%ld", v * 7) + 1; }
asm(".pushsection .orc_unwind_ip, \"a\"\n"
    "\t.long orc_changed - .\n"
    "\t.long orc_next - .\n"
    "\t.long orc_inner - .\n"
    "\t.long orc_inner + 5 - .\n"
    ".popsection\n"
    ".pushsection .orc_unwind, \"a\"\n"
    "\t.fill 4 * 6, 1, 0\n"
    ".popsection");
