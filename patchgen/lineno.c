/* lineno.c - recognise differences that are only source line numbers (WARN/BUG/might_sleep style). */
#include "kinfo.h"
#include "lineno.h"
#include "util.h"

#include <capstone/capstone.h>
#include <elf.h>
#include <string.h>

/*
 * Callees that take __LINE__ as an argument, and which one (1-based), as
 * declared in Debian 6.1 and 6.12: include/linux/kernel.h,
 * include/asm-generic/bug.h, include/linux/lockdep.h, include/net/xdp.h,
 * include/linux/jbd2.h, fs/ext4/ext4.h, fs/ext4/ext4_jbd2.h, fs/ext4/xattr.c. An entry holds for kernels
 * from..to (major * 256 + minor, inclusive); where an argument moved
 * between the versions checked, versions in between have no entry.
 */
#define KV(a, b) ((a) * 256 + (b))
static const struct {
	const char *name;
	unsigned int arg, from, to;
} line_callees[] = {
	{ "__might_sleep", 2, 0, ~0u },		/* (file, line) */
	{ "__might_resched", 2, 0, ~0u },	/* (file, line, offsets) */
	{ "__might_fault", 2, 0, ~0u },		/* (file, line) */
	{ "__cant_sleep", 2, 0, ~0u },		/* (file, line, preempt_offset) */
	{ "__cant_migrate", 2, 0, ~0u },	/* (file, line) */
	{ "warn_slowpath_fmt", 2, 0, ~0u },	/* (file, line, taint, fmt, ...) */
	{ "lockdep_rcu_suspicious", 2, 0, ~0u },	/* (file, line, s) */
	{ "xdp_warn", 3, 0, ~0u },		/* (msg, func, line) */
	/* ext4: (where, line, ...) */
	{ "__ext4_journal_get_write_access", 2, 0, ~0u },
	{ "__ext4_journal_get_create_access", 2, 0, ~0u },
	{ "__ext4_handle_dirty_metadata", 2, 0, ~0u },
	{ "__ext4_forget", 2, 0, ~0u },
	{ "__ext4_journal_stop", 2, 0, ~0u },
	{ "__ext4_journal_start_reserved", 2, 0, ~0u },	/* (handle, line, type) */
	{ "__ext4_grp_locked_error", 2, 0, ~0u },
	{ "ext4_check_blockref", 2, 0, ~0u },		/* (function, line, ...) */
	{ "__ext4_mark_inode_dirty", 4, 0, ~0u },	/* (handle, inode, func, line) */
	{ "__ext4_iget", 5, 0, ~0u },		/* (sb, ino, flags, function, line) */
	{ "__xattr_check_inode", 5, 0, ~0u },	/* (inode, header, end, function, line) */
	{ "jbd2_journal_start_reserved", 3, 0, ~0u },	/* (handle, type, line_no) */
	/* ext4: (sb/inode/file, function, line, ...) */
	{ "__ext4_error", 3, 0, ~0u },
	{ "__ext4_error_inode", 3, 0, ~0u },
	{ "__ext4_error_file", 3, 0, ~0u },
	{ "__ext4_std_error", 3, 0, ~0u },
	{ "__ext4_warning", 3, 0, ~0u },
	{ "__ext4_warning_inode", 3, 0, ~0u },
	/* 6.1: (sb, line, ...); 6.12: (inode, sb, line, ...) */
	{ "__ext4_journal_start_sb", 2, 0, KV(6, 1) },
	{ "__ext4_journal_start_sb", 3, KV(6, 12), ~0u },
};

/* The x86-64 register number (0-15) of integer argument ARG (1-based). */
static int arg_reg(unsigned int arg)
{
	static const int regs[] = { 7, 6, 2, 1, 8, 9 };	/* rdi rsi rdx rcx r8 r9 */

	return arg >= 1 && arg <= 6 ? regs[arg - 1] : -1;
}

