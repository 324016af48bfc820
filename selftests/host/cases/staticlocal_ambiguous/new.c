#include "../kstub.h"
int am_check(int v)
{
	kwarn_once(v > 9, "big\n");
	kwarn_once(v < 0, "negative\n");
	return v;
}
