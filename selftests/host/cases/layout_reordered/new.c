#include "../kstub.h"
/* members swapped: same size, every offset moved */
struct rec { long value; int id; };
int rec_show(struct seq_file *m, struct rec *r) { seq_puts(m, "r"); return r->id + 1; }
