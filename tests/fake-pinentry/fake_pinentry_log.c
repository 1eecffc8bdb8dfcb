#include "fake_pinentry_log.h"

GPtrArray *
fake_pinentry_log_read(const char *path)
{
	GPtrArray *records = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *contents = NULL;
	gsize len = 0;
	if (!g_file_get_contents(path, &contents, &len, NULL))
		return records;
	for (gsize start = 0; start < len;) {
		gsize end = start;
		while (end < len && contents[end] != '\0')
			end++;
		g_ptr_array_add(records, g_strndup(contents + start, end - start));
		start = end + 1;
	}
	return records;
}
