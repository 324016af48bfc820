#include "../kstub.h"
/*
 * GCC splits the unlikely paths into .cold parts (.text.unlikely). new.c
 * changes a's cold path (which moves b.cold), c's hot path only, and
 * the string d's cold path prints.
 */
extern void rare(int x) __attribute__((cold));
int a(int x)
{
	if (__builtin_expect(x > 1000, 0)) {
		rare(x);
		printk("a is big\n");
		rare(x + 1);
		printk("a is really big\n");
		return -1;
	}
	return x + 1;
}

int b(int x)
{
	if (__builtin_expect(x > 2000, 0)) {
		rare(x);
		printk("b is big\n");
		return -2;
	}
	return x + 2;
}

int c(int x)
{
	if (__builtin_expect(x > 3000, 0)) {
		rare(x);
		printk("c is big\n");
		return -3;
	}
	return x * 3;
}

int d(int x)
{
	if (__builtin_expect(x > 4000, 0)) {
		rare(x);
		printk("d is huge\n");
		return -4;
	}
	return x + 4;
}
