"""Build assets/handwriting/handwriting-zh_extra.model: a Zinnia model of the characters
that the Debian Tegaki models (GB 2312, JIS X 0208) lack — 堃, 喆, 祎, 彧, 垚 and about
1,100 more — so that these 生僻字 can be written by hand (kiosk/devices/handwriting.py).

    npm pack hanzi-writer-data@2.0.1 && tar xzf hanzi-writer-data-2.0.1.tgz
    apt-get install zinnia-utils          # zinnia_learn
    .venv/bin/python scripts/build_handwriting_model.py package/   # ~3 min on 2 cores

Source: the stroke medians of Make Me a Hanzi, as published in the npm package
hanzi-writer-data (Arphic Public License: assets/handwriting/ARPHICPL.TXT). Each
character is trained from its median strokes, in the data's stroke order, plus three
copies moved, stretched and shaken by a seeded random generator (the same file every
run), on Zinnia's 1000 × 1000 box (y down).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kiosk.devices.handwriting import (  # noqa: E402
    RARE_MODEL,
    Recognizer,
    _is_ideograph,
    find_models,
    load_library,
)

OUT = REPO / "assets" / "handwriting" / "handwriting-zh_extra.model"
VARIANTS = 3  # shaken copies beside the median itself


def _dense(stroke: list[list[float]], parts: int = 3) -> list[tuple[float, float]]:
    points = []
    for (x0, y0), (x1, y1) in itertools.pairwise(stroke):
        points += [(x0 + (x1 - x0) * k / parts, y0 + (y1 - y0) * k / parts) for k in range(parts)]
    return [*points, (stroke[-1][0], stroke[-1][1])]


def _sample(char: str, medians: list[list[list[float]]], rng: random.Random, plain: bool) -> str:
    sx, sy = (1.0, 1.0) if plain else (rng.uniform(0.85, 1.1), rng.uniform(0.85, 1.1))
    dx, dy = (0.0, 0.0) if plain else (rng.uniform(-40, 40), rng.uniform(-40, 40))
    shake = 0.0 if plain else 8.0
    strokes = []
    for stroke in medians:
        points = [
            (
                round(x * sx + dx + rng.uniform(-shake, shake)),
                round((900 - y) * sy + dy + rng.uniform(-shake, shake)),
            )
            for x, y in _dense(stroke)
        ]
        strokes.append("(" + "".join(f"({x} {y})" for x, y in points) + ")")
    return f"(character (value {char}) (width 1000) (height 1000) (strokes {''.join(strokes)}))"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path, help="the unpacked hanzi-writer-data package folder")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    learn = shutil.which("zinnia_learn")
    if learn is None:
        print("zinnia_learn not found: apt-get install zinnia-utils", file=sys.stderr)
        return 2
    debian = [p for p in find_models() if p.name != RARE_MODEL]
    known = Recognizer(load_library(), debian).characters
    chars = sorted(
        p.stem
        for p in args.data.glob("*.json")
        if len(p.stem) == 1 and _is_ideograph(p.stem) and p.stem not in known
    )
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as tmp:
        training = Path(tmp) / "train.s"
        with training.open("w", encoding="utf-8") as out:
            for char in chars:
                medians = json.loads((args.data / f"{char}.json").read_text("utf-8"))["medians"]
                for n in range(VARIANTS + 1):
                    out.write(_sample(char, medians, rng, plain=n == 0) + "\n")
        model = Path(tmp) / "model"
        subprocess.run([learn, str(training), str(model)], check=True, stdout=subprocess.DEVNULL)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(model, args.out)
    print(f"{args.out}: {len(chars)} characters, {args.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
