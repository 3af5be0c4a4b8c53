#!/usr/bin/env python3
"""Build a deterministic benchmark corpus from the sample articles in corpus/.

usage: make_corpus.py SIZE_MB OUT_DIR [--zipf] [--file-bytes N]

Ring corpus (default): the non-blank lines of corpus/*.txt, in sorted file order, form a
ring; file i starts at line (i*97) mod L and takes whole lines until it holds FILE_BYTES
(default 10,000). This is the same construction as ../shared/bench/peers/make_corpus.sh,
so the vocabulary is the sample's (about 1,900 words) however large the corpus.

Zipf corpus (--zipf): the same lines, but every katakana word of three or more characters
(the sample's nouns: エクソソーム, サイトカイン, ...) is replaced by a pseudo-noun drawn from
a vocabulary of 2,000,000 with a Zipf distribution (s = 1.07), so the vocabulary keeps
growing with the corpus as in real text (Heaps' law) and the term and pair tables grow
with it. Nothing is random between runs: the generator is seeded.
"""
import bisect
import os
import random
import re
import sys

KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
KANA += "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポ"


def pseudo_word(n):
    """The n-th pseudo-noun: a unique katakana string of 3 to 6 characters."""
    base = len(KANA)
    chars = []
    n += base * base  # at least three characters
    while n:
        n, r = divmod(n, base)
        chars.append(KANA[r])
    return "".join(chars) + "ム"


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    size_mb = int(args[0])
    out = args[1]
    zipf = "--zipf" in args
    file_bytes = 10000
    if "--file-bytes" in args:
        file_bytes = int(args[args.index("--file-bytes") + 1])
    here = os.path.dirname(os.path.abspath(__file__))
    seed_dir = os.path.join(here, "..", "corpus")
    lines = []
    for name in sorted(os.listdir(seed_dir)):
        if name.endswith(".txt"):
            with open(os.path.join(seed_dir, name), encoding="utf-8", newline="") as f:
                for l in f:
                    l = l.rstrip("\n").removesuffix("\r")
                    if l.strip(" \t\r"):  # blank = ASCII spaces only, as the shell peer
                        lines.append(l)
    ring = len(lines)
    stride = 97
    while any(ring % p == 0 and stride % p == 0 for p in range(2, stride + 1)):
        stride += 1
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        os.remove(os.path.join(out, name))

    rng = random.Random(20261121)
    vocab = 2_000_000
    cdf = []
    if zipf:
        total = 0.0
        for k in range(1, vocab + 1):
            total += 1.0 / k**1.07
            cdf.append(total)
    katakana = re.compile("[ァ-ヺー]{3,}")

    def draw(_match):
        x = rng.random() * cdf[-1]
        return pseudo_word(bisect.bisect_left(cdf, x))

    nfiles = (size_mb * 1_000_000 + file_bytes - 1) // file_bytes
    written = 0
    for i in range(nfiles):
        pos = (i * stride) % ring
        chunks = []
        size = 0
        while size < file_bytes:
            line = lines[pos]
            if zipf:
                line = katakana.sub(draw, line)
            chunks.append(line + "\n")
            size += len(line.encode()) + 1
            pos = (pos + 1) % ring
        data = "".join(chunks).encode()
        with open(os.path.join(out, f"doc_{i:06d}.txt"), "wb") as f:
            f.write(data)
        written += len(data)
    print(f"{out}: {nfiles} files, {written} bytes")


if __name__ == "__main__":
    main()
