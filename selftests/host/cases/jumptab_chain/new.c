/* A pointer to a computed-goto table (in writable data): both hold the new code's addresses, so both are copied. */
#include "../kstub.h"
int run(const unsigned char *ops, int n, int x)
{
	static const void *const tbl[] = { &&inc, &&dbl, &&neg, &&end };
	static const void *const *cur = tbl;
	int i = 0;

	if (n < 0) {
		cur = tbl + 1;
		n = -n;
	}
#define NEXT ({ if (i >= n) goto end; goto *cur[ops[i++] & 3]; })
	NEXT;
inc:	x += 1; NEXT;
dbl:	x = x * 2 + (x < 0); NEXT;
neg:	x = -x; NEXT;
end:	return x;
}
