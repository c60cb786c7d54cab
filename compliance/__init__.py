"""compliance: earn-out escrow administration for the Kaixin SPA of 2 December 2025."""

__version__ = "0.1.0"
