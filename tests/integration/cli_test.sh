#!/usr/bin/env bash
# The `jpki` CLI through the real pcscd, with the simulated card on vpcd.
# Usage: cli_test.sh JPKI TEST_PKI_DIR WITH_VIRTUAL_CARD FAKE_PINENTRY
# Each scenario runs inside its own tests/with-virtual-card (own card profile).
set -uo pipefail
jpki=${1:?jpki binary}
pki=${2:?test PKI dir}
with_card=${3:?with-virtual-card}
fake_pinentry=${4:?fake-pinentry}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source-path=SCRIPTDIR source=check.sh
source "$(dirname "$0")/check.sh"
# Under the valgrind preset, every start of the CLI runs under memcheck (check.sh).
jpki=$(memchecked "$jpki")

# Run `jpki` inside a card; $1 = simulator options (quoted string).
on_card() {
	local sim_options=$1
	shift
	# shellcheck disable=SC2086
	"$with_card" $sim_options -- "$@"
}

expect() { # description, actual, expected
	if [[ $2 != "$3" ]]; then
		echo "$1: expected '$3', got '$2'"
		return 1
	fi
}

# How many VERIFYs carrying a PIN reached the card, from `jpki-card-sim --stats FILE` (written
# when the simulator stops, before on_card returns). Status queries are not counted.
pins_sent() {
	sed -n 's/^pin_verifies=//p' "$1" | grep . || echo "no stats in $1"
}

# Inside on_card "--start-removed": runs `jpki ... --wait` (text output, English), puts the card
# in once jpki has said it waits for one, and exits with jpki's status; its stdout goes on.
# shellcheck disable=SC2016
waits_then_runs='
	err=$(mktemp)
	"$@" --wait 60 --lang en 2>"$err" &
	pid=$!
	until grep -q "Place your My Number Card" "$err"; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -USR2 "$JPKI_SIM_PID"
	wait "$pid"
	status=$?
	if ! grep -q "Place your My Number Card" "$err"; then
		echo "jpki did not wait for the card:"
		cat "$err"
		status=3
	fi
	rm -f "$err"
	exit "$status"'

status_reports_the_card_certificates_and_tries() {
	local json
	json=$(on_card "" "$jpki" status --json) || return 1
	expect type "$(jq -r .card.type <<<"$json")" mynumber &&
		expect reader "$(jq -r .card.reader <<<"$json")" "Virtual PCD 00 00" &&
		expect auth "$(jq -r .certificates.auth.validity <<<"$json")" valid &&
		expect subject "$(jq -r .certificates.auth.subject <<<"$json")" "C=JP, CN=TEST00000000001A" &&
		expect sign "$(jq -r .certificates.sign.present <<<"$json")" true &&
		expect auth-tries "$(jq -r .pins.auth.tries_left <<<"$json")" 3 &&
		expect sign-tries "$(jq -r .pins.sign.tries_left <<<"$json")" 5 &&
		expect support-tries "$(jq -r .pins.support.tries_left <<<"$json")" 3
}

status_speaks_japanese_and_english() {
	on_card "" "$jpki" status --lang ja | grep -q "カード: マイナンバーカード" &&
		on_card "" "$jpki" status --lang en | grep -q "Card: My Number Card" &&
		LANG=ja_JP.UTF-8 on_card "" "$jpki" status | grep -q "暗証番号の残り回数"
}

status_warns_inside_the_renewal_window() {
	local json text
	json=$(on_card "--profile renewal" "$jpki" status --json) || return 1
	expect validity "$(jq -r .certificates.auth.validity <<<"$json")" renewal-window || return 1
	text=$(on_card "--profile renewal" "$jpki" status --lang ja) || return 1
	grep -q "更新できる期間です" <<<"$text" && grep -q "市区町村の窓口で更新" <<<"$text"
}

child_card_has_no_signing_certificate() {
	local json
	json=$(on_card "--profile child" "$jpki" status --json) || return 1
	expect sign "$(jq -r .certificates.sign.present <<<"$json")" false || return 1
	json=$(on_card "--profile child" "$jpki" cert show sign --json --pin-fd 3 3<<<ABC123)
	[[ $? -eq 1 ]] && expect code "$(jq -r .error.code <<<"$json")" no-signing-certificate
}

