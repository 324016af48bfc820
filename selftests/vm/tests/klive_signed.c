// SPDX-License-Identifier: GPL-2.0
/* klive_signed.c - in-VM test of signed patches under module.sig_enforce=1 (a boot of its own). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "klive_vm.h"

#define SIGNED KDIR "signed/"
#define SECRET "app.password=hunter2"
#define REDACTED "app.password=********"

/*
 * Only a signed klive.ko and a signed patch load; an unsigned patch is
 * refused by the kernel and patches nothing.
 */
TEST(signed_patch_loads_unsigned_refused)
{
	if (!exists(SIGNED "klive.ko"))
		SKIP(return, "no signing key for this kernel's tree");
	ASSERT_EQ(0, strcmp(slurp("/sys/module/module/parameters/sig_enforce"), "Y\n"));
	ASSERT_NE(NULL, strstr(slurp("/proc/cmdline"), SECRET));

	EXPECT_NE(0, run("insmod " KDIR "klive.ko 2>/dev/null"));
	EXPECT_FALSE(module_loaded("klive"));
	ASSERT_EQ(0, run("insmod " SIGNED "klive.ko"));

	EXPECT_NE(0, run("insmod " SIGNED "unsigned/cmdline_fix.ko 2>/dev/null"));
	EXPECT_FALSE(module_loaded("cmdline_fix"));
	EXPECT_FALSE(exists(LP "cmdline_fix"));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), SECRET));
	EXPECT_EQ(0, run("dmesg | grep -q 'Loading of unsigned module is rejected'"));

	ASSERT_EQ(0, run("insmod " SIGNED "cmdline_fix.ko"));
	ASSERT_EQ(0, wait_settled("cmdline_fix", 60000));
	EXPECT_EQ(NULL, strstr(slurp("/proc/cmdline"), SECRET));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), REDACTED));
	ASSERT_EQ(0, write_str(LP "cmdline_fix/enabled", "0"));
	ASSERT_EQ(0, wait_gone("cmdline_fix", 60000));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), SECRET));
	ASSERT_EQ(0, run("rmmod cmdline_fix"));
	ASSERT_EQ(0, run("rmmod klive"));
}

TEST_HARNESS_MAIN
