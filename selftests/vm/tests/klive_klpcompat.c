// SPDX-License-Identifier: GPL-2.0
/* klive_klpcompat.c - in-VM tests of modules written for the kernel's livepatch (samples/livepatch, lib/livepatch states) built against klive. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "klive_vm.h"

#define SHADOW_COUNT "/sys/module/klive/parameters/shadow_variables"

/* Wait up to @ms for @line in the log after mark @name; 0 when it came. */
static int wait_log(const char *name, const char *line, int ms)
{
	long end = now_ms() + ms;

	do {
		if (strstr(log_since(name), line))
			return 0;
		usleep(200000);
	} while (now_ms() < end);
	return -1;
}

/* The console log level, the first field of /proc/sys/kernel/printk. */
static int console_loglevel(void)
{
	return atoi(slurp("/proc/sys/kernel/printk"));
}

static void setup(struct __test_metadata *_metadata)
{
	if (!module_loaded("klive"))
		ASSERT_EQ(0, run("insmod " KDIR "klive.ko"));
}

/* Disable @patch, wait until it is gone and remove its module @mod. */
static int unload(const char *patch, const char *mod)
{
	if (write_str(lp_file(patch, "enabled"), "0") ||
	    wait_gone(patch, 60000))
		return -1;
	return run("rmmod %s", mod);
}

/* samples/livepatch/livepatch-sample.c: /proc/cmdline is replaced. */
TEST(klp_sample_cmdline)
{
	char before[8192];

	setup(_metadata);
	read_into("/proc/cmdline", before, sizeof(before));
	ASSERT_EQ(NULL, strstr(before, "live patched"));
	ASSERT_EQ(0, run("insmod " KDIR "livepatch-sample.ko"));
	ASSERT_EQ(0, wait_settled("livepatch_sample", 30000));
	EXPECT_STREQ("1\n", slurp(lp_file("livepatch_sample", "enabled")));
	EXPECT_STREQ("this has been live patched\n", slurp("/proc/cmdline"));
	/* the livepatch tag became klive's: the module is an ordinary one */
	EXPECT_EQ(0, run("grep -q '^livepatch_sample ' /proc/modules"));
	ASSERT_EQ(0, unload("livepatch_sample", "livepatch_sample"));
	EXPECT_STREQ(before, slurp("/proc/cmdline"));
}

/*
 * The shadow variable samples: fix1 attaches the leaked pointer to each
 * new dummy and frees it with the dummy; fix2, stacked on it, counts the
 * checks of each dummy in another shadow variable and prints the count.
 */
TEST(klp_shadow_fix1_fix2)
{
	char before[64];
	const char *log;
	const char *p;

	setup(_metadata);
	read_into(SHADOW_COUNT, before, sizeof(before));
	mark("klp_shadow");
	ASSERT_EQ(0, run("insmod " KDIR "livepatch-shadow-mod.ko"));
	ASSERT_EQ(0, wait_log("klp_shadow", "dummy_alloc: dummy @", 20000));
	ASSERT_EQ(0, run("insmod " KDIR "livepatch-shadow-fix1.ko"));
	ASSERT_EQ(0, wait_settled("livepatch_shadow_fix1", 30000));
	mark("klp_shadow-fix1");
	/*
	 * a dummy allocated by fix1 expires after 4 s and is freed with its
	 * leak (those allocated before fix1 still leak, as in the kernel)
	 */
	EXPECT_EQ(0, wait_log("klp_shadow-fix1", "livepatch_shadow_fix1: livepatch_fix1_dummy_alloc: dummy @", 20000));
	EXPECT_EQ(0, wait_log("klp_shadow-fix1", "livepatch_shadow_fix1: livepatch_fix1_dummy_leak_dtor: dummy @", 30000));

	ASSERT_EQ(0, run("insmod " KDIR "livepatch-shadow-fix2.ko"));
	ASSERT_EQ(0, wait_settled("livepatch_shadow_fix2", 30000));
	EXPECT_STREQ("2\n", slurp(lp_file("livepatch_shadow_fix2", "stack_order")));
	mark("klp_shadow-fix2");
	EXPECT_EQ(0, wait_log("klp_shadow-fix2", "livepatch_shadow_fix2: livepatch_fix2_dummy_leak_dtor: dummy @", 30000));
	EXPECT_EQ(0, wait_log("klp_shadow-fix2", ", check counter = ", 30000));
	log = log_since("klp_shadow-fix2");
	p = strstr(log, ", check counter = ");
	if (p)
		EXPECT_LE(1, atoi(p + strlen(", check counter = ")));

	ASSERT_EQ(0, unload("livepatch_shadow_fix2", "livepatch_shadow_fix2"));
	ASSERT_EQ(0, unload("livepatch_shadow_fix1", "livepatch_shadow_fix1"));
	ASSERT_EQ(0, run("rmmod livepatch_shadow_mod"));
	/* the modules' exits freed every variable (klive did not: own_shadow) */
	EXPECT_STREQ(before, slurp(SHADOW_COUNT));
}

