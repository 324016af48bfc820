/* old.c - a fuzz seed: a function with an alternative (6.1's struct alt_instr), which
 * the host fixtures lack, so the fuzzer reaches carry_code_piece(). */
static inline void fence(void)
{
	asm volatile("661:\n\tnop; nop; nop\n662:\n"
		     ".pushsection .altinstructions, \"a\"\n"
		     " .long 661b - .\n"		/* instr_offset */
		     " .long 663f - .\n"		/* repl_offset */
		     " .word 0x1234\n"			/* cpuid */
		     " .byte 662b - 661b\n"		/* instrlen */
		     " .byte 664f - 663f\n"		/* replacementlen */
		     ".popsection\n"
		     ".pushsection .altinstr_replacement, \"ax\"\n"
		     "663:\n\tlfence\n664:\n"
		     ".popsection\n");
}

int fenced(int x)
{
	fence();
	return x + 2;
}
