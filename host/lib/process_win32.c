/* jpki_process_protect() (process.h) on Windows. */
#include "process.h"

#include <windows.h>

void
jpki_process_protect(void)
{
	/* A crash shows no Windows Error Reporting dialog and makes no report that could carry
	 * memory that held a PIN; DLLs are never loaded from the current folder. */
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
	if (!SetDllDirectoryW(L""))
		g_warning("could not keep the current folder out of the DLL search");
}
