/* build.c - klive build: from a source patch to a patch module (objects before and after, then patchgen). */
#define _XOPEN_SOURCE 700
#include "cli.h"
#include "lpsys.h"
#include "out.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_OBJS 256

struct bld {
	const struct cli_opts *o;
	char *src, *obj, *patch, *tmp;
	char *files[MAX_OBJS];		/* files the patch changes, relative */
	struct timespec mtimes[MAX_OBJS];
	int nfiles;
	char *objs[MAX_OBJS];		/* objects to build, relative to obj */
	int nobjs;
	char *target;			/* "vmlinux" or a module name */
	int applied;
	char make_odir[PATH_MAX + 4], make_jobs[32];	/* make_start()'s words */
};

/* Set by SIGINT/SIGTERM: the tree is put back before klive exits. */
static volatile sig_atomic_t interrupted;

static void progress(const char *fmt, const char *arg)
{
	if (!out_json) {
		fprintf(stderr, "klive build: ");
		fprintf(stderr, fmt, arg);
		fputc('\n', stderr);
	}
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static char *xstrdup_(const char *s)
{
	char *d = strdup(s);

	if (!d)
		abort();
	return d;
}

/* Run ARGV with stdout and stderr to LOG (or inherited); exit status, -1. */
/* patch -d SRC -p1 [-R] [--dry-run] < PATCH; 0 on success. */
static int run_patch(struct bld *b, int reverse, int dry)
{
	char *argv[10];
	int n = 0, fd, ret;

	argv[n++] = "patch";
	argv[n++] = "-d";
	argv[n++] = b->src;
	argv[n++] = "-p1";
	argv[n++] = "-s";
	argv[n++] = "-f";
	argv[n++] = "--no-backup-if-mismatch";
	if (reverse)
		argv[n++] = "-R";
	if (dry)
		argv[n++] = "--dry-run";
	argv[n] = NULL;
	fd = open(b->patch, O_RDONLY);
	if (fd < 0)
		return -1;
	ret = cli_run(argv, dry ? "/dev/null" : NULL, fd);
	close(fd);
	return ret;
}

/* Take the patch back out and give its files their old mtimes. */
static void unpatch(struct bld *b)
{
	char p[PATH_MAX];
	int i;

	if (b->applied && run_patch(b, 1, 0))
		fprintf(stderr, "klive: could not reverse %s in %s: reverse it by hand\n",
			b->patch, b->src);
	b->applied = 0;
	for (i = 0; i < b->nfiles; i++) {
		struct timespec ts[2] = { b->mtimes[i], b->mtimes[i] };

		snprintf(p, sizeof(p), "%s/%s", b->src, b->files[i]);
		utimensat(AT_FDCWD, p, ts, 0);
	}
}

/* The files the patch changes ("+++ b/PATH"), as patch -p1 sees them. */
static int read_files(struct bld *b)
{
	FILE *f = fopen(b->patch, "r");
	char line[PATH_MAX + 16], *p, *sl;

	if (!f)
		return out_error("%s: %s", b->patch, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "+++ ", 4))
			continue;
		p = line + 4;
		p[strcspn(p, "\t\n")] = '\0';
		sl = strchr(p, '/');
		if (!sl || !strcmp(p, "/dev/null"))
			continue;
		if (b->nfiles == MAX_OBJS) {
			fclose(f);
			return out_error("%s: changes more than %d files", b->patch, MAX_OBJS);
		}
		b->files[b->nfiles++] = xstrdup_(sl + 1);
	}
	fclose(f);
	if (!b->nfiles)
		return out_error("%s: not a unified diff (no +++ lines)", b->patch);
	return 0;
}

static int add_obj(struct bld *b, const char *rel)
{
	int i;

	for (i = 0; i < b->nobjs; i++)
		if (!strcmp(b->objs[i], rel))
			return 0;
	if (b->nobjs == MAX_OBJS)
		return out_error("the fix touches more than %d objects", MAX_OBJS);
	b->objs[b->nobjs++] = xstrdup_(rel);
	return 0;
}

/* nftw() has no context argument: the search in progress. */
static struct bld *scan_b;
static const char *scan_file;
static int scan_err;

