"""A real HTTP server on 127.0.0.1 for tests of remote schemas and CRDs (no other network
is used by the tests)."""

from __future__ import annotations

import http.server
import json
import os
import threading
from typing import Callable


class LocalServer:
    """Serves the files below `root` on 127.0.0.1 (a free port), in a thread.

    ``requests`` lists the paths asked for (``count()`` counts them); ``status[path] =
    code`` answers that path with an error instead; ``answer(path) -> bytes | None``, when
    given, produces the body itself (None: 404). ``stop()`` shuts it down (idempotent);
    it is also a context manager."""

    def __init__(self, root: str | None = None,
                 answer: Callable[[str], bytes | None] | None = None):
        self.root = str(root) if root is not None else None
        self.requests: list[str] = []
        self.user_agents: list[str] = []
        self.status: dict[str, int] = {}
        outer = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=outer.root or os.getcwd(), **kw)

            def do_GET(self):
                outer.requests.append(self.path)
                outer.user_agents.append(self.headers.get("User-Agent", ""))
                code = outer.status.get(self.path)
                if code:
                    self.send_error(code)
                    return
                if answer is None:
                    super().do_GET()
                    return
                body = answer(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.running = True

    def count(self, path: str | None = None) -> int:
        return len(self.requests) if path is None else self.requests.count(path)

    def put(self, rel: str, doc) -> None:
        """Write a file to serve (a dict is written as JSON)."""
        p = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(doc if isinstance(doc, str) else json.dumps(doc))

    def stop(self) -> None:
        if self.running:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(5)
            self.running = False

    def __enter__(self) -> "LocalServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
