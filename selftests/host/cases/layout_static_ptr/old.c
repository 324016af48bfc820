#include "../kstub.h"
/* the type is reached only through a static variable the code refers to (a section-relative relocation) */
struct session { int id; int refs; };
static struct session *cur;
noinline void set_cur(struct session *s) { cur = s; }
int cur_refs(void) { return cur ? cur->refs : 0; }
