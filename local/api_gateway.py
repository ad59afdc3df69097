"""API Gateway's REST proxy integration on localhost: routes and API keys from the template."""

from __future__ import annotations

import base64
import hmac
import json
import logging
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from local.functions import Function
from local.template import Route

log = logging.getLogger("newsbrief.local")

# API Gateway's own limit on a request payload.
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
# Lambda's limit on a synchronous invocation's event, as JSON: a body that fits the gateway may
# still not fit here once base64-encoded, and API Gateway then answers 500 without calling the
# function (RequestEntityTooLargeException).
MAX_EVENT_BYTES = 6 * 1024 * 1024
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/x-www-form-urlencoded")


class ApiGateway:
    def __init__(
        self,
        routes: list[Route],
        functions: dict[str, Function],
        api_key: str,
        binary_media_types: list[str],
        gateway_responses: dict[str, dict[str, str]] | None = None,
        stage: str = "v1",
    ) -> None:
        self.gateway_responses = gateway_responses or {}
        self.routes = routes
        self.functions = functions
        self.api_key = api_key
        self.binary_media_types = binary_media_types
        self.stage = stage

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(raw_path)
        path = url.path.rstrip("/") or "/"
        match = self._match(method, path)
        if match is None:
            return self.error(
                "MISSING_AUTHENTICATION_TOKEN", 404, "not_found", f"no route for {method} {path}"
            )
        route, path_parameters = match
        supplied_key = headers.get("x-api-key", "")
        if route.api_key_required and not hmac.compare_digest(supplied_key, self.api_key):
            return self.error(
                "INVALID_API_KEY", 403, "forbidden", "a valid x-api-key header is required"
            )
        if len(body) > MAX_PAYLOAD_BYTES:
            return self.error(
                "REQUEST_TOO_LARGE", 413, "payload_too_large", "request payload is too large"
            )
        event = self._event(route, method, path, url.query, headers, body, path_parameters)
        event_bytes = len(json.dumps(event).encode())
        if event_bytes > MAX_EVENT_BYTES:
            log.warning(
                "%s %s: Lambda refuses an event of %d bytes (limit %d)",
                method,
                path,
                event_bytes,
                MAX_EVENT_BYTES,
            )
            return self.error("DEFAULT_5XX", 500, "internal_error", "Internal server error")
        result = self.functions[route.function].invoke(event)
        return _response(result)

    def error(
        self, kind: str, status: int, code: str, message: str
    ) -> tuple[int, dict[str, str], bytes]:
        """An error the gateway answers itself, with the template's headers for its response
        type (or for DEFAULT_4XX / DEFAULT_5XX when the type has none of its own)."""
        default = "DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX"
        extra = self.gateway_responses.get(kind, self.gateway_responses.get(default, {}))
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        return status, {"Content-Type": "application/json", **extra}, body

    def _match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            found = route.pattern.match(path)
            if found and route.method in (method, "ANY"):
                return route, found.groupdict()
        return None

    def _event(
        self,
        route: Route,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        path_parameters: dict[str, str],
    ) -> dict[str, Any]:
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        is_text = (
            content_type.startswith(TEXT_TYPES) and content_type not in self.binary_media_types
        )
        text_body: str | None
        if not body:
            text_body, encoded = None, False
        elif is_text:
            try:
                text_body, encoded = body.decode("utf-8"), False
            except UnicodeDecodeError:
                text_body, encoded = base64.b64encode(body).decode(), True
        else:
            text_body, encoded = base64.b64encode(body).decode(), True
        multi_query = parse_qs(query, keep_blank_values=True)
        request_id = str(uuid.uuid4())
        return {
            "resource": route.path,
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": path_parameters or None,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": route.path,
                "httpMethod": method,
                "path": f"/{self.stage}{path}",
                "stage": self.stage,
                "requestId": request_id,
                "requestTimeEpoch": int(time.time() * 1000),
                "identity": {"sourceIp": "127.0.0.1", "apiKey": headers.get("x-api-key")},
            },
            "body": text_body,
            "isBase64Encoded": encoded,
        }


def _response(result: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    headers = {name: str(value) for name, value in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[name] = ", ".join(str(value) for value in values)
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode("utf-8")
    return int(result.get("statusCode", 200)), headers, body


class _RequestHandler(BaseHTTPRequestHandler):
    gateway: ApiGateway
    lock = threading.Lock()
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_PAYLOAD_BYTES:
            status, headers, body = self.gateway.error(
                "REQUEST_TOO_LARGE", 413, "payload_too_large", "request payload is too large"
            )
            self.close_connection = True
        else:
            request_body = self.rfile.read(length) if length else b""
            request_headers = {name.lower(): value for name, value in self.headers.items()}
            # The resolver keeps the current request on the app object: one request at a time.
            with self.lock:
                try:
                    status, headers, body = self.gateway.handle(
                        self.command, self.path, request_headers, request_body
                    )
                except Exception:
                    log.exception("%s %s failed in the API function", self.command, self.path)
                    status, headers, body = self.gateway.error(
                        "DEFAULT_5XX", 500, "internal_error", "internal server error"
                    )
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def __getattr__(self, name: str) -> Any:
        # Every HTTP method reaches the gateway, which answers undeclared ones as API Gateway does.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        return


def serve(gateway: ApiGateway, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("GatewayRequestHandler", (_RequestHandler,), {"gateway": gateway})
    server = ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, name="api-gateway", daemon=True).start()
    return server
