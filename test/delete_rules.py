#!/usr/bin/python3
"""Deletes every loaded audit rule, fast: lists them (AUDIT_LIST_RULES) and sends each back
as AUDIT_DEL_RULE, waiting for each acknowledgement. `auditctl -D` does the same but sleeps
100 ms whenever the next rule is not ready yet, which makes 10,000 rules take many minutes.
Prints the number deleted; exits 1 on any kernel error. Needs CAP_AUDIT_CONTROL."""
import socket
import struct
import sys

AUDIT_LIST_RULES, AUDIT_DEL_RULE, NLMSG_ERROR, NLMSG_DONE = 1013, 1012, 2, 3
NLM_F_REQUEST, NLM_F_ACK = 1, 4


def messages(data):
    offset = 0
    while offset + 16 <= len(data):
        length, kind, _, seq, _ = struct.unpack_from("=IHHII", data, offset)
        if length < 16:
            return
        yield kind, seq, data[offset + 16:offset + length]
        offset += (length + 3) & ~3


def main():
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
    sock.bind((0, 0))
    sock.send(struct.pack("=IHHII", 16, AUDIT_LIST_RULES, NLM_F_REQUEST, 1, 0))
    rules = []
    done = False
    while not done:
        for kind, seq, payload in messages(sock.recv(1 << 20)):
            if seq != 1:
                continue
            if kind == AUDIT_LIST_RULES:
                rules.append(payload)
            elif kind in (NLMSG_DONE, NLMSG_ERROR):
                done = True
    for number, payload in enumerate(rules, 2):
        header = struct.pack("=IHHII", 16 + len(payload), AUDIT_DEL_RULE,
                             NLM_F_REQUEST | NLM_F_ACK, number, 0)
        sock.send(header + payload)
        acked = False
        while not acked:
            for kind, seq, body in messages(sock.recv(65536)):
                if seq == number and kind == NLMSG_ERROR:
                    code = struct.unpack_from("=i", body)[0]
                    if code != 0:
                        print(f"deleting rule {number - 1}: errno {-code}", file=sys.stderr)
                        return 1
                    acked = True
    print(len(rules))
    return 0


if __name__ == "__main__":
    sys.exit(main())
