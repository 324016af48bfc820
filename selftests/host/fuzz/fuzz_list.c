/*
 * fuzz_list.c - libFuzzer target: patchgen's --list stages (read, correlate,
 * compare, select, codedata, dyndbg, resolve, special) in-process on an OLD/NEW object pair.
 *
 * Input: a 4-byte little-endian length L, L bytes of OLD, then NEW (run.sh
 * beside this file packs the seeds so). Whatever the bytes, patchgen must
 * end in fatal() or refusals, each one line, and never in a sanitizer
 * report. Built with patchgen's sources and -DPATCHGEN_FUZZ (util.h):
 * fatal() comes back here by longjmp and each input's allocations are freed
 * (util_release_all()) when it is done, so one process runs millions of inputs.
 *
 * The target kernel: $PATCHGEN_FUZZ_KDIR with $PATCHGEN_FUZZ_SYSMAP, or a
 * stand-in directory made at start (exports, config, release; no System.map).
 */
#include "codedata.h"
#include "dyndbg.h"
#include "compare.h"
#include "correlate.h"
#include "elfobj.h"
#include "kinfo.h"
#include "resolve.h"
#include "runpre.h"
#include "select.h"
#include "special.h"
#include "textsec.h"
#include "util.h"

#include <elf.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct kinfo kinfo;
static int fds[2];
static char paths[2][64];
static jmp_buf on_fatal;
static bool running;	/* inside one input: return from fatal() */
static bool verbose;	/* $FUZZ_LIST_VERBOSE: print what patchgen would, to rerun a finding */

/* patchgen's promise: every message is one line. A broken one is a finding. */
static void one_line(const char *kind, const char *file, const char *msg)
{
	if (verbose)
		fprintf(stderr, "%s: patchgen: %s: %s\n", kind, file, msg);
	if (*msg && !strchr(msg, '\n'))
		return;
	fprintf(stderr, "fuzz_list: %s of %s is not one line: \"%s\"\n", kind, file, msg);
	abort();
}

_Noreturn void fuzz_fatal(const char *file, const char *fmt, va_list ap)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!running) {
		fprintf(stderr, "patchgen: %s: %s\n", file, msg);
		exit(1);
	}
	one_line("fatal()", file, msg);
	longjmp(on_fatal, 1);
}

void fuzz_warn(const char *file, const char *fmt, va_list ap)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	one_line("warning", file, msg);
}

/* As main.c's check_pair(): patchgen stops on a pair that does not match. */
static void check_pair(struct pair *p)
{
	size_t i, paired = 0, funcs = 0;

	if (p->old.machine != p->new.machine)
		fatal(p->newpath, "OLD and NEW are for different machines");
	if (p->old.is_module != p->new.is_module)
		fatal(p->newpath, "OLD and NEW do not match: only one is an object of a loadable module");
	for (i = 0; i < p->vn.n; i++) {
		if (p->vn.items[i].kind != IT_FUNC)
			continue;
		funcs++;
		if (p->vn.items[i].twin)
			paired++;
	}
	if (funcs && !paired)
		fatal(p->newpath, "OLD and NEW do not match: they have no function in common");
}

