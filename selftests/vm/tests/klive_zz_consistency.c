// SPDX-License-Identifier: GPL-2.0
/* klive_zz_consistency.c - in-VM tests of the per-task consistency model (runs last: its force test pins klive). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/io_uring.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "klive_vm.h"

#define BLOCK "/proc/klive_block/"
#define MIX "/proc/klive_mix"
/* klive's grace period before it nudges blocking tasks, as we load it. */
#define NUDGE_MS 1000
#define TAINT_LIVEPATCH (1UL << 15)
#define MAX_KIDS 8

/* 0 when the patch's transition reads 1 for the whole of the next ms. */
static int stays_in_transition(const char *patch, int ms)
{
	long end = now_ms() + ms;

	do {
		if (strcmp(slurp(lp_file(patch, "transition")), "1\n"))
			return -1;
		usleep(100000);
	} while (now_ms() < end);
	return 0;
}

/* The grace period of the loaded klive (its default if it has no such parameter). */
static int nudge_ms(void)
{
	const char *s = slurp("/sys/module/klive/parameters/nudge_after_ms");

	return *s ? atoi(s) : 2000;
}

/* Version of klive_block's code the calling task runs: "v1\n" or "v2\n". */
static const char *version(void)
{
	static char buf[16];

	return read_into(BLOCK "version", buf, sizeof(buf));
}

/* Number after "key=" in klive_block's ctl, or -1. */
static int ctl_value(const char *key)
{
	const char *s = strstr(slurp(BLOCK "ctl"), key);

	return s ? atoi(s + strlen(key)) : -1;
}

/* Wait up to 10 s for at least n tasks held in block_version(). */
static int wait_sleepers(int n)
{
	long end = now_ms() + 10000;

	do {
		if (ctl_value("sleepers=") >= n)
			return 0;
		usleep(20000);
	} while (now_ms() < end);
	return -1;
}

static int release_holders(void)
{
	return write_str(BLOCK "ctl", "release");
}

/*
 * Does the patch's blocking list have a line for task pid (any pid when
 * pid < 0) whose text contains what?
 */
static int blocking_has(const char *patch, int pid, const char *what)
{
	char buf[8192], *line, *save = NULL;

	read_into(lp_file(patch, "blocking"), buf, sizeof(buf));
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (pid >= 0 && atoi(line) != pid)
			continue;
		if (strstr(line, what))
			return 1;
	}
	return 0;
}

