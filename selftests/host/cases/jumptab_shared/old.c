/*
 * A computed-goto table that unchanged code also reads (known(), nested in
 * run(), is a function of its own): the running table, which known() keeps
 * using, points into the old run(). Refused.
 */
#include "../kstub.h"
int run(const unsigned char *ops, int n, int x, int probe)
{
	static const void *const tbl[] = { &&inc, &&dbl, &&neg, &&end };
	int i = 0;
	noinline int known(int op)
	{
		return tbl[op & 3] != 0;
	}

	if (probe)
		return known(probe);
#define NEXT ({ if (i >= n) goto end; goto *tbl[ops[i++] & 3]; })
	NEXT;
inc:	x += 1; NEXT;
dbl:	x *= 2; NEXT;
neg:	x = -x; NEXT;
end:	return x;
}
