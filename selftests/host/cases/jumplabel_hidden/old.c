#include "../kstub.h"
/* a jump label (the kernel's __jump_table entry layout) on a key that is not exported */
extern struct static_key hidden_key;
int jl_func(int x) { if (kbranch(&hidden_key)) return x + 1; return x * 3; }
