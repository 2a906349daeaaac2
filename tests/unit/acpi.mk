# SPDX-License-Identifier: BSD-2-Clause
# The ACPI table parser (RSDP, RSDT/XSDT, MADT), synthetic tables and fuzzing.
UNIT_TESTS += acpi
unit_acpi_SRCS := kernel/genarch/acpi/acpi.c
