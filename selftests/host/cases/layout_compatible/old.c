#include "../kstub.h"
/* layouts unchanged: a member renamed in place, a constant appended to an enum */
enum mode { MODE_A, MODE_B };
struct cfg { int lim; enum mode mode; };
int cfg_limit(struct cfg *c) { return c->mode == MODE_B ? c->lim : 0; }
