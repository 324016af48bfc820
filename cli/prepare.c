/* prepare.c - klive build --prepare: a source tree configured like an installed Debian kernel. */
#include "cli.h"
#include "lpsys.h"
#include "out.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	if (out_json)
		return;
	fprintf(stderr, "klive build: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* dpkg's version of installed package PKG into BUF; 0, or -1 if not installed. */
static int pkg_version(const char *pkg, char *buf, size_t size)
{
	char cmd[512];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd),
		 "dpkg-query -W -f='${db:Status-Status} ${Version}' '%s' 2>/dev/null", pkg);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(buf, 1, size - 1, p);
	pclose(p);
	buf[n] = '\0';
	if (strncmp(buf, "installed ", 10))
		return -1;
	memmove(buf, buf + 10, strlen(buf + 10) + 1);
	return 0;
}

/* "6.1" of "6.1.0-57-amd64", "6.12" of "6.12.117+deb12-amd64". */
static int major_minor(const char *release, char *buf, size_t size)
{
	unsigned int a, b;

	if (sscanf(release, "%u.%u", &a, &b) != 2)
		return -1;
	snprintf(buf, size, "%u.%u", a, b);
	return 0;
}

/* The config the kernel RELEASE was built with; NULL if none. */
static char *find_config(const char *release)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "/boot/config-%s", release);
	if (!access(p, R_OK))
		return strdup(p);
	snprintf(p, sizeof(p), "/lib/modules/%s/build/.config", release);
	if (!access(p, R_OK))
		return strdup(p);
	return NULL;
}

/*
 * Extract Debian's linux-source for RELEASE into DIR (which must not
 * exist), configure it with RELEASE's config and run modules_prepare: the
 * tree klive build --src needs. Warns when the source package is not the
 * version of the installed kernel (its objects would not be the running
 * code; klive.ko's run-pre check then refuses patches to what differs).
 */
int cmd_prepare(const char *dir, const struct cli_opts *o)
{
	const char *release = o->release ? o->release : running_release();
	char mm[32], srcpkg[64], tarball[PATH_MAX], log[PATH_MAX + 32], jobs[32];
	char imgver[128] = "", srcver[128] = "", imgpkg[256], *config, *abs;
	char *tar[] = { "tar", "-C", (char *)dir, "--strip-components=1", "-xf", tarball, NULL };
	char *cp[] = { "cp", NULL, NULL, NULL };
	char *olddef[] = { "make", "-C", (char *)dir, "olddefconfig", NULL };
	char *prep[] = { "make", "-C", (char *)dir, jobs, "modules_prepare", NULL };
	char dotconfig[PATH_MAX + 16];
	long start = lp_now_ms();

	if (major_minor(release, mm, sizeof(mm)))
		return out_error("cannot tell the kernel version of release '%s'", release);
	config = find_config(release);
	if (!config)
		return out_error("no config for %s (neither /boot/config-%s nor its headers' .config): install linux-image-%s or its headers",
				 release, release, release);
	snprintf(srcpkg, sizeof(srcpkg), "linux-source-%s", mm);
	snprintf(tarball, sizeof(tarball), "/usr/src/%s.tar.xz", srcpkg);
	if (pkg_version(srcpkg, srcver, sizeof(srcver)) || access(tarball, R_OK)) {
		free(config);
		return out_error("%s is not installed (apt-get install %s)", srcpkg, srcpkg);
	}
	snprintf(imgpkg, sizeof(imgpkg), "linux-image-%s", release);
	if (pkg_version(imgpkg, imgver, sizeof(imgver))) {
		snprintf(imgpkg, sizeof(imgpkg), "linux-image-%s-unsigned", release);
		pkg_version(imgpkg, imgver, sizeof(imgver));
	}
	if (!imgver[0])
		say("warning: no installed linux-image-%s: cannot check that the source is its version",
		    release);
	else if (strcmp(imgver, srcver))
		say("warning: %s is %s but %s is %s: objects built from it may not be the running kernel's code, and klive.ko refuses a patch whose old functions differ from the running ones",
		    srcpkg, srcver, imgpkg, imgver);
	if (mkdir(dir, 0755)) {
		int e = errno;

		free(config);
		return out_error("%s: %s%s", dir, strerror(e),
				 e == EEXIST ? " (give a directory that does not exist yet)" : "");
	}
	abs = realpath(dir, NULL);
	snprintf(log, sizeof(log), "%s/.klive-prepare.log", abs ? abs : dir);
	free(abs);
	snprintf(jobs, sizeof(jobs), "-j%ld", o->jobs ? (long)o->jobs : sysconf(_SC_NPROCESSORS_ONLN));
	say("extracting %s into %s", tarball, dir);
	if (cli_run(tar, log, -1)) {
		free(config);
		return out_error("extracting %s failed (log: %s)", tarball, log);
	}
	snprintf(dotconfig, sizeof(dotconfig), "%s/.config", dir);
	cp[1] = config;
	cp[2] = dotconfig;
	say("configuring like %s (%s)", release, config);
	if (cli_run(cp, log, -1) || cli_run(olddef, log, -1)) {
		free(config);
		return out_error("configuring %s failed (log: %s)", dir, log);
	}
	free(config);
	say("make modules_prepare (log: %s)", log);
	if (cli_run(prep, log, -1))
		return out_error("make modules_prepare failed (log: %s)", log);
	if (out_json) {
		printf("{\"tree\": ");
		out_jstr(stdout, dir);
		printf(", \"release\": ");
		out_jstr(stdout, release);
		printf(", \"source\": ");
		out_jstr(stdout, srcver);
		printf(", \"ms\": %ld}\n", lp_now_ms() - start);
	} else {
		printf("klive build: %s is ready for %s (%s %s) in %ld s; build a fix with:\n"
		       "  klive build --src %s FIX.patch -o fix.ko\n",
		       dir, release, srcpkg, srcver, (lp_now_ms() - start) / 1000, dir);
	}
	return 0;
}