/* Capstone's names of register number R at every width. */
static bool is_reg(unsigned int csreg, int r)
{
	static const unsigned int names[16][4] = {
		{ X86_REG_RAX, X86_REG_EAX, X86_REG_AX, X86_REG_AL },
		{ X86_REG_RCX, X86_REG_ECX, X86_REG_CX, X86_REG_CL },
		{ X86_REG_RDX, X86_REG_EDX, X86_REG_DX, X86_REG_DL },
		{ X86_REG_RBX, X86_REG_EBX, X86_REG_BX, X86_REG_BL },
		{ X86_REG_RSP, X86_REG_ESP, X86_REG_SP, X86_REG_SPL },
		{ X86_REG_RBP, X86_REG_EBP, X86_REG_BP, X86_REG_BPL },
		{ X86_REG_RSI, X86_REG_ESI, X86_REG_SI, X86_REG_SIL },
		{ X86_REG_RDI, X86_REG_EDI, X86_REG_DI, X86_REG_DIL },
		{ X86_REG_R8, X86_REG_R8D, X86_REG_R8W, X86_REG_R8B },
		{ X86_REG_R9, X86_REG_R9D, X86_REG_R9W, X86_REG_R9B },
		{ X86_REG_R10, X86_REG_R10D, X86_REG_R10W, X86_REG_R10B },
		{ X86_REG_R11, X86_REG_R11D, X86_REG_R11W, X86_REG_R11B },
		{ X86_REG_R12, X86_REG_R12D, X86_REG_R12W, X86_REG_R12B },
		{ X86_REG_R13, X86_REG_R13D, X86_REG_R13W, X86_REG_R13B },
		{ X86_REG_R14, X86_REG_R14D, X86_REG_R14W, X86_REG_R14B },
		{ X86_REG_R15, X86_REG_R15D, X86_REG_R15W, X86_REG_R15B },
	};
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (names[r][i] == csreg)
			return true;
	return (r == 0 && csreg == X86_REG_AH) || (r == 1 && csreg == X86_REG_CH) ||
	       (r == 2 && csreg == X86_REG_DH) || (r == 3 && csreg == X86_REG_BH);
}

/*
 * Register loaded by "mov $imm32, %r32" at P (LEN bytes), or -1. Only this
 * exact encoding counts: the differing bytes are then the immediate alone.
 */
static int mov_imm32_reg(const unsigned char *p, unsigned int len)
{
	if (len == 5 && p[0] >= 0xb8 && p[0] <= 0xbf)
		return p[0] - 0xb8;
	if (len == 6 && p[0] == 0x41 && p[1] >= 0xb8 && p[1] <= 0xbf)
		return 8 + p[1] - 0xb8;
	return -1;
}

/* Name of the function called by the rel32 call/jmp at OFF in IT, or NULL. */
static const char *callee_of(const struct objview *v, const struct item *it, uint64_t off)
{
	size_t i;

	for (i = 0; i < it->nrelas; i++) {
		const struct rela *r = &it->relas[i];
		const struct symbol *s;
		const struct item *t;
		uint64_t to;

		if (r->off != off + 1)
			continue;
		s = &v->o->syms[r->sym];
		if (s->type != STT_SECTION)
			return s->name;
		/* the branch goes to S + A + the field's width (rel32 or rel8) */
		to = (uint64_t)wrap_add(sym_plus_addend(s, r), r->type == R_X86_64_PC8 ? 1 : 4);
		t = view_item_at(v, s->shndx, to);
		return t && t->kind == IT_FUNC && t->sym->value == to ? t->sym->name : NULL;
	}
	return NULL;
}

static int line_reg_of(const struct kinfo *k, const char *callee)
{
	unsigned int kv = KV((unsigned int)k->version, (unsigned int)k->patchlevel);
	size_t i;

	for (i = 0; callee && i < sizeof(line_callees) / sizeof(line_callees[0]); i++)
		if (!strcmp(callee, line_callees[i].name) &&
		    kv >= line_callees[i].from && kv <= line_callees[i].to)
			return arg_reg(line_callees[i].arg);
	return -1;
}

/* The register number (0-15) of capstone register CSREG, or -1. */
static int reg_num(unsigned int csreg)
{
	int r;

	for (r = 0; r < 16; r++)
		if (is_reg(csreg, r))
			return r;
	return -1;
}

/* Caller-saved registers (rax rcx rdx rsi rdi r8-r11), as a mask. */
#define CLOBBERED 0x0fc7u
/* Argument registers (rdi rsi rdx rcx r8 r9), as a mask. */
#define ARGREGS 0x03c6u

/*
 * Whether argument register R of compiler clone FN (.constprop, .isra: a
 * local function of this object, whose arguments GCC may have dropped or
 * renumbered) holds only a source line: on every path through FN, its value
 * is only copied from register to register and passed as the line argument
 * of known line-taking callees, never read otherwise, spilled, passed
 * elsewhere or returned. A forward analysis of which registers may hold it,
 * to a fixed point over FN's branches.
 */
