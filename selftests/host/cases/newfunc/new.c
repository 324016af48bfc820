#include "../kstub.h"
noinline int extra(struct seq_file *m) { seq_putc(m, 'x'); return 1; }
int show(struct seq_file *m) { seq_puts(m, "a"); return extra(m); }
