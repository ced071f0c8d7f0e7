#!/bin/sh
# The Lambda Runtime API loop: fetch the next event, answer it, repeat.
set -eu
api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
while true; do
  headers="$(mktemp)"
  event="$(curl -sS -LD "$headers" "$api/next")"
  request_id="$(grep -Fi Lambda-Runtime-Aws-Request-Id "$headers" | tr -d '[:space:]' | cut -d: -f2)"
  rm -f "$headers"
  curl -sS -X POST "$api/$request_id/response" -d "{\"greeting\": \"hello from $_HANDLER\", \"event\": $event}" >/dev/null
done
