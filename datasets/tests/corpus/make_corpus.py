#!/usr/bin/env python3
"""Writes the seed corpus that tests/replay.rs mutates (and fuzz/ starts from).

Standard library only: the .npy files are laid out as numpy's format module
writes them (magic, version, little-endian header length, a dict literal padded
with spaces to a multiple of 64 bytes and ended by a newline, then the data).
Run from anywhere; the files go next to this script.

Files named regress_* are inputs a fuzz target found (see fuzz/README.md), kept
byte for byte; this script does not write them.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def npy(version, dict_text, data):
    prefix = 10 if version == 1 else 12
    header = dict_text
    pad = (64 - (prefix + len(header) + 1) % 64) % 64
    header = (header + " " * pad + "\n").encode("latin1")
    length = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header + data


def write(sub, name, content):
    os.makedirs(os.path.join(HERE, sub), exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    with open(os.path.join(HERE, sub, name), "wb") as f:
        f.write(content)


def f8(fmt, values):
    return struct.pack(fmt + "%dd" % len(values), *values)


def f4(fmt, values):
    return struct.pack(fmt + "%df" % len(values), *values)


write("npy", "c_f64_2x3.npy", npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
                                   f8("<", [1.0, -2.5, 1e-300, 4.0, 5.0, 1 / 3])))
write("npy", "fortran_f32_3x2.npy", npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2), }",
                                         f4("<", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])))
write("npy", "be_f64_vec4.npy", npy(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (4,), }",
                                     f8(">", [0.0, 1.0, -1.0, 2.0 ** 70])))
write("npy", "v2_f64_1x2.npy", npy(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }",
                                    f8("<", [7.0, 8.0])))
write("npy", "v3_f32_vec2.npy", npy(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                                     f4("<", [0.5, -0.25])))
write("npy", "py2_dquote_2x2.npy", npy(1, '{"descr": "<f8", "fortran_order": False, "shape": (2L, 2L)}',
                                        f8("<", [1.0, 2.0, 3.0, 4.0])))
write("npy", "empty_0x3.npy", npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", b""))
write("npy", "int64_2x2.npy", npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }",
                                   struct.pack("<4q", 1, 2, 3, 4)))

write("csv", "header_target.csv", "a,b,y\n1,2,0\n3.5,-4e2,1\n")
write("csv", "no_header.csv", "1,2,3\n4,5,6\n")
write("csv", "quoted_crlf_bom.csv", "\ufeff\"a\",\"b\"\r\n\"1.5\",2\r\n\r\n3,4\r\n")
write("csv", "blank_lines.csv", "\n a , b \n 1 , 2 \n\n")
write("csv", "one_column.csv", "y\n0\n1\n1\n")

write("svmlight", "basic.svm", "1 1:0.5 3:-2.25\n-1 2:7\n")
write("svmlight", "zero_based.svm", "0 0:1 2:3\n1 1:2\n")
write("svmlight", "qid_comments.svm", "# c\n3 qid:1 1:1.5 2:2.5 # t\n2 qid:2 3:1\n")
write("svmlight", "label_only.svm", "1\n0\n")
write("svmlight", "crlf.svm", "1 1:1\r\n0 2:2e-3\r\n")
