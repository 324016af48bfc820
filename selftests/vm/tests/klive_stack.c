// SPDX-License-Identifier: GPL-2.0
/* klive_stack.c - in-VM tests of stacked patches (newest wins, disable from the top) and cumulative (replace) patches. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "klive_vm.h"

#define VERSIONS "/sys/module/klive_stack_target/parameters/versions"

static void setup(struct __test_metadata *_metadata)
{
	if (!module_loaded("klive"))
		ASSERT_EQ(0, run("insmod " KDIR "klive.ko"));
	if (!module_loaded("klive_stack_target"))
		ASSERT_EQ(0, run("insmod " KDIR "klive_stack_target.ko"));
	ASSERT_STREQ("a=0 b=0 c=0\n", slurp(VERSIONS));
}

/* Load patch module @name and wait until every task runs it. */
static int load(const char *name)
{
	if (run("insmod " KDIR "%s.ko", name))
		return -1;
	return wait_settled(name, 30000);
}

/* Disable @name, wait until it is gone and remove its module. */
static int unload(const char *name)
{
	if (write_str(lp_file(name, "enabled"), "0"))
		return -1;
	if (wait_gone(name, 30000))
		return -2;
	return run("rmmod %s", name) ? -3 : 0;
}

static int stack_order(const char *name)
{
	return atoi(slurp(lp_file(name, "stack_order")));
}

static int hold(const char *name, int on)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/hold", name);
	return write_str(path, on ? "1" : "0");
}

/* 0 if @name's transition is still running after @ms. */
static int stays_in_transition(const char *name, int ms)
{
	long end = now_ms() + ms;

	do {
		if (strcmp(slurp(lp_file(name, "transition")), "1\n"))
			return -1;
		usleep(50000);
	} while (now_ms() < end);
	return 0;
}

/* A disable of @name that must be refused because @above is stacked on @func. */
static void expect_refused(struct __test_metadata *_metadata, const char *name,
			   const char *above, const char *func)
{
	char line[200];

	snprintf(line, sizeof(line),
		 "klive: %s: cannot disable: patch %s is stacked on it (function %s); disable %s first",
		 name, above, func, above);
	EXPECT_NE(0, write_str(lp_file(name, "enabled"), "0")) TH_LOG("%s", name);
	EXPECT_LT(0, dmesg_count(line)) TH_LOG("no log line: %s", line);
	EXPECT_STREQ("1\n", slurp(lp_file(name, "enabled")));
	EXPECT_STREQ("0\n", slurp(lp_file(name, "transition")));
}

/*
 * Three patches on one function: the newest one's version runs, only the
 * newest can be disabled, and disabling it brings back the one beneath.
 */
TEST(three_patches_on_one_function)
{
	static const char * const names[] = { "klive_stack_1", "klive_stack_2",
					      "klive_stack_3" };
	char want[32];
	int i;

	setup(_metadata);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, load(names[i])) TH_LOG("%s", names[i]);
		snprintf(want, sizeof(want), "a=%d b=0 c=0\n", i + 1);
		EXPECT_STREQ(want, slurp(VERSIONS));
		EXPECT_EQ(i + 1, stack_order(names[i]));
		EXPECT_STREQ("0\n", slurp(lp_file(names[i], "replace")));
	}
	EXPECT_EQ(1, stack_order(names[0]));
	EXPECT_EQ(2, stack_order(names[1]));

	/* out of order: refused, nothing changes */
	expect_refused(_metadata, names[0], names[2], "klive_stack_a");
	expect_refused(_metadata, names[1], names[2], "klive_stack_a");
	EXPECT_STREQ("a=3 b=0 c=0\n", slurp(VERSIONS));

	/* in order: each disable uncovers the previous version */
	ASSERT_EQ(0, unload(names[2]));
	EXPECT_STREQ("a=2 b=0 c=0\n", slurp(VERSIONS));
	EXPECT_EQ(2, stack_order(names[1]));
	expect_refused(_metadata, names[0], names[1], "klive_stack_a");
	ASSERT_EQ(0, unload(names[1]));
	EXPECT_STREQ("a=1 b=0 c=0\n", slurp(VERSIONS));
	EXPECT_EQ(1, stack_order(names[0]));
	ASSERT_EQ(0, unload(names[0]));
	EXPECT_STREQ("a=0 b=0 c=0\n", slurp(VERSIONS));
}

/*
 * A task asleep in the version beneath blocks the transition to a patch
 * stacked on it (it would go on in that version, then call the new one's
 * functions), and a task asleep in the newest version blocks its disable;
 * meanwhile each task runs one version or the other.
 */
