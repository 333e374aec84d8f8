#!/usr/bin/env python3
# The tutorials' UDP echo client, ported to Python 3: sends each message given on the command line as one
# datagram to the echo server and prints what comes back, with the address it came from.
# Usage: python3 udp_echo_client.py HOST PORT MESSAGE...

import socket
import sys

host = sys.argv[1]
port = int(sys.argv[2])
messages = sys.argv[3:] or ['Hello, World!']

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(10)  # not in the tutorial: a lost datagram must not hang a test

for message in messages:
    print('sending "%s"' % message)
    sock.sendto(message.encode(), (host, port))
    data, server = sock.recvfrom(4096)
    print('received "%s" from %s:%d' % (data.decode(), server[0], server[1]))

print('closing socket')
sock.close()
