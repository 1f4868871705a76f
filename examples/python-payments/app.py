"""Payments: a Flask service that logs through the OpenTelemetry Python SDK.

It continues the caller's W3C trace (traceparent/tracestate/baggage), so its log records carry
the same trace id as those of the logweave services in front of it, and sends them over
OTLP/HTTP to a Collector.

    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=http://127.0.0.1:4318/v1/logs PAYMENTS_PORT=8083 python app.py

Environment:
    PAYMENTS_HOST                     default 127.0.0.1
    PAYMENTS_PORT                     default 8083 (0 picks a free port; the chosen one is printed)
    OTEL_SERVICE_NAME                 default payments
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT  full URL including /v1/logs, used verbatim by the exporter
    OTEL_BLRP_SCHEDULE_DELAY          read by the SDK's BatchLogRecordProcessor (default 1000 ms)
"""

import logging
import os
import signal
import sys
import threading

from flask import Flask, jsonify, request
from opentelemetry import propagate, trace
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind
from werkzeug.serving import make_server

SERVICE_NAME = os.environ.get("OTEL_SERVICE_NAME", "payments")
resource = Resource.create({"service.name": SERVICE_NAME})

# Spans are only used to continue the incoming trace (no span exporter): the SDK copies the
# active span's trace id and span id onto every log record emitted inside it.
trace.set_tracer_provider(TracerProvider(resource=resource))
tracer = trace.get_tracer("payments")

logger_provider = LoggerProvider(resource=resource)
# Without an explicit endpoint the exporter reads OTEL_EXPORTER_OTLP_LOGS_ENDPOINT itself.
logger_provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter()))

log = logging.getLogger("payments.charges")
log.setLevel(logging.INFO)
log.addHandler(LoggingHandler(level=logging.INFO, logger_provider=logger_provider))
log.propagate = False

app = Flask(__name__)
# Records this process handed to the SDK, so a test can compare with what arrived.
emitted_lock = threading.Lock()
emitted = {"count": 0}


def count_emitted(n=1):
    with emitted_lock:
        emitted["count"] += n


@app.post("/payments")
def create_payment():
    parent = propagate.extract(request.headers)
    with tracer.start_as_current_span("POST /payments", context=parent, kind=SpanKind.SERVER):
        body = request.get_json(silent=True) or {}
        attributes = {
            "request.id": request.headers.get("x-request-id", ""),
            "order.id": str(body.get("orderId", "")),
            "e2e.seq": int(body.get("seq", -1)),
        }
        log.info("payment authorized", extra=attributes)
        count_emitted()
        if body.get("fail"):
            log.error("payment declined", extra=attributes)
            count_emitted()
            return jsonify({"status": "declined"}), 402
        # The trace id this service saw, so a caller (the e2e suite) can check every service used it.
        trace_id = format(trace.get_current_span().get_span_context().trace_id, "032x")
        return jsonify({"status": "authorized", "traceId": trace_id})


@app.get("/internal/stats")
def stats():
    with emitted_lock:
        return jsonify({"emitted": emitted["count"]})


@app.post("/internal/flush")
def flush():
    ok = logger_provider.force_flush(timeout_millis=30_000)
    return jsonify({"flushed": bool(ok)})


def main():
    host = os.environ.get("PAYMENTS_HOST", "127.0.0.1")
    port = int(os.environ.get("PAYMENTS_PORT", "8083"))
    server = make_server(host, port, app, threaded=True)

    def stop(_signum, _frame):
        # Shut the HTTP server down from another thread (shutdown() waits for serve_forever).
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"payments listening on http://{host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    finally:
        logger_provider.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
