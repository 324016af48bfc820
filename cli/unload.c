/* unload.c - klive unload: disable a patch, wait for its transition, remove its module. */
#include "cli.h"
#include "lpsys.h"
#include "out.h"

#include <errno.h>
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The module's reference is dropped just after the patch's directory goes
 * away, so removal may briefly fail with EAGAIN/EBUSY: try for 5 s.
 */
static int remove_module(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_module *mod;
	long end = lp_now_ms() + 5000;
	int err;

	err = kmod_module_new_from_name(ctx, name, &mod);
	if (err < 0)
		return err;
	do {
		err = kmod_module_remove_module(mod, 0);
		if (err != -EAGAIN && err != -EBUSY)
			break;
		usleep(50000);
	} while (lp_now_ms() < end);
	kmod_module_unref(mod);
	return err;
}

int cmd_unload(const char *name, const struct cli_opts *o)
{
	struct kmod_ctx *ctx;
	long start = lp_now_ms();
	char *module;
	int err, ret = 1;

	if (geteuid())
		return out_error("removing a patch needs root");
	if (!lp_exists(name))
		return out_error("no patch named %s in " LP_ROOT, name);
	/* klive patches name their module; the kernel's own are named after it */
	module = lp_is_klive(name) ? lp_read(name, "module") : strdup(name);
	if (!module || !*module) {
		free(module);
		return out_error("%s: cannot tell which module holds the patch", name);
	}
	ctx = kmod_new(NULL, NULL);
	if (!ctx) {
		free(module);
		return out_error("cannot start libkmod");
	}
	if (lp_flag(name, "enabled") == 1) {
		err = lp_write(name, "enabled", "0");
		if (err) {
			/* klive.ko logs which patch is stacked on it or in transition */
			out_error("%s: cannot disable it: %s%s", name, strerror(-err),
				  err == -EBUSY ? " (a newer patch is stacked on it, or another"
				  " patch is in transition: see dmesg)" : "");
			goto out;
		}
	}
	if (follow_transition(name, "unpatching", o->timeout_s, 1))
		goto out;
	err = remove_module(ctx, module);
	if (err < 0) {
		out_error("%s: unpatched, but module %s cannot be removed: %s", name, module,
			  strerror(-err));
		goto out;
	}
	if (out_json) {
		printf("{\"patch\": ");
		out_jstr(stdout, name);
		printf(", \"module\": ");
		out_jstr(stdout, module);
		printf(", \"result\": \"removed\", \"ms\": %ld}\n", lp_now_ms() - start);
	} else {
		printf("klive: %s: unpatched and module %s removed in %ld ms\n", name, module,
		       lp_now_ms() - start);
	}
	ret = 0;
out:
	free(module);
	kmod_unref(ctx);
	return ret;
}
