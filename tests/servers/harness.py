"""Real Apache httpd and nginx on 127.0.0.1 for the server tests, and the clients that probe
them (nghttp, curl).

Everything a server needs (configuration, pid file, logs, certificate, a copy of the site) lives
in a fresh temporary directory; nothing under /etc is written. Apache modules are loaded with
``LoadModule`` lines from ``/usr/lib/apache2/modules`` (``APACHE_MODULES`` overrides it). A
missing program fails the test in CI (``CI`` is set) and skips it elsewhere. Every subprocess
has a timeout, and every server is stopped by its own process id when the test is done.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

from .site import SITE

TIMEOUT = 30
APACHE_MODULES = Path(os.environ.get("APACHE_MODULES", "/usr/lib/apache2/modules"))
_APACHE_MODULES = (
    ("mpm_event_module", "mod_mpm_event.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("mime_module", "mod_mime.so"),
    ("dir_module", "mod_dir.so"),
    ("negotiation_module", "mod_negotiation.so"),
    ("headers_module", "mod_headers.so"),
    ("http2_module", "mod_http2.so"),
    ("socache_shmcb_module", "mod_socache_shmcb.so"),
    ("ssl_module", "mod_ssl.so"),
)


def unavailable(reason: str) -> NoReturn:
    """Fail in CI, where a missing server is a broken setup; skip on a developer's machine."""
    if os.environ.get("CI"):
        pytest.fail(f"server tests need it in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def require(*names: str) -> str:
    """The path of the first program in ``names`` found on PATH (or in /usr/sbin)."""
    for name in names:
        found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
        if found:
            return found
    unavailable(
        f"{' or '.join(names)} is not installed (apt-get install apache2 nginx "
        "nghttp2-client curl openssl)"
    )


def run(args: list[str], *, timeout: float = TIMEOUT, check: bool = True) -> str:
    """Run ``args`` and return its standard output and error, interleaved as it wrote them."""
    done = subprocess.run(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}")
    return done.stdout


def version(text: str, pattern: str) -> tuple[int, ...]:
    match = re.search(pattern, text)
    assert match, text
    return tuple(int(part) for part in match.group(1).split("."))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def workdir(prefix: str, site: Path = SITE) -> Iterator[Path]:
    """A temporary directory holding a copy of ``site`` (the fixture site by default), readable
    by the unprivileged user that server workers switch to when started as root."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        path.chmod(0o755)
        shutil.copytree(site, path / "site")
        (path / "site").chmod(0o755)
        for root, dirs, files in os.walk(path / "site"):
            for name in dirs:
                Path(root, name).chmod(0o755)
            for name in files:
                file = Path(root, name)
                file.chmod(0o755 if file.stat().st_mode & 0o100 else 0o644)  # CGI scripts
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def spki_pin(cert: Path) -> str:
    """The base64 SHA-256 of the certificate's SubjectPublicKeyInfo (DER), as Chromium's
    ``--ignore-certificate-errors-spki-list`` takes it."""
    openssl = require("openssl")
    pem = subprocess.run(
        [openssl, "x509", "-pubkey", "-noout", "-in", str(cert)],
        capture_output=True, check=True, timeout=TIMEOUT,
    ).stdout  # fmt: skip
    der = subprocess.run(
        [openssl, "pkey", "-pubin", "-outform", "der"],
        input=pem, capture_output=True, check=True, timeout=TIMEOUT,
    ).stdout  # fmt: skip
    return base64.b64encode(hashlib.sha256(der).digest()).decode("ascii")


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with ``openssl req``."""
    openssl = require("openssl")
    cert, key = directory / "cert.pem", directory / "key.pem"
    run([
        openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        "-keyout", str(key), "-out", str(cert),
    ])  # fmt: skip
    return cert, key


@contextlib.contextmanager
def serving(args: list[str], ports: list[int], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Start a foreground server, wait until its ports accept connections, stop it after."""
    proc = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        for port in ports:
            while True:
                if proc.poll() is not None:
                    text = log.read_text(errors="replace") if log.exists() else ""
                    raise AssertionError(f"{args[0]} exited {proc.returncode}:\n{text}")
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", port), timeout=1),
                ):
                    break
                if time.monotonic() > deadline:
                    raise AssertionError(f"{args[0]} did not listen on {port}")
                time.sleep(0.05)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=TIMEOUT)


def _unprivileged() -> tuple[str, str]:
    for user, group in (("www-data", "www-data"), ("nobody", "nogroup")):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(user)
            return user, group
    unavailable("no unprivileged user (www-data, nobody) for server workers")


@dataclass(frozen=True)
class Server:
    h2c: str
    """Base URL over cleartext HTTP/2 (prior knowledge) and HTTP/1.1."""
    tls: str = ""
    """Base URL over TLS (h2 by ALPN), when the server has one."""
    version: tuple[int, ...] = ()
    cert: Path | None = None
    """The self-signed certificate of the TLS port (for :func:`spki_pin`)."""
    access_log: Path | None = None
    """One line per request, when it began: ``SECONDS.MILLISECONDS STATUS PATH`` (Apache)."""


def apache_version() -> tuple[int, ...]:
    return version(run([require("apache2", "httpd"), "-v"]), r"Apache/(\d+(?:\.\d+)+)")


@contextlib.contextmanager
def apache(
    generated: str, *, multiviews: bool = False, site: Path = SITE, cgi: bool = False
) -> Iterator[Server]:
    """Apache httpd with mod_http2 (h2c and TLS h2) serving ``site`` (the fixture site by
    default), the ``generated`` configuration included at server level. With ``cgi``, mod_cgid
    is loaded too (``generated`` says which files are scripts: ``SetHandler cgi-script`` and
    ``Options +ExecCGI``)."""
    binary = require("apache2", "httpd")
    wanted = _APACHE_MODULES + ((("cgid_module", "mod_cgid.so"),) if cgi else ())
    for _, file in wanted:
        if not (APACHE_MODULES / file).is_file():
            unavailable(f"{APACHE_MODULES / file} is missing (set APACHE_MODULES)")
    with workdir("pm-apache-", site) as base:
        cert, key = self_signed(base)
        h2c, tls = free_port(), free_port()
        (base / "push.conf").write_text(generated, encoding="utf-8")
        user = ""
        if os.geteuid() == 0:
            name, group = _unprivileged()
            user = f"User {name}\nGroup {group}\n"
        modules = "".join(f"LoadModule {name} {APACHE_MODULES / file}\n" for name, file in wanted)
        types = "TypesConfig /etc/mime.types\n" if Path("/etc/mime.types").is_file() else ""
        conf = base / "httpd.conf"
        conf.write_text(
            f"""ServerRoot {base}
ServerName 127.0.0.1
PidFile {base}/httpd.pid
DefaultRuntimeDir {base}
ErrorLog {base}/error.log
LogLevel warn
CustomLog {base}/access.log "%{{sec}}t.%{{msec_frac}}t %>s %U%q"
{user}{modules}{types}AddType text/javascript .mjs
StartServers 1
ServerLimit 1
ThreadsPerChild 16
MaxRequestWorkers 16
Listen 127.0.0.1:{h2c}
Listen 127.0.0.1:{tls}
Protocols h2 h2c http/1.1
DocumentRoot {base}/site
DirectoryIndex index.html
SSLSessionCache shmcb:{base}/ssl_scache(512000)
<Directory {base}/site>
    Require all granted
    Options {"+MultiViews" if multiviews else "None"}
</Directory>
<VirtualHost 127.0.0.1:{tls}>
    SSLEngine on
    SSLCertificateFile {cert}
    SSLCertificateKeyFile {key}
</VirtualHost>
Include {base}/push.conf
""",
            encoding="utf-8",
        )
        syntax = run([binary, "-t", "-f", str(conf)])
        assert "Syntax OK" in syntax, syntax
        with serving([binary, "-f", str(conf), "-DFOREGROUND"], [h2c, tls], base / "error.log"):
            yield Server(
                h2c=f"http://127.0.0.1:{h2c}",
                tls=f"https://127.0.0.1:{tls}",
                version=apache_version(),
                cert=cert,
                access_log=base / "access.log",
            )


def nginx_version() -> tuple[int, ...]:
    return version(run([require("nginx"), "-v"]), r"nginx/(\d+(?:\.\d+)+)")


def nginx_conf(base: Path, port: int, generated: str) -> Path:
    """An nginx.conf serving the fixture site over h2c on ``port``, ``generated`` included in
    its server block; before nginx 1.25.1 also ``http2_push_preload on``."""
    legacy = nginx_version() < (1, 25, 1)
    (base / "push.conf").write_text(generated, encoding="utf-8")
    types = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").is_file() else ""
    temps = "".join(
        f"  {kind}_temp_path {base}/tmp-{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    listen = f"listen 127.0.0.1:{port}" + (" http2;" if legacy else ";\n    http2 on;")
    push = "http2_push_preload on;" if legacy else ""
    user = "user {} {};\n".format(*_unprivileged()) if os.geteuid() == 0 else ""
    conf = base / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
daemon off;
pid {base}/nginx.pid;
error_log {base}/error.log warn;
events {{ worker_connections 64; }}
http {{
  {types}
  types {{ text/javascript mjs; text/vtt vtt; font/woff2 woff2; }}
  default_type application/octet-stream;
  access_log off;
{temps}  server {{
    {listen}
    server_name localhost;
    root {base}/site;
    {push}
    include {base}/push.conf;
  }}
}}
""",
        encoding="utf-8",
    )
    return conf


def nginx_test(base: Path, conf: Path) -> str:
    """``nginx -t`` on ``conf``: its report, asserting success."""
    binary = require("nginx")
    report = run([binary, "-t", "-p", str(base), "-e", str(base / "error.log"), "-c", str(conf)])
    assert "test is successful" in report, report
    return report


@contextlib.contextmanager
def nginx(generated: str, *, site: Path = SITE) -> Iterator[Server]:
    """nginx serving ``site`` (the fixture site by default) over h2c, the ``generated``
    configuration included in its server block, after ``nginx -t`` accepted it."""
    binary = require("nginx")
    with workdir("pm-nginx-", site) as base:
        port = free_port()
        conf = nginx_conf(base, port, generated)
        nginx_test(base, conf)
        args = [binary, "-p", str(base), "-e", str(base / "error.log"), "-c", str(conf)]
        with serving(args, [port], base / "error.log"):
            yield Server(h2c=f"http://127.0.0.1:{port}", version=nginx_version())


@dataclass(frozen=True)
class Exchange:
    """One request as curl saw it: each response's status and ``link`` field lines, in order
    (interim 103 responses first)."""

    responses: tuple[tuple[int, tuple[str, ...]], ...]

    def links(self, status: int) -> list[str]:
        """The ``link`` field lines of the first response with ``status``."""
        for code, links in self.responses:
            if code == status:
                return list(links)
        raise AssertionError(f"no {status} response in {self.responses}")


def curl(url: str, *, prior_knowledge: bool = False) -> Exchange:
    """GET ``url`` over HTTP/2 (``--http2`` by ALPN on https, prior knowledge on http)."""
    args = [require("curl"), "-sS", "-k", "-D", "-", "-o", os.devnull, "--max-time", "20"]
    args.append("--http2-prior-knowledge" if prior_knowledge else "--http2")
    text = run([*args, url])
    responses: list[tuple[int, list[str]]] = []
    for line in text.splitlines():
        if status := re.match(r"HTTP/[\d.]+ (\d{3})", line):
            responses.append((int(status.group(1)), []))
        elif line.lower().startswith("link:"):
            responses[-1][1].append(line.split(":", 1)[1].strip())
    return Exchange(tuple((code, tuple(links)) for code, links in responses))


@dataclass(frozen=True)
class Pushes:
    """What ``nghttp`` saw: the PUSH_PROMISE frames and the pushed paths (``*`` in -s stats)."""

    promises: int
    paths: tuple[str, ...]
    output: str


def nghttp(url: str) -> Pushes:
    """``nghttp -ans`` (with -v for the frames): fetch ``url`` and its assets, report pushes."""
    text = run([require("nghttp"), "-ans", "-v", "-t", "20", url])
    promises = len(re.findall(r"recv PUSH_PROMISE frame", text))
    paths = re.findall(
        r"^\s*\d+\s+\+\S+\s+\*\s+\+\S+\s+\S+\s+\d{3}\s+\d+\s+(\S+)\s*$", text, re.MULTILINE
    )
    return Pushes(promises=promises, paths=tuple(paths), output=text)
