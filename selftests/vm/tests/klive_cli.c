// SPDX-License-Identifier: GPL-2.0
/* klive_cli.c - in-VM tests of the klive command: load, unload, list, info, refusals. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "klive_vm.h"

#define SECRET "app.password=hunter2"
#define REDACTED "app.password=********"
#define OUT "/tmp/klive-cli.out"

/* Installed patches go here, not to /var/lib/klive (KLIVE_STATE_DIR). */
#define STATE "/tmp/klstate"

/* Run "./klive ARGS" with its output (both streams) in OUT; its exit status. */
static int klive(const char *args)
{
	return run("KLIVE_STATE_DIR=" STATE " ./klive %s >" OUT " 2>&1", args);
}

static const char *output(void)
{
	return slurp(OUT);
}

static int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Undo what a failed test left: patches of ours, klive itself. */
static void reset(void)
{
	static const char * const patches[] = { "cmdline_fix", "block_fix", "kbuild_fix" };
	unsigned int i;

	if (exists("/proc/klive_block/ctl"))
		write_str("/proc/klive_block/ctl", "release");
	for (i = 0; i < sizeof(patches) / sizeof(patches[0]); i++) {
		if (exists(lp_file(patches[i], "enabled"))) {
			write_str(lp_file(patches[i], "enabled"), "0");
			wait_gone(patches[i], 20000);
		}
		if (module_loaded(patches[i]))
			run("rmmod %s 2>/dev/null", patches[i]);
	}
}

FIXTURE(cli) {
	int unused;
};

FIXTURE_SETUP(cli)
{
	reset();
}

FIXTURE_TEARDOWN(cli)
{
	reset();
}

/*
 * klive load finds klive.ko where it is installed (libkmod, as modprobe
 * would), inserts the patch and returns once the transition is done;
 * list shows it; unload takes it away, module included.
 */
TEST_F_TIMEOUT(cli, load_list_unload, 120)
{
	if (module_loaded("klive"))
		ASSERT_EQ(0, run("rmmod klive"));
	ASSERT_EQ(0, klive("load cmdline_fix.ko")) TH_LOG("%s", output());
	EXPECT_NE(NULL, strstr(output(), "klive: cmdline_fix: patched in")) TH_LOG("%s", output());
	EXPECT_TRUE(module_loaded("klive"));
	EXPECT_EQ(0, strcmp(slurp(lp_file("cmdline_fix", "transition")), "0\n"));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), REDACTED));

	ASSERT_EQ(0, klive("list"));
	EXPECT_NE(NULL, strstr(output(), "cmdline_fix  (klive, module cmdline_fix)  enabled=1 transition=0 stack_order=1 replace=0\n"))
		TH_LOG("%s", output());
	EXPECT_NE(NULL, strstr(output(), "    vmlinux: cmdline_proc_show,1")) TH_LOG("%s", output());
	ASSERT_EQ(0, klive("--json list"));
	EXPECT_NE(NULL, strstr(output(), "{\"name\": \"cmdline_fix\", \"owner\": \"klive\", \"module\": \"cmdline_fix\", \"enabled\": true, \"transition\": false, \"stack_order\": 1, \"replace\": false, \"objects\": [{\"name\": \"vmlinux\", \"patched\": true, \"functions\": [\"cmdline_proc_show,1\"]}]}"))
		TH_LOG("%s", output());

	ASSERT_EQ(0, klive("unload cmdline_fix")) TH_LOG("%s", output());
	EXPECT_NE(NULL, strstr(output(), "klive: cmdline_fix: unpatched and module cmdline_fix removed"));
	EXPECT_FALSE(module_loaded("cmdline_fix"));
	EXPECT_FALSE(exists(LP "cmdline_fix"));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), SECRET));
}

/* The same through --json: one object per command. */
TEST_F_TIMEOUT(cli, json_load_unload, 120)
{
	ASSERT_EQ(0, klive("--json load cmdline_fix.ko")) TH_LOG("%s", output());
	EXPECT_TRUE(starts_with(output(), "{\"patch\": \"cmdline_fix\", \"module\": \"cmdline_fix\", \"result\": \"patched\", \"ms\": "))
		TH_LOG("%s", output());
	ASSERT_EQ(0, klive("unload --json cmdline_fix")) TH_LOG("%s", output());
	EXPECT_TRUE(starts_with(output(), "{\"patch\": \"cmdline_fix\", \"module\": \"cmdline_fix\", \"result\": \"removed\", \"ms\": "))
		TH_LOG("%s", output());
	EXPECT_EQ(1, klive("--json unload cmdline_fix"));
	EXPECT_EQ(0, strcmp(output(), "{\"error\": \"no patch named cmdline_fix in /sys/kernel/livepatch\"}\n"))
		TH_LOG("%s", output());
}

