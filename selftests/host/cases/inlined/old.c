#include "../kstub.h"
static inline int sq(int x) { return x * x; }
int area(int x) { return sq(x) + 1; }
int unrelated(int x) { return x + 42; }
