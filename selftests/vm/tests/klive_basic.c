// SPDX-License-Identifier: GPL-2.0
/* klive_basic.c - in-VM tests of the end-to-end path: load, patch, unpatch, refuse. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"

/* Everything the host put into the initramfs lives here. */
#define DIR "/klive/"
#define LP "/sys/kernel/livepatch/"
/* The kernel command line the host boots with carries this secret. */
#define SECRET "app.password=hunter2"
#define REDACTED "app.password=********"

static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ret = system(cmd);
	return WIFEXITED(ret) ? WEXITSTATUS(ret) : -1;
}

/* Whole content of a small file, or "" when it cannot be read. */
static const char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -errno;
	ok = fputs(s, f) >= 0;
	ok &= fclose(f) == 0;
	return ok ? 0 : -EIO;
}

/* Poll a patch's transition file until it reads 0; 0 on success. */
static int wait_settled(const char *patch)
{
	char path[256];
	int i;

	snprintf(path, sizeof(path), LP "%s/transition", patch);
	for (i = 0; i < 600; i++) {
		if (!exists(path))
			return 0;
		if (!strcmp(slurp(path), "0\n"))
			return 0;
		usleep(100000);
	}
	return -1;
}

/* Poll until the patch's directory has gone (unpatching finished). */
static int wait_gone(const char *patch)
{
	char path[256];
	int i;

	snprintf(path, sizeof(path), LP "%s", patch);
	for (i = 0; i < 600; i++) {
		if (!exists(path))
			return 0;
		usleep(100000);
	}
	return -1;
}

static int has_builtin_livepatch(void)
{
	return run("grep -qw klp_enable_patch /proc/kallsyms") == 0;
}

/*
 * klive.ko is loaded once for all tests; the livepatch root must exist after,
 * and before only where the kernel's own livepatch made it.
 */
TEST(core_loads)
{
	ASSERT_NE(0, run("grep -qw klive /proc/modules"));
	EXPECT_EQ(has_builtin_livepatch(), exists(LP));
	ASSERT_EQ(0, run("insmod " DIR "klive.ko"));
	ASSERT_TRUE(exists(LP));
}

TEST(vmlinux_function_patch_and_unpatch)
{
	ASSERT_NE(NULL, strstr(slurp("/proc/cmdline"), SECRET));

	ASSERT_EQ(0, run("insmod " DIR "cmdline_fix.ko"));
	ASSERT_EQ(0, strcmp(slurp(LP "cmdline_fix/enabled"), "1\n"));
	ASSERT_TRUE(exists(LP "cmdline_fix/vmlinux/cmdline_proc_show,1"));
	ASSERT_EQ(0, wait_settled("cmdline_fix"));
	ASSERT_EQ(0, strcmp(slurp(LP "cmdline_fix/transition"), "0\n"));
	EXPECT_EQ(NULL, strstr(slurp("/proc/cmdline"), SECRET));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), REDACTED));

	/* An enabled patch is in use: its module must stay. */
	EXPECT_NE(0, run("rmmod cmdline_fix 2>/dev/null"));

	ASSERT_EQ(0, write_str(LP "cmdline_fix/enabled", "0"));
	ASSERT_EQ(0, wait_gone("cmdline_fix"));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), SECRET));
	ASSERT_EQ(0, run("rmmod cmdline_fix"));
}

TEST(module_function_patch_and_unpatch)
{
	char before[256];

	ASSERT_EQ(0, run("insmod " DIR "klive_sample.ko"));
	snprintf(before, sizeof(before), "%s", slurp("/proc/klive_sample"));
	ASSERT_NE(NULL, strstr(before, "allowed=yes"));

	ASSERT_EQ(0, run("insmod " DIR "sample_fix.ko"));
	ASSERT_EQ(0, wait_settled("sample_fix"));
	EXPECT_TRUE(exists(LP "sample_fix/klive_sample"));
	EXPECT_NE(NULL, strstr(slurp("/proc/klive_sample"), "allowed=no"));
	/* The patched module cannot go away under the patch. */
	EXPECT_NE(0, run("rmmod klive_sample 2>/dev/null"));

	ASSERT_EQ(0, write_str(LP "sample_fix/enabled", "0"));
	ASSERT_EQ(0, wait_gone("sample_fix"));
	EXPECT_NE(NULL, strstr(slurp("/proc/klive_sample"), "allowed=yes"));
	ASSERT_EQ(0, run("rmmod sample_fix"));
	ASSERT_EQ(0, run("rmmod klive_sample"));
}

/* A patch naming a function that does not exist fails and leaves nothing. */
TEST(missing_function_refused)
{
	const char *cmdline;

	ASSERT_NE(0, run("insmod " DIR "klive_bad_patch.ko 2>/dev/null"));
	EXPECT_FALSE(exists(LP "klive_bad_patch"));
	EXPECT_NE(0, run("grep -qw klive_bad_patch /proc/modules"));
	EXPECT_EQ(0, run("dmesg | grep -q 'klive: klive_bad_patch: .*klive_no_such_function'"));
	cmdline = slurp("/proc/cmdline");
	EXPECT_NE(NULL, strstr(cmdline, SECRET));
}

/* klive's patches live beside the kernel's own livepatch patches. */
TEST(beside_builtin_livepatch)
{
	if (!has_builtin_livepatch()) {
		/* Without it, klive owns the directory it created. */
		ASSERT_TRUE(exists(LP));
		SKIP(return, "kernel has no built-in livepatch");
	}
	ASSERT_EQ(0, run("insmod " DIR "klp_version.ko"));
	ASSERT_EQ(0, wait_settled("klp_version"));
	EXPECT_NE(NULL, strstr(slurp("/proc/version"), "[klp_version]"));

	ASSERT_EQ(0, run("insmod " DIR "cmdline_fix.ko"));
	ASSERT_EQ(0, wait_settled("cmdline_fix"));
	EXPECT_TRUE(exists(LP "klp_version/enabled"));
	EXPECT_TRUE(exists(LP "cmdline_fix/enabled"));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), REDACTED));
	EXPECT_NE(NULL, strstr(slurp("/proc/version"), "[klp_version]"));

	ASSERT_EQ(0, write_str(LP "cmdline_fix/enabled", "0"));
	ASSERT_EQ(0, wait_gone("cmdline_fix"));
	ASSERT_EQ(0, run("rmmod cmdline_fix"));
	EXPECT_NE(NULL, strstr(slurp("/proc/version"), "[klp_version]"));

	ASSERT_EQ(0, write_str(LP "klp_version/enabled", "0"));
	ASSERT_EQ(0, wait_gone("klp_version"));
	EXPECT_EQ(NULL, strstr(slurp("/proc/version"), "[klp_version]"));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), SECRET));
}

/* Last: with no patch left, klive unloads and takes only what it created. */
TEST(core_unloads)
{
	ASSERT_EQ(0, run("rmmod klive"));
	EXPECT_EQ(has_builtin_livepatch(), exists(LP));
}

TEST_HARNESS_MAIN
