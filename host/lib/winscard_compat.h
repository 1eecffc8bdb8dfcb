/* <winscard.h> as pcsc-lite and Windows both give it, with the names they differ in. For
 * pcsc.c and the in-process simulator (tests/sim/sim_pcsc.c) alone. */
#pragma once

#include <glib.h>

#ifdef G_OS_WIN32
/* The protocol blocks (g_rgSCardT0Pci...) declared as plain data, not dllimport: the in-process
 * simulator defines them itself. pcsc.c makes its own and never refers to them. */
#define WINSCARDDATA
#include <windows.h>
#endif
#include <winscard.h>

/* The longest ATR: pcsc-lite's name for it, and WinSCard's (SCARD_ATR_LENGTH). */
#if !defined(MAX_ATR_SIZE) && defined(SCARD_ATR_LENGTH)
#define MAX_ATR_SIZE SCARD_ATR_LENGTH
#endif
