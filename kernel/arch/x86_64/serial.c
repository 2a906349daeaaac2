/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * serial.c - 16550 UART on COM1, the kernel's console. Output is polled
 * (the transmitter-empty bit of the line status register), so it works with
 * interrupts off and inside panic. boot.S already programmed the UART;
 * serial_init() does it again in C so the settings are documented here:
 * 115200 baud, 8 data bits, no parity, 1 stop bit, FIFOs on, interrupts off.
 *
 * Input is interrupt driven: serial_rx_init() (stage 3, once the I/O APIC
 * is up) routes ISA IRQ 4 to the boot CPU and enables the receive-data
 * interrupt (IER bit 0; MCR OUT2 gates the UART's interrupt line on PCs).
 * The handler drains the receive FIFO and hands the bytes to
 * serial_rx_hook (arch.h), or drops them while there is none.
 *
 * Locking: the UART's registers need none: output is polled byte by byte
 * by whichever CPU prints, input is read only by the interrupt handler
 * (one CPU), and reading the line status register only clears error bits.
 * serial_rx_stats is written only by that handler.
 */
#include "serial.h"
#include "arch.h"
#include "errno.h"
#include "klog.h"
#include "smp.h"
#include "x86.h"

#define COM1 0x3f8
#define COM1_IRQ 4
#define UART_RBR 0 /* receive buffer (DLAB=0, read) */
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0 /* divisor low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1
#define UART_IIR 2 /* interrupt identification (read) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define IER_RX_DATA 0x01 /* received data available (and FIFO timeout) */
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT2 0x08 /* connects the UART's interrupt output on PCs */
#define MCR_LOOP 0x10 /* transmitter looped back into the receiver */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define LSR_TX_IDLE 0x40 /* FIFO and shift register both empty */
#define LCR_DLAB 0x80
#define LCR_8N1 0x03

/* Give up on a byte after this many polls: a missing UART must not hang us. */
#define UART_POLL_LIMIT 100000
/* Bytes handed to the hook at a time, and read per interrupt at most (a stuck UART). */
#define RX_BATCH 64
#define RX_MAX_PER_IRQ 1024

void (*serial_rx_hook)(const char *buf, size_t n);
struct serial_rx_stats serial_rx_stats;
static bool rx_irq_on;

void serial_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, 1); /* 115200 / 1 */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0xc7); /* enable, clear, 14-byte threshold */
	outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
	for (int i = 0; i < UART_POLL_LIMIT; i++) {
		if (inb(COM1 + UART_LSR) & LSR_THR_EMPTY)
			break;
		__asm__ volatile("pause");
	}
	outb(COM1 + UART_THR, (u8)c);
}

void arch_console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

void arch_console_write_raw(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		serial_putc(s[i]);
}

/* Wait until every byte written so far has left the UART (before QEMU exits). */
void serial_drain(void)
{
	for (int i = 0; i < UART_POLL_LIMIT; i++) {
		if (inb(COM1 + UART_LSR) & LSR_TX_IDLE)
			return;
		__asm__ volatile("pause");
	}
}

/* ---- input ---- */

static void rx_deliver(void (*hook)(const char *, size_t), const char *buf, size_t n)
{
	serial_rx_stats.bytes += n;
	if (hook)
		hook(buf, n);
	else
		serial_rx_stats.dropped += n;
}

/* Receive interrupt (interrupts off): drain the FIFO into the hook. */
static void serial_rx_irq(struct trap_frame *f)
{
	void (*hook)(const char *, size_t) = __atomic_load_n(&serial_rx_hook, __ATOMIC_ACQUIRE);
	char buf[RX_BATCH];
	size_t n = 0;

	(void)f;
	(void)inb(COM1 + UART_IIR);
	for (int i = 0; i < RX_MAX_PER_IRQ && (inb(COM1 + UART_LSR) & LSR_DATA_READY); i++) {
		buf[n++] = (char)inb(COM1 + UART_RBR);
		if (n == sizeof(buf)) {
			rx_deliver(hook, buf, n);
			n = 0;
		}
	}
	if (n)
		rx_deliver(hook, buf, n);
	serial_rx_stats.irqs++;
	lapic_eoi();
}

int serial_rx_init(void)
{
	u16 flags;
	int gsi = x86_isa_irq_to_gsi(COM1_IRQ, &flags), err;
	u8 vec;

	/* A missing UART reads as all ones. */
	if (inb(COM1 + UART_LSR) == 0xff)
		return -ENODEV;
	if (gsi < 0 || gsi >= 24) /* VEC_IOAPIC_BASE covers inputs 0-23 */
		return -ENODEV;
	vec = (u8)(VEC_IOAPIC_BASE + gsi);
	x86_irq_register(vec, serial_rx_irq);
	err = x86_ioapic_route_isa(COM1_IRQ, vec, this_cpu()->id);
	if (err < 0) {
		x86_irq_register(vec, NULL);
		return err;
	}
	/* Bytes typed before now were never meant for anyone. */
	for (int i = 0; i < RX_MAX_PER_IRQ && (inb(COM1 + UART_LSR) & LSR_DATA_READY); i++)
		(void)inb(COM1 + UART_RBR);
	rx_irq_on = true;
	outb(COM1 + UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
	outb(COM1 + UART_IER, IER_RX_DATA);
	pr_info("serial: COM1 receive interrupt on IRQ %u (GSI %d, vector %u)", COM1_IRQ, gsi, vec);
	return 0;
}

bool serial_rx_enabled(void)
{
	return rx_irq_on;
}

void serial_set_loopback(bool on)
{
	/* Whatever was sent before goes out (or, when ending a loop, comes back) first. */
	serial_drain();
	outb(COM1 + UART_MCR, MCR_DTR | MCR_RTS | (rx_irq_on ? MCR_OUT2 : 0) | (on ? MCR_LOOP : 0));
}
