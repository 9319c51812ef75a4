// For tests under Wine only, never shipped: Go 1.22 and later programs
// read random numbers through ProcessPrng in bcryptprimitives.dll, which
// every Windows 10 and 11 has but Debian 12's Wine 8.0 lacks (the program
// then stops with "bcryptprimitives.dll not found" before main). This
// stand-in gives the same bytes source Wine has, RtlGenRandom.
// scripts/dist-test.sh builds it with mingw-w64 into the Wine prefix.
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!RtlGenRandom(data, n)) {
			return FALSE;
		}
		data += n;
		len -= n;
	}
	return TRUE;
}