declined_certificates_are_not_on_the_card_not_locked() {
	local json text
	json=$(on_card "--profile no-auth-cert" "$jpki" status --json) || return 1
	expect auth "$(jq -r .certificates.auth.present <<<"$json")" false &&
		expect auth-pin "$(jq -r .pins.auth.present <<<"$json")" false &&
		expect sign-tries "$(jq -r .pins.sign.tries_left <<<"$json")" 5 || return 1
	text=$(on_card "--profile no-auth-cert" "$jpki" status --lang ja) || return 1
	grep -q "利用者証明用電子証明書: この証明書は搭載されていません" <<<"$text" || return 1
	# The adult who declined the signing certificate: blank EF, blocked password EF.
	json=$(on_card "--profile no-sign-cert" "$jpki" status --json) || return 1
	expect sign "$(jq -r .certificates.sign.present <<<"$json")" false &&
		expect sign-pin "$(jq -r .pins.sign.present <<<"$json")" false || return 1
	text=$(on_card "--profile no-sign-cert" "$jpki" status --lang en) || return 1
	grep -q "Signing certificate: not on this card" <<<"$text" && ! grep -q "0/5" <<<"$text" || return 1
	echo "x" >"$work/declined"
	json=$(on_card "--profile no-sign-cert" "$jpki" sign "$work/declined" --json --pin-fd 3 3<<<ABC123)
	[[ $? -eq 1 ]] && expect code "$(jq -r .error.code <<<"$json")" no-signing-certificate || return 1
	json=$(on_card "--profile no-auth-cert" "$jpki" cert show auth --json)
	[[ $? -eq 1 ]] && expect code "$(jq -r .error.code <<<"$json")" no-auth-certificate
}

juki_card_is_reported_as_no_longer_usable() {
	local json
	json=$(on_card "--profile juki" "$jpki" status --json)
	[[ $? -eq 1 ]] || return 1
	expect code "$(jq -r .error.code <<<"$json")" juki-card || return 1
	local text
	text=$(on_card "--profile juki" "$jpki" status --lang ja 2>&1)
	grep -q "住基カード" <<<"$text"
}

# A FeliCa card on a contactless reader (6A81 to everything) and an ISO card without the JPKI
# application (6A82) are "not a My Number Card", in both languages; never "no card".
other_cards_are_not_a_my_number_card() {
	local profile json text
	for profile in felica foreign; do
		json=$(on_card "--profile $profile" "$jpki" status --json)
		[[ $? -eq 1 ]] || { echo "$profile: jpki status did not fail"; return 1; }
		expect "$profile code" "$(jq -r .error.code <<<"$json")" unsupported-card || return 1
		text=$(on_card "--profile $profile" "$jpki" status --lang ja 2>&1)
		grep -q "マイナンバーカードではありません" <<<"$text" || { echo "$text"; return 1; }
		text=$(on_card "--profile $profile" "$jpki" status --lang en 2>&1)
		grep -q "not a My Number Card" <<<"$text" || { echo "$text"; return 1; }
	done
}

# The first APDU after power-up answered 6F00 (seen on a contactless card) is sent once more.
card_answering_6f00_after_power_up_works() {
	local json
	json=$(on_card "--first-apdu-6f00" "$jpki" status --json) || { echo "$json"; return 1; }
	expect type "$(jq -r .card.type <<<"$json")" mynumber
}

# The card is behind the kind of reader this run asks for (JPKI_SIM_EXTRA_ARGS): the ATR a
# contactless reader makes up for a Type B card, or the contact one.
card_is_behind_the_reader_this_run_asks_for() {
	local atr expected=3b:e0:00:ff:81:31:fe:45:14
	[[ " ${JPKI_SIM_EXTRA_ARGS:-} " == *" --contactless "* ]] && expected=3b:88:80:01:00:00:05:e0:b3:81:a1:00:7f
	atr=$(on_card "" opensc-tool --reader "Virtual PCD 00 00" --atr 2>&1) || { echo "$atr"; return 1; }
	expect ATR "$(tail -n1 <<<"$atr")" "$expected"
}

