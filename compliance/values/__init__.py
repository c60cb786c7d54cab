"""Plain values every layer uses: exact money, files written safely, share prices."""
