#include "../kstub.h"
/*
 * An array followed by data without a symbol (like a switch's jump table):
 * a reference just past the array may be that data, whose entries point
 * into code. When they change, so does the function using them.
 */
int tbl_one(int v) { return v + 1; }
int tbl_two(int v) { return v + 2; }
asm(".pushsection .rodata, \"a\"\n"
    "tbl_arr:\n"
    "\t.byte 1, 2, 3, 4\n"
    "\t.type tbl_arr, @object\n"
    "\t.size tbl_arr, 4\n"
    "\t.quad tbl_one\n"
    ".popsection");
long tbl_use(void)
{
	long r;

	asm("movq $tbl_arr + 4, %0" : "=r"(r));
	return r;
}
