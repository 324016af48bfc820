// SPDX-License-Identifier: GPL-2.0
/* klive_bench.c - in-VM benchmark: transition times of klive and built-in livepatch, CPU pauses. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LP "/sys/kernel/livepatch/"
#define REPS 3
#define MAX_SLEEPERS 1000
#define MAX_CPUS 64

/* One framework's patch: module file, patch (= module) name. */
struct patch {
	const char *label, *file, *name;
};

static const struct patch klive_patch = { "klive", "bench_version.ko", "bench_version" };
static const struct patch klp_patch = { "built-in", "klp_version.ko", "klp_version" };

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* First character of a sysfs file, or 0. */
static char first_char(const char *path)
{
	char c = 0;
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = 0;
		close(fd);
	}
	return c;
}

static int load(const char *file, const char *params)
{
	int fd = open(file, O_RDONLY), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0);
	close(fd);
	return ret ? -errno : 0;
}

/* Wait up to 60 s for path to read "0" (or to vanish when gone is set). */
static int wait_for(const char *path, int gone)
{
	double end = now_ms() + 60000;
	struct timespec ms = { 0, 1000000 };

	while (now_ms() < end) {
		if (gone ? !exists(path) : first_char(path) == '0')
			return 0;
		nanosleep(&ms, NULL);
	}
	return -1;
}

/*
 * Apply p, return the time from the load to its transition's end in ms
 * (negative on failure), then disable and unload it again.
 */
static double apply_once(const struct patch *p)
{
	char path[256];
	double t0, ms;
	int fd;

	snprintf(path, sizeof(path), LP "%s/transition", p->name);
	t0 = now_ms();
	if (load(p->file, "")) {
		printf("bench: loading %s failed: %s\n", p->file, strerror(errno));
		return -1;
	}
	if (wait_for(path, 0)) {
		printf("bench: %s transition did not end within 60 s\n", p->name);
		return -1;
	}
	ms = now_ms() - t0;

	snprintf(path, sizeof(path), LP "%s/enabled", p->name);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "0", 1) != 1)
		printf("bench: disabling %s failed\n", p->name);
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), LP "%s", p->name);
	if (wait_for(path, 1) || syscall(SYS_delete_module, p->name, O_NONBLOCK)) {
		printf("bench: removing %s failed\n", p->name);
		return -1;
	}
	return ms;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of REPS applications; negative if any failed. */
static double apply_median(const struct patch *p)
{
	double v[REPS];
	int i;

	for (i = 0; i < REPS; i++) {
		v[i] = apply_once(p);
		if (v[i] < 0)
			return -1;
	}
	qsort(v, REPS, sizeof(v[0]), cmp_double);
	return v[REPS / 2];
}

static pid_t sleepers[MAX_SLEEPERS];
static int nr_sleepers;

/* Grow the population of sleeping user tasks (busybox sleep) to n. */
static void spawn_sleepers(int n)
{
	while (nr_sleepers < n) {
		pid_t pid = fork();

		if (pid == 0) {
			execl("/bin/sleep", "sleep", "1000", (char *)NULL);
			_exit(127);
		}
		if (pid < 0)
			break;
		sleepers[nr_sleepers++] = pid;
	}
}

static void reap_sleepers(void)
{
	int i;

	for (i = 0; i < nr_sleepers; i++)
		kill(sleepers[i], SIGKILL);
	for (i = 0; i < nr_sleepers; i++)
		waitpid(sleepers[i], NULL, 0);
	nr_sleepers = 0;
}

/* Pause watch: one thread per CPU records the longest clock gap it saw. */
struct watcher {
	pthread_t thread;
	int cpu;
	double max_gap;
};

static atomic_bool watching, measuring;

static void *watch_fn(void *arg)
{
	struct watcher *w = arg;
	double prev = now_ms(), t;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	while (atomic_load_explicit(&watching, memory_order_relaxed)) {
		t = now_ms();
		if (atomic_load_explicit(&measuring, memory_order_relaxed) &&
		    t - prev > w->max_gap)
			w->max_gap = t - prev;
		prev = t;
	}
	return NULL;
}

/*
 * Longest pause a single CPU saw while p was applied (p NULL: during an
 * idle wait of idle_ms instead); *ms gets the transition time.
 */
static double max_pause(const struct patch *p, double idle_ms, double *ms)
{
	struct watcher w[MAX_CPUS];
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), i;
	double worst = 0;

	if (ncpu > MAX_CPUS)
		ncpu = MAX_CPUS;
	atomic_store(&watching, true);
	for (i = 0; i < ncpu; i++) {
		w[i] = (struct watcher){ .cpu = i };
		pthread_create(&w[i].thread, NULL, watch_fn, &w[i]);
	}
	usleep(300000);
	atomic_store(&measuring, true);
	if (p) {
		*ms = apply_once(p);
	} else {
		usleep(idle_ms * 1000);
		*ms = idle_ms;
	}
	atomic_store(&measuring, false);
	atomic_store(&watching, false);
	for (i = 0; i < ncpu; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].max_gap > worst)
			worst = w[i].max_gap;
	}
	return worst;
}

static void print_ms(const char *fmt, double v)
{
	if (v < 0)
		printf("%*s", atoi(fmt), "n/a");
	else
		printf(fmt, v);
}

int main(void)
{
	static const int tasks[] = { 0, 100, 1000 };
	int has_klp = exists(klp_patch.file) && exists(LP);
	double kl, bi, kl_pause, bi_pause = -1, idle_pause, kl_ms, bi_ms = -1;
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!exists("/sys/module/klive") && load("klive.ko", "")) {
		printf("bench: cannot load klive.ko: %s\n", strerror(errno));
		return 1;
	}
	printf("bench: %ld CPUs, median of %d runs, time from insmod to transition 0\n",
	       sysconf(_SC_NPROCESSORS_ONLN), REPS);
	printf("bench: %6s %10s %12s %16s\n", "tasks", "klive ms", "built-in ms",
	       "klive/built-in");
	for (i = 0; i < sizeof(tasks) / sizeof(tasks[0]); i++) {
		spawn_sleepers(tasks[i]);
		sleep(1);
		kl = apply_median(&klive_patch);
		bi = has_klp ? apply_median(&klp_patch) : -1;
		printf("bench: %6d ", nr_sleepers);
		print_ms("%10.1f ", kl);
		print_ms("%12.1f ", bi);
		if (kl >= 0 && bi > 0)
			printf("%16.3f\n", kl / bi);
		else
			printf("%16s\n", "n/a");
	}
	reap_sleepers();

	kl_pause = max_pause(&klive_patch, 0, &kl_ms);
	if (has_klp)
		bi_pause = max_pause(&klp_patch, 0, &bi_ms);
	idle_pause = max_pause(NULL, kl_ms > 0 ? kl_ms : 1000, &kl);
	printf("bench: max pause of one CPU during a transition (spinning thread per CPU): ");
	print_ms("klive %.2f ms", kl_pause);
	print_ms(" (transition %.1f ms), ", kl_ms);
	print_ms("built-in %.2f ms", bi_pause);
	print_ms(" (transition %.1f ms)", bi_ms);
	printf("; no transition, same time: %.2f ms\n", idle_pause);
	return kl < 0 || kl_pause < 0;
}
