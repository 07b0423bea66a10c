"""Take the network away from a query worker: no socket but a local (``AF_UNIX``) one can be opened.

The refusal of ``SERVICE`` in :mod:`kg.query.guard` works on the query's text. This is the
second wall behind it: a seccomp filter (Linux, x86-64 and AArch64) on every thread of the worker
process makes ``socket()`` fail with EACCES for any address family but ``AF_UNIX``, so whatever
the text, pyoxigraph's HTTP client can neither resolve a name nor connect anywhere. The filter is
inherited and cannot be removed; only workers started with ``--allow-service`` go without it.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

# (AUDIT_ARCH_*, __NR_socket, __NR_seccomp) per machine
_ARCH = {"x86_64": (0xC000003E, 41, 317), "aarch64": (0xC00000B7, 198, 277)}
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_LD_ABS, _JEQ, _RET = 0x20, 0x15, 0x06  # BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, BPF_RET|BPF_K
_AF_UNIX = 1


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _program(arch: int, nr_socket: int) -> bytes:
    # struct seccomp_data: nr at 0, arch at 4, args[0] at 16 (its low half, little-endian)
    insns = [
        (_LD_ABS, 0, 0, 4),
        (_JEQ, 0, 4, arch),  # another ABI: allow (pyoxigraph does not use one)
        (_LD_ABS, 0, 0, 0),
        (_JEQ, 0, 2, nr_socket),  # not socket(): allow
        (_LD_ABS, 0, 0, 16),
        (_JEQ, 0, 1, _AF_UNIX),  # socket(AF_UNIX, ...): allow; any other family: EACCES
        (_RET, 0, 0, _RET_ALLOW),
        (_RET, 0, 0, _RET_ERRNO | errno.EACCES),
    ]
    return b"".join(struct.pack("<HBBI", *i) for i in insns)


def forbid_network() -> None:
    """Install the filter on every thread of this process.

    Raises
    ------
    OSError
        If this machine or kernel cannot (then the caller decides whether to go on without it).
    """
    machine = platform.machine()
    if platform.system() != "Linux" or machine not in _ARCH or struct.pack("=H", 1) != b"\x01\x00":
        raise OSError(f"no network filter for {platform.system()} {machine}")
    arch, nr_socket, nr_seccomp = _ARCH[machine]
    libc = ctypes.CDLL(None, use_errno=True)
    data = _program(arch, nr_socket)
    code = ctypes.create_string_buffer(data, len(data))
    prog = _Program(len(data) // 8, ctypes.cast(code, ctypes.c_void_p))
    long = ctypes.c_long
    if libc.prctl(long(_PR_SET_NO_NEW_PRIVS), long(1), long(0), long(0), long(0)) != 0 or libc.syscall(
            long(nr_seccomp), long(_SECCOMP_SET_MODE_FILTER), long(_SECCOMP_FILTER_FLAG_TSYNC),
            ctypes.byref(prog)) != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"cannot install the network filter: {errno.errorcode.get(e, e)}")
