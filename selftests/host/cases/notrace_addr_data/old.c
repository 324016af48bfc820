#include "../kstub.h"
static notrace noinline __attribute__((noclone)) long do_work(long x)
{
	return x * 3;
}
long sys_a(long x) { return do_work(x) + 1; }
long (*const handlers[])(long) __used = { do_work };
