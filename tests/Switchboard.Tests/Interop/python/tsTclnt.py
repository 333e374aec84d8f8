#!/usr/bin/env python3
# The tutorials' TCP timestamp client, ported to Python 3: each line typed is sent WITHOUT its newline, and the
# client waits for the server's answer before reading the next one. An empty line (or end of input) quits.
# Usage: python3 tsTclnt.py HOST PORT

import socket
import sys

HOST = sys.argv[1]
PORT = int(sys.argv[2])
BUFSIZ = 1024
ADDR = (HOST, PORT)

tcpCliSock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcpCliSock.settimeout(10)  # not in the tutorial: a test must not hang forever
tcpCliSock.connect(ADDR)

while True:
    try:
        data = input('> ')
    except EOFError:
        break
    if not data:
        break
    tcpCliSock.send(data.encode())
    data = tcpCliSock.recv(BUFSIZ)
    if not data:
        break
    print(data.decode())

tcpCliSock.close()