/* Read up to size-1 bytes from fd within ms; "" on timeout. */
static char *read_pipe(int fd, char *buf, size_t size, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n = 0;

	if (poll(&p, 1, ms) == 1)
		n = read(fd, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/*
 * Undo whatever an earlier (failed or killed) test left: release held tasks,
 * unpatch and unload our patches. A forced patch stays, by design.
 */
static void reset(void)
{
	/* stacked patches first: only the newest one can be disabled */
	static const char * const patches[] = { "block_fix", "mix_v3_fix", "mix_v3r_fix",
						"mix_fix", "iouring_fix" };
	unsigned int i;

	if (exists(BLOCK "ctl")) {
		release_holders();
		write_str(BLOCK "ctl", "unspin");
	}
	for (i = 0; i < sizeof(patches) / sizeof(patches[0]); i++) {
		if (exists(lp_file(patches[i], "enabled"))) {
			write_str(lp_file(patches[i], "enabled"), "0");
			wait_gone(patches[i], 10000);
		}
		if (module_loaded(patches[i]))
			run("rmmod %s 2>/dev/null", patches[i]);
	}
}

FIXTURE(cons) {
	pid_t kids[MAX_KIDS];
	int nkids;
};

/* klive_basic unloads klive at its end: load it again, and the targets. */
FIXTURE_SETUP(cons)
{
	if (!module_loaded("klive"))
		ASSERT_EQ(0, run("insmod " KDIR "klive.ko nudge_after_ms=%d", NUDGE_MS));
	if (!module_loaded("klive_block"))
		ASSERT_EQ(0, run("insmod " KDIR "klive_block.ko"));
	if (!module_loaded("klive_mix"))
		ASSERT_EQ(0, run("insmod " KDIR "klive_mix.ko"));
	reset();
	ASSERT_EQ(0, strcmp(version(), "v1\n"));
}

FIXTURE_TEARDOWN(cons)
{
	int i;

	for (i = 0; i < self->nkids; i++)
		kill(self->kids[i], SIGKILL);
	if (exists(BLOCK "ctl"))
		release_holders();
	for (i = 0; i < self->nkids; i++)
		waitpid(self->kids[i], NULL, 0);
	reset();
}

static pid_t add_kid(FIXTURE_DATA(cons) *self, pid_t pid)
{
	if (pid > 0 && self->nkids < MAX_KIDS)
		self->kids[self->nkids++] = pid;
	return pid;
}

/*
 * Fork a holder: it reads the held file (/proc/klive_block/wait: held in
 * block_version() until released), then /proc/klive_block/version, and
 * writes both versions, "FIRST SECOND", to the pipe *rfd.
 */
static pid_t start_holder_at(FIXTURE_DATA(cons) *self, const char *held, int *rfd)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		char out[64], first[16];

		close(fds[0]);
		read_into(held, first, sizeof(first));
		first[strcspn(first, "\n")] = '\0';
		snprintf(out, sizeof(out), "%s %s", first, version());
		if (write(fds[1], out, strlen(out)) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	*rfd = fds[0];
	return add_kid(self, pid);
}

static pid_t start_holder(FIXTURE_DATA(cons) *self, int *rfd)
{
	return start_holder_at(self, BLOCK "wait", rfd);
}

/* The version a freshly forked child of the calling task runs first. */
static const char *child_version(char *buf, size_t size)
{
	int fds[2];
	pid_t pid;

	buf[0] = '\0';
	if (pipe(fds))
		return buf;
	pid = fork();
	if (pid == 0) {
		const char *v = version();

		_exit(write(fds[1], v, strlen(v)) < 0);
	}
	close(fds[1]);
	if (pid > 0) {
		read_pipe(fds[0], buf, size, 5000);
		waitpid(pid, NULL, 0);
	}
	close(fds[0]);
	return buf;
}

/*
 * A user task sleeping (killable) in the patched function holds the
 * transition, also past the nudge, and is named in "blocking"; the task
 * reading meanwhile already runs the new code; once released the held read
 * ends in the old code and the holder's next read runs the new code.
 */
TEST_F_TIMEOUT(cons, blocking_user_task, 90)
{
	char res[64];
	int fd;
	pid_t pid;

	pid = start_holder(self, &fd);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, wait_sleepers(1));

	ASSERT_EQ(0, run("insmod " KDIR "block_fix.ko"));
	EXPECT_EQ(0, strcmp(slurp(lp_file("block_fix", "enabled")), "1\n"));
	ASSERT_EQ(0, stays_in_transition("block_fix", nudge_ms() + 1500));
	EXPECT_TRUE(blocking_has("block_fix", pid, "block_version"))
		TH_LOG("blocking: '%s'", slurp(lp_file("block_fix", "blocking")));
	EXPECT_FALSE(blocking_has("block_fix", getpid(), ""));
	EXPECT_EQ(0, strcmp(version(), "v2\n"));
	EXPECT_EQ(1, ctl_value("sleepers="));

	ASSERT_EQ(0, release_holders());
	read_pipe(fd, res, sizeof(res), 10000);
	close(fd);
	EXPECT_EQ(0, strcmp(res, "v1 v2\n")) TH_LOG("holder read '%s'", res);
	ASSERT_EQ(0, wait_settled("block_fix", 10000));
	EXPECT_EQ(0, strcmp(slurp(lp_file("block_fix", "blocking")), ""));
	EXPECT_EQ(0, strcmp(version(), "v2\n"));

	ASSERT_EQ(0, write_str(lp_file("block_fix", "enabled"), "0"));
	ASSERT_EQ(0, wait_gone("block_fix", 10000));
	EXPECT_EQ(0, strcmp(version(), "v1\n"));
	ASSERT_EQ(0, run("rmmod block_fix"));
}

/*
 * The fixed block_tail() tail-calls a new helper of the patch module that
 * sleeps: no frame of a patched function is on the holder's stack, only
 * the patch module's code. Unpatching must wait for it, and the patch
 * module must stay until it has left (else it returns into freed memory).
 */
TEST_F_TIMEOUT(cons, tail_called_new_helper_holds_unpatch, 90)
{
	char res[64];
	int fd;
	pid_t pid;

	ASSERT_EQ(0, run("insmod " KDIR "block_fix.ko"));
	ASSERT_EQ(0, wait_settled("block_fix", 10000));
	pid = start_holder_at(self, BLOCK "tailwait", &fd);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, wait_sleepers(1));

	ASSERT_EQ(0, write_str(lp_file("block_fix", "enabled"), "0"));
	ASSERT_EQ(0, stays_in_transition("block_fix", nudge_ms() + 1500));
	EXPECT_TRUE(blocking_has("block_fix", pid, "block_tail_helper"))
		TH_LOG("blocking: '%s'", slurp(lp_file("block_fix", "blocking")));
	EXPECT_NE(0, run("rmmod block_fix 2>/dev/null"));
	EXPECT_TRUE(module_loaded("block_fix"));
	EXPECT_EQ(0, strcmp(version(), "v1\n"));

	ASSERT_EQ(0, release_holders());
	EXPECT_EQ(0, strcmp(read_pipe(fd, res, sizeof(res), 10000), "v2 v1\n"))
		TH_LOG("holder read '%s'", res);
	close(fd);
	ASSERT_EQ(0, wait_gone("block_fix", 10000));
	ASSERT_EQ(0, run("rmmod block_fix"));
}

