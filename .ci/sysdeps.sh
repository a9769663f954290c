#!/usr/bin/env bash
# Installs Debian's chromium (kaleido PNG export, Playwright tests), fontconfig and a CJK font when root
# and missing, poppler-utils (pdftoppm: the report tests render a PDF page), postgresql (the shared store's
# tests start a real cluster) and nginx (deploy/cluster.py runs its own nginx in front of two app servers;
# the system service is never used). Without them, PNG export says why it is unavailable and the browser,
# shared-store and cluster tests skip.
set -u
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need+=(postgresql)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "sysdeps: missing ${need[*]} and not root; PNG export, browser, shared-store and cluster tests will be unavailable" >&2
  exit 0
fi
echo "sysdeps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2; do  # one retry: a mirror hiccup should not turn CI red
  if apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; then
    exit 0
  fi
  echo "sysdeps: apt-get failed (attempt $attempt)" >&2
  sleep 5
done
exit 1
