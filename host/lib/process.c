/* jpki_process_protect() (process.h) on Unix. */
#include "process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#if defined(__SANITIZE_ADDRESS__)
#define JPKI_LEAK_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JPKI_LEAK_SANITIZER 1
#endif
#endif

void
jpki_process_protect(void)
{
	const struct rlimit no_core = {0, 0};
	if (setrlimit(RLIMIT_CORE, &no_core) != 0)
		g_warning("could not turn core files off");
#ifndef JPKI_LEAK_SANITIZER
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		g_warning("could not make the process undumpable");
#endif
	signal(SIGPIPE, SIG_IGN);
}
