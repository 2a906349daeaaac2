/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uaccess_test.c - ktests for the user-copy functions with hostile
 * arguments: kernel addresses, NULL, ranges that wrap or cross the top of
 * user space, and user addresses with nothing mapped. Every one must return
 * -EFAULT (or -ENAMETOOLONG) and leave the kernel running. Copies into
 * real user mappings are tested with address spaces in vm_test.c.
 */
#include "arch.h"
#include "errno.h"
#include "ktest.h"
#include "lib.h"
#include "uaccess.h"
#include "vm.h"

static char kbuf[64];

KTEST(uaccess, rejects_kernel_addresses)
{
	KT_EXPECT_EQ(t, copy_from_user(kbuf, (const void *)kbuf, 8), (u64)-EFAULT);
	KT_EXPECT_EQ(t, copy_to_user((void *)kbuf, "x", 1), (u64)-EFAULT);
	KT_EXPECT_EQ(t, clear_user((void *)0xffff800000000000ull, 16), (u64)-EFAULT);
	KT_EXPECT_EQ(t, strncpy_from_user(kbuf, (const char *)kbuf, sizeof(kbuf)), (u64)-EFAULT);
}

KTEST(uaccess, rejects_null_wrap_and_top)
{
	vaddr_t top = arch_user_top();

	KT_EXPECT_EQ(t, copy_from_user(kbuf, NULL, 1), (u64)-EFAULT);
	KT_EXPECT_EQ(t, copy_from_user(kbuf, (const void *)0x400000, SIZE_MAX), (u64)-EFAULT);
	KT_EXPECT_EQ(t, copy_to_user((void *)(top - 4), kbuf, 8), (u64)-EFAULT);
	KT_EXPECT(t, !access_ok((const void *)(top - 4), 8));
	KT_EXPECT(t, access_ok((const void *)(top - 8), 8));
	KT_EXPECT(t, !access_ok((const void *)0x400000, (size_t)-0x400000));
}

KTEST(uaccess, unmapped_user_memory_faults_to_efault)
{
	struct vm_space *old = vm_current();

	/* The kernel's own table maps nothing in the user half. */
	vm_space_activate(NULL);
	KT_EXPECT_EQ(t, copy_from_user(kbuf, (const void *)0x400000, 8), (u64)-EFAULT);
	KT_EXPECT_EQ(t, copy_to_user((void *)0x7fff0000, kbuf, 8), (u64)-EFAULT);
	KT_EXPECT_EQ(t, clear_user((void *)0x400000, 4096), (u64)-EFAULT);
	KT_EXPECT_EQ(t, strncpy_from_user(kbuf, (const char *)0x400000, 16), (u64)-EFAULT);
	KT_EXPECT_EQ(t, strncpy_from_user(kbuf, (const char *)0x400000, 0), (u64)-ENAMETOOLONG);
	vm_space_activate(old);
}
