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
    "entity_not_found": ("review", "The audited company's name could not be found in the report (its opinion "
                                   "paragraph, addressee or the statement's 编制单位), so it cannot be matched to the "
                                   "target company."),
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
    "current_column_assumed": ("review", "On page {page} the column headers do not single out the current period "
                                         "(none names a period or a year, or two name the same year), so the column "
                                         "of {figure} was read as the current period; a person must confirm it."),
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
    # proven twice (proven_twice.py): the figure must be the same in every statement and in a second place
    "statements_disagree": ("review", "{detail}"),
    "unit_contradiction": ("review", "{detail}"),
    "revenue_not_confirmed_in_report": ("review", "{detail}"),
    "metric_not_revenue": ("review", "{detail}"),
    # warnings: noted, status unchanged
    "evidence_not_written": ("warning", "The evidence picture could not be written to {folder} ({reason})."),
    "auditor_list_not_configured": ("warning", "No approved-auditor list is configured in the contract, so the "
                                               "signing firm ({auditor}) was not checked against one."),
    "hidden_characters": ("warning", "The PDF's text holds {count} control or bidirectional character(s) ({codes}, on "
                                     "page {pages}), removed before anything was read; the raw lines are kept "
                                     "escaped under sources.raw."),
}


def problem(code: str, **details: object) -> Problem:
    """The catalogued problem; a `field` detail names the field it leaves unproven, `readings` the figures read
    for it (in yuan), so that a person confirming it by hand is shown them (operations.confirmation)."""
    severity, template = CATALOGUE[code]
    field = details.get("field")
    readings = details.get("readings") or ()
    return Problem(code=code, severity=severity, message=template.format(**details),
                   field=str(field).replace(" ", "_") if field else None,
                   readings=tuple(str(reading) for reading in readings))


class Rejected(Exception):
    """Raised inside the extractor when a file cannot be read; carries the rejection problem."""

    def __init__(self, found: Problem):
        super().__init__(found.message)
        self.problem = found


# A `review` problem a person may confirm by hand (operations.confirmation): code -> the fields it leaves
# unproven (a code whose field varies names it in the problem's `field`). A review code not listed here
# cannot be confirmed away: another entity, another period or another currency needs the contract's terms (or
# the right report), not a person's reading of the page.
CONFIRMABLE: dict[str, tuple[str, ...]] = {
    "revenue_not_found": ("operating_revenue",),
    "ambiguous_revenue": ("operating_revenue",),
    "revenue_crosscheck_mismatch": ("operating_revenue",),
    "revenue_main_business_only": ("operating_revenue",),
    "current_column_assumed": ("operating_revenue",),
    "ocr_unconfirmed": ("operating_revenue",),
    "statements_disagree": ("operating_revenue",),
    "unit_contradiction": ("unit", "operating_revenue"),  # the unit decides what the printed figure is in yuan
    "revenue_not_confirmed_in_report": ("operating_revenue",),
    "unit_not_found": ("unit", "operating_revenue"),  # the unit decides what the printed figure is in yuan
    "currency_not_found": ("currency",),
    "entity_not_found": ("entity",),  # nothing was read: a person reads the name on the page
    "period_not_found": ("period_start", "period_end"),
    "audit_report_not_found": ("opinion",),
    "opinion_not_found": ("opinion",),
    "opinion_modified": ("opinion",),
    "auditor_not_found": ("auditor",),
    "auditor_not_approved": ("auditor",),
    "ocr_auditor_unverified": ("auditor",),
    "report_date_not_found": ("report_date",),
    "report_date_before_period_end": ("report_date",),
    "report_date_implausibly_late": ("report_date",),
    "signature_summary_mismatch": (),
    "ocr_field_unconfirmed": (),
    "ocr_low_confidence": (),
}
# Confirmable only with a written reason from the approver who countersigns: what the page shows is not in
# doubt, whether the SPA lets the report be relied on is (SPA 4.2: an approved firm, an audit report).
NEEDS_APPROVER_REASON: dict[str, str] = {
    "opinion_modified": "the auditor's opinion is modified: say why the report may still be relied on",
    "auditor_not_approved": "the firm is not on the contract's approved list: say where Party A approved it",
}


