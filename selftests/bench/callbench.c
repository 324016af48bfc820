// SPDX-License-Identifier: GPL-2.0
/* callbench.c - in-VM benchmark: cost per call of a function unpatched, patched by klive, by livepatch. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define LP "/sys/kernel/livepatch/"
#define RUNS 5		/* reads per mode and round */
#define ROUNDS 3	/* rounds of all modes, against drift */
#define SAMPLES (RUNS * ROUNDS)

/* One way of running callbench_func(): module to load (NULL: none). */
struct mode {
	const char *label, *file, *name;
	unsigned long factor;	/* the sum is N / 2 * factor */
	double v[SAMPLES];	/* ns per call */
	int n;
	double med, min, max;
};

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int load(const char *file)
{
	int fd = open(file, O_RDONLY), ret;

	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret;
}

/* Poll until path reads "0" (or is gone when gone is set); 60 s at most. */
static int wait_for(const char *path, int gone)
{
	struct timespec ms = { 0, 1000000 };
	int i;

	for (i = 0; i < 60000; i++) {
		char c = 0;
		int fd = open(path, O_RDONLY);

		if (fd < 0 && gone)
			return 0;
		if (fd >= 0) {
			if (read(fd, &c, 1) != 1)
				c = 0;
			close(fd);
			if (!gone && c == '0')
				return 0;
		}
		nanosleep(&ms, NULL);
	}
	return -1;
}

/* One read of /proc/callbench: ns per call; -1 if the sum is not m's. */
static double read_once(const struct mode *m)
{
	unsigned long long ns;
	unsigned long n, sum;
	FILE *f = fopen("/proc/callbench", "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%llu %lu %lu", &ns, &n, &sum) == 3;
	fclose(f);
	if (!ok || !n || sum != n / 2 * m->factor) {
		printf("bench: percall %s: unexpected result (sum %lu)\n", m->label, ok ? sum : 0);
		return -1;
	}
	return (double)ns / n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One warm-up read, then RUNS timed ones added to m's samples. */
static int measure(struct mode *m)
{
	int i;

	if (read_once(m) < 0)
		return -1;
	for (i = 0; i < RUNS; i++) {
		m->v[m->n] = read_once(m);
		if (m->v[m->n++] < 0)
			return -1;
	}
	return 0;
}

/* Median, min and max of all of m's samples. */
static void summarize(struct mode *m)
{
	qsort(m->v, m->n, sizeof(m->v[0]), cmp_double);
	m->med = m->v[m->n / 2];
	m->min = m->v[0];
	m->max = m->v[m->n - 1];
}

/* Apply m's patch, measure, then disable and remove it. */
static int measure_patched(struct mode *m)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), LP "%s/transition", m->name);
	if (load(m->file) || wait_for(path, 0)) {
		printf("bench: percall: applying %s failed: %s\n", m->file, strerror(errno));
		return -1;
	}
	ret = measure(m);
	snprintf(path, sizeof(path), LP "%s/enabled", m->name);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "0", 1) != 1)
		ret = -1;
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), LP "%s", m->name);
	if (wait_for(path, 1) || syscall(SYS_delete_module, m->name, O_NONBLOCK)) {
		printf("bench: percall: removing %s failed\n", m->name);
		ret = -1;
	}
	return ret;
}

static void print_mode(const struct mode *m, const struct mode *base)
{
	printf("bench: percall %-10s %8.1f %8.1f-%-8.1f", m->label, m->med, m->min, m->max);
	if (m != base)
		printf(" %9.1f %9.2f", m->med - base->med, m->med / base->med);
	printf("\n");
}

int main(void)
{
	static struct mode plain = { .label = "unpatched", .factor = 1 };
	static struct mode kl = { .label = "klive", .file = "callbench_klive.ko",
				  .name = "callbench_klive", .factor = 2 };
	static struct mode lp = { .label = "livepatch", .file = "callbench_klp.ko",
				  .name = "callbench_klp", .factor = 2 };
	int has_klp = exists(lp.file) && exists(LP), i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!exists("/sys/module/klive") && load("klive.ko")) {
		printf("bench: percall: cannot load klive.ko: %s\n", strerror(errno));
		return 1;
	}
	if (!exists("/proc/callbench") && load("callbench_target.ko")) {
		printf("bench: percall: cannot load callbench_target.ko: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < ROUNDS; i++)
		if (measure(&plain) || measure_patched(&kl) || (has_klp && measure_patched(&lp)))
			return 1;
	summarize(&plain);
	summarize(&kl);
	summarize(&lp);
	printf("bench: percall: ns per call of a module function, median (min-max) of %d reads of %d calls (%d rounds)\n",
	       SAMPLES, 2000000, ROUNDS);
	printf("bench: percall %-10s %8s %17s %9s %9s\n", "", "median", "min-max", "overhead", "x plain");
	print_mode(&plain, &plain);
	print_mode(&kl, &plain);
	if (has_klp) {
		print_mode(&lp, &plain);
		/* host load only adds time: the minima are the steadier ratio */
		printf("bench: percall overhead klive/livepatch %.2f (medians), %.2f (minima)\n",
		       (kl.med - plain.med) / (lp.med - plain.med),
		       (kl.min - plain.min) / (lp.min - plain.min));
	}
	return 0;
}
