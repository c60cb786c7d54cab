"""The PDF/A-2b structure a letter must keep, checked without veraPDF (Java, not installed here): every font
embedded, the XMP packet agreeing with the information dictionary and naming PDF/A-2B, an sRGB output
intent, and every annotation printable with a normal appearance only (ISO 19005-2, 6.2.11.4, 6.6.2.3.1,
6.2.3, 6.3.2-6.3.3). Signed letters must pass exactly what the unsigned ones pass."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
      "pdf": "http://ns.adobe.com/pdf/1.3/", "xmp": "http://ns.adobe.com/xap/1.0/",
      "pdfaid": "http://www.aiim.org/pdfa/ns/id/"}
INFO_TO_XMP = {"/Producer": "pdf:Producer", "/Keywords": "pdf:Keywords", "/Creator": "xmp:CreatorTool",
               "/CreationDate": "xmp:CreateDate", "/ModDate": "xmp:ModifyDate", "/Title": "dc:title",
               "/Author": "dc:creator"}
PRINT, HIDDEN_FLAGS = 4, 1 | 2 | 32  # annotation flags: Print; Invisible, Hidden, NoView


def pdfa_problems(path: Path) -> list[str]:
    """Every PDF/A-2b rule above that the file breaks, one sentence each; [] when it keeps them all."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    with open(path, "rb") as handle:
        reader = PdfFileReader(handle, strict=False)
        problems = _metadata_problems(reader) + _output_intent_problems(reader)
        for number, page in enumerate(_pages(reader.root["/Pages"]), start=1):
            problems += _font_problems(page.get("/Resources"), f"page {number}", set())
            problems += _annotation_problems(page, number)
        if "/Encrypt" in reader.trailer:
            problems.append("the file is encrypted")
        return problems


def _pages(node):
    if node.get("/Type") == "/Pages":
        for kid in node["/Kids"]:
            yield from _pages(kid.get_object())
    else:
        yield node


def _xmp_values(xmp: bytes) -> dict[str, str]:
    values: dict[str, str] = {}
    for description in ET.fromstring(xmp.decode("utf-8").split("?>", 1)[1].rsplit("<?xpacket", 1)[0]) \
            .iter(f"{{{NS['rdf']}}}Description"):
        for attribute, value in description.attrib.items():
            values[_prefixed(attribute)] = value
        for child in description:
            items = [li.text or "" for li in child.iter(f"{{{NS['rdf']}}}li")]
            values[_prefixed(child.tag)] = items[0] if items else (child.text or "")
    return values


def _prefixed(tag: str) -> str:
    for prefix, uri in NS.items():
        if tag.startswith(f"{{{uri}}}"):
            return f"{prefix}:{tag[len(uri) + 2:]}"
    return tag


def _pdf_date(value: str) -> dt.datetime:
    from pyhanko.pdf_utils.generic import parse_pdf_date

    return parse_pdf_date(value)


def _metadata_problems(reader) -> list[str]:
    if "/Metadata" not in reader.root:
        return ["no XMP metadata stream"]
    xmp = _xmp_values(reader.root["/Metadata"].data)
    problems = []
    if xmp.get("pdfaid:part") != "2" or xmp.get("pdfaid:conformance") != "B":
        problems.append(f"the XMP does not claim PDF/A-2B (part {xmp.get('pdfaid:part')}, "
                        f"conformance {xmp.get('pdfaid:conformance')})")
    info = reader.trailer["/Info"].get_object() if "/Info" in reader.trailer else {}
    for key, name in INFO_TO_XMP.items():
        if key not in info:
            continue
        value = str(info[key])
        if name not in xmp:
            problems.append(f"{key} is in the information dictionary but {name} is not in the XMP")
        elif key.endswith("Date"):
            if _pdf_date(value) != dt.datetime.fromisoformat(xmp[name]):
                problems.append(f"{key} {value} does not match {name} {xmp[name]}")
        elif value != xmp[name]:
            problems.append(f"{key} '{value}' does not match {name} '{xmp[name]}'")
    return problems


def _output_intent_problems(reader) -> list[str]:
    intents = reader.root.get("/OutputIntents") or []
    pdfa = [intent.get_object() for intent in intents if intent.get_object().get("/S") == "/GTS_PDFA1"]
    if not pdfa:
        return ["no GTS_PDFA1 output intent"]
    if "/DestOutputProfile" not in pdfa[0]:
        return ["the output intent has no ICC profile"]
    return []


def _font_problems(resources, where: str, seen: set) -> list[str]:
    """Fonts in `resources` and, recursively, in its form XObjects (appearance streams included)."""
    if resources is None:
        return []
    resources = resources.get_object()
    problems = []
    fonts = resources.get("/Font")
    for name, ref in (fonts.get_object().items() if fonts is not None else []):
        font = ref.get_object()
        if font.get("/Subtype") == "/Type3":  # glyphs are content streams: nothing to embed
            continue
        described = [d.get_object() for d in font["/DescendantFonts"]] if "/DescendantFonts" in font else [font]
        for part in described:
            descriptor = part.get("/FontDescriptor")
            if descriptor is None or not any(k in descriptor.get_object()
                                             for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"{where}: font {name} ({font.get('/BaseFont')}) is not embedded")
    xobjects = resources.get("/XObject")
    for name, ref in (xobjects.get_object().items() if xobjects is not None else []):
        key = (ref.idnum, ref.generation) if hasattr(ref, "idnum") else id(ref)
        if key in seen:
            continue
        seen.add(key)
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form":
            problems += _font_problems(xobject.get("/Resources"), f"{where}, form {name}", seen)
    return problems


def _annotation_problems(page, number: int) -> list[str]:
    problems = []
    for ref in page.get("/Annots") or []:
        annotation = ref.get_object()
        subtype = annotation.get("/Subtype")
        what = f"page {number}: {subtype} annotation {annotation.get('/T', '')}".rstrip()
        if subtype == "/Popup":
            continue
        flags = int(annotation.get("/F", 0))
        if not flags & PRINT or flags & HIDDEN_FLAGS:
            problems.append(f"{what} does not print (flags {flags})")
        rect = [float(v) for v in annotation.get("/Rect", [0, 0, 0, 0])]
        if subtype == "/Link" or rect[0] == rect[2] or rect[1] == rect[3]:
            continue  # PDF/A-2 6.3.3: no appearance needed for a link or a zero-size annotation
        appearance = annotation.get("/AP")
        if appearance is None or "/N" not in appearance:
            problems.append(f"{what} has no normal appearance")
        elif set(appearance.keys()) != {"/N"}:
            problems.append(f"{what} has appearances other than /N: {sorted(appearance.keys())}")
        else:
            problems += _font_problems(appearance["/N"].get_object().get("/Resources"), what, set())
    return problems
