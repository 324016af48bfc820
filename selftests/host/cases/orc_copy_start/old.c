#include "../kstub.h"
/*
 * ORC entries as objtool writes them (the host tests run no objtool): one
 * where the unwind state changes. orc_b has none at its first byte (orc_a
 * ended in the state orc_b starts in): its copy, which follows other code
 * in the patch, must get one there, with the state of orc_a's last entry.
 * Both stay in one section also with -ffunction-sections.
 */
#define ORC_TEXT __attribute__((section(".text.orc_copy")))
ORC_TEXT long orc_a(long v) { return printk("%ld", v) + 1; }
ORC_TEXT long orc_b(long v) { return printk("%ld", v * 3) + 1; }
asm(".pushsection .orc_unwind_ip, \"a\"\n"
    "\t.long orc_a - .\n"
    "\t.long orc_a + 5 - .\n"
    "\t.long orc_b + 5 - .\n"
    ".popsection\n"
    ".pushsection .orc_unwind, \"a\"\n"
    "\t.fill 3 * 6, 1, 0\n"
    ".popsection");
