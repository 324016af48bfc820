#include "../kstub.h"
int handler(int x) { return x + 9; }
void *const handler_entry __attribute__((section("__foo_table"), used)) = handler;
