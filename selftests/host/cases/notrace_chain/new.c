#include "../kstub.h"
static notrace noinline __attribute__((noclone)) long inner(long x)
{
	return x > 9 ? x : 9;
}
static notrace noinline __attribute__((noclone)) long outer(long x)
{
	return inner(x) * 2 + inner(x + 1);
}
long sys_c(long x) { return outer(x); }
long sys_d(long x) { return outer(x + 2) + 5; }