no_card_is_reported_and_waiting_takes_an_inserted_card() {
	local json
	json=$(on_card "--start-removed" "$jpki" status --json)
	[[ $? -eq 1 ]] && expect code "$(jq -r .error.code <<<"$json")" no-card || return 1
	# The card is put in only once jpki says it waits for one.
	on_card "--start-removed" bash -c "$waits_then_runs" - "$jpki" status >"$work/waited" &&
		grep -q "Card: My Number Card" "$work/waited"
}

signs_a_file_that_openssl_and_jpki_verify() {
	echo "申請書 e-application $RANDOM" >"$work/form.txt"
	on_card "" "$jpki" sign "$work/form.txt" --pin-fd 3 3<<<ABC123 >/dev/null || return 1
	openssl cms -verify -binary -inform DER -in "$work/form.txt.p7s" -content "$work/form.txt" \
		-CAfile "$pki/sign-ca.pem" -purpose any -out /dev/null || return 1
	local json
	json=$("$jpki" verify "$work/form.txt" "$work/form.txt.p7s" --ca "$pki/sign-ca.pem" --json) || return 1
	expect valid "$(jq -r .signature_valid <<<"$json")" true &&
		expect name "$(jq -r .holder.name <<<"$json")" "テスト　太郎"
}

verify_rejects_a_changed_file_and_an_untrusted_signer() {
	echo "original" >"$work/doc.txt"
	on_card "" "$jpki" sign "$work/doc.txt" --pin-fd 3 3<<<ABC123 >/dev/null || return 1
	local json
	echo "changed" >"$work/doc.txt"
	json=$("$jpki" verify "$work/doc.txt" "$work/doc.txt.p7s" --ca "$pki/sign-ca.pem" --json)
	[[ $? -eq 1 ]] && expect code "$(jq -r .error.code <<<"$json")" signature-invalid || return 1
	echo "original" >"$work/doc.txt"
	# The real JPKI roots are the default trust anchors: test certificates do not chain to them.
	json=$("$jpki" verify "$work/doc.txt" "$work/doc.txt.p7s" --json)
	[[ $? -eq 1 ]] && expect code "$(jq -r .error.code <<<"$json")" certificate-untrusted
}

verifies_a_signature_made_by_openssl_with_the_same_key() {
	echo "signed elsewhere" >"$work/other.txt"
	openssl cms -sign -binary -md sha256 -signer "$pki/sign-valid.pem" -inkey "$pki/sign.key" \
		-in "$work/other.txt" -outform DER -out "$work/other.p7s" || return 1
	"$jpki" verify "$work/other.txt" "$work/other.p7s" --ca "$pki/sign-ca.pem" --lang en | grep -q "The signature is valid"
}

expired_signing_certificate_signs_nothing() {
	echo "late" >"$work/late.txt"
	local json
	json=$(on_card "--profile sign-expired" "$jpki" sign "$work/late.txt" --json --pin-fd 3 3<<<ABC123)
	[[ $? -eq 1 ]] && expect code "$(jq -r .error.code <<<"$json")" certificate-expired &&
		[[ ! -e $work/late.txt.p7s ]]
}

no_signature_after() { # what failed
	[[ ! -e $work/unsigned.txt.p7s ]] || {
		echo "$1 wrote $work/unsigned.txt.p7s"
		return 1
	}
}

failed_signing_writes_no_signature() {
	local json status
	echo "unsigned" >"$work/unsigned.txt"
	json=$(on_card "" "$jpki" sign "$work/unsigned.txt" --json --pin-fd 3 3<<<WRONG9)
	status=$?
	expect wrong-status "$status" 1 && expect wrong "$(jq -r .error.code <<<"$json")" pin-incorrect &&
		no_signature_after "a wrong signing password" || return 1
	# An empty line is the user giving up.
	json=$(on_card "" "$jpki" sign "$work/unsigned.txt" --json --pin-fd 3 3<<<"")
	status=$?
	expect cancel-status "$status" 1 && expect cancel "$(jq -r .error.code <<<"$json")" cancelled &&
		no_signature_after "a cancelled signing" || return 1
	# The card leaves after the signing password was verified (status query, then VERIFY).
	json=$(on_card "--remove-after-command 20:2" "$jpki" sign "$work/unsigned.txt" --json --pin-fd 3 3<<<ABC123)
	status=$?
	expect removed-status "$status" 1 && expect removed "$(jq -r .error.code <<<"$json")" card-removed &&
		no_signature_after "a card removed while signing"
}

