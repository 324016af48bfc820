/* sign.c - sign the patch module with the target kernel's scripts/sign-file. */
#include "sign.h"
#include "kinfo.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* CONFIG_MODULE_SIG_HASH of the target, or sha256. */
static char *sig_hash(const struct kinfo *k)
{
	char *path = xasprintf("%s/.config", k->kdir), line[256], *hash = NULL;
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f) && !hash) {
		char v[64];

		if (sscanf(line, "CONFIG_MODULE_SIG_HASH=\"%63[^\"]\"", v) == 1)
			hash = xstrdup(v);
	}
	if (f)
		fclose(f);
	free(path);
	return hash ? hash : xstrdup("sha256");
}

void sign_module(const struct kinfo *k, const char *key, const char *cert, const char *ko)
{
	char *tool = xasprintf("%s/scripts/sign-file", k->kdir), *hash = sig_hash(k);
	int status;
	pid_t pid;

	if (access(tool, X_OK)) {
		unlink(ko);
		fatal(tool, "cannot sign: no sign-file in the target's build directory");
	}
	pid = fork();
	if (pid < 0)
		fatal("patchgen", "fork: %m");
	if (!pid) {
		execl(tool, tool, hash, key, cert, ko, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		unlink(ko);
		fatal(ko, "sign-file failed to sign it with %s and %s (its message above)", key, cert);
	}
	free(tool);
	free(hash);
}
