/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * serial.c - 16550 UART on COM1, the kernel's console. Output is polled
 * (the transmitter-empty bit of the line status register), so it works with
 * interrupts off and inside panic. boot.S already programmed the UART;
 * serial_init() does it again in C so the settings are documented here:
 * 115200 baud, 8 data bits, no parity, 1 stop bit, FIFOs on, interrupts off.
 */
#include "arch.h"
#include "x86.h"

#define COM1 0x3f8
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0 /* divisor low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THR_EMPTY 0x20
#define LSR_TX_IDLE 0x40 /* FIFO and shift register both empty */
#define LCR_DLAB 0x80
#define LCR_8N1 0x03

/* Give up on a byte after this many polls: a missing UART must not hang us. */
#define UART_POLL_LIMIT 100000

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

/* Wait until every byte written so far has left the UART (before QEMU exits). */
void serial_drain(void)
{
	for (int i = 0; i < UART_POLL_LIMIT; i++) {
		if (inb(COM1 + UART_LSR) & LSR_TX_IDLE)
			return;
		__asm__ volatile("pause");
	}
}
