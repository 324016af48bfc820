#include "../kstub.h"
/*
 * A line passed to a compiler clone (lc_check.constprop.N: MODE is
 * propagated, the other arguments keep their order): the clone only hands
 * it on as the line argument of __might_sleep, so a shifted line changes
 * neither caller.
 */
static noinline int lc_check(const char *func, unsigned int line, int v, int mode)
{
	if (v > 100) {
		__might_sleep(func, line);
		return -1;
	}
	return v * mode;
}

int lc_changed(int v) { return v + 2; }


int lc_a(int v) { return lc_check(__func__, __LINE__, v, 3); }
int lc_b(int v) { return lc_check(__func__, __LINE__, v, 3) + 1; }
