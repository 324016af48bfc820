// SPDX-License-Identifier: GPL-2.0
/* klive_fixes.c - in-VM tests of the sample vmlinux fixes: old behaviour, patched, unpatched. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/filter.h>

#include "kselftest_harness.h"
#include "klive_vm.h"

/* Load fix_NAME.ko (loading klive.ko first if needed) and wait for the transition. */
static int patch(const char *name)
{
	char lp[64];

	if (!exists("/sys/module/klive") && run("insmod " KDIR "klive.ko"))
		return -1;
	if (run("insmod " KDIR "fix_%s.ko", name))
		return -1;
	snprintf(lp, sizeof(lp), "fix_%s", name);
	return wait_settled(lp, 60000);
}

/* Disable fix_NAME, wait until its directory is gone, unload it. */
static int unpatch(const char *name)
{
	char lp[64];

	snprintf(lp, sizeof(lp), "fix_%s", name);
	if (write_str(lp_file(lp, "enabled"), "0") ||
	    wait_gone(lp, 60000))
		return -1;
	return run("rmmod %s", lp);
}

/* The raw syscall result: -errno on failure. */
static long sys_ret(long r)
{
	return r < 0 ? -errno : r;
}

/* A new printk format: the message is checked in the kernel log. */
TEST(setdomainname_logged)
{
	const char *msg = "domain name set to 'klive.test'";

	ASSERT_EQ(0, setdomainname("klive.test", 10));
	ASSERT_EQ(0, dmesg_count(msg));
	ASSERT_EQ(0, patch("setdomainname"));
	EXPECT_EQ(0, setdomainname("klive.test", 10));
	EXPECT_EQ(1, dmesg_count(msg));
	ASSERT_EQ(0, unpatch("setdomainname"));
	EXPECT_EQ(0, setdomainname("klive.test", 10));
	EXPECT_EQ(1, dmesg_count(msg));
}

static long do_umask(int m)
{
	return sys_ret(syscall(SYS_umask, m));
}

TEST(umask_bounds)
{
	ASSERT_LE(0, do_umask(022));
	ASSERT_EQ(022, do_umask(01022));
	ASSERT_EQ(0, patch("umask"));
	EXPECT_EQ(-EINVAL, do_umask(01022));
	EXPECT_EQ(022, do_umask(022));
	ASSERT_EQ(0, unpatch("umask"));
	EXPECT_EQ(022, do_umask(01022));
	do_umask(022);
}

/*
 * The umask fix built from a kernel/sys.c whose umask is not the running
 * kernel's (one constant differs, selftests/vm/runpre/): klive.ko refuses
 * it before changing anything. The log names the function and the offset
 * where the host found the first difference, no patch directory or module
 * is left, and umask behaves as before.
 */
TEST(other_source_refused)
{
	char off[32], msg[192];

	read_into(KDIR "runpre_umask.offset", off, sizeof(off));
	ASSERT_EQ(0, strncmp(off, "+0x", 3));
	off[strcspn(off, "\n")] = '\0';
	snprintf(msg, sizeof(msg),
		 "klive: runpre_umask: __x64_sys_umask differs from the running kernel at %s (built from another source or configuration?)",
		 off);
	ASSERT_LE(0, do_umask(022));
	if (!exists("/sys/module/klive"))
		ASSERT_EQ(0, run("insmod " KDIR "klive.ko"));
	EXPECT_EQ(0, dmesg_count(msg));
	EXPECT_NE(0, run("insmod " KDIR "runpre_umask.ko 2>/dev/null"));
	EXPECT_FALSE(exists(LP "runpre_umask"));
	EXPECT_FALSE(module_loaded("runpre_umask"));
	EXPECT_LE(1, dmesg_count(msg));
	EXPECT_EQ(022, do_umask(01022));
	EXPECT_EQ(022, do_umask(022));
}

/* d_type that getdents64 reports for the file called name in dir. */
static int dtype_of(const char *dir, const char *name)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int t = -1;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (!strcmp(e->d_name, name))
			t = e->d_type;
	closedir(d);
	return t;
}

/*
 * Why fix_NAME.ko is missing: the host writes the kernel's line of the
 * fix's "unsupported" file to fix_NAME.unsupported. NULL when it is there.
 */
static const char *unsupported(const char *name)
{
	static char why[512];
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), KDIR "fix_%s.ko", name);
	if (exists(path))
		return NULL;
	snprintf(why, sizeof(why), "fix_%s.ko was not built", name);
	snprintf(path, sizeof(path), KDIR "fix_%s.unsupported", name);
	f = fopen(path, "r");
	if (f) {
		if (fgets(why, sizeof(why), f))
			why[strcspn(why, "\n")] = '\0';
		fclose(f);
	}
	return why;
}

