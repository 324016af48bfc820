#include "../kstub.h"
int wo_early(int v) { return v * 2; }
int wo_late(int v)
{
	kwarn_once(v < 0, "late negative\n");
	kwarn_once(v > 1000, "late big\n");
	return v + 1;
}
int wo_tail(int v) { return v * 3; }
