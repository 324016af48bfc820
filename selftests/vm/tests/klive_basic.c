// SPDX-License-Identifier: GPL-2.0
/* klive_basic.c - in-VM tests of the end-to-end path: load, patch, unpatch, refuse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "klive_vm.h"

/* The kernel command line the host boots with carries this secret. */
#define SECRET "app.password=hunter2"
#define REDACTED "app.password=********"

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
	ASSERT_EQ(0, run("insmod " KDIR "klive.ko"));
	ASSERT_TRUE(exists(LP));
}

/*
 * The CPU model the host chose (klive_mitigation= on the command line)
 * really made the kernel patch in what the run is meant to test.
 */
TEST(cpu_mitigation_in_force)
{
	const char *c = strstr(slurp("/proc/cmdline"), "klive_mitigation=");
	const char *want;

	if (!c)
		SKIP(return, "QEMU's default CPU: no return thunks, no call-depth tracking");
	if (!strncmp(c + 17, "rethunk", 7))
		want = "Mitigation: untrained return thunk";
	else if (!strncmp(c + 17, "stuffing", 8))
		want = "Mitigation: Stuffing";
	else
		want = "(unknown klive_mitigation)";
	EXPECT_NE(NULL, strstr(slurp("/sys/devices/system/cpu/vulnerabilities/retbleed"), want))
		TH_LOG("retbleed: %s", slurp("/sys/devices/system/cpu/vulnerabilities/retbleed"));
}

TEST(vmlinux_function_patch_and_unpatch)
{
	ASSERT_NE(NULL, strstr(slurp("/proc/cmdline"), SECRET));

	ASSERT_EQ(0, run("insmod " KDIR "cmdline_fix.ko"));
	ASSERT_EQ(0, strcmp(slurp(LP "cmdline_fix/enabled"), "1\n"));
	ASSERT_TRUE(exists(LP "cmdline_fix/vmlinux/cmdline_proc_show,1"));
	ASSERT_EQ(0, wait_settled("cmdline_fix", 60000));
	ASSERT_EQ(0, strcmp(slurp(LP "cmdline_fix/transition"), "0\n"));
	EXPECT_EQ(NULL, strstr(slurp("/proc/cmdline"), SECRET));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), REDACTED));

	/* An enabled patch is in use: its module must stay. */
	EXPECT_NE(0, run("rmmod cmdline_fix 2>/dev/null"));

	ASSERT_EQ(0, write_str(LP "cmdline_fix/enabled", "0"));
	ASSERT_EQ(0, wait_gone("cmdline_fix", 60000));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), SECRET));
	ASSERT_EQ(0, run("rmmod cmdline_fix"));
}

TEST(module_function_patch_and_unpatch)
{
	char before[256];

	ASSERT_EQ(0, run("insmod " KDIR "klive_sample.ko"));
	read_into("/proc/klive_sample", before, sizeof(before));
	ASSERT_NE(NULL, strstr(before, "allowed=yes"));

	ASSERT_EQ(0, run("insmod " KDIR "sample_fix.ko"));
	ASSERT_EQ(0, wait_settled("sample_fix", 60000));
	EXPECT_TRUE(exists(LP "sample_fix/klive_sample"));
	EXPECT_NE(NULL, strstr(slurp("/proc/klive_sample"), "allowed=no"));

	ASSERT_EQ(0, write_str(LP "sample_fix/enabled", "0"));
	ASSERT_EQ(0, wait_gone("sample_fix", 60000));
	EXPECT_NE(NULL, strstr(slurp("/proc/klive_sample"), "allowed=yes"));
	ASSERT_EQ(0, run("rmmod sample_fix"));
	ASSERT_EQ(0, run("rmmod klive_sample"));
}

/* A patch naming a function that does not exist fails and leaves nothing. */
TEST(missing_function_refused)
{
	const char *cmdline;

	ASSERT_NE(0, run("insmod " KDIR "klive_bad_patch.ko 2>/dev/null"));
	EXPECT_FALSE(exists(LP "klive_bad_patch"));
	EXPECT_NE(0, run("grep -qw klive_bad_patch /proc/modules"));
	EXPECT_EQ(0, run("dmesg | grep -q 'klive: klive_bad_patch: .*klive_no_such_function'"));
	cmdline = slurp("/proc/cmdline");
	EXPECT_NE(NULL, strstr(cmdline, SECRET));
}

/*
 * insmod klive_bad_patch.ko mode=MODE must fail, log a line with LOGGED,
 * and leave nothing: no sysfs directory, no module, /proc/cmdline the
 * kernel's own on every read. 0 if so, else which check failed.
 */
static int refused_cleanly(const char *mode, const char *logged)
{
	int i;

	if (!run("insmod " KDIR "klive_bad_patch.ko mode=%s 2>/dev/null", mode))
		return 1;
	if (exists(LP "klive_bad_patch"))
		return 2;
	if (!run("grep -qw klive_bad_patch /proc/modules"))
		return 3;
	if (run("dmesg | grep -q 'klive: klive_bad_patch: .*%s'", logged))
		return 4;
	for (i = 0; i < 200; i++) {
		const char *c = slurp("/proc/cmdline");

		if (!strstr(c, SECRET) || strstr(c, "must never run"))
			return 5;
	}
	if (!run("dmesg | grep -q 'Oops\\|BUG:\\|general protection'"))
		return 6;
	return 0;
}

