#include "../kstub.h"
/* members swapped: same size, every offset moved */
struct rec { int id; long value; };
int rec_show(struct seq_file *m, struct rec *r) { seq_puts(m, "r"); return r->id; }
