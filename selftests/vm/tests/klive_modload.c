// SPDX-License-Identifier: GPL-2.0
/* klive_modload.c - in-VM tests of patches for modules loaded after them, removed and loaded again. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "klive_vm.h"

#define SAMPLE_PATCHED LP "sample_fix/klive_sample/patched"
#define CB_PATCH "klive_callbacks_patch"
#define CB_PATCHED LP CB_PATCH "/klive_sample_target/patched"
#define ANSWER "/sys/module/klive_sample_target/parameters/answer"

/*
 * Do the lines @a, then @b (if not NULL), then @c (if not NULL) appear in
 * this order in the kernel log after the last mark @name?
 */
static int logged(const char *name, const char *a, const char *b,
		  const char *c)
{
	const char *want[] = { a, b, c, NULL };

	return !in_order(log_since(name), want);
}

static void setup(struct __test_metadata *_metadata, const char *mod)
{
	if (!module_loaded("klive"))
		ASSERT_EQ(0, run("insmod " KDIR "klive.ko"));
	if (module_loaded(mod))
		ASSERT_EQ(0, run("rmmod %s", mod));
}

/*
 * A patch (built by patchgen without the module) is loaded first; the
 * module then runs the fix from its very first call, in every load: the
 * fixed function counts in the module's own nr_checks and calls its
 * unchanged static quota_remaining(), so both references were resolved
 * as it loaded. It can be removed under the patch, and the patch can be
 * disabled and removed while the module is gone.
 */
TEST(patch_before_module)
{
	char buf[256];
	int round;

	setup(_metadata, "klive_sample");
	mark("patch_before_module");
	ASSERT_EQ(0, run("insmod " KDIR "sample_fix.ko"));
	ASSERT_EQ(0, wait_settled("sample_fix", 60000));
	EXPECT_STREQ("1\n", slurp(LP "sample_fix/enabled"));
	EXPECT_STREQ("0\n", slurp(SAMPLE_PATCHED));
	EXPECT_TRUE(logged("patch_before_module",
			   "klive: sample_fix: module klive_sample is not loaded: patched when it loads",
			   NULL, NULL));
	for (round = 0; round < 2; round++) {
		ASSERT_EQ(0, run("insmod " KDIR "klive_sample.ko"));
		EXPECT_STREQ("1\n", slurp(SAMPLE_PATCHED));
		read_into("/proc/klive_sample", buf, sizeof(buf));
		EXPECT_NE(NULL, strstr(buf, "allowed=no")) TH_LOG("%s", buf);
		EXPECT_NE(NULL, strstr(buf, "remaining=0 checks=1\n"))
			TH_LOG("%s", buf);
		ASSERT_EQ(0, run("rmmod klive_sample"));
		EXPECT_STREQ("0\n", slurp(SAMPLE_PATCHED));
	}
	EXPECT_TRUE(logged("patch_before_module",
			   "klive: sample_fix: patching module klive_sample as it loads",
			   "klive: sample_fix: module klive_sample is going",
			   "klive: sample_fix: patching module klive_sample as it loads"));

	/* disabled and removed with the module gone; its code is its own again */
	ASSERT_EQ(0, write_str(LP "sample_fix/enabled", "0"));
	ASSERT_EQ(0, wait_gone("sample_fix", 60000));
	ASSERT_EQ(0, run("rmmod sample_fix"));
	ASSERT_EQ(0, run("insmod " KDIR "klive_sample.ko"));
	read_into("/proc/klive_sample", buf, sizeof(buf));
	EXPECT_NE(NULL, strstr(buf, "allowed=yes")) TH_LOG("%s", buf);
	ASSERT_EQ(0, run("rmmod klive_sample"));
}

/*
 * The pre-patch callback of a module object runs as the module loads: a
 * refusal fails the load with a clear message and leaves nothing of it
 * patched; once it agrees, the module loads patched, and its unpatch
 * callbacks run when it goes. vmlinux stays patched throughout.
 */
TEST(module_pre_patch_veto)
{
	setup(_metadata, "klive_sample_target");
	mark("module_pre_patch_veto");
	ASSERT_EQ(0, run("insmod " KDIR CB_PATCH ".ko veto=16"));
	ASSERT_EQ(0, wait_settled(CB_PATCH, 30000));
	EXPECT_STREQ("1\n", slurp(LP CB_PATCH "/vmlinux/patched"));
	EXPECT_STREQ("0\n", slurp(CB_PATCHED));
	EXPECT_FALSE(logged("module_pre_patch_veto",
			    CB_PATCH ": target pre_patch", NULL, NULL));

	ASSERT_NE(0, run("insmod " KDIR "klive_sample_target.ko hold=0 2>/dev/null"));
	EXPECT_FALSE(module_loaded("klive_sample_target"));
	EXPECT_STREQ("0\n", slurp(CB_PATCHED));
	EXPECT_TRUE(logged("module_pre_patch_veto", CB_PATCH ": target pre_patch",
			   "klive: " CB_PATCH ": the pre-patch callback of klive_sample_target refused the patch (-16): refusing to load module klive_sample_target",
			   NULL));
	EXPECT_FALSE(logged("module_pre_patch_veto", "patching module", NULL, NULL));
	EXPECT_FALSE(logged("module_pre_patch_veto", CB_PATCH ": target post_",
			    NULL, NULL));

	ASSERT_EQ(0, write_str("/sys/module/" CB_PATCH "/parameters/veto", "0"));
	mark("module_pre_patch_veto-2");
	ASSERT_EQ(0, run("insmod " KDIR "klive_sample_target.ko hold=0"));
	EXPECT_STREQ("1\n", slurp(CB_PATCHED));
	EXPECT_STREQ("43\n", slurp(ANSWER));
	EXPECT_TRUE(logged("module_pre_patch_veto-2", CB_PATCH ": target pre_patch",
			   "klive: " CB_PATCH ": patching module klive_sample_target as it loads",
			   CB_PATCH ": target post_patch"));

	mark("module_pre_patch_veto-3");
	ASSERT_EQ(0, run("rmmod klive_sample_target"));
	EXPECT_STREQ("0\n", slurp(CB_PATCHED));
	EXPECT_STREQ("1\n", slurp(LP CB_PATCH "/vmlinux/patched"));
	EXPECT_TRUE(logged("module_pre_patch_veto-3",
			   "klive: " CB_PATCH ": module klive_sample_target is going",
			   CB_PATCH ": target pre_unpatch",
			   CB_PATCH ": target post_unpatch"));

	/* disabled with the module gone: only vmlinux's callbacks run */
	mark("module_pre_patch_veto-4");
	ASSERT_EQ(0, write_str(lp_file(CB_PATCH, "enabled"), "0"));
	ASSERT_EQ(0, wait_gone(CB_PATCH, 30000));
	EXPECT_TRUE(logged("module_pre_patch_veto-4", CB_PATCH ": vmlinux pre_unpatch",
			   CB_PATCH ": vmlinux post_unpatch", NULL));
	EXPECT_FALSE(logged("module_pre_patch_veto-4", CB_PATCH ": target", NULL,
			    NULL));
	ASSERT_EQ(0, run("rmmod " CB_PATCH));
}

TEST_HARNESS_MAIN
