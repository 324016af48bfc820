#include "../kstub.h"
/* loops bounded by a pointer one past a static array: the compiler forms offsets+N */
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
long rs_changed(const char *base) { return *(const long *)base + 1; }
