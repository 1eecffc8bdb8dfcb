/* jpki doctor: runs the checks and reports them. */
#include "doctor.h"

#include <stdio.h>

static void
doctor_check_free(gpointer data)
{
	DoctorCheck *check = data;
	g_free(check->name);
	g_free(check->message);
	g_free(check->advice);
	json_decref(check->detail);
	g_free(check);
}

DoctorCheck *
doctor_add(DoctorReport *report, const char *name, DoctorStatus status, const char *advice,
	   const char *format, ...)
{
	DoctorCheck *check = g_new0(DoctorCheck, 1);
	check->name = g_strdup(name);
	check->status = status;
	check->advice = g_strdup(advice);
	va_list args;
	va_start(args, format);
	check->message = g_strdup_vprintf(format, args);
	va_end(args);
	g_ptr_array_add(report->checks, check);
	return check;
}

static const char *
status_name(DoctorStatus status)
{
	const char *names[] = {"ok", "warning", "fail", "skipped"};
	return names[status];
}

static const char *
status_label(Cli *cli, DoctorStatus status)
{
	switch (status) {
	case DOCTOR_OK:
		return TR(cli, "[OK]    ", "[ok]    ");
	case DOCTOR_WARNING:
		return TR(cli, "[注意]  ", "[warn]  ");
	case DOCTOR_FAIL:
		return TR(cli, "[失敗]  ", "[FAIL]  ");
	default:
		return TR(cli, "[未確認]", "[skip]  ");
	}
}

static guint
count(DoctorReport *report, DoctorStatus status)
{
	guint n = 0;
	for (guint i = 0; i < report->checks->len; i++) {
		DoctorCheck *check = g_ptr_array_index(report->checks, i);
		n += check->status == status;
	}
	return n;
}

static void
print_json(DoctorReport *report)
{
	json_t *checks = json_array();
	for (guint i = 0; i < report->checks->len; i++) {
		DoctorCheck *check = g_ptr_array_index(report->checks, i);
		json_t *entry = json_pack("{s:s, s:s, s:s, s:s?}", "name", check->name, "status",
					  status_name(check->status), "message", check->message,
					  "advice", check->advice);
		if (check->detail != NULL)
			json_object_set(entry, "detail", check->detail);
		json_array_append_new(checks, entry);
	}
	guint failed = count(report, DOCTOR_FAIL);
	cli_print_json(json_pack("{s:o, s:b, s:i, s:i}", "checks", checks, "passed", failed == 0,
				 "failed", failed, "warnings", count(report, DOCTOR_WARNING)));
}

static void
print_text(DoctorReport *report)
{
	Cli *cli = report->cli;
	for (guint i = 0; i < report->checks->len; i++) {
		DoctorCheck *check = g_ptr_array_index(report->checks, i);
		printf("%s %s: %s\n", status_label(cli, check->status), check->name,
		       check->message);
		if (check->advice != NULL)
			printf("         → %s\n", check->advice);
	}
	guint failed = count(report, DOCTOR_FAIL), warnings = count(report, DOCTOR_WARNING);
	if (failed == 0 && warnings == 0)
		printf("%s\n", TR(cli, "すべての確認に合格しました。", "All checks passed."));
	else if (failed == 0)
		printf(TR(cli, "合格です（注意 %u 件）。\n", "Passed, with %u warning(s).\n"),
		       warnings);
	else
		printf(TR(cli, "%u 件の確認に失敗しました。「→」の対処をしてください。\n",
			  "%u check(s) failed: do what each \"→\" says.\n"),
		       failed);
}

int
cli_doctor(Cli *cli, int argc, char **argv)
{
	if (!cli_parse(
		    cli, &argc, &argv, "",
		    TR(cli,
		       "この環境でマイナンバーカードをブラウザーから使えるか確かめ、問題ごとに対処"
		       "を示します。暗証番号は使いません。",
		       "Checks that this machine can use the My Number Card from the browser, "
		       "and says what to do about each problem. No PIN is used."),
		    NULL) ||
	    !cli_refuse_arguments(cli, argc, argv))
		return CLI_USAGE;
	DoctorReport report = {cli, g_ptr_array_new_with_free_func(doctor_check_free)};
	doctor_check_card(&report);
	doctor_check_desktop(&report);
	if (cli->json)
		print_json(&report);
	else
		print_text(&report);
	int status = count(&report, DOCTOR_FAIL) == 0 ? CLI_OK : CLI_ERROR;
	g_ptr_array_unref(report.checks);
	return status;
}
