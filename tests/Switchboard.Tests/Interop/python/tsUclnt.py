#!/usr/bin/env python3
# The tutorials' UDP timestamp client, ported to Python 3: each line typed goes out as one datagram, and the
# answer datagram is printed. An empty line (or end of input) quits.
# Usage: python3 tsUclnt.py HOST PORT

import socket
import sys

HOST = sys.argv[1]
PORT = int(sys.argv[2])
BUFSIZ = 1024
ADDR = (HOST, PORT)

udpCliSock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udpCliSock.settimeout(10)  # not in the tutorial: a lost datagram must not hang a test

while True:
    try:
        data = input('> ')
    except EOFError:
        break
    if not data:
        break
    udpCliSock.sendto(data.encode(), ADDR)
    data, ADDR = udpCliSock.recvfrom(BUFSIZ)
    if not data:
        break
    print(data.decode())

udpCliSock.close()
