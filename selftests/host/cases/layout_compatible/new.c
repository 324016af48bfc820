#include "../kstub.h"
/* layouts unchanged: a member renamed in place, a constant appended to an enum */
enum mode { MODE_A, MODE_B, MODE_C };
struct cfg { int limit; enum mode mode; };
int cfg_limit(struct cfg *c) { return c->mode == MODE_B ? c->limit : c->mode == MODE_C; }
