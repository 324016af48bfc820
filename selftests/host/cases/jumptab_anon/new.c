/* Anonymous switch jump tables (.rodata, no symbol; -fno-jump-tables is not given): pick() changes before its table's targets, keep() does not. */
#include "../kstub.h"
int pick(int x, int y)
{
	if (y < 0)
		y = -y - 1;
	switch (x) {
	case 0: return y + 11;
	case 1: return y * 13;
	case 2: return y - 17;
	case 3: return y ^ 19;
	case 4: return y / 23;
	case 5: return y % 29;
	case 6: return y << 3;
	default: return 0;
	}
}
int keep(int x, int y)
{
	switch (x) {
	case 0: return y + 31;
	case 1: return y * 37;
	case 2: return y - 41;
	case 3: return y ^ 43;
	case 4: return y / 47;
	case 5: return y % 53;
	case 6: return y >> 3;
	default: return 1;
	}
}
