// SPDX-License-Identifier: GPL-2.0
/* klive_cumul_2.c - replace test: klive_stack_b and _c return 12 */
#define STACK_NAME "klive_cumul_2"
#define STACK_A 0
#define STACK_B 12
#define STACK_C 12
#define STACK_REPLACE 0
#include "klive_stack_patch.h"
