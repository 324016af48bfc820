#include "../kstub.h"
static int counter;
int bump(void) { counter++; return counter; }
int peek(void) { return counter; }
