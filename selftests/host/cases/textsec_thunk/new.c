/* A changed return thunk (6.12's .text..__x86.return_thunk): refused by its section. */
#include "../kstub.h"

noinline __section(".text..__x86.return_thunk") int ret_thunk(int x)
{
	return x + 5;
}
