/* static_cpu_has() in a changed function: its .altinstr_aux test goes with the copy. */
#include "../kstub.h"
#include "../kcpu.h"

int feat_ok(int x)
{
	if (kcpu_has(9 * 32 + 16))
		return x + 1;
	return x - 1;
}

int other(int x)
{
	return kcpu_has(4 * 32 + 26) ? x * 2 : x;
}
