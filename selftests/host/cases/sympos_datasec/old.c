#include "../kstub.h"
/*
 * A static variable whose name another object of the kernel also uses. With
 * -fdata-sections each variable has a section of its own, so there is no
 * run of its section's symbols to find: its object's other symbols around
 * one of the candidates (the neighbour rule) tell which one it is.
 */
static int sd_count = 7;
static int sd_limit = 5;
int sd_total = 3;

int sd_bump(int v)
{
	sd_count += v;
	return sd_count > sd_limit;
}

int sd_sum(void) { return sd_total + sd_limit; }
