/* The マイナポータルAP protocol's identity: combination_code against vectors
 * computed outside this code, and the installation id kept on disk. */
#include "combination_code.h"
#include "common_ap.h"
#include "installation_id.h"
#include "jpki_error.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static const guint8 counting_id[JPKI_INSTALLATION_ID_LEN] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
							     0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
							     0xcc, 0xdd, 0xee, 0xff};

/* Computed with coreutils, not with this code:
 *   printf '\x2e\x71\xf6\x62\x0b\xc6\x54\xce\xd4\x94\xe5\xec\x34\xfe\x03\xc8'\
 *          '0000000000001'\
 *          '\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff' | sha256sum */
static void
test_combination_code_of_the_simulated_card_matches_sha256sum(void **state)
{
	(void)state;
	g_autofree char *code = jpki_combination_code("0000000000001", counting_id);
	assert_string_equal(code,
			    "bcd55a416c66834659b9f6c5485cf151fbcf5bb7474fd7aab09044c40c3db325");
}

/* From a real card's record layout to the code, checked with OpenSSL's CLI:
 *   (printf 2e71f6620bc654ced494e5ec34fe03c8 | xxd -r -p; printf 0000012719843;
 *    printf 0123456789abcdef0123456789abcdef | xxd -r -p) | openssl dgst -sha256 */
static void
test_combination_code_uses_characters_2_to_14_of_the_common_record(void **state)
{
	(void)state;
	static const char record_bytes[] = "\x01\x1c"
					   "4000000127198431322120350217";
	g_autoptr(GBytes) record = g_bytes_new(record_bytes, sizeof(record_bytes) - 1);
	JpkiCardInfo info;
	assert_true(jpki_card_info_decode(record, &info, NULL));
	static const guint8 id[JPKI_INSTALLATION_ID_LEN] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
							    0xcd, 0xef, 0x01, 0x23, 0x45, 0x67,
							    0x89, 0xab, 0xcd, 0xef};
	g_autofree char *code = jpki_combination_code(info.manufacture_number, id);
	assert_string_equal(code,
			    "39d4d0407e542feb87881039c300943fc2649af872f27b4a40f02e1a2eb51e6a");
}

typedef struct {
	char *dir;
	char *path;
} Fixture;

static int
setup(void **state)
{
	Fixture *fixture = g_new0(Fixture, 1);
	fixture->dir = g_dir_make_tmp("test-installation-id-XXXXXX", NULL);
	assert_non_null(fixture->dir);
	fixture->path = bridge_installation_id_path(fixture->dir);
	*state = fixture;
	return 0;
}

static int
teardown(void **state)
{
	Fixture *fixture = *state;
	g_unlink(fixture->path);
	g_autofree char *sub = g_path_get_dirname(fixture->path);
	g_rmdir(sub);
	g_rmdir(fixture->dir);
	g_free(fixture->path);
	g_free(fixture->dir);
	g_free(fixture);
	return 0;
}

static void
test_installation_id_is_made_once_private_and_kept(void **state)
{
	Fixture *fixture = *state;
	guint8 first[JPKI_INSTALLATION_ID_LEN];
	guint8 second[JPKI_INSTALLATION_ID_LEN];
	g_autoptr(GError) error = NULL;
	assert_true(bridge_installation_id_load(fixture->dir, first, &error));
	assert_true(bridge_installation_id_load(fixture->dir, second, &error));
	assert_memory_equal(first, second, sizeof(first));

	GStatBuf st;
	assert_int_equal(g_stat(fixture->path, &st), 0);
#ifdef G_OS_UNIX
	/* Windows has no mode bits: the file is private by its folder (the user's profile). */
	assert_int_equal(st.st_mode & 0777, 0600);
#endif
	g_autofree char *text = NULL;
	assert_true(g_file_get_contents(fixture->path, &text, NULL, NULL));
	assert_int_equal(strlen(text), 33);
	assert_int_equal(strspn(text, "0123456789abcdef"), 32);
	assert_int_equal(text[32], '\n');
	/* No temporary file is left beside it. */
	g_autofree char *sub = g_path_get_dirname(fixture->path);
	g_autoptr(GDir) dir = g_dir_open(sub, 0, NULL);
	guint entries = 0;
	while (g_dir_read_name(dir) != NULL)
		entries++;
	assert_int_equal(entries, 1);
}

static void
test_installation_ids_of_two_installations_differ(void **state)
{
	Fixture *fixture = *state;
	guint8 first[JPKI_INSTALLATION_ID_LEN];
	guint8 second[JPKI_INSTALLATION_ID_LEN];
	assert_true(bridge_installation_id_load(fixture->dir, first, NULL));
	assert_int_equal(g_unlink(fixture->path), 0);
	assert_true(bridge_installation_id_load(fixture->dir, second, NULL));
	assert_memory_not_equal(first, second, sizeof(first));
}

static void
test_a_damaged_installation_id_is_an_error_and_left_alone(void **state)
{
	Fixture *fixture = *state;
	guint8 id[JPKI_INSTALLATION_ID_LEN];
	assert_true(bridge_installation_id_load(fixture->dir, id, NULL));
	static const char damaged[] = "0011223344556677889900AABBCCDDEE\n";
	assert_true(g_file_set_contents(fixture->path, damaged, -1, NULL));
	g_autoptr(GError) error = NULL;
	assert_false(bridge_installation_id_load(fixture->dir, id, &error));
	assert_true(g_error_matches(error, JPKI_ERROR, JPKI_ERROR_IO));
	g_autofree char *text = NULL;
	assert_true(g_file_get_contents(fixture->path, &text, NULL, NULL));
	assert_string_equal(text, damaged);
}

static void
test_installation_id_is_read_as_written_by_hand(void **state)
{
	Fixture *fixture = *state;
	g_autofree char *sub = g_path_get_dirname(fixture->path);
	assert_int_equal(g_mkdir_with_parents(sub, 0700), 0);
	assert_true(
		g_file_set_contents(fixture->path, "00112233445566778899aabbccddeeff", -1, NULL));
	guint8 id[JPKI_INSTALLATION_ID_LEN];
	assert_true(bridge_installation_id_load(fixture->dir, id, NULL));
	assert_memory_equal(id, counting_id, sizeof(id));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_combination_code_of_the_simulated_card_matches_sha256sum),
		cmocka_unit_test(
			test_combination_code_uses_characters_2_to_14_of_the_common_record),
		cmocka_unit_test_setup_teardown(test_installation_id_is_made_once_private_and_kept,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_installation_ids_of_two_installations_differ,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_a_damaged_installation_id_is_an_error_and_left_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_installation_id_is_read_as_written_by_hand,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
