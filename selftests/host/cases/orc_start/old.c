#include "../kstub.h"
/*
 * ORC entries as objtool writes them (the host tests run no objtool): one
 * where the unwind state changes. An entry at a function's first byte
 * exists only when the code before it ended in another state (a changed
 * orc_changed that now ends in a noreturn call, with no padding before
 * orc_next), so NEW's entry at orc_next+0 says nothing about orc_next; the
 * new one inside orc_inner does.
 */
long orc_changed(long v) { return printk("%ld", v) + 1; }
long orc_next(long v) { return printk("%ld", v * 3) + 1; }
long orc_inner(long v) { return printk("%ld", v * 7) + 1; }
asm(".pushsection .orc_unwind_ip, \"a\"\n"
    "\t.long orc_changed - .\n"
    "\t.long orc_inner - .\n"
    ".popsection\n"
    ".pushsection .orc_unwind, \"a\"\n"
    "\t.fill 2 * 6, 1, 0\n"
    ".popsection");
