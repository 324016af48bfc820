#include "../kstub.h"
int calc(int x) { return x * 3 + 1; }
int other(int x) { return x - 7; }