wrong_pin_reports_tries_left_and_bad_format_costs_nothing() {
	# shellcheck disable=SC2016
	echo "x" >"$work/x"
	# shellcheck disable=SC2016
	on_card "--stats $work/format.stats" bash -c '
		"$0" attributes --json --pin-fd 3 3<<<0000 >"$1/wrong.json"; echo $? >"$1/wrong.rc"
		"$0" attributes --json --pin-fd 3 3<<<12345 >"$1/format.json"; echo $? >"$1/format.rc"
		"$0" sign "$1/x" --json --pin-fd 3 3<<<"ABC 12" >"$1/format2.json"; echo $? >"$1/format2.rc"
		"$0" pin status --json >"$1/after.json"' "$jpki" "$work"
	expect wrong-status "$(<"$work/wrong.rc")" 1 && expect format-status "$(<"$work/format.rc")" 1 &&
		expect sign-format-status "$(<"$work/format2.rc")" 1 &&
		expect code "$(jq -r .error.code "$work/wrong.json")" pin-incorrect &&
		expect tries "$(jq -r .error.tries_left "$work/wrong.json")" 2 &&
		expect format "$(jq -r .error.code "$work/format.json")" pin-format &&
		expect sign-format "$(jq -r .error.code "$work/format2.json")" pin-format &&
		expect support-after "$(jq -r .support.tries_left "$work/after.json")" 2 &&
		expect sign-after "$(jq -r .sign.tries_left "$work/after.json")" 5 &&
		# Only the wrong PIN 0000 reached the card; the badly formed ones never did.
		expect pins-sent "$(pins_sent "$work/format.stats")" 1 &&
		[[ ! -e $work/x.p7s ]]
}

signing_password_of_digits_or_letters_only_is_never_sent() {
	# J-LIS: 英数字を組み合わせた6文字から16文字. Either would cost one of the 5 tries.
	echo "x" >"$work/mixed"
	# shellcheck disable=SC2016
	on_card "--stats $work/mixed.stats" bash -c '
		"$0" sign "$1/mixed" --json --lang en --pin-fd 3 3<<<123456 >"$1/digits.json"
		"$0" sign "$1/mixed" --lang ja --pin-fd 3 3<<<abcdef 2>"$1/letters.txt"
		"$0" pin change sign --json --pin-fd 3 3<<<$'"'"'ABC123\nABCDEFGH'"'"' >"$1/new.json"
		"$0" pin status --json >"$1/after.json"' "$jpki" "$work"
	expect code "$(jq -r .error.code "$work/digits.json")" pin-format &&
		jq -r .error.advice "$work/digits.json" | grep -q "with both letters and digits" &&
		grep -q "英大文字と数字を組み合わせた" "$work/letters.txt" &&
		expect new-code "$(jq -r .error.code "$work/new.json")" pin-format &&
		expect sign-after "$(jq -r .sign.tries_left "$work/after.json")" 5 &&
		expect pins-sent "$(pins_sent "$work/mixed.stats")" 0 &&
		[[ ! -e $work/mixed.p7s ]]
}

locked_pin_is_never_asked_for() {
	local json
	json=$(on_card "--profile auth-locked --stats $work/locked.stats" "$jpki" pin change auth --json --pin-fd 3 3<<<$'1234\n5678')
	[[ $? -eq 1 ]] && expect code "$(jq -r .error.code <<<"$json")" pin-blocked || return 1
	expect pins-sent "$(pins_sent "$work/locked.stats")" 0 || return 1
	on_card "--profile auth-locked" "$jpki" pin status --lang ja | grep -q "市区町村の窓口で再設定" || return 1
	# Some cards answer the status query of a blocked PIN with 6984 instead of 63C0.
	json=$(on_card "--profile auth-locked --blocked-status-6984" "$jpki" pin status --json) || return 1
	expect blocked-6984 "$(jq -r .auth.blocked <<<"$json")" true &&
		expect sign-beside "$(jq -r .sign.tries_left <<<"$json")" 5
}

