#include "../kstub.h"
static inline __attribute__((always_inline)) int sh_check(int v)
{
	return kwarn_once(v < 0, "negative\n");
}
int sh_a(int v) { return sh_check(v) + 10; }
int sh_b(int v) { return sh_check(v * 2) + 2; }
int sh_tail(int v) { return kwarn_once(v > 50, "big\n") + v - 3; }
