#!/usr/bin/python3
"""Loads one audit rule whose AUDIT_LIST_RULES reply is larger than 64 KiB (81,064 bytes):
an exit rule on every syscall with 20 subj_user fields of 4,000 bytes and the key lae_huge.
The kernel keeps LSM fields that no loaded LSM knows; auditctl cannot send (or print) a rule
this large, so this sends AUDIT_ADD_RULE itself. Delete it with test/delete_rules.py. Prints
the size of the request; exits 1 when the kernel refuses it. Needs CAP_AUDIT_CONTROL."""
import socket
import struct
import sys

AUDIT_ADD_RULE, NLM_F_REQUEST, NLM_F_ACK = 1011, 1, 4
AUDIT_FILTER_EXIT, AUDIT_ALWAYS = 4, 2
AUDIT_SUBJ_USER, AUDIT_FILTERKEY, AUDIT_EQUAL = 13, 210, 0x40000000


def main():
    strings = [b"a" * 3990 + str(i).encode().rjust(10, b"0") for i in range(20)]
    fields = [AUDIT_SUBJ_USER] * len(strings) + [AUDIT_FILTERKEY]
    strings.append(b"lae_huge")
    values = [len(s) for s in strings]
    padded = lambda items: items + [0] * (64 - len(items))
    buf = b"".join(strings)
    # struct audit_rule_data: flags, action, field_count, mask[64], fields[64], values[64],
    # fieldflags[64], buflen, buf
    data = (struct.pack("=III", AUDIT_FILTER_EXIT, AUDIT_ALWAYS, len(fields))
            + struct.pack("=64I", *([0xFFFFFFFF] * 64))
            + struct.pack("=64I", *padded(fields))
            + struct.pack("=64I", *padded(values))
            + struct.pack("=64I", *padded([AUDIT_EQUAL] * len(fields)))
            + struct.pack("=I", len(buf)) + buf)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
    sock.bind((0, 0))
    request = struct.pack("=IHHII", 16 + len(data), AUDIT_ADD_RULE, NLM_F_REQUEST | NLM_F_ACK, 1, 0)
    sock.send(request + data)
    code = struct.unpack_from("=i", sock.recv(65536), 16)[0]
    if code != 0:
        print(f"the kernel refused the rule: errno {-code}", file=sys.stderr)
        return 1
    print(16 + len(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
