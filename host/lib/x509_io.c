#include "x509_io.h"

#include "file_io.h"
#include "jpki_error.h"
#include "openssl_autoptr.h"
#include "openssl_error.h"

#include <openssl/err.h>
#include <openssl/pem.h>

/* A JPKI CRL lists every revoked certificate of a CA, so it may be large; a file of more
 * than this is not a CRL. */
#define CRL_MAX (256 * 1024 * 1024)

/* What differs between reading certificates and reading CRLs. */
typedef struct {
	const char *what;
	gsize max;
	void *(*from_der)(const unsigned char **in, long len);
	void *(*from_pem)(BIO *bio);
	GDestroyNotify free;
} ObjectKind;

static void *
x509_from_der(const unsigned char **in, long len)
{
	return d2i_X509(NULL, in, len);
}

static void *
x509_from_pem(BIO *bio)
{
	return PEM_read_bio_X509(bio, NULL, NULL, NULL);
}

static void
x509_free_notify(gpointer x509)
{
	X509_free(x509);
}

static void *
crl_from_der(const unsigned char **in, long len)
{
	return d2i_X509_CRL(NULL, in, len);
}

static void *
crl_from_pem(BIO *bio)
{
	return PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
}

static void
crl_free_notify(gpointer crl)
{
	X509_CRL_free(crl);
}

static const ObjectKind certificate_kind = {"certificate", JPKI_CERTIFICATE_MAX, x509_from_der,
					    x509_from_pem, x509_free_notify};
static const ObjectKind crl_kind = {"CRL", CRL_MAX, crl_from_der, crl_from_pem, crl_free_notify};

/* The single object of a DER encoding, with nothing after it. */
static void *
decode_der(const ObjectKind *kind, GBytes *data, GError **error)
{
	gsize len = 0;
	const guint8 *bytes = g_bytes_get_data(data, &len);
	const unsigned char *p = bytes;
	void *object = len > 0 && len <= kind->max ? kind->from_der(&p, (long)len) : NULL;
	if (object != NULL && p == bytes + len)
		return object;
	if (object != NULL)
		kind->free(object);
	g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT, "not a DER %s: %s", kind->what,
		    object != NULL ? "bytes after its end" : jpki_openssl_take_reason());
	return NULL;
}

/* Every object of a PEM text. */
static GPtrArray *
decode_pem(const ObjectKind *kind, GBytes *data, GError **error)
{
	g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func(kind->free);
	gsize len = 0;
	const guint8 *bytes = g_bytes_get_data(data, &len);
	g_autoptr(BIO) bio = BIO_new_mem_buf(bytes, (int)len);
	for (void *object; bio != NULL && (object = kind->from_pem(bio)) != NULL;)
		g_ptr_array_add(objects, object);
	/* Running out of blocks ends the loop with "no start line"; anything else is a
	 * damaged block, which must not silently drop the ones after it. */
	unsigned long last = ERR_peek_last_error();
	if (objects->len == 0 || (last != 0 && ERR_GET_REASON(last) != PEM_R_NO_START_LINE)) {
		g_set_error(error, JPKI_ERROR, JPKI_ERROR_INVALID_INPUT, "no readable PEM %s: %s",
			    kind->what, jpki_openssl_take_reason());
		return NULL;
	}
	ERR_clear_error();
	return g_steal_pointer(&objects);
}

static GPtrArray *
read_objects(const ObjectKind *kind, const char *path, GError **error)
{
	g_autoptr(GBytes) data = jpki_file_read(path, kind->max, error);
	if (data == NULL)
		return NULL;
	/* DER begins with a SEQUENCE tag; anything else is taken as PEM. */
	gsize len = 0;
	const guint8 *bytes = g_bytes_get_data(data, &len);
	g_autoptr(GPtrArray) objects = NULL;
	if (len > 0 && bytes[0] == 0x30) {
		void *object = decode_der(kind, data, error);
		if (object != NULL) {
			objects = g_ptr_array_new_with_free_func(kind->free);
			g_ptr_array_add(objects, object);
		}
	} else {
		objects = decode_pem(kind, data, error);
	}
	if (objects == NULL)
		g_prefix_error(error, "%s: ", path);
	return g_steal_pointer(&objects);
}

X509 *
jpki_x509_from_der(GBytes *der, GError **error)
{
	g_return_val_if_fail(der != NULL, NULL);
	return decode_der(&certificate_kind, der, error);
}

GPtrArray *
jpki_x509_read_file(const char *path, GError **error)
{
	g_return_val_if_fail(path != NULL, NULL);
	return read_objects(&certificate_kind, path, error);
}

GPtrArray *
jpki_x509_crl_read_file(const char *path, GError **error)
{
	g_return_val_if_fail(path != NULL, NULL);
	return read_objects(&crl_kind, path, error);
}
