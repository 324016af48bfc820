/* main.c - the klive command: options and the subcommands load, unload, list, info. */
#include "cli.h"
#include "out.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"Usage: klive [--json] COMMAND ...\n"
"\n"
"  klive load FIX.ko [--timeout S] [--klive KLIVE.ko]\n"
"      check that FIX.ko is a klive patch for the running kernel, load\n"
"      klive.ko if needed (installed, as modprobe finds it, or --klive),\n"
"      insert FIX.ko and follow the transition until every task runs the\n"
"      new code; --timeout S gives up waiting (the transition goes on)\n"
"  klive unload NAME [--timeout S]\n"
"      disable patch NAME, wait until no task runs its code, remove its\n"
"      module\n"
"  klive list\n"
"      every patch in /sys/kernel/livepatch, klive's and the kernel's own\n"
"  klive info FIX.ko\n"
"      what FIX.ko patches and for which kernel release\n"
"  klive install FIX.ko / klive uninstall NAME\n"
"      keep FIX.ko in /var/lib/klive/patches/RELEASE (KLIVE_STATE_DIR) to be\n"
"      loaded at boot by klive.service, or stop doing so\n"
"  klive build --src DIR [--obj DIR] FIX.patch -o FIX.ko [--jobs N]\n"
"              [--kdir DIR] [--name NAME] [--system-map FILE] [--klive-symvers F]\n"
"              [--objects A.o,B.o] [--no-layout-check]\n"
"      build the objects FIX.patch changes (the .c files it changes, and\n"
"      every built object whose dependency file lists a header it changes)\n"
"      in the kernel tree DIR (configured and built like the target; --obj:\n"
"      its O= directory) with and without the fix, leave the tree as it was,\n"
"      and run patchgen on them; the other options go to patchgen. A tree\n"
"      not built whole (--prepare) knows no header's includers: name the\n"
"      objects a header fix changes with --objects (your responsibility).\n"
"      --no-layout-check: for a kernel built without debug info, whose\n"
"      objects let patchgen check no type layout (see patchgen --help)\n"
"  klive build --prepare DIR [--release RELEASE] [--jobs N]\n"
"      extract Debian's linux-source for RELEASE (default: the running\n"
"      kernel) into DIR, configure it with that kernel's config and run\n"
"      modules_prepare: a tree for klive build --src DIR; warns when the\n"
"      source package is not the installed kernel's version\n"
"  klive load-installed\n"
"      load the patches installed for the running kernel (klive.service)\n"
"\n"
"--json prints one JSON object (errors too: {\"error\": ...}); the schema is\n"
"in klive's README. Exit status 0 on success, 1 on failure, 2 on usage.\n";

/* Options, before or after the command; 0, or the exit status. */
static int parse(int argc, char **argv, const char *shorts, struct cli_opts *o)
{
	static const struct option longs[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "klive", required_argument, NULL, 'k' },
		{ "src", required_argument, NULL, 's' },
		{ "obj", required_argument, NULL, 'O' },
		{ "output", required_argument, NULL, 'o' },
		{ "kdir", required_argument, NULL, 'K' },
		{ "name", required_argument, NULL, 'n' },
		{ "system-map", required_argument, NULL, 'm' },
		{ "klive-symvers", required_argument, NULL, 'V' },
		{ "jobs", required_argument, NULL, 'J' },
		{ "prepare", required_argument, NULL, 'P' },
		{ "release", required_argument, NULL, 'R' },
		{ "objects", required_argument, NULL, 'B' },
		{ "no-layout-check", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		switch (c) {
		case 'j':
			out_json = true;
			break;
		case 't':
			o->timeout_s = (int)strtol(optarg, &end, 10);
			if (*end || o->timeout_s < 0) {
				fprintf(stderr, "klive: --timeout takes whole seconds\n");
				return 2;
			}
			break;
		case 'k':
			o->klive_ko = optarg;
			break;
		case 's': o->src = optarg; break;
		case 'O': o->obj = optarg; break;
		case 'o': o->out = optarg; break;
		case 'K': o->kdir = optarg; break;
		case 'n': o->name = optarg; break;
		case 'm': o->system_map = optarg; break;
		case 'V': o->symvers = optarg; break;
		case 'P': o->prepare = optarg; break;
		case 'R': o->release = optarg; break;
		case 'B': o->objects = optarg; break;
		case 'L': o->no_layout_check = true; break;
		case 'J':
			o->jobs = (int)strtol(optarg, &end, 10);
			if (*end || o->jobs < 1) {
				fprintf(stderr, "klive: --jobs takes a positive number\n");
				return 2;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli_opts o = { 0 };
	const char *cmd, *arg;
	char **sub;
	int ret, nsub;

	ret = parse(argc, argv, "+ho:", &o);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (optind >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	/* the command's own arguments, options among them */
	sub = argv + optind;
	nsub = argc - optind;
	optind = 0;
	ret = parse(nsub, sub, "ho:", &o);
	if (ret)
		return ret < 0 ? 0 : ret;
	cmd = sub[0];
	if (!strcmp(cmd, "list") && optind == nsub)
		return cmd_list();
	if (!strcmp(cmd, "load-installed") && optind == nsub)
		return cmd_load_installed(&o);
	if (!strcmp(cmd, "build") && o.prepare && optind == nsub)
		return cmd_prepare(o.prepare, &o);
	if (optind != nsub - 1) {
		fputs(usage, stderr);
		return 2;
	}
	arg = sub[optind];
	if (!strcmp(cmd, "load"))
		return cmd_load(arg, &o);
	if (!strcmp(cmd, "unload"))
		return cmd_unload(arg, &o);
	if (!strcmp(cmd, "info"))
		return cmd_info(arg);
	if (!strcmp(cmd, "install"))
		return cmd_install(arg);
	if (!strcmp(cmd, "build"))
		return cmd_build(arg, &o);
	if (!strcmp(cmd, "uninstall"))
		return cmd_uninstall(arg);
	fputs(usage, stderr);
	return 2;
}
