// SPDX-License-Identifier: GPL-2.0
/* klive_stack_1.c - stacking test: klive_stack_a returns 1 */
#define STACK_NAME "klive_stack_1"
#define STACK_A 1
#define STACK_B 0
#define STACK_C 0
#define STACK_REPLACE 0
#include "klive_stack_patch.h"
