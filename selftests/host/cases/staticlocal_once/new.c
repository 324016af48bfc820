#include "../kstub.h"
int wo_early(int v)
{
	kwarn_once(v > 100, "early big\n");
	return v * 2;
}
int wo_late(int v)
{
	kwarn_once(v < 0, "late negative\n");
	kwarn_once(v > 1000, "late big\n");
	return v + 2;
}
int wo_tail(int v)
{
	kwarn_once(v > 200, "tail big\n");
	return v * 3;
}
