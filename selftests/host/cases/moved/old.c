#include "../kstub.h"
int first(int x) { return x + 1; }
int second(struct seq_file *m) { seq_puts(m, "second"); return 0; }
