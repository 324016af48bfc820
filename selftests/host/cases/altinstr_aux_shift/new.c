/* A static_cpu_has() added before another user moves that user's .altinstr_aux test: not a change of it. */
#include "../kstub.h"
#include "../kcpu.h"

int first(int x)
{
	return kcpu_has(4 * 32 + 26) ? x + 3 : x;
}

int second(int x)
{
	if (kcpu_has(9 * 32 + 16))
		return x + 1;
	return x - 1;
}
