"""Helpers shared by the tests; import them as `from helpers.<module> import ...` (pytest puts tests/ on
sys.path, because tests/ has a conftest.py and no __init__.py).

- certificates: a test PKI made at test time (root, Party A, Party B as PKCS#12 with a passphrase; a TSA).
- browser: an ASGI app on uvicorn in a thread (serve_app) and Debian's chromium through Playwright
  (browser_page, require_chromium).
- cli: REPO, the repository root; run_cli(), the real `python -m compliance` in a subprocess; invoke(), the same
  entry point called in the test's process (stdout, stderr and the exit code captured, what it changed put back).
- contracts: the built-in contract with every open item filled (filled_contract).
- document_text: the text a reader sees in a rendered PDF or DOCX (pdf_text, docx_text, squash).
- examples: the worked examples of docs/contract-reading.md, loaded from worked_examples.yaml.
- fakes: a fake extractor and renderer for the run (FakeToolkit, write_report, example_inbox, run_fake), the
  end state of a run (end_state); as a script, the run with the fakes (`python -m helpers.fakes`).
- pdfa: the structural PDF/A-2b checks every letter passes, signed or not (pdfa_problems).
- reports: small synthetic audit-report PDFs (ChineseReport, EnglishReport, write_chinese, write_english).
- scans: the scanned fixtures of fixtures/make_scans.py made once per session (ScanMaker), and RapidOCR's
  answer for each distinct page image remembered for the session (remembered_ocr).
- shared: setup made once per session for both xdist workers under a lock (built_once, computed_once).
- softhsm: a SoftHSM token holding a signer's key and certificate (make_token), for PKCS#11 signing.
- timestamp_server: a local RFC 3161 server (pyHanko's DummyTimeStamper) for PAdES B-T.
- words: an independent reader of US-style number words (words_to_number and its tables).
"""
