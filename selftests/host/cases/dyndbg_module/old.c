#include "../kstub.h"
/* a pr_debug in a changed function of a loadable module: the patch's own descriptor too */
static const char modinfo_license[] __attribute__((section(".modinfo"), used)) = "license=GPL";
int dm_entry(int v)
{
	kdbg("entry\n");
	return v + 1;
}
