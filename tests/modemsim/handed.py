#!/usr/bin/python3
"""Counts the PDUs handed to the AT simulator (AT+CMGS), by destination.

Reads the simulator's at.log (every PDU it was handed) or its sent/ folder
(every PDU it accepted, one a file) and prints one line per destination
number, "+NUMBER COUNT", sorted by number. Each PDU is an SMS-SUBMIT of
3GPP TS 23.040 with its SMSC part first. Standard library only.
"""

import collections
import os
import sys


def destination(pdu):
    """The destination address of an SMS-SUBMIT PDU (hex), as +digits."""
    raw = bytes.fromhex(pdu)
    pos = 1 + raw[0]  # the SMSC address
    pos += 2  # first octet, message reference
    digits = raw[pos]
    octets = raw[pos + 2 : pos + 2 + (digits + 1) // 2]
    return "+" + "".join(f"{b & 15}{b >> 4}" for b in octets)[:digits]


def pdus(path):
    """The PDUs (hex) in an at.log, or in a sent/ folder."""
    if os.path.isdir(path):
        for name in os.listdir(path):
            if not name.startswith("."):
                with open(os.path.join(path, name), encoding="ascii") as f:
                    yield f.read().strip()
        return
    with open(path, errors="replace") as log:
        for line in log:
            words = line.split()
            if len(words) >= 5 and words[2] == "RX" and words[3] == "PDU":
                yield words[4]


def main(path):
    count = collections.Counter(destination(pdu) for pdu in pdus(path))
    for number, n in sorted(count.items()):
        print(number, n)


if __name__ == "__main__":
    main(sys.argv[1])