/* Is SYM (exactly) in /proc/kallsyms? */
static int in_kallsyms(const char *sym)
{
	return run("grep -q ' %s\\( \\|\t\\|$\\)' /proc/kallsyms", sym) == 0;
}

/*
 * block_cold() sleeps in its .cold part: the return address on the stack
 * is in block_cold.cold, not in block_cold. The old function's parts
 * count as the old function, so the task holds the transition.
 */
TEST_F_TIMEOUT(cons, old_cold_part_holds_patch, 90)
{
	char res[64];
	int fd;
	pid_t pid;

	if (!in_kallsyms("block_cold.cold"))
		SKIP(return, "this kernel's compiler flags put no .cold part in block_cold()");
	pid = start_holder_at(self, BLOCK "coldwait", &fd);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, wait_sleepers(1));

	ASSERT_EQ(0, run("insmod " KDIR "block_fix.ko"));
	ASSERT_EQ(0, stays_in_transition("block_fix", nudge_ms() + 1500));
	EXPECT_TRUE(blocking_has("block_fix", pid, "block_cold.cold"))
		TH_LOG("blocking: '%s'", slurp(lp_file("block_fix", "blocking")));

	ASSERT_EQ(0, release_holders());
	EXPECT_EQ(0, strcmp(read_pipe(fd, res, sizeof(res), 10000), "v1 v2\n"))
		TH_LOG("holder read '%s'", res);
	close(fd);
	ASSERT_EQ(0, wait_settled("block_fix", 10000));
	ASSERT_EQ(0, write_str(lp_file("block_fix", "enabled"), "0"));
	ASSERT_EQ(0, wait_gone("block_fix", 10000));
	ASSERT_EQ(0, run("rmmod block_fix"));
}

/*
 * block_nt() is notrace: the patch redirects block_nt_stub(), which
 * tail-calls it, so a task asleep in the old block_nt() has no frame of
 * the stub on its stack. patchgen records block_nt as a piece of the stub:
 * the task holds the transition and is named there.
 */
TEST_F_TIMEOUT(cons, old_notrace_body_holds_patch, 90)
{
	char res[64];
	int fd;
	pid_t pid;

	pid = start_holder_at(self, BLOCK "ntwait", &fd);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, wait_sleepers(1));

	ASSERT_EQ(0, run("insmod " KDIR "block_fix.ko"));
	ASSERT_EQ(0, stays_in_transition("block_fix", nudge_ms() + 1500));
	EXPECT_TRUE(blocking_has("block_fix", pid, "block_nt+"))
		TH_LOG("blocking: '%s'", slurp(lp_file("block_fix", "blocking")));
	EXPECT_FALSE(blocking_has("block_fix", pid, "block_nt_stub"));

	ASSERT_EQ(0, release_holders());
	EXPECT_EQ(0, strcmp(read_pipe(fd, res, sizeof(res), 10000), "v1 v2\n"))
		TH_LOG("holder read '%s'", res);
	close(fd);
	ASSERT_EQ(0, wait_settled("block_fix", 10000));
	/* the patched stub runs the new body */
	EXPECT_EQ(0, strcmp(slurp(BLOCK "ntwait_version"), "v2\n"));
	ASSERT_EQ(0, write_str(lp_file("block_fix", "enabled"), "0"));
	ASSERT_EQ(0, wait_gone("block_fix", 10000));
	ASSERT_EQ(0, run("rmmod block_fix"));
	EXPECT_EQ(0, strcmp(slurp(BLOCK "ntwait_version"), "v1\n"));
}

/* Wait up to 10 s for ctl to show klive_blockd held in block_version(). */
static int wait_kthread_held(void)
{
	long end = now_ms() + 10000;

	do {
		if (strstr(slurp(BLOCK "ctl"), "kthread=asleep") &&
		    ctl_value("sleepers=") >= 1)
			return 0;
		usleep(20000);
	} while (now_ms() < end);
	return -1;
}

static int wait_kthread_idle(void)
{
	long end = now_ms() + 10000;

	do {
		if (strstr(slurp(BLOCK "ctl"), "kthread=idle"))
			return 0;
		usleep(20000);
	} while (now_ms() < end);
	return -1;
}

