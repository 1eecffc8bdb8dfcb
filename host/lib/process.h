/* What a process that holds PINs does first: no core file and no ptrace by other processes of
 * the user (a core taken after a VERIFY held the signing password), and a reader that went
 * away is an EPIPE error, not a SIGPIPE that kills the process mid-operation. The CLI and the
 * host call it at the top of main(). */
#pragma once

#include <glib.h>

/* RLIMIT_CORE 0, PR_SET_DUMPABLE 0 (not in AddressSanitizer builds: LeakSanitizer attaches to
 * its own process with ptrace, which that forbids; PT_DENY_ATTACH on macOS), SIGPIPE ignored.
 * Windows: no error-report dialog or report on a crash, no DLL loaded from the current folder. */
void jpki_process_protect(void);
