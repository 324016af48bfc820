#include "../kstub.h"
int am_check(int v)
{
	kwarn_once(v < 0, "negative\n");
	return v;
}
