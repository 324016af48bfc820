/* load.c - klive load: check a patch module, load klive.ko if needed, insert the patch, follow its transition. */
#include "cli.h"
#include "lpsys.h"
#include "out.h"

#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The last kernel log line naming NAME from klive ("klive: NAME: ..."), or "". */
static const char *klive_log_line(const char *name)
{
	static char last[512];
	char rec[1024], want[160];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ssize_t n;

	last[0] = '\0';
	if (fd < 0)
		return last;
	snprintf(want, sizeof(want), "klive: %s: ", name);
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		char *msg;

		if (n <= 0)
			continue;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg || !strstr(msg, want))
			continue;
		msg++;
		msg[strcspn(msg, "\n")] = '\0';
		snprintf(last, sizeof(last), "%s", msg);
	}
	close(fd);
	return last;
}

/* Load klive.ko: from --klive PATH, else as modprobe would find it. */
static int load_core(struct kmod_ctx *ctx, const struct cli_opts *o)
{
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL;
	int err;

	if (lp_module_loaded("klive"))
		return 0;
	if (o->klive_ko) {
		err = kmod_module_new_from_path(ctx, o->klive_ko, &mod);
		if (err < 0)
			return out_error("%s: cannot read klive.ko: %s", o->klive_ko, strerror(-err));
	} else {
		err = kmod_module_new_from_lookup(ctx, "klive", &list);
		if (err < 0 || !list)
			return out_error("klive.ko is not installed for %s (make install, or give --klive PATH)",
					 running_release());
		mod = kmod_module_get_module(list);
		kmod_module_unref_list(list);
	}
	err = kmod_module_insert_module(mod, 0, NULL);
	kmod_module_unref(mod);
	if (err < 0 && err != -EEXIST)
		return out_error("cannot load klive.ko: %s", strerror(-err));
	return 0;
}

/* One status line while the transition runs: who blocks it. */
static void show_progress(const char *name, const char *verb)
{
	char *b = lp_read(name, "blocking");
	int n = 0;
	char *p;

	if (out_json || !isatty(2)) {
		free(b);
		return;
	}
	for (p = b; p && *p; p++)
		n += *p == '\n';
	if (b && *b)
		n++;
	fprintf(stderr, "\rklive: %s: %s, %d task(s) blocking%s%.*s\033[K", name, verb, n,
		n ? ": " : "", b ? (int)strcspn(b, "\n") : 0, b ? b : "");
	free(b);
}

int follow_transition(const char *name, const char *verb, int timeout_s, int gone)
{
	long end = lp_now_ms() + timeout_s * 1000L;
	char *b;

	for (;;) {
		if (gone ? !lp_exists(name) : lp_flag(name, "transition") == 0)
			break;
		if (!gone && lp_flag(name, "transition") < 0)
			return out_error("%s: the patch disappeared while %s", name, verb);
		if (timeout_s && lp_now_ms() > end) {
			b = lp_read(name, "blocking");
			if (!out_json && isatty(2))
				fputc('\n', stderr);
			out_error("%s: still %s after %d s, blocked by: %s; the transition goes on (klive unload %s reverts it)",
				  name, verb, timeout_s, b && *b ? b : "(no task listed)", name);
			free(b);
			return 1;
		}
		show_progress(name, verb);
		usleep(100000);
	}
	if (!out_json && isatty(2))
		fprintf(stderr, "\r\033[K");
	return 0;
}

int cmd_load(const char *path, const struct cli_opts *o)
{
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	struct modfacts m;
	const char *patch;
	long start = lp_now_ms();
	int err, ret = 1;

	if (geteuid())
		return out_error("loading a patch needs root");
	ctx = kmod_new(NULL, NULL);
	if (!ctx)
		return out_error("cannot start libkmod");
	if (modfacts_read(ctx, path, &m))
		goto out_ctx;
	patch = m.patch ? m.patch : m.name;
	if (!m.depends || !list_has(m.depends, "klive")) {
		out_error("%s: not a klive patch module (it does not use klive.ko)", path);
		goto out;
	}
	if (strcmp(m.release, running_release())) {
		out_error("%s: built for kernel %s, this is %s: nothing loaded", path, m.release,
			  running_release());
		goto out;
	}
	if (lp_module_loaded(m.name)) {
		out_error("%s: module %s is loaded already", path, m.name);
		goto out;
	}
	if (lp_exists(patch)) {
		out_error("%s: a patch named %s exists already", path, patch);
		goto out;
	}
	if (load_core(ctx, o))
		goto out;
	err = kmod_module_new_from_path(ctx, path, &mod);
	if (!err)
		err = kmod_module_insert_module(mod, 0, NULL);
	if (err < 0) {
		const char *why = klive_log_line(patch);

		out_error("%s: refused: %s%s%s", path, strerror(-err), *why ? "; kernel log: " : "",
			  why);
		goto out;
	}
	if (follow_transition(patch, "patching", o->timeout_s, 0))
		goto out;
	if (out_json) {
		printf("{\"patch\": ");
		out_jstr(stdout, patch);
		printf(", \"module\": ");
		out_jstr(stdout, m.name);
		printf(", \"result\": \"patched\", \"ms\": %ld}\n", lp_now_ms() - start);
	} else {
		printf("klive: %s: patched in %ld ms\n", patch, lp_now_ms() - start);
	}
	ret = 0;
out:
	if (mod)
		kmod_module_unref(mod);
	modfacts_free(&m);
out_ctx:
	kmod_unref(ctx);
	return ret;
}