/* A kernel thread held in the patched function holds the transition too. */
TEST_F_TIMEOUT(cons, blocking_kthread, 90)
{
	ASSERT_EQ(0, write_str(BLOCK "ctl", "kthread"));
	ASSERT_EQ(0, wait_kthread_held());

	ASSERT_EQ(0, run("insmod " KDIR "block_fix.ko"));
	ASSERT_EQ(0, stays_in_transition("block_fix", nudge_ms() + 1000));
	EXPECT_TRUE(blocking_has("block_fix", -1, "klive_blockd"))
		TH_LOG("blocking: '%s'", slurp(lp_file("block_fix", "blocking")));
	EXPECT_TRUE(blocking_has("block_fix", -1, "block_version"));

	ASSERT_EQ(0, release_holders());
	ASSERT_EQ(0, wait_kthread_idle());
	/* It finished the hold in the code it started it in. */
	EXPECT_NE(NULL, strstr(slurp(BLOCK "ctl"), "last=v1"));
	ASSERT_EQ(0, wait_settled("block_fix", 10000));

	/* Switched now: its next hold runs the new code. */
	ASSERT_EQ(0, write_str(BLOCK "ctl", "kthread"));
	ASSERT_EQ(0, wait_kthread_held());
	ASSERT_EQ(0, release_holders());
	ASSERT_EQ(0, wait_kthread_idle());
	EXPECT_NE(NULL, strstr(slurp(BLOCK "ctl"), "last=v2"));

	ASSERT_EQ(0, write_str(lp_file("block_fix", "enabled"), "0"));
	ASSERT_EQ(0, wait_gone("block_fix", 10000));
	ASSERT_EQ(0, run("rmmod block_fix"));
}

/*
 * A child forked during a transition starts in its parent's state. The
 * test task has switched already (it made syscalls since the transition
 * began), so while patching parent and child run v2; while a reversed
 * transition is held by a task in the new code, both run v1.
 */
TEST_F_TIMEOUT(cons, fork_inherits_state, 90)
{
	char parent[16], child[16], res[64];
	int fd_old, fd_new;

	ASSERT_LT(0, start_holder(self, &fd_old));
	ASSERT_EQ(0, wait_sleepers(1));
	ASSERT_EQ(0, run("insmod " KDIR "block_fix.ko"));
	ASSERT_EQ(0, stays_in_transition("block_fix", 500));

	snprintf(parent, sizeof(parent), "%s", version());
	child_version(child, sizeof(child));
	EXPECT_EQ(0, strcmp(parent, "v2\n"));
	EXPECT_EQ(0, strcmp(child, parent)) TH_LOG("parent '%s' child '%s'", parent, child);

	/* A second holder, forked now, sleeps in the new code. */
	ASSERT_LT(0, start_holder(self, &fd_new));
	ASSERT_EQ(0, wait_sleepers(2));
	ASSERT_EQ(0, write_str(lp_file("block_fix", "enabled"), "0"));
	ASSERT_EQ(0, stays_in_transition("block_fix", 500));
	snprintf(parent, sizeof(parent), "%s", version());
	child_version(child, sizeof(child));
	EXPECT_EQ(0, strcmp(parent, "v1\n"));
	EXPECT_EQ(0, strcmp(child, parent)) TH_LOG("parent '%s' child '%s'", parent, child);

	ASSERT_EQ(0, release_holders());
	EXPECT_EQ(0, strcmp(read_pipe(fd_old, res, sizeof(res), 10000), "v1 v1\n"))
		TH_LOG("first holder read '%s'", res);
	EXPECT_EQ(0, strcmp(read_pipe(fd_new, res, sizeof(res), 10000), "v2 v1\n"))
		TH_LOG("second holder read '%s'", res);
	close(fd_old);
	close(fd_new);
	ASSERT_EQ(0, wait_gone("block_fix", 10000));
	ASSERT_EQ(0, run("rmmod block_fix"));
}

/* Children of pid_reuse_keeps_state: how many ran, how many read v2. */
struct reuse_counts {
	atomic_int runs, v2;
};

/*
 * For ms, fork children that read the version and exit, and reap each at
 * once: its pid is free again while it may still run the end of its exit.
 */
static void reuse_spawner(struct reuse_counts *rc, int ms)
{
	long end = now_ms() + ms;
	char buf[16];
	pid_t pid;
	int st;

	while (now_ms() < end) {
		pid = fork();
		if (pid < 0)
			continue;	/* no pid free: try again */
		if (pid == 0) {
			read_into(BLOCK "version", buf, sizeof(buf));
			_exit(strcmp(buf, "v2\n") ? 1 : 0);
		}
		if (waitpid(pid, &st, 0) != pid)
			continue;
		atomic_fetch_add(&rc->runs, 1);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			atomic_fetch_add(&rc->v2, 1);
	}
}

/*
 * With eight pids to allocate from, a thread's pid is given again while
 * the thread that had it still runs the end of its exit: the new thread
 * must start in its creator's state (v2 here) and the exiting one keep
 * its own. klive reports how many tasks shared a pid that way.
 */
