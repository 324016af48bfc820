#include "../kstub.h"
#include "../../../../include/klive_callbacks.h"
int show(struct seq_file *m) { seq_puts(m, "b"); return 0; }
static int fix_setup(void) { printk("setup\n"); return 0; }
KLIVE_PRE_PATCH(fix_setup);
static void fix_ready(void) { printk("ready\n"); }
KLIVE_POST_PATCH(fix_ready);
static void fix_leave(void) { printk("leave\n"); }
KLIVE_PRE_UNPATCH(fix_leave);
static void fix_done(void) { printk("done\n"); }
KLIVE_POST_UNPATCH(fix_done);
