#include "../kstub.h"
/* a descriptor's line is only shown: a line shift changes neither its function nor its jump label */
int dl_changed(int x) { return x + 2; }



int dl_logged(int x)
{
	kdbg("logged\n");
	return x * 5;
}

int dl_format(int x)
{
	kdbg("format two\n");
	return x * 7;
}
