"""Offline OCR of a page image with RapidOCR on onnxruntime: its wheel ships the PP-OCR detection and
recognition models, so nothing is downloaded, ever (the model paths are given explicitly, and a missing
model is an error, not a download).

OCR output is the same words-with-positions model the text path produces (layout.Word, in PDF points,
origin top-left), so statement finding, the checks, provenance and the evidence picture work unchanged.
Each word keeps RapidOCR's confidence.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from compliance.extract.layout import Word
from compliance.values.text import without_hidden

# One thread unless set_threads says otherwise: a process that may fork the batch's workers must never hold a
# running thread pool (a forked copy of one deadlocks); each worker, which never forks, takes its share.
_THREADS = {"count": 1}
_ENGINES: dict[str, object] = {}
_SLOT = threading.local()  # inside recognise_each: this thread's own one-thread engine (its slot number)


def set_threads(count: int) -> None:
    """onnxruntime threads per process: a pool of N workers on C cores gives each C // N, so that two
    workers never oversubscribe two cores. Call before the first OCR in the process."""
    _THREADS["count"] = max(1, count)
    _ENGINES.clear()


def _model_paths() -> dict[str, str]:
    import rapidocr

    models = Path(rapidocr.__file__).parent / "models"
    found = {task: sorted(models.glob(pattern)) for task, pattern in
             (("Det", "*det*.onnx"), ("Rec", "*rec*.onnx"), ("Cls", "*cls*.onnx"))}
    missing = [task for task, paths in found.items() if not paths]
    if missing:
        raise RuntimeError(f"the OCR models shipped with rapidocr are missing ({', '.join(missing)})")
    return {task: str(paths[-1]) for task, paths in found.items()}


def _engine(kind: str):
    """'page': whole pages at reading resolution; 'band': the cheap pass over small images; 'line': one
    line already cut out, recognition only."""
    slot = getattr(_SLOT, "number", None)
    key = kind if slot is None else f"{kind}#{slot}"
    engine = _ENGINES.get(key)
    if engine is None:
        from rapidocr import RapidOCR

        params: dict[str, object] = {
            "Global.log_level": "error",
            "Global.use_cls": False,  # pages are deskewed first; upside-down text does not occur here
            "EngineConfig.onnxruntime.intra_op_num_threads": _THREADS["count"] if slot is None else 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "Global.return_word_box": True,  # a line's words, so that table cells OCR joined come apart
        }
        for task, path in _model_paths().items():
            params[f"{task}.model_path"] = path
        if kind == "band":  # detection only: band_words recognises each line's start (the line engine)
            params.update({"Det.limit_side_len": 960, "Det.limit_type": "max", "Global.use_rec": False})
        if kind == "line":  # recognition only (per-call flags would stay set on the engine)
            params.update({"Global.use_det": False, "Global.return_word_box": False})
        engine = _ENGINES[key] = RapidOCR(params=params)
    return engine


@dataclass(frozen=True)
class OcrWord(Word):
    confidence: float = 0.0  # RapidOCR's score, 0..1 (a reading's trust, never money)


def recognise(image, points_per_pixel: float, *, kind: str = "page", offset_top: float = 0.0) -> list[OcrWord]:
    """Every word RapidOCR finds in the image (a numpy RGB or grey array), as words in PDF points. Words of
    one detected line closer than a third of their height are one word, as a text layer's would be (CJK
    characters and a figure's digit groups stay together; table cells OCR joined into a line come apart)."""
    import numpy as np

    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    result = _engine(kind)(image)
    boxes, texts, scores = (getattr(result, name, None) for name in ("boxes", "txts", "scores"))
    if boxes is None or texts is None or scores is None:  # nothing detected
        return []
    # RapidOCR gives word boxes for most lines (as (text, score, box) tuples); a line without them is one word
    by_text: dict[str, deque] = defaultdict(deque)
    for line in getattr(result, "word_results", None) or ():
        if isinstance(line, tuple) and line and all(isinstance(item, tuple) and len(item) == 3 for item in line):
            by_text["".join("".join(str(item[0]).split()) for item in line)].append(line)
    words: list[OcrWord] = []
    for box, text, score in zip(boxes, texts, scores, strict=False):
        key = "".join(str(text).split())
        if not key:
            continue
        parts = by_text[key].popleft() if by_text.get(key) else ((str(text), score, box),)
        words += _merged(parts, points_per_pixel, offset_top)
    return sorted(words, key=lambda word: (word.top, word.x0))


# The cheap pass looks for titles and a few marks, not for the body text under them. Recognition costs in
# proportion to a line's width, and the band's long lines are body text: of a line wider than
# _WIDE_SHARE of the band and no taller than its body text, only the first _BAND_LINE_START heights (about
# twelve CJK characters, a paragraph's opening words) are read. Titles (centred, or larger) are read whole.
_BAND_LINE_START = 14
_WIDE_SHARE = 0.6
_MIN_SCORE = 0.5  # RapidOCR's own text-score floor
_CUT_TAIL = re.compile(r"[0-9A-Za-z,.()%\-]+$")  # what the cut may have split: a figure or a word


