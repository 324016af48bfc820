#include "../kstub.h"
/*
 * The fix adds a member to struct bar, which only the unchanged bar_count
 * uses (the member is at the end: its code stays the same); the changed
 * function calls it but names no struct bar itself. Objects of struct bar
 * the running kernel made have the old size: refused, although no changed
 * function uses the type.
 */
struct bar {
	int a;
	int b;
	int c;
};

noinline int bar_count(struct bar *x)
{
	return x->a + x->b;
}

int caller(void *p)
{
	return bar_count(p) + 2;
}
