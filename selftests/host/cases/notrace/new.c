#include "../kstub.h"
notrace int fast(int x) { return x << 2; }
