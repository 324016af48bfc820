#include "../kstub.h"
/* a SYSCALL_DEFINE body: notrace, kept out of line, two stubs call it */
static notrace noinline __attribute__((noclone)) long do_work(long x)
{
	if (x > 100)
		return -22;
	return x * 3;
}
long sys_a(long x) { return do_work(x) + 1; }
long sys_b(long x) { return do_work(x); }
