"""The queries and changes of determinations and the documents issued for them, older versions superseded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from compliance.ledger.recording import LedgerConnection
from compliance.ledger.rows import Determination, Document, NewDetermination, NewDocument


class DeterminationRecords(LedgerConnection):
    def current_determination(self, year: int) -> Determination | None:
        row = self.conn.execute(
            "SELECT * FROM determinations WHERE year = ? AND superseded_by IS NULL ORDER BY id DESC LIMIT 1",
            (year,),
        ).fetchone()
        return Determination.from_row(row) if row else None

    def determination(self, determination_id: int) -> Determination | None:
        row = self.conn.execute("SELECT * FROM determinations WHERE id = ?", (determination_id,)).fetchone()
        return Determination.from_row(row) if row else None

    def determinations(self) -> list[Determination]:
        return [Determination.from_row(r) for r in self.conn.execute("SELECT * FROM determinations ORDER BY id")]

    def documents(self, *, current_only: bool = False) -> list[Document]:
        query = "SELECT * FROM documents" + (" WHERE superseded_by IS NULL" if current_only else "")
        return [Document.from_row(row) for row in self.conn.execute(query + " ORDER BY id")]

    def current_document(self, slot: str) -> Document | None:
        row = self.conn.execute(
            "SELECT * FROM documents WHERE slot = ? AND superseded_by IS NULL ORDER BY version DESC LIMIT 1",
            (slot,),
        ).fetchone()
        return Document.from_row(row) if row else None

    def next_version(self, slot: str) -> int:
        return self.conn.execute(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM documents WHERE slot = ?", (slot,)
        ).fetchone()[0]

    def issue(
        self,
        kind: str,
        *,
        year: int | None,
        as_of: dt.date,
        documents: Sequence[NewDocument],
        determination: NewDetermination | None = None,
        determination_id: int | None = None,
        withdraw: Sequence[Document] = (),
        data: dict[str, Any] | None = None,
    ) -> tuple[int | None, list[int]]:
        """Record documents issued (and the determination behind them when new); older documents in the
        same slots, and `withdraw`, are marked superseded by the new ones in a `superseded` event."""
        inserts: list[tuple[str, dict[str, Any]]] = []
        previous_determination = None
        if determination is not None:
            determination_id = self._next_id("determinations")
            previous_determination = self.current_determination(determination.year)
            inserts.append(("determinations", {"id": determination_id, **determination.columns(),
                                                "superseded_by": None}))
        next_doc = self._next_id("documents")
        new_ids: list[int] = []
        replaced: list[tuple[Document, int]] = []
        for offset, document in enumerate(documents):
            doc_id = next_doc + offset
            new_ids.append(doc_id)
            old = self.current_document(document.slot)
            if old is not None:
                replaced.append((old, doc_id))
            inserts.append(
                ("documents", {"id": doc_id, **asdict(document), "determination_id": determination_id,
                               "as_of": as_of.isoformat(), "superseded_by": None})
            )
        # A withdrawn kind (e.g. no deduction notice once a year is met) is superseded by the set's first document.
        replaced += [(old, new_ids[0]) for old in withdraw if old.id not in {o.id for o, _ in replaced}]
        summary = [
            {"slot": d.slot, "version": d.version, "pdf": d.pdf_path, "pdf_sha256": d.pdf_sha256,
             "docx": d.docx_path, "docx_sha256": d.docx_sha256, "document_id": d.document_id}
            for d in documents
        ]
        self._record(
            kind, year=year, on_date=as_of,
            data={**(data or {}), "determination": determination_id, "documents": summary},
            inserts=inserts,
        )
        updates = [("documents", {"id": old.id}, {"superseded_by": new}) for old, new in replaced]
        if previous_determination is not None:
            updates.append(("determinations", {"id": previous_determination.id}, {"superseded_by": determination_id}))
        if updates:
            self._record(
                "superseded", year=year, on_date=as_of,
                data={
                    "documents": [{"old": old.id, "path": old.pdf_path, "superseded_by": new} for old, new in replaced],
                    "determination": (
                        {"old": previous_determination.id, "superseded_by": determination_id}
                        if previous_determination else None
                    ),
                },
                updates=updates,
            )
        return determination_id, new_ids

    def withdraw(self, kind: str, *, year: int | None, on_date: dt.date, determinations: Sequence[Determination],
                 data: dict[str, Any]) -> Any:
        """Record `kind` and, pinned by it, mark `determinations` and every current document issued for them
        withdrawn: superseded by themselves, as nothing replaces them (`withdrawn`). The next run issues the
        next version once the year is decided again."""
        ids = {determination.id for determination in determinations}
        documents = [d for d in self.documents(current_only=True) if d.determination_id in ids]
        updates = [("determinations", {"id": i}, {"superseded_by": i}) for i in sorted(ids)]
        updates += [("documents", {"id": d.id}, {"superseded_by": d.id}) for d in documents]
        return self._record(kind, year=year, on_date=on_date, updates=updates, data={
            **data, "withdrawn": {"determinations": sorted(ids), "documents": [d.pdf_path for d in documents]}})