changes_the_authentication_pin() {
	# shellcheck disable=SC2016
	on_card "" bash -c '
		"$0" pin change auth --json --pin-fd 3 3<<<$'"'"'1234\n5678'"'"' >"$1/changed.json" &&
		"$0" pin change auth --json --pin-fd 3 3<<<$'"'"'1234\n4321'"'"' >"$1/old.json"
		"$0" pin change auth --json --pin-fd 3 3<<<$'"'"'5678\n1234'"'"' >"$1/back.json"' "$jpki" "$work"
	expect changed "$(jq -r .changed "$work/changed.json")" true &&
		expect old-pin "$(jq -r .error.code "$work/old.json")" pin-incorrect &&
		expect back "$(jq -r .changed "$work/back.json")" true
}

shows_certificates_in_every_format() {
	on_card "" "$jpki" cert show auth --format der --out "$work/auth.der" || return 1
	cmp "$work/auth.der" <(openssl x509 -in "$pki/auth-valid.pem" -outform DER) || return 1
	on_card "" "$jpki" cert show sign-ca --format pem | openssl x509 -noout -subject | grep -q "JPKI for digital signature" || return 1
	local json
	json=$(on_card "" "$jpki" cert show sign --json --pin-fd 3 3<<<ABC123) || return 1
	expect birth "$(jq -r .holder.birth_date <<<"$json")" 19900101 &&
		expect address "$(jq -r .holder.address <<<"$json")" "東京都千代田区霞が関２丁目１番２号　テスト"
}

cert_check_verifies_chain_and_revocation() {
	on_card "" "$jpki" cert check auth --ca "$pki/auth-ca.pem" --json >"$work/check.json" || return 1
	expect verified "$(jq -r .verified "$work/check.json")" true || return 1
	# A CRL from the test signing CA that revokes the holder's signing certificate.
	local serial
	serial=$(openssl x509 -in "$pki/sign-valid.pem" -noout -serial | cut -d= -f2)
	printf 'R\t301231000000Z\t250101000000Z\t%s\tunknown\t/CN=TEST\n' "$serial" >"$work/index.txt"
	printf '[ca]\ndefault_ca=test\n[test]\ndatabase=%s\ndefault_md=sha256\ndefault_crl_days=30\n' "$work/index.txt" >"$work/ca.cnf"
	openssl ca -gencrl -config "$work/ca.cnf" -keyfile "$pki/sign-ca.key" -cert "$pki/sign-ca.pem" \
		-out "$work/crl.pem" 2>/dev/null || return 1
	local json
	json=$(on_card "" "$jpki" cert check sign --ca "$pki/sign-ca.pem" --crl "$work/crl.pem" --json --pin-fd 3 3<<<ABC123)
	[[ $? -eq 1 ]] && expect code "$(jq -r .error.code <<<"$json")" certificate-revoked
}

card_removed_mid_signing_is_reported() {
	echo "removed" >"$work/removed.txt"
	local json
	# Removed right after the second VERIFY (status query, then the password).
	json=$(on_card "--remove-after-command 20:2" "$jpki" sign "$work/removed.txt" --json --pin-fd 3 3<<<ABC123)
	[[ $? -eq 1 ]] && expect code "$(jq -r .error.code <<<"$json")" card-removed
}

pinentry_asks_on_a_desktop() {
	local log=$work/cli-pinentry.log json
	json=$(DISPLAY=:99 JPKI_PINENTRY="$fake_pinentry" FAKE_PINENTRY_PIN=1234 FAKE_PINENTRY_LOG="$log" \
		on_card "" "$jpki" attributes --json --lang en) || return 1
	expect name "$(jq -r .name <<<"$json")" "テスト　太郎" &&
		tr '\0' '\n' <"$log" | grep -q "card input support PIN (4 digits)" &&
		tr '\0' '\n' <"$log" | grep -q "3 tries left"
}

