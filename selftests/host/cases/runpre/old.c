/*
 * The bytes klive.ko must not compare with the running kernel ("pre
 * ignore" in --list): the __fentry__ call, a jump label, an alternative, a
 * lock prefix, a return site and relocation fields, at known offsets (the
 * function is written in assembler). The immediate NEW changes (+0x15) and
 * the rest are compared.
 */
#include "../kstub.h"
asm(".pushsection .text\n"
    ".globl pre_target\n"
    ".type pre_target, @function\n"
    "pre_target:\n"
    "0:\tcall __fentry__\n"				/* +0x0 */
    ".pushsection __mcount_loc, \"a\"\n\t.quad 0b\n.popsection\n"
    "1:\t.byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n"		/* +0x5: jump label */
    ".pushsection __jump_table, \"aw\"\n\t.balign 8\n"
    "\t.long 1b - .\n\t.long 5f - .\n\t.quad __tracepoint_klive_pre - .\n.popsection\n"
    "661:\tlfence\n662:\n"				/* +0xa: alternative */
    ".pushsection .altinstructions, \"a\"\n"
    "\t.long 661b - .\n\t.long 663f - .\n\t.word 0x1234\n"
    "\t.byte 662b - 661b\n\t.byte 664f - 663f\n.popsection\n"
    ".pushsection .altinstr_replacement, \"ax\"\n663:\tmfence\n664:\n.popsection\n"
    "2:\tlock incl saved_command_line(%rip)\n"		/* +0xd: lock prefix, field at +0x10 */
    ".pushsection .smp_locks, \"a\"\n\t.long 2b - .\n.popsection\n"
    "\tmovl $7, %eax\n"					/* +0x14 */
    "3:\tjmp __x86_return_thunk\n"			/* +0x19: return site */
    ".pushsection .return_sites, \"a\"\n\t.long 3b - .\n.popsection\n"
    "5:\tmovl $1, %eax\n"
    "\tret\n"
    ".size pre_target, .-pre_target\n"
    ".popsection\n");
