// SPDX-License-Identifier: GPL-2.0
/* klive_sign.c - in-VM test: with module.sig_enforce=1 only signed klive.ko and patches load. */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "klive_vm.h"

#define SECRET "app.password=hunter2"
#define REDACTED "app.password=********"

/*
 * Booted with module.sig_enforce=1 (selftests/run.sh does so where the
 * kernel was built here with its own signing key): an unsigned klive.ko or
 * patch is refused and patches nothing; the ones signed by patchgen
 * --sign-key/--sign-cert (and sign-file) load and work.
 */
TEST(only_signed_modules_load)
{
	if (!strstr(slurp("/proc/cmdline"), "module.sig_enforce=1"))
		SKIP(return, "not booted with module.sig_enforce=1 (its own boot does)");
	if (module_loaded("klive"))
		ASSERT_EQ(0, run("rmmod klive"));
	EXPECT_NE(0, run("insmod " KDIR "klive.ko 2>/dev/null"));
	ASSERT_EQ(0, run("insmod " KDIR "signed/klive.ko"));

	EXPECT_NE(0, run("insmod " KDIR "cmdline_fix.ko 2>/dev/null"));
	EXPECT_FALSE(exists(LP "cmdline_fix"));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), SECRET));

	ASSERT_EQ(0, run("insmod " KDIR "signed/cmdline_fix.ko"));
	ASSERT_EQ(0, wait_settled("cmdline_fix", 60000));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), REDACTED));
	ASSERT_EQ(0, write_str(LP "cmdline_fix/enabled", "0"));
	ASSERT_EQ(0, wait_gone("cmdline_fix", 60000));
	ASSERT_EQ(0, run("rmmod cmdline_fix"));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), SECRET));
	ASSERT_EQ(0, run("rmmod klive"));
}

TEST_HARNESS_MAIN
