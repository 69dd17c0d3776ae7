#!/usr/bin/python3
"""Sends a forged AUDIT_GET reply straight to another process's audit netlink socket.

    forge_reply.py PID FIRST LAST ENABLED

Finds the NETLINK_AUDIT socket of process PID (its port id, from /proc/net/netlink) and
sends it, from our own port, AUDIT_GET "replies" with the sequence numbers FIRST to LAST
whose struct audit_status says enabled=ENABLED and backlog_limit 424242. Needs CAP_NET_ADMIN. The
exporter must never take them for answers: only the kernel (port id 0) answers its queries.
Prints, for each port, "PORT refused" when the kernel refused every datagram (the socket is
connected to the kernel) or "PORT delivered" when they reached the socket.
"""
import os
import socket
import struct
import sys


def audit_ports(pid):
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        target = os.readlink(f"/proc/{pid}/fd/{fd}")
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    ports = []
    with open("/proc/net/netlink") as table:
        next(table)
        for line in table:
            words = line.split()
            # sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
            if words[1] == "9" and words[9] in inodes:
                ports.append(int(words[2]))
    return ports


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    pid, first, last, enabled = (int(a) for a in sys.argv[1:5])
    ports = audit_ports(pid)
    if not ports:
        print(f"process {pid} has no audit netlink socket", file=sys.stderr)
        return 1
    # struct audit_status: mask, enabled, failure, pid, rate_limit, backlog_limit, lost,
    # backlog, feature_bitmap, backlog_wait_time, backlog_wait_time_actual
    status = struct.pack("=11I", 0, enabled, 1, 0, 0, 424242, 0, 0, 0, 0, 0)
    sender = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
    sender.bind((0, 0))
    for port in ports:
        refused = 0
        for sequence in range(first, last + 1):
            header = struct.pack("=IHHII", 16 + len(status), 1000, 0, sequence, 0)
            try:
                sender.sendto(header + status, (port, 0))
            except ConnectionRefusedError:
                refused += 1
        if refused == last - first + 1:
            print(port, "refused")
        elif refused == 0:
            print(port, "delivered")
        else:
            print(port, f"refused {refused} of {last - first + 1}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
