#include "../kstub.h"
static int counter;
int bump(void) { counter += 2; return counter; }
int peek(void) { return counter; }
