/* Changed functions of text sections the kernel keeps as code after boot and finds by symbol: carried like .text. */
#include "../kstub.h"

noinline __section(".sched.text") int sleep_on(int x) { return x + 11; }
noinline __section(".spinlock.text") int lock_it(int x) { return x + 12; }
noinline __section(".ref.text") int ref_user(int x) { return x + 13; }
noinline __section(".softirqentry.text") int softirq_run(int x) { return x + 14; }
noinline __attribute__((cold)) int rare_path(int x) { return x + 15; }