/* filldir64 writes to user memory with exception-table entries. */
TEST(readdir_untyped)
{
	const char *name = ".klive-untyped-file";
	const char *why = unsupported("readdir");
	int fd;

	if (why)
		SKIP(return, "%s", why);
	mkdir("/tmp", 0755);
	fd = open("/tmp/.klive-untyped-file", O_CREAT | O_WRONLY, 0644);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(DT_REG, dtype_of("/tmp", name));
	ASSERT_EQ(0, patch("readdir"));
	EXPECT_EQ(DT_UNKNOWN, dtype_of("/tmp", name));
	EXPECT_EQ(DT_DIR, dtype_of("/", "tmp"));
	ASSERT_EQ(0, unpatch("readdir"));
	EXPECT_EQ(DT_REG, dtype_of("/tmp", name));
	unlink("/tmp/.klive-untyped-file");
}

/*
 * drop_caches: .cold part, a new printk format, and the static "stfu"
 * state: after the patched handler saw "4", the original one stays quiet.
 */
TEST(drop_caches_state)
{
	const char *old = "drop_caches: 1\n";
	const char *new = "drop_caches: 1 (pagecache dropped, slab kept)";
	int n;

	(void)old;
	ASSERT_EQ(0, run("echo 1 > /proc/sys/vm/drop_caches"));
	n = dmesg_count("drop_caches: 1");
	ASSERT_LE(1, n);
	ASSERT_EQ(0, dmesg_count(new));
	ASSERT_EQ(0, patch("drop_caches"));
	EXPECT_EQ(0, run("echo 1 > /proc/sys/vm/drop_caches"));
	EXPECT_EQ(1, dmesg_count(new));
	EXPECT_EQ(0, run("echo 4 > /proc/sys/vm/drop_caches"));
	ASSERT_EQ(0, unpatch("drop_caches"));
	n = dmesg_count("drop_caches: 1");
	EXPECT_EQ(0, run("echo 1 > /proc/sys/vm/drop_caches"));
	EXPECT_EQ(n, dmesg_count("drop_caches: 1"));
}

static int write_hostname_sysctl(const char *s)
{
	return run("printf '%s' > /proc/sys/kernel/hostname 2>/dev/null", s);
}

/* A header inline used by kernel/sys.o and kernel/utsname_sysctl.o. */
TEST(hostname_invalid_chars)
{
	ASSERT_EQ(0, sethostname("a b", 3));
	ASSERT_EQ(0, write_hostname_sysctl("c d"));
	ASSERT_EQ(0, patch("hostname"));
	EXPECT_EQ(-EINVAL, sys_ret(sethostname("a b", 3)));
	EXPECT_NE(0, write_hostname_sysctl("c d"));
	EXPECT_EQ(0, sethostname("klivehost", 9));
	EXPECT_EQ(0, write_hostname_sysctl("klivehost"));
	ASSERT_EQ(0, unpatch("hostname"));
	EXPECT_EQ(0, sethostname("a b", 3));
	EXPECT_EQ(0, write_hostname_sysctl("c d"));
	sethostname("klivehost", 9);
}