static bool clone_line_param(const struct objview *v, const struct item *fn, int r)
{
	uint64_t start = fn->sym->value, size = fn->sym->size;
	bool ok = true, more = true;
	cs_insn *insns = NULL;
	uint16_t *in = NULL;
	size_t count = 0, i;
	csh h;

	if (!fn->sec->data || start + size > fn->sec->size || fn->code_err || r < 0)
		return false;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
		fatal("patchgen", "capstone: cannot open x86-64 disassembler");
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	count = cs_disasm(h, fn->sec->data + start, size, start, 0, &insns);
	if (!count || insns[count - 1].address + insns[count - 1].size != start + size)
		ok = false;
	in = xcalloc(count + 1, sizeof(*in));
	if (count)
		in[0] = (uint16_t)(1u << r);
	while (ok && more) {
		more = false;
		for (i = 0; ok && i < count; i++) {
			const cs_insn *ci = &insns[i];
			const cs_x86 *x = &ci->detail->x86;
			const char *callee = NULL;
			uint16_t st = in[i], out = st;
			bool fall = true, jump = false;
			uint64_t target = 0;
			cs_regs rd, wr;
			uint8_t nrd, nwr, k;

			if (!st)
				continue;
			if ((ci->size == 5 && (ci->bytes[0] == 0xe8 || ci->bytes[0] == 0xe9)) ||
			    (ci->size == 2 && ci->bytes[0] == 0xeb))
				callee = callee_of(v, fn, ci->address);
			if (callee && !strcmp(callee, "__x86_return_thunk")) {
				ok = !(st & 1u);	/* rax: returned */
				continue;
			}
			if (callee && strstr(callee, ".cold")) {
				ok = false;	/* part of FN's code, reads any register */
				continue;
			}
			if (callee) {
				int line = line_reg_of(v->k, callee);

				/* __fentry__ takes no argument and keeps them all */
				if (strcmp(callee, "__fentry__")) {
					uint16_t passed = st & ARGREGS;

					if (line >= 0)
						passed &= (uint16_t)~(1u << line);
					ok = !passed;
					out = st & (uint16_t)~CLOBBERED;
				}
				fall = ci->bytes[0] == 0xe8;	/* else a tail call */
			} else if (cs_insn_group(h, ci, CS_GRP_RET)) {
				ok = !(st & 1u);
				continue;
			} else if (cs_insn_group(h, ci, CS_GRP_JUMP)) {
				size_t j;

				/* only a direct jump inside FN is followed: no relocation in it */
				for (j = 0; j < fn->nrelas && ok; j++)
					if (fn->relas[j].off >= ci->address &&
					    fn->relas[j].off < ci->address + ci->size)
						ok = false;
				if (!ok || x->op_count != 1 || x->operands[0].type != X86_OP_IMM ||
				    (uint64_t)x->operands[0].imm < start ||
				    (uint64_t)x->operands[0].imm >= start + size) {
					ok = false;
					continue;
				}
				jump = true;
				target = (uint64_t)x->operands[0].imm;
				fall = ci->id != X86_INS_JMP;
			} else if (cs_insn_group(h, ci, CS_GRP_CALL) ||
				   cs_regs_access(h, ci, rd, &nrd, wr, &nwr) != CS_ERR_OK) {
				ok = false;
				continue;
			} else {
				int copy = -1;

				for (k = 0; k < nrd && ok; k++) {
					int n = reg_num(rd[k]);

					if (n < 0 || !(st & (1u << n)))
						continue;
					/* only "mov %reg, %reg" of 32 or 64 bits copies it */
					if (ci->id == X86_INS_MOV && x->op_count == 2 &&
					    x->operands[0].type == X86_OP_REG &&
					    x->operands[1].type == X86_OP_REG &&
					    reg_num(x->operands[1].reg) == n && x->operands[0].size >= 4)
						copy = reg_num(x->operands[0].reg);
					else
						ok = false;
				}
				for (k = 0; k < nwr; k++) {
					int n = reg_num(wr[k]);

					if (n >= 0)
						out &= (uint16_t)~(1u << n);
				}
				if (copy >= 0)
					out |= (uint16_t)(1u << copy);
			}
			if (fall && i + 1 < count && (in[i + 1] | out) != in[i + 1]) {
				in[i + 1] |= out;
				more = true;
			}
			if (jump) {
				size_t t;

				for (t = 0; t < count && insns[t].address != target; t++)
					;
				if (t == count) {
					ok = false;
				} else if ((in[t] | out) != in[t]) {
					in[t] |= out;
					more = true;
				}
			}
		}
	}
	free(in);
	if (count)
		cs_free(insns, count);
	cs_close(&h);
	return ok;
}

