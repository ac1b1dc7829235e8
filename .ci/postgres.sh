#!/usr/bin/env bash
# postgres.sh makes a local PostgreSQL ready for the innobridge tests on a
# Debian machine and prints the line that points the tests at it:
#
#	export INNOBRIDGE_TEST_POSTGRES='postgres://postgres:…@127.0.0.1:5432/postgres?sslmode=disable'
#
# Use it as `eval "$(bash .ci/postgres.sh)"` (that is what .ci/run does).
# Everything else goes to stderr. With an argument, the export line is also
# written to that file, for CI scripts that prefer `source FILE`.
#
# It installs postgresql if missing (apt-get), creates a cluster if there is
# none, starts it, waits until it accepts connections on 127.0.0.1 and sets a
# password for the postgres role so the DSN can log in over TCP with the
# Debian default pg_hba.conf (scram-sha-256 on 127.0.0.1). Running it again
# is harmless: each step checks first.
set -euo pipefail

password=${INNOBRIDGE_PG_PASSWORD:-innobridge-test}
log() { printf 'postgres.sh: %s\n' "$*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
	log "installing postgresql"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends postgresql >&2
fi

cluster_line() { pg_lsclusters --no-header 2>/dev/null | sort -k1,1V | tail -n 1; }
if [[ -z $(cluster_line) ]]; then
	version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
	log "creating cluster $version/main"
	pg_createcluster "$version" main >&2
fi
read -r version cluster port status _ <<<"$(cluster_line)"

if [[ $status != online* ]]; then
	log "starting cluster $version/$cluster on port $port"
	pg_ctlcluster "$version" "$cluster" start >&2
fi

for ((i = 0; i < 60; i++)); do
	if pg_isready -q -h 127.0.0.1 -p "$port"; then
		break
	fi
	sleep 1
done
if ! pg_isready -q -h 127.0.0.1 -p "$port"; then
	log "PostgreSQL $version/$cluster is not accepting connections on 127.0.0.1:$port"
	exit 1
fi

# The role's password; psql runs as the postgres OS user over the Unix socket
# (peer authentication), which works before any password is set.
(cd / && su postgres -c "psql -q -p $port -v ON_ERROR_STOP=1 -c \"ALTER ROLE postgres PASSWORD '$password'\"") >&2

line="export INNOBRIDGE_TEST_POSTGRES='postgres://postgres:$password@127.0.0.1:$port/postgres?sslmode=disable'"
if [[ $# -gt 0 ]]; then
	printf '%s\n' "$line" >"$1"
	log "wrote $1"
fi
log "PostgreSQL $version/$cluster ready on 127.0.0.1:$port"
printf '%s\n' "$line"