def band_words(image, points_per_pixel: float) -> list[OcrWord]:
    """The words of a page's top band for the cheap pass: every line detected, each read whole or, if it
    is a long line of body text, its start only (one word per line; a cut line ends before the cut's last
    character and any figure or word the cut may have split, so no partial figure is ever read)."""
    import numpy as np
    from rapidocr.ch_ppocr_rec.typings import TextRecInput

    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    found = _engine("band")(image)
    boxes = getattr(found, "boxes", None)
    if boxes is None or not len(boxes):
        return []
    rows, cols = image.shape[:2]
    spans = []
    for box in boxes:
        xs, ys = box[:, 0], box[:, 1]
        spans.append([max(0, int(xs.min())), max(0, int(ys.min())),
                      min(cols, int(np.ceil(xs.max()))), min(rows, int(np.ceil(ys.max())))])
    heights = sorted(bottom - top for _, top, _, bottom in spans)
    body = heights[len(heights) // 2]
    cut = []
    for span in spans:
        x0, top, x1, bottom = span
        height = bottom - top
        long_body = x1 - x0 > _WIDE_SHARE * cols and height <= body * 1.05
        cut.append(long_body and x1 - x0 > _BAND_LINE_START * height)
        if cut[-1]:
            span[2] = x0 + _BAND_LINE_START * height
    kept = [(span, was_cut) for span, was_cut in zip(spans, cut, strict=True)
            if span[2] > span[0] and span[3] > span[1]]
    if not kept:
        return []
    read = _engine("line")._load_rec_model()(TextRecInput(img=[image[top:bottom, x0:x1]
                                                              for (x0, top, x1, bottom), _ in kept]))
    words = []
    for ((x0, top, x1, bottom), was_cut), text, score in zip(kept, read.txts, read.scores, strict=True):
        text = without_hidden(str(text)).strip()
        if was_cut:
            text = _CUT_TAIL.sub("", text[:-1]).rstrip()
        if text and score >= _MIN_SCORE:
            words.append(OcrWord(_corrected(text), x0 * points_per_pixel, x1 * points_per_pixel,
                                 top * points_per_pixel, bottom * points_per_pixel, confidence=float(score)))
    return sorted(words, key=lambda word: (word.top, word.x0))


def recognise_each(images: list, *, kind: str = "band",
                   each_done: Callable[[int], None] | None = None) -> list[list[OcrWord]]:
    """The words of each (image, points_per_pixel) (band_words for kind 'band', else recognise()), the same
    as one by one: on small images (the cheap pass's bands) one engine per core, each on one thread, reads
    more per second than one engine on all of them (a small image leaves intra-op threads waiting). The
    threads end before this returns. `each_done(n)` is told, one call at a time, how many are read."""
    finished = [0]
    telling = threading.Lock()

    def read(image, points_per_pixel):
        words = band_words(image, points_per_pixel) if kind == "band" else \
            recognise(image, points_per_pixel, kind=kind)
        if each_done is not None:
            with telling:
                finished[0] += 1
                each_done(finished[0])
        return words

    count = min(_THREADS["count"], len(images))
    if count <= 1:
        return [read(image, points_per_pixel) for image, points_per_pixel in images]
    found: list[list[OcrWord] | None] = [None] * len(images)

    def share(slot: int) -> None:
        _SLOT.number = slot
        try:
            for position in range(slot, len(images), count):
                image, points_per_pixel = images[position]
                found[position] = read(image, points_per_pixel)
        finally:
            _SLOT.number = None

    with ThreadPoolExecutor(count) as pool:
        for done in [pool.submit(share, slot) for slot in range(count)]:
            done.result()
    return [words or [] for words in found]


def _merged(parts, points_per_pixel: float, offset_top: float) -> list[OcrWord]:
    merged: list[OcrWord] = []
    for text, score, box in parts:
        text = without_hidden(str(text)).strip()
        if not text:
            continue
        xs, ys = [float(point[0]) for point in box], [float(point[1]) for point in box]
        word = OcrWord(_corrected(text), min(xs) * points_per_pixel, max(xs) * points_per_pixel,
                       offset_top + min(ys) * points_per_pixel, offset_top + max(ys) * points_per_pixel,
                       confidence=float(score))
        last = merged[-1] if merged else None
        if last is not None and word.x0 - last.x1 < 0.34 * min(word.height, last.height):
            joiner = "" if _cjk(last.text[-1]) or _cjk(text[0]) or (_tight(last.text[-1]) and _tight(text[0])) \
                else " "
            weight = len(last.text), len(text)  # a merged word's confidence: its characters' mean
            confidence = (last.confidence * weight[0] + word.confidence * weight[1]) / sum(weight)
            merged[-1] = OcrWord(last.text + joiner + text, last.x0, word.x1, min(last.top, word.top),
                                 max(last.bottom, word.bottom), confidence=confidence)
        else:
            merged.append(word)
    return merged


# The words of a firm's legal name and designation, which a seal printed over them makes OCR misspell
# ('Aceountants'): an OCR word one letter off one of these, of the same length, is that word. Only these
# generic words are corrected; a firm's own name never is (the approved-auditor list checks it).
_LEXICON = ("Accountants", "Certified", "Chartered", "Public", "Partnership", "Limited", "Company")
_TOKEN = re.compile(r"[A-Za-z]{6,}")


def _corrected(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        token = match[0]
        for word in _LEXICON:
            if len(word) == len(token) and token != word and \
                    sum(a != b for a, b in zip(token.lower(), word.lower(), strict=True)) == 1:
                return word if token[0].isupper() else word.lower()
        return token

    return _TOKEN.sub(fix, text)


def _cjk(char: str) -> bool:
    return ord(char) > 0x2E7F  # CJK and full-width forms: printed without spaces


def _tight(char: str) -> bool:
    """A figure's characters: digit groups and their separators are printed together."""
    return char.isdigit() or char in ",.()%-"


def recognise_line(image) -> tuple[str, float] | None:
    """One line of text already cut out (no detection): its text and confidence."""
    import numpy as np

    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    result = _engine("line")(image)
    texts, scores = getattr(result, "txts", None), getattr(result, "scores", None)
    if not texts or not scores:
        return None
    return _corrected(without_hidden(str(texts[0])).strip()), float(scores[0])
