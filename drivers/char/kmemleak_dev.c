/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kmemleak_dev.c - /dev/kmemleak, the user-visible trigger of the kernel's
 * leak scan (kmemleak_scan(), kernel/mm/kmemleak.c). Debug builds only
 * (CONFIG_MM_DEBUG): release kernels do not register the device.
 *
 * Reading the device from offset 0 runs one scan; the leaked objects, grouped
 * by allocation site, go to the kernel log (and the console) as the scan
 * prints them, and the read returns one summary line:
 *     "kmemleak: N unreachable objects\n"
 * Reads at a later offset return end of file, so `cat /dev/kmemleak` scans
 * once. The integration test t_robust.py reads it after the syscall fuzzer's
 * processes are all reaped: the count must be 0.
 *
 * Locking: none of its own; the scan takes the allocator lock.
 */
#include "config.h"
#include "errno.h"
#include "klog.h"
#include "lib.h"
#include "mm.h"
#include "vfs.h"

static s64 kmemleak_dev_read(struct file *f, struct uio *uio, u64 *pos)
{
	char line[64];
	int leaks, n;

	(void)f;
	if (*pos != 0)
		return 0;
	leaks = kmemleak_scan();
	if (leaks < 0)
		return leaks;
	n = snprintf(line, sizeof(line), "kmemleak: %d unreachable object%s\n", leaks,
		     leaks == 1 ? "" : "s");
	if ((size_t)n > uio->len)
		return -EINVAL;
	if (uio_copy_out(uio, 0, line, (size_t)n))
		return -EFAULT;
	*pos += (u64)n;
	return n;
}

static const struct file_operations kmemleak_dev_fops = {
	.read = kmemleak_dev_read,
};

int kmemleak_dev_register(void)
{
	int err;

	if (!IS_ENABLED(CONFIG_MM_DEBUG))
		return 0;
	err = chrdev_register("kmemleak", MKDEV(10, 250), 0400, &kmemleak_dev_fops, NULL);
	return err == -EEXIST ? 0 : err;
}
