/* A computed-goto table (&&label) in .rodata: only run() changes; the new run() must use a copy of tbl pointing into itself. */
#include "../kstub.h"
int run(const unsigned char *ops, int n, int x)
{
	static const void *const tbl[] = { &&inc, &&dbl, &&neg, &&end };
	int i = 0;

#define NEXT ({ if (i >= n) goto end; goto *tbl[ops[i++] & 3]; })
	NEXT;
inc:	x += 1; NEXT;
dbl:	x = x * 2 + (x < 0); NEXT;
neg:	x = -x; NEXT;
end:	return x;
}
int other(int x)
{
	return x * 3;
}
