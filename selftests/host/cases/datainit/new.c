#include "../kstub.h"
static int limit = 20;
int check(int x) { return x < limit; }
void set_limit(int l) { limit = l; }