/* info tells what a patch module patches and whether it fits this kernel. */
TEST_F(cli, info)
{
	char want[256];

	ASSERT_EQ(0, klive("info cmdline_fix.ko"));
	EXPECT_NE(NULL, strstr(output(), "patch:       cmdline_fix\n")) TH_LOG("%s", output());
	EXPECT_NE(NULL, strstr(output(), "function:    vmlinux:cmdline_proc_show,1\n")) TH_LOG("%s", output());
	EXPECT_NE(NULL, strstr(output(), "(is the running kernel)")) TH_LOG("%s", output());
	ASSERT_EQ(0, klive("--json info otherrel_fix.ko"));
	snprintf(want, sizeof(want), "\"release\": \"%.*s\", \"matches_running\": false",
		 (int)strcspn(slurp(KDIR "otherrel_fix.release"), "\n"), slurp(KDIR "otherrel_fix.release"));
	EXPECT_NE(NULL, strstr(output(), want)) TH_LOG("%s", output());
}

/*
 * Clear refusals, each leaving the kernel as it was: a patch for another
 * release (checked before inserting), one loaded already, one klive.ko
 * refuses (the kernel log's reason is shown), no klive.ko installed, not
 * root.
 */
TEST_F_TIMEOUT(cli, refusals, 120)
{
	char rel[64];
	pid_t pid;
	int st;

	snprintf(rel, sizeof(rel), "%.*s", (int)strcspn(slurp(KDIR "otherrel_fix.release"), "\n"),
		 slurp(KDIR "otherrel_fix.release"));
	EXPECT_EQ(1, klive("load otherrel_fix.ko"));
	EXPECT_NE(NULL, strstr(output(), "built for kernel ")) TH_LOG("%s", output());
	EXPECT_NE(NULL, strstr(output(), rel)) TH_LOG("%s", output());
	EXPECT_FALSE(exists(LP "cmdline_fix"));

	ASSERT_EQ(0, klive("load cmdline_fix.ko")) TH_LOG("%s", output());
	EXPECT_EQ(1, klive("load cmdline_fix.ko"));
	EXPECT_NE(NULL, strstr(output(), "module cmdline_fix is loaded already")) TH_LOG("%s", output());
	ASSERT_EQ(0, klive("unload cmdline_fix")) TH_LOG("%s", output());

	EXPECT_EQ(1, klive("load klive_bad_patch.ko"));
	EXPECT_NE(NULL, strstr(output(), "refused: ")) TH_LOG("%s", output());
	EXPECT_NE(NULL, strstr(output(), "klive_no_such_function")) TH_LOG("%s", output());
	EXPECT_FALSE(module_loaded("klive_bad_patch"));

	/* no klive.ko loaded, none installed */
	ASSERT_EQ(0, run("rmmod klive"));
	ASSERT_EQ(0, run("mv /lib/modules /lib/modules.hidden"));
	EXPECT_EQ(1, klive("load cmdline_fix.ko"));
	EXPECT_NE(NULL, strstr(output(), "klive.ko is not installed for")) TH_LOG("%s", output());
	ASSERT_EQ(0, run("mv /lib/modules.hidden /lib/modules"));
	EXPECT_FALSE(module_loaded("klive"));
	EXPECT_FALSE(module_loaded("cmdline_fix"));

	pid = fork();
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(99);
		execl("./klive", "klive", "load", "cmdline_fix.ko", (char *)NULL);
		_exit(98);
	}
	ASSERT_LT(0, pid);
	waitpid(pid, &st, 0);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 1) TH_LOG("status %d", st);
	EXPECT_FALSE(module_loaded("cmdline_fix"));
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), SECRET));
}

/*
 * --timeout: a task held in the patched function keeps the transition
 * open; load gives up waiting with the blocking task named, and unload
 * then reverts it.
 */
