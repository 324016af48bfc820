// SPDX-License-Identifier: GPL-2.0
/* klive_state.c - in-VM tests of system states declared in a fix's source (patchgen, cumulative patches). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "klive_vm.h"

#define SHADOWS "/sys/module/klive/parameters/shadow_variables"
#define DEMO "klive_shadow_demo: "

/*
 * state_v2 declares state 0x6b6c7602 version 2 (KLIVE_STATE in the fix's
 * source): a cumulative patch of version 1, or one without the state, is
 * refused while it is enabled, nothing changed; another of version 2
 * replaces it and its pre-patch callback sees the state before.
 */
TEST(declared_state_guards_replacement)
{
	const char *log;

	if (!module_loaded("klive"))
		ASSERT_EQ(0, run("insmod " KDIR "klive.ko"));
	ASSERT_EQ(0, run("insmod " KDIR "klive_shadow_demo.ko"));
	mark("state_v2");
	ASSERT_EQ(0, run("insmod " KDIR "state_v2.ko"));
	ASSERT_EQ(0, wait_settled("state_v2", 30000));
	EXPECT_NE(NULL, strstr(log_since("state_v2"), DEMO "state 6b6c7602 version 2, previous 0"));

	mark("state_v1");
	ASSERT_NE(0, run("insmod " KDIR "state_v1.ko 2>/dev/null"));
	EXPECT_FALSE(module_loaded("state_v1"));
	log = log_since("state_v1");
	EXPECT_NE(NULL, strstr(log, "klive: state_v1: system state 0x6b6c7602 version 1 is older than version 2 of state_v2"));
	EXPECT_EQ(NULL, strstr(log, DEMO "fix pre_patch"));

	mark("state_none");
	ASSERT_NE(0, run("insmod " KDIR "state_none.ko 2>/dev/null"));
	EXPECT_FALSE(module_loaded("state_none"));
	log = log_since("state_none");
	EXPECT_NE(NULL, strstr(log, "klive: state_none: cannot replace state_v2: it does not know system state 0x6b6c7602 (version 2) of state_v2"));
	EXPECT_EQ(NULL, strstr(log, DEMO "fix pre_patch"));
	EXPECT_STREQ("1\n", slurp(lp_file("state_v2", "enabled")));
	EXPECT_STREQ("0\n", slurp(lp_file("state_v2", "transition")));

	mark("state_v2b");
	ASSERT_EQ(0, run("insmod " KDIR "state_v2b.ko"));
	ASSERT_EQ(0, wait_settled("state_v2b", 30000));
	ASSERT_EQ(0, wait_gone("state_v2", 30000));
	EXPECT_NE(NULL, strstr(log_since("state_v2b"), DEMO "state 6b6c7602 version 2, previous 2"));
	ASSERT_EQ(0, run("rmmod state_v2"));

	ASSERT_EQ(0, write_str(lp_file("state_v2b", "enabled"), "0"));
	ASSERT_EQ(0, wait_gone("state_v2b", 30000));
	ASSERT_EQ(0, run("rmmod state_v2b"));
	ASSERT_EQ(0, run("rmmod klive_shadow_demo"));
	EXPECT_STREQ("0\n", slurp(SHADOWS));
}

TEST_HARNESS_MAIN
