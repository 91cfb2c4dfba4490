"""Black-box compatibility tests for Sundial through the official Temporal Python SDK."""
