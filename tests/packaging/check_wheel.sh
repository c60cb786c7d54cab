#!/usr/bin/env bash
# The package installs whole: build the wheel, install it in a fresh virtualenv outside the source tree,
# and render one joint instruction from it (templates and contract file come from the wheel, not from here).
# Usage: tests/packaging/check_wheel.sh PYTHON   (make test runs it after the suite)
set -euo pipefail
python="${1:-python3}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "wheel check: building the wheel"
rm -rf "$repo/build"  # setuptools reuses build/lib: a module deleted since the last build would ship
"$python" -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir "$work/dist" "$repo" 2>&1 | grep -v '^WARNING: Location' || true
wheel="$(ls "$work"/dist/compliance-*.whl)"
members="$("$python" -m zipfile -l "$wheel")"
for member in compliance/templates/joint-instruction.html.j2 compliance/templates/letter.css \
              compliance/contract/kaixin-spa-2025.yaml compliance/desk/templates/base.html.j2 \
              compliance/desk/templates/year.html.j2 compliance/desk/static/desk.css compliance/desk/static/desk.js; do
  grep -q "^$member " <<<"$members" || { echo "wheel check: $member is not in $wheel"; exit 1; }
done

echo "wheel check: installing it in a fresh virtualenv, with the runtime lock (hashes checked) and nothing else"
"$python" -m venv "$work/venv"
uv="$(dirname "$python")/uv"  # the locked uv (requirements/build.in): the same files as pip, from its cache
if [ -x "$uv" ]; then
  "$uv" pip install --quiet --python "$work/venv/bin/python" --require-hashes --no-deps \
    -r "$repo/requirements/runtime.lock"
  "$uv" pip install --quiet --python "$work/venv/bin/python" --no-deps "$wheel"
else
  "$work/venv/bin/pip" install --quiet --require-hashes --no-deps -r "$repo/requirements/runtime.lock" 2>&1 \
    | { grep -v '^WARNING: Location' || true; }
  "$work/venv/bin/pip" install --quiet --no-deps "$wheel" 2>&1 | { grep -v '^WARNING: Location' || true; }
fi
"$work/venv/bin/python" -m pip check >/dev/null || { "$work/venv/bin/python" -m pip check;
  echo "wheel check: the runtime lock misses a dependency"; exit 1; }

cd "$work"  # nothing of the source tree on the path
"$work/venv/bin/python" - <<'PY'
import compliance, compliance.documents.environment as env
assert "site-packages" in compliance.__file__, compliance.__file__
assert "site-packages" in str(env.BUILTIN_TEMPLATES), env.BUILTIN_TEMPLATES
PY
"$work/venv/bin/compliance" render joint-instruction --year 1 --revenue 1=702345678.90 --as-of 2027-01-10 \
  --out "$work/out"
"$work/venv/bin/python" - "$work/out/year-1/joint-instruction.pdf" "$work/out/year-1/joint-instruction.docx" <<'PY'
import sys
import zipfile

import pypdfium2

pdf = pypdfium2.PdfDocument(sys.argv[1])
text = " ".join("\n".join(page.get_textpage().get_text_range() for page in pdf).split())
for words in ("Joint Written Instruction", "3,000,000", "AUTOA2A"):
    assert words in text, f"{words!r} is not in the joint instruction rendered from the wheel"
assert "3,000,000" in zipfile.ZipFile(sys.argv[2]).read("word/document.xml").decode()
print("wheel check: the installed wheel renders the joint instruction (PDF and DOCX)")
PY
"$work/venv/bin/python" - <<'PY'
import asyncio
from pathlib import Path

from compliance.desk import DeskSettings, create_app

app = create_app(DeskSettings(out_dir=Path("nowhere")))  # the desk's templates and static files from the wheel
sent = []


received = []


async def receive():  # an empty request body, then the client goes away (the app listens for that)
    received.append(1)
    if len(received) == 1:
        return {"type": "http.request", "body": b"", "more_body": False}
    return {"type": "http.disconnect"}


async def send(message):
    sent.append(message)


for path in ("/login", "/static/desk.css"):
    sent.clear()
    received.clear()
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": [(b"host", b"127.0.0.1")],
             "client": ("127.0.0.1", 1), "server": ("localhost", 80)}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 200, (path, sent[0]["status"])
print("wheel check: the installed wheel serves the review desk's sign-in page and stylesheet")
PY
