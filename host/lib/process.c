/* jpki_process_protect() (process.h) on Unix. */
#include "process.h"

#include <signal.h>
#include <sys/resource.h>
#ifdef __APPLE__
#include <sys/ptrace.h>
#include <sys/types.h>
#else
#include <sys/prctl.h>
#endif

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
#if defined(JPKI_LEAK_SANITIZER)
		/* LeakSanitizer needs to attach to its own process. */
#elif defined(__APPLE__)
	/* macOS has no prctl; PT_DENY_ATTACH keeps debuggers out (not yet run on a Mac). */
	if (ptrace(PT_DENY_ATTACH, 0, 0, 0) != 0)
		g_warning("could not refuse debuggers");
#else
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		g_warning("could not make the process undumpable");
#endif
	signal(SIGPIPE, SIG_IGN);
}
