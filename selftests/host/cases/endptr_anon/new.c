#include "../kstub.h"
/* see old.c */
int tbl_one(int v) { return v + 1; }
int tbl_two(int v) { return v + 2; }
asm(".pushsection .rodata, \"a\"\n"
    "tbl_arr:\n"
    "\t.byte 1, 2, 3, 4\n"
    "\t.type tbl_arr, @object\n"
    "\t.size tbl_arr, 4\n"
    "\t.quad tbl_two\n"
    ".popsection");
long tbl_use(void)
{
	long r;

	asm("movq $tbl_arr + 4, %0" : "=r"(r));
	return r;
}
