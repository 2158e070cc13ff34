#!/usr/bin/env bash
# ready.sh makes this machine ready for `make test` and says what it did.
#
# On Debian as root it installs the packages the integration tests need when
# they are missing, and starts PostgreSQL and Redis when they do not answer on
# 127.0.0.1. Elsewhere it only reports: the tests that need a missing component
# skip (or fail when RPKIT_REQUIRE_INTEGRATION=1) and say why.
set -u

say() { printf 'ready: %s\n' "$*"; }

PG_HOST=${RPKIT_PG_HOST:-127.0.0.1}
PG_PORT=${RPKIT_PG_PORT:-5432}
REDIS_HOST=${RPKIT_REDIS_HOST:-127.0.0.1}
REDIS_PORT=${RPKIT_REDIS_PORT:-6379}

answers() { # host port: does something listen there?
	timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

is_root=0; [ "$(id -u)" = 0 ] && is_root=1
is_debian=0; [ -f /etc/debian_version ] && command -v apt-get >/dev/null && is_debian=1

# Debian package → a file that shows it is installed.
declare -A want=(
	[softhsm2]=/usr/bin/softhsm2-util
	[chromium]=/usr/bin/chromium
	[postgresql]=/usr/lib/postgresql
	[redis-server]=/usr/bin/redis-server
)
missing=()
for pkg in "${!want[@]}"; do
	[ -e "${want[$pkg]}" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ $is_root = 1 ] && [ $is_debian = 1 ]; then
		say "installing missing Debian packages: ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >/dev/null 2>&1 || say "apt-get update failed; trying the install anyway"
		if apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/rpkit-apt.log 2>&1; then
			say "installed: ${missing[*]}"
		else
			say "apt-get install failed (see /tmp/rpkit-apt.log); tests that need these will say so"
		fi
	else
		say "missing packages (${missing[*]}); not root on Debian, so not installing them"
	fi
else
	say "packages present: ${!want[*]}"
fi

# PostgreSQL.
if answers "$PG_HOST" "$PG_PORT"; then
	say "PostgreSQL answers on $PG_HOST:$PG_PORT"
elif [ $is_root = 1 ] && command -v pg_ctlcluster >/dev/null; then
	ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$ver" ] && command -v pg_createcluster >/dev/null; then
		ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
		say "creating PostgreSQL $ver cluster 'main'"
		pg_createcluster "$ver" main >/dev/null
	fi
	if [ -n "$ver" ]; then
		conf=/etc/postgresql/$ver/main
		# Trust auth on loopback, as the tests expect (user postgres, database test).
		if ! grep -q '^host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf" 2>/dev/null; then
			sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$conf/pg_hba.conf"
		fi
		say "starting PostgreSQL $ver"
		pg_ctlcluster --skip-systemctl-redirect "$ver" main start || say "PostgreSQL did not start"
		for _ in $(seq 1 30); do answers "$PG_HOST" "$PG_PORT" && break; sleep 0.5; done
		if answers "$PG_HOST" "$PG_PORT"; then
			su postgres -c "psql -h $PG_HOST -tAc \"SELECT 1 FROM pg_database WHERE datname='test'\"" 2>/dev/null | grep -q 1 \
				|| { su postgres -c "createdb -h $PG_HOST test" 2>/dev/null && say "created database test"; }
			say "PostgreSQL answers on $PG_HOST:$PG_PORT"
		fi
	fi
else
	say "PostgreSQL does not answer on $PG_HOST:$PG_PORT and cannot be started here"
fi

# Redis.
if answers "$REDIS_HOST" "$REDIS_PORT"; then
	say "Redis answers on $REDIS_HOST:$REDIS_PORT"
elif command -v redis-server >/dev/null; then
	say "starting Redis on $REDIS_HOST:$REDIS_PORT (nothing kept on disk)"
	mkdir -p /tmp/rpkit-redis
	redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" --appendonly no \
		--dir /tmp/rpkit-redis --logfile /tmp/rpkit-redis/redis.log >/dev/null
	for _ in $(seq 1 20); do answers "$REDIS_HOST" "$REDIS_PORT" && break; sleep 0.25; done
	answers "$REDIS_HOST" "$REDIS_PORT" && say "Redis answers on $REDIS_HOST:$REDIS_PORT" || say "Redis did not start"
else
	say "Redis does not answer on $REDIS_HOST:$REDIS_PORT and cannot be started here"
fi
exit 0
