#include "../kstub.h"
/* a type only NEW has, used only by a new function; an old one unchanged */
struct stat_old { int hits; };
struct stat_extra { long a, b; };
noinline long stat_extra_sum(struct stat_extra *e) { return e->a + e->b; }
int stat_show(struct seq_file *m, struct stat_old *s)
{
	struct stat_extra e = { s->hits, 2 };

	seq_puts(m, "s");
	return (int)stat_extra_sum(&e);
}
