# password_flood.py PORT USER SECONDS CLIENTS SUBNET CONNECTIONS PAUSE: wrong passwords for USER
# from CLIENTS loopback addresses SUBNET.1, SUBNET.2, ... (SUBNET such as 127.0.1), CONNECTIONS
# kept-alive connections each (a new one when the server closes it), pausing PAUSE seconds after
# a 429: password guessing, not a connection flood (hostile.sh covers those). A guess may wait a
# round of every client's turn on a loaded machine: a long timeout. Prints "status count" lines.
import base64, collections, http.client, sys, threading, time

port, user, seconds, clients = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
subnet, connections, pause = sys.argv[5], int(sys.argv[6]), float(sys.argv[7])
statuses = collections.Counter()
lock = threading.Lock()
deadline = time.monotonic() + seconds


def guess(index):
    source = ("%s.%d" % (subnet, index + 1), 0)
    attempt, c = 0, None
    while time.monotonic() < deadline:
        attempt += 1
        token = base64.b64encode(("%s:wrong%d" % (user, attempt)).encode()).decode()
        try:
            if c is None:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=source)
            c.request("GET", "/metrics", headers={"Authorization": "Basic " + token})
            r = c.getresponse()
            r.read()
            status = r.status
        except OSError as e:
            status, c = "error:" + type(e).__name__, None
        with lock:
            statuses[status] += 1
        if status == 429:
            time.sleep(pause)


threads = [threading.Thread(target=guess, args=(i % clients,)) for i in range(connections * clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for status, count in sorted(statuses.items(), key=str):
    print(status, count)
