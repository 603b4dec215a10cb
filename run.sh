#!/usr/bin/env bash
# Runs the three services together in the foreground, without Docker:
#
#   ./run.sh
#
# Builds them once into bin/, starts them with their optional settings
# files configs/<service>/<service>.env, and says "all three are up" once
# each one's /readyz answers 200 and one GET /current_time through the
# webapp succeeds. If a service fails to start, or the call fails, it says
# which link failed and which settings decide it, quotes the failing
# service's own error line, stops the others and exits 1. Their JSON log
# lines go to stdout as they are (each carries "service"), and to
# bin/logs/<service>.log. Ctrl-C stops all three, as does SIGINT to its
# process group or SIGTERM to the script (kill <pid>): it then exits 0 if
# all three stopped cleanly.
#
# Needs bash 3.2 or later (macOS's /bin/bash will do), Go and curl.
set -euo pipefail
cd "$(dirname "$0")"

services=(authserver resourceserver webapp)
say() { echo "run.sh: $*" >&2; }

# setting NAME SERVICE DEFAULT: what the service sees, the environment
# winning over its settings file.
setting() {
	local value=${!1:-}
	if [ -z "$value" ] && [ -f "configs/$2/$2.env" ]; then
		value=$(sed -n "s/^$1=//p" "configs/$2/$2.env" | tail -1)
		value=${value#[\"\']} && value=${value%[\"\']}
	fi
	echo "${value:-$3}"
}
port_of() { local addr; addr=$(setting "$1" "$2" "$3"); echo "${addr##*:}"; }
auth_port=$(port_of AUTH_ADDR authserver :5001)
res_port=$(port_of RESOURCE_ADDR resourceserver :5002)
web_port=$(port_of WEBAPP_ADDR webapp :5003)

# Something already answering on our ports would answer our checks too:
# refuse to start rather than report its health as ours.
for port in "$auth_port" "$res_port" "$web_port"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		say "port $port is already in use (another ./run.sh, or a service started by hand?); stop it first"
		exit 1
	fi
done

say "building the three services into bin/ (the first build takes a while)..."
go build -o bin/ ./authserver ./resourceserver ./webapp
logs=bin/logs
mkdir -p "$logs"

pids=()
stopping=""
# stop sends SIGTERM to every service still running and fails if one does
# not exit 0 (127: already waited for, below).
stop() {
	trap '' INT TERM
	local pid r rc=0
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do
		r=0
		wait "$pid" 2>/dev/null || r=$?
		[ "$r" -eq 0 ] || [ "$r" -eq 127 ] || rc=1
	done
	return $rc
}
finish() { # finish REASON: stop everything and exit as it went
	say "$1: stopping the services..."
	if stop; then
		say "all three stopped cleanly"
		exit 0
	fi
	say "a service did not stop cleanly"
	exit 1
}
# quote SERVICE: the service's own last error line, else its last warning,
# else its last line.
quote() {
	local line
	line=$(grep '"level":"ERROR"' "$logs/$1.log" | tail -1 || true)
	[ -n "$line" ] || line=$(grep '"level":"WARN"' "$logs/$1.log" | tail -1 || true)
	[ -n "$line" ] || line=$(tail -1 "$logs/$1.log" || true)
	say "$1 said: ${line:-nothing}"
}
fail() { # fail SERVICE MESSAGE
	say "$2"
	quote "$1"
	say "stopping the others"
	stop || true
	exit 1
}
trap 'stopping=SIGINT' INT
trap 'stopping=SIGTERM' TERM

for svc in "${services[@]}"; do
	: >"$logs/$svc.log"
	# Each line to stdout and to the service's own log, which the
	# messages below quote from.
	"bin/$svc" -env-file "configs/$svc/$svc.env" > >(trap "" INT TERM; exec tee -a "$logs/$svc.log") 2>&1 &
	pids+=($!)
done

for i in 0 1 2; do
	svc=${services[$i]}
	ready=false
	for _ in $(seq 100); do
		[ -z "$stopping" ] || finish "$stopping"
		if ! kill -0 "${pids[$i]}" 2>/dev/null; then
			break # it exited: its log says why
		fi
		if "bin/$svc" -env-file "configs/$svc/$svc.env" -readycheck >/dev/null 2>&1; then
			ready=true
			break
		fi
		sleep 0.1 || true # a signal to the group ends it early
	done
	$ready && continue
	kill -0 "${pids[$i]}" 2>/dev/null || fail "$svc" "$svc failed to start"
	case $svc in
	webapp) fail webapp "the webapp is not ready (/readyz): the link webapp -> authserver failed: WEBAPP_CLIENT_ID and WEBAPP_CLIENT_SECRET (configs/webapp/webapp.env) must match a password-grant client in the authserver's clients (AUTH_CLIENTS_FILE)" ;;
	resourceserver) fail resourceserver "the resourceserver is not ready (/readyz): the link resourceserver -> authserver failed: RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET (configs/resourceserver/resourceserver.env) must match a client with \"introspect\": true in the authserver's clients (AUTH_CLIENTS_FILE)" ;;
	*) fail "$svc" "$svc is not ready (/readyz)" ;;
	esac
