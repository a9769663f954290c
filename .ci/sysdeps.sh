#!/usr/bin/env bash
# Installs Debian's chromium (kaleido PNG export, Playwright tests), fontconfig and a CJK font when root
# and missing, and poppler-utils (pdftoppm: the report tests render a PDF page). Without them, PNG export
# says why it is unavailable and the browser tests skip.
set -u
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "sysdeps: missing ${need[*]} and not root; PNG export, browser and shared-store tests will be unavailable" >&2
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
