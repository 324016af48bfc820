#include "../kstub.h"
/*
 * new.c changes target() and makes user() take its address. The pointer
 * must name the running target (a klive relocation), which the ftrace
 * redirection sends to the new code, never the patch's own copy; the direct
 * call in caller() goes to the copy.
 */
extern void register_cb(int (*cb)(int));
static noinline int target(int x) { return x + 1; }
void user(void) { register_cb(0); }
int caller(int x) { return target(x) * 2; }
