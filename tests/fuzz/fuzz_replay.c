/* main() of a harness built without libFuzzer: runs LLVMFuzzerTestOneInput on every file of
 * the directories (or the files) given, as ctest does with each harness's committed corpus,
 * so every build (and the asan preset) replays the corpora. Fails on an empty corpus. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gboolean
replay_file(const char *path, guint *count)
{
	g_autofree char *contents = NULL;
	gsize len = 0;
	g_autoptr(GError) error = NULL;
	if (!g_file_get_contents(path, &contents, &len, &error)) {
		fprintf(stderr, "%s\n", error->message);
		return FALSE;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)contents, len);
	(*count)++;
	return TRUE;
}

static gboolean
replay(const char *path, guint *count)
{
	if (!g_file_test(path, G_FILE_TEST_IS_DIR))
		return replay_file(path, count);
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) dir = g_dir_open(path, 0, &error);
	if (dir == NULL) {
		fprintf(stderr, "%s\n", error->message);
		return FALSE;
	}
	for (const char *name = g_dir_read_name(dir); name != NULL; name = g_dir_read_name(dir)) {
		g_autofree char *file = g_build_filename(path, name, NULL);
		if (!replay(file, count))
			return FALSE;
	}
	return TRUE;
}

int
main(int argc, char **argv)
{
	guint count = 0;
	for (int i = 1; i < argc; i++) {
		if (!replay(argv[i], &count))
			return 1;
	}
	printf("%u inputs replayed\n", count);
	return count > 0 ? 0 : 1;
}
