#line 1 "lineno.c"
#include "../kstub.h"
/* new.c is this file with one blank line inserted above and a few real changes; #line keeps __FILE__ the same */
int warns(int x)
{
	if (KWARN_ON(x > 100))
		return -1;
	return x + 1;
}

void sleeps(int x)
{
	might_sleep();
	if (x)
		might_sleep();
}

int debugs(int x)
{
	kpr_debug("debugs\n");
	return x * 2;
}

void reports(void)
{
	report_at(__FILE__, __LINE__);
}

void cant(void)
{
	__cant_sleep(__FILE__, __LINE__, 1);
}

int once(int x)
{
	if (KWARN_ON(x < 0))
		return 0;
	return x;
}

/* 6.1's prototype: the line is the second argument, the type the third */
extern void *__ext4_journal_start_sb(void *sb, unsigned int line, int type, int blocks,
				     int rsv_blocks, int revoke_creds);
void *starts(void *sb)
{
	return __ext4_journal_start_sb(sb, __LINE__, 1, 2, 0, 0);
}

void *starts_type(void *sb)
{
	return __ext4_journal_start_sb(sb, __LINE__, 1, 2, 0, 0);
}

int real(int x) { return x + 7; }
