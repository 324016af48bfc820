/* kcpu.h - 6.1's static_cpu_has() for the host fixtures: an alternative pair (X86_FEATURE_ALWAYS: jump to "no"; the feature: fall through to "yes") over a jump to a test of the CPU bit in .altinstr_aux, which runs until alternatives are applied. */
extern char boot_cpu_data[];

static inline __attribute__((always_inline)) int kcpu_has(unsigned short bit)
{
	asm goto("661:\n\tjmp 6f\n662:\n"
		 ".pushsection .altinstructions, \"a\"\n"
		 " .long 661b - .\n .long 663f - .\n .word 3*32+21\n"
		 " .byte 662b - 661b\n .byte 664f - 663f\n"
		 " .long 661b - .\n .long 665f - .\n .word %c[feature]\n"
		 " .byte 662b - 661b\n .byte 666f - 665f\n"
		 ".popsection\n"
		 ".pushsection .altinstr_replacement, \"ax\"\n"
		 "663:\n\tjmp %l[t_no]\n664:\n"
		 "665:\n666:\n"
		 ".popsection\n"
		 ".pushsection .altinstr_aux, \"ax\"\n"
		 "6:\n\ttestb %[bitnum], %P[cap_byte](%%rip)\n"
		 "\tjnz %l[t_yes]\n"
		 "\tjmp %l[t_no]\n"
		 ".popsection\n"
		 : : [feature] "i" (bit), [bitnum] "i" (1 << (bit & 7)),
		     [cap_byte] "i" (&boot_cpu_data[bit >> 3])
		 : : t_yes, t_no);
t_yes:
	return 1;
t_no:
	return 0;
}
