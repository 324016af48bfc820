// SPDX-License-Identifier: GPL-2.0
/* klive_cumul_3.c - replace test, cumulative: a and b return 13, c goes back to the original */
#define STACK_NAME "klive_cumul_3"
#define STACK_A 13
#define STACK_B 13
#define STACK_C 0
#define STACK_REPLACE 1
#include "klive_stack_patch.h"
