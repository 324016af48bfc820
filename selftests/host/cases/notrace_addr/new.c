#include "../kstub.h"
extern void register_cb(long (*cb)(long));
static notrace noinline __attribute__((noclone)) long do_work(long x)
{
	return x * 5;
}
long sys_a(long x) { return do_work(x) + 1; }
void setup(void) { register_cb(do_work); }
