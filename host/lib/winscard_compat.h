/* <winscard.h> as pcsc-lite, Windows and macOS's PCSC.framework give it, with the names and
 * behaviours they differ in. For pcsc.c and the in-process simulator (tests/sim/sim_pcsc.c)
 * alone: pcsc.c keeps one code path and reads the differences from here. */
#pragma once

#include <glib.h>

#ifdef G_OS_WIN32
/* The protocol blocks (g_rgSCardT0Pci...) declared as plain data, not dllimport: the in-process
 * simulator defines them itself. pcsc.c makes its own and never refers to them. */
#define WINSCARDDATA
#include <windows.h>
#endif

#ifdef __APPLE__
/* PCSC.framework (not yet compiled on a Mac): its headers live under PCSC/. DWORD and LONG
 * are uint32_t and int32_t there, not unsigned long and long as in pcsc-lite, and its
 * SCARD_READERSTATE is packed (#pragma pack(1) in Apple's header); pcsc.c only ever uses these
 * types by name and casts where it prints them, so neither needs more than the right header. */
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#else
#include <winscard.h>
#endif

/* The longest ATR: pcsc-lite's (and PCSC.framework's) name for it, and WinSCard's
 * (SCARD_ATR_LENGTH). */
#if !defined(MAX_ATR_SIZE) && defined(SCARD_ATR_LENGTH)
#define MAX_ATR_SIZE SCARD_ATR_LENGTH
#endif

/* Older PCSC.framework headers may lack this code; its value is the same on every platform. */
#ifndef SCARD_E_NO_READERS_AVAILABLE
#define SCARD_E_NO_READERS_AVAILABLE ((LONG)0x8010002E)
#endif

/* The reader name that makes SCardGetStatusChange() return when a reader is plugged in or
 * pulled out. pcsc-lite and WinSCard know it; PCSC.framework does not (pcsc-lite's author,
 * node-pcsc issue 6; OpenSC lists readers again on macOS instead), so there pcsc.c leaves it
 * out of the states it waits on and waits in slices, listing the readers again after each. */
#define JPKI_PCSC_PNP_READER "\\\\?PnP?\\Notification"
#ifdef __APPLE__
#define JPKI_PCSC_HAS_PNP       FALSE
#define JPKI_PCSC_WAIT_SLICE_MS 1000u
#else
#define JPKI_PCSC_HAS_PNP       TRUE
#define JPKI_PCSC_WAIT_SLICE_MS G_MAXUINT
#endif
