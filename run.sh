#!/usr/bin/env bash
# Runs the three services together in the foreground, without Docker:
#
#   ./run.sh
#
# Builds them once into bin/, starts them with their optional settings
# files configs/<service>/<service>.env, and waits until all three are
# healthy. Their JSON log lines go to stdout as they are (each carries
# "service"). Ctrl-C stops all three, as does SIGINT to its process group or
# SIGTERM to the script (kill <pid>): it then exits 0 if all three stopped
# cleanly. If one fails to start, or stops on its own with an error, the
# others are stopped and the script exits 1.
#
# Needs bash 3.2 or later (macOS's /bin/bash will do) and Go.
set -euo pipefail
cd "$(dirname "$0")"

services=(authserver resourceserver webapp)
ports=(5001 5002 5003)
say() { echo "run.sh: $*" >&2; }

# Something already answering on our ports would answer our health checks
# too: refuse to start rather than report its health as ours.
for port in "${ports[@]}"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		say "port $port is already in use (another ./run.sh, or a service started by hand?); stop it first"
		exit 1
	fi
done

say "building the three services into bin/ (the first build takes a while)..."
go build -o bin/ ./authserver ./resourceserver ./webapp

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
trap 'stopping=SIGINT' INT
trap 'stopping=SIGTERM' TERM

for svc in "${services[@]}"; do
	"bin/$svc" -env-file "configs/$svc/$svc.env" &
	pids+=($!)
done

for i in 0 1 2; do
	svc=${services[$i]}
	healthy=false
	for _ in $(seq 100); do
		[ -z "$stopping" ] || finish "$stopping"
		if ! kill -0 "${pids[$i]}" 2>/dev/null; then
			break # it exited: its log says why
		fi
		if "bin/$svc" -env-file "configs/$svc/$svc.env" -healthcheck >/dev/null 2>&1; then
			healthy=true
			break
		fi
		sleep 0.1 || true # a signal to the group ends it early
	done
	if ! $healthy; then
		say "$svc failed to start (its last log line above says why); stopping the others"
		stop || true
		exit 1
	fi
done
say "all three are up: curl localhost:5003/current_time (Ctrl-C stops them)"

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
			say "${services[$i]} stopped with exit $rc; stopping the others"
			stop || true
			exit 1
		fi
	done
	sleep 0.2 || true
done
finish "$stopping"
