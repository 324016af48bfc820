/* disasm.h - decode a function with capstone: instruction bounds and assembler-resolved references. */
#ifndef PATCHGEN_DISASM_H
#define PATCHGEN_DISASM_H

#include "elfobj.h"

struct insn {
	uint64_t off;		/* in the section */
	uint8_t len;
	bool branch;		/* call/jmp/jcc */
};

struct code_map {
	struct insn *insns;
	size_t n;
};

/*
 * Decode [start, start+size) of S. References that leave the function but
 * stay inside S have no relocation (the assembler resolved them); each is
 * appended to *extra as a synthetic R_X86_64_PC32 (R_X86_64_PC8 for a short
 * jump) against the section symbol. Returns NULL, or a reason why the function cannot be copied.
 */
const char *disasm_func(const struct elfobj *o, const struct section *s,
			uint64_t start, uint64_t size, struct code_map *map,
			struct rela **extra, size_t *nextra);

/* The instruction containing section offset OFF, or NULL. */
const struct insn *code_map_find(const struct code_map *m, uint64_t off);

#endif
