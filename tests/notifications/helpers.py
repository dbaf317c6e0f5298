"""Helpers of the notification tests: a stand-in for the government SMS platform."""

import contextlib
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.helpers import local_http_server

SUCCESS = (200, {"code": "0", "message": "成功", "message_id": "msg-1"})


class SmsGateway:
    """The SMS platform's HTTP interface on 127.0.0.1: records each request and answers
    from `answers` in turn (status, JSON body), then with success."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers: list[tuple[int, dict[str, Any]]] = []
        self.url = ""

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(request["body"]) for request in self.requests]


@contextlib.contextmanager
def sms_gateway() -> Iterator[SmsGateway]:
    state = SmsGateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append({"path": self.path, "headers": self.headers, "body": body})
            status, answer = state.answers.pop(0) if state.answers else SUCCESS
            data = json.dumps(answer, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with local_http_server(Handler) as port:
        state.url = f"http://127.0.0.1:{port}/sms/send"
        yield state
