#include "../kstub.h"
/* a parameter added to a global function: callers elsewhere pass one */
noinline int scale(int x, int y) { return x * y; }
int use_scale(int x) { return scale(x, 3) + 1; }