# code -> what a person does about it (the review desk prints it under the problem's sentence). A code not
# listed here falls back to its severity's advice (WHAT_TO_DO_BY_SEVERITY).
WHAT_TO_DO: dict[str, str] = {
    "not_pdf": "Ask the auditor or the seller for the report as a PDF and upload that.",
    "corrupt": "Ask for a fresh copy of the PDF (the file was damaged in transit or when it was saved).",
    "encrypted": "Ask for an unprotected copy of the PDF (or for its password, to read it with).",
    "no_text_layer": "Ask for a clearer scan (300 dpi, upright pages) or for the auditor's digital PDF.",
    "too_large": "Upload only the audit report (not the whole annual report), or raise the limit.",
    "too_many_pages": "Upload only the audit report (not the whole annual report), or raise the limit.",
    "still_being_written": "Nothing to do: the next run reads the file again once it is complete.",
    "changed_while_read": "Nothing to do: the next run reads the file again.",
    "entity_mismatch": "Check that this is the Target Company's own report (not a group or another company's); "
                       "another company's report cannot be confirmed by hand.",
    "entity_not_found": "Read the audited company's name on the report (opinion paragraph, addressee, the "
                        "statement's 编制单位) and, if it is the Target Company, confirm it by hand (a second person "
                        "countersigns).",
    "period_mismatch": "Check that the report covers the Assessment Year (1 December to 30 November, SPA 4.1); "
                       "another period needs the contract's terms, not a confirmation by hand.",
    "not_assessment_period": "Check that the report covers an Assessment Year (1 December to 30 November, SPA 4.1); "
                             "another period needs the contract's terms, not a confirmation by hand.",
    "opinion_modified": "Take legal advice: a modified opinion may not be an audit report the SPA relies on. If "
                        "it may, confirm the opinion by hand; the approver who countersigns writes the legal reason.",
    "auditor_not_approved": "Check with Party A that it approved this accounting firm (SPA 4.2); if so, add the "
                            "firm to the approved accounting firms in the deal's particulars, or confirm the firm by "
                            "hand and have the approver who countersigns say where Party A approved it.",
    "period_not_whole_year": "Ask for the report on the whole Assessment Year; another period needs the "
                             "contract's terms, not a confirmation by hand.",
    "currency_mismatch": "Ask for the statement in RMB, or take advice on the conversion the SPA allows; another "
                         "currency cannot be confirmed by hand.",
    "revenue_crosscheck_mismatch": "Compare the figure on the evidence picture with the income statement; ask the "
                                   "auditor which one is right, then confirm it by hand (a second person "
                                   "countersigns).",
    "ocr_unconfirmed": "Compare the figure with the picture of the line, digit by digit, then confirm it by hand "
                       "(a second person countersigns), or ask for the digital PDF.",
    "ocr_field_unconfirmed": "Compare the field with the page, then confirm it by hand (a second person "
                             "countersigns), or ask for the digital PDF.",
    "ocr_low_confidence": "Compare the field with the page, then confirm it by hand (a second person countersigns), "
                          "or ask for the digital PDF.",
    "ocr_auditor_unverified": "Check the firm's name on the page and confirm it by hand (a second person "
                              "countersigns); list the approved firms in the deal's particulars.",
    "auditor_list_not_configured": "List the firms Party A approved in the deal's particulars (accounting firms).",
    "statements_disagree": "Compare the income statements named (both figures are shown); ask the auditor which is "
                           "the audited one, then confirm that figure by hand (a second person countersigns).",
    "unit_contradiction": "Read the statement's caption, its column headings and the notes: ask the auditor which "
                          "unit is meant, then confirm the unit and the figure by hand (a second person "
                          "countersigns).",
    "revenue_not_confirmed_in_report": "Check the figure against the income statement page and, where the report "
                                       "has one, the revenue note; then confirm it by hand (a second person "
                                       "countersigns), or ask for the full report with its notes.",
    "metric_not_revenue": "Ask for the accounting firm's report on the Operating Revenue (营业收入) of the Assessment "
                          "Year (SPA 4.1, 5.1): a report on another commitment, such as net profit, cannot be "
                          "confirmed by hand.",
}
WHAT_TO_DO_BY_SEVERITY = {
    "reject": "The file cannot be used as it is: ask for a good copy of the report and upload it.",
    "review": "Check the field against the page and confirm it by hand (a second person countersigns); the report "
              "is not used until then.",
    "warning": "Nothing blocks the report; note it.",
}


def what_to_do(code: str, severity: str) -> str:
    return WHAT_TO_DO.get(code) or WHAT_TO_DO_BY_SEVERITY.get(severity, WHAT_TO_DO_BY_SEVERITY["review"])
