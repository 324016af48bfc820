#include "../kstub.h"
static notrace noinline __attribute__((noclone)) long do_work(long a, long b)
{
	return a > b ? a - b : 0;
}
/* like __x64_sys_NAME: loads the arguments and jumps to the body */
long stub(const long *regs) { return do_work(regs[1], regs[2]); }