/* Does dependency file PATH (.NAME.o.cmd) list the header being searched? */
static int scan_cmd(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *base = path + ftw->base;
	size_t len = strlen(base);
	char want[PATH_MAX], rel[PATH_MAX], *buf;
	FILE *f;
	long n;

	(void)st;
	if (type != FTW_F || base[0] != '.' || len < 7 || strcmp(base + len - 6, ".o.cmd") ||
	    (len > 10 && !strcmp(base + len - 10, ".mod.o.cmd")))
		return 0;
	f = fopen(path, "r");
	if (!f)
		return 0;
	buf = malloc(1 << 20);
	n = buf ? (long)fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (!buf)
		return 0;
	buf[n] = '\0';
	/* with O= the header is named by its full path in the source tree */
	snprintf(want, sizeof(want), "%s/%s ", scan_b->src, scan_file);
	if (!strstr(buf, want)) {
		snprintf(want, sizeof(want), " %s ", scan_file);
		if (!strstr(buf, want)) {
			free(buf);
			return 0;
		}
	}
	free(buf);
	/* OBJ/dir/.name.o.cmd -> dir/name.o */
	snprintf(rel, sizeof(rel), "%.*s%.*s", (int)(ftw->base - strlen(scan_b->obj) - 1),
		 path + strlen(scan_b->obj) + 1, (int)(len - 5), base + 1);
	if (add_obj(scan_b, rel))
		scan_err = 1;
	return scan_err;
}

/* The objects to build: each changed .c, and what includes each changed header. */
/* Was OBJ ever built whole? A prepared tree (--prepare) is not. */
static int tree_built(const struct bld *b)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/vmlinux.o", b->obj);
	return !stat(p, &st);
}

/* ARGV begins "make -C SRC [O=OBJ] -jN"; the number of words. */
static int make_start(struct bld *b, char **argv)
{
	int n = 0;

	argv[n++] = "make";
	argv[n++] = "-C";
	argv[n++] = b->src;
	if (strcmp(b->src, b->obj)) {
		snprintf(b->make_odir, sizeof(b->make_odir), "O=%s", b->obj);
		argv[n++] = b->make_odir;
	}
	snprintf(b->make_jobs, sizeof(b->make_jobs), "-j%d",
		 b->o->jobs > 0 ? b->o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN));
	argv[n++] = b->make_jobs;
	return n;
}

/* make REL in the tree as it is (before the fix); 0 on success. */
static int build_first(struct bld *b, const char *rel)
{
	char *argv[8], log[PATH_MAX];
	int n;

	n = make_start(b, argv);
	argv[n++] = (char *)rel;
	argv[n] = NULL;
	snprintf(log, sizeof(log), "%s/build-first.log", b->tmp);
	if (cli_run(argv, log, -1))
		return out_error("%s cannot be built in %s: this kernel's configuration does not use it? (log: %s)",
				 rel, b->obj, log);
	return 0;
}

/* --objects: exactly the objects named, built first if never built. */
static int given_objs(struct bld *b)
{
	char *list = xstrdup_(b->o->objects), *save = NULL, *o, cmd[PATH_MAX];
	struct stat st;
	int ret = 0;

	for (o = strtok_r(list, ",", &save); o && !ret; o = strtok_r(NULL, ",", &save)) {
		const char *slash = strrchr(o, '/');
		int dlen = slash ? (int)(slash - o + 1) : 0;
		size_t len = strlen(o);

		if (len < 3 || strcmp(o + len - 2, ".o") || o[0] == '/') {
			ret = out_error("--objects takes object paths relative to the tree (dir/file.o): %s", o);
			break;
		}
		snprintf(cmd, sizeof(cmd), "%s/%.*s.%s.cmd", b->obj, dlen, o, o + dlen);
		if (stat(cmd, &st)) {
			progress("%s was not built yet: building it", o);
			ret = build_first(b, o);
		}
		if (!ret)
			ret = add_obj(b, o);
	}
	free(list);
	return ret;
}