/* main.c's --list path for one pair, up to the decisions it prints. */
static void list_pair(void)
{
	/* static: longjmp leaves locals of this frame indeterminate */
	static struct pair p;
	static struct plan plan;
	static struct builder b;
	size_t i, selected = 0;

	memset(&p, 0, sizeof(p));
	memset(&plan, 0, sizeof(plan));
	memset(&b, 0, sizeof(b));
	p.oldpath = paths[0];
	p.newpath = paths[1];
	elfobj_read(&p.old, p.oldpath);
	elfobj_read(&p.new, p.newpath);
	view_build(&p.vo, &p.old, &kinfo);
	view_build(&p.vn, &p.new, &kinfo);
	correlate(&p.vo, &p.vn);
	check_pair(&p);
	compare_views(&p.vo, &p.vn);
	select_funcs(&p.vn);
	textsec_select(&p.vn);
	codedata_bind(&p.vn);
	dyndbg_check(&p.vn);
	p.carried = strmap_new();
	/* a module's objects: the target is the module (main.c infers its name) */
	plan.target = p.new.is_module ? "fuzzmod" : "vmlinux";
	b.plan = &plan;
	b.k = &kinfo;
	b.vmlinux = !p.new.is_module;
	b.pairs = &p;
	b.npairs = 1;
	b.labels = strmap_new();
	for (i = 0; i < p.vn.n; i++)
		if (p.vn.items[i].selected || p.vn.items[i].refusal)
			selected++;
	if (!selected)
		fatal(p.newpath, "nothing changed: OLD and NEW have the same functions and data");
	resolve_funcs(&b, &p);
	special_carry(&b, &p);
	runpre_record(&b, &p);
	for (i = 0; i < b.nrefusals; i++)
		one_line("refusal", p.newpath, b.refusals[i]);
}

static void put(int fd, const uint8_t *data, size_t size)
{
	if (ftruncate(fd, 0) || (size && pwrite(fd, data, size, 0) != (ssize_t)size)) {
		perror("fuzz_list: memfd");
		abort();
	}
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* A kernel directory with what kinfo_load() reads; removed once read. */
static void standin_kdir(const char *sysmap)
{
	static char dir[] = "/tmp/fuzz_list.XXXXXX";	/* kinfo keeps the path */
	char sub[64], cmd[128];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	write_file(dir, "Module.symvers",
		   "0x00000000\tseq_puts\tvmlinux\tEXPORT_SYMBOL\t\n"
		   "0x00000000\tseq_putc\tvmlinux\tEXPORT_SYMBOL\t\n"
		   "0x00000000\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n"
		   "0x00000000\t__fentry__\tvmlinux\tEXPORT_SYMBOL\t\n"
		   "0x00000000\t__x86_return_thunk\tvmlinux\tEXPORT_SYMBOL\t\n");
	write_file(dir, ".config", "CONFIG_X86_64=y\n");
	snprintf(sub, sizeof(sub), "%s/include", dir);
	mkdir(sub, 0755);
	snprintf(sub, sizeof(sub), "%s/include/generated", dir);
	mkdir(sub, 0755);
	write_file(sub, "utsrelease.h", "#define UTS_RELEASE \"6.1.0-test\"\n");
	kinfo_load(&kinfo, dir, sysmap);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "fuzz_list: cannot remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *kdir = getenv("PATCHGEN_FUZZ_KDIR"), *sysmap = getenv("PATCHGEN_FUZZ_SYSMAP");
	int i;

	(void)argc;
	(void)argv;
	verbose = getenv("FUZZ_LIST_VERBOSE") != NULL;
	if (kdir && *kdir)
		kinfo_load(&kinfo, kdir, sysmap && *sysmap ? sysmap : NULL);
	else
		standin_kdir(sysmap && *sysmap ? sysmap : NULL);
	/* the objects live in memory; patchgen opens them by path like any file */
	for (i = 0; i < 2; i++) {
		fds[i] = memfd_create(i ? "new.o" : "old.o", 0);
		if (fds[i] < 0) {
			perror("memfd_create");
			exit(1);
		}
		snprintf(paths[i], sizeof(paths[i]), "/proc/self/fd/%d", fds[i]);
	}
	util_forget_all();	/* the kernel facts stay for every input */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t oldlen;

	if (size < 4)
		return -1;	/* not a pair: keep it out of the corpus */
	oldlen = (size_t)data[0] | (size_t)data[1] << 8 | (size_t)data[2] << 16 |
		 (size_t)data[3] << 24;
	data += 4;
	size -= 4;
	if (oldlen > size)
		oldlen = size;
	put(fds[0], data, oldlen);
	put(fds[1], data + oldlen, size - oldlen);
	running = true;
	if (!setjmp(on_fatal))
		list_pair();
	running = false;
	util_release_all();	/* what this input allocated */
	return 0;
}
