/* disasm.c - decode a function with capstone: instruction bounds and assembler-resolved references. */
#include "disasm.h"
#include "util.h"

#include <capstone/capstone.h>
#include <elf.h>
#include <string.h>

static bool has_rela(const struct section *s, uint64_t off)
{
	size_t i = elfobj_rela_lower(s, off);

	return i < s->nrelas && s->relas[i].off == off;
}

static long section_symbol(const struct elfobj *o, const struct section *s)
{
	size_t i;

	for (i = 0; i < o->nsyms; i++)
		if (o->syms[i].type == STT_SECTION && o->syms[i].shndx == s->idx)
			return (long)i;
	return -1;
}

/* Size of the displacement of a relative branch, which ends the insn. */
static unsigned int branch_rel_size(const cs_insn *ci)
{
	const cs_x86 *x = &ci->detail->x86;
	uint8_t op = x->opcode[0];

	if (x->encoding.imm_size)
		return x->encoding.imm_size;
	if (op == 0xeb || (op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3))
		return 1;
	return 4;
}

/* Record one reference from insn CI to TARGET through the field at FOFF. */
static const char *add_ref(const struct elfobj *o, const struct section *s,
			   const cs_insn *ci, uint64_t foff, unsigned int fsize,
			   uint64_t target, struct rela **extra, size_t *nextra,
			   size_t *cap)
{
	uint64_t end = ci->address + ci->size;
	long ssym;

	if (has_rela(s, foff))
		return NULL;
	if (fsize != 4 && fsize != 1)
		return xasprintf("branch at offset 0x%llx leaves the function",
				 (unsigned long long)ci->address);
	if (target > s->size)
		return xasprintf("reference at offset 0x%llx leaves its section",
				 (unsigned long long)ci->address);
	ssym = section_symbol(o, s);
	if (ssym < 0)
		return xasprintf("no section symbol for %s", s->name);
	grow(extra, cap, *nextra, sizeof(**extra));
	(*extra)[*nextra].off = foff;
	/* a short branch out (a relaxed tail call) gets a stub in the copy */
	(*extra)[*nextra].type = fsize == 1 ? R_X86_64_PC8 : R_X86_64_PC32;
	(*extra)[*nextra].sym = (uint32_t)ssym;
	(*extra)[*nextra].addend = (int64_t)target - (int64_t)(end - foff);
	(*extra)[*nextra].synthetic = true;
	(*nextra)++;
	return NULL;
}

/*
 * Instructions the kernel uses that Debian's capstone (4.0) cannot decode:
 * fixed bytes, no operand, so the length is all patchgen needs.
 */
static const struct {
	uint8_t len, bytes[4];
} opaque_insns[] = {
	{ 3, { 0x0f, 0x01, 0xe8 } },		/* serialize */
	{ 3, { 0x0f, 0x01, 0xc6 } },		/* wrmsrns */
	{ 3, { 0x0f, 0x01, 0xc5 } },		/* pconfig */
	{ 3, { 0x0f, 0x01, 0xc0 } },		/* enclv */
	{ 3, { 0x0f, 0x01, 0xee } },		/* rdpkru */
	{ 3, { 0x0f, 0x01, 0xef } },		/* wrpkru */
	{ 4, { 0x66, 0x0f, 0x01, 0xcc } },	/* tdcall */
	{ 4, { 0x66, 0x0f, 0x01, 0xcd } },	/* seamret */
	{ 4, { 0x66, 0x0f, 0x01, 0xce } },	/* seamops */
	{ 4, { 0xf3, 0x0f, 0x01, 0xec } },	/* uiret */
	{ 4, { 0xf3, 0x0f, 0x01, 0xee } },	/* clui */
	{ 4, { 0xf3, 0x0f, 0x01, 0xef } },	/* stui */
	{ 4, { 0xf3, 0x0f, 0x01, 0xfa } },	/* mcommit */
};

/* Length of a known opaque instruction at P (AVAIL bytes), or 0. */
static unsigned int opaque_len(const uint8_t *p, uint64_t avail)
{
	size_t i;

	for (i = 0; i < sizeof(opaque_insns) / sizeof(opaque_insns[0]); i++)
		if (opaque_insns[i].len <= avail &&
		    !memcmp(p, opaque_insns[i].bytes, opaque_insns[i].len))
			return opaque_insns[i].len;
	return 0;
}