# After one wrong PIN the dialog says what is left, in both languages.
pinentry_tells_the_tries_left_after_a_wrong_pin() {
	local en=$work/tries-en.log ja=$work/tries-ja.log
	# shellcheck disable=SC2016
	DISPLAY=:99 JPKI_PINENTRY="$fake_pinentry" FAKE_PINENTRY_PIN=1234 on_card "" bash -c '
		"$0" attributes --json --pin-fd 3 3<<<0000 >/dev/null
		FAKE_PINENTRY_LOG=$1 "$0" attributes --json --lang en >/dev/null &&
			"$0" attributes --json --pin-fd 3 3<<<0000 >/dev/null
		FAKE_PINENTRY_LOG=$2 "$0" attributes --json --lang ja >/dev/null' "$jpki" "$en" "$ja" || return 1
	tr '\0' '\n' <"$en" | grep -q "2 tries left" &&
		tr '\0' '\n' <"$ja" | grep -q "残り2回" &&
		! tr '\0' '\n' <"$en" | grep -q "3 tries left"
}

# Every command that uses the card, with the PINs it reads from fd 3 (one per line).
card_commands=(
	"status"
	"cert show auth"
	"cert check auth --ca $pki/auth-ca.pem"
	"pin status"
	"pin change auth|1234 5678"
	"attributes|1234"
	"sign $work/reader.txt|ABC123"
)