/*
 * The callbacks demo, its target modules loaded first: each object's
 * callbacks get it with its module, in the kernel's order; a refusing
 * pre-patch callback fails the load.
 */
TEST(klp_callbacks_demo)
{
#define DEMO "livepatch_callbacks_demo: "
	static const char * const patching[] = {
		DEMO "pre_patch_callback: vmlinux",
		DEMO "pre_patch_callback: livepatch_callbacks_mod -> [MODULE_STATE_LIVE] Normal state",
		DEMO "pre_patch_callback: livepatch_callbacks_busymod -> [MODULE_STATE_LIVE] Normal state",
		"klive: livepatch_callbacks_demo: transition to patched finished",
		DEMO "post_patch_callback: vmlinux",
		DEMO "post_patch_callback: livepatch_callbacks_mod -> [MODULE_STATE_LIVE] Normal state",
		DEMO "post_patch_callback: livepatch_callbacks_busymod -> [MODULE_STATE_LIVE] Normal state",
		NULL };
	static const char * const unpatching[] = {
		DEMO "pre_unpatch_callback: vmlinux",
		DEMO "pre_unpatch_callback: livepatch_callbacks_mod -> [MODULE_STATE_LIVE] Normal state",
		DEMO "pre_unpatch_callback: livepatch_callbacks_busymod -> [MODULE_STATE_LIVE] Normal state",
		"klive: livepatch_callbacks_demo: transition to unpatched finished",
		DEMO "post_unpatch_callback: vmlinux",
		DEMO "post_unpatch_callback: livepatch_callbacks_mod -> [MODULE_STATE_LIVE] Normal state",
		DEMO "post_unpatch_callback: livepatch_callbacks_busymod -> [MODULE_STATE_LIVE] Normal state",
		NULL };
	const char *missing, *log;

	setup(_metadata);
	ASSERT_EQ(0, run("insmod " KDIR "livepatch-callbacks-mod.ko"));
	ASSERT_EQ(0, run("insmod " KDIR "livepatch-callbacks-busymod.ko sleep_secs=0"));

	mark("klp_callbacks_veto");
	ASSERT_NE(0, run("insmod " KDIR "livepatch-callbacks-demo.ko pre_patch_ret=-19 2>/dev/null"));
	EXPECT_FALSE(module_loaded("livepatch_callbacks_demo"));
	EXPECT_FALSE(exists(lp_file("livepatch_callbacks_demo", "")));
	log = log_since("klp_callbacks_veto");
	EXPECT_NE(NULL, strstr(log, "klive: livepatch_callbacks_demo: the pre-patch callback of vmlinux refused the patch (-19): nothing patched"));
	EXPECT_EQ(NULL, strstr(log, "post_patch_callback"));
	EXPECT_EQ(NULL, strstr(log, "post_unpatch_callback"));

	mark("klp_callbacks");
	ASSERT_EQ(0, run("insmod " KDIR "livepatch-callbacks-demo.ko"));
	ASSERT_EQ(0, wait_settled("livepatch_callbacks_demo", 30000));
	missing = in_order(log_since("klp_callbacks"), patching);
	EXPECT_EQ(NULL, missing) TH_LOG("not in order: %s", missing);
	EXPECT_EQ(NULL, strstr(log_since("klp_callbacks"), "unpatch_callback"));
	mark("klp_callbacks-2");
	ASSERT_EQ(0, unload("livepatch_callbacks_demo", "livepatch_callbacks_demo"));
	missing = in_order(log_since("klp_callbacks-2"), unpatching);
	EXPECT_EQ(NULL, missing) TH_LOG("not in order: %s", missing);
	ASSERT_EQ(0, run("rmmod livepatch_callbacks_busymod livepatch_callbacks_mod"));
#undef DEMO
}

/*
 * System states (lib/livepatch/test_klp_state*.c, cumulative patches of
 * one state, the console log level: version 1, then 2 and 2): a
 * replacement that keeps the state at a higher or the same version takes
 * it over (its callbacks see the previous patch's state); one that lowers
 * the version or drops the state is refused and nothing changes.
 */
