// SPDX-License-Identifier: GPL-2.0
/* klive_stress.c - in-VM stress: many patch/unpatch cycles under calls, forks and held tasks. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "klive_vm.h"

#define BLOCK "/proc/klive_block/"
#define MIX "/proc/klive_mix"
/* Cycles when the command line has no klive_stress_cycles=N (make check). */
#define DEFAULT_CYCLES 20
#define MAX_READERS 16

struct stress {
	atomic_bool stop;
	atomic_ulong mix_reads, calls, mismatches, v1, v2, bad_reads;
	atomic_ulong block_reads, block_bad, forks, holds;
};

/* klive_stress_cycles=N from the kernel command line, or the default. */
static int cycles(void)
{
	const char *c = strstr(slurp("/proc/cmdline"), "klive_stress_cycles=");

	return c ? atoi(c + strlen("klive_stress_cycles=")) : DEFAULT_CYCLES;
}

/* Round trips through the encoder/decoder pair: never a mismatch. */
static void *mix_reader(void *arg)
{
	struct stress *s = arg;
	unsigned int calls, bad, v1, v2;
	char buf[128];

	while (!atomic_load(&s->stop)) {
		if (sscanf(read_into(MIX, buf, sizeof(buf)),
			   "calls=%u mismatches=%u v1=%u v2=%u",
			   &calls, &bad, &v1, &v2) != 4) {
			atomic_fetch_add(&s->bad_reads, 1);
			continue;
		}
		atomic_fetch_add(&s->mix_reads, 1);
		atomic_fetch_add(&s->calls, calls);
		atomic_fetch_add(&s->mismatches, bad);
		atomic_fetch_add(&s->v1, v1);
		atomic_fetch_add(&s->v2, v2);
	}
	return NULL;
}

/* Calls the changed caller of klive_block: always v1 or v2. */
static void *block_reader(void *arg)
{
	struct stress *s = arg;
	char buf[16];

	while (!atomic_load(&s->stop)) {
		read_into(BLOCK "version", buf, sizeof(buf));
		if (strcmp(buf, "v1\n") && strcmp(buf, "v2\n"))
			atomic_fetch_add(&s->block_bad, 1);
		atomic_fetch_add(&s->block_reads, 1);
	}
	return NULL;
}

/* Forks children that call a patched function once and exit. */
static void *forker(void *arg)
{
	struct stress *s = arg;
	char buf[16];
	pid_t pid;

	while (!atomic_load(&s->stop)) {
		pid = fork();
		if (pid == 0) {
			read_into(BLOCK "version", buf, sizeof(buf));
			_exit(strcmp(buf, "v1\n") && strcmp(buf, "v2\n"));
		}
		if (pid > 0) {
			int st;

			waitpid(pid, &st, 0);
			if (!WIFEXITED(st) || WEXITSTATUS(st))
				atomic_fetch_add(&s->block_bad, 1);
			atomic_fetch_add(&s->forks, 1);
		}
		usleep(5000);
	}
	return NULL;
}

/*
 * Puts a task to sleep in affected code (the patched function, the new
 * helper it tail-calls, or a .cold part) and releases it after a random
 * while, again and again.
 */
static void *holder(void *arg)
{
	static const char * const held[] = {
		BLOCK "wait", BLOCK "tailwait", BLOCK "coldwait",
	};
	struct stress *s = arg;
	unsigned int seed = 1;
	char buf[16];
	pid_t pid;

	while (!atomic_load(&s->stop)) {
		const char *path = held[rand_r(&seed) % 3];

		pid = fork();
		if (pid == 0) {
			read_into(path, buf, sizeof(buf));
			_exit(0);
		}
		usleep(50000 + rand_r(&seed) % 300000);
		/* until it is gone: it may not have been asleep yet */
		while (pid > 0 && waitpid(pid, NULL, WNOHANG) == 0) {
			write_str(BLOCK "ctl", "release");
			usleep(20000);
		}
		atomic_fetch_add(&s->holds, 1);
	}
	return NULL;
}

/* Remove a disabled patch's module; the reference drops just after the directory. */
static int remove_module(const char *mod)
{
	int i;

	for (i = 0; i < 50; i++) {
		if (!run("rmmod %s 2>/dev/null", mod))
			return 0;
		usleep(20000);
	}
	return -1;
}

static int unpatch(const char *patch)
{
	if (write_str(lp_file(patch, "enabled"), "0"))
		return -1;
	if (wait_gone(patch, 60000))
		return -2;
	return remove_module(patch) ? -3 : 0;
}

