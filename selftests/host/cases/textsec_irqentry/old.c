/* A changed __irq_entry function (.irqentry.text): refused by its section. */
#include "../kstub.h"

noinline __section(".irqentry.text") int irq_enter_here(int x)
{
	return x + 1;
}
