/* A computed-goto table in writable .data (run() may rewrite it): the new run() must use a copy pointing into itself, never the running tbl. */
#include "../kstub.h"
int run(const unsigned char *ops, int n, int x)
{
	static const void *tbl[] = { &&inc, &&dbl, &&neg, &&end };
	int i = 0;

	if (n < 0) {
		tbl[2] = &&end;
		n = -n;
	}
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