/* Whether CALLEE, called from V's code, takes a line in register R. */
static bool line_arg_of(const struct objview *v, const char *callee, int r)
{
	size_t i;

	if (!callee)
		return false;
	if (line_reg_of(v->k, callee) == r)
		return true;
	if (!strstr(callee, ".constprop.") && !strstr(callee, ".isra."))
		return false;
	for (i = 0; i < v->n; i++)
		if (v->items[i].kind == IT_FUNC && !strcmp(v->items[i].sym->name, callee))
			return clone_line_param(v, &v->items[i], r);
	return false;
}

/*
 * Whether insn I of INSNS loads the line argument of a call that follows:
 * it loads register R, and before the next call nothing branches, reads or
 * writes R, and that call goes to a line-taking callee whose line argument is R.
 */
static bool feeds_line_arg(csh h, const cs_insn *insns, size_t count, size_t i, int r,
			   const struct objview *v, const struct item *it)
{
	size_t j;

	for (j = i + 1; j < count && j < i + 12; j++) {
		const cs_insn *ci = &insns[j];
		cs_regs rd, wr;
		uint8_t nrd, nwr, k;

		if (ci->size == 5 && (ci->bytes[0] == 0xe8 || ci->bytes[0] == 0xe9))
			return line_arg_of(v, callee_of(v, it, ci->address), r);
		/* a tail call the assembler relaxed to a neighbour of the section */
		if (ci->size == 2 && ci->bytes[0] == 0xeb && callee_of(v, it, ci->address))
			return line_arg_of(v, callee_of(v, it, ci->address), r);
		if (cs_insn_group(h, ci, CS_GRP_JUMP) || cs_insn_group(h, ci, CS_GRP_CALL) ||
		    cs_insn_group(h, ci, CS_GRP_RET) || cs_insn_group(h, ci, CS_GRP_BRANCH_RELATIVE))
			return false;
		if (cs_regs_access(h, ci, rd, &nrd, wr, &nwr) != CS_ERR_OK)
			return false;
		/* read before the call, the line would go elsewhere too */
		for (k = 0; k < nrd; k++)
			if (is_reg(rd[k], r))
				return false;
		for (k = 0; k < nwr; k++)
			if (is_reg(wr[k], r))
				return false;
	}
	return false;
}

bool lineno_only_args(const struct item *o, const unsigned char *a,
		      const struct objview *vn, const struct item *n, const unsigned char *b,
		      uint64_t *bad)
{
	uint64_t start = n->sym->value, size = n->sym->size, i;
	cs_insn *insns = NULL;
	size_t count, k;
	bool ok = true;
	csh h;

	for (i = 0; i < size && a[i] == b[i]; i++)
		;
	*bad = i;
	if (o->map.n != n->map.n)
		return false;
	for (k = 0; k < n->map.n; k++)
		if (o->map.insns[k].off - o->sym->value != n->map.insns[k].off - start ||
		    o->map.insns[k].len != n->map.insns[k].len)
			return false;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
		fatal("patchgen", "capstone: cannot open x86-64 disassembler");
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	count = cs_disasm(h, b, size, start, 0, &insns);
	for (k = 0; k < count && ok; k++) {
		const cs_insn *ci = &insns[k];
		uint64_t off = ci->address - start;
		int r;

		if (!memcmp(a + off, b + off, ci->size))
			continue;
		*bad = off;
		r = mov_imm32_reg(b + off, ci->size);
		ok = r >= 0 && mov_imm32_reg(a + off, ci->size) == r &&
		     feeds_line_arg(h, insns, count, k, r, vn, n);
	}
	/* every byte must have been looked at: capstone stops at what it cannot decode */
	if (ok && (!count || insns[count - 1].address + insns[count - 1].size != start + size))
		ok = false;
	if (count)
		cs_free(insns, count);
	cs_close(&h);
	return ok && count == n->map.n && !o->code_err && !n->code_err;
}

void lineno_mask_dyndbg(unsigned char *buf, uint64_t size)
{
	/* struct _ddebug (6.1, 6.12): four pointers, then lineno:18 in the low bits */
	if (size < 36)
		return;
	buf[32] = 0;
	buf[33] = 0;
	buf[34] &= 0xfc;
}
