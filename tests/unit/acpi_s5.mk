# SPDX-License-Identifier: BSD-2-Clause
# ACPI power off: the FADT, the DSDT's \_S5 package, the PM1 control value; synthetic tables and fuzzing.
UNIT_TESTS += acpi_s5
unit_acpi_s5_SRCS := kernel/genarch/acpi/acpi.c
