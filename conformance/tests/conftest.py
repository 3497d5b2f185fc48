import sys
from pathlib import Path

# The harness and the generator are scripts in conformance/, not an installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