TEST_F_TIMEOUT(cons, pid_reuse_keeps_state, 90)
{
	char pid_max[32], res[64];
	struct reuse_counts *rc;
	pid_t spawners[4];
	int fd, i, before;

	rc = mmap(NULL, sizeof(*rc), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, rc);
	ASSERT_LT(0, start_holder(self, &fd));
	ASSERT_EQ(0, wait_sleepers(1));
	before = dmesg_count("new tasks shared their pid with an exiting task");
	ASSERT_EQ(0, run("insmod " KDIR "block_fix.ko"));
	ASSERT_EQ(0, stays_in_transition("block_fix", 500));
	ASSERT_EQ(0, strcmp(version(), "v2\n"));

	read_into("/proc/sys/kernel/pid_max", pid_max, sizeof(pid_max));
	ASSERT_EQ(0, write_str("/proc/sys/kernel/pid_max", "308"));
	for (i = 0; i < 4; i++) {
		spawners[i] = fork();
		if (spawners[i] == 0) {
			reuse_spawner(rc, 3000);
			_exit(0);
		}
	}
	for (i = 0; i < 4; i++)
		if (spawners[i] > 0)
			waitpid(spawners[i], NULL, 0);
	EXPECT_EQ(0, write_str("/proc/sys/kernel/pid_max", pid_max));
	TH_LOG("%d children, %d read v2", atomic_load(&rc->runs), atomic_load(&rc->v2));
	EXPECT_LT(100, atomic_load(&rc->runs));
	EXPECT_EQ(atomic_load(&rc->runs), atomic_load(&rc->v2));
	EXPECT_EQ(0, strcmp(slurp(lp_file("block_fix", "transition")), "1\n"));

	ASSERT_EQ(0, release_holders());
	EXPECT_EQ(0, strcmp(read_pipe(fd, res, sizeof(res), 10000), "v1 v2\n"))
		TH_LOG("holder read '%s'", res);
	close(fd);
	ASSERT_EQ(0, wait_settled("block_fix", 10000));
	EXPECT_LT(before, dmesg_count("new tasks shared their pid with an exiting task"));
	run("dmesg | grep 'shared their pid' | tail -n1");
	ASSERT_EQ(0, write_str(lp_file("block_fix", "enabled"), "0"));
	ASSERT_EQ(0, wait_gone("block_fix", 10000));
	ASSERT_EQ(0, run("rmmod block_fix"));
	munmap(rc, sizeof(*rc));
}

/* A pinned user task spinning without syscalls must not hold a transition. */
TEST_F_TIMEOUT(cons, cpu_bound_task_switches, 90)
{
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	long start;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		volatile unsigned long n = 0;
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(ncpu - 1, &set);
		sched_setaffinity(0, sizeof(set), &set);
		for (;;)
			n++;
	}
	ASSERT_LT(0, add_kid(self, pid));
	usleep(300000);

	start = now_ms();
	ASSERT_EQ(0, run("insmod " KDIR "block_fix.ko"));
	ASSERT_EQ(0, wait_settled("block_fix", 20000));
	TH_LOG("patched in %ld ms with a spinning task", now_ms() - start);
	/* The nudge must not have killed or stopped it. */
	EXPECT_EQ(0, waitpid(pid, NULL, WNOHANG));

	start = now_ms();
	ASSERT_EQ(0, write_str(lp_file("block_fix", "enabled"), "0"));
	ASSERT_EQ(0, wait_gone("block_fix", 20000));
	TH_LOG("unpatched in %ld ms with a spinning task", now_ms() - start);
	EXPECT_EQ(0, waitpid(pid, NULL, WNOHANG));
	ASSERT_EQ(0, run("rmmod block_fix"));
}

/*
 * A kernel thread bound to a CPU that never sleeps and only calls
 * cond_resched() is always seen running; the transition must still end on
 * its own (a work item on its CPU gets it off the CPU to be checked), both
 * ways, without force.
 */
TEST_F_TIMEOUT(cons, running_kthread_switches, 90)
{
	long start;

	ASSERT_EQ(0, write_str(BLOCK "ctl", "spin"));
	usleep(300000);
	ASSERT_LT(0, ctl_value("spins="));

	start = now_ms();
	ASSERT_EQ(0, run("insmod " KDIR "block_fix.ko"));
	ASSERT_EQ(0, wait_settled("block_fix", nudge_ms() + 10000))
		TH_LOG("blocking: '%s'", slurp(lp_file("block_fix", "blocking")));
	TH_LOG("patched in %ld ms with a spinning kernel thread", now_ms() - start);
	start = now_ms();
	ASSERT_EQ(0, write_str(lp_file("block_fix", "enabled"), "0"));
	ASSERT_EQ(0, wait_settled("block_fix", nudge_ms() + 10000))
		TH_LOG("blocking: '%s'", slurp(lp_file("block_fix", "blocking")));
	TH_LOG("unpatched in %ld ms with a spinning kernel thread", now_ms() - start);
	/*
	 * Removing the ftrace hooks then waits for an RCU-tasks grace period,
	 * which a thread that never sleeps and only calls cond_resched() holds
	 * (as it holds the kernel livepatch's): it ends once the thread stops.
	 */
	ASSERT_EQ(0, write_str(BLOCK "ctl", "unspin"));
	ASSERT_EQ(0, wait_gone("block_fix", 30000));
	ASSERT_EQ(0, run("rmmod block_fix"));
}