static int find_objs(struct bld *b)
{
	struct stat st;
	int i, before;

	if (b->o->objects)
		return given_objs(b);

	for (i = 0; i < b->nfiles; i++) {
		const char *f = b->files[i];
		size_t len = strlen(f);

		if (len > 2 && !strcmp(f + len - 2, ".c")) {
			const char *slash = strrchr(f, '/');
			int dlen = slash ? (int)(slash - f + 1) : 0;
			char *cmd, *o;
			int missing;

			/* dir/file.c -> OBJ/dir/.file.o.cmd, written when it was built */
			if (asprintf(&cmd, "%s/%.*s.%.*s.o.cmd", b->obj, dlen, f,
				     (int)len - dlen - 2, f + dlen) < 0 ||
			    asprintf(&o, "%.*s.o", (int)len - 2, f) < 0)
				abort();
			missing = stat(cmd, &st);
			if (missing && !tree_built(b)) {
				/* a prepared tree: build it now, which says if it is used */
				progress("%s was not built yet: building it", o);
				missing = build_first(b, o);
			} else if (missing) {
				out_error("%s is not built in %s (no %s): build the tree first (make), or this kernel's configuration does not use it",
					  f, b->obj, cmd);
			}
			free(cmd);
			if (missing || add_obj(b, o)) {
				free(o);
				return 1;
			}
			free(o);
			continue;
		}
		/* in a tree not built whole, objects that include it are unknown */
		if (!tree_built(b))
			return out_error("%s is a header: which objects include it is known once %s is built whole (make -C %s -j%ld, about an hour), or name them with --objects",
					 f, b->obj, b->obj, sysconf(_SC_NPROCESSORS_ONLN));
		before = b->nobjs;
		scan_b = b;
		scan_file = f;
		scan_err = 0;
		nftw(b->obj, scan_cmd, 32, FTW_PHYS);
		if (scan_err)
			return 1;
		if (b->nobjs == before)
			return out_error("no object built in %s depends on %s: build the tree first (make), or the file is unused",
					 b->obj, f);
	}
	return 0;
}

/* The object's module, from the OBJ/.../NAME.mod lists; "vmlinux" if none. */
/*
 * Without .mod lists (a tree not built whole), the object's own command
 * line says it: -DMODULE and the module's KBUILD_MODNAME, or vmlinux.
 */
static char *module_of_cmd(const struct bld *b, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	int dlen = slash ? (int)(slash - rel + 1) : 0;
	char path[PATH_MAX], line[8192], *mod = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%.*s.%s.cmd", b->obj, dlen, rel, rel + dlen);
	f = fopen(path, "r");
	if (!f)
		return xstrdup_("vmlinux");
	/* the first line is the command */
	if (fgets(line, sizeof(line), f) && strstr(line, " -DMODULE ")) {
		char *m = strstr(line, "-DKBUILD_MODNAME='\"");

		if (m) {
			m += strlen("-DKBUILD_MODNAME='\"");
			m[strcspn(m, "\"")] = '\0';
			mod = xstrdup_(m);
		}
	}
	fclose(f);
	return mod ? mod : xstrdup_("vmlinux");
}

static char *module_of(const struct bld *b, const char *rel)
{
	char cmd[PATH_MAX * 2 + 64], line[PATH_MAX];
	FILE *p;
	char *mod = NULL;

	snprintf(cmd, sizeof(cmd), "cd '%s' && grep -rlx --include='*.mod' -e '%s' -e './%s' . 2>/dev/null",
		 b->obj, rel, rel);
	p = popen(cmd, "r");
	if (p && fgets(line, sizeof(line), p)) {
		char *base = strrchr(line, '/');

		line[strcspn(line, "\n")] = '\0';
		base = base ? base + 1 : line;
		base[strlen(base) - 4] = '\0';
		mod = xstrdup_(base);
	}
	if (p)
		pclose(p);
	return mod ? mod : module_of_cmd(b, rel);
}