/* Decode one capstone run of instructions into MAP; NULL or a reason. */
static const char *decode_run(csh h, const struct elfobj *o, const struct section *s,
			      uint64_t start, uint64_t size, uint64_t *pos,
			      struct code_map *map, size_t *mapcap,
			      struct rela **extra, size_t *nextra, size_t *cap)
{
	const char *err = NULL;
	size_t i, count;
	cs_insn *insns;

	count = cs_disasm(h, s->data + *pos, start + size - *pos, *pos, 0, &insns);
	if (map->n + count > *mapcap) {
		*mapcap = (map->n + count) * 2 + 16;
		map->insns = xrealloc(map->insns, *mapcap * sizeof(*map->insns));
	}
	for (i = 0; i < count && !err; i++) {
		const cs_insn *ci = &insns[i];
		const cs_x86 *x = &ci->detail->x86;
		uint64_t end = ci->address + ci->size;
		bool branch = cs_insn_group(h, ci, CS_GRP_BRANCH_RELATIVE);
		struct insn *in = &map->insns[map->n++];
		unsigned int j;

		in->off = ci->address;
		in->len = (uint8_t)ci->size;
		in->branch = branch || cs_insn_group(h, ci, CS_GRP_CALL) ||
			     cs_insn_group(h, ci, CS_GRP_JUMP);
		*pos = end;
		if (branch && x->op_count == 1 && x->operands[0].type == X86_OP_IMM) {
			uint64_t target = (uint64_t)x->operands[0].imm;
			unsigned int rs = branch_rel_size(ci);

			if (target < start || target >= start + size)
				err = add_ref(o, s, ci, end - rs, rs, target,
					      extra, nextra, cap);
			continue;
		}
		for (j = 0; j < x->op_count && !err; j++) {
			const cs_x86_op *op = &x->operands[j];
			uint64_t target;

			if (op->type != X86_OP_MEM || op->mem.base != X86_REG_RIP)
				continue;
			target = end + (uint64_t)op->mem.disp;
			if (!x->encoding.disp_offset)
				err = "cannot locate a rip-relative displacement";
			else if (target < start || target >= start + size)
				err = add_ref(o, s, ci, ci->address + x->encoding.disp_offset,
					      4, target, extra, nextra, cap);
		}
	}
	if (count)
		cs_free(insns, count);
	return err;
}

const char *disasm_func(const struct elfobj *o, const struct section *s,
			uint64_t start, uint64_t size, struct code_map *map,
			struct rela **extra, size_t *nextra)
{
	const char *err = NULL;
	size_t cap = *nextra, mapcap = 0;
	uint64_t pos = start;
	unsigned int len;
	csh h;

	map->insns = NULL;
	map->n = 0;
	if (!s->data || start + size > s->size)
		return "function lies outside its section";
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
		fatal("patchgen", "capstone: cannot open x86-64 disassembler");
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	while (!err && pos < start + size) {
		err = decode_run(h, o, s, start, size, &pos, map, &mapcap,
				 extra, nextra, &cap);
		if (err || pos == start + size)
			break;
		/* capstone stopped: an instruction it does not know? */
		len = opaque_len(s->data + pos, start + size - pos);
		if (!len)
			break;
		if (map->n == mapcap) {
			mapcap = mapcap * 2 + 16;
			map->insns = xrealloc(map->insns, mapcap * sizeof(*map->insns));
		}
		map->insns[map->n++] = (struct insn){ .off = pos, .len = (uint8_t)len };
		pos += len;
	}
	cs_close(&h);
	if (!err && pos != start + size)
		err = xasprintf("cannot decode the instruction at offset 0x%llx",
				(unsigned long long)pos);
	return err;
}

const struct insn *code_map_find(const struct code_map *m, uint64_t off)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (m->insns[mid].off + m->insns[mid].len <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->n && m->insns[lo].off <= off)
		return &m->insns[lo];
	return NULL;
}
