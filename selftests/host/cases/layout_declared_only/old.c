#include "../kstub.h"
/*
 * OLD only declares struct foo (its layout is in other objects of the
 * running kernel); the fix includes a definition and reads a member. With
 * nothing to compare it with, patchgen refuses when klive.ko cannot compare
 * NEW's layout with the kernel's BTF either (run.sh checks the BTF case).
 */
struct foo;
extern struct foo *get_foo(void);
extern void put_foo(struct foo *f);

int use_foo(void)
{
	struct foo *f = get_foo();

	put_foo(f);
	return 0;
}
