"""Documents: letters per second for a full year's set, and our rendering against WeasyPrint's own time for
the same HTML (goal: at most 1.2, so that our layer — Jinja, signature fields, DOCX — costs little)."""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REVENUES = {  # worked example 1, years 1-2: year 2 is a shortfall year, so all four letters are due
    1: Decimal("702345678.90"),
    2: Decimal("731250000.00"),
}
AS_OF = dt.date(2028, 1, 10)
ROUNDS = 3


def _best(samples: list[float]) -> float:
    return min(samples)


def main() -> None:
    from weasyprint import HTML

    from compliance.contract import load_contract
    from compliance.documents import Renderer, year_documents
    from compliance.rules.earnout import assess_year

    contract = load_contract()
    renderer = Renderer()
    contexts = year_documents(contract, assess_year(contract, REVENUES, 2), as_of=AS_OF)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for kind, context in contexts.items():  # warm-up: fonts loaded, templates compiled
            renderer.render(kind, context, out / kind, as_of=AS_OF)

        sets = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            for kind, context in contexts.items():
                renderer.render(kind, context, out / kind, as_of=AS_OF)
            sets.append(time.perf_counter() - started)
        per_set = _best(sets)
        print(f"   year set ({len(contexts)} letters, PDF + DOCX each): {per_set:.2f} s, "
              f"{len(contexts) / per_set:.1f} documents/s")

        ours_pdf, ours_full, reference = [], [], []
        font_config = renderer._pdf.font_config
        base_url = str(renderer._base_dir())
        for _ in range(ROUNDS):
            for kind, context in contexts.items():
                html = renderer.render_html(kind, context, as_of=AS_OF)
                started = time.perf_counter()
                HTML(string=html, base_url=base_url).write_pdf(font_config=font_config, pdf_variant="pdf/a-2b")
                reference.append((kind, time.perf_counter() - started))
                started = time.perf_counter()
                renderer.render_html(kind, context, as_of=AS_OF)
                renderer.pdf_bytes(html, as_of=AS_OF)
                ours_pdf.append((kind, time.perf_counter() - started))
                started = time.perf_counter()
                renderer.render(kind, context, out / kind, as_of=AS_OF)
                ours_full.append((kind, time.perf_counter() - started))

    def total(samples: list[tuple[str, float]]) -> float:
        by_kind: dict[str, list[float]] = {}
        for kind, seconds in samples:
            by_kind.setdefault(kind, []).append(seconds)
        return sum(_best(values) for values in by_kind.values())

    weasy = total(reference)
    print(f"   WeasyPrint alone, same HTML (reference): {weasy:.3f} s for the set")
    print(f"   ours, PDF only (Jinja + layout + PDF/A + signature fields) / WeasyPrint: "
          f"{total(ours_pdf) / weasy:.2f} (goal <= 1.2)")
    print(f"   ours, PDF + DOCX + atomic writes / WeasyPrint: {total(ours_full) / weasy:.2f}")
    print(f"   median letter: {statistics.median(s for _, s in ours_full) * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