/* Number of lines of /proc/version. */
static int version_lines(void)
{
	int c, n = 0;
	FILE *f = fopen("/proc/version", "r");

	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/*
 * A jump label on init_on_alloc, compiled "off" and switched on at boot
 * (run-vm.sh passes init_on_alloc=1): the second line shows up only if the
 * module loader applied the __jump_table entry of the patch.
 */
TEST(procversion_jump_label)
{
	ASSERT_EQ(1, dmesg_count("heap alloc:on"))
		TH_LOG("the key must be on (boot with init_on_alloc=1)");
	ASSERT_EQ(1, version_lines());
	ASSERT_EQ(0, patch("procversion"));
	EXPECT_EQ(2, version_lines());
	ASSERT_EQ(0, unpatch("procversion"));
	EXPECT_EQ(1, version_lines());
}

/* Write v to /proc/self/oom_adj, return /proc/self/oom_score_adj (or -9999). */
static int oom_adj_to_score(int v)
{
	int score = -9999;
	FILE *f;

	if (run("echo %d > /proc/%d/oom_adj", v, getpid()))
		return -9999;
	f = fopen("/proc/self/oom_score_adj", "r");
	if (!f)
		return -9999;
	if (fscanf(f, "%d", &score) != 1)
		score = -9999;
	fclose(f);
	return score;
}

/* oom_adj_write calls the unchanged static helper __set_oom_adj. */
TEST(oom_adj_rounding)
{
	ASSERT_EQ(58, oom_adj_to_score(1));
	ASSERT_EQ(0, patch("oom_adj"));
	EXPECT_EQ(59, oom_adj_to_score(1));
	EXPECT_EQ(-59, oom_adj_to_score(-1));
	ASSERT_EQ(0, unpatch("oom_adj"));
	EXPECT_EQ(58, oom_adj_to_score(1));
	oom_adj_to_score(0);
}

/* Write s to /sys/kernel/reboot/mode: 0 or -errno. */
static int reboot_mode_write(const char *s)
{
	int fd = open("/sys/kernel/reboot/mode", O_WRONLY);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* The reboot mode the kernel shows, "" if unreadable. */
static const char *reboot_mode(void)
{
	static char buf[32];
	FILE *f = fopen("/sys/kernel/reboot/mode", "r");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/*
 * mode_store() is static and its name occurs several times in Debian's
 * vmlinux: the patch finds it by the sympos patchgen read off the kernel's
 * symbol list. Fixed, "coldplug" no longer passes for "cold".
 */
static void rebootmode_fix(struct __test_metadata *_metadata, const char *fix)
{
	char orig[32];

	snprintf(orig, sizeof(orig), "%s", reboot_mode());
	ASSERT_NE(0, orig[0]);
	ASSERT_EQ(0, reboot_mode_write("warm"));
	ASSERT_EQ(0, reboot_mode_write("coldplug"));
	ASSERT_STREQ("cold", reboot_mode());
	ASSERT_EQ(0, reboot_mode_write("warm"));
	ASSERT_EQ(0, patch(fix));
	EXPECT_EQ(-EINVAL, reboot_mode_write("coldplug"));
	EXPECT_STREQ("warm", reboot_mode());
	EXPECT_EQ(0, reboot_mode_write("cold\n"));
	EXPECT_STREQ("cold", reboot_mode());
	ASSERT_EQ(0, unpatch(fix));
	EXPECT_EQ(0, reboot_mode_write("warmly"));
	EXPECT_STREQ("warm", reboot_mode());
	reboot_mode_write(orig);
}

TEST(rebootmode_whole_word)
{
	rebootmode_fix(_metadata, "rebootmode");
}

/*
 * Whether klive.ko told symbol SYM apart from its namesakes by the
 * neighbours patch fix_FIX carries (logged), or SYM is unique here.
 */
static bool found_by_neighbours(const char *fix, const char *sym)
{
	if (run("test $(grep -c ' %s$' /proc/kallsyms) -gt 1", sym))
		return true;
	return !run("dmesg | grep -q 'klive: fix_%s: %s is the symbol [0-9]* of [0-9]* .*neighbours'",
		    fix, sym);
}

/*
 * The same fix built with no symbol list (as with only the headers
 * package): klive.ko finds mode_store() in kallsyms by its neighbours.
 */
TEST(rebootmode_no_symbol_list)
{
	rebootmode_fix(_metadata, "rebootmode_nomap");
	EXPECT_TRUE(found_by_neighbours("rebootmode_nomap", "mode_store"));
}

/* Lines of /proc/kallsyms for absolute vmlinux symbols (type A), or -1. */
static int kallsyms_absolute(void)
{
	FILE *p = popen("grep -c '^[0-9a-f]* A ' /proc/kallsyms", "r");
	int n = -1;

	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

/*
 * s_show() of /proc/kallsyms is the second of several static functions of
 * that name on Debian's kernels: patchgen picked it by its neighbours.
 */
static void kallsyms_abs_fix(struct __test_metadata *_metadata, const char *fix)
{
	int before = kallsyms_absolute();

	ASSERT_LE(0, before);
	if (!before)
		SKIP(return, "this kernel lists no absolute symbols");
	ASSERT_EQ(0, patch(fix));
	EXPECT_EQ(0, kallsyms_absolute());
	ASSERT_EQ(0, unpatch(fix));
	EXPECT_EQ(before, kallsyms_absolute());
}

TEST(kallsyms_abs_hidden)
{
	kallsyms_abs_fix(_metadata, "kallsyms_abs");
}

/* Built with no symbol list: klive.ko finds s_show() by its neighbours. */
TEST(kallsyms_abs_no_symbol_list)
{
	kallsyms_abs_fix(_metadata, "kallsyms_abs_nomap");
	if (kallsyms_absolute())
		EXPECT_TRUE(found_by_neighbours("kallsyms_abs_nomap", "s_show"));
}

/*
 * __set_task_comm() has a jump label on the task_rename tracepoint, whose
 * key is not exported: the patch takes the tracepoint branch for good and
 * must behave the same, without a probe (nothing happens) and with one
 * (the event is recorded).
 */
static int personality_reads(void)
{
	char buf[32];

	read_into("/proc/self/personality", buf, sizeof(buf));
	read_into("/proc/self/personality", buf, sizeof(buf));
	return dmesg_count("klive-oomwarn: personality read");
}

/*
 * Print-once flags: __set_oom_adj()'s is the running kernel's or a fresh
 * copy (patchgen says which), and the new one in proc_pid_personality() is
 * fresh: either way each message appears at most once.
 */
static void oomwarn_fix(struct __test_metadata *_metadata, const char *fix)
{
	/* an earlier load of the fix left its lines in the log */
	int reads = personality_reads();
	int warned = dmesg_count("is deprecated (klive-oomwarn)");

	ASSERT_EQ(58, oom_adj_to_score(1));
	ASSERT_EQ(reads, personality_reads());
	ASSERT_EQ(0, patch(fix));
	EXPECT_EQ(59, oom_adj_to_score(1));
	EXPECT_EQ(59, oom_adj_to_score(1));
	EXPECT_GE(warned + 1, dmesg_count("is deprecated (klive-oomwarn)"));
	EXPECT_EQ(reads + 1, personality_reads());
	EXPECT_EQ(reads + 1, personality_reads());
	ASSERT_EQ(0, unpatch(fix));
	EXPECT_EQ(58, oom_adj_to_score(1));
	oom_adj_to_score(0);
}

TEST(oomwarn_once_flags)
{
	oomwarn_fix(_metadata, "oomwarn");
}

/*
 * Built with no symbol list: __set_oom_adj()'s print-once flag is found by
 * its neighbours or, as patchgen does with a list when they cannot tell,
 * the patch's own copy is used (logged either way).
 */
TEST(oomwarn_no_symbol_list)
{
	oomwarn_fix(_metadata, "oomwarn_nomap");
	EXPECT_EQ(0, run("dmesg | grep -q 'klive: fix_oomwarn_nomap: .*__already_done'"));
}

#define BPF_JIT_ENABLE "/proc/sys/net/core/bpf_jit_enable"

/*
 * The length a classic socket filter lets through of a 100-byte datagram
 * on a Unix socket pair (the filter's result trims it): A = 64 >> shift,
 * plus 8. With the JIT off the kernel runs it in ___bpf_prog_run, whose
 * opcodes dispatch through its computed-goto table. -1 on error.
 */
static int filtered_len(unsigned int shift)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_IMM, 64),
		BPF_STMT(BPF_LDX | BPF_IMM, shift),
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 8),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_fprog prog = { sizeof(code) / sizeof(code[0]), code };
	char buf[100] = { 0 };
	int sv[2], n = -1;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		return -1;
	if (!setsockopt(sv[1], SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) &&
	    send(sv[0], buf, sizeof(buf), 0) == sizeof(buf))
		n = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
	close(sv[0]);
	close(sv[1]);
	return n;
}

/*
 * ___bpf_prog_run's jump table (jumptable.N, .rodata..c_jump_table on 6.1,
 * .data.rel.ro.c_jump_table on 6.12) holds addresses inside the function:
 * the patch must carry its own copy, or the new code's first dispatch goes
 * back into the old function.
 */
TEST(bpf_interp_shift)
{
	const char *why = unsupported("bpf_interp");
	char jit[16];
	int i, wrong = 0;

	if (why)
		SKIP(return, "%s", why);
	read_into(BPF_JIT_ENABLE, jit, sizeof(jit));
	if (exists(BPF_JIT_ENABLE))
		ASSERT_EQ(0, write_str(BPF_JIT_ENABLE, "0"));
	EXPECT_EQ(40, filtered_len(1));
	EXPECT_EQ(40, filtered_len(33));
	ASSERT_EQ(0, patch("bpf_interp"));
	EXPECT_EQ(40, filtered_len(1));
	EXPECT_EQ(8, filtered_len(33));
	/* every run dispatches through the table again */
	for (i = 0; i < 50; i++)
		wrong += filtered_len(1) != 40 || filtered_len(33) != 8;
	EXPECT_EQ(0, wrong);
	ASSERT_EQ(0, unpatch("bpf_interp"));
	EXPECT_EQ(40, filtered_len(1));
	EXPECT_EQ(40, filtered_len(33));
	if (jit[0])
		write_str(BPF_JIT_ENABLE, jit);
}

#define TASK_RENAME "/sys/kernel/tracing/events/task/task_rename/enable"

TEST(taskcomm_tracepoint)
{
	char comm[32];

	ASSERT_EQ(0, prctl(PR_SET_NAME, "klive\n"));
	EXPECT_EQ(0, strcmp(read_into("/proc/self/comm", comm, sizeof(comm)), "klive\n\n"));
	ASSERT_EQ(0, patch("taskcomm"));
	ASSERT_EQ(0, prctl(PR_SET_NAME, "klive\n"));
	EXPECT_EQ(0, strcmp(read_into("/proc/self/comm", comm, sizeof(comm)), "klive\n"));
	/* with a probe attached, the patched code reports the event */
	if (exists("/sys/kernel/tracing"))
		ASSERT_EQ(0, run("grep -q ' /sys/kernel/tracing ' /proc/mounts || mount -t tracefs nodev /sys/kernel/tracing"));
	if (!exists(TASK_RENAME)) {
		TH_LOG("no task_rename event on this kernel: not traced");
	} else {
		ASSERT_EQ(0, write_str(TASK_RENAME, "1"));
		ASSERT_EQ(0, prctl(PR_SET_NAME, "klive_tp"));
		ASSERT_EQ(0, write_str(TASK_RENAME, "0"));
		EXPECT_EQ(0, run("grep -q 'newcomm=klive_tp' /sys/kernel/tracing/trace"));
	}
	ASSERT_EQ(0, unpatch("taskcomm"));
	ASSERT_EQ(0, prctl(PR_SET_NAME, "klive\n"));
	EXPECT_EQ(0, strcmp(read_into("/proc/self/comm", comm, sizeof(comm)), "klive\n\n"));
	prctl(PR_SET_NAME, "klive_fixes");
}

/*
 * Fixes inside SYSCALL_DEFINE bodies. The body, __do_sys_NAME, is notrace
 * and (on the Debian kernels; on every kernel for adjtimex and flock) out
 * of line: patchgen redirects the __x64_sys_NAME/__ia32_sys_NAME stubs
 * that call it instead.
 */
TEST(prctl_empty_name)
{
	char comm[32];

	ASSERT_EQ(0, prctl(PR_SET_NAME, ""));
	EXPECT_EQ(0, strcmp(read_into("/proc/self/comm", comm, sizeof(comm)), "\n"));
	ASSERT_EQ(0, prctl(PR_SET_NAME, "klive_fixes"));
	ASSERT_EQ(0, patch("prctl"));
	EXPECT_EQ(-EINVAL, sys_ret(prctl(PR_SET_NAME, "")));
	EXPECT_EQ(0, strcmp(read_into("/proc/self/comm", comm, sizeof(comm)), "klive_fixes\n"));
	EXPECT_EQ(0, prctl(PR_SET_NAME, "klive_p"));
	EXPECT_EQ(0, strcmp(read_into("/proc/self/comm", comm, sizeof(comm)), "klive_p\n"));
	ASSERT_EQ(0, unpatch("prctl"));
	EXPECT_EQ(0, prctl(PR_SET_NAME, ""));
	prctl(PR_SET_NAME, "klive_fixes");
}

/* The nice value is set back to 0 at once: a niced test is slow under TCG. */
static int nice_after(int v)
{
	int r = setpriority(PRIO_PROCESS, 0, v) ? -errno : 0;
	int now = getpriority(PRIO_PROCESS, 0);

	setpriority(PRIO_PROCESS, 0, 0);
	return r ? r : now;
}

TEST(setpriority_range)
{
	ASSERT_EQ(19, nice_after(100));
	ASSERT_EQ(0, patch("setpriority"));
	EXPECT_EQ(-EINVAL, nice_after(100));
	EXPECT_EQ(-EINVAL, nice_after(-21));
	EXPECT_EQ(5, nice_after(5));
	ASSERT_EQ(0, unpatch("setpriority"));
	EXPECT_EQ(19, nice_after(100));
}

static long do_getcwd(size_t size)
{
	char buf[256];

	return sys_ret(syscall(SYS_getcwd, buf, size));
}

TEST(getcwd_zero_size)
{
	ASSERT_EQ(-ERANGE, do_getcwd(0));
	ASSERT_LT(0, do_getcwd(256));
	ASSERT_EQ(0, patch("getcwd"));
	EXPECT_EQ(-EINVAL, do_getcwd(0));
	EXPECT_EQ(-ERANGE, do_getcwd(1));
	EXPECT_LT(0, do_getcwd(256));
	ASSERT_EQ(0, unpatch("getcwd"));
	EXPECT_EQ(-ERANGE, do_getcwd(0));
}

/* A mode bit no ADJ_* flag defines; alone it changes nothing. */
#define ADJ_UNKNOWN 0x10000

static long do_adjtimex(unsigned int modes)
{
	struct timex t;

	memset(&t, 0, sizeof(t));
	t.modes = modes;
	return sys_ret(syscall(SYS_adjtimex, &t));
}

TEST(adjtimex_unknown_modes)
{
	ASSERT_LE(0, do_adjtimex(0));
	ASSERT_LE(0, do_adjtimex(ADJ_UNKNOWN));
	ASSERT_EQ(0, patch("adjtimex"));
	EXPECT_EQ(-EINVAL, do_adjtimex(ADJ_UNKNOWN));
	EXPECT_EQ(-EINVAL, do_adjtimex(ADJ_UNKNOWN | ADJ_OFFSET_SS_READ));
	EXPECT_LE(0, do_adjtimex(0));
	EXPECT_LE(0, do_adjtimex(ADJ_OFFSET_SS_READ));
	ASSERT_EQ(0, unpatch("adjtimex"));
	EXPECT_LE(0, do_adjtimex(ADJ_UNKNOWN));
}

/* LOCK_MAND | LOCK_READ, as the kernel's uapi defines them */
#define KLIVE_LOCK_MAND_READ (32 | 64)

TEST(flock_mand)
{
	const char *why = unsupported("flock");
	int fd;

	if (why)
		SKIP(return, "%s", why);
	mkdir("/tmp", 0755);
	fd = open("/tmp/klive-flock", O_CREAT | O_RDWR, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sys_ret(syscall(SYS_flock, fd, KLIVE_LOCK_MAND_READ)));
	ASSERT_EQ(0, patch("flock"));
	EXPECT_EQ(-EOPNOTSUPP, sys_ret(syscall(SYS_flock, fd, KLIVE_LOCK_MAND_READ)));
	EXPECT_EQ(0, sys_ret(syscall(SYS_flock, fd, 1)));	/* LOCK_SH */
	EXPECT_EQ(0, sys_ret(syscall(SYS_flock, fd, 8)));	/* LOCK_UN */
	ASSERT_EQ(0, unpatch("flock"));
	EXPECT_EQ(0, sys_ret(syscall(SYS_flock, fd, KLIVE_LOCK_MAND_READ)));
	close(fd);
	unlink("/tmp/klive-flock");
}


#define DD_CONTROL "/sys/kernel/debug/dynamic_debug/control"
/* A flag bit no personality defines. */
#define PER_UNKNOWN 0x100

static long do_personality(unsigned int p)
{
	return sys_ret(syscall(SYS_personality, p));
}

/*
 * A pr_debug in the changed function: the patch carries its own descriptor,
 * registered under the patch module's name, so the control file turns the
 * patched code's message on and off. A kernel without CONFIG_DYNAMIC_DEBUG
 * (nolp61) compiles pr_debug to nothing: there only the fix is checked.
 */
TEST(personality_pr_debug)
{
	const char *msg = "unknown personality flags 0x100";
	const char *site = "[fix_personality]__do_sys_personality =";
	long old = do_personality(0xffffffff);
	int dd = exists(DD_CONTROL);

	ASSERT_LE(0, old);
	ASSERT_EQ(old, do_personality(old | PER_UNKNOWN));
	ASSERT_EQ(old | PER_UNKNOWN, do_personality(old));
	ASSERT_EQ(0, patch("personality"));
	/* the patch carries a descriptor exactly where the kernel has dynamic debug */
	EXPECT_EQ(dd, exists("/sys/module/fix_personality/sections/__dyndbg"));
	EXPECT_EQ(-EINVAL, do_personality(old | PER_UNKNOWN));
	EXPECT_EQ(old, do_personality(0xffffffff));
	if (dd) {
		EXPECT_EQ(0, dmesg_count(msg));
		EXPECT_EQ(0, run("grep -qF -- '%s_ ' " DD_CONTROL, site));
		EXPECT_EQ(0, write_str(DD_CONTROL, "module fix_personality +p"));
		EXPECT_EQ(0, run("grep -qF -- '%sp ' " DD_CONTROL, site));
		EXPECT_EQ(-EINVAL, do_personality(old | PER_UNKNOWN));
		EXPECT_EQ(1, dmesg_count(msg));
		EXPECT_EQ(0, write_str(DD_CONTROL, "module fix_personality -p"));
		EXPECT_EQ(0, run("grep -qF -- '%s_ ' " DD_CONTROL, site));
		EXPECT_EQ(-EINVAL, do_personality(old | PER_UNKNOWN));
		EXPECT_EQ(1, dmesg_count(msg));
	} else {
		TH_LOG("no %s (CONFIG_DYNAMIC_DEBUG off): pr_debug compiles to nothing", DD_CONTROL);
	}
	ASSERT_EQ(0, unpatch("personality"));
	if (dd)
		EXPECT_NE(0, run("grep -qF -- '[fix_personality]' " DD_CONTROL));
	EXPECT_EQ(old, do_personality(old | PER_UNKNOWN));
	EXPECT_EQ(old | PER_UNKNOWN, do_personality(old));
	EXPECT_EQ(old, do_personality(0xffffffff));
}
/*
 * The adjtimex fix built from a kernel/time/time.c whose notrace
 * __do_sys_adjtimex is not the running kernel's (selftests/vm/runpre/):
 * the patch redirects the stubs, which match, and records the body as
 * their piece; klive.ko refuses it there, at the offset the host found.
 */
TEST(other_source_refused_notrace)
{
	char off[32], msg[192];

	read_into(KDIR "runpre_adjtimex.offset", off, sizeof(off));
	ASSERT_EQ(0, strncmp(off, "+0x", 3));
	off[strcspn(off, "\n")] = '\0';
	snprintf(msg, sizeof(msg),
		 "klive: runpre_adjtimex: __do_sys_adjtimex differs from the running kernel at %s (built from another source or configuration?)",
		 off);
	ASSERT_LE(0, do_adjtimex(ADJ_UNKNOWN));
	if (!exists("/sys/module/klive"))
		ASSERT_EQ(0, run("insmod " KDIR "klive.ko"));
	EXPECT_EQ(0, dmesg_count(msg));
	EXPECT_NE(0, run("insmod " KDIR "runpre_adjtimex.ko 2>/dev/null"));
	EXPECT_FALSE(exists(LP "runpre_adjtimex"));
	EXPECT_FALSE(module_loaded("runpre_adjtimex"));
	EXPECT_LE(1, dmesg_count(msg));
	EXPECT_LE(0, do_adjtimex(ADJ_UNKNOWN));
}

/*
 * The drop_caches fix built from an fs/drop_caches.c whose handler is the
 * running kernel's except in its .cold part (the pid printed is the tgid,
 * selftests/vm/runpre/): the handler itself matches, and klive.ko refuses
 * the patch in the .cold part it records as the handler's piece, at the
 * offset the host found. 6.12's handler has no .cold part.
 */
TEST(other_source_refused_cold)
{
	char off[32], msg[224];

	if (!exists(KDIR "runpre_drop_caches.offset"))
		SKIP(return, "the handler has no .cold part on this kernel");
	read_into(KDIR "runpre_drop_caches.offset", off, sizeof(off));
	ASSERT_EQ(0, strncmp(off, "+0x", 3));
	off[strcspn(off, "\n")] = '\0';
	snprintf(msg, sizeof(msg),
		 "klive: runpre_drop_caches: drop_caches_sysctl_handler.cold differs from the running kernel at %s (built from another source or configuration?)",
		 off);
	if (!exists("/sys/module/klive"))
		ASSERT_EQ(0, run("insmod " KDIR "klive.ko"));
	EXPECT_EQ(0, dmesg_count(msg));
	EXPECT_NE(0, run("insmod " KDIR "runpre_drop_caches.ko 2>/dev/null"));
	EXPECT_FALSE(exists(LP "runpre_drop_caches"));
	EXPECT_FALSE(module_loaded("runpre_drop_caches"));
	EXPECT_LE(1, dmesg_count(msg));
	/* the running handler's own code is the one that matched */
	EXPECT_EQ(0, dmesg_count("klive: runpre_drop_caches: drop_caches_sysctl_handler differs"));
}

/*
 * A patch built with patchgen --no-layout-check (the fixes of a kernel
 * without debug info, whose objects have no DWARF) makes klive.ko say once,
 * at load, that its layouts were not checked; one built with the check
 * says nothing of the kind.
 */
TEST(unchecked_layouts_logged)
{
	const char *msg = "klive: fix_umask: built with patchgen --no-layout-check: the fix's type layouts were not checked";
	char flag[8];
	int before;

	read_into(KDIR "layouts_unchecked", flag, sizeof(flag));
	ASSERT_TRUE(flag[0] == '0' || flag[0] == '1');
	before = dmesg_count(msg);
	ASSERT_EQ(0, patch("umask"));
	EXPECT_EQ(before + (flag[0] == '1'), dmesg_count(msg));
	ASSERT_EQ(0, unpatch("umask"));
	EXPECT_EQ(before + (flag[0] == '1'), dmesg_count(msg));
}

/* Leave the kernel as klive_basic left it: klive unloaded. */
/* Whether the first "flags" line of /proc/cpuinfo lists FLAG. */
static int cpu_flag(const char *flag)
{
	static char line[16384];
	size_t n = strlen(flag);
	FILE *f = fopen("/proc/cpuinfo", "r");
	char *p;
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		for (p = strstr(line, flag); p && !found; p = strstr(p + 1, flag))
			found = p[-1] == ' ' && (p[n] == ' ' || p[n] == '\n');
		break;
	}
	fclose(f);
	return found;
}

