/* A changed __cpuidle function (.cpuidle.text): refused by its section. */
#include "../kstub.h"

noinline __section(".cpuidle.text") int idle_wait(int x)
{
	return x + 5;
}
