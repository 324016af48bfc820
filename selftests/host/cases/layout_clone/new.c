#include "../kstub.h"
/* the changed code is a compiler clone (get.constprop.0): its DWARF is an instance of get */
struct foo { long b; int a; };
static noinline int get(struct foo *f, int k) { f->a += k; return f->a; }
int show1(struct foo *f) { return get(f, 3); }
int show2(struct foo *f) { return get(f, 3) + 1; }
