#!/usr/bin/env python3
"""web_serve_test.py - how baogao-searchd serves the web workbench.

Starts the daemon on 127.0.0.1 with an ephemeral port over an index of
corpus/ and checks, without a browser:

  - every page path (/, /search, /time, /kwic, /compare, /similar,
    /report/ID) answers web/index.html, and every file of web/ is served
    under /static/ byte for byte with its content type (gzip when asked);
    other paths under /static/ (folders, dot files, escapes) are 404;
  - every answer carries Content-Security-Policy default-src 'self' and
    X-Content-Type-Options: nosniff;
  - the Host check: IP addresses, localhost and NAME.localhost (any case,
    with a port) are served; another name gets 403 bad_host on pages and
    endpoints alike, until --allow-host names it ('*' lets any through);
    a request without Host (HTTP/1.0) is served;
  - --web DIR serves an edited copy (a changed page, a new file, a removed
    one) without a restart; a --web folder without index.html is refused;
  - the page and its scripts are at most 150 KB gzipped (printed).

    web_serve_test.py --searchd BIN --indexer BIN --corpus DIR --web DIR

Python 3 standard library only.  Exit status 0 when every check passes.
"""
import argparse
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL: " + what, flush=True)
    return cond


def request(port, target, host="127.0.0.1", method="GET", headers=None,
            version="HTTP/1.1"):
    """(status, headers, body) of one request on a new connection."""
    lines = ["%s %s %s" % (method, target, version)]
    if host is not None:
        lines.append("Host: " + host)
    for k, v in (headers or {}).items():
        lines.append("%s: %s" % (k, v))
    lines.append("Connection: close")
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    hl = head.decode("latin-1").split("\r\n")
    hdrs = {}
    for line in hl[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return int(hl[0].split(" ")[1]), hdrs, body


class Daemon:
    def __init__(self, binary, index, *extra):
        self.p = subprocess.Popen(
            [binary, "--index", index, "--listen", "127.0.0.1:0", "--quiet",
             "--threads", "2"] + list(extra),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.p.stdout.readline().decode()
        if not line.startswith("listening on http://"):
            raise RuntimeError("searchd did not start: " + line +
                               self.p.stderr.read().decode())
        self.port = int(line.strip().rsplit(":", 1)[1])

    def stop(self):
        self.p.terminate()
        _, err = self.p.communicate(timeout=10)
        check(self.p.returncode == 0, "searchd exits 0 after SIGTERM")
        log = err.decode("utf-8", "replace")
        check("Sanitizer" not in log and "runtime error" not in log,
              "no sanitizer report:\n" + log[-2000:])


CSP = "default-src 'self'; frame-ancestors 'none'"
TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css",
         ".svg": "image/svg+xml"}


def serves(port, web):
    index_html = open(os.path.join(web, "index.html"), "rb").read()
    for path in ["/", "/search", "/search?q=%E5%8F%91%E5%B1%95&offset=20",
                 "/time?q=a&q=b", "/kwic?q=x", "/compare?a=x&b=y",
                 "/similar?para=x%231", "/report/2023_%E6%B5%8E",
                 "/report/x%3Cy%3E#p3"]:
        st, h, body = request(port, path)
        check(st == 200 and body == index_html, "%s: the page (%d)" % (path, st))
        check(h.get("content-type", "").startswith("text/html"),
              path + ": text/html")
        check(h.get("content-security-policy") == CSP, path + ": CSP")
        check(h.get("x-content-type-options") == "nosniff", path + ": nosniff")
    for name in sorted(os.listdir(web)):
        if name.startswith("."):
            continue
        want = open(os.path.join(web, name), "rb").read()
        target = "/static/" + name
        st, h, body = request(port, target)
        if name == "index.html":
            check(st == 404, "/static/index.html is not a second copy")
            continue
        check(st == 200 and body == want, "%s served byte for byte" % target)
        ext = os.path.splitext(name)[1]
        if ext in TYPES:
            check(h.get("content-type", "").startswith(TYPES[ext]),
                  "%s: %s (%s)" % (target, TYPES[ext], h.get("content-type")))
        check(h.get("content-security-policy") == CSP, target + ": CSP")
        st, h, body = request(port, target, headers={"Accept-Encoding": "gzip"})
        if len(want) > 1024:
            check(h.get("content-encoding") == "gzip" and
                  gzip.decompress(body) == want, target + ": gzip")
        st, h, body = request(port, target, method="HEAD")
        check(st == 200 and body == b"", target + ": HEAD")
    for bad in ["/static/", "/static/../CMakeLists.txt", "/static/%2e%2e/x",
                "/static/.hidden", "/static/a/b.js", "/static/nope.js",
                "/static/app.js%00", "/staticapp.js", "/report/",
                "/index.html", "/search/x"]:
        st, h, body = request(port, bad)
        check(st == 404 and json.loads(body)["error"]["code"] == "not_found",
              "%s: 404 not_found (%d)" % (bad, st))
    st, h, _ = request(port, "/", method="POST")
    check(st == 405, "POST /: 405")
    st, h, body = request(port, "/v1/stats")
    check(h.get("content-security-policy") == CSP, "/v1/stats: CSP")


def hosts(port, searchd, index):
    for host in ["127.0.0.1", "127.0.0.1:%d" % port, "localhost",
                 "localhost:%d" % port, "LocalHost.", "app.localhost:1",
                 "[::1]:%d" % port, "[::1]", "10.1.2.3:80", "192.168.0.9"]:
        st, _, _ = request(port, "/healthz", host=host)
        check(st == 200, "Host %s: served (%d)" % (host, st))
    for host in ["evil.example", "evil.example:%d" % port, "localhost.evil",
                 "127.0.0.1.nip.io", "xlocalhost", "localhost:80x", ":80", ""]:
        for target in ["/", "/v1/search?q=%E5%8F%91%E5%B1%95", "/healthz",
                       "/static/app.js"]:
            st, _, body = request(port, target, host=host)
            ok = st == 403 and json.loads(body)["error"]["code"] == "bad_host"
            check(ok, "Host %r %s: 403 bad_host (%d)" % (host, target, st))
    st, _, _ = request(port, "/healthz", host=None, version="HTTP/1.0")
    check(st == 200, "HTTP/1.0 without Host: served (%d)" % st)
    d = Daemon(searchd, index, "--allow-host", "reports.example",
               "--allow-host", "other.example")
    for host, want in [("reports.example", 200), ("REPORTS.example:8080", 200),
                       ("other.example", 200), ("evil.example", 403),
                       ("localhost", 200)]:
        st, _, _ = request(d.port, "/healthz", host=host)
        check(st == want, "--allow-host: Host %s %d (%d)" % (host, want, st))
    d.stop()
    d = Daemon(searchd, index, "--allow-host", "*")
    st, _, _ = request(d.port, "/healthz", host="anything.example")
    check(st == 200, "--allow-host '*': any name (%d)" % st)
    d.stop()
    r = subprocess.run([searchd, "--index", index, "--allow-host", "a:80"],
                       capture_output=True, timeout=10)
    check(r.returncode == 1 and b"--allow-host" in r.stderr,
          "--allow-host with a port: refused")


def web_dir(searchd, index, web, tmp):
    copy = os.path.join(tmp, "webcopy")
    shutil.copytree(web, copy)
    d = Daemon(searchd, index, "--web", copy)
    with open(os.path.join(copy, "index.html"), "ab") as f:
        f.write(b"<!-- edited -->\n")
    st, _, body = request(d.port, "/time")
    check(st == 200 and body.endswith(b"<!-- edited -->\n"),
          "--web: an edited page is served as it is now")
    with open(os.path.join(copy, "extra.js"), "wb") as f:
        f.write(b"export const x = 1;\n")
    st, h, body = request(d.port, "/static/extra.js")
    check(st == 200 and body == b"export const x = 1;\n" and
          h.get("content-type", "").startswith("text/javascript"),
          "--web: a new file is served")
    os.remove(os.path.join(copy, "style.css"))
    st, _, _ = request(d.port, "/static/style.css")
    check(st == 404, "--web: a removed file is 404 (%d)" % st)
    os.mkdir(os.path.join(copy, "sub"))
    st, _, _ = request(d.port, "/static/sub")
    check(st == 404, "--web: a folder is not a file (%d)" % st)
    if os.geteuid() != 0:  # root reads any file
        with open(os.path.join(copy, "locked.js"), "wb") as f:
            f.write(b"x")
        os.chmod(os.path.join(copy, "locked.js"), 0)
        st, _, body = request(d.port, "/static/locked.js")
        check(st == 503 and json.loads(body)["error"]["code"] == "file_unavailable",
              "--web: an unreadable file is 503 file_unavailable (%d)" % st)
    d.stop()
    r = subprocess.run([searchd, "--index", index, "--web",
                        os.path.join(tmp, "nowhere")],
                       capture_output=True, timeout=10)
    check(r.returncode == 1 and b"--web" in r.stderr,
          "--web without index.html: refused with a message")


def page_size(web):
    total = 0
    for name in sorted(os.listdir(web)):
        if name.endswith((".html", ".js", ".css", ".svg")):
            total += len(gzip.compress(open(os.path.join(web, name), "rb").read(), 9))
    print("web/: the page and its scripts are %.1f KB gzipped" % (total / 1024))
    check(total <= 150 * 1024, "the page is at most 150 KB gzipped (%d)" % total)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--searchd", required=True)
    ap.add_argument("--indexer", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--web", required=True)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="baogao-web-serve-")
    try:
        index = os.path.join(tmp, "index")
        subprocess.run([a.indexer, "-q", "--index", index, a.corpus], check=True)
        d = Daemon(a.searchd, index)
        try:
            serves(d.port, a.web)
            hosts(d.port, a.searchd, index)
        finally:
            d.stop()
        web_dir(a.searchd, index, a.web, tmp)
        page_size(a.web)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILS:
        print("%d checks failed" % len(FAILS))
        return 1
    print("web_serve_test: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
