/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * serial.h - private to kernel/arch/x86_64: the COM1 receive side
 * (serial.c). The console output functions are in arch.h and x86.h; the
 * hook that receives input is serial_rx_hook in arch.h.
 */
#ifndef MATRIOSKA_X86_SERIAL_H
#define MATRIOSKA_X86_SERIAL_H

#include "types.h"

/* What the receive interrupt has done; written only by its handler. */
struct serial_rx_stats {
	u64 irqs;    /* interrupts handled */
	u64 bytes;   /* bytes read from the UART */
	u64 dropped; /* of those, read while serial_rx_hook was NULL */
};
extern struct serial_rx_stats serial_rx_stats;

/*
 * Route COM1's IRQ 4 (through the MADT's overrides) to this CPU and enable
 * the receive-data interrupt. After ioapic_init(). 0, or -ENODEV when there
 * is no UART or no I/O APIC input for it.
 */
int serial_rx_init(void);
/* Has serial_rx_init() succeeded? */
bool serial_rx_enabled(void);
/*
 * Tests: loop the transmitter back into the receiver (MCR LOOP), so bytes
 * written to the console arrive through the receive interrupt instead of
 * leaving. Anything any CPU prints meanwhile loops back too.
 */
void serial_set_loopback(bool on);

#endif
