/* A jump into a code section patchgen does not know (.fixup, gone since 5.17): refused by name, never dropped. */
#include "../kstub.h"

int fixed_up(int x)
{
	asm goto("jmp 1f\n"
		 ".pushsection .fixup, \"ax\"\n"
		 "1:\tjmp %l[out]\n"
		 ".popsection\n" : : : : out);
	return x + 2;
out:
	return -1;
}
