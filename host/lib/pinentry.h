/* The Unix implementation of the PIN dialog (pin_dialog.h): a client of GnuPG's pinentry
 * programs (pinentry-gnome3, -gtk2, -qt, -curses...), which speak the Assuan protocol on
 * their stdin and stdout.
 *
 * jpki_dialog_ask() runs the program (no shell; an absolute path, or JPKI_ERROR_DIALOG) in
 * "/" with its stdin and stdout on a private socket and, on Linux, PR_SET_PDEATHSIG, so that
 * it goes with the thread that opened it. On a cancel the program is sent SIGTERM, and
 * SIGKILL if it is still there 300 ms later, so the dialog closes within a second.
 * JPKI_ERROR_DIALOG also covers a program that closed the connection, answered something that
 * is not Assuan, refused a command, or did not answer a command other than GETPIN within 30
 * seconds. Every string is percent-escaped (%, CR, LF, all control characters and a leading
 * space), so no text can add an Assuan command; each one, escaped, must fit in one Assuan
 * line (about 330 characters of Japanese or 990 of ASCII, a newline counting as 3), or the
 * request is refused with JPKI_ERROR_INVALID_INPUT. When stdin is a terminal, its name and
 * $TERM are passed (OPTION ttyname, ttytype) for pinentry-curses. The conversation ends with
 * BYE when the connection still works; the child is always reaped before returning. */
#pragma once

#include "pin_dialog.h"

/* The pinentry program: $JPKI_PINENTRY if set and not empty, else the path fixed at build
 * time (JPKI_PINENTRY_PATH, /usr/bin/pinentry by default). An absolute path, no arguments:
 * a program is never looked up on PATH. */
char *jpki_pinentry_program(void);
/* The path fixed at build time alone. */
const char *jpki_pinentry_default_program(void);
