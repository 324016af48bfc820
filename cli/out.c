/* out.c - the klive command's output: messages, errors and JSON. */
#include "out.h"

#include <stdarg.h>

bool out_json;

void out_jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int out_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (out_json) {
		fputs("{\"error\": ", stdout);
		out_jstr(stdout, msg);
		fputs("}\n", stdout);
	} else {
		fprintf(stderr, "klive: %s\n", msg);
	}
	return 1;
}
