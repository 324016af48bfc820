/* link.c - build the generated module with the target kernel's own Kbuild. */
#include "link.h"
#include "util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void print_tail(const char *path, int lines)
{
	FILE *f = fopen(path, "r");
	char **ring = xcalloc((size_t)lines, sizeof(char *)), buf[1024];
	int n = 0, i;

	if (!f)
		return;
	while (fgets(buf, sizeof(buf), f)) {
		free(ring[n % lines]);
		ring[n % lines] = xstrdup(buf);
		n++;
	}
	fclose(f);
	for (i = n > lines ? n - lines : 0; i < n; i++)
		fputs(ring[i % lines], stderr);
	for (i = 0; i < lines; i++)
		free(ring[i]);
	free(ring);
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out;
	char buf[65536];
	size_t n;

	if (!in)
		fatal(from, "Kbuild did not produce the module: %m");
	out = fopen(to, "wb");
	if (!out)
		fatal(to, "cannot write: %m");
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			fatal(to, "cannot write: %m");
	fclose(in);
	if (fclose(out))
		fatal(to, "cannot write: %m");
}

void link_module(const char *kdir, const char *dir, const char *modname,
		 const char *symvers, const char *out)
{
	char *log = xasprintf("%s/build.log", dir), *mdir = xasprintf("M=%s", dir);
	char *extra = symvers ? xasprintf("KBUILD_EXTRA_SYMBOLS=%s", symvers) :
				xstrdup("KBUILD_MODPOST_WARN=1");
	char *ko;
	int status, fd;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		fatal("patchgen", "fork: %m");
	if (!pid) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		execlp("make", "make", "-C", kdir, mdir, extra, "modules", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		fatal("patchgen", "waitpid: %m");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		print_tail(log, 25);
		fatal(kdir, "Kbuild failed to build the patch module (log above)");
	}
	ko = xasprintf("%s/%s.ko", dir, modname);
	copy_file(ko, out);
	free(ko);
	free(log);
	free(mdir);
	free(extra);
}