TEST(stacked_transitions_are_per_task)
{
	setup(_metadata);
	ASSERT_EQ(0, load("klive_stack_1"));
	ASSERT_EQ(0, hold("klive_stack_1", 1));
	usleep(300000);
	ASSERT_EQ(0, run("insmod " KDIR "klive_stack_2.ko"));
	EXPECT_EQ(0, stays_in_transition("klive_stack_2", 3000));
	/* this task has switched (system calls since), the kthread has not */
	EXPECT_STREQ("a=2 b=0 c=0\n", slurp(VERSIONS));
	EXPECT_EQ(0, run("grep -q 'klive_stack_new_wait.*\\[klive_stack_1\\]' %s",
			 lp_file("klive_stack_2", "blocking")))
		TH_LOG("blocking: %s", slurp(lp_file("klive_stack_2", "blocking")));
	ASSERT_EQ(0, hold("klive_stack_1", 0));
	ASSERT_EQ(0, wait_settled("klive_stack_2", 30000));

	ASSERT_EQ(0, hold("klive_stack_2", 1));
	usleep(300000);
	ASSERT_EQ(0, write_str(lp_file("klive_stack_2", "enabled"), "0"));
	EXPECT_EQ(0, stays_in_transition("klive_stack_2", 3000));
	EXPECT_STREQ("a=1 b=0 c=0\n", slurp(VERSIONS));
	EXPECT_EQ(0, run("grep -q 'klive_stack_new_wait.*\\[klive_stack_2\\]' %s",
			 lp_file("klive_stack_2", "blocking")))
		TH_LOG("blocking: %s", slurp(lp_file("klive_stack_2", "blocking")));
	ASSERT_EQ(0, hold("klive_stack_2", 0));
	ASSERT_EQ(0, wait_gone("klive_stack_2", 30000));
	ASSERT_EQ(0, run("rmmod klive_stack_2"));
	EXPECT_STREQ("a=1 b=0 c=0\n", slurp(VERSIONS));
	ASSERT_EQ(0, unload("klive_stack_1"));
	EXPECT_STREQ("a=0 b=0 c=0\n", slurp(VERSIONS));
}

/*
 * Two patches on overlapping functions (a, b / b, c), then a cumulative
 * one that changes a and b only: it takes over in one transition (which
 * waits for a task asleep in a replaced version), c runs its original
 * code again, and the replaced patches go and can be removed.
 */
TEST(cumulative_patch_replaces_earlier_ones)
{
	setup(_metadata);
	ASSERT_EQ(0, load("klive_cumul_1"));
	EXPECT_STREQ("a=11 b=11 c=0\n", slurp(VERSIONS));
	ASSERT_EQ(0, load("klive_cumul_2"));
	EXPECT_STREQ("a=11 b=12 c=12\n", slurp(VERSIONS));
	EXPECT_EQ(2, stack_order("klive_cumul_2"));
	/* newest on a, but not on b */
	expect_refused(_metadata, "klive_cumul_1", "klive_cumul_2", "klive_stack_b");

	ASSERT_EQ(0, hold("klive_cumul_2", 1));
	usleep(300000);
	ASSERT_EQ(0, run("insmod " KDIR "klive_cumul_3.ko"));
	EXPECT_STREQ("1\n", slurp(lp_file("klive_cumul_3", "replace")));
	EXPECT_EQ(0, stays_in_transition("klive_cumul_3", 3000));
	EXPECT_STREQ("a=13 b=13 c=0\n", slurp(VERSIONS));
	/* not replaced before the transition ends */
	EXPECT_STREQ("1\n", slurp(lp_file("klive_cumul_1", "enabled")));
	EXPECT_STREQ("1\n", slurp(lp_file("klive_cumul_2", "enabled")));
	EXPECT_NE(0, run("rmmod klive_cumul_1 2>/dev/null"));
	ASSERT_EQ(0, hold("klive_cumul_2", 0));
	ASSERT_EQ(0, wait_settled("klive_cumul_3", 30000));

	EXPECT_EQ(0, wait_gone("klive_cumul_1", 30000));
	EXPECT_EQ(0, wait_gone("klive_cumul_2", 30000));
	EXPECT_LT(0, dmesg_count("klive: klive_cumul_1: replaced by klive_cumul_3"));
	EXPECT_LT(0, dmesg_count("klive: klive_cumul_2: replaced by klive_cumul_3"));
	EXPECT_EQ(0, run("rmmod klive_cumul_1"));
	EXPECT_EQ(0, run("rmmod klive_cumul_2"));
	EXPECT_STREQ("a=13 b=13 c=0\n", slurp(VERSIONS));
	EXPECT_EQ(1, stack_order("klive_cumul_3"));

	/* an ordinary patch stacks on the cumulative one */
	ASSERT_EQ(0, load("klive_stack_1"));
	EXPECT_STREQ("a=1 b=13 c=0\n", slurp(VERSIONS));
	EXPECT_EQ(2, stack_order("klive_stack_1"));
	expect_refused(_metadata, "klive_cumul_3", "klive_stack_1", "klive_stack_a");
	ASSERT_EQ(0, unload("klive_stack_1"));
	EXPECT_STREQ("a=13 b=13 c=0\n", slurp(VERSIONS));

	ASSERT_EQ(0, unload("klive_cumul_3"));
	EXPECT_STREQ("a=0 b=0 c=0\n", slurp(VERSIONS));
	ASSERT_EQ(0, run("rmmod klive_stack_target"));
}

TEST_HARNESS_MAIN
