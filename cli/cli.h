/* cli.h - the klive command's subcommands and what they share. */
#ifndef KLIVE_CLI_H
#define KLIVE_CLI_H

struct kmod_ctx;

struct cli_opts {
	int timeout_s;		/* --timeout, seconds (0: none) */
	const char *klive_ko;	/* --klive PATH: klive.ko to load if needed */
	/* klive build */
	const char *src, *obj;	/* --src: source tree; --obj: its O= tree */
	const char *out;	/* -o OUT.ko */
	const char *kdir, *name, *system_map, *symvers;	/* passed to patchgen */
	int no_layout_check;	/* --no-layout-check, passed to patchgen */
	int jobs;		/* --jobs (default: CPUs) */
	const char *prepare;	/* --prepare DIR: make a tree, no fix */
	const char *release;	/* --release: the kernel to prepare for */
	const char *objects;	/* --objects A.o,B.o: the fix's objects, as given */
};

int cmd_load(const char *path, const struct cli_opts *o);
int cmd_unload(const char *name, const struct cli_opts *o);
int cmd_list(void);
int cmd_info(const char *path);
int cmd_install(const char *path);
int cmd_build(const char *patch, const struct cli_opts *o);
int cmd_prepare(const char *dir, const struct cli_opts *o);
int cmd_uninstall(const char *name);
int cmd_load_installed(const struct cli_opts *o);

/* What a module file says of itself (modinfo), as klive needs it. */
struct modfacts {
	char *name;		/* module name */
	char *release;		/* first word of vermagic */
	char *patch;		/* klive_patch= (patchgen), else NULL */
	char *depends;
	char *description;
	char **funcs;		/* klive_func= entries "OBJ:FUNC,POS" */
	int nfuncs;
};

/* Read PATH's modinfo; 0, or an error already printed (1). */
int modfacts_read(struct kmod_ctx *ctx, const char *path, struct modfacts *m);
void modfacts_free(struct modfacts *m);
/*
 * Wait until patch NAME's transition ends (GONE: until its directory is
 * gone), showing who blocks it; 0, or 1 after saying why not within
 * TIMEOUT_S seconds (0: no limit). load.c.
 */
int follow_transition(const char *name, const char *verb, int timeout_s, int gone);
/*
 * Run ARGV (from PATH), stdout and stderr appended to LOG if given, stdin
 * from IN_FD if >= 0; its exit status, or -1. run.c.
 */
int cli_run(char *const argv[], const char *log, int in_fd);
/* The running kernel's release (uname -r). */
const char *running_release(void);
/* Does the comma-separated list LIST contain WORD? */
int list_has(const char *list, const char *word);

#endif