/*
 * proc_pid_arch_status tests AVX-512F with static_cpu_has(): the copy's
 * alternative (applied by the module loader) and its .altinstr_aux test
 * come with the patch. No test CPU has AVX-512: the "no" path runs.
 */
TEST(archstatus_static_cpu_has)
{
	int avx512 = cpu_flag("avx512f");
	char before[256], patched[256], after[256];

	ASSERT_LE(0, avx512);
	TH_LOG("AVX-512F %s: static_cpu_has() takes its %s path", avx512 ? "present" : "absent",
	       avx512 ? "yes" : "no");
	read_into("/proc/self/arch_status", before, sizeof(before));
	if (!avx512)
		EXPECT_STREQ("", before);
	ASSERT_EQ(0, patch("archstatus"));
	read_into("/proc/self/arch_status", patched, sizeof(patched));
	if (avx512) {
		EXPECT_EQ(NULL, strstr(patched, "unsupported"));
	} else {
		EXPECT_STREQ("AVX512_elapsed_ms:\tunsupported\n", patched);
	}
	ASSERT_EQ(0, unpatch("archstatus"));
	read_into("/proc/self/arch_status", after, sizeof(after));
	if (!avx512)
		EXPECT_STREQ("", after);
}

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif

/* PTRACE_GETREGSET(NT_X86_XSTATE) of CHILD into LEN bytes: the length filled, or -errno. */
static long xstate_get(pid_t child, size_t len)
{
	static char buf[16384];
	struct iovec iov = { buf, len };

	if (ptrace(PTRACE_GETREGSET, child, (void *)NT_X86_XSTATE, &iov))
		return -errno;
	return (long)iov.iov_len;
}

