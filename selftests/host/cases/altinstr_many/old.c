/* Many static_cpu_has() in one changed function: carrying their replacement code grows the list of copied code while an entry's owner is in use. */
#include "../kstub.h"
#include "../kcpu.h"

#define F4(b) (kcpu_has(b) + kcpu_has((b) + 1) + kcpu_has((b) + 2) + kcpu_has((b) + 3))

int many(int x)
{
	return x + F4(32) + F4(64) + F4(96) + F4(128) + F4(160) + F4(192) + 1;
}
