#!/usr/bin/env bash
# The zero-setup local desk: migrate SQLite, load the demo, start a Celery worker and beat, serve the admin.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT="${PORT:-8000}"

$BIN/python manage.py migrate --no-input -v 0
$BIN/python manage.py load_demo

mkdir -p var/log
# One worker for every kind of work: without -Q it consumes all the declared queues (checks, sweeps, alerts, matching).
$BIN/celery -A factcheck worker --loglevel=INFO --concurrency=2 >var/log/worker.log 2>&1 &
worker=$!
$BIN/celery -A factcheck beat --loglevel=INFO --pidfile=var/beat.pid >var/log/beat.log 2>&1 &
beat=$!
trap 'kill $worker $beat 2>/dev/null; wait 2>/dev/null' EXIT INT TERM

broker="${REDIS_URL:-embedded (var/broker/)}"
echo "Celery worker (pid $worker) and beat (pid $beat) on broker: $broker; logs in var/log/."
echo "The claim desk: http://127.0.0.1:$PORT/admin/"
$BIN/python manage.py runserver "127.0.0.1:$PORT"