/* A patch module whose init fails after klive_enable_patch() leaves nothing. */
TEST(init_failing_after_enable_leaves_nothing)
{
	EXPECT_EQ(0, refused_cleanly("initfail", "init failed after enabling"));
	EXPECT_EQ(0, run("dmesg | grep -q 'failing init after enabling'"));
}

/* A replacement that points at data is refused. */
TEST(replacement_in_data_refused)
{
	EXPECT_EQ(0, refused_cleanly("datafunc", "replacement of cmdline_proc_show is not a function"));
}

/*
 * A symbol of many objects whose recorded neighbours match no instance in
 * kallsyms is refused, naming it and the number of candidates.
 */
TEST(symbol_evidence_undecided_refused)
{
	EXPECT_EQ(0, refused_cleanly("symev",
				     "ambiguous symbol __already_done.0 ([0-9]* candidates in kallsyms, and no other symbol of its object"));
}

/* A relocation into the patch's own description is refused. */
TEST(relocation_into_description_refused)
{
	EXPECT_EQ(0, refused_cleanly("descreloc", "in its patch description"));
}

/*
 * The layouts a patch was built against are checked with the running
 * kernel's BTF: one that matches passes (the patch is then refused for its
 * missing function), one that does not is refused naming the type; a
 * kernel without BTF says the layouts were not checked.
 */
TEST(layout_checked_against_btf)
{
	bool btf = exists("/sys/kernel/btf/vmlinux");

	ASSERT_EQ(0, run("dmesg | grep -c 'klive_no_such_function' > /tmp/klive_missing_before"));
	EXPECT_EQ(0, refused_cleanly("layout_ok", "klive_no_such_function"));
	EXPECT_EQ(0, run("[ $(dmesg | grep -c 'klive_no_such_function') -gt $(cat /tmp/klive_missing_before) ]"));
	EXPECT_NE(0, run("dmesg | grep -q 'list_head differs'"));
	if (btf) {
		EXPECT_EQ(0, refused_cleanly("layout", "struct list_head differs from the running kernel.s BTF (size 24, the kernel.s 16)"));
	} else {
		EXPECT_EQ(0, refused_cleanly("layout", "type layouts not checked"));
	}
}

/*
 * A module object's layouts are checked with vmlinux's BTF and the module's
 * own (split) BTF: a type only veth has is found there and a wrong layout of
 * it refused; with the right ones the patch is refused only for its missing
 * function. Needs a module of the Debian kernel itself (it has BTF).
 */
TEST(module_layout_checked_against_its_btf)
{
	if (!exists(KDIR "veth.ko"))
		SKIP(return, "no module of this kernel's own build (no module BTF)");
	if (!module_loaded("veth"))
		ASSERT_EQ(0, run("insmod " KDIR "veth.ko"));
	ASSERT_TRUE(exists("/sys/kernel/btf/veth"));
	ASSERT_EQ(0, run("dmesg | grep -c 'klive_no_such_function' > /tmp/klive_missing_before"));
	EXPECT_EQ(0, refused_cleanly("modlayout_ok", "klive_no_such_function"));
	EXPECT_EQ(0, run("[ $(dmesg | grep -c 'klive_no_such_function') -gt $(cat /tmp/klive_missing_before) ]"));
	EXPECT_NE(0, run("dmesg | grep -q 'module veth has no usable BTF'"));
	EXPECT_EQ(0, refused_cleanly("modlayout", "struct veth_priv differs from the running kernel.s BTF (size 1, the kernel.s [1-9]"));
	EXPECT_EQ(0, run("rmmod veth"));
}

#define FTRACE_ENABLED "/proc/sys/kernel/ftrace_enabled"

/*
 * Switching ftrace off would silently drop the redirection: it is refused
 * while a patch is in force, and a patch cannot be loaded while it is off.
 */
TEST(ftrace_disable_and_patching_exclude_each_other)
{
	ASSERT_EQ(0, strcmp(slurp(FTRACE_ENABLED), "1\n"));
	ASSERT_EQ(0, run("insmod " KDIR "cmdline_fix.ko"));
	ASSERT_EQ(0, wait_settled("cmdline_fix", 60000));
	EXPECT_NE(0, write_str(FTRACE_ENABLED, "0"));
	EXPECT_EQ(0, strcmp(slurp(FTRACE_ENABLED), "1\n"));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), REDACTED));
	ASSERT_EQ(0, write_str(LP "cmdline_fix/enabled", "0"));
	ASSERT_EQ(0, wait_gone("cmdline_fix", 60000));
	ASSERT_EQ(0, run("rmmod cmdline_fix"));

	ASSERT_EQ(0, write_str(FTRACE_ENABLED, "0"));
	EXPECT_NE(0, run("insmod " KDIR "cmdline_fix.ko 2>/dev/null"));
	EXPECT_FALSE(exists(LP "cmdline_fix"));
	EXPECT_NE(0, run("grep -qw cmdline_fix /proc/modules"));
	EXPECT_EQ(0, run("dmesg | grep -q 'klive: cmdline_fix: .*ftrace is disabled'"));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), SECRET));
	ASSERT_EQ(0, write_str(FTRACE_ENABLED, "1"));
}

