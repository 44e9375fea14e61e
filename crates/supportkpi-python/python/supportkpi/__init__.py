"""supportkpi: customer-support KPIs computed correctly, the same from every language.

The compiled core lives in the private module ``supportkpi._native``; this package is the
typed, documented surface on top of it.
"""

from supportkpi._native import __version__

__all__ = ["__version__"]
