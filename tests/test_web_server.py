"""The page server (bot/web.py) against odd and hostile clients, in this process on a free port.

It serves a small page built here (no `make web` needed). Raw sockets, because HTTP clients tidy paths and
headers before sending them. A handler that raises is caught by socketserver's ``handle_error``, which drops
the connection: the server fixture records those calls, and every test asserts there were none.
"""

from __future__ import annotations

import json
import re
import select
import socket
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from bot.config import Settings, settings
from bot.web import serve

PUBLIC = "https://chat.example.org:5005"
TIMEOUT = 2.0  # the server's request timeout here; the real one is longer
OUTSIDE = "not-served: outside dist"


class Page:
    def __init__(self, port: int, errors: List[Any], server: Any) -> None:
        self.port, self.errors, self.server = port, errors, server

    def raw(self, data: bytes, timeout: float = 5) -> bytes:
        """Sends the bytes as they are and reads until the server closes."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(data)
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def post(self, path: str, body: bytes, *headers: str) -> Tuple[int, Dict[str, str], bytes]:
        lines = [f"POST {path} HTTP/1.1", "Host: localhost", *headers, "Connection: close", "", ""]
        return parse(self.raw("\r\n".join(lines).encode("latin-1") + body))

    def get(self, path: str, *headers: str, host: str = "localhost") -> Tuple[int, Dict[str, str], bytes]:
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}", *headers, "Connection: close", "", ""]
        return parse(self.raw("\r\n".join(lines).encode("latin-1")))


def parse(response: bytes) -> Tuple[int, Dict[str, str], bytes]:
    if not response.startswith(b"HTTP/"):
        # http.server answers a request line it cannot read the version of as HTTP/0.9: the body alone.
        found = re.search(rb"Error code: (\d+)", response)
        assert found, response[:200]
        return int(found[1]), {}, response
    head, _, body = response.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status.split()[1]), headers, body


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    (root / "secret.txt").write_text(OUTSIDE)  # beside the served folder: must never be reachable
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>page</title>")
    (dist / "assets" / "app-123.js").write_text("console.log(1)")
    return dist


@pytest.fixture(scope="module")
def page(site: Path) -> Iterator[Page]:
    votes = site.parent / "feedback.db"
    config = replace(settings(), web_port=0, bind_host="127.0.0.1", rasa_public_url=PUBLIC, feedback_path=votes)
    server = serve(config, directory=site, request_timeout=TIMEOUT)
    errors: List[Any] = []
    server.handle_error = lambda request, address: errors.append(address)  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Page(server.server_address[1], errors, server)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def no_handler_crashed(request: pytest.FixtureRequest) -> Iterator[None]:
    errors = request.getfixturevalue("page").errors if "page" in request.fixturenames else []
    errors.clear()
    yield
    assert errors == [], "a request handler raised (its connection was dropped)"


def test_serves_the_page_and_its_files(page: Page) -> None:
    assert page.get("/")[0] == 200 and b"<title>page</title>" in page.get("/")[2]
    assert page.get("/assets/app-123.js")[0] == 200
    status, headers, body = page.get("/config.json")
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert json.loads(body)["socketUrl"] == PUBLIC


@pytest.mark.parametrize("path", ["/assets/", "/assets", "/assets/?C=M;O=A", "//assets/", "/assets/.", "/./"])
def test_no_directory_listing(page: Page, path: str) -> None:
    status, headers, body = page.get(path)
    assert status in (403, 404), (status, headers)
    assert b"app-123.js" not in body and "location" not in headers  # no listing, no redirect to "dir/"


ODD_PATHS = [
    "/%00",
    "/index.html%00.js",
    "/assets/%00",
    "/..%2f..%2fetc/passwd",
    "/..%2fsecret.txt",
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/assets/..%2f..%2fsecret.txt",
    "/..\\secret.txt",
    "//etc/passwd",
    "/etc/passwd",
    "/%ff",
    "/%c0%ae%c0%ae/secret.txt",  # overlong UTF-8 for "..": not valid UTF-8
    "/%ed%a0%80",  # a lone surrogate
    "/%",
    "/%zz",
    "/%0d%0aSet-Cookie:%20x=1",
    "/\x1b[31mred",
    "/\x7f",
    "/" + "a" * 5000,
    "/" + "a/" * 3000,
    "/" + "%00" * 2000,
    "*",
    "http://evil.example/",
]


@pytest.mark.parametrize("path", ODD_PATHS, ids=lambda p: repr(p[:40]))
def test_odd_paths_get_a_clean_4xx(page: Page, path: str) -> None:
    status, headers, body = page.get(path)
    assert 400 <= status < 500, status
    assert OUTSIDE.encode() not in body and b"root:" not in body and "set-cookie" not in headers
    assert page.get("/")[0] == 200


ODD_REQUESTS = {
    "request line too long": f"GET /{'a' * 70000} HTTP/1.1\r\n\r\n",
    "too many headers": "GET / HTTP/1.1\r\n" + "X-A: b\r\n" * 200 + "\r\n",
    "header too long": f"GET / HTTP/1.1\r\nX-A: {'b' * 70000}\r\n\r\n",
    "extra words": "GET / HTTP/1.1 what\r\n\r\n",
    "bad version": "GET / HTTP/x.y\r\n\r\n",
}


@pytest.mark.parametrize("request_text", ODD_REQUESTS.values(), ids=ODD_REQUESTS.keys())
def test_absurd_requests_get_a_clean_4xx(page: Page, request_text: str) -> None:
    status, headers, body = parse(page.raw(request_text.encode("latin-1")))
    assert 400 <= status < 500, status
    assert "python" not in headers.get("server", "").lower()
    assert page.get("/")[0] == 200


def test_absurd_header_values_are_harmless(page: Page) -> None:
    headers = ("no colon here", "X-Bin: \xff\xfe\x01", "Range: bytes=-99999999999999999999")
    status, _, _ = page.get("/", *headers, host="x" * 10000)
    assert status == 200


@pytest.mark.parametrize("path", ["/", "/config.json", "/nothing-here", "/%00", "/assets/"])
def test_server_header_names_no_version(page: Page, path: str) -> None:
    server = page.get(path)[1].get("server", "")
    assert "python" not in server.lower() and "/" not in server, server


def test_forged_host_changes_neither_socket_url_nor_policy(page: Page) -> None:
    plain = page.get("/config.json")
    forged = page.get("/config.json", "X-Forwarded-Host: evil.example", host="evil.example:666")
    for status, headers, body in (plain, forged):
        assert status == 200
        assert json.loads(body)["socketUrl"] == PUBLIC
        policy = headers["content-security-policy"]
        assert f"connect-src 'self' {PUBLIC} wss://chat.example.org:5005;" in policy
        assert "evil" not in policy and b"evil" not in body
    assert forged[1]["content-security-policy"] == plain[1]["content-security-policy"] and forged[2] == plain[2]
    # The page's own CSP and the error pages' say the same.
    assert page.get("/", host="evil.example")[1]["content-security-policy"] == plain[1]["content-security-policy"]


def test_public_url_defaults_to_the_rasa_port_and_follows_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RASA_PUBLIC_URL", raising=False)
    monkeypatch.setenv("RASA_PORT", "5123")
    assert settings().rasa_url == "http://localhost:5123"
    assert replace(settings(), rasa_port=6000).rasa_url == "http://localhost:6000"  # tests move the port
    monkeypatch.setenv("RASA_PUBLIC_URL", "https://bot.example.org/")
    assert settings().rasa_url == "https://bot.example.org"


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://x", "http://", "http://x/namespace", "http://x?a=1", "http://x; script-src *",
     "http://x:port", "http://user@x", "http://x 'unsafe-eval'"],
)  # fmt: skip
def test_public_url_must_be_a_bare_origin(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("RASA_PUBLIC_URL", url)
    with pytest.raises(ValueError, match="RASA_PUBLIC_URL"):
        settings()


def test_binds_loopback_unless_told(monkeypatch: pytest.MonkeyPatch, site: Path) -> None:
    monkeypatch.delenv("BIND_HOST", raising=False)
    assert settings().bind_host == "127.0.0.1"
    fields = {name: getattr(settings(), name) for name in Settings.__dataclass_fields__}
    del fields["bind_host"], fields["rasa_public_url"]
    assert Settings(**fields).bind_host == "127.0.0.1"  # also when built without it
    with serve(replace(settings(), web_port=0), directory=site) as server:
        assert server.server_address[0] == "127.0.0.1"
    monkeypatch.setenv("BIND_HOST", "0.0.0.0")
    assert settings().bind_host == "0.0.0.0"


def slow_client(port: int, trickle: bool, gone: Dict[str, float]) -> None:
    """Connects and sends nothing, or a header a byte every 0.1 s (faster than any per-read timeout);
    records when the server closed the connection.
    """
    start = time.monotonic()
    request = b"GET / HTTP/1.1\r\nX-Slow: " + b"a" * 1000
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        for i in range(100):
            if trickle:
                try:
                    s.send(request[i : i + 1])
                except OSError:
                    break
            readable, _, _ = select.select([s], [], [], 0.1)
            if readable:
                try:
                    if s.recv(1024) == b"":
                        break
                except OSError:
                    break
        else:
            return  # still open after 10 s
    gone["trickle" if trickle else "silent"] = time.monotonic() - start


def test_slow_clients_time_out_while_others_are_served(page: Page) -> None:
    gone: Dict[str, float] = {}
    clients = [threading.Thread(target=slow_client, args=(page.port, trickle, gone)) for trickle in (False, True)]
    for client in clients:
        client.start()
    time.sleep(0.3)
    assert page.get("/")[0] == 200
    assert gone == {}, "served only after the slow clients were cut off"
    for client in clients:
        client.join(timeout=15)
    assert set(gone) == {"silent", "trickle"}, f"a slow client was never cut off: {gone}"
    assert all(seconds < TIMEOUT + 2 for seconds in gone.values()), gone
    assert page.get("/")[0] == 200


JSON = "Content-Type: application/json"


def vote(body: bytes, *headers: str) -> List[str]:
    return [JSON, f"Content-Length: {len(body)}", *headers]


def test_a_vote_on_an_answer_is_kept_without_anything_else(page: Page) -> None:
    from bot import feedback

    body = json.dumps({"answer": "faq_account_request", "useful": False, "reason": "太长了"}).encode()
    status, _, _ = page.post("/feedback", body, *vote(body))
    assert status == 204
    rows = feedback.report(page.server.RequestHandlerClass.func.feedback_db)
    assert ("faq_account_request", 1, 0, [("太长了", 1)]) in rows


@pytest.mark.parametrize(
    "body, headers, expected",
    [
        (b'{"answer": "faq_x", "useful": true}', ["Content-Type: text/plain", "Content-Length: 35"], 415),
        (b'{"answer": "faq_x", "useful": true}', [JSON], 411),
        (b"x" * 600, [JSON, "Content-Length: 600"], 413),
        (b'{"answer": "faq_x", "useful": true}', [JSON, "Content-Length: -5"], 413),
        (b'{"answer": "faq_x", "useful": "yes"}', None, 400),
        (b'{"answer": "faq_x", "useful": true, "text": "13812345678"}', None, 400),  # no room for a message
        (b'{"answer": "\\u4f60\\u597d", "useful": true}', None, 400),  # an id, not text
        (b'{"answer": "faq_x", "useful": false, "reason": "anything"}', None, 400),
        (b'{"answer": "faq_x", "useful": true, "reason": "\xe5\xa4\xaa\xe9\x95\xbf\xe4\xba\x86"}', None, 400),
        (b"[1, 2]", None, 400),
        (b"\xff\xfe", None, 400),
        (b"[" * 400, None, 400),
    ],
)
def test_anything_but_a_vote_is_refused(page: Page, body: bytes, headers: List[str] | None, expected: int) -> None:
    status, _, _ = page.post("/feedback", body, *(headers if headers is not None else vote(body)))
    assert status == expected


def test_posting_anywhere_else_is_not_found(page: Page) -> None:
    body = b'{"answer": "faq_x", "useful": true}'
    assert page.post("/index.html", body, *vote(body))[0] == 404


def test_a_body_sent_slowly_times_out_and_stores_nothing(page: Page) -> None:
    from bot import feedback

    before = feedback.report(page.server.RequestHandlerClass.func.feedback_db)
    head = "POST /feedback HTTP/1.1\r\nHost: localhost\r\n" + JSON + "\r\nContent-Length: 40\r\n\r\n"
    with socket.create_connection(("127.0.0.1", page.port), timeout=10) as s:
        s.sendall(head.encode() + b'{"answer":')
        started = time.monotonic()
        s.recv(1024)  # the server gives up at its deadline and closes
        assert time.monotonic() - started < TIMEOUT + 2
    assert feedback.report(page.server.RequestHandlerClass.func.feedback_db) == before
