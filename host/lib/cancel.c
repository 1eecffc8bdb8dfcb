#include "cancel.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#ifdef G_OS_UNIX
#include <glib-unix.h>
#else
#include <io.h>
#endif

typedef struct {
	guint id;
	JpkiCancelFunc func;
	gpointer user_data;
} Callback;

struct _JpkiCancel {
	/* Held while callbacks run, so that disconnecting waits for them. */
	GMutex lock;
	gboolean cancelled;
	int pipe[2]; /* one byte goes into [1] on the cancel; [0] is what is polled */
	GArray *callbacks;
	guint last_id;
};

JpkiCancel *
jpki_cancel_new(void)
{
	JpkiCancel *cancel = g_new0(JpkiCancel, 1);
	g_mutex_init(&cancel->lock);
	/* Close-on-exec (not inherited): the programs we start must not hold it. */
#ifdef G_OS_UNIX
	g_autoptr(GError) error = NULL;
	if (!g_unix_open_pipe(cancel->pipe, FD_CLOEXEC, &error))
		g_error("cannot make a pipe for cancelling: %s", error->message);
#else
	if (_pipe(cancel->pipe, 64, _O_BINARY | _O_NOINHERIT) != 0)
		g_error("cannot make a pipe for cancelling: %s", g_strerror(errno));
#endif
	cancel->callbacks = g_array_new(FALSE, FALSE, sizeof(Callback));
	return cancel;
}

void
jpki_cancel_free(JpkiCancel *cancel)
{
	if (cancel == NULL)
		return;
	g_warn_if_fail(cancel->callbacks->len == 0);
	g_array_unref(cancel->callbacks);
	close(cancel->pipe[0]);
	close(cancel->pipe[1]);
	g_mutex_clear(&cancel->lock);
	g_free(cancel);
}

void
jpki_cancel_cancel(JpkiCancel *cancel)
{
	g_return_if_fail(cancel != NULL);
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cancel->lock);
	if (cancel->cancelled)
		return;
	cancel->cancelled = TRUE;
	/* The pipe is empty and holds far more than one byte: this cannot block. */
	while (write(cancel->pipe[1], "x", 1) < 0 && errno == EINTR)
		;
	for (guint i = 0; i < cancel->callbacks->len; i++) {
		const Callback *callback = &g_array_index(cancel->callbacks, Callback, i);
		callback->func(callback->user_data);
	}
}

gboolean
jpki_cancel_is_cancelled(JpkiCancel *cancel)
{
	if (cancel == NULL)
		return FALSE;
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cancel->lock);
	return cancel->cancelled;
}

int
jpki_cancel_get_fd(JpkiCancel *cancel)
{
	g_return_val_if_fail(cancel != NULL, -1);
	return cancel->pipe[0];
}

guint
jpki_cancel_connect(JpkiCancel *cancel, JpkiCancelFunc func, gpointer user_data)
{
	g_return_val_if_fail(cancel != NULL && func != NULL, 0);
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cancel->lock);
	Callback callback = {++cancel->last_id, func, user_data};
	g_array_append_val(cancel->callbacks, callback);
	if (cancel->cancelled)
		func(user_data);
	return callback.id;
}

void
jpki_cancel_disconnect(JpkiCancel *cancel, guint id)
{
	g_return_if_fail(cancel != NULL);
	g_autoptr(GMutexLocker) locker = g_mutex_locker_new(&cancel->lock);
	for (guint i = 0; i < cancel->callbacks->len; i++) {
		if (g_array_index(cancel->callbacks, Callback, i).id == id) {
			g_array_remove_index_fast(cancel->callbacks, i);
			return;
		}
	}
	g_warn_if_reached();
}
