"""The application layer: one function per thing a user does, with typed inputs and results. The CLI
(compliance.cli) and the review desk call these, and nothing below them.

    scan an inbox (the main job)   run.run(RunOptions) -> RunResult
    read and record an inbox       inbox.scan_inbox, inbox.record_files -> FileOutcome
    which report decides a year    planning.plan_years -> YearPlan (YearStatus)
    determine a year               determinations.determine_year -> YearAssessment (nothing written)
    a year's assessment            determinations.assessment_of (the one place), recorded_assessment
    issue a year's documents       issuing.issue_year -> YearOutcome
    issue a penalty statement      penalties.issue_penalty
    record an event                recording.record_received / _released / _dispute / _settled / _suspended
    resolve conflicting reports    recording.resolve
    where every year stands        status.status_report -> StatusReport (status.year_statuses per year)
    compute a penalty              accrual.accrued_penalty, accrual.recorded_delays
    from typed figures             figures.assess_figures / render_letter / penalty_from_figures / deadline_table
    sign a letter                  signing.sign_document -> SignOutcome (document_signed event with a ledger)
    check a letter's signatures    signing.verify_document -> SignatureCheck per signature
    open a ledger                  access.open_to_read, access.open_to_write (under the writer lock)
    accounts, the four-eyes step   accounts.add_user / revoke_user / authenticate, approval.approve_year
    upload at the desk             uploads.receive_upload -> FileOutcome (kept in DIR/inbox/)
    prepare at the desk            run.prepare -> RunResult (the main job on DIR/inbox/)
    what the desk's pages show     review.inbox_view / report_view / year_view / overview / documents_view

Crash recovery (recovery.py) and the review files and summary (summary.py) are steps of the main job; a
run's working set and the placing of files are workspace.py; the names the CLI and the desk need from the
layers below (types, errors, constants) come through facade.py.
"""
