/* An alternative (6.1's struct alt_instr) whose original instruction calls a
 * function klive.ko must resolve (not exported): klive would write that
 * call only after the module loader applied the alternative. */
#include "../kstub.h"

noinline int slow_path(int x)
{
	return x * 3;
}

static inline int pick(int x)
{
	int r;

	asm volatile("661:\n\tcall slow_path\n662:\n"
		     ".pushsection .altinstructions, \"a\"\n"
		     " .long 661b - .\n"
		     " .long 663f - .\n"
		     " .word 0x1234\n"
		     " .byte 662b - 661b\n"
		     " .byte 664f - 663f\n"
		     ".popsection\n"
		     ".pushsection .altinstr_replacement, \"ax\"\n"
		     "663:\n\tlea (%%rdi,%%rdi,2), %%eax\n664:\n"
		     ".popsection\n"
		     : "=a"(r) : "D"(x) : "memory");
	return r;
}

int tripled(int x)
{
	return pick(x) + 2;
}
