// SPDX-License-Identifier: GPL-2.0
/*
 * klive_block - a target module whose to-be-patched function can hold a task.
 *
 * block_version() returns the version of its code (1; klive_block.patch
 * makes it 2: a number, as a string of a patch module could be gone by the
 * time it is printed). Asked to, it first sleeps in a killable wait until
 * released, so a task (user or kernel thread) stays inside the function
 * while a patch is applied; a fake signal does not end a killable wait.
 *   /proc/klive_block/version  read: the version, without sleeping
 *   /proc/klive_block/wait     read: sleep in block_version(), then the version
 *   /proc/klive_block/tailwait read: the same through block_tail(), which the
 *                              fix turns into a tail call of a new helper
 *                              that sleeps (no frame of block_tail remains)
 *   /proc/klive_block/coldwait read: the same through block_cold(), which
 *                              sleeps in its .cold part
 *   /proc/klive_block/ntwait   read: the same in block_nt(), a notrace
 *                              function block_nt_stub() tail-calls (no
 *                              frame of the stub remains)
 *   /proc/klive_block/ntwait_version read: block_nt()'s version, without
 *                              sleeping
 *   /proc/klive_block/ctl      write "release": wake every sleeper;
 *                              write "kthread": klive_blockd sleeps there too;
 *                              write "spin"/"unspin": start/stop
 *                              klive_spinner, a kernel thread bound to the
 *                              last CPU that only calls cond_resched();
 *                              read: "sleepers=N kthread=idle|asleep last=vN
 *                              spins=N"
 */
#include <linux/atomic.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/wait.h>

static DECLARE_WAIT_QUEUE_HEAD(release_wq);
static unsigned long release_gen;
static bool exiting;
static atomic_t nr_sleepers = ATOMIC_INIT(0);

static DECLARE_WAIT_QUEUE_HEAD(blockd_wq);
static struct task_struct *blockd;
static bool blockd_request;
static bool blockd_asleep;
static int blockd_last;

static struct task_struct *spinner;
static atomic_long_t spins = ATOMIC_LONG_INIT(0);

static struct proc_dir_entry *block_dir;

/* Sleep (killable) until the next release; the caller is block_version(). */
static noinline void block_sleep(void)
{
	unsigned long gen = READ_ONCE(release_gen);
	int ret;

	atomic_inc(&nr_sleepers);
	ret = wait_event_killable(release_wq, READ_ONCE(release_gen) != gen ||
				  READ_ONCE(exiting));
	atomic_dec(&nr_sleepers);
	if (ret)
		pr_info("klive_block: %s (%d) killed while held\n",
			current->comm, current->pid);
}

/* The patched function: optionally held, then tells its version. */
static noinline int block_version(bool hold)
{
	if (hold)
		block_sleep();
	return 1;
}

/* Patched too: the fix makes it tail-call a new helper. */
static noinline __attribute__((__noipa__)) int block_tail(bool hold)
{
	if (hold)
		block_sleep();
	return 1;
}

/* Only ever called from an unlikely branch: GCC moves the call to .cold. */
static noinline __cold void block_sleep_cold(void)
{
	block_sleep();
}

/* Patched too: it sleeps in its .cold part. */
static noinline __attribute__((__noipa__)) int block_cold(bool hold)
{
	if (unlikely(hold))
		block_sleep_cold();
	return 1;
}

/*
 * Patched too, and notrace like the body of a SYSCALL_DEFINE: ftrace cannot
 * redirect it, so the patch redirects block_nt_stub() in its place.
 */
static notrace noinline __attribute__((__noipa__)) int block_nt(bool hold)
{
	if (hold)
		block_sleep();
	return 1;
}

/* Like a syscall stub: it only tail-calls the notrace body. */
static noinline __attribute__((__noipa__)) int block_nt_stub(bool hold)
{
	return block_nt(hold);
}

enum { SHOW_VERSION, SHOW_WAIT, SHOW_TAIL, SHOW_COLD, SHOW_NOTRACE, SHOW_NOTRACE_VERSION };

static int block_show(struct seq_file *m, void *v)
{
	int ret;

	switch ((unsigned long)m->private) {
	case SHOW_TAIL:
		ret = block_tail(true);
		break;
	case SHOW_COLD:
		ret = block_cold(true);
		break;
	case SHOW_NOTRACE:
	case SHOW_NOTRACE_VERSION:
		ret = block_nt_stub((unsigned long)m->private == SHOW_NOTRACE);
		break;
	default:
		ret = block_version(m->private != NULL);
	}
	seq_printf(m, "v%d\n", ret);
	return 0;
}

