/* pin_dialog.h on macOS: a CFUserNotification, the system's own alert with a secure text
 * field, shown by the user notification centre whatever process asks (the host has no window
 * of its own and no run loop). NOT YET COMPILED OR RUN ON A MAC: written against Apple's
 * CoreFoundation reference (CFUserNotification.h) on a machine without the SDK.
 *
 * The alert shows the title as its header, the description and the error line (if any) as its
 * message, the prompt as the text field's title; the field masks what is typed
 * (CFUserNotificationSecureTextField). Enter is OK and Esc cancels, as in every alert. A
 * cancel (JpkiCancel) calls CFUserNotificationCancel from the cancelling thread, which makes
 * the waiting CFUserNotificationReceiveResponse return with the cancel response. The timeout
 * counts from the alert's showing, typed or not (pinentry's stops once something is typed).
 * The typed text is copied once into a buffer of ours, which the caller wipes; the
 * notification's own copy goes with the notification, which cannot be emptied first. */
#include "native_dialog.h"

#include "jpki_error.h"

#include <CoreFoundation/CoreFoundation.h>
#include <stdbool.h>

/* Bits 0-1 of the response flags name the button that dismissed the alert. */
#define RESPONSE_BUTTON_MASK 0x3

/* A CFString of UTF-8 `text`; NULL for NULL. */
static CFStringRef
cf_string(const char *text)
{
	return text != NULL
		       ? CFStringCreateWithCString(kCFAllocatorDefault, text, kCFStringEncodingUTF8)
		       : NULL;
}

static void
cf_release(CFTypeRef object)
{
	if (object != NULL)
		CFRelease(object);
}

/* Sets `key` to `text` (UTF-8) in `dict`; nothing for NULL or "". */
static void
put_text(CFMutableDictionaryRef dict, CFStringRef key, const char *text)
{
	if (text == NULL || *text == '\0')
		return;
	CFStringRef value = cf_string(text);
	if (value == NULL)
		return;
	CFDictionarySetValue(dict, key, value);
	CFRelease(value);
}

/* What the alert shows. */
static CFMutableDictionaryRef
make_contents(const JpkiDialogRequest *request, gboolean ask)
{
	CFMutableDictionaryRef dict =
		CFDictionaryCreateMutable(kCFAllocatorDefault, 0, &kCFTypeDictionaryKeyCallBacks,
					  &kCFTypeDictionaryValueCallBacks);
	/* An alert without a header is refused: the program's name when no title is given. */
	put_text(dict, kCFUserNotificationAlertHeaderKey,
		 request->title != NULL && *request->title != '\0' ? request->title
								   : "jpki-bridge");
	/* The error line (a wrong PIN, the tries left) after the description, set apart. */
	g_autofree char *message =
		request->error != NULL && *request->error != '\0'
			? g_strconcat(request->description != NULL ? request->description : "",
				      "\n\n", request->error, NULL)
			: g_strdup(request->description);
	put_text(dict, kCFUserNotificationAlertMessageKey, message);
	put_text(dict, kCFUserNotificationDefaultButtonTitleKey,
		 request->ok_label != NULL ? request->ok_label : "OK");
	if (ask || !request->one_button)
		put_text(dict, kCFUserNotificationAlternateButtonTitleKey,
			 request->cancel_label != NULL ? request->cancel_label : "Cancel");
	if (ask) {
		/* One text field; its title is the prompt (an empty title still makes the field).
		 */
		CFStringRef prompt = cf_string(request->prompt != NULL ? request->prompt : "");
		CFArrayRef titles = CFArrayCreate(kCFAllocatorDefault, (const void **)&prompt, 1,
						  &kCFTypeArrayCallBacks);
		CFDictionarySetValue(dict, kCFUserNotificationTextFieldTitlesKey, titles);
		CFRelease(titles);
		CFRelease(prompt);
	}
	return dict;
}

static void
cancel_notification(gpointer notification)
{
	CFUserNotificationCancel(notification);
}

/* The text field's value, copied into a buffer of ours; NULL with *too_long when it is longer
 * than JPKI_DIALOG_TEXT_MAX bytes of UTF-8. */
static char *
copy_typed_text(CFUserNotificationRef notification, gboolean *too_long)
{
	/* Owned by the notification (the Get rule): not released here. */
	CFStringRef value = CFUserNotificationGetResponseValue(
		notification, kCFUserNotificationTextFieldValuesKey, 0);
	if (value == NULL)
		return g_strdup("");
	CFRange all = CFRangeMake(0, CFStringGetLength(value));
	CFIndex bytes = 0;
	CFStringGetBytes(value, all, kCFStringEncodingUTF8, 0, false, NULL, 0, &bytes);
	if (bytes > JPKI_DIALOG_TEXT_MAX) {
		*too_long = TRUE;
		return NULL;
	}
	char *text = g_malloc0((gsize)bytes + 1);
	CFStringGetBytes(value, all, kCFStringEncodingUTF8, 0, false, (UInt8 *)text, bytes, NULL);
	return text;
}

gboolean
native_dialog_show(const JpkiDialogRequest *request, gboolean ask, JpkiCancel *cancel,
		   NativeDialogAnswer *answer, GError **error)
{
	CFMutableDictionaryRef contents = make_contents(request, ask);
	CFOptionFlags flags = kCFUserNotificationPlainAlertLevel;
	if (ask)
		flags |= CFUserNotificationSecureTextField(0);
	SInt32 create_error = 0;
	/* No timeout of the alert's own: ours below tells a timeout from a cancel. */
	CFUserNotificationRef notification =
		CFUserNotificationCreate(kCFAllocatorDefault, 0, flags, &create_error, contents);
	CFRelease(contents);
	if (notification == NULL || create_error != 0) {
		cf_release(notification);
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_DIALOG,
			    "cannot show the PIN dialog (CFUserNotification error %d)",
			    (int)create_error);
		return FALSE;
	}
	guint cancel_id =
		cancel != NULL ? jpki_cancel_connect(cancel, cancel_notification, notification) : 0;
	CFOptionFlags response = 0;
	SInt32 received = CFUserNotificationReceiveResponse(
		notification, (CFTimeInterval)request->timeout_s, &response);
	if (cancel_id != 0)
		jpki_cancel_disconnect(cancel, cancel_id);
	if (received != 0) {
		/* Nothing came within timeout_s: take the alert down. */
		CFUserNotificationCancel(notification);
		answer->end = NATIVE_DIALOG_TIMEOUT;
	} else if ((response & RESPONSE_BUTTON_MASK) == kCFUserNotificationDefaultResponse) {
		answer->end = NATIVE_DIALOG_OK;
		if (ask)
			answer->typed = copy_typed_text(notification, &answer->too_long);
	} else {
		/* The cancel button, or CFUserNotificationCancel from a JpkiCancel. */
		answer->end = NATIVE_DIALOG_CANCELLED;
	}
	CFRelease(notification);
	return TRUE;
}
