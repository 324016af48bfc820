/* kstub.h - the few kernel-like declarations the host test fixtures use. */
#define __init __attribute__((section(".init.text"), cold))
#define notrace __attribute__((no_instrument_function))
#define noinline __attribute__((noinline))
struct seq_file;
extern void seq_puts(struct seq_file *m, const char *s);
extern void seq_putc(struct seq_file *m, char c);
extern int printk(const char *fmt, ...);
extern char *saved_command_line;