/* klive_blockd: on request, spend one hold inside block_version(). */
static int blockd_fn(void *unused)
{
	while (!kthread_should_stop()) {
		wait_event_interruptible(blockd_wq, kthread_should_stop() ||
					 READ_ONCE(blockd_request));
		if (kthread_should_stop())
			break;
		WRITE_ONCE(blockd_asleep, true);
		WRITE_ONCE(blockd_last, block_version(READ_ONCE(blockd_request)));
		WRITE_ONCE(blockd_request, false);
		WRITE_ONCE(blockd_asleep, false);
	}
	return 0;
}

/* klive_spinner: never sleeps, only offers to reschedule. */
static int spinner_fn(void *unused)
{
	while (!kthread_should_stop()) {
		atomic_long_inc(&spins);
		cond_resched();
	}
	return 0;
}

static int spinner_start(void)
{
	struct task_struct *t;

	if (spinner)
		return -EBUSY;
	t = kthread_create(spinner_fn, NULL, "klive_spinner");
	if (IS_ERR(t))
		return PTR_ERR(t);
	kthread_bind(t, num_online_cpus() - 1);
	spinner = t;
	wake_up_process(t);
	return 0;
}

static void spinner_stop(void)
{
	if (spinner)
		kthread_stop(spinner);
	spinner = NULL;
}

static int ctl_show(struct seq_file *m, void *v)
{
	seq_printf(m, "sleepers=%d kthread=%s last=v%d spins=%ld\n",
		   atomic_read(&nr_sleepers),
		   READ_ONCE(blockd_asleep) ? "asleep" : "idle",
		   READ_ONCE(blockd_last), atomic_long_read(&spins));
	return 0;
}

static int ctl_open(struct inode *inode, struct file *file)
{
	return single_open(file, ctl_show, NULL);
}

static ssize_t ctl_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *off)
{
	char buf[16];

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sysfs_streq(buf, "release")) {
		WRITE_ONCE(release_gen, release_gen + 1);
		wake_up_all(&release_wq);
	} else if (sysfs_streq(buf, "kthread")) {
		WRITE_ONCE(blockd_request, true);
		wake_up(&blockd_wq);
	} else if (sysfs_streq(buf, "spin")) {
		int ret = spinner_start();

		if (ret)
			return ret;
	} else if (sysfs_streq(buf, "unspin")) {
		spinner_stop();
	} else {
		return -EINVAL;
	}
	return len;
}

static const struct proc_ops ctl_ops = {
	.proc_open = ctl_open,
	.proc_read = seq_read,
	.proc_write = ctl_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init klive_block_init(void)
{
	block_dir = proc_mkdir("klive_block", NULL);
	if (!block_dir)
		return -ENOMEM;
	if (!proc_create_single_data("version", 0444, block_dir, block_show,
				     (void *)SHOW_VERSION) ||
	    !proc_create_single_data("wait", 0444, block_dir, block_show,
				     (void *)SHOW_WAIT) ||
	    !proc_create_single_data("tailwait", 0444, block_dir, block_show,
				     (void *)SHOW_TAIL) ||
	    !proc_create_single_data("coldwait", 0444, block_dir, block_show,
				     (void *)SHOW_COLD) ||
	    !proc_create_single_data("ntwait", 0444, block_dir, block_show,
				     (void *)SHOW_NOTRACE) ||
	    !proc_create_single_data("ntwait_version", 0444, block_dir,
				     block_show, (void *)SHOW_NOTRACE_VERSION) ||
	    !proc_create("ctl", 0644, block_dir, &ctl_ops))
		goto fail;
	blockd = kthread_run(blockd_fn, NULL, "klive_blockd");
	if (IS_ERR(blockd))
		goto fail;
	return 0;
fail:
	proc_remove(block_dir);
	return -ENOMEM;
}

/* Release every holder first: removing /proc entries waits for readers. */
static void __exit klive_block_exit(void)
{
	WRITE_ONCE(exiting, true);
	wake_up_all(&release_wq);
	proc_remove(block_dir);
	kthread_stop(blockd);
	spinner_stop();
}

module_init(klive_block_init);
module_exit(klive_block_exit);
MODULE_DESCRIPTION("klive consistency sample: a patched function that holds tasks");
MODULE_LICENSE("GPL");
