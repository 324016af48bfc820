#include "../kstub.h"
/* a bitfield widened: the bits after it move within the same word */
struct flags { unsigned int ready:1, mode:2, busy:1; };
int flags_busy(struct flags *f) { return f->busy; }
