#include "../kstub.h"
/* a descriptor of a dynamic debug class needs its class map, which is not carried */
int dc_func(int x)
{
	kdbg_cls(5, "classy\n");
	return x + 2;
}
