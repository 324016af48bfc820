/* runpre.c - record each redirected old function's code, masked where the kernel rewrites it, for klive.ko's check of the running kernel. */
#include "runpre.h"
#include "select.h"
#include "special.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Largest function recorded; klive.ko refuses larger ones (KLIVE_CODE_MAX). */
#define PRE_MAX_SIZE (256 * 1024)

struct collect {
	struct pfunc *f;
	uint64_t start;
};

static void ignore(struct pfunc *f, uint64_t off, uint64_t len, const char *why)
{
	uint64_t i;

	grow(&f->ignored, &f->capignored, f->nignored, sizeof(*f->ignored));
	f->ignored[f->nignored++] = (struct pre_range){ off, len, why };
	for (i = off; i < off + len && i < f->old_size; i++) {
		f->old_mask[i / 8] |= (unsigned char)(1u << (i % 8));
		/* the code records nothing there (relocation fields hold addends) */
		f->old_code[i] = 0;
	}
}

static void ignore_special(void *arg, uint64_t at, uint64_t len, const char *section)
{
	struct collect *c = arg;

	ignore(c->f, at - c->start, len, section);
}

static int range_cmp(const void *a, const void *b)
{
	const struct pre_range *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return strcmp(x->why, y->why);
}

static void record(struct builder *b, struct pair *p, struct pfunc *f)
{
	static const unsigned char endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	const struct item *it = f->old;
	const char *name = it->sym->name, *err;
	uint64_t start = it->sym->value, size = it->sym->size;
	struct collect c = { f, start };
	long fentry;
	size_t i;

	if (it->code_err) {
		refuse(b, p->oldpath, xasprintf("function '%s': %s; its code cannot be checked against the running kernel",
						name, it->code_err));
		return;
	}
	if (!size || size > PRE_MAX_SIZE || !it->sec->data || start + size > it->sec->size) {
		refuse(b, p->oldpath, xasprintf("function '%s': its size (%llu bytes) cannot be checked against the running kernel",
						name, (unsigned long long)size));
		return;
	}
	f->old_size = size;
	f->old_code = xcalloc(1, size);
	memcpy(f->old_code, it->sec->data + start, size);
	f->old_mask = xcalloc(1, (size + 7) / 8);
	/* sealed (poisoned) at boot when vmlinux never takes its address */
	if (size >= 4 && !memcmp(f->old_code, endbr64, 4))
		ignore(f, 0, 4, "endbr64");
	fentry = fentry_offset(&p->vo, it);
	if (fentry >= 0)
		ignore(f, (uint64_t)fentry, 5, "__fentry__");
	for (i = 0; i < it->nrelas; i++) {
		const struct rela *r = &it->relas[i];
		unsigned int w = rela_width(r->type);

		/* an assembler-resolved branch: the linker keeps its distance */
		if (r->synthetic)
			continue;
		if (!w) {
			refuse(b, p->oldpath, xasprintf("function '%s': relocation type %u at +0x%llx: its field cannot be masked",
							name, r->type,
							(unsigned long long)(r->off - start)));
			return;
		}
		ignore(f, r->off - start, w, "relocation");
	}
	err = special_rewritten(b->k, &p->old, it->sec->idx, start, size, &it->map,
				ignore_special, &c);
	if (err) {
		refuse(b, p->oldpath, xasprintf("function '%s': %s", name, err));
		return;
	}
	if (f->nignored > 1)
		qsort(f->ignored, f->nignored, sizeof(*f->ignored), range_cmp);
}

void runpre_record(struct builder *b, struct pair *p)
{
	size_t i, j;

	for (i = 0; i < b->plan->nfuncs; i++) {
		struct pfunc *f = &b->plan->funcs[i];

		if (f->old < p->vo.items || f->old >= p->vo.items + p->vo.n)
			continue;
		record(b, p, f);
		/* its .cold parts, and notrace functions patched through F */
		for (j = 0; j < f->npieces; j++)
			if (f->pieces[j].code)
				record(b, p, f->pieces[j].code);
	}
}
