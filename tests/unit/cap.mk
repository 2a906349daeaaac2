# SPDX-License-Identifier: BSD-2-Clause
# Capability tables, rights and the derivation tree (kernel/security/cap.c)
# over the host spinlock stand-ins and the counting kmalloc: handles,
# reduced-rights duplication, transfer (derive + attach), revoke of a whole
# subtree across tables, use after revoke, wrong types, close re-parenting,
# fork inheritance, table teardown, object reference counts and leaks.
UNIT_TESTS += cap
unit_cap_SRCS := kernel/security/cap.c kernel/arch/host/locks_host.c tests/unit/fake_kmalloc.c
