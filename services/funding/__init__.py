"""RSS funding and requisitions: State stimulus funds from agreement to allocation, requisition, distribution,
spending report and repayment, and co-financing, exact to the öre.
"""

from pathlib import Path

SERVICE_DIR = Path(__file__).resolve().parent
VERSION = "0.1.0"
