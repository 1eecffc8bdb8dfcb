#!/usr/bin/env bash
# Two instances of jpki-demo-portal sharing one Redis (--nonce-store), as behind a load
# balancer: a real redis-server on loopback with its own port and directory, stopped by its
# PID. A nonce issued by one instance is accepted once by the other, a replay fails on both,
# an expired nonce fails, the login is seen by both, and with Redis stopped a login fails
# closed (store-unavailable), never accepted without the check.
# Usage: test_portal_redis.sh JPKI_DEMO_PORTAL TEST_PKI_DIR
set -uo pipefail
portal=${1:?jpki-demo-portal binary}
pki=${2:?test PKI dir}
# shellcheck source=demo/portal_test_lib.sh
source "$(dirname "$0")/portal_test_lib.sh"

redis_pid=
stop_redis() {
	if [[ -n $redis_pid ]]; then
		kill -TERM "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
		redis_pid=
	fi
}
trap 'stop_redis; cleanup' EXIT

redis_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/redis"
redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work/redis" --save '' \
	--appendonly no --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 100); do
	redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG && break
	sleep 0.1
done
redis-cli -h 127.0.0.1 -p "$redis_port" ping | grep -q PONG || {
	echo "FAILED: redis-server did not start:"
	sed 's/^/    /' "$work/redis.log"
	exit 1
}

origin=https://portal.example.jp
store=(--nonce-store "redis://127.0.0.1:$redis_port" --origin "$origin")
start_portal one "${store[@]}" --nonce-lifetime-seconds 5
one=$base
start_portal two "${store[@]}" --nonce-lifetime-seconds 5
two=$base
jar=$work/jar

# A nonce from instance one, the login at instance two.
base=$one
nonce=$(new_nonce "$jar")
make_token auth-valid.pem auth.key "$origin" "$nonce" >"$work/valid.json"
cp "$jar" "$work/jar-before-login"
base=$two
got=$(post_json "$jar" /api/login "$work/valid.json")
check "a nonce issued by one instance is accepted by the other" 200 '.status == "ok"' "$got"
got=$(request "$jar" GET /api/session)
check "the login is seen by the instance that took it" 200 '.loggedIn == true' "$got"
base=$one
got=$(request "$jar" GET /api/session)
check "and by the other instance" 200 '.loggedIn == true and .subject == "C=JP, CN=TEST00000000001A"' "$got"

# The same token with the same session cookie again, on each instance: the nonce is gone
# everywhere.
for instance in one two; do
	base=${!instance}
	cp "$work/jar-before-login" "$work/replay-jar"
	got=$(post_json "$work/replay-jar" /api/login "$work/valid.json")
	check_error "a replay fails on instance $instance" 403 nonce-missing "$got"
done

# A failed attempt on one instance uses the nonce up for all: the right token then fails on
# the other.
base=$one
nonce=$(new_nonce "$work/attempt-jar")
make_token auth-valid.pem auth.key https://evil.example.jp "$nonce" >"$work/wrong-origin.json"
make_token auth-valid.pem auth.key "$origin" "$nonce" >"$work/right.json"
got=$(post_json "$work/attempt-jar" /api/login "$work/wrong-origin.json")
check_error "a token for another origin fails" 403 signature-invalid "$got"
base=$two
got=$(post_json "$work/attempt-jar" /api/login "$work/right.json")
check_error "its nonce is then used up on the other instance too" 403 nonce-missing "$got"

# A nonce past its lifetime (5 s, long enough for the logins above under ASan on a loaded
# machine; a slower machine only makes this one later).
base=$one
nonce=$(new_nonce "$work/late-jar")
make_token auth-valid.pem auth.key "$origin" "$nonce" >"$work/late.json"
sleep 6
base=$two
got=$(post_json "$work/late-jar" /api/login "$work/late.json")
check_error "an expired nonce fails" 403 nonce-expired "$got"

# Redis gone: no nonce, no login, no session.
base=$one
nonce=$(new_nonce "$work/down-jar")
make_token auth-valid.pem auth.key "$origin" "$nonce" >"$work/down.json"
stop_redis
base=$two
got=$(post_json "$work/down-jar" /api/login "$work/down.json")
check_error "with Redis stopped a login fails closed" 503 store-unavailable "$got"
if jq -e '.en | test("again")' "$work/body" >/dev/null; then
	pass "and the message says what to do"
else
	fail "the store-unavailable message: $(cat "$work/body")"
fi
got=$(request "$work/down-jar" POST /api/nonce)
check_error "with Redis stopped no nonce is issued" 503 store-unavailable "$got"
got=$(request "$jar" GET /api/session)
check_error "with Redis stopped a session cannot be read" 503 store-unavailable "$got"

stop_portal one
stop_portal two
exit $failed
