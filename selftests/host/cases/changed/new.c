#include "../kstub.h"
int calc(int x) { return x * 5 + 2; }
int other(int x) { return x - 7; }
