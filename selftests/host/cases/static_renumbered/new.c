#include "../kstub.h"
/*
 * Loops bounded by a pointer one past a static array (offsets+N, which the
 * assembler makes a reference to the section). NEW's rs_changed adds a
 * static, which renumbers the others (offsets.0 -> offsets.1): rs_first and
 * rs_second still refer to the same arrays.
 */
long rs_first(const char *base)
{
	static const unsigned char offsets[] = { 0, 8, 16, 24, 40, 48, 56 };
	long s = 0;

	for (const unsigned char *p = offsets; p != offsets + sizeof(offsets); p++)
		s += *(const long *)(base + *p);
	return s;
}
long rs_second(const char *base)
{
	static const unsigned char offsets[] = { 4, 12, 20, 28, 36, 44 };
	long s = 0;

	for (const unsigned char *p = offsets; p != offsets + sizeof(offsets); p++)
		s ^= *(const int *)(base + *p);
	return s;
}
long rs_changed(const char *base)
{
	static const unsigned char offsets[] = { 16, 8 };

	return *(const long *)(base + offsets[base[0] & 1]) + 1;
}
