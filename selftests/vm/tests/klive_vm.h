/* SPDX-License-Identifier: GPL-2.0 */
/* klive_vm.h - helpers shared by the in-VM test programs: files, commands, patch state. */
#ifndef KLIVE_VM_H
#define KLIVE_VM_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Everything the host put into the initramfs lives here. */
#define KDIR "/klive/"
#define LP "/sys/kernel/livepatch/"

/* Run a shell command; its exit status, or -1 if it did not exit. */
static inline int run(const char *fmt, ...)
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

/* Content of a small file into buf, "" when it cannot be read. */
static inline char *read_into(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, size - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* Content of a small file; the buffer is reused by the next call. */
static inline const char *slurp(const char *path)
{
	static char buf[8192];

	return read_into(path, buf, sizeof(buf));
}

static inline int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static inline int write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -errno;
	ok = fputs(s, f) >= 0;
	ok &= fclose(f) == 0;
	return ok ? 0 : -EIO;
}

static inline long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* /sys/kernel/livepatch/PATCH/FILE; the buffer is reused by the next call. */
static inline const char *lp_file(const char *patch, const char *file)
{
	static char path[256];

	snprintf(path, sizeof(path), LP "%s/%s", patch, file);
	return path;
}

static inline int module_loaded(const char *mod)
{
	return run("grep -q '^%s ' /proc/modules", mod) == 0;
}

/* Wait up to ms for the patch's transition to end; 0 when it did. */
static inline int wait_settled(const char *patch, int ms)
{
	long end = now_ms() + ms;

	do {
		if (!strcmp(slurp(lp_file(patch, "transition")), "0\n"))
			return 0;
		usleep(50000);
	} while (now_ms() < end);
	return -1;
}

/* Wait up to ms for the patch's directory to go (unpatching finished). */
static inline int wait_gone(const char *patch, int ms)
{
	long end = now_ms() + ms;

	do {
		if (!exists(lp_file(patch, "")))
			return 0;
		usleep(50000);
	} while (now_ms() < end);
	return -1;
}

/* Number of kernel log lines containing s, or -1. */
static inline int dmesg_count(const char *s)
{
	char cmd[256];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "dmesg | grep -cF -- \"%s\"", s);
	p = popen(cmd, "r");
	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

/* Put a line into the kernel log; log_since() looks only after it. */
static inline void mark(const char *name)
{
	char line[128];

	snprintf(line, sizeof(line), "klive-test: %s", name);
	write_str("/dev/kmsg", line);
}

/* The kernel log after the last mark @name; the buffer is reused by the next call. */
static inline const char *log_since(const char *name)
{
	static char log_buf[1 << 21];
	char needle[128];
	const char *p, *last = NULL;
	FILE *f = popen("dmesg", "r");
	size_t n = 0;

	if (f) {
		n = fread(log_buf, 1, sizeof(log_buf) - 1, f);
		pclose(f);
	}
	log_buf[n] = '\0';
	snprintf(needle, sizeof(needle), "klive-test: %s\n", name);
	for (p = strstr(log_buf, needle); p; p = strstr(p + 1, needle))
		last = p;
	return last ?: "";
}

/* NULL if the lines appear in @log in this order, else the first missing. */
static inline const char *in_order(const char *log, const char * const *lines)
{
	for (; *lines; lines++) {
		log = strstr(log, *lines);
		if (!log)
			return *lines;
		log += strlen(*lines);
	}
	return NULL;
}

#endif
