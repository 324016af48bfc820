// SPDX-License-Identifier: GPL-2.0
/*
 * In-guest smoke test of the VM harness (kselftest TAP): the sample target
 * module loads and shows its bug, /proc/cmdline shows the unhidden secret,
 * and on kernels with livepatch the built-in livepatch sample patches
 * /proc/version and comes off again. Modules are read from the cwd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define KLP_DIR "/sys/kernel/livepatch/klp_version"

/* Whole (small) file into buf as a string; bytes read or -1. */
static ssize_t read_text(const char *path, char *buf, size_t size)
{
	ssize_t n, len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return n < 0 ? -1 : len;
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret;
}

/* Unload, retrying while the module is still in use (up to ~20 s). */
static int unload_module(const char *name)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (syscall(SYS_delete_module, name, O_NONBLOCK) == 0)
			return 0;
		if (errno != EBUSY && errno != EAGAIN)
			return -1;
		usleep(100000);
	}
	return -1;
}

/*
 * Wait (up to ~20 s, TCG is slow) until a sysfs file reads as want, or,
 * with want NULL, until path is gone.
 */
static int wait_for(const char *path, const char *want)
{
	char buf[64];
	int i;

	for (i = 0; i < 200; i++) {
		if (!want && access(path, F_OK))
			return 0;
		if (want && read_text(path, buf, sizeof(buf)) >= 0 &&
		    strcmp(buf, want) == 0)
			return 0;
		usleep(100000);
	}
	return -1;
}

/* Loading modules is for the test VM only, never for the build host. */
static void __attribute__((constructor)) refuse_outside_vm(void)
{
	if (access("/klive/run", X_OK)) {
		fprintf(stderr, "smoke_test: runs only inside the klive test VM\n");
		exit(KSFT_SKIP);
	}
}

TEST(sample_target_shows_bug)
{
	char buf[256];

	ASSERT_EQ(0, load_module("klive_sample.ko")) TH_LOG("insmod: %m");
	ASSERT_LT(0, read_text("/proc/klive_sample", buf, sizeof(buf)));
	TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "10 of 10 used: allowed=yes\n"));
	EXPECT_NE(NULL, strstr(buf, "remaining=0 checks=1\n"));
	ASSERT_LT(0, read_text("/proc/klive_sample", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "checks=2\n"));
	ASSERT_EQ(0, unload_module("klive_sample")) TH_LOG("rmmod: %m");
	EXPECT_EQ(-1, access("/proc/klive_sample", F_OK));
}

TEST(cmdline_shows_secret)
{
	char buf[4096];

	ASSERT_LT(0, read_text("/proc/cmdline", buf, sizeof(buf)));
	if (!strstr(buf, "klive.secret="))
		SKIP(return, "no klive.secret= parameter on the command line");
	EXPECT_NE(NULL, strstr(buf, "klive.secret=hunter2"));
}

TEST(builtin_livepatch_version)
{
	char buf[512];

	if (access("/sys/kernel/livepatch", F_OK))
		SKIP(return, "kernel without livepatch");
	ASSERT_LT(0, read_text("/proc/version", buf, sizeof(buf)));
	TH_LOG("before: %s", buf);
	ASSERT_EQ(NULL, strstr(buf, "[klp_version]"));

	ASSERT_EQ(0, load_module("klp_version.ko")) TH_LOG("insmod: %m");
	ASSERT_EQ(0, wait_for(KLP_DIR "/enabled", "1\n"));
	ASSERT_EQ(0, wait_for(KLP_DIR "/transition", "0\n"));
	TH_LOG("enabled=1 transition=0");
	ASSERT_LT(0, read_text("/proc/version", buf, sizeof(buf)));
	TH_LOG("patched: %s", buf);
	EXPECT_NE(NULL, strstr(buf, "[klp_version]\n"));

	/* The patch's directory goes once unpatching has completed. */
	ASSERT_EQ(0, write_text(KLP_DIR "/enabled", "0"));
	ASSERT_EQ(0, wait_for(KLP_DIR, NULL));
	ASSERT_LT(0, read_text("/proc/version", buf, sizeof(buf)));
	TH_LOG("unpatched: %s", buf);
	EXPECT_EQ(NULL, strstr(buf, "[klp_version]"));
	ASSERT_EQ(0, unload_module("klp_version")) TH_LOG("rmmod: %m");
}

TEST_HARNESS_MAIN