/* klive's patches live beside the kernel's own livepatch patches. */
TEST(beside_builtin_livepatch)
{
	if (!has_builtin_livepatch()) {
		/* Without it, klive owns the directory it created. */
		ASSERT_TRUE(exists(LP));
		SKIP(return, "kernel has no built-in livepatch");
	}
	ASSERT_EQ(0, run("insmod " KDIR "klp_version.ko"));
	ASSERT_EQ(0, wait_settled("klp_version", 60000));
	EXPECT_NE(NULL, strstr(slurp("/proc/version"), "[klp_version]"));

	ASSERT_EQ(0, run("insmod " KDIR "cmdline_fix.ko"));
	ASSERT_EQ(0, wait_settled("cmdline_fix", 60000));
	EXPECT_TRUE(exists(LP "klp_version/enabled"));
	EXPECT_TRUE(exists(LP "cmdline_fix/enabled"));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), REDACTED));
	EXPECT_NE(NULL, strstr(slurp("/proc/version"), "[klp_version]"));

	ASSERT_EQ(0, write_str(LP "cmdline_fix/enabled", "0"));
	ASSERT_EQ(0, wait_gone("cmdline_fix", 60000));
	ASSERT_EQ(0, run("rmmod cmdline_fix"));
	EXPECT_NE(NULL, strstr(slurp("/proc/version"), "[klp_version]"));

	ASSERT_EQ(0, write_str(LP "klp_version/enabled", "0"));
	ASSERT_EQ(0, wait_gone("klp_version", 60000));
	EXPECT_EQ(NULL, strstr(slurp("/proc/version"), "[klp_version]"));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), SECRET));
}

/*
 * A kernel livepatch named like a loaded klive patch is refused with a
 * reason (both would be /sys/kernel/livepatch/NAME); the klive patch keeps
 * working, and once it is gone the livepatch loads.
 */
TEST(builtin_livepatch_name_clash_refused)
{
	if (!has_builtin_livepatch())
		SKIP(return, "kernel has no built-in livepatch");
	/* disabled by the test before, still loaded */
	if (module_loaded("klp_version"))
		ASSERT_EQ(0, run("rmmod klp_version"));
	ASSERT_EQ(0, run("insmod " KDIR "klpname_fix.ko"));
	ASSERT_EQ(0, wait_settled("klp_version", 60000));
	EXPECT_NE(0, run("insmod " KDIR "klp_version.ko 2>/dev/null"));
	EXPECT_EQ(0, run("dmesg | grep -q 'klive: klp_version: refusing the kernel livepatch module klp_version'"));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), REDACTED));
	EXPECT_EQ(NULL, strstr(slurp("/proc/version"), "[klp_version]"));

	ASSERT_EQ(0, write_str(LP "klp_version/enabled", "0"));
	ASSERT_EQ(0, wait_gone("klp_version", 60000));
	ASSERT_EQ(0, run("rmmod klpname_fix"));
	ASSERT_EQ(0, run("insmod " KDIR "klp_version.ko"));
	ASSERT_EQ(0, wait_settled("klp_version", 60000));
	EXPECT_NE(NULL, strstr(slurp("/proc/version"), "[klp_version]"));
	ASSERT_EQ(0, write_str(LP "klp_version/enabled", "0"));
	ASSERT_EQ(0, wait_gone("klp_version", 60000));
	ASSERT_EQ(0, run("rmmod klp_version"));
}

/* Last: with no patch left, klive unloads and takes only what it created. */
TEST(core_unloads)
{
	ASSERT_EQ(0, run("rmmod klive"));
	EXPECT_EQ(has_builtin_livepatch(), exists(LP));
}

/*
 * The README's "build a fix" sequence as typed: klive.ko, fix.ko and the
 * klive command from `make KDIR=...` and `patchgen/patchgen --kdir ...
 * old.o new.o -o fix.ko` (stage.d/readme.sh), loaded on a MODVERSIONS
 * kernel with `cli/klive load --klive core/klive.ko fix.ko` (the files sit
 * side by side in the guest), listed, unloaded.
 */
TEST(readme_sequence)
{
	ASSERT_EQ(0, run("cd " KDIR "readme && ./klive load --klive klive.ko fix.ko"));
	EXPECT_EQ(0, strcmp(slurp(LP "fix/transition"), "0\n"));
	EXPECT_EQ(NULL, strstr(slurp("/proc/cmdline"), SECRET));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), REDACTED));
	ASSERT_EQ(0, run("cd " KDIR "readme && ./klive list | grep -q '^fix  (klive, module fix)  enabled=1'"));
	ASSERT_EQ(0, run("cd " KDIR "readme && ./klive unload fix"));
	EXPECT_FALSE(exists(LP "fix"));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), SECRET));
	ASSERT_EQ(0, run("rmmod klive"));
}

TEST_HARNESS_MAIN
