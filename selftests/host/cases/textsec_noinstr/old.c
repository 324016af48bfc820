/* A changed noinstr function (.noinstr.text, no __fentry__): refused by its section, not patched through its callers. */
#include "../kstub.h"

static notrace noinline __section(".noinstr.text") int enter_quiet(int x)
{
	return x + 1;
}

int do_enter(int x)
{
	return enter_quiet(x) * 2;
}