TEST_F_TIMEOUT(cli, timeout_names_blocking_task, 120)
{
	char first[16];
	pid_t pid;
	long end;

	if (!module_loaded("klive_block"))
		ASSERT_EQ(0, run("insmod " KDIR "klive_block.ko"));
	pid = fork();
	if (pid == 0) {
		read_into("/proc/klive_block/wait", first, sizeof(first));
		_exit(0);
	}
	ASSERT_LT(0, pid);
	end = now_ms() + 10000;
	while (!strstr(slurp("/proc/klive_block/ctl"), "sleepers=1") && now_ms() < end)
		usleep(20000);
	EXPECT_EQ(1, klive("load --timeout 4 block_fix.ko"));
	EXPECT_NE(NULL, strstr(output(), "block_fix: still patching after 4 s, blocked by: ")) TH_LOG("%s", output());
	EXPECT_NE(NULL, strstr(output(), "block_version")) TH_LOG("%s", output());
	EXPECT_EQ(0, strcmp(slurp(lp_file("block_fix", "transition")), "1\n"));

	write_str("/proc/klive_block/ctl", "release");
	waitpid(pid, NULL, 0);
	ASSERT_EQ(0, klive("unload block_fix")) TH_LOG("%s", output());
	EXPECT_FALSE(module_loaded("block_fix"));
	EXPECT_EQ(0, run("rmmod klive_block"));
}

/*
 * klive install keeps a patch for its release; the unit's ExecStart (what
 * boot runs) loads those of the running kernel and names the others as
 * skipped; uninstall forgets it.
 */
TEST_F_TIMEOUT(cli, installed_patches_load_at_boot, 120)
{
	char cmd[512], *exec, rel[64];

	snprintf(rel, sizeof(rel), "%.*s", (int)strcspn(slurp(KDIR "otherrel_fix.release"), "\n"),
		 slurp(KDIR "otherrel_fix.release"));
	run("rm -rf " STATE);
	ASSERT_EQ(0, klive("install cmdline_fix.ko")) TH_LOG("%s", output());
	ASSERT_EQ(0, klive("install otherrel_fix.ko")) TH_LOG("%s", output());
	EXPECT_FALSE(exists(LP "cmdline_fix"));

	exec = strstr(slurp(KDIR "klive.service"), "\nExecStart=");
	ASSERT_NE(NULL, exec);
	exec += strlen("\nExecStart=");
	snprintf(cmd, sizeof(cmd), "KLIVE_STATE_DIR=" STATE " %.*s >" OUT " 2>&1",
		 (int)strcspn(exec, "\n"), exec);
	EXPECT_EQ(0, run("%s", cmd)) TH_LOG("%s: %s", cmd, output());
	EXPECT_NE(NULL, strstr(output(), "klive: cmdline_fix: patched in")) TH_LOG("%s", output());
	EXPECT_NE(NULL, strstr(output(), "skipping the patches installed for")) TH_LOG("%s", output());
	EXPECT_NE(NULL, strstr(output(), rel)) TH_LOG("%s", output());
	EXPECT_NE(NULL, strstr(slurp("/proc/cmdline"), REDACTED));

	ASSERT_EQ(0, klive("unload cmdline_fix")) TH_LOG("%s", output());
	ASSERT_EQ(0, klive("uninstall cmdline_fix")) TH_LOG("%s", output());
	EXPECT_EQ(0, run("%s", cmd));
	EXPECT_NE(NULL, strstr(output(), "no patches installed for")) TH_LOG("%s", output());
	EXPECT_FALSE(exists(LP "cmdline_fix"));
	EXPECT_EQ(1, klive("uninstall cmdline_fix"));
}

/*
 * kbuild_fix.ko was made by `klive build` from samples/vmlinux/hostname's
 * source fix (a header inline used by two objects): loaded, a host name
 * with a space is refused; unloaded, it is taken again.
 */
TEST_F_TIMEOUT(cli, built_from_source_fix, 120)
{
	ASSERT_EQ(0, sethostname("a b", 3));
	ASSERT_EQ(0, klive("load kbuild_fix.ko")) TH_LOG("%s", output());
	EXPECT_TRUE(exists(LP "kbuild_fix/vmlinux/proc_do_uts_string,1"));
	EXPECT_NE(0, sethostname("c d", 3));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, sethostname("klivehost", 9));
	ASSERT_EQ(0, klive("unload kbuild_fix")) TH_LOG("%s", output());
	EXPECT_EQ(0, sethostname("c d", 3));
	sethostname("klivehost", 9);
}

TEST_HARNESS_MAIN
