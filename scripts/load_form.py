"""Fire n simultaneous story submissions at a real form server; print the result as JSON.

Usage: python scripts/load_form.py [n]   (default 50; see generator.form.load)
"""

from __future__ import annotations

import json
import sys

from generator.form.load import run_load_benchmark

if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    result = run_load_benchmark(count)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    sys.exit(0 if result["ok"] else 1)
