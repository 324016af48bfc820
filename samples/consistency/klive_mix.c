// SPDX-License-Identifier: GPL-2.0
/*
 * klive_mix - a target module that detects a task running old and new code mixed.
 *
 * mix_roundtrip() encodes a value, pauses (a point where a task could be
 * switched if the consistency model were wrong), decodes it and names the
 * version of its code. klive_mix.patch changes the wire format of both
 * mix_encode() and mix_decode() and the version to 2, so a task that ran
 * an old encoder with a new decoder, or the reverse, gets a mismatch.
 * Reading /proc/klive_mix runs mix_calls round trips and reports
 * "calls=N mismatches=M v1=A v2=B v3=C" (v3: v3/klive_mix.patch, a
 * third format for the stacking and replace tests).
 */
#include <linux/bitops.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

static unsigned int mix_calls = 20;
module_param(mix_calls, uint, 0644);
MODULE_PARM_DESC(mix_calls, "round trips per read of /proc/klive_mix");

/* Old and new formats differ from each other and between the two sides. */
static noinline u32 mix_encode(u32 v)
{
	return (v ^ 0x5a5a5a5a) + 1;
}

static noinline u32 mix_decode(u32 w)
{
	return (w - 1) ^ 0x5a5a5a5a;
}

/* Encode, give the CPU away, decode: true when the value came back. */
static noinline bool mix_roundtrip(u32 v, unsigned int *version)
{
	u32 w = mix_encode(v);

	usleep_range(20, 60);
	*version = 1;
	return mix_decode(w) == v;
}

static int mix_show(struct seq_file *m, void *v)
{
	unsigned int i, version, bad = 0, v1 = 0, v2 = 0, v3 = 0;
	u32 val = (u32)jiffies;

	for (i = 0; i < mix_calls; i++) {
		val = val * 1664525 + 1013904223;
		version = 0;
		if (!mix_roundtrip(val, &version))
			bad++;
		if (version == 1)
			v1++;
		else if (version == 2)
			v2++;
		else if (version == 3)
			v3++;
	}
	seq_printf(m, "calls=%u mismatches=%u v1=%u v2=%u v3=%u\n", mix_calls,
		   bad, v1, v2, v3);
	return 0;
}

static int __init klive_mix_init(void)
{
	if (!proc_create_single("klive_mix", 0444, NULL, mix_show))
		return -ENOMEM;
	return 0;
}

static void __exit klive_mix_exit(void)
{
	remove_proc_entry("klive_mix", NULL);
}

module_init(klive_mix_init);
module_exit(klive_mix_exit);
MODULE_DESCRIPTION("klive consistency sample: detects old/new code mixed in one task");
MODULE_LICENSE("GPL");
