#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""der-to-ber.py [--depth N] IN OUT: rewrite a DER file in BER with indefinite lengths.

Every constructed element (SEQUENCE, SET, [n] EXPLICIT, ...) nested less than N deep
(default 4: a PKCS#7 ContentInfo, its [0], the SignedData and the SignedData's fields)
gets the indefinite length form (0x80, contents, then the end-of-contents octets 00 00),
as Windows and Java tools write .p7b files; deeper elements are copied unchanged, so the
certificates of a PKCS#7 stay DER. --depth 99 makes everything indefinite, the
certificates too (which no reader should accept: a certificate is signed as DER)."""

import argparse
import sys


def read_element(data, pos):
    """(tag, header_length, content_length) of the DER element at pos"""
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        sys.exit(f"multi-byte tag at byte {pos}")
    first = data[pos + 1]
    if first < 0x80:
        return tag, 2, first
    count = first & 0x7F
    if count == 0:
        sys.exit(f"input is not DER: indefinite length at byte {pos}")
    length = int.from_bytes(data[pos + 2 : pos + 2 + count], "big")
    return tag, 2 + count, length


def convert(data, pos, end, depth, limit, out):
    while pos < end:
        tag, header, length = read_element(data, pos)
        content = pos + header
        if content + length > end:
            sys.exit(f"truncated element at byte {pos}")
        if tag & 0x20 and depth < limit:
            out += bytes([tag, 0x80])
            convert(data, content, content + length, depth + 1, limit, out)
            out += b"\x00\x00"
        else:
            out += data[pos : content + length]
        pos = content + length


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("input")
    parser.add_argument("output")
    args = parser.parse_args()
    with open(args.input, "rb") as f:
        data = f.read()
    out = bytearray()
    convert(data, 0, len(data), 0, args.depth, out)
    with open(args.output, "wb") as f:
        f.write(out)


main()
