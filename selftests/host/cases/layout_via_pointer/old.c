#include "../kstub.h"
/* the changed type is reached through a pointer member and an inlined helper */
struct inner { int count; };
struct outer { struct inner *in; int flags; };
static inline int inner_count(const struct outer *o) { struct inner *i = o->in; return i->count; }
int outer_show(struct seq_file *m, void *p) { seq_puts(m, "o"); return inner_count(p); }
