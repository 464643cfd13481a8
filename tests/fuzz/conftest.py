"""Makes ``fuzzlib`` (shared with benchmarks/fuzz_run.py) importable from the fuzz tests."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
