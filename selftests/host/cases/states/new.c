#include "../kstub.h"
#include "../../../../include/klive_callbacks.h"
#include "../../../../include/klive_state.h"
#define FIX_STATE 0x6b6c7602
int show(struct seq_file *m) { seq_puts(m, "b"); return 0; }
static int fix_setup(void) { printk("setup\n"); return 0; }
KLIVE_PRE_PATCH(fix_setup);
KLIVE_STATE(FIX_STATE, 2);
KLIVE_STATE(7, 1);
