/* kstub.h - the few kernel-like declarations the host test fixtures use. */
#define __init __attribute__((section(".init.text"), cold))
#define notrace __attribute__((no_instrument_function))
#define noinline __attribute__((noinline))
#define __used __attribute__((used))
#define __section(s) __attribute__((section(s)))
struct seq_file;
extern void seq_puts(struct seq_file *m, const char *s);
extern void seq_putc(struct seq_file *m, char c);
extern int printk(const char *fmt, ...);
extern char *saved_command_line;

/* Source line numbers, shaped like the kernel's (x86-64, DEBUG_BUGVERBOSE). */
extern void __might_sleep(const char *file, int line);
extern void __cant_sleep(const char *file, int line, int preempt_offset);
extern void report_at(const char *file, int line);	/* not a known line-taking callee */
#define might_sleep() __might_sleep(__FILE__, __LINE__)
/* struct bug_entry: bug_addr_disp, file_disp, line, flags */
#define KWARN_FLAGS(cond, flags) ({						\
	int __c = !!(cond);							\
	if (__c)								\
		asm volatile("1:\tud2\n"					\
			     ".pushsection __bug_table,\"aw\"\n"		\
			     "2:\t.long 1b - .\n"				\
			     "\t.long %c0 - .\n"				\
			     "\t.word %c1\n"					\
			     "\t.word %c2\n"					\
			     "\t.org 2b+12\n"					\
			     ".popsection" : : "i" (__FILE__), "i" (__LINE__),	\
			     "i" (flags));					\
	__c; })
#define KWARN_ON(cond) KWARN_FLAGS(cond, 1 << 1)
#define KWARN_ON_ONCE(cond) KWARN_FLAGS(cond, (1 << 1) | (1 << 0))
/* struct _ddebug: four pointers, then lineno:18, class:6, flags:8, a key */
struct kddebug {
	const char *modname, *function, *filename, *format;
	unsigned int lineno:18, class_id:6, flags:8;
	long key[2];
} __attribute__((aligned(8)));
#define KPASTE2(a, b) a##b
#define KPASTE(a, b) KPASTE2(a, b)
#define kpr_debug(fmt) kpr_debug_(KPASTE(__UNIQUE_ID_ddebug, __COUNTER__), fmt)
#define kpr_debug_(id, fmt) do {						\
	static struct kddebug id __attribute__((section("__dyndbg"), used)) = {	\
		"mod", __func__, __FILE__, fmt, __LINE__, 63, 0, { 0, 0 } };	\
	if (id.flags)								\
		printk(fmt);							\
} while (0)
/* WARN_ONCE-like: a numbered static flag in .data.once (DO_ONCE_LITE) */
#define kwarn_once(cond, msg) ({						\
	static _Bool __attribute__((section(".data.once"))) __already_done;	\
	int __w = !!(cond);							\
	if (__w && !__already_done) {						\
		__already_done = 1;						\
		printk(msg);							\
	}									\
	__w; })
/* static_branch_unlikely-like: a NOP site with its __jump_table entry */
struct static_key { int enabled; };
static __attribute__((always_inline)) inline int kbranch(struct static_key *k)
{
	asm goto("1: .byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n"
		 ".pushsection __jump_table, \"aw\"\n .balign 8\n"
		 ".long 1b - .\n .long %l[l_yes] - .\n .quad %c0 - .\n .popsection"
		 : : "i"(k) : : l_yes);
	return 0;
l_yes:
	return 1;
}
/* pr_debug with CONFIG_JUMP_LABEL: the descriptor holds the key of its own jump label */
struct kddebug_jl {
	const char *modname, *function, *filename, *format;
	unsigned int lineno:18, class_id:6, flags:8;
	struct static_key key;
} __attribute__((aligned(8)));
#define kdbg_cls(cls, fmt) kdbg_(KPASTE(__UNIQUE_ID_ddebug, __COUNTER__), cls, fmt)
#define kdbg(fmt) kdbg_cls(63, fmt)
#define kdbg_(id, cls, fmt) do {						\
	static struct kddebug_jl id __attribute__((section("__dyndbg"), used)) = {	\
		"mod", __func__, "file.c", fmt, __LINE__, cls, 0, { 0 } };	\
	if (kbranch(&id.key))							\
		printk(fmt, &id);						\
} while (0)