/*
 * A task waiting in io_uring_enter(GETEVENTS) sleeps in io_cqring_wait()
 * and runs task work (klive's nudge) there without leaving the function.
 * With a patch of io_cqring_wait() it must keep the transition open past
 * the nudge, and be listed in "blocking", until it really leaves. 6.1
 * inlines io_cqring_wait() into the notrace __do_sys_io_uring_enter(),
 * which the patch changes through the syscall stubs: the task is held in
 * the old body there.
 */
TEST_F_TIMEOUT(cons, iouring_waiter_holds_transition, 90)
{
	char why[256], buf[8];
	int fds[2];
	pid_t pid;

	if (!exists(KDIR "iouring_fix.ko"))
		SKIP(return, "%s", read_into(KDIR "iouring_fix.unsupported", why, sizeof(why)));
	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	if (pid == 0) {
		struct io_uring_params p = { 0 };
		long fd = syscall(__NR_io_uring_setup, 4, &p);

		if (fd < 0 || write(fds[1], "r", 1) != 1)
			_exit(1);
		/* no submission: waits for a completion until killed */
		syscall(__NR_io_uring_enter, fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0);
		_exit(2);
	}
	ASSERT_LT(0, add_kid(self, pid));
	close(fds[1]);
	ASSERT_EQ(0, strcmp(read_pipe(fds[0], buf, sizeof(buf), 10000), "r"));
	close(fds[0]);
	usleep(500000);

	ASSERT_EQ(0, run("insmod " KDIR "iouring_fix.ko"));
	ASSERT_EQ(0, stays_in_transition("iouring_fix", nudge_ms() + 2000));
	EXPECT_TRUE(blocking_has("iouring_fix", pid, "io_cqring_wait") ||
		    blocking_has("iouring_fix", pid, "__do_sys_io_uring_enter+"))
		TH_LOG("blocking: '%s'", slurp(lp_file("iouring_fix", "blocking")));

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	self->nkids = 0;
	ASSERT_EQ(0, wait_settled("iouring_fix", 10000));
	ASSERT_EQ(0, write_str(lp_file("iouring_fix", "enabled"), "0"));
	ASSERT_EQ(0, wait_gone("iouring_fix", 10000));
	ASSERT_EQ(0, run("rmmod iouring_fix"));
}

/* Disabling a held transition reverses it: afterwards only v1 runs. */
TEST_F_TIMEOUT(cons, reverse_held_transition, 90)
{
	char res[64], child[16];
	int fd;

	ASSERT_LT(0, start_holder(self, &fd));
	ASSERT_EQ(0, wait_sleepers(1));
	ASSERT_EQ(0, run("insmod " KDIR "block_fix.ko"));
	ASSERT_EQ(0, stays_in_transition("block_fix", 500));

	ASSERT_EQ(0, write_str(lp_file("block_fix", "enabled"), "0"));
	EXPECT_EQ(0, strcmp(slurp(lp_file("block_fix", "enabled")), "0\n"));
	ASSERT_EQ(0, release_holders());
	EXPECT_EQ(0, strcmp(read_pipe(fd, res, sizeof(res), 10000), "v1 v1\n"))
		TH_LOG("holder read '%s'", res);
	close(fd);
	ASSERT_EQ(0, wait_gone("block_fix", 10000));
	EXPECT_EQ(0, strcmp(version(), "v1\n"));
	EXPECT_EQ(0, strcmp(child_version(child, sizeof(child)), "v1\n"));
	ASSERT_EQ(0, run("rmmod block_fix"));
}

/* No second patch may start while another one is in transition. */
TEST_F_TIMEOUT(cons, second_patch_refused_in_transition, 90)
{
	char res[64];
	int fd;

	ASSERT_LT(0, start_holder(self, &fd));
	ASSERT_EQ(0, wait_sleepers(1));
	ASSERT_EQ(0, run("insmod " KDIR "block_fix.ko"));
	ASSERT_EQ(0, stays_in_transition("block_fix", 500));

	EXPECT_NE(0, run("insmod " KDIR "mix_fix.ko 2>/dev/null"));
	EXPECT_FALSE(module_loaded("mix_fix"));
	EXPECT_FALSE(exists(LP "mix_fix"));
	EXPECT_EQ(0, run("dmesg | grep -q 'klive: mix_fix: patch block_fix is in transition'"));
	EXPECT_EQ(0, strcmp(slurp(lp_file("block_fix", "transition")), "1\n"));

	ASSERT_EQ(0, release_holders());
	read_pipe(fd, res, sizeof(res), 10000);
	close(fd);
	ASSERT_EQ(0, wait_settled("block_fix", 10000));
	/* Settled, the same patch is accepted. */
	ASSERT_EQ(0, run("insmod " KDIR "mix_fix.ko"));
	ASSERT_EQ(0, wait_settled("mix_fix", 10000));
	EXPECT_NE(NULL, strstr(slurp(MIX), "v2="));

	ASSERT_EQ(0, write_str(lp_file("mix_fix", "enabled"), "0"));
	ASSERT_EQ(0, wait_gone("mix_fix", 10000));
	ASSERT_EQ(0, run("rmmod mix_fix"));
	ASSERT_EQ(0, write_str(lp_file("block_fix", "enabled"), "0"));
	ASSERT_EQ(0, wait_gone("block_fix", 10000));
	ASSERT_EQ(0, run("rmmod block_fix"));
}

