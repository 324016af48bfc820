/* A notrace body with static_cpu_has(): its .altinstr_aux test and alternative jump back into it, which is no way in from elsewhere; it is patched through its callers. */
#include "../kstub.h"
#include "../kcpu.h"

static notrace noinline __attribute__((noclone)) long do_feat(long x)
{
	if (kcpu_has(9 * 32 + 16))
		return x * 3;
	return x + 1;
}
long sys_feat(long x) { return do_feat(x) + 1; }
