#include "../kstub.h"
/* a second WARN_ONCE flag in a function: the flags cannot be paired, so both are fresh copies */
int am_check(int v)
{
	kwarn_once(v > 9, "big\n");
	kwarn_once(v < 0, "negative\n");
	return v;
}
