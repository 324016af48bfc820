// SPDX-License-Identifier: GPL-2.0
/* klive_callbacks.c - in-VM tests of per-object callbacks: their order around transitions, and a veto. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "klive_vm.h"

#define ANSWER "/sys/module/klive_sample_target/parameters/answer"
#define CB "klive_callbacks_patch: "

static void setup(struct __test_metadata *_metadata)
{
	if (!module_loaded("klive"))
		ASSERT_EQ(0, run("insmod " KDIR "klive.ko"));
	if (!module_loaded("klive_sample_target"))
		ASSERT_EQ(0, run("insmod " KDIR "klive_sample_target.ko hold=0"));
}

/*
 * pre-patch before anything is redirected, post-patch once every task is
 * switched, pre-unpatch before the disable transition, post-unpatch after
 * it; objects in order.
 */
TEST(callbacks_in_order)
{
	static const char * const patching[] = {
		CB "vmlinux pre_patch", CB "target pre_patch",
		"klive: klive_callbacks_patch: starting transition to patched",
		"klive: klive_callbacks_patch: transition to patched finished",
		CB "vmlinux post_patch", CB "target post_patch", NULL };
	static const char * const unpatching[] = {
		CB "vmlinux pre_unpatch", CB "target pre_unpatch",
		"klive: klive_callbacks_patch: starting transition to unpatched",
		"klive: klive_callbacks_patch: transition to unpatched finished",
		CB "vmlinux post_unpatch", CB "target post_unpatch", NULL };
	const char *missing;

	setup(_metadata);
	ASSERT_STREQ("41\n", slurp(ANSWER));
	mark("callbacks_in_order");
	ASSERT_EQ(0, run("insmod " KDIR "klive_callbacks_patch.ko"));
	ASSERT_EQ(0, wait_settled("klive_callbacks_patch", 30000));
	EXPECT_STREQ("43\n", slurp(ANSWER));
	missing = in_order(log_since("callbacks_in_order"), patching);
	EXPECT_EQ(NULL, missing) TH_LOG("not in order: %s", missing);
	EXPECT_EQ(NULL, strstr(log_since("callbacks_in_order"), "unpatch"));

	mark("callbacks_in_order-2");
	ASSERT_EQ(0, write_str(lp_file("klive_callbacks_patch", "enabled"), "0"));
	ASSERT_EQ(0, wait_gone("klive_callbacks_patch", 30000));
	EXPECT_STREQ("41\n", slurp(ANSWER));
	missing = in_order(log_since("callbacks_in_order-2"), unpatching);
	EXPECT_EQ(NULL, missing) TH_LOG("not in order: %s", missing);
	ASSERT_EQ(0, run("rmmod klive_callbacks_patch"));
}

/*
 * A pre-patch callback that refuses: the load fails with its error,
 * nothing is patched, and only the objects already prepared get their
 * post-unpatch callback.
 */
TEST(pre_patch_veto)
{
	const char *log;

	setup(_metadata);
	mark("pre_patch_veto");
	ASSERT_NE(0, run("insmod " KDIR "klive_callbacks_patch.ko veto=16 2>/dev/null"));
	EXPECT_FALSE(module_loaded("klive_callbacks_patch"));
	EXPECT_FALSE(exists(lp_file("klive_callbacks_patch", "")));
	EXPECT_STREQ("41\n", slurp(ANSWER));
	log = log_since("pre_patch_veto");
	EXPECT_NE(NULL, strstr(log, "klive: klive_callbacks_patch: the pre-patch callback of klive_sample_target refused the patch (-16): nothing patched"));
	EXPECT_NE(NULL, strstr(log, CB "vmlinux post_unpatch"));
	EXPECT_EQ(NULL, strstr(log, CB "target post_unpatch"));
	EXPECT_EQ(NULL, strstr(log, "post_patch"));
	EXPECT_EQ(NULL, strstr(log, "starting transition"));
	/* and without the veto it loads */
	ASSERT_EQ(0, run("insmod " KDIR "klive_callbacks_patch.ko"));
	ASSERT_EQ(0, wait_settled("klive_callbacks_patch", 30000));
	EXPECT_STREQ("43\n", slurp(ANSWER));
	ASSERT_EQ(0, write_str(lp_file("klive_callbacks_patch", "enabled"), "0"));
	ASSERT_EQ(0, wait_gone("klive_callbacks_patch", 30000));
	ASSERT_EQ(0, run("rmmod klive_callbacks_patch"));
	ASSERT_EQ(0, run("rmmod klive_sample_target"));
}

TEST_HARNESS_MAIN
