#include "../kstub.h"
int sl_first(int v) { static int count; count++; return v + count; }
int sl_second(int v) { static int count; count += v; return count; }
int sl_third(int v) { static int count; count -= 2 * v; return count; }
int sl_last(int v) { static int count; count--; return v - count; }
