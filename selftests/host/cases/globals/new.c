#include "../kstub.h"
int cmdline_show(struct seq_file *m) { seq_puts(m, saved_command_line); seq_puts(m, " patched"); seq_putc(m, '\n'); return 0; }