/* What the readers of /proc/klive_mix saw, summed over their reads. */
struct mix_totals {
	atomic_ulong reads, calls, mismatches, v1, v2, v3, bad_reads;
};

struct mix_reader {
	pthread_t thread;
	int cpu;
	atomic_bool *stop;
	struct mix_totals *t;
};

/* Read /proc/klive_mix on one CPU until told to stop. */
static void *mix_reader_fn(void *arg)
{
	struct mix_reader *r = arg;
	unsigned int calls, bad, v1, v2, v3;
	cpu_set_t set;
	char buf[128];

	CPU_ZERO(&set);
	CPU_SET(r->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	while (!atomic_load(r->stop)) {
		if (sscanf(read_into(MIX, buf, sizeof(buf)),
			   "calls=%u mismatches=%u v1=%u v2=%u v3=%u",
			   &calls, &bad, &v1, &v2, &v3) != 5) {
			atomic_fetch_add(&r->t->bad_reads, 1);
			continue;
		}
		atomic_fetch_add(&r->t->reads, 1);
		atomic_fetch_add(&r->t->calls, calls);
		atomic_fetch_add(&r->t->mismatches, bad);
		atomic_fetch_add(&r->t->v1, v1);
		atomic_fetch_add(&r->t->v2, v2);
		atomic_fetch_add(&r->t->v3, v3);
	}
	return NULL;
}

/* Two readers per CPU (at most 8), started; returns how many. */
static int mix_readers_start(struct mix_reader *readers, atomic_bool *stop,
			     struct mix_totals *t)
{
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), nr, i;

	if (ncpu < 1)
		return -1;
	nr = ncpu * 2 > 8 ? 8 : ncpu * 2;
	for (i = 0; i < nr; i++) {
		readers[i] = (struct mix_reader){ .cpu = i % ncpu, .stop = stop, .t = t };
		if (pthread_create(&readers[i].thread, NULL, mix_reader_fn, &readers[i]))
			return -1;
	}
	return nr;
}

static void mix_readers_stop(struct mix_reader *readers, int nr, atomic_bool *stop)
{
	int i;

	atomic_store(stop, true);
	for (i = 0; i < nr; i++)
		pthread_join(readers[i].thread, NULL);
}

/*
 * Two readers per CPU run encode-pause-decode in a loop while mix_fix is
 * applied and removed ten times: no task may ever decode with the other
 * version's decoder, and both versions must have run.
 */
TEST_F_TIMEOUT(cons, no_old_new_mix, 300)
{
	struct mix_reader readers[8];
	struct mix_totals t = { 0 };
	atomic_bool stop = false;
	int nr, cycle;

	nr = mix_readers_start(readers, &stop, &t);
	ASSERT_LT(0, nr);
	for (cycle = 0; cycle < 10; cycle++) {
		ASSERT_EQ(0, run("insmod " KDIR "mix_fix.ko")) TH_LOG("cycle %d", cycle);
		ASSERT_EQ(0, wait_settled("mix_fix", 30000)) TH_LOG("cycle %d", cycle);
		usleep(100000);
		ASSERT_EQ(0, write_str(lp_file("mix_fix", "enabled"), "0"));
		ASSERT_EQ(0, wait_gone("mix_fix", 30000)) TH_LOG("cycle %d", cycle);
		ASSERT_EQ(0, run("rmmod mix_fix")) TH_LOG("cycle %d", cycle);
		usleep(100000);
	}
	mix_readers_stop(readers, nr, &stop);
	TH_LOG("%d readers: %lu reads, %lu calls, %lu mismatches, v1=%lu v2=%lu",
	       nr, atomic_load(&t.reads), atomic_load(&t.calls),
	       atomic_load(&t.mismatches), atomic_load(&t.v1), atomic_load(&t.v2));
	EXPECT_EQ(0, atomic_load(&t.bad_reads));
	EXPECT_EQ(0, atomic_load(&t.mismatches));
	EXPECT_LT(0, atomic_load(&t.v1));
	EXPECT_LT(0, atomic_load(&t.v2));
	EXPECT_EQ(atomic_load(&t.calls), atomic_load(&t.v1) + atomic_load(&t.v2));
}

/*
 * The same readers while a third version is stacked on mix_fix and taken
 * away again (each task goes v2 -> v3 -> v2 through the encoder/decoder
 * pair), then replaces mix_fix (v2 -> v3 in one transition) and is
 * disabled (v3 -> v1): no task may ever decode with another version's
 * decoder, and every version must have run.
 */
