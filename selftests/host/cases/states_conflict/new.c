#include "../kstub.h"
#include "../../../../include/klive_state.h"
int show(struct seq_file *m) { seq_puts(m, "b"); return 0; }
KLIVE_STATE(5, 1);
KLIVE_STATE(5, 2);
KLIVE_STATE(0, 1);
