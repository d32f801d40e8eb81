"""Agent-based simulation of the regional diplomacy around the Taliban government of Afghanistan."""

__version__ = "0.1.0"
