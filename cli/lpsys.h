/* lpsys.h - /sys/kernel/livepatch as the klive command reads it: patches, their state, objects, functions. */
#ifndef KLIVE_CLI_LPSYS_H
#define KLIVE_CLI_LPSYS_H

#include <stdbool.h>
#include <stddef.h>

#define LP_ROOT "/sys/kernel/livepatch"

/* FILE of patch NAME, trailing newline cut; NULL if it cannot be read (free it). */
char *lp_read(const char *name, const char *file);
/* 1 or 0 from a 0/1 file of patch NAME; -1 if it cannot be read. */
int lp_flag(const char *name, const char *file);
/* Write S to FILE of patch NAME; 0 or -errno. */
int lp_write(const char *name, const char *file, const char *s);
bool lp_exists(const char *name);
/* A klive patch has the klive-only "blocking" file; the kernel's own has not. */
bool lp_is_klive(const char *name);
/* The names of every patch, sorted; *n set; free with lp_free_names. */
char **lp_names(size_t *n);
void lp_free_names(char **names, size_t n);
/* Milliseconds on a monotonic clock. */
long lp_now_ms(void);
/* Is a module of that name loaded (/sys/module/NAME/initstate)? */
bool lp_module_loaded(const char *mod);

#endif
