// SPDX-License-Identifier: GPL-2.0
/* klive_shadow.c - in-VM test of shadow variables: a patchgen-built fix adds a field to live objects. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "klive_vm.h"

#define DEMO "/sys/module/klive_shadow_demo/parameters/"
#define SHADOWS "/sys/module/klive/parameters/shadow_variables"

static unsigned long number(const char *path)
{
	return strtoul(slurp(path), NULL, 10);
}

/* 1 if the kernel log has these lines in this order, else 0. */
static int log_in_order(const char * const *lines)
{
	static char buf[1 << 20];
	FILE *f = popen("dmesg", "r");
	const char *p = buf;
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		pclose(f);
	}
	buf[n] = '\0';
	for (; *lines; lines++) {
		p = strstr(p, *lines);
		if (!p)
			return 0;
		p += strlen(*lines);
	}
	return 1;
}

/*
 * Two kthreads keep making, using and freeing objects while shadow_fix
 * (samples/shadow/fix.patch, built by patchgen) counts each object's uses
 * in a shadow variable through klive's API and checks the count when the
 * object is freed. Patched: variables exist and every check matches.
 * Unpatched: klive frees what the fix's code allocated and left (objects
 * the old code freed, or still holds), and nothing mismatched. The fix
 * also declares callbacks (klive_callbacks.h), which patchgen carries:
 * they run around the transitions.
 */
TEST(shadow_variables_under_concurrent_use)
{
	static const char * const order[] = {
		"klive_shadow_demo: fix pre_patch",
		"klive: shadow_fix: transition to patched finished",
		"klive: shadow_fix: transition to unpatched finished",
		"klive_shadow_demo: fix post_unpatch",
		"klive: shadow_fix: freed ", NULL };
	unsigned long live, checked;
	int i;

	if (!module_loaded("klive"))
		ASSERT_EQ(0, run("insmod " KDIR "klive.ko"));
	ASSERT_EQ(0, run("insmod " KDIR "klive_shadow_demo.ko"));
	ASSERT_EQ(0, number(SHADOWS));
	ASSERT_EQ(0, run("insmod " KDIR "shadow_fix.ko"));
	ASSERT_EQ(0, wait_settled("shadow_fix", 30000));
	for (i = 0; i < 40 && number(DEMO "checked") < 1000; i++)
		usleep(100000);
	live = number(SHADOWS);
	checked = number(DEMO "checked");
	EXPECT_LT(0, live);
	/* two threads, a ring of 32 objects each */
	EXPECT_GE(64, live);
	EXPECT_LE(1000, checked);
	EXPECT_EQ(0, number(DEMO "mismatched"));

	ASSERT_EQ(0, write_str(lp_file("shadow_fix", "enabled"), "0"));
	ASSERT_EQ(0, wait_gone("shadow_fix", 30000));
	EXPECT_EQ(0, number(SHADOWS));
	EXPECT_EQ(1, log_in_order(order));
	EXPECT_EQ(1, dmesg_count("klive_shadow_demo: fix pre_patch"));
	EXPECT_EQ(1, dmesg_count("klive_shadow_demo: fix post_unpatch"));
	ASSERT_EQ(0, run("rmmod shadow_fix"));
	usleep(300000);
	EXPECT_EQ(0, number(SHADOWS));
	EXPECT_EQ(0, number(DEMO "mismatched"));
	EXPECT_LE(checked, number(DEMO "checked"));
	ASSERT_EQ(0, run("rmmod klive_shadow_demo"));
	TH_LOG("%lu variables live while patched, %lu checks", live, checked);
}

TEST_HARNESS_MAIN