done

# One call through the webapp, as a user makes it: the links between the
# services work only if their addresses and secrets agree.
body=$(curl -sS -m 15 -w '\n%{http_code}' "http://127.0.0.1:$web_port/current_time" 2>&1 || true)
status=${body##*$'\n'}
body=${body%$'\n'*}
if [ "$status" != 200 ]; then
	say "a call through the webapp failed ($status): $body"
	case $body in
	*"resourceserver: the authorization server refused"*)
		fail resourceserver "the link resourceserver -> authserver failed: RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET (configs/resourceserver/resourceserver.env) must match a client with \"introspect\": true in the authserver's clients (AUTH_CLIENTS_FILE); RESOURCE_AUTH_URL is $(setting RESOURCE_AUTH_URL resourceserver http://localhost:5001)" ;;
	*"error: resourceserver:"*)
		fail webapp "the link webapp -> resourceserver failed: WEBAPP_RESOURCE_URL is $(setting WEBAPP_RESOURCE_URL webapp http://localhost:5002), RESOURCE_ADDR is $(setting RESOURCE_ADDR resourceserver :5002); the resourceserver's own upstream is RESOURCE_AUTH_URL=$(setting RESOURCE_AUTH_URL resourceserver http://localhost:5001)" ;;
	*"error: authserver: it refused the webapp's client credentials"*)
		fail webapp "the link webapp -> authserver failed: WEBAPP_CLIENT_ID and WEBAPP_CLIENT_SECRET (configs/webapp/webapp.env) must match a password-grant client in the authserver's clients (AUTH_CLIENTS_FILE)" ;;
	*"error: authserver:"*)
		fail webapp "the link webapp -> authserver failed: WEBAPP_AUTH_URL is $(setting WEBAPP_AUTH_URL webapp http://localhost:5001), AUTH_ADDR is $(setting AUTH_ADDR authserver :5001) (a moved AUTH_ADDR also moves AUTH_ISSUER, RESOURCE_AUTH_URL and WEBAPP_AUTH_URL)" ;;
	*)
		fail webapp "the webapp at 127.0.0.1:$web_port (WEBAPP_ADDR) did not answer as it should" ;;
	esac
fi
say "all three are up: curl localhost:$web_port/current_time (Ctrl-C stops them)"

# Wait until a signal comes or a service ends by itself. `wait -n` would
# need bash 4.3; a short poll works everywhere.
while [ -z "$stopping" ]; do
	for i in 0 1 2; do
		if ! kill -0 "${pids[$i]}" 2>/dev/null; then
			rc=0
			wait "${pids[$i]}" || rc=$?
			if [ "$rc" -eq 0 ]; then
				# A service exits 0 only when told to stop: SIGINT reached
				# the whole process group (a script's kill -INT -- -PGID,
				# or Ctrl-C where the shell ignores it for this script).
				finish "${services[$i]} was stopped by a signal"
			fi
			say "${services[$i]} stopped with exit $rc"
			quote "${services[$i]}"
			stop || true
			exit 1
		fi
	done
	sleep 0.2 || true
done
finish "$stopping"
