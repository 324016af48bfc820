#include "../kstub.h"
int am_check(int v)
{
	if (v < 0) {
		static int seen;

		seen++;
		v -= seen;
	}
	return v;
}
