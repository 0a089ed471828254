/* bcryptprimitives.dll for Wine 8: Rust's standard library on Windows imports ProcessPrng from it (Windows 10+), which
 * Wine 8 lacks. This forwards it to RtlGenRandom (advapi32's SystemFunction036), the generator Wine provides.
 * Built by scripts/windows/build.sh with mingw-w64; used only to run the Windows build under Wine in the tests. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
