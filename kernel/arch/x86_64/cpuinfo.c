/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cpuinfo.c - arch_cpuinfo(): what /proc/cpuinfo shows of an x86_64 CPU,
 * read from CPUID on the calling CPU (vendor, family/model/stepping,
 * brand string, cache and address sizes, and the feature flags under the
 * names Linux gives them, in Linux's order: leaf 1 EDX, 0x80000001 EDX,
 * leaf 1 ECX, 0x80000001 ECX, leaf 7 EBX/ECX). Flags Linux synthesizes
 * (constant_tsc, rep_good, ...) are not invented here.
 *
 * The clock rate is the TSC's, measured once against arch_clock_ns() (which
 * is itself the TSC calibrated at boot, so two samples 1 ms apart give the
 * calibrated rate back within a few parts per million).
 */
#include "arch.h"
#include "lib.h"
#include "x86.h"

/* Feature names by bit; NULL: not shown. */
static const char *const edx1[32] = {
	[0] = "fpu",	  [1] = "vme",	[2] = "de",    [3] = "pse",  [4] = "tsc",    [5] = "msr",
	[6] = "pae",	  [7] = "mce",	[8] = "cx8",   [9] = "apic", [11] = "sep",   [12] = "mtrr",
	[13] = "pge",	  [14] = "mca", [15] = "cmov", [16] = "pat", [17] = "pse36", [18] = "pn",
	[19] = "clflush", [21] = "dts", [22] = "acpi", [23] = "mmx", [24] = "fxsr",  [25] = "sse",
	[26] = "sse2",	  [27] = "ss",	[28] = "ht",   [29] = "tm",  [30] = "ia64",  [31] = "pbe",
};
static const char *const edx81[32] = {
	[11] = "syscall", [19] = "mp",	   [20] = "nx", [22] = "mmxext",   [25] = "fxsr_opt",
	[26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm", [30] = "3dnowext", [31] = "3dnow",
};
static const char *const ecx1[32] = {
	[0] = "pni",	 [1] = "pclmulqdq",   [2] = "dtes64",  [3] = "monitor",
	[4] = "ds_cpl",	 [5] = "vmx",	      [6] = "smx",     [7] = "est",
	[8] = "tm2",	 [9] = "ssse3",	      [10] = "cid",    [11] = "sdbg",
	[12] = "fma",	 [13] = "cx16",	      [14] = "xtpr",   [15] = "pdcm",
	[17] = "pcid",	 [18] = "dca",	      [19] = "sse4_1", [20] = "sse4_2",
	[21] = "x2apic", [22] = "movbe",      [23] = "popcnt", [24] = "tsc_deadline_timer",
	[25] = "aes",	 [26] = "xsave",      [28] = "avx",    [29] = "f16c",
	[30] = "rdrand", [31] = "hypervisor",
};
static const char *const ecx81[32] = {
	[0] = "lahf_lm",       [1] = "cmp_legacy",  [2] = "svm",   [3] = "extapic",
	[4] = "cr8_legacy",    [5] = "abm",	    [6] = "sse4a", [7] = "misalignsse",
	[8] = "3dnowprefetch", [9] = "osvw",	    [10] = "ibs",  [11] = "xop",
	[12] = "skinit",       [13] = "wdt",	    [15] = "lwp",  [16] = "fma4",
	[17] = "tce",	       [19] = "nodeid_msr", [21] = "tbm",  [22] = "topoext",
	[23] = "perfctr_core", [24] = "perfctr_nb",
};
static const char *const ebx7[32] = {
	[0] = "fsgsbase",  [1] = "tsc_adjust",	[2] = "sgx",	     [3] = "bmi1",
	[4] = "hle",	   [5] = "avx2",	[7] = "smep",	     [8] = "bmi2",
	[9] = "erms",	   [10] = "invpcid",	[11] = "rtm",	     [14] = "mpx",
	[16] = "avx512f",  [17] = "avx512dq",	[18] = "rdseed",     [19] = "adx",
	[20] = "smap",	   [21] = "avx512ifma", [23] = "clflushopt", [24] = "clwb",
	[26] = "avx512pf", [27] = "avx512er",	[28] = "avx512cd",   [29] = "sha_ni",
	[30] = "avx512bw", [31] = "avx512vl",
};
static const char *const ecx7[32] = {
	[1] = "avx512vbmi",
	[2] = "umip",
	[3] = "pku",
	[4] = "ospke",
	[6] = "avx512_vbmi2",
	[8] = "gfni",
	[9] = "vaes",
	[10] = "vpclmulqdq",
	[11] = "avx512_vnni",
	[12] = "avx512_bitalg",
	[14] = "avx512_vpopcntdq",
	[22] = "rdpid",
};

static void add_flags(char *out, size_t size, const char *const names[32], u32 bits)
{
	size_t len = strlen(out);

	for (int i = 0; i < 32; i++) {
		if (!(bits & (1u << i)) || !names[i])
			continue;
		int n = snprintf(out + len, size - len, "%s%s", len ? " " : "", names[i]);

		if (n < 0 || (size_t)n >= size - len) {
			out[len] = '\0'; /* no half names */
			return;
		}
		len += (size_t)n;
	}
}

static u32 tsc_khz_measured(void)
{
	static u32 khz; /* once measured; a racing second measurement gives the same value */
	u64 t0, t1, n0, n1;

	if (__atomic_load_n(&khz, __ATOMIC_RELAXED))
		return khz;
	n0 = arch_clock_ns();
	t0 = rdtsc();
	do {
		n1 = arch_clock_ns();
	} while (n1 - n0 < 1000000);
	t1 = rdtsc();
	if (n1 > n0)
		__atomic_store_n(&khz, (u32)((t1 - t0) * 1000000ull / (n1 - n0)), __ATOMIC_RELAXED);
	return khz;
}

void arch_cpuinfo(struct arch_cpuinfo *out)
{
	u32 a, b, c, d, max, maxext;
	const char *brand = x86_cpu.brand;

	memset(out, 0, sizeof(*out));
	strlcpy(out->vendor, x86_cpu.vendor, sizeof(out->vendor));
	while (*brand == ' ')
		brand++;
	strlcpy(out->model_name, *brand ? brand : "x86_64", sizeof(out->model_name));
	out->family = x86_cpu.family;
	out->model = x86_cpu.model;
	out->stepping = x86_cpu.stepping;
	out->khz = tsc_khz_measured();
	out->wp = true; /* CR0.WP is set at boot (paging.c) */
	out->cache_alignment = 64;

	cpuid(0, 0, &max, &b, &c, &d);
	out->cpuid_level = max;
	cpuid(0x80000000, 0, &maxext, &b, &c, &d);
	cpuid(1, 0, &a, &b, &c, &d);
	out->fpu = d & 1;
	out->clflush_size = ((b >> 8) & 0xff) * 8;
	if (out->clflush_size)
		out->cache_alignment = out->clflush_size;
	add_flags(out->flags, sizeof(out->flags), edx1, d);
	{
		u32 ecx_1 = c, ea, eb, ec = 0, ed = 0;

		if (maxext >= 0x80000001)
			cpuid(0x80000001, 0, &ea, &eb, &ec, &ed);
		add_flags(out->flags, sizeof(out->flags), edx81, ed);
		add_flags(out->flags, sizeof(out->flags), ecx1, ecx_1);
		add_flags(out->flags, sizeof(out->flags), ecx81, ec);
	}
	if (max >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		add_flags(out->flags, sizeof(out->flags), ebx7, b);
		add_flags(out->flags, sizeof(out->flags), ecx7, c);
	}
	if (maxext >= 0x80000006) {
		cpuid(0x80000006, 0, &a, &b, &c, &d);
		out->cache_kb = c >> 16; /* L2 per core */
	}
	if (maxext >= 0x80000008) {
		cpuid(0x80000008, 0, &a, &b, &c, &d);
		out->phys_bits = a & 0xff;
		out->virt_bits = (a >> 8) & 0xff;
	} else {
		out->phys_bits = 36;
		out->virt_bits = 48;
	}
}
