"""Settings per machine: base (shared), local (zero-setup run), test, production."""
