import os
import sys

# The generator is a folder of plain scripts, not an installed package.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "builtin"))
