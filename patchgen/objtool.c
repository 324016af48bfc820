/* objtool.c - give objects the objtool metadata (ORC, return/call sites) that Kbuild adds only at vmlinux link time. */
#include "objtool.h"
#include "elfobj.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static bool has_section(const char *path, const char *name)
{
	struct elfobj o;
	size_t i;

	elfobj_read(&o, path);
	for (i = 1; i < o.nsecs; i++)
		if (!strcmp(o.secs[i].name, name))
			return true;
	return false;
}

const char *objtool_prepare(const struct kinfo *k, const char *path, const char *tmpdir,
			    unsigned int serial)
{
	char *tool = xasprintf("%s/tools/objtool/objtool", k->kdir);
	char *copy, *cmd;
	const char *argv[24];
	struct stat st;
	int status, n = 0, i;
	pid_t pid;

	if (!k->orc || has_section(path, ".orc_unwind"))
		return path;
	if (stat(tool, &st)) {
		warnx_(path, "no .orc_unwind and no %s: the copied code gets no ORC data", tool);
		return path;
	}
	copy = xasprintf("%s/obj%u.o", tmpdir, serial);
	cmd = xasprintf("cp '%s' '%s'", path, copy);
	if (system(cmd))
		fatal(path, "cannot copy to %s", copy);
	free(cmd);
	argv[n++] = tool;
	for (i = 0; k->objtool_args[i]; i++)
		argv[n++] = k->objtool_args[i];
	argv[n++] = "--module";
	argv[n++] = copy;
	argv[n] = NULL;
	pid = fork();
	if (pid < 0)
		fatal("patchgen", "fork: %m");
	if (!pid) {
		setenv("SRCARCH", "x86", 1);
		execv(tool, (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		fatal(path, "objtool failed on a copy of this object");
	return copy;
}