/* make -C SRC [O=OBJ] -jN OBJS..., each object removed first; then copy to TMP/WHICH-I.o. */
static int build_objs(struct bld *b, const char *which)
{
	char *argv[MAX_OBJS + 8], p[PATH_MAX], dst[PATH_MAX], log[PATH_MAX];
	int n, i;

	n = make_start(b, argv);
	for (i = 0; i < b->nobjs; i++) {
		snprintf(p, sizeof(p), "%s/%s", b->obj, b->objs[i]);
		unlink(p);
		argv[n++] = b->objs[i];
	}
	argv[n] = NULL;
	snprintf(log, sizeof(log), "%s/build-%s.log", b->tmp, which);
	if (cli_run(argv, log, -1) || interrupted)
		return interrupted ? 130 : out_error("building the objects %s the fix failed (log: %s)",
						     which, log);
	for (i = 0; i < b->nobjs; i++) {
		char *cp[] = { "cp", p, dst, NULL };

		snprintf(p, sizeof(p), "%s/%s", b->obj, b->objs[i]);
		snprintf(dst, sizeof(dst), "%s/%s-%d.o", b->tmp, which, i);
		if (cli_run(cp, NULL, -1))
			return out_error("cannot copy %s", p);
	}
	return 0;
}

/* patchgen beside this klive (build tree or installed), else from PATH. */
static char *find_patchgen(void)
{
	static const char *const rel[] = { "../patchgen/patchgen", "../bin/patchgen", "patchgen" };
	char exe[PATH_MAX], p[PATH_MAX * 2];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	unsigned int i;

	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(p, sizeof(p), "%s/%s", exe, rel[i]);
			if (!access(p, X_OK))
				return xstrdup_(p);
		}
	}
	return xstrdup_("patchgen");
}

static int run_patchgen(struct bld *b, const char *out)
{
	char *argv[2 * MAX_OBJS + 16], *pg = find_patchgen(), (*pairs)[PATH_MAX];
	int n = 0, i, ret;

	pairs = calloc(2 * (size_t)b->nobjs, PATH_MAX);
	if (!pairs)
		abort();
	argv[n++] = pg;
	if (b->o->kdir) {
		argv[n++] = "--kdir";
		argv[n++] = (char *)b->o->kdir;
	}
	if (b->o->system_map) {
		argv[n++] = "--system-map";
		argv[n++] = (char *)b->o->system_map;
	}
	if (b->o->symvers) {
		argv[n++] = "--klive-symvers";
		argv[n++] = (char *)b->o->symvers;
	}
	if (b->o->name) {
		argv[n++] = "--name";
		argv[n++] = (char *)b->o->name;
	}
	if (b->o->no_layout_check)
		argv[n++] = "--no-layout-check";
	/* known from the .mod lists: built-in objects may carry .modinfo too */
	argv[n++] = "--target";
	argv[n++] = b->target;
	for (i = 0; i < b->nobjs; i++) {
		snprintf(pairs[2 * i], PATH_MAX, "%s/old-%d.o", b->tmp, i);
		snprintf(pairs[2 * i + 1], PATH_MAX, "%s/new-%d.o", b->tmp, i);
		argv[n++] = pairs[2 * i];
		argv[n++] = pairs[2 * i + 1];
	}
	argv[n++] = "-o";
	argv[n++] = (char *)out;
	argv[n] = NULL;
	ret = cli_run(argv, NULL, -1);
	free(pairs);
	free(pg);
	return ret;
}

/*
 * Rebuilding init/ regenerates the version string (build number and time)
 * that init_uts_ns holds: keep the tree's own, so the objects built with
 * and without the fix differ only by the fix (Kbuild's KBUILD_BUILD_*).
 */
static void keep_build_version(const struct bld *b)
{
	static const char *const files[] = { "include/generated/utsversion.h",
					     "include/generated/compile.h" };
	char p[PATH_MAX], line[512], num[32], *v, *t;
	unsigned int i;
	FILE *f;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", b->obj, files[i]);
		f = fopen(p, "r");
		while (f && fgets(line, sizeof(line), f)) {
			v = strstr(line, "UTS_VERSION \"#");
			if (!v)
				continue;
			v += strlen("UTS_VERSION \"#");
			v[strcspn(v, "\"")] = '\0';
			snprintf(num, sizeof(num), "%.*s", (int)strspn(v, "0123456789"), v);
			t = v + strlen(num);
			/* "#N SMP PREEMPT_DYNAMIC Thu Dec  3 ...": the flags, then the time */
			while (*t == ' ' || (t[0] >= 'A' && t[0] <= 'Z' && t[1] >= 'A' && t[1] <= 'Z'))
				t += *t == ' ' ? 1 : strcspn(t, " ");
			if (*num && *t) {
				setenv("KBUILD_BUILD_VERSION", num, 1);
				setenv("KBUILD_BUILD_TIMESTAMP", t, 1);
			}
		}
		if (f)
			fclose(f);
	}
}

