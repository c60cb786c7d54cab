"""The catalogue of problem codes: each code's severity and its one plain sentence."""

from __future__ import annotations

from compliance.extract.model import Problem

# code -> (severity, message template). Templates take keyword details.
CATALOGUE: dict[str, tuple[str, str]] = {
    # rejected: the file cannot be read
    "not_found": ("reject", "There is no file at this path."),
    "not_a_file": ("reject", "This path is a folder, not a file."),
    "unreadable": ("reject", "The file could not be opened for reading ({reason})."),
    "empty": ("reject", "The file is empty (0 bytes)."),
    "not_pdf": ("reject", "The file is not a PDF (it does not start with a PDF header)."),
    "corrupt": ("reject", "The PDF is damaged and cannot be read reliably: {reason}."),
    "encrypted": ("reject", "{detail}"),
    "no_text_layer": ("reject", "The PDF has no text layer (its pages are images, e.g. a scan), and OCR found no "
                                "text on them."),
    "too_large": ("reject", "The file is {size_mb} MB, over the limit of {limit_mb} MB (raise it with --max-mb)."),
    "too_many_pages": ("reject", "The PDF has {pages} pages, over the limit of {limit} (raise it with --max-pages)."),
    "timeout": ("reject", "Reading the file took longer than the limit of {seconds} seconds."),
    "too_large_in_memory": ("reject", "Reading the file needed more than {limit_mb} MB of memory (a small file can "
                                      "inflate to gigabytes); it was stopped and the rest of the batch went on."),
    # set aside by the main job, not recorded: the next run reads the file again
    "still_being_written": ("reject", "The file changed while it was being hashed (it is probably still being "
                                      "copied in); it is left for the next run."),
    "changed_while_read": ("reject", "The file was replaced or changed between the inbox scan and its reading; "
                                     "nothing was recorded for it, and the next run reads it again."),
    # needs_review: the file reads but a check fails
    "entity_mismatch": ("review", "{detail}"),
    "period_mismatch": ("review", "{detail}"),
    "not_assessment_period": ("review", "{detail}"),
    "opinion_modified": ("review", "The auditor's opinion is {opinion}, not unqualified."),
    "auditor_not_approved": ("review", "{detail}"),
    "currency_mismatch": ("review", "The statement is in {found}, but the contract measures revenue in {expected}."),
    "revenue_not_found": ("review", "{detail}"),
    "ambiguous_revenue": ("review", "{detail}"),
    "revenue_crosscheck_mismatch": ("review", "{detail}"),
    "period_not_found": ("review", "{detail}"),
    "audit_report_not_found": ("review", "No auditor's report (an opinion paragraph such as 我们审计了 or "
                                         "'We have audited') was found in the file."),
    "unit_not_found": ("review", "The income statement does not print its unit of account (元, 万元, RMB'000 ...)."),
    "currency_not_found": ("review", "The income statement does not say in which currency it is stated (人民币, RMB, "
                                     "HK$, US$ ...), so it cannot be matched to the contract's currency."),
    "auditor_not_found": ("review", "No signing accounting firm was found in the report's signature block or its "
                                    "summary table."),
    "report_date_not_found": ("review", "The report's date (printed with the signature) could not be found."),
    "opinion_not_found": ("review", "No opinion sentence (我们认为 / 'In our opinion' / 'true and fair view') was "
                                    "found in the auditor's report, so its opinion is unknown."),
    "report_date_before_period_end": ("review", "The report is dated {date}, on or before the end of the period it "
                                                "covers ({end}); an audit report is signed after the year ends."),
    "report_date_implausibly_late": ("review", "The report is dated {date}, more than a year after the period it "
                                               "covers ended ({end}); check that the right date was read."),
    "period_not_whole_year": ("review", "The period read, {period}, is {days} days long, not a whole year."),
    "signature_summary_mismatch": ("review", "The {field} in the signature block ({signed}) differs from the one in "
                                             "the summary table on page {summary_page} ({summary})."),
    "revenue_main_business_only": ("review", "The income statement on page {page} prints only 主营业务收入 "
                                             "(main-business revenue), not 营业收入; a person must confirm it is the "
                                             "Operating Revenue (营业收入 also counts 其他业务收入)."),
    "current_column_assumed": ("review", "On page {page} no column header names a period or a year, so the left "
                                         "column ({figure}) was read as the current period; a person must confirm it."),
    "ocr_unconfirmed": ("review", "The revenue figure {figure} on page {page} was read by OCR (confidence "
                                  "{confidence}) and could not be confirmed by a second, independent reading "
                                  "({why}); a person must check it against the picture of the line."),
    "ocr_field_unconfirmed": ("review", "The {field} read by OCR ('{first}') reads differently at another "
                                        "resolution ('{second}'); a person must check it against the page."),
    "ocr_auditor_unverified": ("review", "The signing firm was read by OCR ('{firm}') and the contract has no "
                                         "approved-auditor list to confirm the name against; a person must check "
                                         "it against the page."),
    "ocr_low_confidence": ("review", "The {field} was read by OCR with low confidence ({confidence}); a person "
                                     "must check it against the page."),
    # warnings: noted, status unchanged
    "evidence_not_written": ("warning", "The evidence picture could not be written to {folder} ({reason})."),
    "auditor_list_not_configured": ("warning", "No approved-auditor list is configured in the contract, so the "
                                               "signing firm ({auditor}) was not checked against one."),
}


def problem(code: str, **details: object) -> Problem:
    severity, template = CATALOGUE[code]
    return Problem(code=code, severity=severity, message=template.format(**details))


class Rejected(Exception):
    """Raised inside the extractor when a file cannot be read; carries the rejection problem."""

    def __init__(self, found: Problem):
        super().__init__(found.message)
        self.problem = found
