#!/bin/sh
# Starts one process of the platform inside the image built from deploy/Dockerfile.
#
#   entrypoint.sh actors|funding|surveys|reporting [UVICORN OPTIONS...]
#       migrates the service's database to head and loads its reference data (`python -m services.<name> setup`,
#       safe to repeat), then runs the service.
#   entrypoint.sh dashboard [UVICORN OPTIONS...]
#       runs the dashboard (no database: nothing to set up).
#   entrypoint.sh gateway [UVICORN OPTIONS...]
#       migrates the gateway's key store to head and imports GATEWAY_API_KEYS_FILE into it when there is one
#       (`python -m gateway setup`, safe to repeat), then runs the gateway.
#   entrypoint.sh COMMAND [ARGS...]
#       runs COMMAND as given, e.g. `python -m services.actors downgrade --revision base`.
#
# The port comes from PORT (default: the same port as `make run`: gateway 8000, actors 8101, funding 8102,
# surveys 8103, reporting 8104, dashboard 8105). uvicorn is started the same way as deploy/stack.py starts it, but listening on 0.0.0.0.
# `exec` makes uvicorn PID 1, so `docker stop` (SIGTERM) reaches it and it shuts down gracefully.
set -eu

role="${1:-gateway}"
case "$role" in
    actors)  default_port=8101 ;;
    funding) default_port=8102 ;;
    surveys) default_port=8103 ;;
    reporting) default_port=8104 ;;
    dashboard) default_port=8105 ;;
    gateway) default_port=8000 ;;
    *)       exec "$@" ;;
esac
if [ "$#" -gt 0 ]; then
    shift
fi
port="${PORT:-$default_port}"

if [ "$role" = "gateway" ]; then
    python -m gateway setup
    target="gateway.app:create_app"
elif [ "$role" = "dashboard" ]; then
    target="services.dashboard.main:create_app"
else
    python -m "services.$role" setup
    target="services.$role.main:create_app"
fi

exec python -m uvicorn --factory "$target" --host 0.0.0.0 --port "$port" \
    --no-access-log --loop uvloop --http shared.http_protocol:BoundedHttpToolsProtocol --timeout-graceful-shutdown 5 "$@"
