#!/usr/bin/env bash
# Prints the bin directory of a Go >= 1.21 toolchain: the one on PATH, or one fetched once from the Go
# module proxy into the cache (the Pulumi CLI is built from Go modules; Go >= 1.21 then fetches the
# toolchain go.mod asks for by itself).
set -euo pipefail
go_ok() { command -v go >/dev/null 2>&1 && go version | grep -Eq 'go1\.(2[1-9]|[3-9][0-9])'; }
if go_ok; then dirname "$(command -v go)"; exit 0; fi
toolchain="v0.0.1-go1.26.8.linux-amd64"
dest="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-dhcp-failover/go-${toolchain}"
if [ ! -x "$dest/bin/go" ]; then
  command -v curl >/dev/null 2>&1 && command -v unzip >/dev/null 2>&1 || { echo "Go is missing, and fetching it needs curl and unzip" >&2; exit 1; }
  rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
  curl -fsSL "${GOPROXY_URL:-https://proxy.golang.org}/golang.org/toolchain/@v/${toolchain}.zip" -o "$dest.tmp/go.zip" >&2
  unzip -q "$dest.tmp/go.zip" -d "$dest.tmp" >&2
  rm -rf "$dest" && mv "$dest.tmp/golang.org/toolchain@${toolchain}" "$dest" && rm -rf "$dest.tmp"
  chmod +x "$dest"/bin/* "$dest"/pkg/tool/*/* 2>/dev/null || true
fi
echo "$dest/bin"
