/* SPDX-License-Identifier: BSD-2-Clause */
/* ipcstat.c - placeholder, replaced below. */
int main(void)
{
	return 0;
}
