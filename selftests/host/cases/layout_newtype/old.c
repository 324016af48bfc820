#include "../kstub.h"
/* a type only NEW has, used only by a new function; an old one unchanged */
struct stat_old { int hits; };
int stat_show(struct seq_file *m, struct stat_old *s) { seq_puts(m, "s"); return s->hits; }
