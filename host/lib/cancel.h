/* A cancel signal between threads, in place of GIO's GCancellable so that
 * libjpki and the host need libglib alone: one thread cancels (the host when
 * the browser leaves), others check it, poll its file descriptor, or have a
 * callback run. */
#pragma once

#include <glib.h>

typedef struct _JpkiCancel JpkiCancel;
typedef void (*JpkiCancelFunc)(gpointer user_data);

JpkiCancel *jpki_cancel_new(void);
/* No callback may be connected any more, and no thread may still use it. */
void jpki_cancel_free(JpkiCancel *cancel);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JpkiCancel, jpki_cancel_free)

/* Cancels, from any thread: the first call runs the connected callbacks in
 * this thread (a callback must not cancel, connect to or disconnect from the
 * same JpkiCancel); later calls do nothing. */
void jpki_cancel_cancel(JpkiCancel *cancel);
/* FALSE for NULL. */
gboolean jpki_cancel_is_cancelled(JpkiCancel *cancel);
/* Readable (POLLIN) from the cancel on, for poll(); owned by `cancel`, never
 * read from it. */
int jpki_cancel_get_fd(JpkiCancel *cancel);

/* Runs func(user_data) on the cancel, or at once in this thread when it has
 * been cancelled already. The id (never 0) is for jpki_cancel_disconnect(). */
guint jpki_cancel_connect(JpkiCancel *cancel, JpkiCancelFunc func, gpointer user_data);
/* Once this returns, the callback neither runs nor will run. */
void jpki_cancel_disconnect(JpkiCancel *cancel, guint id);