int cmd_build(const char *patch, const struct cli_opts *o)
{
	struct bld b = { .o = o };
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	char tmpl[] = "/tmp/klive-build.XXXXXX", p[PATH_MAX], *rm[] = { "rm", "-rf", tmpl, NULL };
	long start = lp_now_ms();
	struct stat st;
	int i, ret = 1;

	if (!o->src || !o->out)
		return out_error("klive build needs --src DIR and -o OUT.ko");
	b.src = realpath(o->src, NULL);
	b.obj = realpath(o->obj ? o->obj : o->src, NULL);
	b.patch = realpath(patch, NULL);
	if (!b.src || !b.obj || !b.patch)
		return out_error("%s: %s", !b.src ? o->src : !b.obj ? o->obj : patch, strerror(errno));
	if (!mkdtemp(tmpl))
		return out_error("cannot create a temporary directory: %s", strerror(errno));
	b.tmp = tmpl;
	if (read_files(&b))
		goto out;
	progress("finding the objects %s changes", patch);
	if (find_objs(&b))
		goto out;
	for (i = 0; i < b.nobjs; i++) {
		char *t = module_of(&b, b.objs[i]);

		if (b.target && strcmp(b.target, t)) {
			out_error("the fix changes objects of %s and of %s: one patch per kernel object (split the fix)",
				  b.target, t);
			free(t);
			goto out;
		}
		free(b.target);
		b.target = t;
		progress("  %s", b.objs[i]);
	}
	if (run_patch(&b, 0, 1)) {
		out_error("%s does not apply to %s (reversed, or for another version?)", patch, b.src);
		goto out;
	}
	for (i = 0; i < b.nfiles; i++) {
		snprintf(p, sizeof(p), "%s/%s", b.src, b.files[i]);
		if (stat(p, &st)) {
			out_error("%s: %s", p, strerror(errno));
			goto out;
		}
		b.mtimes[i] = st.st_mtim;
	}
	keep_build_version(&b);
	/* from here the tree is patched: put it back whatever happens */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	progress("building with the fix (log: %s/build-new.log)", tmpl);
	b.applied = 1;
	if (run_patch(&b, 0, 0)) {
		b.applied = 0;
		out_error("applying %s to %s failed", patch, b.src);
	} else {
		int built = !build_objs(&b, "new");

		unpatch(&b);
		/* rebuild the originals, so the tree holds what it held */
		progress("building without it (log: %s/build-old.log)", tmpl);
		if (!interrupted && !build_objs(&b, "old") && built) {
			progress("patchgen for %s", b.target);
			ret = interrupted ? 130 : run_patchgen(&b, o->out) ? 1 : 0;
		} else {
			/* whatever was built from the fix goes: make rebuilds it */
			for (i = 0; i < b.nobjs; i++) {
				snprintf(p, sizeof(p), "%s/%s", b.obj, b.objs[i]);
				unlink(p);
			}
		}
	}
	unpatch(&b);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (interrupted) {
		out_error("interrupted: %s is as it was", b.src);
		ret = 130;
	} else if (!ret && out_json) {
		printf("{\"output\": ");
		out_jstr(stdout, o->out);
		printf(", \"target\": ");
		out_jstr(stdout, b.target);
		printf(", \"objects\": %d, \"ms\": %ld}\n", b.nobjs, lp_now_ms() - start);
	} else if (!ret) {
		printf("klive build: %s written in %ld ms (%d object(s) of %s)\n", o->out,
		       lp_now_ms() - start, b.nobjs, b.target);
	}
out:
	cli_run(rm, NULL, -1);
	for (i = 0; i < b.nfiles; i++)
		free(b.files[i]);
	for (i = 0; i < b.nobjs; i++)
		free(b.objs[i]);
	free(b.target);
	free(b.src);
	free(b.obj);
	free(b.patch);
	return ret;
}
