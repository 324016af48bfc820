/* Changed functions of text sections the kernel keeps as code after boot and finds by symbol: carried like .text. */
#include "../kstub.h"

noinline __section(".sched.text") int sleep_on(int x) { return x + 1; }
noinline __section(".spinlock.text") int lock_it(int x) { return x + 2; }
noinline __section(".ref.text") int ref_user(int x) { return x + 3; }
noinline __section(".softirqentry.text") int softirq_run(int x) { return x + 4; }
noinline __attribute__((cold)) int rare_path(int x) { return x + 5; }