/*
 * xstateregs_get tests XSAVE with static_cpu_has(), and which path runs
 * depends on the CPU: EPYC-Rome and Skylake-Client have XSAVE (a cut
 * buffer is now refused), QEMU's default CPU has not (now -EOPNOTSUPP).
 * The patched result shows that the copy took the CPU's path.
 */
TEST(xstateregs_cpu_path)
{
	int xsave = cpu_flag("xsave"), st;
	long full, cut;
	pid_t child;

	ASSERT_LE(0, xsave);
	TH_LOG("XSAVE %s: static_cpu_has() in xstateregs_get takes its %s path",
	       xsave ? "present" : "absent", xsave ? "yes" : "no");
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		_exit(0);
	}
	ASSERT_EQ(child, waitpid(child, &st, 0));
	ASSERT_TRUE(WIFSTOPPED(st));
	full = xstate_get(child, 16384);
	cut = xstate_get(child, 512);
	if (xsave) {
		EXPECT_LT(576, full);
		EXPECT_EQ(512, cut);
	} else {
		EXPECT_EQ(-ENODEV, full);
		EXPECT_EQ(-ENODEV, cut);
	}
	ASSERT_EQ(0, patch("xstateregs"));
	if (xsave) {
		EXPECT_EQ(full, xstate_get(child, 16384));
		EXPECT_EQ(-EINVAL, xstate_get(child, 512));
	} else {
		EXPECT_EQ(-EOPNOTSUPP, xstate_get(child, 16384));
	}
	ASSERT_EQ(0, unpatch("xstateregs"));
	EXPECT_EQ(full, xstate_get(child, 16384));
	EXPECT_EQ(cut, xstate_get(child, 512));
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
}

TEST(zz_unload_klive)
{
	if (exists("/sys/module/klive"))
		ASSERT_EQ(0, run("rmmod klive"));
}

TEST_HARNESS_MAIN
