#include "../kstub.h"
static notrace noinline __attribute__((noclone)) long do_work(long x)
{
	return x * 5;
}
long sys_a(long x) { return do_work(x) + 1; }
__init long setup(long x) { return do_work(x) - 1; }
