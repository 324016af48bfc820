#include "../kstub.h"
static noinline int helper(struct seq_file *m, int v)
{
	seq_putc(m, 'h');
	if (v > 3)
		seq_puts(m, "big");
	return v + 1;
}
int entry(struct seq_file *m, int v) { return helper(m, v) + 2; }
int entry2(struct seq_file *m, int v) { return helper(m, v * 2); }
