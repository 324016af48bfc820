#include "../kstub.h"
/*
 * Compiler clones, named by hand the way GCC names them, so that new.c can
 * renumber them the way a rebuild does: new.c swaps helper.constprop.0 and
 * .1, renames big.part.0 to big.part.2, makes pick() use the other clone and
 * changes real(). Only pick and real changed.
 */
#define CLONE(n) __asm__(n) __attribute__((__noinline__, __used__))
static int helper3(int v) CLONE("helper.constprop.0");
static int helper5(int v) CLONE("helper.constprop.1");
static int big(int v) CLONE("big.part.0");
static int helper3(int v) { return v * 3 + 11; }
static int helper5(int v) { return v * 5 + 13; }
static int big(int v) { return v * v * v + 17; }
int use3(int v) { return helper3(v) + 1; }
int use5(int v) { return helper5(v) + 2; }
int usebig(int v) { return big(v) + 3; }
int pick(int v) { return helper3(v) + 4; }
int real(int v) { return v + 7; }
