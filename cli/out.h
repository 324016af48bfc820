/* out.h - the klive command's output: messages, errors and JSON. */
#ifndef KLIVE_CLI_OUT_H
#define KLIVE_CLI_OUT_H

#include <stdbool.h>
#include <stdio.h>

/* --json was given: one JSON object on stdout, errors included. */
extern bool out_json;

/* "klive: MESSAGE" on stderr (or {"error": ...} with --json); returns 1. */
int out_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print S as a JSON string literal. */
void out_jstr(FILE *f, const char *s);

#endif
