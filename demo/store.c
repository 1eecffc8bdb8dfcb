/* PortalStore's dispatch and PortalLogin. */
#include "store.h"

void
portal_login_free(PortalLogin *login)
{
	if (login == NULL)
		return;
	g_free(login->subject);
	g_free(login->issuer);
	g_free(login->serial);
	g_free(login->not_after);
	g_free(login);
}

char *
portal_store_issue_nonce(PortalStore *store, const char *session_id, gint64 lifetime,
			 char **new_session_id, GError **error)
{
	*new_session_id = NULL;
	return store->ops->issue_nonce(store, session_id, lifetime, new_session_id, error);
}

char *
portal_store_take_nonce(PortalStore *store, const char *session_id, GError **error)
{
	return store->ops->take_nonce(store, session_id, error);
}

char *
portal_store_log_in(PortalStore *store, const char *old_session_id, const PortalLogin *login,
		    GError **error)
{
	return store->ops->log_in(store, old_session_id, login, error);
}

PortalLogin *
portal_store_get_login(PortalStore *store, const char *session_id, GError **error)
{
	if (session_id == NULL)
		return NULL;
	return store->ops->get_login(store, session_id, error);
}

void
portal_store_remove(PortalStore *store, const char *session_id)
{
	if (session_id != NULL)
		store->ops->remove(store, session_id);
}

void
portal_store_free(PortalStore *store)
{
	if (store != NULL)
		store->ops->free(store);
}
