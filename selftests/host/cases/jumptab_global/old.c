/* A global object pointing inside run(): other objects of the running kernel may use it, so it cannot become the new code's own. Refused. */
#include "../kstub.h"
int run(int x)
{
	if (x > 100)
		return x * 7 - 3;
	return x + 1;
}
const void *const run_resume[] = { (const char *)run + 16 };
