#!/usr/bin/env bash
# Makes Debian's PostgreSQL and Redis server binaries available for the queue-mode tests
# (test/e2e/queue/) and `npm run demo -- --queue`. Nothing is started here and the machine's own
# services are left alone: the harness (tooling/n8n/services.cts) runs a private Postgres
# cluster and a private redis-server per run, in temp folders, on free ports of 127.0.0.1.
# Installs the distribution's `postgresql` and `redis-server` packages with apt-get, only when
# their binaries are missing. Exits non-zero (with the reason) when they are missing and cannot
# be installed here (not root, or no apt-get); the queue suites then fail under CI=true and skip locally.
set -euo pipefail

pg_bin() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
	done
	return 1
}
redis_bin() { command -v redis-server 2>/dev/null || { [ -x /usr/bin/redis-server ] && echo /usr/bin/redis-server; }; }

missing=()
pg_bin >/dev/null || missing+=(postgresql)
redis_bin >/dev/null || missing+=(redis-server)

if [ ${#missing[@]} -gt 0 ]; then
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "setup/queue-services: ${missing[*]} missing and apt-get is not available here; install PostgreSQL and Redis by hand to run the queue-mode tests" >&2
		exit 1
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup/queue-services: ${missing[*]} missing and this user is not root; run 'sudo apt-get install ${missing[*]}' to run the queue-mode tests" >&2
		exit 1
	fi
	echo "setup/queue-services: installing Debian's ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# policy-rc.d: the packages' own system services are not started (the tests run private ones)
	policy=/usr/sbin/policy-rc.d
	created_policy=0
	if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=1; fi
	status=0
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
	[ "$created_policy" = 1 ] && rm -f "$policy"
	[ "$status" = 0 ] || { echo "setup/queue-services: apt-get install ${missing[*]} failed ($status)" >&2; exit 1; }
fi

pg=$(pg_bin) || { echo "setup/queue-services: apt-get finished but no /usr/lib/postgresql/<version>/bin/initdb" >&2; exit 1; }
redis=$(redis_bin) || { echo "setup/queue-services: apt-get finished but redis-server is still missing" >&2; exit 1; }
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
	echo "setup/queue-services: running as root needs the 'postgres' system user (Postgres refuses to run as root); the postgresql package creates it" >&2
	exit 1
fi
echo "ok: postgres $("$pg/postgres" --version | awk '{print $3}') in $pg, $("$redis" --version | awk '{print $3}')"
