#include "../kstub.h"
/* three statics whose names all occur elsewhere in the kernel: only their run is unique */
#define ONCE __attribute__((section(".data.rn")))
static int ONCE rn_a = 1, ONCE rn_b = 2, ONCE rn_c = 3;
int rn_use(int v) { return v * 4 + rn_b; }
int rn_keep(int v) { return rn_a + rn_c + v; }
void rn_set(int v) { rn_a = v; rn_b = v + 1; rn_c = v + 2; }
