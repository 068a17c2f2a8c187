"""Hit rates of the 手写 recogniser (kiosk.devices.handwriting) before and after stroke
normalisation and tiered ranking, on characters drawn from Make Me a Hanzi's medians
(the npm package hanzi-writer-data, as for scripts/build_handwriting_model.py):

    npm pack hanzi-writer-data@2.0.1 && tar xzf hanzi-writer-data-2.0.1.tgz
    .venv/bin/python scripts/measure_handwriting.py package/ --count 500

Each of the first ``count`` characters of the 通用规范汉字表 that the data holds is drawn on
a 400 × 400 pad as written across it, then small, in a corner, in the right half and
tiny; the table gives, per way of writing, how often the character is the first
candidate and among the first five, "before" (strokes as drawn, candidates by score
alone) and "after" (kiosk's recogniser as it is). Results are in docs/ui.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.devices import handwriting
from kiosk.devices.hanzi_lists import COMMON_FILE, list_lines

PAD = 400
Strokes = list[list[tuple[float, float]]]
WAYS: dict[str, tuple[float, float, float]] = {  # scale, dx, dy on the 400 px pad
    "across the pad": (1.0, 0, 0),
    "small, centred": (0.4, 120, 120),
    "small, top left": (0.35, 10, 10),
    "small, bottom right": (0.35, 250, 250),
    "half size, right": (0.5, 195, 100),
    "tiny, bottom left": (0.2, 40, 300),
}


def drawn(medians: list[list[list[float]]]) -> Strokes:
    """The medians (1024 em box, y up, top at 900) on the pad, y down, 4 points a segment."""
    out = []
    for stroke in medians:
        pts = [(x * PAD / 1024, (900 - y) * PAD / 1024) for x, y in stroke]
        dense = [
            (x0 + (x1 - x0) * k / 4, y0 + (y1 - y0) * k / 4)
            for (x0, y0), (x1, y1) in itertools.pairwise(pts)
            for k in range(4)
        ]
        out.append([*dense, pts[-1]])
    return out


def ways(strokes: Strokes) -> Iterator[tuple[str, Strokes]]:
    for name, (s, dx, dy) in WAYS.items():
        yield name, [[(x * s + dx, y * s + dy) for x, y in st] for st in strokes]


def rates(samples: dict[str, Strokes], recognizer: handwriting.Recognizer) -> dict[str, str]:
    top1: dict[str, int] = dict.fromkeys(WAYS, 0)
    top5: dict[str, int] = dict.fromkeys(WAYS, 0)
    for char, strokes in samples.items():
        for name, variant in ways(strokes):
            found = [c.char for c in recognizer.recognize(variant, width=PAD, height=PAD)]
            top1[name] += found[:1] == [char]
            top5[name] += char in found[:5]
    n = len(samples)
    return {w: f"{100 * top1[w] / n:5.1f} % / {100 * top5[w] / n:5.1f} %" for w in WAYS}


def before(recognizer: handwriting.Recognizer) -> Callable[[], None]:
    """Switch normalisation and tiers off; the returned function switches them back."""
    saved = handwriting.normalise_strokes, handwriting.rank_tier

    def as_drawn(strokes: Strokes, *, width: int, height: int) -> Strokes:
        return [list(s) for s in strokes if s]

    handwriting.normalise_strokes = as_drawn  # type: ignore[assignment]
    handwriting.rank_tier = lambda char: 0

    def restore() -> None:
        handwriting.normalise_strokes, handwriting.rank_tier = saved

    return restore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the unpacked hanzi-writer-data folder")
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    recognizer = handwriting.open_recognizer()
    samples: dict[str, Strokes] = {}
    for char in list_lines(COMMON_FILE):
        path = args.data / f"{char}.json"
        if path.is_file() and recognizer.knows(char):
            samples[char] = drawn(json.loads(path.read_text("utf-8"))["medians"])
        if len(samples) == args.count:
            break
    restore = before(recognizer)
    old = rates(samples, recognizer)
    restore()
    new = rates(samples, recognizer)
    print(f"{len(samples)} characters; top 1 / top 5")
    print(f"{'written':22s} {'before':>18s}   {'after':>18s}")
    for w in WAYS:
        print(f"{w:22s} {old[w]:>18s}   {new[w]:>18s}")


if __name__ == "__main__":
    main()
