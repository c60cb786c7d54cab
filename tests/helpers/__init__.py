"""Helpers shared by the tests; import them as `from helpers.<module> import ...` (pytest puts tests/ on
sys.path, because tests/ has a conftest.py and no __init__.py).

- cli: REPO, the repository root, and run_cli(), the real `python -m compliance` in a subprocess.
- document_text: the text a reader sees in a rendered PDF or DOCX (pdf_text, docx_text, squash).
- examples: the worked examples of docs/contract-reading.md, loaded from worked_examples.yaml.
- fakes: a fake extractor and renderer for the run (FakeToolkit, write_report, example_inbox, run_fake), the
  end state of a run (end_state); as a script, the run with the fakes (`python -m helpers.fakes`).
- reports: small synthetic audit-report PDFs (ChineseReport, EnglishReport, write_chinese, write_english).
- words: an independent reader of US-style number words (words_to_number and its tables).
"""
