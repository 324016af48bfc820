#include "../kstub.h"
/*
 * A line passed to a compiler clone that also computes with it: a
 * shifted line changes what the callers do.
 */
static noinline int lu_check(const char *func, unsigned int line, int v, int mode)
{
	if (v > 100) {
		__might_sleep(func, line);
		return -1;
	}
	return v * mode + (int)line;
}

int lu_changed(int v) { return v + 2; }


int lu_a(int v) { return lu_check(__func__, __LINE__, v, 3); }
int lu_b(int v) { return lu_check(__func__, __LINE__, v, 3) + 1; }