/*
 * Patch and unpatch klive_mix (a changed caller and an encoder/decoder
 * pair) and klive_block (a .cold part, a new tail-called helper) over and
 * over, while readers call the patched functions, a thread forks, and a
 * task sleeps in affected code at random. No mixed round trip, no odd
 * answer, no module left behind; the kernel log is checked for oopses and
 * warnings by the host.
 */
FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
	write_str(BLOCK "ctl", "release");
}

/* As long as the cycles take; make stress sets the VM's timeout. */
TEST_F_TIMEOUT(stress, patch_unpatch_cycles, 86400)
{
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), n = cycles(), nr, i, c;
	pthread_t threads[MAX_READERS + 2];
	struct stress s = { 0 };
	long start;

	if (!module_loaded("klive"))
		ASSERT_EQ(0, run("insmod " KDIR "klive.ko nudge_after_ms=1000"));
	if (!module_loaded("klive_block"))
		ASSERT_EQ(0, run("insmod " KDIR "klive_block.ko"));
	if (!module_loaded("klive_mix"))
		ASSERT_EQ(0, run("insmod " KDIR "klive_mix.ko"));
	nr = ncpu * 4 > MAX_READERS ? MAX_READERS : ncpu * 4;
	if (nr < 8)
		nr = 8;
	for (i = 0; i < nr; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL,
					    i % 2 ? block_reader : mix_reader, &s));
	ASSERT_EQ(0, pthread_create(&threads[nr], NULL, forker, &s));
	ASSERT_EQ(0, pthread_create(&threads[nr + 1], NULL, holder, &s));

	start = now_ms();
	for (c = 0; c < n; c++) {
		ASSERT_EQ(0, run("insmod " KDIR "mix_fix.ko")) TH_LOG("cycle %d", c);
		ASSERT_EQ(0, wait_settled("mix_fix", 60000)) TH_LOG("cycle %d", c);
		ASSERT_EQ(0, run("insmod " KDIR "block_fix.ko")) TH_LOG("cycle %d", c);
		ASSERT_EQ(0, wait_settled("block_fix", 60000))
			TH_LOG("cycle %d: blocking '%s'", c, slurp(lp_file("block_fix", "blocking")));
		ASSERT_EQ(0, unpatch("block_fix")) TH_LOG("cycle %d", c);
		ASSERT_EQ(0, unpatch("mix_fix")) TH_LOG("cycle %d", c);
		/* a long run under TCG takes hours: say how far it is */
		if ((c + 1) % 100 == 0 && c + 1 < n)
			printf("# stress: %d of %d cycles in %ld s, mismatches so far %lu\n",
			       c + 1, n, (now_ms() - start) / 1000, atomic_load(&s.mismatches));
	}
	atomic_store(&s.stop, true);
	write_str(BLOCK "ctl", "release");
	for (i = 0; i < nr + 2; i++)
		pthread_join(threads[i], NULL);

	/* one line of figures for make stress */
	printf("stress: cycles=%d seconds=%ld readers=%d mix_reads=%lu round_trips=%lu mismatches=%lu v1=%lu v2=%lu block_reads=%lu odd=%lu forks=%lu holds=%lu\n",
	       n, (now_ms() - start) / 1000, nr, atomic_load(&s.mix_reads),
	       atomic_load(&s.calls), atomic_load(&s.mismatches), atomic_load(&s.v1),
	       atomic_load(&s.v2), atomic_load(&s.block_reads), atomic_load(&s.block_bad),
	       atomic_load(&s.forks), atomic_load(&s.holds));
	EXPECT_EQ(0, atomic_load(&s.mismatches));
	EXPECT_EQ(0, atomic_load(&s.bad_reads));
	EXPECT_EQ(0, atomic_load(&s.block_bad));
	EXPECT_LT(0, atomic_load(&s.v1));
	EXPECT_LT(0, atomic_load(&s.v2));
	EXPECT_LT(0, atomic_load(&s.forks));
	EXPECT_LT(0, atomic_load(&s.holds));
	/* nothing leaked: no patch module, no patch directory, klive unused */
	EXPECT_FALSE(module_loaded("mix_fix"));
	EXPECT_FALSE(module_loaded("block_fix"));
	EXPECT_FALSE(exists(LP "mix_fix"));
	EXPECT_FALSE(exists(LP "block_fix"));
	EXPECT_EQ(0, strcmp(slurp("/sys/module/klive/refcnt"), "0\n"));
	EXPECT_EQ(0, run("rmmod klive_mix"));
	EXPECT_EQ(0, run("rmmod klive_block"));
	EXPECT_EQ(0, run("rmmod klive"));
}

TEST_HARNESS_MAIN
