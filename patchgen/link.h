/* link.h - build the generated module with the target kernel's own Kbuild. */
#ifndef PATCHGEN_LINK_H
#define PATCHGEN_LINK_H

/*
 * Run make -C KDIR M=DIR modules (KBUILD_EXTRA_SYMBOLS=SYMVERS when given,
 * else KBUILD_MODPOST_WARN=1) and copy DIR/MODNAME.ko to OUT. Fatal on error,
 * after printing the end of the Kbuild log.
 */
void link_module(const char *kdir, const char *dir, const char *modname,
		 const char *symvers, const char *out);

#endif
