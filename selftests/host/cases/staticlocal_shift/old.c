#include "../kstub.h"
int sl_first(int v) { return v + 1; }
int sl_second(int v) { static int count; count += v; return count; }
int sl_third(int v) { static int count; count -= v; return count; }
int sl_last(int v) { return v - 1; }
