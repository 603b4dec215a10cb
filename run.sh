#!/usr/bin/env bash
# Runs the three services together in the foreground, without Docker:
#
#   ./run.sh
#
# Builds them once into bin/, starts them with their optional settings
# files configs/<service>.env, and waits until all three are healthy. Their
# JSON log lines go to stdout as they are (each carries "service"). Ctrl-C
# stops all three. If one fails to start, or stops on its own, the others
# are stopped and the script exits non-zero.
set -euo pipefail
cd "$(dirname "$0")"

services=(authserver resourceserver webapp)
go build -o bin/ ./authserver ./resourceserver ./webapp

pids=()
# stop sends SIGTERM to every service and fails if one does not exit 0.
stop() {
	trap - INT TERM
	local pid rc=0
	for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || rc=1; done
	return $rc
}
trap 'if stop; then exit 0; else echo "run.sh: a service did not stop cleanly" >&2; exit 1; fi' INT TERM

for svc in "${services[@]}"; do
	"bin/$svc" -env-file "configs/$svc.env" &
	pids+=($!)
done

for i in "${!services[@]}"; do
	svc=${services[$i]}
	healthy=false
	for _ in $(seq 50); do
		if "bin/$svc" -env-file "configs/$svc.env" -healthcheck >/dev/null 2>&1; then
			healthy=true
			break
		fi
		kill -0 "${pids[$i]}" 2>/dev/null || break # it exited: no point waiting
		sleep 0.1
	done
	if ! $healthy; then
		echo "run.sh: $svc did not become healthy; stopping" >&2
		stop || true
		exit 1
	fi
done
echo "run.sh: all three are up: curl localhost:5003/current_time (Ctrl-C stops them)" >&2

# A service that ends by itself is a failure: stop the rest.
set +e
wait -n "${pids[@]}"
status=$?
set -e
echo "run.sh: a service stopped (exit $status); stopping the others" >&2
stop || true
exit 1
