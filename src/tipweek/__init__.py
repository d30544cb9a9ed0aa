"""tipweek: a tip of the week for customer-service teams, in the terminal."""

__version__ = "0.1.0"
