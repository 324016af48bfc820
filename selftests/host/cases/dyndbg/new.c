#include "../kstub.h"
/* pr_debug descriptors (with their jump labels) of changed code are the patch's own */
int dd_first(int x)
{
	if (x < 0) {
		kdbg("negative\n");
		return 0;
	}
	kdbg("first %d\n");
	if (x > 10)
		kdbg("big\n");
	return x * 2;
}

int dd_second(int x)
{
	kdbg("second\n");
	return x + 1;
}
