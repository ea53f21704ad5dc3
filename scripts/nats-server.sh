#!/usr/bin/env bash
# Starts a nats-server with JetStream for @transactive/scale (docs/scale-out.md), in the
# foreground. Debian's package: apt-get install nats-server (2.9.x; JetStream with -js).
#
#   scripts/nats-server.sh [--port 4222] [--store DIR] [--name NAME] [--domain DOMAIN]
#                          [--leaf-listen PORT] [--leaf-remote nats-leaf://HUB:7422]
#                          [--host 127.0.0.1]
#
# --leaf-listen makes this server a hub that microgrid servers join as leaf nodes; --leaf-remote
# makes it a microgrid's leaf-node server (it keeps serving its market when the uplink is cut).
# Servers joined by leaf nodes that both run JetStream need distinct --domain values; a replica on
# a leaf reaches the hub's stream with LedgerReplica's `domain` option.
set -euo pipefail

port=4222 host=127.0.0.1 store="${XDG_STATE_HOME:-$HOME/.local/state}/transactive/nats"
name="" domain="" leaf_listen="" leaf_remote=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --host) host="$2"; shift 2 ;;
    --store) store="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    --domain) domain="$2"; shift 2 ;;
    --leaf-listen) leaf_listen="$2"; shift 2 ;;
    --leaf-remote) leaf_remote="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "nats-server.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

bin="${NATS_SERVER:-$(command -v nats-server || true)}"
[ -n "$bin" ] || { [ -x /usr/sbin/nats-server ] && bin=/usr/sbin/nats-server; }
if [ -z "$bin" ]; then
  echo "nats-server.sh: nats-server is not installed: sudo apt-get install nats-server" >&2
  exit 2
fi

mkdir -p "$store"
# the configuration sits beside the store; exec: signals reach nats-server itself
conf="$store/nats-server.conf"
{
  echo "listen: \"$host:$port\""
  [ -n "$name" ] && echo "server_name: \"$name\""
  if [ -n "$domain" ]; then
    echo "jetstream { store_dir: \"$store\", domain: \"$domain\" }"
  else
    echo "jetstream { store_dir: \"$store\" }"
  fi
  if [ -n "$leaf_listen" ] || [ -n "$leaf_remote" ]; then
    echo "leafnodes {"
    [ -n "$leaf_listen" ] && echo "  listen: \"$host:$leaf_listen\""
    [ -n "$leaf_remote" ] && echo "  remotes: [ { urls: [\"$leaf_remote\"] } ]"
    echo "}"
  fi
} >"$conf"
echo "nats-server.sh: $bin -c $conf (JetStream store $store)" >&2
exec "$bin" -c "$conf"
