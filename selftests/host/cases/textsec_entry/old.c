/* A changed function of .entry.text (mapped into user page tables): refused by its section. */
#include "../kstub.h"

noinline __section(".entry.text") int entry_helper(int x)
{
	return x + 1;
}