TEST_F_TIMEOUT(cons, no_mix_across_stack_and_replace, 300)
{
	struct mix_reader readers[8];
	struct mix_totals t = { 0 };
	atomic_bool stop = false;
	int nr, cycle;

	nr = mix_readers_start(readers, &stop, &t);
	ASSERT_LT(0, nr);
	for (cycle = 0; cycle < 4; cycle++) {
		ASSERT_EQ(0, run("insmod " KDIR "mix_fix.ko")) TH_LOG("cycle %d", cycle);
		ASSERT_EQ(0, wait_settled("mix_fix", 30000)) TH_LOG("cycle %d", cycle);
		usleep(100000);
		ASSERT_EQ(0, run("insmod " KDIR "mix_v3_fix.ko")) TH_LOG("cycle %d", cycle);
		ASSERT_EQ(0, wait_settled("mix_v3_fix", 30000)) TH_LOG("cycle %d", cycle);
		usleep(100000);
		ASSERT_EQ(0, write_str(lp_file("mix_v3_fix", "enabled"), "0"));
		ASSERT_EQ(0, wait_gone("mix_v3_fix", 30000)) TH_LOG("cycle %d", cycle);
		ASSERT_EQ(0, run("rmmod mix_v3_fix")) TH_LOG("cycle %d", cycle);
		usleep(100000);
		ASSERT_EQ(0, run("insmod " KDIR "mix_v3r_fix.ko")) TH_LOG("cycle %d", cycle);
		ASSERT_EQ(0, wait_settled("mix_v3r_fix", 30000)) TH_LOG("cycle %d", cycle);
		ASSERT_EQ(0, wait_gone("mix_fix", 30000)) TH_LOG("cycle %d", cycle);
		ASSERT_EQ(0, run("rmmod mix_fix")) TH_LOG("cycle %d", cycle);
		usleep(100000);
		ASSERT_EQ(0, write_str(lp_file("mix_v3r_fix", "enabled"), "0"));
		ASSERT_EQ(0, wait_gone("mix_v3r_fix", 30000)) TH_LOG("cycle %d", cycle);
		ASSERT_EQ(0, run("rmmod mix_v3r_fix")) TH_LOG("cycle %d", cycle);
		usleep(100000);
	}
	mix_readers_stop(readers, nr, &stop);
	TH_LOG("%d readers: %lu reads, %lu calls, %lu mismatches, v1=%lu v2=%lu v3=%lu",
	       nr, atomic_load(&t.reads), atomic_load(&t.calls),
	       atomic_load(&t.mismatches), atomic_load(&t.v1), atomic_load(&t.v2),
	       atomic_load(&t.v3));
	EXPECT_EQ(0, atomic_load(&t.bad_reads));
	EXPECT_EQ(0, atomic_load(&t.mismatches));
	EXPECT_LT(0, atomic_load(&t.v1));
	EXPECT_LT(0, atomic_load(&t.v2));
	EXPECT_LT(0, atomic_load(&t.v3));
	EXPECT_EQ(atomic_load(&t.calls),
		  atomic_load(&t.v1) + atomic_load(&t.v2) + atomic_load(&t.v3));
}

static unsigned long tainted(void)
{
	return strtoul(slurp("/proc/sys/kernel/tainted"), NULL, 10);
}

/*
 * Last (it leaves block_fix, hence klive, loaded for good): forcing a held
 * transition ends it at once, taints the kernel, warns, and the forced
 * module can never be removed, not even once the patch is disabled.
 */
TEST_F_TIMEOUT(cons, force_ends_transition, 90)
{
	unsigned long before = tainted();
	char res[64];
	int fd;

	ASSERT_LT(0, start_holder(self, &fd));
	ASSERT_EQ(0, wait_sleepers(1));
	ASSERT_EQ(0, run("insmod " KDIR "block_fix.ko"));
	ASSERT_EQ(0, stays_in_transition("block_fix", 500));

	ASSERT_EQ(0, write_str(lp_file("block_fix", "force"), "1"));
	EXPECT_EQ(0, strcmp(slurp(lp_file("block_fix", "transition")), "0\n"));
	EXPECT_TRUE(tainted() & TAINT_LIVEPATCH)
		TH_LOG("tainted before %lu, after %lu", before, tainted());
	EXPECT_EQ(0, run("dmesg | grep -i 'klive: block_fix: .*forc' >/dev/null"));
	EXPECT_EQ(0, strcmp(version(), "v2\n"));

	/* The held task was in the old code; it leaves it, then runs new. */
	ASSERT_EQ(0, release_holders());
	EXPECT_EQ(0, strcmp(read_pipe(fd, res, sizeof(res), 10000), "v1 v2\n"))
		TH_LOG("holder read '%s'", res);
	close(fd);

	ASSERT_EQ(0, write_str(lp_file("block_fix", "enabled"), "0"));
	ASSERT_EQ(0, wait_gone("block_fix", 10000));
	EXPECT_EQ(0, strcmp(version(), "v1\n"));
	EXPECT_NE(0, run("rmmod block_fix 2>/dev/null"));
	EXPECT_TRUE(module_loaded("block_fix"));
}

TEST_HARNESS_MAIN
