/* A computed-goto table in .data.rel.ro (6.12's __annotate_jump_table): the new run() must use a copy pointing into itself, never the running tbl. */
#include "../kstub.h"
int run(const unsigned char *ops, int n, int x)
{
	static const void *const tbl[] __section(".data.rel.ro.c_jump_table") = { &&inc, &&dbl, &&neg, &&end };
	int i = 0;

#define NEXT ({ if (i >= n) goto end; goto *tbl[ops[i++] & 3]; })
	NEXT;
inc:	x += 1; NEXT;
dbl:	x *= 2; NEXT;
neg:	x = -x; NEXT;
end:	return x;
}
int other(int x)
{
	return x * 3;
}
