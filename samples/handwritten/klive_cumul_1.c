// SPDX-License-Identifier: GPL-2.0
/* klive_cumul_1.c - replace test: klive_stack_a and _b return 11 */
#define STACK_NAME "klive_cumul_1"
#define STACK_A 11
#define STACK_B 11
#define STACK_C 0
#define STACK_REPLACE 0
#include "klive_stack_patch.h"