# run_card_command "COMMAND|PINS" [jpki options...]: runs it with the PINs on fd 3.
run_card_command() {
	local command=${1%%|*} pins=""
	[[ $1 == *"|"* ]] && pins=${1#*|}
	shift
	# shellcheck disable=SC2086
	"$jpki" $command "$@" --pin-fd 3 3< <(tr ' ' '\n' <<<"$pins")
}

reader_option_picks_the_reader_on_every_command() {
	echo "to sign" >"$work/reader.txt"
	# One card for all: the right name works; a wrong one says there is no such reader.
	# shellcheck disable=SC2016
	on_card "--stats $work/reader.stats" bash -c "$(declare -f run_card_command)"'
		jpki=$0
		shift
		for entry in "$@"; do
			run_card_command "$entry" --json --reader "$JPKI_SIM_READER" >/dev/null ||
				{ echo "${entry%%|*} --reader right: status $?"; exit 1; }
			json=$(run_card_command "$entry" --json --reader "No Such Reader 00 00")
			status=$?
			code=$(jq -r .error.code <<<"$json")
			[[ $status -eq 1 && $code == no-reader ]] &&
				jq -r .error.message <<<"$json" | grep -q "No Such Reader 00 00" ||
				{ echo "${entry%%|*} --reader wrong: status $status, $json"; exit 1; }
		done' "$jpki" - "${card_commands[@]}" || return 1
	# Only the right runs sent PINs: pin change, attributes and sign, one each.
	expect pins-sent "$(pins_sent "$work/reader.stats")" 3
}

wait_option_takes_a_card_inserted_later_on_every_command() {
	echo "to sign" >"$work/reader.txt"
	local entry
	for entry in "${card_commands[@]}"; do
		on_card "--start-removed" bash -c "$(declare -f run_card_command)
			jpki=\$0; $waits_then_runs" "$jpki" run_card_command "$entry" >/dev/null
		expect "${entry%%|*} --wait: status" $? 0 || return 1
	done
}

# PINs come from --pin-fd, the terminal or the desktop's dialog only: never from the command
# line or the environment, however PIN-like what is found there.
pins_are_never_taken_from_argv_or_the_environment() {
	local json status
	# No terminal (a new session), no desktop, no --pin-fd: nothing else is taken for the PIN.
	json=$(
		unset DISPLAY WAYLAND_DISPLAY
		export JPKI_PIN=1234 PIN=1234 JPKI_SUPPORT_PIN=1234
		on_card "--stats $work/argv.stats" setsid --wait "$jpki" attributes --json </dev/null
	)
	status=$?
	expect status "$status" 1 && expect code "$(jq -r .error.code <<<"$json")" invalid-input &&
		jq -r .error.message <<<"$json" | grep -q -- --pin-fd &&
		expect pins-sent "$(pins_sent "$work/argv.stats")" 0 || return 1
	# A PIN typed as an argument is a usage error, told without echoing it back.
	on_card "--stats $work/argv2.stats" "$jpki" attributes 1234 --lang en 2>"$work/argv.err" </dev/null
	expect argument-status $? 2 && grep -q -- --pin-fd "$work/argv.err" &&
		! grep -q 1234 "$work/argv.err" &&
		expect pins-sent-argument "$(pins_sent "$work/argv2.stats")" 0 || return 1
	# On a desktop the dialog asks, and its PIN is the one sent, whatever the environment holds.
	local log=$work/env-pinentry.log
	json=$(DISPLAY=:99 JPKI_PINENTRY="$fake_pinentry" FAKE_PINENTRY_PIN=1234 FAKE_PINENTRY_LOG="$log" \
		JPKI_PIN=0000 PIN=0000 JPKI_SUPPORT_PIN=0000 \
		on_card "--stats $work/env.stats" "$jpki" attributes --json --lang en) || return 1
	expect name "$(jq -r .name <<<"$json")" "テスト　太郎" &&
		tr '\0' '\n' <"$log" | grep -qx GETPIN &&
		expect pins-sent "$(pins_sent "$work/env.stats")" 1
}

help_is_in_both_languages() {
	"$jpki" --help --lang ja | grep -q "署名" && "$jpki" --help --lang en | grep -q "sign a file" &&
		"$jpki" sign --help --lang ja | grep -q "CAdES-BES" || return 1
	"$jpki" frobnicate 2>/dev/null
	expect unknown-command-status $? 2
}

check "status reports the card, its certificates and tries left" status_reports_the_card_certificates_and_tries
check "status speaks Japanese and English" status_speaks_japanese_and_english
check "status warns inside the renewal window" status_warns_inside_the_renewal_window
check "a child's card has no signing certificate" child_card_has_no_signing_certificate
check "a declined certificate is 'not on this card', never locked" declined_certificates_are_not_on_the_card_not_locked
check "a Juki card is reported as no longer usable" juki_card_is_reported_as_no_longer_usable
check "FeliCa and other cards are 'not a My Number Card'" other_cards_are_not_a_my_number_card
check "a card answering 6F00 to its first APDU after power-up works" card_answering_6f00_after_power_up_works
check "the card is behind the reader this run asks for" card_is_behind_the_reader_this_run_asks_for
check "no card is reported; --wait takes a card inserted later" no_card_is_reported_and_waiting_takes_an_inserted_card
check "sign writes a .p7s that openssl and jpki verify" signs_a_file_that_openssl_and_jpki_verify
check "verify rejects a changed file and an untrusted signer" verify_rejects_a_changed_file_and_an_untrusted_signer
check "verify accepts a signature openssl made with the same key" verifies_a_signature_made_by_openssl_with_the_same_key
check "an expired signing certificate signs nothing" expired_signing_certificate_signs_nothing
check "a wrong PIN reports tries left; a bad format costs no try" wrong_pin_reports_tries_left_and_bad_format_costs_nothing
check "a signing password of digits or letters only is never sent" signing_password_of_digits_or_letters_only_is_never_sent
check "a locked PIN is never asked for" locked_pin_is_never_asked_for
check "pin change changes the authentication PIN" changes_the_authentication_pin
check "cert show writes text, PEM and DER" shows_certificates_in_every_format
check "cert check verifies the chain and revocation" cert_check_verifies_chain_and_revocation
check "a card removed while signing is reported" card_removed_mid_signing_is_reported
check "on a desktop the PIN is asked in pinentry" pinentry_asks_on_a_desktop
check "after a wrong PIN the pinentry dialog tells 2 tries left (残り2回)" pinentry_tells_the_tries_left_after_a_wrong_pin
check "a failed signing (wrong PIN, cancel, card removed) writes no .p7s" failed_signing_writes_no_signature
check "--reader picks the reader on every command; a wrong name is no-reader" reader_option_picks_the_reader_on_every_command
check "--wait takes a card inserted later on every command" wait_option_takes_a_card_inserted_later_on_every_command
check "PINs are never taken from the command line or the environment" pins_are_never_taken_from_argv_or_the_environment
check "help is in both languages" help_is_in_both_languages

check_summary
