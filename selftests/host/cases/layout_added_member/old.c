#include "../kstub.h"
/* a fix that adds a member: objects the running kernel allocated are 16 bytes */
struct foo { int a; long b; };
struct foo *global_foo;
int show(struct seq_file *m) { seq_puts(m, "a"); return global_foo->a; }
int other(struct foo *f) { return f->a + 1; }
