#include "../kstub.h"
int am_check(int v)
{
	if (v > 9) {
		static int seen;

		seen++;
		v += seen;
	}
	if (v < 0) {
		static int seen;

		seen++;
		v -= seen;
	}
	return v;
}
