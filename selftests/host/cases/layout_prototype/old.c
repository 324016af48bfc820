#include "../kstub.h"
/* a parameter added to a global function: callers elsewhere pass one */
noinline int scale(int x) { return x * 3; }
int use_scale(int x) { return scale(x) + 1; }
