/* sign.h - sign the patch module with the target kernel's scripts/sign-file. */
#ifndef PATCHGEN_SIGN_H
#define PATCHGEN_SIGN_H

struct kinfo;

/*
 * Append a module signature to KO with KEY and CERT, using the target's
 * scripts/sign-file and its CONFIG_MODULE_SIG_HASH (sha256 by default);
 * any failure is fatal and removes KO.
 */
void sign_module(const struct kinfo *k, const char *key, const char *cert, const char *ko);

#endif