TEST(klp_states_replace)
{
	const char *log;
	int level;

	setup(_metadata);
	level = console_loglevel();
	ASSERT_NE(15, level);
	mark("klp_states");
	ASSERT_EQ(0, run("insmod " KDIR "test_klp_state.ko"));
	ASSERT_EQ(0, wait_settled("test_klp_state", 30000));
	EXPECT_EQ(15, console_loglevel());
	EXPECT_STREQ("1\n", slurp(lp_file("test_klp_state", "replace")));

	/* a higher version: compatible; its callbacks find the state before */
	mark("klp_states-2");
	ASSERT_EQ(0, run("insmod " KDIR "test_klp_state2.ko"));
	ASSERT_EQ(0, wait_settled("test_klp_state2", 30000));
	ASSERT_EQ(0, wait_gone("test_klp_state", 30000));
	ASSERT_EQ(0, run("rmmod test_klp_state"));
	log = log_since("klp_states-2");
	EXPECT_NE(NULL, strstr(log, "test_klp_state2: allocate_loglevel_state: space to store console_loglevel already allocated"));
	EXPECT_NE(NULL, strstr(log, "test_klp_state2: fix_console_loglevel: taking over the console_loglevel change"));
	EXPECT_EQ(NULL, strstr(log, "restoring console_loglevel"));
	EXPECT_EQ(15, console_loglevel());

	/* the same version: compatible */
	mark("klp_states-3");
	ASSERT_EQ(0, run("insmod " KDIR "test_klp_state3.ko"));
	ASSERT_EQ(0, wait_settled("test_klp_state3", 30000));
	ASSERT_EQ(0, wait_gone("test_klp_state2", 30000));
	ASSERT_EQ(0, run("rmmod test_klp_state2"));
	EXPECT_NE(NULL, strstr(log_since("klp_states-3"), "test_klp_state3: fix_console_loglevel: taking over the console_loglevel change"));

	/* a lower version: refused, the kernel unchanged */
	mark("klp_states-lower");
	ASSERT_NE(0, run("insmod " KDIR "test_klp_state.ko 2>/dev/null"));
	EXPECT_FALSE(module_loaded("test_klp_state"));
	EXPECT_FALSE(exists(lp_file("test_klp_state", "")));
	log = log_since("klp_states-lower");
	EXPECT_NE(NULL, strstr(log, "klive: test_klp_state: system state 0x1 version 1 is older than version 2 of test_klp_state3"));
	EXPECT_EQ(NULL, strstr(log, "test_klp_state: pre_patch_callback"));
	EXPECT_STREQ("1\n", slurp(lp_file("test_klp_state3", "enabled")));
	EXPECT_EQ(15, console_loglevel());

	/* a cumulative patch without the state: refused */
	mark("klp_states-drop");
	ASSERT_NE(0, run("insmod " KDIR "test_klp_atomic_replace.ko replace=1 2>/dev/null"));
	EXPECT_FALSE(module_loaded("test_klp_atomic_replace"));
	EXPECT_NE(NULL, strstr(log_since("klp_states-drop"), "klive: test_klp_atomic_replace: cannot replace test_klp_state3: it does not know system state 0x1 (version 2) of test_klp_state3"));
	EXPECT_EQ(NULL, strstr(slurp("/proc/meminfo"), "this has been live patched"));
	EXPECT_STREQ("1\n", slurp(lp_file("test_klp_state3", "enabled")));

	/* without replace it may come beside, the state untouched */
	ASSERT_EQ(0, run("insmod " KDIR "test_klp_atomic_replace.ko replace=0"));
	ASSERT_EQ(0, wait_settled("test_klp_atomic_replace", 30000));
	EXPECT_STREQ("test_klp_atomic_replace: this has been live patched\n", slurp("/proc/meminfo"));
	ASSERT_EQ(0, unload("test_klp_atomic_replace", "test_klp_atomic_replace"));
	EXPECT_EQ(15, console_loglevel());

	/* disabled: its callbacks put the level back and free the state's data */
	mark("klp_states-off");
	ASSERT_EQ(0, unload("test_klp_state3", "test_klp_state3"));
	EXPECT_EQ(level, console_loglevel());
	log = log_since("klp_states-off");
	EXPECT_NE(NULL, strstr(log, "test_klp_state3: restore_console_loglevel: restoring console_loglevel"));
	EXPECT_NE(NULL, strstr(log, "test_klp_state3: free_loglevel_state: freeing space for the stored console_loglevel"));
}

TEST_HARNESS_MAIN
